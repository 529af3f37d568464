/** The composition root's wiring, with the electron double and a recording monitor (no sockets). */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { startShell, type MonitorPorts, type Shell, type ShellMonitor } from '../../electron/main/app';
import { isConfiguredWebUi } from '../../electron/main/url-policy';
import { webUiUrl } from '../../electron/core/monitor';
import { defaultSettings, type Settings } from '../../electron/core/settings';
import type { MonitorDelta, MonitorSnapshot, NotificationView } from '../../electron/core/view';
import { EVENTS, REQUEST_CHANNELS } from '../../electron/ipc/contract';
import {
  electronDouble,
  FakeBrowserWindow,
  FakeMenu,
  FakeNotification,
  FakeTray,
  FakeWebContents,
  resetElectronDouble,
} from './electron-double';
import { notification, server, snapshot } from './fixtures';

function recordingMonitor(initial: MonitorSnapshot) {
  const calls: string[] = [];
  const deltaListeners = new Set<(d: MonitorDelta) => void>();
  const notificationListeners = new Set<(n: NotificationView) => void>();
  let state = initial;
  let settings = defaultSettings();
  const monitor = {
    settings: { get: () => settings, update: async (next: Settings) => (calls.push('settings'), (settings = next)) },
    snapshot: () => state,
    failures: () => state.failures,
    onDelta: (l: (d: MonitorDelta) => void) => (deltaListeners.add(l), () => void deltaListeners.delete(l)),
    onNotification: (l: (n: NotificationView) => void) => (notificationListeners.add(l), () => void notificationListeners.delete(l)),
    onTransition: () => () => undefined,
    onServerChange: () => () => undefined,
    pauseNotifications: (until: number | null) => void calls.push(`pause:${until}`),
    acknowledgeAll: () => void calls.push('ack-all'),
    rebootSafety: () => ({ safe: true, summary: '', servers: [], watching: false }),
    wake: () => void calls.push('wake'),
    networkChanged: () => void calls.push('network'),
    start: async () => void calls.push('start'),
    stop: async () => void calls.push('stop'),
  } as unknown as ShellMonitor;
  return {
    monitor,
    calls,
    /** What the shell handed to the monitor factory. */
    ports: null as MonitorPorts | null,
    set(next: MonitorSnapshot) {
      state = next;
      for (const l of deltaListeners) l({ upserts: [], removals: [], servers: next.servers, failures: next.failures });
    },
    notify(n: NotificationView) {
      for (const l of notificationListeners) l(n);
    },
  };
}

async function start(opts: { platform?: NodeJS.Platform; state?: MonitorSnapshot; argv?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'jobwatch-app-'));
  const rec = recordingMonitor(opts.state ?? snapshot());
  const promise = startShell({
    electron: electronDouble,
    platform: opts.platform ?? 'linux',
    env: {},
    argv: opts.argv ?? [],
    appRoot: process.cwd(),
    openStore: (name) =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: name,
        projectName: 'jobwatch-app-test',
        accessPropertiesByDotNotation: false,
      }),
    createMonitor: (ports: MonitorPorts) => ((rec.ports = ports), rec.monitor),
    trayIntervalMs: 10,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  return { promise, rec };
}

describe('composition root', () => {
  beforeEach(() => resetElectronDouble());

  it('registers the app:// scheme before the app is ready, then builds everything once ready', async () => {
    const { promise, rec } = await start();
    expect(electronDouble.protocol.privileged.map((p) => p.scheme)).toEqual(['app']);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    electronDouble.app.becomeReady();
    const shell = (await promise) as Shell;
    expect(shell).not.toBeNull();
    expect(electronDouble.protocol.handlers.has('app')).toBe(true);
    expect(electronDouble.session.defaultSession.permissionRequestHandler).not.toBeNull();
    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(FakeTray.instances).toHaveLength(1);
    expect(rec.calls).toContain('start');
    expect([...electronDouble.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
  });

  it('guards any web contents created once started, not only the window', async () => {
    const { promise } = await start();
    electronDouble.app.becomeReady();
    await promise;
    const stray = new FakeWebContents();
    electronDouble.app.emit('web-contents-created', {}, stray);
    expect(stray.tryEvent('will-navigate', 'https://evil.example/')).toBe(true);
    expect(stray.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(stray.session.permissionCheckHandler?.(stray, 'geolocation')).toBe(false);
  });

  it('a second instance quits and builds nothing; the first shows its window on a second launch', async () => {
    electronDouble.app.singleInstanceLock = false;
    const second = await start();
    electronDouble.app.becomeReady();
    expect(await second.promise).toBeNull();
    expect(electronDouble.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.instances).toHaveLength(0);

    resetElectronDouble();
    const first = await start({ state: snapshot({ servers: [server('nas')] }), argv: ['--hidden'] });
    electronDouble.app.becomeReady();
    await first.promise;
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.visible).toBe(false);
    electronDouble.app.secondInstance();
    expect(window.visible).toBe(true);
  });

  it('opens the window on first run (no servers) even when started hidden', async () => {
    const { promise } = await start({ argv: ['--hidden'] });
    electronDouble.app.becomeReady();
    await promise;
    expect(FakeBrowserWindow.instances[0]!.visible).toBe(true);
  });

  it('sets the AppUserModelID on Windows and hides the Dock icon on macOS', async () => {
    const win = await start({ platform: 'win32' });
    electronDouble.app.becomeReady();
    await win.promise;
    expect(electronDouble.app.appUserModelId).toBe('org.jobwatch.truenas');
    resetElectronDouble();
    const mac = await start({ platform: 'darwin' });
    electronDouble.app.becomeReady();
    await mac.promise;
    expect(electronDouble.app.dockHidden).toBe(true);
    expect(electronDouble.app.appUserModelId).toBeNull();
  });

  it('wires the tray menu to the monitor, follows its state, and the shortcut to the window', async () => {
    const { promise, rec } = await start({ state: snapshot({ servers: [server('nas')] }), argv: ['--hidden'] });
    electronDouble.app.becomeReady();
    await promise;
    const tray = FakeTray.instances[0]!;
    const menu = tray.contextMenu as FakeMenu;
    menu.find('For 1 hour')!.click!();
    expect(rec.calls.some((c) => c.startsWith('pause:'))).toBe(true);

    rec.set(
      snapshot({
        servers: [server('nas', { unacknowledged: 1 })],
        failures: [{ key: 'k', server: 'nas', jobId: 1, method: 'm', description: null, error: 'x', timeFinished: null, reportedAt: 1 }],
      }),
    );
    await vi.waitFor(() => expect(tray.image.path).toMatch(/tray-failure\.png$/), { timeout: 2000, interval: 5 });
    (tray.contextMenu as FakeMenu).find('Acknowledge all failures')!.click!();
    expect(rec.calls).toContain('ack-all');

    const window = FakeBrowserWindow.instances[0]!;
    (tray.contextMenu as FakeMenu).find('Settings…')!.click!();
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn(EVENTS.openView.channel)).toEqual([[{ view: 'settings' }]]);
    window.hide();
    expect(electronDouble.globalShortcut.isRegistered('CommandOrControl+Shift+J')).toBe(true);
    electronDouble.globalShortcut.press('CommandOrControl+Shift+J');
    expect(window.visible).toBe(true);
    electronDouble.globalShortcut.press('CommandOrControl+Shift+J');
    expect(window.visible).toBe(false);
  });

  it('shows notifications from the monitor, and a click opens the window on the job', async () => {
    const { promise, rec } = await start({ state: snapshot({ servers: [server('nas')] }), argv: ['--hidden'] });
    electronDouble.app.becomeReady();
    await promise;
    rec.notify(notification());
    rec.notify(notification({ id: 'n2', suppressed: 'quiet-hours' }));
    expect(FakeNotification.shownOnes()).toHaveLength(1);
    FakeNotification.shownOnes()[0]!.click();
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn(EVENTS.focusJob.channel)).toEqual([[{ server: 'nas', jobKey: notification().jobs[0] }]]);
  });

  it('reconnects on resume and quits only after the monitor stopped', async () => {
    const { promise, rec } = await start({ state: snapshot({ servers: [server('nas')] }) });
    electronDouble.app.becomeReady();
    const shell = (await promise) as Shell;
    electronDouble.powerMonitor.emit('resume');
    expect(rec.calls).toContain('wake');
    electronDouble.app.on('will-quit', () => rec.calls.push('will-quit'));
    (FakeTray.instances[0]!.contextMenu as FakeMenu).find('Quit Jobwatch')!.click!();
    await shell.stopped;
    expect(rec.calls.filter((c) => c === 'stop' || c === 'will-quit')).toEqual(['stop', 'will-quit']);
    expect(FakeBrowserWindow.instances[0]!.destroyed).toBe(true);
    expect(electronDouble.globalShortcut.registered.size).toBe(0);
  });
});

describe('openExternal policy', () => {
  const monitor = {
    snapshot: () => snapshot({ servers: [server('nas', { url: 'nas.lan' }), server('b', { url: 'wss://backup.lan:8443/api/current' })] }),
  };

  it('allows only the web UI origin of a configured server', () => {
    expect(isConfiguredWebUi('https://nas.lan/ui/jobs', monitor, webUiUrl)).toBe(true);
    expect(isConfiguredWebUi('https://backup.lan:8443/', monitor, webUiUrl)).toBe(true);
    for (const url of [
      'https://evil.example/',
      'https://nas.lan.evil.example/',
      'http://nas.lan/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user:pw@nas.lan/',
      'https://backup.lan/',
      'not a url',
    ]) {
      expect(isConfiguredWebUi(url, monitor, webUiUrl), url).toBe(false);
    }
  });
});

describe('the language of the tray and dialogs', () => {
  beforeEach(() => resetElectronDouble());

  async function boot(osLanguages: string[]) {
    electronDouble.app.preferredSystemLanguages = osLanguages;
    const started = await start({ state: snapshot({ servers: [server('nas')] }), argv: ['--hidden'] });
    electronDouble.app.becomeReady();
    const shell = (await started.promise) as Shell;
    return { shell, rec: started.rec, tray: FakeTray.instances[0]! };
  }

  it("follows an English OS for 'system' and hands the OS languages to the monitor", async () => {
    const { tray, rec } = await boot(['en-GB', 'de-DE']);
    expect((tray.contextMenu as FakeMenu).labels()[0]).toBe('Open Jobwatch');
    expect(tray.toolTip).toBe('Jobwatch: 0 running · 0 failed · 1 server');
    expect(rec.ports?.osLocales).toEqual(['en-GB', 'de-DE']);
  });

  it("follows a German OS for 'system': tray menu, tooltip and the save dialog's title in German", async () => {
    const { shell, tray } = await boot(['de-AT', 'en-US']);
    expect((tray.contextMenu as FakeMenu).labels()).toEqual([
      'Jobwatch öffnen',
      '---',
      'NAS: Verbunden',
      'Neustart möglich? Ja',
      '---',
      'Benachrichtigungen pausieren',
      'Alle Fehler bestätigen',
      '---',
      'Einstellungen…',
      'Jobwatch beenden',
    ]);
    expect(tray.toolTip).toBe('Jobwatch: 0 laufen · 0 fehlgeschlagen · 1 Server');
    await shell.askSavePath('job.log');
    expect(electronDouble.dialog.shown).toEqual([{ save: 'job.log' }]);
    expect(electronDouble.dialog.saveTitles).toEqual(['Job-Protokoll speichern']);
  });

  it('switching the setting rebuilds the tray menu in the new language at once, and back', async () => {
    const { shell, tray } = await boot(['en-US']);
    const build = vi.spyOn(electronDouble.Menu, 'buildFromTemplate');
    build.mockClear();
    const german = structuredClone(shell.settings());
    german.ui.language = 'de';
    await shell.updateSettings(german);
    expect(build).toHaveBeenCalledTimes(1);
    expect((tray.contextMenu as FakeMenu).labels()[0]).toBe('Jobwatch öffnen');
    expect((tray.contextMenu as FakeMenu).find('Benachrichtigungen pausieren')?.submenu?.map((i) => i.label)).toEqual([
      'Für 1 Stunde',
      'Bis morgen (08:00)',
      'Fortsetzen',
    ]);
    expect(tray.toolTip).toBe('Jobwatch: 0 laufen · 0 fehlgeschlagen · 1 Server');
    const system = structuredClone(shell.settings());
    system.ui.language = 'system';
    await shell.updateSettings(system);
    expect((tray.contextMenu as FakeMenu).labels()[0]).toBe('Open Jobwatch');
  });
});
