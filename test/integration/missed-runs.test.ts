/**
 * Missed scheduled runs over real sockets: the simulator serves task definitions and runs them on its schedules
 * (every minute, on a NAS clock hours off the desktop's, in another time zone); the real monitor reads them and
 * judges each due time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Monitor, type FailureList, type NotificationPolicy, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import type { Insight } from '../../electron/core/insights';
import type { ScheduleCheck } from '../../electron/core/missed-runs';
import type { NotificationView } from '../../electron/core/view';
import { startSimulator, type Simulator } from '../../electron/sim/server';
import type { SimTaskSpec, SimUser } from '../../electron/sim/types';
import { FAST_TIMINGS } from './harness';

const EVERY_MINUTE = { minute: '*', hour: '*', dom: '*', month: '*', dow: '*' };
const HOURS_3 = 3 * 3_600_000;

class RecordingPolicy implements NotificationPolicy {
  readonly insights: Insight[] = [];
  push(): void {}
  pushInsight(insight: Insight): void {
    this.insights.push(insight);
  }
  due(): NotificationView[] {
    return [];
  }
  nextDueAt(): number | null {
    return null;
  }
  watchJob(): void {}
  watchServer(): void {}
  setPausedUntil(): void {}
  pausedUntil(): number | null {
    return null;
  }
  setServerMute(): void {}
}

const noFailures: FailureList = {
  add() {},
  acknowledge() {},
  acknowledgeServer() {},
  acknowledgeAll() {},
  list: () => [],
  onChange: () => () => {},
};

/** A NAS clock three hours ahead, at `second` of a minute now (so the next due time comes in a few seconds). */
function skewAt(second: number): number {
  return HOURS_3 + ((((second * 1000 - (Date.now() % 60_000)) % 60_000) + 60_000) % 60_000);
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function watch(sim: Simulator, user = sim.credentials.username, key = sim.credentials.apiKey, refreshMs = 60_000) {
  const target: ServerTarget = {
    id: 'nas',
    name: 'nas',
    url: sim.url,
    auth: { method: 'api-key', username: user },
    fingerprint256: null,
    muted: false,
    mutedUntil: null,
  };
  const directory: ServerDirectory = { list: async () => [target], secret: async () => key, save: async () => {}, remove: async () => {} };
  const policy = new RecordingPolicy();
  const monitor = new Monitor({
    connector: createServerConnector({ connectTimeoutMs: 3_000, callTimeoutMs: 5_000 }),
    directory,
    ledger: new TransitionLedger(),
    policy,
    failures: noFailures,
    timings: FAST_TIMINGS,
    missedRuns: { toleranceMs: 2_500, earlyMs: 1_000, checkMs: 100, refreshMs },
  });
  const checks: ScheduleCheck[] = [];
  const insights: Insight[] = [];
  monitor.onScheduleCheck((c) => checks.push(c));
  monitor.onInsight((i) => insights.push(i));
  await monitor.start();
  cleanup.unshift(() => monitor.stop());
  const waitFor = async <T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 20_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== null && v !== false) return v;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(monitor.scheduleStatus('nas'))}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return { monitor, policy, checks, insights, waitFor, status: () => monitor.scheduleStatus('nas')! };
}

async function simWith(tasks: SimTaskSpec[], second: number, users?: SimUser[]): Promise<Simulator> {
  const sim = await startSimulator({
    version: '25.10',
    tasks,
    timezone: 'Asia/Kolkata',
    clockSkewMs: skewAt(second),
    ...(users ? { users } : {}),
  });
  cleanup.push(() => sim.close());
  return sim;
}

describe('missed scheduled runs against the simulator', () => {
  it('reports exactly one missed run for the task that did not fire, none for a disabled or locked one', async () => {
    const sim = await simWith(
      [
        { kind: 'cloudsync', id: 1, name: 'fires', schedule: EVERY_MINUTE, durationMs: 300 },
        { kind: 'cloudsync', id: 2, name: 'does not fire', schedule: EVERY_MINUTE, doesNotFire: true },
        { kind: 'cloudsync', id: 3, name: 'disabled', schedule: EVERY_MINUTE, enabled: false },
        { kind: 'rsync', id: 4, name: 'locked', schedule: EVERY_MINUTE, locked: true },
      ],
      50,
    );
    const w = await watch(sim);
    await w.waitFor(() => w.status().checkedTasks === 2 && w.status().timezone === 'Asia/Kolkata', 'the definitions');
    // The next due time (a few seconds away) is judged for both tasks in the same pass.
    await w.waitFor(() => w.status().judged.ran >= 1, 'the run of the task that fires to be judged');
    expect(
      sim
        .jobs()
        .filter((j) => j.method === 'cloudsync.sync')
        .map((j) => j.arguments),
    ).toContainEqual([1]);
    const missed = w.checks.filter((c) => c.outcome === 'missed');
    expect(missed).toHaveLength(1);
    // The same task string as every insight, with what a person needs beside it.
    expect(missed[0]).toMatchObject({
      task: 'cloudsync.sync [2]',
      taskKind: 'cloudsync',
      taskId: 2,
      name: 'does not fire',
      notWatching: null,
    });
    expect(missed[0]!.message).toMatch(/Cloud sync "does not fire" was due at .* \(Asia\/Kolkata\) and did not start within/);
    // Due on the NAS clock (three hours ahead), on a whole minute.
    expect(missed[0]!.dueAt % 60_000).toBe(0);
    expect(Math.abs(missed[0]!.dueAt - (Date.now() + HOURS_3))).toBeLessThan(60_000);
    expect(w.insights.filter((i) => i.kind === 'missed-run')).toHaveLength(1);
    expect(w.insights[0]).toMatchObject({
      kind: 'missed-run',
      task: 'cloudsync.sync [2]',
      key: null,
      description: 'does not fire',
      schedule: { expression: '* * * * *', timezone: 'Asia/Kolkata', dueAt: missed[0]!.dueAt },
    });
    expect(w.policy.insights).toHaveLength(1);
    expect(w.checks.filter((c) => c.outcome === 'could-not-check')).toEqual([]);
  });

  it('judges periodic snapshot tasks (no job: only their state tells) soon after the due time, not at the slow refresh', async () => {
    const sim = await simWith(
      [
        { kind: 'snapshot', id: 1, name: 'tank/data', schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' } },
        { kind: 'snapshot', id: 2, name: 'tank/vm', schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' }, doesNotFire: true },
      ],
      50,
    );
    // The slow refresh is ten minutes away: only the read made for the due time can tell.
    const w = await watch(sim, sim.credentials.username, sim.credentials.apiKey, 600_000);
    await w.waitFor(() => w.status().checkedTasks === 2, 'the definitions');
    const missed = await w.waitFor(() => w.insights.find((i) => i.kind === 'missed-run'), 'the missed snapshot');
    expect(missed).toMatchObject({ task: 'pool.snapshottask.run [2]', method: 'pool.snapshottask.run', description: 'tank/vm' });
    // The one that ran was judged from its state in the same read.
    await w.waitFor(() => w.status().judged.ran >= 1, 'the snapshot that ran');
    expect(w.insights.filter((i) => i.kind === 'missed-run')).toHaveLength(1);
  });

  it('says "could not check" for a due time while the server was down, and never "missed"', async () => {
    const sim = await simWith([{ kind: 'cloudsync', id: 1, name: 'nightly', schedule: EVERY_MINUTE, durationMs: 300 }], 52);
    const w = await watch(sim);
    await w.waitFor(() => w.status().checkedTasks === 1, 'the definitions');
    // Down across the next minute: cron's midclt cannot reach the middleware, and Jobwatch cannot watch.
    await sim.restartMiddleware({ downtimeMs: 12_000 });
    await w.waitFor(() => w.checks.find((c) => c.outcome === 'could-not-check'), 'a could-not-check');
    expect(w.checks.filter((c) => c.outcome === 'missed')).toEqual([]);
    expect(w.insights.filter((i) => i.kind === 'missed-run')).toEqual([]);
    const gap = w.checks[0]!;
    expect(gap.message).toMatch(
      /^Could not check whether Cloud sync "nightly" ran at .*: Jobwatch was not watching the server from .* to .* \(Asia\/Kolkata\)\. This is no fault of the server\.$/,
    );
    // The stretch not watched holds the due time, and ends when the session was live again.
    expect(gap.notWatching!.from).toBeLessThanOrEqual(gap.dueAt + gap.toleranceMs);
    expect(gap.notWatching!.to).toBeGreaterThan(gap.dueAt - gap.toleranceMs);
    expect(gap.notWatching!.to).toBeGreaterThan(gap.notWatching!.from!);
    // The window is told of it in the server view, calmly: a stretch, not a failure.
    const view = w.monitor.snapshot().servers[0]!.schedules!;
    expect(view.couldNotCheck).toEqual([
      expect.objectContaining({ task: 'cloudsync.sync [1]', name: 'nightly', dueAt: gap.dueAt, notWatchingTo: gap.notWatching!.to }),
    ]);
    expect(w.monitor.failures()).toEqual([]);
  });

  it('gives an account that may not read the definitions a clear note, and keeps watching jobs', async () => {
    const users: SimUser[] = [
      { username: 'demo', apiKeys: ['1-' + 'a'.repeat(64)], fullAdmin: true },
      { username: 'viewer', apiKeys: ['2-' + 'b'.repeat(64)], roles: ['CLOUD_SYNC_READ'] },
    ];
    const sim = await simWith(
      [
        { kind: 'cloudsync', id: 1, schedule: EVERY_MINUTE },
        { kind: 'rsync', id: 2, schedule: EVERY_MINUTE },
      ],
      10,
      users,
    );
    const w = await watch(sim, 'viewer', '2-' + 'b'.repeat(64));
    await w.waitFor(() => w.status().notes.length > 0, 'the notes');
    const notes = w.status().notes.join('\n');
    expect(notes).toMatch(/may not read the server's time zone/);
    // Every kind this account may not read in one note, in TASK_KINDS order, with their query methods.
    const unread = w.status().notes.filter((n) => n.startsWith('This account may not read the periodic snapshot'));
    expect(unread).toEqual([
      'This account may not read the periodic snapshot, replication, cloud backup, rsync and scrub tasks (pool.snapshottask.query, ' +
        'replication.query, cloud_backup.query, rsynctask.query, pool.scrub.query), so missed runs of them are not checked. Give it ' +
        'the matching read roles, or READONLY_ADMIN, to have them checked.',
    ]);
    expect(notes).not.toMatch(/cloud sync/);
    expect(w.monitor.snapshot().servers[0]!.state).toBe('live');
    // The same notes reach the window with the server view.
    await w.waitFor(() => (w.monitor.snapshot().servers[0]!.schedules?.notes.length ?? 0) > 0, 'the notes in the server view');
    expect(w.monitor.snapshot().servers[0]!.schedules!.notes.join('\n')).toContain(unread[0]);
  });
});
