/**
 * End to end through the real composition root (startShell) with the electron double, a real monitor, real
 * sessions over real sockets, and the simulator: a job fails on the simulator → exactly one notification is
 * shown, the tray turns to its failure state, and the window's webContents receives the delta. The monitor is
 * the core's createMonitor over the shell's electron-store storage and safeStorage secrets.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Shell } from '../../electron/main/app';
import type { MonitorDelta } from '../../electron/core/view';
import { EVENTS } from '../../electron/ipc/contract';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startShellOnDisk } from './shell-on-disk';
import { electronDouble, FakeBrowserWindow, FakeNotification, FakeTray, resetElectronDouble } from './electron-double';

describe('the app end to end (electron double + simulator)', () => {
  let sim: Simulator;
  let shell: Shell | null = null;

  beforeEach(async () => {
    resetElectronDouble();
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

  it('a job failing on the server gives exactly one notification, the failure tray icon and a delta to the window', async () => {
    const started = await startShellOnDisk({ prefix: 'jobwatch-e2e-' });
    shell = started.shell;
    const { dir } = started;
    // What "add server" in the window does: the key goes to safeStorage, the profile to electron-store.
    const added = await shell.monitor.addServer(
      { name: 'Sim NAS', url: sim.url, auth: { method: 'api-key', username: sim.credentials.username }, fingerprint256: null },
      sim.credentials.apiKey,
    );
    expect(JSON.stringify(readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')))).not.toContain(sim.credentials.apiKey);
    const window = FakeBrowserWindow.instances[0]!;
    const tray = FakeTray.instances[0]!;
    expect(window.loadedUrl).toBe('app://jobwatch/index.html');

    await vi.waitFor(() => expect(shell!.monitor.snapshot().servers[0]?.state).toBe('live'), { timeout: 10_000, interval: 20 });
    // The window subscribes (what the renderer does on load): a full snapshot, then deltas.
    expect(shell.events.subscribe().servers[0]?.name).toBe('Sim NAS');

    const id = sim.startJob({ method: 'cloudsync.sync', description: 'Cloud sync to B2', manual: true });
    await vi.waitFor(() => expect(shell!.monitor.snapshot().jobs.some((j) => j.id === id && j.state === 'RUNNING')).toBe(true), {
      timeout: 10_000,
      interval: 20,
    });
    await vi.waitFor(() => expect(tray.image.path).toMatch(/tray-running\.png$/), { timeout: 10_000, interval: 20 });
    expect(FakeNotification.shownOnes()).toHaveLength(0);

    sim.finishJob(id, 'FAILED', '[EFAULT] Failed to connect to remote host.');
    await vi.waitFor(() => expect(tray.image.path).toMatch(/tray-failure\.png$/), { timeout: 10_000, interval: 20 });
    await vi.waitFor(
      () => {
        const deltas = window.webContents.sentOn(EVENTS.delta.channel).map((args) => args[0] as MonitorDelta);
        expect(deltas.some((d) => d.upserts.some((j) => j.id === id && j.state === 'FAILED'))).toBe(true);
        expect(deltas.some((d) => d.failures?.some((f) => f.jobId === id))).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    await vi.waitFor(() => expect(FakeNotification.shownOnes().length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const shown = FakeNotification.shownOnes();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options['title']).toContain('Sim NAS');
    expect(`${shown[0]!.options['title']} ${shown[0]!.options['body']}`).toContain('Failed to connect to remote host');
    expect(shown[0]!.options['urgency']).toBe('critical');
    expect(tray.toolTip).toBe('Jobwatch: 0 running · 1 failed · 1 server');
    // Nothing in what went to the window or the notification holds the API key.
    expect(JSON.stringify(window.webContents.sent)).not.toContain(sim.credentials.apiKey);
    expect(JSON.stringify(shown.map((n) => n.options))).not.toContain(sim.credentials.apiKey);

    // Clicking the notification opens the window on that job.
    shown[0]!.click();
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn(EVENTS.focusJob.channel).at(-1)?.[0]).toMatchObject({ server: added.id });

    // Quitting stops the monitor (sockets closed) before the app goes.
    electronDouble.app.quit();
    await shell.stopped;
    shell = null;
    expect(window.destroyed).toBe(true);
    expect(tray.destroyed).toBe(true);
    // Stopping delivers whatever the rules still held back (burst windows), so this is the final count: one.
    expect(FakeNotification.shownOnes()).toHaveLength(1);
  }, 30_000);

  it('speaks the OS language (German) in notifications, tray and server status, and switches when the setting changes', async () => {
    electronDouble.app.preferredSystemLanguages = ['de-DE', 'en-US'];
    shell = (await startShellOnDisk({ prefix: 'jobwatch-e2e-de-' })).shell;
    await shell.monitor.addServer(
      { name: 'Sim NAS', url: sim.url, auth: { method: 'api-key', username: sim.credentials.username }, fingerprint256: null },
      sim.credentials.apiKey,
    );
    const tray = FakeTray.instances[0]!;
    await vi.waitFor(() => expect(shell!.monitor.snapshot().servers[0]?.state).toBe('live'), { timeout: 10_000, interval: 20 });
    expect(shell.monitor.snapshot().servers[0]?.detail).toBe('Verbunden');
    expect(shell.events.subscribe().servers[0]?.detail).toBe('Verbunden');

    const failOne = async (description: string) => {
      const before = FakeNotification.shownOnes().length;
      const id = sim.startJob({ method: 'cloudsync.sync', description, manual: true });
      await vi.waitFor(() => expect(shell!.monitor.snapshot().jobs.some((j) => j.id === id && j.state === 'RUNNING')).toBe(true), {
        timeout: 10_000,
        interval: 20,
      });
      sim.finishJob(id, 'FAILED', '[EFAULT] Failed to connect to remote host.');
      await vi.waitFor(() => expect(FakeNotification.shownOnes().length).toBe(before + 1), { timeout: 10_000, interval: 20 });
      return FakeNotification.shownOnes().at(-1)!;
    };

    const german = await failOne('Cloud-Sync nach B2');
    expect(german.options['title']).toBe('Cloud-Sync nach B2 ist auf Sim NAS fehlgeschlagen');
    expect(german.options['body']).toMatch(/^cloudsync\.sync auf Sim NAS · Laufzeit \d+ s\n\[EFAULT\] Failed to connect to remote host\.$/);
    await vi.waitFor(() => expect(tray.toolTip).toBe('Jobwatch: 0 laufen · 1 fehlgeschlagen · 1 Server'), {
      timeout: 10_000,
      interval: 20,
    });

    // The person picks English in the settings: the next notification, the tray and the status follow at once.
    const english = structuredClone(shell.settings());
    english.ui.language = 'en';
    const window = FakeBrowserWindow.instances[0]!;
    const sentBefore = window.webContents.sentOn(EVENTS.delta.channel).length;
    await shell.updateSettings(english);
    expect(tray.toolTip).toBe('Jobwatch: 0 running · 1 failed · 1 server');
    // The window is sent the server's status line again, now in English.
    await vi.waitFor(
      () => {
        const deltas = window.webContents
          .sentOn(EVENTS.delta.channel)
          .slice(sentBefore)
          .map((args) => args[0] as MonitorDelta);
        expect(deltas.some((d) => d.servers?.some((v) => v.detail === 'Live'))).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    const then = await failOne('Cloud sync to B2');
    // The same task failing again: "still failing", now in English.
    expect(then.options['title']).toBe('Cloud sync to B2 is still failing on Sim NAS');
    expect(then.options['body']).toMatch(/^Failed 2 times in a row\./);
    // The one shown before keeps its words.
    expect(german.options['title']).toBe('Cloud-Sync nach B2 ist auf Sim NAS fehlgeschlagen');
  }, 30_000);
});
