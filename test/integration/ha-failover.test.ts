/**
 * HA failover (TrueNAS Enterprise) over real sockets: the virtual IP moves to the other controller, whose middleware
 * has its own ids and holds a silent copy, under a new id, of every finished cloud sync, cloud backup, rsync and
 * replication job (`plugins/failover_/jobs_copy.py`, `job.py` `JobsDeque.receive`). The copies are jobs already
 * reported: nothing is reported again, after the reconnect nor after an app restart; a job that really finished
 * on the new controller meanwhile is reported once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, startSimulator, type Simulator } from '../../electron/sim/index';
import { TransitionLedger } from '../../electron/core/ledger';
import type { Transition } from '../../electron/core/model';
import { startHarness, type Harness } from './harness';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function follow(s: Simulator, ledger?: TransitionLedger): Promise<Harness> {
  const h = await startHarness([{ url: s.url, username: s.credentials.username, secret: s.credentials.apiKey }], ledger ? { ledger } : {});
  await h.waitFor(() => h.server()?.state === 'live', 'the session to go live');
  return h;
}

/** What a copy keeps: two transitions with the same content are one job reported twice. */
function content(t: Transition): string {
  return JSON.stringify([t.method, t.timeStarted, t.timeFinished, t.to]);
}

function repeated(transitions: Transition[]): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const t of transitions) {
    if (seen.has(content(t))) twice.push(content(t));
    seen.add(content(t));
  }
  return twice;
}

describe('HA failover with job copies', () => {
  it('reports no copy again, reports a job that finished on the new controller once, and the same after an app restart', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, 0));
    sim = await startSimulator({ port: 0, clock, restartDowntimeMs: 800 });
    const s = sim;
    // History from before the app watched: seeded silently, its copy must stay silent too. The scrub keeps the
    // copies' new ids from coinciding with the originals'.
    s.seedFinishedJob({ method: 'pool.scrub.scrub' });
    s.seedFinishedJob({ method: 'cloudsync.sync', arguments: [7] }, { startedAgoMs: 7_200_000 });
    harness = await follow(s);
    const h = harness;
    expect(h.transitions).toEqual([]);

    // Watched live on the first controller.
    s.startJob({ method: 'cloudsync.sync', arguments: [7], durationMs: 1_000, logs: true });
    s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 1_000,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    s.startJob({ method: 'rsynctask.run', arguments: [1], durationMs: 1_000, finalPercent: 60 });
    await clock.advance(2_000);
    await h.waitFor(() => h.transitions.length === 3, 'three live transitions');

    // Failover; meanwhile the same cloud sync task runs again on the new controller and fails.
    const back = s.failover();
    await h.waitFor(() => h.server()?.state !== 'live', 'the session to notice the failover');
    await clock.advance(5_000);
    const rerun = s.startJob({
      method: 'cloudsync.sync',
      arguments: [7],
      durationMs: 1_000,
      outcome: 'FAILED',
      error: '[EFAULT] rclone: bucket not found',
    });
    await clock.advance(2_000);
    expect(s.job(rerun)?.state).toBe('FAILED');
    expect(s.jobs().filter((j) => j.id !== rerun)).toHaveLength(4); // the copies
    await back;

    await h.waitFor(() => h.transitions.length >= 4, 'the job that finished on the new controller');
    const marker = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await clock.advance(1);
    await h.waitFor(() => h.transitions.some((t) => t.method === 'pool.snapshottask.run'), 'the marker job');

    expect(repeated(h.transitions)).toEqual([]);
    const caughtUp = h.transitions.filter((t) => t.catchUp);
    expect(caughtUp.map((t) => [t.jobId, t.method, t.to, t.error])).toEqual([
      [rerun, 'cloudsync.sync', 'FAILED', '[EFAULT] rclone: bucket not found'],
    ]);
    expect(h.transitions.filter((t) => t.jobId === marker && t.method === 'pool.snapshottask.run')).toHaveLength(1);
    // The window shows each job once: the copies replace the originals.
    const syncs = h.monitor.snapshot().jobs.filter((j) => j.method === 'cloudsync.sync');
    expect(syncs.map((j) => [j.state, j.onServer]).sort()).toEqual([
      ['FAILED', true],
      ['SUCCESS', true],
      ['SUCCESS', true],
    ]);

    // App restart: a new book over the same persisted ledger.
    await h.stop();
    harness = null;
    const saved = TransitionLedger.fromJSON(JSON.parse(JSON.stringify(h.ledger.toJSON())));
    harness = await follow(s, saved);
    const again = harness;
    const after = s.startJob({
      method: 'replication.run',
      arguments: [3, false],
      durationMs: 0,
      outcome: 'FAILED',
      error: '[EFAULT] after the restart',
    });
    await clock.advance(1);
    await again.waitFor(
      () => again.transitions.some((t) => t.jobId === after && t.method === 'replication.run'),
      'the job after the restart',
    );
    expect(again.transitions.map((t) => [t.jobId, t.method, t.catchUp])).toEqual([[after, 'replication.run', false]]);
  });

  it('recognises the copies after a failover that happened while the app was closed (ledger persisted)', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, 0));
    sim = await startSimulator({ port: 0, clock, restartDowntimeMs: 50 });
    const s = sim;
    s.seedFinishedJob({ method: 'pool.scrub.scrub' });
    harness = await follow(s);
    const first = harness;
    s.startJob({ method: 'cloud_backup.sync', arguments: [5], durationMs: 1_000 });
    s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 1_000,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    await clock.advance(2_000);
    await first.waitFor(() => first.transitions.length === 2, 'two live transitions');
    await first.stop();
    harness = null;
    const saved = JSON.parse(JSON.stringify(first.ledger.toJSON())) as unknown;

    await s.failover();
    await clock.advance(60_000);
    const rerun = s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 1_000,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    await clock.advance(2_000);

    harness = await follow(s, TransitionLedger.fromJSON(saved));
    const second = harness;
    const marker = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await clock.advance(1);
    await second.waitFor(() => second.transitions.some((t) => t.method === 'pool.snapshottask.run'), 'the marker job');
    expect(second.transitions.map((t) => [t.jobId, t.method, t.catchUp])).toEqual([
      [rerun, 'replication.run', true],
      [marker, 'pool.snapshottask.run', false],
    ]);
  });
});
