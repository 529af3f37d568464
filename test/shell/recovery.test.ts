/**
 * Recovery and the macOS tray title, through the composition root over the electron double: a renderer that
 * crashes or hangs is reloaded and gets the state main kept; too many reloads in a short time stop with a message;
 * a second launch shows the first instance's window; the failure count beside the menu-bar icon when chosen.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { startShell, type Shell, type ShellMonitor } from '../../electron/main/app';
import { defaultSettings, type Settings } from '../../electron/core/settings';
import type { MonitorDelta, MonitorSnapshot } from '../../electron/core/view';
import { EVENTS, REQUESTS } from '../../electron/ipc/contract';
import { GAVE_UP_TITLE, MAX_RELOADS } from '../../electron/main/recovery';
import { electronDouble, FakeBrowserWindow, FakeTray, resetElectronDouble } from './electron-double';
import { failure, server, snapshot } from './fixtures';

function fakeMonitor(initial: MonitorSnapshot) {
  let state = initial;
  let settings = defaultSettings();
  const listeners = new Set<(d: MonitorDelta) => void>();
  const monitor = {
    settings: { get: () => settings, update: async (next: Settings) => (settings = next) },
    snapshot: () => state,
    failures: () => state.failures,
    onDelta: (l: (d: MonitorDelta) => void) => (listeners.add(l), () => void listeners.delete(l)),
    onNotification: () => () => undefined,
    onTransition: () => () => undefined,
    onServerChange: () => () => undefined,
    pauseNotifications: () => undefined,
    acknowledgeAll: () => undefined,
    rebootSafety: () => ({ safe: true, summary: '', servers: [], watching: false }),
    wake: () => undefined,
    networkChanged: () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  } as unknown as ShellMonitor;
  return {
    monitor,
    set(next: MonitorSnapshot) {
      state = next;
      for (const l of listeners) l({ upserts: [], removals: [], servers: next.servers, failures: next.failures });
    },
  };
}

let shell: Shell | null = null;
const now = { t: 1_000_000 };

async function boot(platform: NodeJS.Platform = 'linux', state = snapshot({ servers: [server('nas')] })) {
  const dir = mkdtempSync(join(tmpdir(), 'jobwatch-recovery-'));
  const fake = fakeMonitor(state);
  electronDouble.app.becomeReady();
  shell = await startShell({
    electron: electronDouble,
    platform,
    env: {},
    appRoot: process.cwd(),
    openStore: (name) =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: name,
        projectName: 'jobwatch-recovery',
        accessPropertiesByDotNotation: false,
      }),
    createMonitor: () => fake.monitor,
    trayIntervalMs: 5,
    now: () => now.t,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  return { fake, win: FakeBrowserWindow.instances[0]! };
}

const subscribe = (win: FakeBrowserWindow) =>
  electronDouble.ipcMain.invoke(REQUESTS.subscribe.channel, win.webContents.mainFrame) as Promise<{ ok: boolean; value: MonitorSnapshot }>;

describe('renderer recovery', () => {
  beforeEach(() => {
    resetElectronDouble();
    now.t = 1_000_000;
  });
  afterEach(async () => {
    if (shell) {
      electronDouble.app.quit();
      await shell.stopped;
    }
    shell = null;
    vi.useRealTimers();
  });

  it('a crashed renderer is reloaded; the new page subscribes and gets the state main kept', async () => {
    const { fake, win } = await boot();
    expect((await subscribe(win)).ok).toBe(true);
    win.webContents.renderProcessGone('crashed');
    expect(win.webContents.reloads).toBe(1);
    // While the old page is gone nothing is sent to it; the reloaded page (a new main frame) subscribes.
    const sentBefore = win.webContents.sent.length;
    fake.set(snapshot({ servers: [server('nas', { running: 3 })] }));
    await new Promise((r) => setTimeout(r, 80));
    expect(win.webContents.sentOn(EVENTS.delta.channel).length).toBe(
      win.webContents.sent.filter((m, i) => i < sentBefore && m.channel === EVENTS.delta.channel).length,
    );
    const again = await subscribe(win);
    expect(again.value.servers[0]?.running).toBe(3);
    // A clean exit (quit) is not a crash.
    win.webContents.renderProcessGone('clean-exit');
    expect(win.webContents.reloads).toBe(1);
  });

  it('a hung renderer is given a grace period, then ended and reloaded; one that answers again is left alone', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { win } = await boot();
    win.emit('unresponsive');
    await vi.advanceTimersByTimeAsync(5_000);
    win.emit('responsive');
    await vi.advanceTimersByTimeAsync(20_000);
    expect(win.webContents.reloads).toBe(0);
    win.emit('unresponsive');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(win.webContents.crashedOnPurpose).toBe(1);
    expect(win.webContents.reloads).toBe(1);
  });

  it(`stops after ${MAX_RELOADS} reloads within a minute with a clear message; opening the window again retries`, async () => {
    const { win } = await boot();
    for (let i = 0; i < MAX_RELOADS; i++) {
      now.t += 1000;
      win.webContents.renderProcessGone('crashed');
    }
    expect(win.webContents.reloads).toBe(MAX_RELOADS);
    expect(electronDouble.dialog.shown).toEqual([]);
    win.webContents.renderProcessGone('oom');
    expect(win.webContents.reloads).toBe(MAX_RELOADS);
    expect(electronDouble.dialog.shown).toEqual([
      {
        title: GAVE_UP_TITLE,
        content: expect.stringMatching(/4 times within 60 seconds.*Jobs are still followed.*"Open Jobwatch" in the tray/),
      },
    ]);
    expect(shell!.log.recentProblems().some((p) => p.level === 'error' && p.message.includes('stopped reloading'))).toBe(true);
    win.webContents.renderProcessGone('crashed');
    expect(win.webContents.reloads).toBe(MAX_RELOADS);
    shell!.window.show();
    expect(win.webContents.reloads).toBe(MAX_RELOADS + 1);
    // Crashes spread out over time never give up.
    now.t += 120_000;
    win.webContents.renderProcessGone('crashed');
    expect(win.webContents.reloads).toBe(MAX_RELOADS + 2);
  });

  it('tells a person whose OS is German in German, through the whole shell', async () => {
    electronDouble.app.preferredSystemLanguages = ['de-DE'];
    const { win } = await boot();
    for (let i = 0; i <= MAX_RELOADS; i++) {
      now.t += 1000;
      win.webContents.renderProcessGone('crashed');
    }
    expect(electronDouble.dialog.shown).toEqual([
      {
        title: 'Das Jobwatch-Fenster fällt immer wieder aus',
        content: expect.stringMatching(/4-mal innerhalb von 60 Sekunden.*Jobs werden weiter verfolgt.*„Jobwatch öffnen“ im Infobereich/),
      },
    ]);
  });

  it('a second launch shows the first instance’s window', async () => {
    const { win } = await boot();
    win.hide();
    electronDouble.app.secondInstance(['jobwatch']);
    expect(win.visible).toBe(true);
    expect(electronDouble.app.quitCalls).toBe(0);
  });
});

describe('macOS tray title', () => {
  beforeEach(() => resetElectronDouble());
  afterEach(async () => {
    if (shell) {
      electronDouble.app.quit();
      await shell.stopped;
    }
    shell = null;
  });

  it('off by default; with the setting, the failure count beside the icon, and nothing when there are none', async () => {
    const { fake } = await boot('darwin', snapshot({ servers: [server('nas')], failures: [failure('a'), failure('b')] }));
    const tray = FakeTray.instances[0]!;
    expect(tray.title).toBe('');
    const settings = shell!.monitor.settings.get();
    await shell!.updateSettings({ ...settings, ui: { ...settings.ui, trayTitleCount: true } });
    fake.set(snapshot({ servers: [server('nas')], failures: [failure('a'), failure('b')] }));
    await expect.poll(() => tray.title).toBe('2');
    fake.set(snapshot({ servers: [server('nas')], failures: [] }));
    await expect.poll(() => tray.title).toBe('');
  });

  it('never set on Linux or Windows', async () => {
    const { fake } = await boot('linux');
    const settings = shell!.monitor.settings.get();
    await shell!.updateSettings({ ...settings, ui: { ...settings.ui, trayTitleCount: true } });
    fake.set(snapshot({ servers: [server('nas')], failures: [failure('a')] }));
    await new Promise((r) => setTimeout(r, 50));
    expect(FakeTray.instances[0]!.titles).toEqual([]);
  });
});
