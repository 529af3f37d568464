/**
 * The core against a CORE 13 simulator (TN-13.3-U1.2 `job.py`, `plugins/alert.py`) over real sockets, on the legacy
 * /websocket protocol. Job objects there have no `transient` field; the minute's `alert.process_alerts` job sends no
 * `added` and no final event, only one `changed` with state SUCCESS when it succeeds; no job sends a `changed` for
 * WAITING → RUNNING.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';
import type { Transition } from '../../electron/core/model';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function follow(s: Simulator): Promise<Harness> {
  const h = await startHarness([{ url: s.legacyUrl, username: s.credentials.username, secret: s.credentials.apiKey }]);
  await h.waitFor(() => h.server()?.state === 'live', 'the session to go live');
  return h;
}

const ALERT_METHODS = /^alert\./;

function of(h: Harness, method: string): Transition[] {
  return h.transitions.filter((t) => t.method === method);
}

describe('CORE 13 transient jobs', () => {
  it('reports the real failure, never an alert run as a non-transient job, and keeps no alert job in the book', async () => {
    sim = await startSimulator({ port: 0, version: 'core13' });
    harness = await follow(sim);
    const h = harness;

    // Alert processing every "minute", succeeding each time (one `changed` SUCCESS for an id never `added`), and
    // once failing (no event at all). The real job fails among them.
    for (let run = 0; run < 6; run += 1) {
      const failing = run === 3;
      const alert = sim.startJob({
        method: 'alert.process_alerts',
        transient: true,
        durationMs: 0,
        ...(failing ? { outcome: 'FAILED' as const, error: '[EFAULT] alert source timed out' } : {}),
      });
      await sim.waitForJob(alert);
      if (run === 2)
        sim.startJob({
          method: 'replication.run',
          arguments: [4, false],
          durationMs: 20,
          outcome: 'FAILED',
          error: '[EFAULT] Failed to connect to remote host.',
        });
    }
    // One caught running in a snapshot (no `transient` field there either), then succeeding after the reconnect.
    const caught = sim.startJob({ method: 'alert.send_alerts', transient: true, manual: true });
    sim.dropConnections();
    await h.waitFor(
      () => h.server()?.state === 'live' && h.monitor.snapshot().jobs.some((j) => j.method === 'alert.send_alerts'),
      'the running alert job in a snapshot',
    );
    expect(h.monitor.snapshot().jobs.find((j) => j.method === 'alert.send_alerts')?.transient).toBe(true);
    sim.finishJob(caught, 'SUCCESS');

    const marker = sim.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await h.waitFor(() => of(h, 'pool.snapshottask.run').length === 1, 'the marker job');
    expect(of(h, 'pool.snapshottask.run')[0]).toMatchObject({ jobId: marker, to: 'SUCCESS', transient: false });

    const failures = of(h, 'replication.run');
    expect(failures.map((t) => [t.to, t.error, t.transient])).toEqual([['FAILED', '[EFAULT] Failed to connect to remote host.', false]]);
    const alertTransitions = h.transitions.filter((t) => ALERT_METHODS.test(t.method));
    expect(alertTransitions.filter((t) => !t.transient)).toEqual([]);
    expect(alertTransitions.map((t) => t.to)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(h.monitor.snapshot().jobs.filter((j) => ALERT_METHODS.test(j.method))).toEqual([]);
    expect(h.monitor.failures().map((f) => f.method)).toEqual(['replication.run']);
  });
});

describe('CORE 13 job lifecycle', () => {
  it('a job that goes WAITING → RUNNING without an event still gives one correct terminal transition', async () => {
    sim = await startSimulator({ port: 0, version: 'core13' });
    harness = await follow(sim);
    const h = harness;
    // Queued a while, then runs and ends: on the wire `added` WAITING, then two `changed` SUCCESS (set_progress(100)
    // and the final event), nothing for RUNNING.
    const ok = sim.startJob({ method: 'pool.scrub', waitMs: 30, durationMs: 30 });
    const failed = sim.startJob({
      method: 'cloudsync.sync',
      arguments: [2],
      waitMs: 30,
      durationMs: 30,
      outcome: 'FAILED',
      error: '[EFAULT] rclone failed',
    });
    await h.waitFor(() => h.transitions.length >= 2, 'both transitions');
    const marker = sim.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await h.waitFor(() => h.transitions.some((t) => t.jobId === marker), 'the marker job');

    const byJob = (id: number) => h.transitions.filter((t) => t.jobId === id && t.method !== 'pool.snapshottask.run');
    expect(byJob(ok).map((t) => [t.from, t.to, t.catchUp, t.transient])).toEqual([['RUNNING', 'SUCCESS', false, false]]);
    expect(byJob(failed).map((t) => [t.from, t.to, t.error])).toEqual([['RUNNING', 'FAILED', '[EFAULT] rclone failed']]);
    const okTransition = byJob(ok)[0]!;
    expect(okTransition.timeFinished! - okTransition.timeStarted!).toBeGreaterThanOrEqual(30);
    expect(h.monitor.snapshot().jobs.find((j) => j.id === ok)).toMatchObject({ state: 'SUCCESS', percent: 100 });
  });
});
