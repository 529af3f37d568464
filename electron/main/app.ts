/**
 * The composition root: builds the core monitor over Electron-backed stores and wires it to the tray, the window,
 * notifications, IPC, the global shortcut and the app lifecycle. No job logic lives here; every decision about
 * jobs, rules and failures is the core's. main.ts calls this with the real `electron` module; the end-to-end test
 * calls it with the test double.
 */
import { arch, release, type } from 'node:os';
import { join } from 'node:path';
import type { LogFields, Logger, SecretStore, StoragePort } from '../core/ports';
import type { DesktopMonitorApi } from '../core/desktop-monitor';
import { savedProfileViews } from '../core/profile-directory';
import { webUiUrl } from '../core/monitor';
import { JobwatchError } from '../core/errors';
import { notificationActionLabels, resolveLanguage, translator, type Translator } from '../core/i18n/i18n';
import { EVENTS, REPLY_ENCODING } from '../ipc/contract';
import { handleAppProtocol, registerAppScheme, type ProtocolElectron } from './app-protocol';
import { DeltaBatcher } from './delta-batcher';
import { DEMO_SERVER_NAME, startDemoServer, type DemoServer, type RunSimCommand } from './demo';
import { IpcHandlers, RendererEvents, type IpcElectron, type IpcWindow } from './ipc';
import { registerContractRoutes, type RouteContext } from './ipc-routes';
import { NetworkWatcher, claimSingleInstance, quitCleanly, reconnectOnWake, setStartAtLogin, type LifecycleElectron } from './lifecycle';
import { DesktopNotifier, type NotificationElectron, type OpenTarget } from './notifications';
import { FailureSound, PlatformPlayer, playTestSound, type SoundPlayer } from './sound';
import { failureKeysOf } from '../core/sound-policy';
import { connectNotificationServer } from '../freedesktop/notification-server';
import { SafeStorageSecrets, type SafeStorageElectron } from './secrets';
import { ElectronStoreStorage, type OpenStore } from './storage';
import {
  denyAllPermissions,
  enforceContentSecurityPolicy,
  guardAllWebContents,
  type GuardedSession,
  type HeaderSession,
  type WebContentsCreatedApp,
} from './security';
import { UiPreferences } from './ui-preferences';
import { ToggleShortcut, type ShortcutElectron } from './shortcut';
import { diagnosticsReport } from './diagnostics';
import { AppLog, secretsSeenByLog, type ShellLog } from './log';
import { UpdateController, updateMenuItem, updateSummary, updateSupport, updateTooltipLine, type UpdaterLike } from './updates';
import { StatusTray, type TrayElectron } from './tray';
import { isConfiguredWebUi } from './url-policy';
import { saveSettings } from './settings-workflow';
import { JobWindow, type WindowElectron } from './window';

export const APP_ID = 'org.jobwatch.truenas';

/** Everything of `electron` the shell touches; the real module and the test double both satisfy it. */
export interface ShellElectron
  extends TrayElectron, WindowElectron, NotificationElectron, ShortcutElectron, SafeStorageElectron, ProtocolElectron, IpcElectron {
  app: LifecycleElectron['app'] &
    WebContentsCreatedApp & {
      whenReady(): Promise<unknown>;
      setAppUserModelId(id: string): void;
      dock?: { hide(): void } | undefined;
      readonly isPackaged: boolean;
      getVersion(): string;
      /** The OS's languages, most preferred first (after ready): what the language setting 'system' follows. */
      getPreferredSystemLanguages(): string[];
      getLocale(): string;
    };
  powerMonitor: LifecycleElectron['powerMonitor'];
  session: { defaultSession: GuardedSession & HeaderSession };
  shell: { openExternal(url: string): Promise<void>; openPath(path: string): Promise<string> };
  clipboard: { writeText(text: string): void };
  dialog: {
    showErrorBox(title: string, content: string): void;
    showSaveDialog(options: { defaultPath?: string; title?: string }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
  };
}

/** The core monitor with its settings (createMonitor in core/desktop-monitor.ts). */
export type ShellMonitor = DesktopMonitorApi;

/** What the shell hands to the monitor factory (the core's createMonitor, adapted in main.ts). */
export interface MonitorPorts {
  storage: StoragePort;
  secrets: SecretStore;
  logger: Logger;
  /** The OS's languages, most preferred first: notification text follows them when the language setting is 'system'. */
  osLocales: readonly string[];
}

/** What the IPC routes and the tests can reach of the running app. */
export interface ShellContext extends RouteContext {
  monitor: ShellMonitor;
  window: JobWindow;
  events: RendererEvents;
  secrets: SafeStorageSecrets;
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
  createMonitor(ports: MonitorPorts): ShellMonitor;
  runSimCommand?: RunSimCommand;
  /** Where log lines go when `log` is not given (the console; a silent logger in tests). */
  logger?: Logger;
  /** The app's own log (log.ts, electron-log in main.ts): file, scrubbing, recent problems for the diagnostics. */
  log?: ShellLog;
  /** electron-updater's autoUpdater (main.ts); without it the app has no updater. Only built where updates are on. */
  createUpdater?: () => UpdaterLike;
  /** Tray refresh at most this often (ms); the window's own updates are batched separately. */
  trayIntervalMs?: number;
  now?: () => number;
  /** Plays the failure sound; the platform's player (sound.ts) when omitted. */
  soundPlayer?: SoundPlayer;
}

export interface Shell extends Omit<ShellContext, 'startDemo'> {
  startDemo(): Promise<DemoServer>;
  tray: StatusTray;
  log: ShellLog;
  updates: UpdateController | null;
  notifier: DesktopNotifier;
  failureSound: FailureSound;
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

/**
 * Starts the desktop app. Returns null when another instance already runs (this one then quits).
 * Must be called before the app is ready: the app:// scheme is registered as privileged first.
 */
export async function startShell(options: ShellOptions): Promise<Shell | null> {
  const { electron, platform, appRoot } = options;
  // Even without a file (tests), warnings and errors are kept and scrubbed for the diagnostics.
  const log: ShellLog = options.log ?? new AppLog({ sink: null, folder: null, forward: options.logger ?? consoleLogger });
  registerAppScheme(electron);

  let window: JobWindow | null = null;
  if (!claimSingleInstance(electron, () => window?.show())) return null;
  // Windows routes notification clicks from the Action Center to the app with this id.
  if (platform === 'win32') electron.app.setAppUserModelId(APP_ID);

  await electron.app.whenReady();
  // A menu-bar app on macOS: no Dock icon (LSUIElement does this for the packaged app; this covers `npm start`).
  if (platform === 'darwin') electron.app.dock?.hide();

  handleAppProtocol(electron, join(appRoot, 'dist', 'renderer'));
  guardAllWebContents(electron.app);
  denyAllPermissions(electron.session.defaultSession);
  enforceContentSecurityPolicy(electron.session.defaultSession);

  const secrets = new SafeStorageSecrets(electron, options.openStore('secrets-encrypted'), platform);
  const storage = new ElectronStoreStorage(options.openStore);
  // Both only answer after ready; getLocale is the app's own locale, the fallback when the OS names none.
  const preferred = electron.app.getPreferredSystemLanguages();
  const osLocales = preferred.length > 0 ? preferred : [electron.app.getLocale()];
  // Every secret the monitor stores or reads back is known to the log, which masks it wherever it appears.
  const monitor = options.createMonitor({ storage, secrets: secretsSeenByLog(secrets, log), logger: log, osLocales });
  const now = options.now ?? Date.now;
  /** The language of the tray, dialogs and messages: the setting, read each time, so a change applies at once. */
  const t = (): Translator => translator(resolveLanguage(monitor.settings.get().ui.language, osLocales));

  // Everything that listens to the monitor is wired before it starts, so nothing it reports is missed; the
  // window is created after, because its size and pin come from the settings the monitor loads on start.
  const ipcWindow = (): IpcWindow | null => window;
  const events = new RendererEvents(monitor, ipcWindow, EVENTS, { now });
  const openOn = (target: OpenTarget | null) => {
    window?.show();
    if (target) events.focusJob(target);
  };
  // Failure notifications offer Acknowledge and Open (notifications.ts), and may sound (sound.ts).
  const unacknowledged = () => new Set(monitor.failures().map((failure) => failure.key));
  const busAddress = options.env['DBUS_SESSION_BUS_ADDRESS'];
  // Linux only: Electron's Notification has no actions there. Without a session bus, Electron's as before.
  const notificationServer =
    platform === 'linux' && busAddress ? connectNotificationServer({ address: busAddress, log: (m) => log.info(m) }) : null;
  const notifier = new DesktopNotifier(electron, (target) => openOn(target), join(appRoot, 'build', 'icons', '256x256.png'), platform, {
    failureKeys: (view) => failureKeysOf(view, unacknowledged()),
    acknowledge: (keys) => keys.forEach((key) => monitor.acknowledge(key)),
    labels: () => notificationActionLabels(t()),
    notificationServer,
    log: (m) => log.info(m),
  });
  // The player process reads the file itself, so it ships outside app.asar (electron-builder.yml extraResources).
  const soundFile = electron.app.isPackaged
    ? join(process.resourcesPath, 'sounds', 'failure.wav')
    : join(appRoot, 'build', 'sounds', 'failure.wav');
  const soundPlayer = options.soundPlayer ?? new PlatformPlayer({ platform, file: soundFile, log: (m) => log.warn(m) });
  const failureSound = new FailureSound({
    player: soundPlayer,
    now,
    context: () => {
      const { sound, quietHours, pausedUntil } = monitor.settings.get().notifications;
      return { sound, quietHours, pausedUntil, unacknowledged: unacknowledged() };
    },
  });
  monitor.onNotification((notification) => {
    failureSound.notified(notification, notifier.show(notification));
  });
  // An acknowledgement (window, tray, notification button) stops the repeat at once.
  monitor.onDelta((delta) => {
    if (delta.failures) failureSound.refresh();
  });

  /** A pause (tray or window) goes to the live planner; the monitor saves it, so it survives a restart. */
  const pause = (until: number | null) => monitor.pauseNotifications(until);

  let quitting = false;
  const quit = () => {
    quitting = true;
    window?.allowClose();
    electron.app.quit();
  };
  const tray = new StatusTray(electron, {
    platform,
    iconDir: join(appRoot, 'build', 'tray'),
    now,
    actions: {
      openWindow: () => window?.toggle(),
      openServer: (serverId) => openOn({ server: serverId, jobKey: null }),
      pauseUntil: (until) => pause(until),
      acknowledgeAll: () => monitor.acknowledgeAll(),
      watchAllServers: () => {
        monitor.watchAllServers();
        // The menu shows the watch as waiting at once, not at the next change of the monitor.
        tray.refresh();
      },
      openSettings: () => {
        window?.show();
        events.openView({ view: 'settings' });
      },
      restartToUpdate: () => {
        // quitAndInstall quits the app itself; the window must let it close.
        quitting = true;
        window?.allowClose();
        if (!updates?.restartToUpdate()) quitting = false;
      },
      quit,
    },
    titleCount: () => monitor.settings.get().ui.trayTitleCount,
    translator: t,
    watchingSafe: () => monitor.rebootSafety().watching === true,
  });
  const updates = options.createUpdater
    ? new UpdateController({
        support: updateSupport(platform, options.env, electron.app.isPackaged),
        createUpdater: options.createUpdater,
        logger: log,
        now,
        onChange: (state) => tray.setUpdate(updateMenuItem(state, t()), updateTooltipLine(state, t())),
      })
    : null;
  /** The updater's line in the tray, in the current language (again after the language changed). */
  const showUpdate = () => {
    if (updates) tray.setUpdate(updateMenuItem(updates.state, t()), updateTooltipLine(updates.state, t()));
  };
  showUpdate();
  // The tray follows the monitor at a calm rate; it only redraws when its icon, tooltip or menu would change.
  const trayRefresh = new DeltaBatcher({ intervalMs: options.trayIntervalMs ?? 500, now, send: () => tray.update(monitor.snapshot()) });
  monitor.onDelta((delta) => trayRefresh.push(delta));
  reconnectOnWake(electron, monitor);
  const network = new NetworkWatcher(() => monitor.networkChanged());

  let demo: DemoServer | null = null;
  const shortcut = new ToggleShortcut(electron, () => window?.toggle());
  const ipc = new IpcHandlers(electron, ipcWindow, REPLY_ENCODING, (m) => log.warn(m), t);

  const { done: stopped } = quitCleanly(electron, async () => {
    if (!quitting) {
      quitting = true;
      window?.allowClose();
    }
    network.stop();
    failureSound.dispose();
    notifier.dispose();
    notificationServer?.close();
    updates?.dispose();
    shortcut.dispose();
    trayRefresh.dispose();
    events.flush();
    // Sockets closed and ledger/stores flushed before the process goes.
    await monitor.stop();
    await demo?.close();
    events.dispose();
    ipc.dispose();
    tray.destroy();
    window?.destroy();
  });

  await monitor.start();
  network.start();

  const ui = new UiPreferences(monitor.settings, (m) => log.warn(m));
  const jobWindow = new JobWindow(electron, {
    platform,
    env: options.env,
    preloadPath: join(appRoot, 'dist', 'preload', 'preload.cjs'),
    iconPath: join(appRoot, 'build', 'icons', '512x512.png'),
    devTools: !electron.app.isPackaged,
    preferences: ui.windowPreferences(),
    trayBounds: () => tray.bounds(),
    recovery: {
      // The old page is gone; the reloaded one subscribes and gets a snapshot of the state main kept.
      onReload: () => events.detach(),
      onGiveUp: (title, message) => {
        log.error(message);
        electron.dialog.showErrorBox(title, message);
      },
      log: (message) => log.warn(message),
      translator: t,
      now,
    },
  });
  window = jobWindow;

  const initialShortcut = ui.get().globalShortcut;
  if (initialShortcut) {
    const result = shortcut.set(initialShortcut);
    if (!result.ok) log.warn(result.message);
  }

  const startDemo = async (): Promise<DemoServer> => {
    if (demo) return demo;
    if (!options.runSimCommand) throw new Error(t()('errors.demoUnavailable'));
    demo = await startDemoServer(options.runSimCommand, monitor, (line) => log.info(`demo: ${line}`));
    return demo;
  };

  const context: ShellContext = {
    monitor,
    window: jobWindow,
    events,
    secrets,
    subscribe: () => events.subscribe(),
    listProfiles: () => savedProfileViews(storage),
    pause,
    askSavePath: async (defaultName) => {
      const result = await electron.dialog.showSaveDialog({ defaultPath: defaultName, title: t()('dialogs.saveJobLog') });
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    settings: () => monitor.settings.get(),
    updateSettings: (next) =>
      // Sound turned off (or its repeat): a pending repeat stops at once.
      saveSettings(next, {
        monitor,
        setShortcut: (accelerator) => shortcut.set(accelerator, t()),
        setStartAtLogin: (enabled) => setStartAtLogin(electron, platform, enabled, { env: options.env, execPath: process.execPath }, t()),
        window: jobWindow,
        updateTray: () => {
          // After a language change the update line is written again; setUpdate redraws the rest.
          showUpdate();
          tray.update(monitor.snapshot());
        },
        translator: t,
      }).finally(() => failureSound.refresh()),
    hideWindow: () => jobWindow.hide(),
    // The window's "Play test sound" (ipc-routes.ts): the volume in its form, saved or not.
    playTestSound: (volume) => playTestSound(soundPlayer, volume),
    startDemo: async () => {
      const started = await startDemo();
      return { serverId: started.serverId, url: started.url };
    },
    openExternal: async (url) => {
      if (!isConfiguredWebUi(url, monitor, webUiUrl)) {
        throw new JobwatchError('URL_NOT_ALLOWED', t()('errors.urlNotAllowed'));
      }
      await electron.shell.openExternal(url);
    },
    openLogFolder: async () => {
      if (!log.folder) throw new JobwatchError('NO_LOG_FILE', t()('errors.noLogFile'));
      // shell.openPath answers with an error text ('' on success) instead of rejecting.
      const problem = await electron.shell.openPath(log.folder);
      if (problem) {
        throw new JobwatchError('OPEN_FAILED', t()('errors.openLogFolderFailed', { problem, folder: log.folder }));
      }
    },
    copyDiagnostics: () => {
      const report = diagnosticsReport({
        versions: {
          app: electron.app.getVersion(),
          electron: process.versions['electron'] ?? null,
          chrome: process.versions['chrome'] ?? null,
          node: process.versions.node,
          os: `${type()} ${release()} ${arch()} (${platform})`,
        },
        snapshot: monitor.snapshot(),
        recentProblems: log.recentProblems(),
        updates: updates ? updateSummary(updates.state) : 'No updater in this build.',
        rendererReloads: jobWindow.recovery?.reloads ?? 0,
        now: now(),
      });
      electron.clipboard.writeText(report);
      return { report, copied: true };
    },
    quit,
  };
  registerContractRoutes(ipc, context);

  // The demo server was chosen on an earlier run: bring it back (on a new loopback port).
  if (options.runSimCommand && monitor.snapshot().servers.some((s) => s.name === DEMO_SERVER_NAME)) {
    await startDemo().catch((err: unknown) => log.warn(`The demo server could not start: ${(err as Error).message}`));
  }
  tray.update(monitor.snapshot());
  await jobWindow.load().catch((err: unknown) => log.error(`The window could not load: ${(err as Error).message}`));
  // Launched at login (--hidden): stay in the tray unless there is nothing to show yet. First run (no server):
  // the window opens, offering to add a server or start the demo server.
  const hidden = (options.argv ?? []).includes('--hidden');
  if (monitor.snapshot().servers.length === 0 || !hidden) jobWindow.show();
  updates?.start();

  return {
    ...context,
    startDemo,
    tray,
    log,
    updates,
    notifier,
    failureSound,
    shortcut,
    demo: () => demo,
    stopped,
  };
}
