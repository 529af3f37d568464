/**
 * The app's monitor (createMonitor: profiles, settings, failure inbox and ledger persisted in a directory) against
 * the simulator, stopped and started again: nothing is reported twice, what finished meanwhile is caught up once,
 * and unacknowledged failures survive.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { createMonitor } from '../../electron/core/desktop-monitor';
import { FileStorage } from '../../electron/core/storage/file-storage';
import type { SecretStore } from '../../electron/core/ports';
import type { Transition } from '../../electron/core/model';
import type { NotificationView } from '../../electron/core/view';
import { FAST_TIMINGS } from './harness';

class MemorySecrets implements SecretStore {
  readonly values = new Map<string, string>();
  available() {
    return true;
  }
  problem() {
    return null;
  }
  async set(id: string, secret: string) {
    this.values.set(id, secret);
  }
  async get(id: string) {
    return this.values.get(id) ?? null;
  }
  async delete(id: string) {
    this.values.delete(id);
  }
}

let sim: Simulator | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await sim?.close();
  sim = null;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function until(probe: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function open(dir: string, secrets: SecretStore) {
  const monitor = createMonitor({ storage: new FileStorage(dir), secrets, timings: FAST_TIMINGS });
  const transitions: Transition[] = [];
  const notifications: NotificationView[] = [];
  monitor.onTransition((t) => transitions.push(t));
  monitor.onNotification((n) => notifications.push(n));
  return { monitor, transitions, notifications };
}

describe('app restart with persisted state', () => {
  it('reports each failure once across restarts and catches up what failed while closed', async () => {
    sim = await startSimulator({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-state-'));
    dirs.push(dir);
    const secrets = new MemorySecrets();

    const first = open(dir, secrets);
    await first.monitor.start();
    const server = await first.monitor.addServer(
      { name: 'nas1', url: sim.url, auth: { method: 'api-key', username: sim.credentials.username }, fingerprint256: null },
      sim.credentials.apiKey,
    );
    await until(() => first.monitor.snapshot().servers[0]?.state === 'live', 'live');
    sim.startJob({ method: 'replication.run', arguments: [1], durationMs: 10, outcome: 'FAILED', error: '[EFAULT] before restart' });
    await until(() => first.transitions.length === 1, 'the first failure');
    // The burst window (3 s by default) is flushed at stop, so the notification is not lost either.
    await first.monitor.stop();
    expect(first.notifications.filter((n) => !n.suppressed)).toHaveLength(1);
    expect(first.notifications[0]).toMatchObject({ title: expect.stringContaining('nas1'), urgency: 'critical' });
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['failures.json', 'ledger.json', 'profiles.json']));

    // While the app is closed: one job fails, one running job succeeds.
    const running = sim.startJob({ method: 'cloudsync.sync', durationMs: 60_000, outcome: 'SUCCESS' });
    // Another replication task: two failures of one task fold into one inbox entry ("still failing").
    sim.startJob({ method: 'replication.run', arguments: [2], durationMs: 10, outcome: 'FAILED', error: '[EFAULT] while closed' });
    await new Promise((r) => setTimeout(r, 1_100));
    sim.finishJob(running, 'SUCCESS');

    const second = open(dir, secrets);
    await second.monitor.start();
    await until(() => second.monitor.snapshot().servers[0]?.state === 'live', 'live after restart');
    await until(() => second.transitions.length >= 2, 'the catch-up');
    await new Promise((r) => setTimeout(r, 300));
    expect(second.transitions.map((t) => [t.method, t.to, t.catchUp]).sort()).toEqual([
      ['cloudsync.sync', 'SUCCESS', true],
      ['replication.run', 'FAILED', true],
    ]);
    // The failure from before the restart is still unacknowledged, beside the new one.
    expect(
      second.monitor
        .failures()
        .map((f) => f.error)
        .sort(),
    ).toEqual(['[EFAULT] before restart', '[EFAULT] while closed']);
    second.monitor.acknowledgeServer(server.id);
    await second.monitor.stop();

    const third = open(dir, secrets);
    await third.monitor.start();
    await until(() => third.monitor.snapshot().servers[0]?.state === 'live', 'live the third time');
    await new Promise((r) => setTimeout(r, 300));
    expect(third.transitions).toEqual([]);
    expect(third.monitor.failures()).toEqual([]);
    await third.monitor.stop();
  });

  it('recovers from a corrupt ledger file without replaying old jobs', async () => {
    sim = await startSimulator({ port: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-state-'));
    dirs.push(dir);
    const secrets = new MemorySecrets();
    sim.startJob({ method: 'replication.run', durationMs: 0, outcome: 'FAILED', error: '[EFAULT] old' });
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(dir, 'ledger.json'), '{ this is not json');
    const problems: string[] = [];
    const monitor = createMonitor({
      storage: new FileStorage(dir),
      secrets,
      timings: FAST_TIMINGS,
      onStoreProblem: (p) => problems.push(p.kind),
    });
    const transitions: Transition[] = [];
    monitor.onTransition((t) => transitions.push(t));
    await monitor.start();
    await monitor.addServer(
      { name: 'nas1', url: sim.url, auth: { method: 'api-key', username: 'demo' }, fingerprint256: null },
      sim.credentials.apiKey,
    );
    await until(() => monitor.snapshot().servers[0]?.state === 'live', 'live');
    await new Promise((r) => setTimeout(r, 200));
    expect(problems).toEqual(['corrupt-json']);
    expect(transitions).toEqual([]);
    expect(readdirSync(dir).some((name) => name.startsWith('ledger.corrupt-'))).toBe(true);
    await monitor.stop();
  });
});
