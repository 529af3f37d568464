/**
 * The composition root: builds the core monitor over Electron-backed stores and wires it to the tray, the window,
 * notifications, IPC, the global shortcut and the app lifecycle. No job logic lives here; every decision about
 * jobs, rules and failures is the core's. main.ts calls this with the real `electron` module; the end-to-end test
 * calls it with the test double.
 */
import { join } from 'node:path';
import type { MonitorApi } from '../core/monitor-api';
import type { LogFields, Logger, SecretStore, StoragePort } from '../core/ports';
import { webUiUrl } from '../core/monitor';
import { handleAppProtocol, registerAppScheme, type ProtocolElectron } from './app-protocol';
import { DeltaBatcher } from './delta-batcher';
import { startDemoServer, type DemoServer, type RunSimCommand } from './demo';
import { IpcHandlers, RendererEvents, type IpcElectron, type IpcWindow, type ReplyEncoding } from './ipc';
import { NetworkWatcher, claimSingleInstance, quitCleanly, reconnectOnWake, setStartAtLogin, type LifecycleElectron } from './lifecycle';
import { DesktopNotifier, type NotificationElectron, type OpenTarget } from './notifications';
import { SafeStorageSecrets, type SafeStorageElectron } from './secrets';
import { ElectronStoreStorage, type OpenStore } from './storage';
import { denyAllPermissions, enforceContentSecurityPolicy, type GuardedSession, type HeaderSession } from './security';
import { ShellSettingsStore, type ShellSettings } from './shell-settings';
import { ToggleShortcut, type ShortcutElectron, type ShortcutResult } from './shortcut';
import { StatusTray, type TrayElectron } from './tray';
import { JobWindow, type WindowElectron } from './window';

export const APP_ID = 'org.jobwatch.truenas';

/** Everything of `electron` the shell touches; the real module and the test double both satisfy it. */
export interface ShellElectron
  extends TrayElectron,
    WindowElectron,
    NotificationElectron,
    ShortcutElectron,
    SafeStorageElectron,
    ProtocolElectron,
    IpcElectron {
  app: LifecycleElectron['app'] & {
    whenReady(): Promise<unknown>;
    setAppUserModelId(id: string): void;
    dock?: { hide(): void } | undefined;
    readonly isPackaged: boolean;
  };
  powerMonitor: LifecycleElectron['powerMonitor'];
  session: { defaultSession: GuardedSession & HeaderSession };
  shell: { openExternal(url: string): Promise<void> };
}

/** What the shell hands to the monitor factory (the core's createMonitor, adapted in main.ts). */
export interface MonitorPorts {
  storage: StoragePort;
  secrets: SecretStore;
  logger: Logger;
}

/** Everything IPC route registration needs; the routes themselves follow the contract (ipc-routes.ts). */
export interface ShellContext {
  monitor: MonitorApi;
  window: JobWindow;
  events: RendererEvents;
  settings: ShellSettingsStore;
  secrets: SafeStorageSecrets;
  setShortcut(accelerator: string | null): ShortcutResult;
  setStartAtLogin(enabled: boolean): { ok: boolean; message?: string };
  startDemo(): Promise<DemoServer>;
  openExternal(url: string): Promise<void>;
  quit(): void;
}

export interface ShellOptions {
  electron: ShellElectron;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  argv?: string[];
  /** The folder holding dist/ and build/ (the app.asar root when packaged, the project when not). */
  appRoot: string;
  /** Opens a named key-value store: electron-store in the app, conf on a temp folder in tests. */
  openStore: OpenStore;
  createMonitor(ports: MonitorPorts): MonitorApi;
  /** Registers the contract's request channels; returns the event channel names and schemas. */
  routes: ShellRoutes;
  runSimCommand?: RunSimCommand;
  /** The demo server's published fake credentials: usable without a keyring, never written to disk. */
  publicDemoSecrets?: readonly string[];
  logger?: Logger;
  /** Tray refresh at most this often (ms); the window's own updates are batched separately. */
  trayIntervalMs?: number;
  now?: () => number;
}

export interface ShellRoutes {
  encoding?: ReplyEncoding;
  events: ConstructorParameters<typeof RendererEvents>[2];
  schemas: ConstructorParameters<typeof RendererEvents>[3];
  register(ipc: IpcHandlers, context: ShellContext): void;
}

export interface Shell extends ShellContext {
  tray: StatusTray;
  notifier: DesktopNotifier;
  shortcut: ToggleShortcut;
  demo(): DemoServer | null;
  /** Settles once the app has stopped everything on quit. */
  readonly stopped: Promise<void>;
}

function fieldsText(fields?: LogFields): string {
  return fields ? ` ${JSON.stringify(fields)}` : '';
}

/** Main-process log to stdout/stderr (where Electron and the OS collect it). The core never logs secrets. */
export const consoleLogger: Logger = {
  debug: () => undefined,
  info: (m, f) => console.log(`[jobwatch] ${m}${fieldsText(f)}`),
  warn: (m, f) => console.warn(`[jobwatch] ${m}${fieldsText(f)}`),
  error: (m, f) => console.error(`[jobwatch] ${m}${fieldsText(f)}`),
};

/** The web UI of a configured server: the only place openExternal may go. */
export function isConfiguredWebUi(url: string, monitor: Pick<MonitorApi, 'snapshot'>, webUiUrl: (serverUrl: string) => string | null): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.username || target.password) return false;
  return monitor.snapshot().servers.some((server) => {
    const base = webUiUrl(server.url);
    return base !== null && new URL(base).origin === target.origin;
  });
}

/**
 * Starts the desktop app. Returns null when another instance already runs (this one then quits).
 * Must be called before the app is ready: the app:// scheme is registered as privileged first.
 */
export async function startShell(options: ShellOptions): Promise<Shell | null> {
  const { electron, platform, appRoot } = options;
  const log = options.logger ?? consoleLogger;
  registerAppScheme(electron);

  let window: JobWindow | null = null;
  if (!claimSingleInstance(electron, () => window?.show())) return null;
  // Windows routes notification clicks from the Action Center to the app with this id.
  if (platform === 'win32') electron.app.setAppUserModelId(APP_ID);

  await electron.app.whenReady();
  // A menu-bar app on macOS: no Dock icon (LSUIElement does this for the packaged app; this covers `npm start`).
  if (platform === 'darwin') electron.app.dock?.hide();

  handleAppProtocol(electron, join(appRoot, 'dist', 'renderer'));
  denyAllPermissions(electron.session.defaultSession);
  enforceContentSecurityPolicy(electron.session.defaultSession);

  const settings = new ShellSettingsStore(options.openStore('shell-preferences'));
  const secrets = new SafeStorageSecrets(electron, options.openStore('secrets-encrypted'), platform, new Set(options.publicDemoSecrets ?? []));
  const monitor = options.createMonitor({ storage: new ElectronStoreStorage(options.openStore), secrets, logger: log });
  const now = options.now ?? Date.now;

  let tray: StatusTray | null = null;
  const jobWindow = new JobWindow(electron, {
    platform,
    env: options.env,
    preloadPath: join(appRoot, 'dist', 'preload', 'preload.cjs'),
    iconPath: join(appRoot, 'build', 'icons', '512x512.png'),
    devTools: !electron.app.isPackaged,
    preferences: settings.windowPreferences(),
    trayBounds: () => tray?.bounds() ?? null,
  });
  window = jobWindow;
  const ipcWindow = (): IpcWindow => jobWindow;

  const events = new RendererEvents(monitor, ipcWindow, options.routes.events, options.routes.schemas, { now });
  const openOn = (target: OpenTarget | null) => {
    jobWindow.show();
    if (target) events.focusJob(target);
  };

  const notifier = new DesktopNotifier(electron, (target) => openOn(target), join(appRoot, 'build', 'icons', '256x256.png'));
  monitor.onNotification((notification) => {
    notifier.show(notification);
  });

  let quitting = false;
  const quit = () => {
    quitting = true;
    jobWindow.allowClose();
    electron.app.quit();
  };

  tray = new StatusTray(electron, {
    platform,
    iconDir: join(appRoot, 'build', 'tray'),
    now,
    actions: {
      openWindow: () => jobWindow.toggle(),
      openServer: (serverId) => openOn({ server: serverId, jobKey: null }),
      pauseUntil: (until) => monitor.pauseNotifications(until),
      acknowledgeAll: () => monitor.acknowledgeAll(),
      openSettings: () => openOn(null),
      quit,
    },
  });
  const statusTray = tray;
  // The tray follows the monitor at a calm rate; it only redraws when its icon, tooltip or menu would change.
  const trayRefresh = new DeltaBatcher({ intervalMs: options.trayIntervalMs ?? 500, now, send: () => statusTray.update(monitor.snapshot()) });
  monitor.onDelta((delta) => trayRefresh.push(delta));

  const shortcut = new ToggleShortcut(electron, () => jobWindow.toggle());
  const initial = settings.read();
  if (initial.shortcut) {
    const result = shortcut.set(initial.shortcut);
    if (!result.ok) log.warn(result.message);
  }

  let demo: DemoServer | null = null;
  const startDemo = async (): Promise<DemoServer> => {
    if (demo) return demo;
    if (!options.runSimCommand) throw new Error('The demo server is not available in this build.');
    demo = await startDemoServer(options.runSimCommand, monitor, (line) => log.info(`demo: ${line}`));
    settings.update({ demo: true });
    return demo;
  };

  const context: ShellContext = {
    monitor,
    window: jobWindow,
    events,
    settings,
    secrets,
    setShortcut: (accelerator) => {
      const result = shortcut.set(accelerator);
      if (result.ok) settings.update({ shortcut: accelerator });
      return result;
    },
    setStartAtLogin: (enabled) => {
      const result = setStartAtLogin(electron, platform, enabled);
      if (result.ok) settings.update({ startAtLogin: enabled });
      return result;
    },
    startDemo,
    openExternal: async (url) => {
      if (!isConfiguredWebUi(url, monitor, webUiUrl)) {
        throw Object.assign(new Error('Only the web UI of a configured server can be opened.'), { code: 'URL_NOT_ALLOWED' });
      }
      await electron.shell.openExternal(url);
    },
    quit,
  };
  const ipc = new IpcHandlers(electron, ipcWindow, options.routes.encoding, (m) => log.warn(m));
  options.routes.register(ipc, context);

  reconnectOnWake(electron, monitor);
  const network = new NetworkWatcher(() => monitor.networkChanged());
  network.start();

  const { done: stopped } = quitCleanly(electron, async () => {
    if (!quitting) {
      quitting = true;
      jobWindow.allowClose();
    }
    network.stop();
    shortcut.dispose();
    trayRefresh.dispose();
    events.flush();
    // Sockets closed and ledger/stores flushed before the process goes.
    await monitor.stop();
    await demo?.close();
    events.dispose();
    ipc.dispose();
    statusTray.destroy();
    jobWindow.destroy();
  });

  await monitor.start();
  if (initial.demo && options.runSimCommand) {
    await startDemo().catch((err: unknown) => log.warn(`The demo server could not start: ${(err as Error).message}`));
  }
  statusTray.update(monitor.snapshot());
  await jobWindow.load().catch((err: unknown) => log.error(`The window could not load: ${(err as Error).message}`));
  // First run: nothing configured yet, so open the window where the user can add a server or start the demo.
  // Launched at login (--hidden): stay in the tray unless there is nothing to show yet.
  const hidden = (options.argv ?? []).includes('--hidden');
  if (monitor.snapshot().servers.length === 0 || !hidden) jobWindow.show();

  return {
    ...context,
    tray: statusTray,
    notifier,
    shortcut,
    demo: () => demo,
    stopped,
  };
}

export type { ShellSettings };
