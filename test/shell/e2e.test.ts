/**
 * End to end through the real composition root (startShell) with the electron double, a real monitor, real
 * sessions over real sockets, and the simulator: a job fails on the simulator → exactly one notification is
 * shown, the tray turns to its failure state, and the window's webContents receives the delta.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { startShell, type MonitorPorts, type Shell, type ShellRoutes } from '../../electron/main/app';
import { Monitor, type FailureList, type NotificationPolicy, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import type { Transition } from '../../electron/core/model';
import { MonitorDeltaSchema, MonitorSnapshotSchema, type FailureView, type MonitorDelta, type NotificationView } from '../../electron/core/view';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { electronDouble, FakeBrowserWindow, FakeNotification, FakeTray, resetElectronDouble } from './electron-double';

/** Notifies every FAILED transition at once: a stand-in for the rules engine, which is not the shell's concern. */
class FailureNotifications implements NotificationPolicy {
  private pending: Transition[] = [];
  private paused: number | null = null;
  push(t: Transition) {
    if (t.to === 'FAILED') this.pending.push(t);
  }
  due(now: number): NotificationView[] {
    const out = this.pending.map((t) => ({
      id: t.key,
      server: t.server,
      title: `${t.server}: ${t.description ?? t.method} failed`,
      body: t.error ?? '',
      urgency: 'critical' as const,
      jobs: [t.key],
      catchUp: t.catchUp,
      suppressed: null,
      createdAt: Number.isFinite(now) ? now : 0,
    }));
    this.pending = [];
    return out;
  }
  nextDueAt() {
    return this.pending.length > 0 ? Date.now() : null;
  }
  watchJob() {}
  watchServer() {}
  setPausedUntil(u: number | null) {
    this.paused = u;
  }
  pausedUntil() {
    return this.paused;
  }
  setServerMute() {}
}

class MemoryFailures implements FailureList {
  private items: FailureView[] = [];
  private listeners: Array<() => void> = [];
  add(t: Transition, now: number) {
    this.items.unshift({ key: t.key, server: t.server, jobId: t.jobId, method: t.method, description: t.description, error: t.error, timeFinished: t.timeFinished, reportedAt: now });
    this.changed();
  }
  acknowledge(key: string) {
    this.items = this.items.filter((f) => f.key !== key);
    this.changed();
  }
  acknowledgeServer(server: string) {
    this.items = this.items.filter((f) => f.server !== server);
    this.changed();
  }
  acknowledgeAll() {
    this.items = [];
    this.changed();
  }
  list() {
    return [...this.items];
  }
  onChange(l: () => void) {
    this.listeners.push(l);
    return () => {};
  }
  private changed() {
    for (const l of this.listeners) l();
  }
}

/** The monitor as main.ts builds it, with the rules and failure list stood in; secrets go through the shell's SecretStore. */
function monitorFactory(target: Omit<ServerTarget, 'muted' | 'mutedUntil'>) {
  return (ports: MonitorPorts) => {
    const targets: ServerTarget[] = [{ ...target, muted: false, mutedUntil: null }];
    const directory: ServerDirectory = {
      list: async () => targets,
      secret: (id) => ports.secrets.get(id),
      save: async (t, secret) => {
        if (secret !== null) await ports.secrets.set(t.id, secret);
      },
      remove: (id) => ports.secrets.delete(id),
    };
    return new Monitor({ connector: createServerConnector(), directory, ledger: new TransitionLedger(), policy: new FailureNotifications(), failures: new MemoryFailures() });
  };
}

const routes: ShellRoutes = {
  events: { snapshot: 'test:snapshot', delta: 'test:delta', focusJob: 'test:focus-job' },
  schemas: { snapshot: MonitorSnapshotSchema, delta: MonitorDeltaSchema },
  register: () => undefined,
};

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
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-e2e-'));
    // The shell stores the server's key through safeStorage before the monitor starts (as "add server" would).
    const openStore = (name: string) => new Conf<Record<string, unknown>>({ cwd: dir, configName: name, projectName: 'jobwatch-e2e', accessPropertiesByDotNotation: false });
    const { SafeStorageSecrets } = await import('../../electron/main/secrets');
    await new SafeStorageSecrets(electronDouble, openStore('secrets-encrypted'), 'linux').set('sim', sim.credentials.apiKey);

    electronDouble.app.becomeReady();
    shell = await startShell({
      electron: electronDouble,
      platform: 'linux',
      env: {},
      argv: ['--hidden'],
      appRoot: process.cwd(),
      openStore,
      createMonitor: monitorFactory({ id: 'sim', name: 'Sim NAS', url: sim.url, auth: { method: 'api-key', username: sim.credentials.username }, fingerprint256: null }),
      routes,
      trayIntervalMs: 50,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    if (!shell) throw new Error('startShell found another instance running');
    const window = FakeBrowserWindow.instances[0]!;
    const tray = FakeTray.instances[0]!;
    expect(window.loadedUrl).toBe('app://jobwatch/index.html');

    await vi.waitFor(() => expect(shell!.monitor.snapshot().servers[0]?.state).toBe('live'), { timeout: 10_000, interval: 20 });
    // The window subscribes (what the renderer does on load): a full snapshot, then deltas.
    expect(shell.events.subscribe().servers[0]?.name).toBe('Sim NAS');

    const id = sim.startJob({ method: 'cloudsync.sync', description: 'Cloud sync to B2', manual: true });
    await vi.waitFor(() => expect(shell!.monitor.snapshot().jobs.some((j) => j.id === id && j.state === 'RUNNING')).toBe(true), { timeout: 10_000, interval: 20 });
    await vi.waitFor(() => expect(tray.image.path).toMatch(/tray-running\.png$/), { timeout: 10_000, interval: 20 });
    expect(FakeNotification.shownOnes()).toHaveLength(0);

    sim.finishJob(id, 'FAILED', '[EFAULT] Failed to connect to remote host.');
    await vi.waitFor(() => expect(tray.image.path).toMatch(/tray-failure\.png$/), { timeout: 10_000, interval: 20 });
    await vi.waitFor(
      () => {
        const deltas = window.webContents.sentOn('test:delta').map((args) => args[0] as MonitorDelta);
        expect(deltas.some((d) => d.upserts.some((j) => j.id === id && j.state === 'FAILED'))).toBe(true);
        expect(deltas.some((d) => d.failures?.some((f) => f.jobId === id))).toBe(true);
      },
      { timeout: 10_000, interval: 20 },
    );
    await vi.waitFor(() => expect(FakeNotification.shownOnes().length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    const shown = FakeNotification.shownOnes();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options['title']).toBe('sim: Cloud sync to B2 failed');
    expect(shown[0]!.options['body']).toBe('[EFAULT] Failed to connect to remote host.');
    expect(tray.toolTip).toBe('Jobwatch: 0 running · 1 failed · 1 server');
    // Nothing in what went to the window or the notification holds the API key.
    expect(JSON.stringify(window.webContents.sent)).not.toContain(sim.credentials.apiKey);
    expect(JSON.stringify(shown.map((n) => n.options))).not.toContain(sim.credentials.apiKey);

    // Clicking the notification opens the window on that job.
    shown[0]!.click();
    expect(window.visible).toBe(true);
    expect(window.webContents.sentOn('test:focus-job').at(-1)?.[0]).toMatchObject({ server: 'sim' });

    // Quitting stops the monitor (sockets closed) before the app goes.
    electronDouble.app.quit();
    await shell.stopped;
    shell = null;
    expect(window.destroyed).toBe(true);
    expect(tray.destroyed).toBe(true);
  }, 30_000);
});
