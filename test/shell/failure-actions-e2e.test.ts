/**
 * Notification actions and the failure sound through the real composition root (startShell) with the electron
 * double, a real monitor and the simulator: a job fails → its notification offers Acknowledge and Open (Electron's
 * actions on macOS; the D-Bus notification server on Linux, here a stand-in on a private dbus-daemon), the sound
 * plays once, and Acknowledge acknowledges that failure in the core and stops the repeat.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Shell } from '../../electron/main/app';
import { EVENTS } from '../../electron/ipc/contract';
import type { SoundPlayer } from '../../electron/main/sound';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { dbusDaemonUnavailable, startPrivateBus, type PrivateBus } from '../integration/cli-dbus/private-bus';
import { startActionServer, type ActionServer } from '../integration/action-server';
import { startShellOnDisk } from './shell-on-disk';
import { electronDouble, FakeBrowserWindow, FakeNotification, resetElectronDouble } from './electron-double';

const WAIT = { timeout: 10_000, interval: 20 };

describe('failure notification actions and sound, end to end', () => {
  let sim: Simulator;
  let shell: Shell | null = null;
  let played: number[] = [];
  const player: SoundPlayer = { play: async (volume) => (played.push(volume), { ok: true }) };

  beforeEach(async () => {
    resetElectronDouble();
    played = [];
    sim = await startSimulator({ host: '127.0.0.1', port: 0 });
  });

  afterEach(async () => {
    if (shell) {
      electronDouble.app.quit();
      await shell.stopped;
    }
    shell = null;
    await sim.close();
  });

  async function start(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): Promise<Shell> {
    const { shell: started } = await startShellOnDisk({ prefix: 'jobwatch-actions-', platform, env, soundPlayer: player });
    shell = started;
    const settings = started.monitor.settings.get();
    await started.updateSettings({
      ...settings,
      notifications: {
        ...settings.notifications,
        sound: { enabled: true, volume: 55, repeatUntilAcknowledged: true, repeatIntervalSec: 30 },
      },
    });
    await started.monitor.addServer(
      { name: 'Sim NAS', url: sim.url, auth: { method: 'api-key', username: sim.credentials.username }, fingerprint256: null },
      sim.credentials.apiKey,
    );
    await vi.waitFor(() => expect(started.monitor.snapshot().servers[0]?.state).toBe('live'), WAIT);
    return started;
  }

  function failJob(): number {
    const id = sim.startJob({ method: 'cloudsync.sync', description: 'Cloud sync to B2', manual: true });
    sim.finishJob(id, 'FAILED', '[EFAULT] Failed to connect to remote host.');
    return id;
  }

  it('macOS: Acknowledge on the notification acknowledges its failure and stops the repeating sound', async () => {
    const app = await start('darwin', {});
    const id = failJob();
    await vi.waitFor(() => expect(FakeNotification.shownOnes()).toHaveLength(1), WAIT);
    const shown = FakeNotification.shownOnes()[0]!;
    expect(shown.actionLabels()).toEqual(['Acknowledge', 'Open']);
    expect(played).toEqual([55]);
    expect(app.failureSound.repeating).toBe(true);
    expect(app.monitor.failures().map((f) => f.jobId)).toEqual([id]);
    const window = FakeBrowserWindow.instances[0]!;
    window.hide();

    shown.action(0);
    expect(app.monitor.failures()).toEqual([]);
    expect(app.failureSound.repeating).toBe(false);
    // Acknowledging does not open the window.
    expect(window.visible).toBe(false);
    // The Settings view's "Play test sound" goes to the same player, at the volume asked for.
    expect(await app.playTestSound!(30)).toEqual({ ok: true });
    expect(played).toEqual([55, 30]);
  }, 30_000);

  it('macOS: Open opens the window on the job; the failure stays unacknowledged; the buttons speak the chosen language', async () => {
    const app = await start('darwin', {});
    const settings = app.monitor.settings.get();
    await app.updateSettings({ ...settings, ui: { ...settings.ui, language: 'de' } });
    failJob();
    await vi.waitFor(() => expect(FakeNotification.shownOnes()).toHaveLength(1), WAIT);
    expect(FakeNotification.shownOnes()[0]!.actionLabels()).toEqual(['Bestätigen', 'Öffnen']);
    const window = FakeBrowserWindow.instances[0]!;
    window.hide();
    FakeNotification.shownOnes()[0]!.action(1);
    expect(window.visible).toBe(true);
    expect(app.monitor.failures()).toHaveLength(1);
    const [failure] = app.monitor.failures();
    expect(window.webContents.sentOn(EVENTS.focusJob.channel).at(-1)?.[0]).toMatchObject({ jobKey: failure!.key });
  }, 30_000);

  const noDaemon = dbusDaemonUnavailable();
  describe.skipIf(noDaemon !== null)(`Linux with a notification server on D-Bus${noDaemon ? ` (skipped: ${noDaemon})` : ''}`, () => {
    let bus: PrivateBus;
    let server: ActionServer;
    beforeEach(async () => {
      bus = await startPrivateBus();
      server = await startActionServer(bus.address);
    });
    afterEach(async () => {
      server.bus.disconnect();
      await bus.stop();
    });

    it("Linux: the failure goes to the server with its actions, and its ActionInvoked 'acknowledge' acknowledges it", async () => {
      const app = await start('linux', { DBUS_SESSION_BUS_ADDRESS: bus.address });
      failJob();
      await vi.waitFor(() => expect(server.calls).toHaveLength(1), WAIT);
      expect(server.calls[0]!.actions).toEqual(['default', 'Open', 'acknowledge', 'Acknowledge', 'open', 'Open']);
      expect(server.calls[0]!.summary).toContain('Sim NAS');
      // Shown by the server, not a second time by Electron.
      expect(FakeNotification.shownOnes()).toHaveLength(0);
      expect(played).toEqual([55]);
      expect(app.monitor.failures()).toHaveLength(1);

      server.signal('ActionInvoked', 'us', [7, 'acknowledge']);
      await vi.waitFor(() => expect(app.monitor.failures()).toEqual([]), WAIT);
      expect(app.failureSound.repeating).toBe(false);
    }, 30_000);
  });
});
