/**
 * Every request channel of the IPC contract, bound to the monitor and the shell. Each handler is one call into
 * the core or a shell adapter; IpcHandlers does the sender check and the request/reply validation.
 */
import { writeFile } from 'node:fs/promises';
import { REQUESTS, type ProfileView, type RequestName, type RequestPayload, type RequestReply, type SettingsView } from '../ipc/contract';
import { JobwatchError } from '../core/errors';
import type { Settings } from '../core/settings';
import type { DesktopMonitorApi } from '../core/desktop-monitor';
import type { IpcHandlers } from './ipc';

/** What the routes need from the shell (startShell builds it). */
export interface RouteContext {
  monitor: DesktopMonitorApi;
  subscribe(): RequestReply<'subscribe'>;
  /** Saved profiles as the edit form shows them: no secret. */
  listProfiles(): Promise<ProfileView[]>;
  settings(): Settings;
  updateSettings(next: Settings): Promise<Settings>;
  pause(until: number | null): void;
  startDemo(): Promise<{ serverId: string; url: string }>;
  /** Hides the window to the tray. */
  hideWindow(): void;
  /** Opens a URL only if it is the web UI of a configured server. */
  openExternal(url: string): Promise<void>;
  /** Asks where to save a file; null when the user cancelled. */
  askSavePath(defaultName: string): Promise<string | null>;
  /** Opens the app's log folder (and nothing else) in the file manager. */
  openLogFolder(): Promise<void>;
  /** The diagnostics report, copied to the clipboard. */
  copyDiagnostics(): RequestReply<'copyDiagnostics'>;
  /** The failure sound once at `volume` (main/sound.ts playTestSound); absent where the shell has no player. */
  playTestSound?(volume: number): Promise<RequestReply<'playTestSound'>>;
}

type Handler<N extends RequestName> = (payload: RequestPayload<N>) => unknown;
type Handlers = { [N in RequestName]: Handler<N> };

function routes(context: RouteContext): Handlers {
  const { monitor } = context;
  return {
    subscribe: () => context.subscribe(),

    listProfiles: () => context.listProfiles(),
    addServer: ({ draft, secret }) => monitor.addServer(draft, secret),
    updateServer: ({ id, draft, secret }) => monitor.updateServer(id, draft, secret),
    removeServer: ({ id }) => monitor.removeServer(id),
    testConnection: ({ draft, secret, otp }) => monitor.testConnection(draft, secret, otp),
    probeCertificate: ({ url }) => monitor.probeCertificate(url),
    trustFingerprint: ({ serverId, fingerprint256 }) => monitor.trustCertificate(serverId, fingerprint256),

    jobDetail: ({ key }) => monitor.jobDetail(key),
    abortJob: ({ key }) => monitor.abortJob(key),
    downloadJobLog: async ({ key }) => {
      const log = await monitor.downloadJobLog(key);
      const path = await context.askSavePath(log.filename);
      if (path === null) return { status: 'cancelled' };
      await writeFile(path, log.content, 'utf8');
      return { status: 'saved', path };
    },
    openJobInWebUi: async ({ key }) => {
      const url = monitor.jobDetail(key)?.webUiUrl ?? null;
      if (!url) throw new JobwatchError('NOT_FOUND', 'That job is no longer known, or its server has no web UI address.');
      await context.openExternal(url);
    },
    watchJob: ({ key }) => monitor.watchJob(key),
    watchServer: ({ serverId }) => monitor.watchServer(serverId),
    rebootSafety: () => monitor.rebootSafety(),
    watchAllServers: () => monitor.watchAllServers(),

    acknowledge: ({ key }) => monitor.acknowledge(key),
    acknowledgeServer: ({ serverId }) => monitor.acknowledgeServer(serverId),
    acknowledgeAll: () => monitor.acknowledgeAll(),

    getSettings: () => context.settings(),
    setSettings: (next) => context.updateSettings(next as SettingsView satisfies Settings),
    pauseNotifications: ({ until }) => context.pause(until),
    muteServer: ({ serverId, muted, until }) => monitor.muteServer(serverId, until, muted),
    getServerRules: ({ serverId }) => monitor.serverRules.get(serverId),
    setServerRules: ({ serverId, rules }) => monitor.serverRules.set(serverId, rules),
    playTestSound: ({ volume }) => {
      if (!context.playTestSound) throw new JobwatchError('FAILED', 'This build cannot play sounds, so there is no test sound.');
      return context.playTestSound(volume);
    },

    startDemoServer: () => context.startDemo(),
    hideWindow: () => context.hideWindow(),

    openLogFolder: () => context.openLogFolder(),
    copyDiagnostics: () => context.copyDiagnostics(),
  };
}

/** Registers a handler for every request channel of the contract. */
export function registerContractRoutes(ipc: IpcHandlers, context: RouteContext): void {
  const handlers = routes(context);
  for (const name of Object.keys(REQUESTS) as RequestName[]) {
    const definition = REQUESTS[name];
    ipc.handle(definition.channel, definition.request, definition.reply, handlers[name] as (payload: unknown) => unknown);
  }
}
