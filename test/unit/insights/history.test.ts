import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  HISTORY_FILE,
  RunHistory,
  createHistoryStore,
  median,
  percentile,
  statsOf,
  taskKeyOf,
  type FinishedRun,
} from '../../../electron/core/history';
import { MemoryStorage } from '../persistence/memory-storage';
import { jobKey } from '../../../electron/core/model';

let nextJob = 1;
function run(over: Partial<FinishedRun> = {}): FinishedRun {
  const jobId = over.jobId ?? nextJob++;
  const timeStarted = over.timeStarted === undefined ? 1_000_000 + jobId * 60_000 : over.timeStarted;
  return {
    jobKey: jobKey('nas', { id: jobId, timeStarted, method: 'replication.run' }),
    jobId,
    description: null,
    outcome: 'SUCCESS',
    error: null,
    timeStarted,
    timeFinished: timeStarted === null ? null : timeStarted + 30_000,
    ...over,
  };
}

describe('taskKeyOf', () => {
  it('names a task by its method and the task id where each method takes it', () => {
    expect(taskKeyOf('replication.run', [2, { really_run: true }])).toBe('replication.run [2]');
    expect(taskKeyOf('cloudsync.sync', [3, {}])).toBe('cloudsync.sync [3]');
    expect(taskKeyOf('cloud_backup.sync', [7, {}])).toBe('cloud_backup.sync [7]');
    expect(taskKeyOf('rsynctask.run', [4])).toBe('rsynctask.run [4]');
    expect(taskKeyOf('pool.snapshottask.run', [9])).toBe('pool.snapshottask.run [9]');
    expect(taskKeyOf('pool.scrub.scrub', ['tank', 'START'])).toBe('pool.scrub.scrub ["tank"]');
    expect(taskKeyOf('zpool.scrub.run', [{ pool_name: 'tank', action: 'START' }])).toBe('zpool.scrub.run ["tank"]');
  });

  it('uses the whole method for jobs that are not tasks, and for arguments of the wrong shape', () => {
    expect(taskKeyOf('update.download', [])).toBe('update.download');
    expect(taskKeyOf('replication.run', [])).toBe('replication.run');
    expect(taskKeyOf('replication.run', [{ id: 2 }])).toBe('replication.run');
    expect(taskKeyOf('zpool.scrub.run', ['tank'])).toBe('zpool.scrub.run');
    expect(taskKeyOf('replication.run', [1.5])).toBe('replication.run');
  });

  it('never throws and stays bounded, whatever the arguments', () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.anything()), (method, args) => {
        const key = taskKeyOf(method, args);
        expect(key.length).toBeLessThanOrEqual(400);
      }),
    );
  });
});

describe('median and percentile', () => {
  it('median of odd and even counts; nearest-rank p90', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNull();
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([5], 90)).toBe(5);
  });
});

describe('RunHistory', () => {
  it('records start, duration, outcome and the first error line; a run once (by job, or an HA copy by its times, outcome and error)', () => {
    const history = new RunHistory({ store: null });
    const failed = run({ outcome: 'FAILED', error: '\n[EFAULT] remote refused\nTraceback…' });
    expect(history.record('nas', 'replication.run [2]', failed)).toBe(true);
    expect(history.record('nas', 'replication.run [2]', failed)).toBe(false);
    expect(history.record('nas', 'replication.run [2]', { ...failed, jobKey: 'copy', jobId: 999 })).toBe(false);
    // Another run that started in the same (whole) second is a run of its own.
    expect(history.record('nas', 'replication.run [2]', { ...failed, jobKey: 'next', jobId: 1000, error: 'other' })).toBe(true);
    history.forget('nas');
    history.record('nas', 'replication.run [2]', failed);
    expect(history.runs('nas', 'replication.run [2]')).toEqual([
      {
        jobKey: failed.jobKey,
        jobId: failed.jobId,
        startedAt: failed.timeStarted,
        durationMs: 30_000,
        outcome: 'FAILED',
        error: '[EFAULT] remote refused',
      },
    ]);
  });

  it('keeps runs in start order, the newest 50 per task', () => {
    const history = new RunHistory({ store: null });
    const runs = Array.from({ length: 60 }, (_, i) => run({ timeStarted: 1_000_000 + i * 1000 }));
    for (const r of [...runs].reverse()) history.record('nas', 't', r);
    const kept = history.runs('nas', 't');
    expect(kept).toHaveLength(50);
    expect(kept.map((r) => r.startedAt)).toEqual(runs.slice(10).map((r) => r.timeStarted));
    // Older than everything kept: not added.
    expect(history.record('nas', 't', run({ timeStarted: 1 }))).toBe(false);
  });

  it('keeps at most 500 tasks per server, dropping the one run least recently', () => {
    const history = new RunHistory({ store: null });
    for (let i = 0; i < 501; i++) history.record('nas', `task ${i}`, run());
    history.record('other', 'task 0', run());
    expect(history.taskCount('nas')).toBe(500);
    expect(history.runs('nas', 'task 0')).toEqual([]);
    expect(history.runs('nas', 'task 500')).toHaveLength(1);
    expect(history.runs('other', 'task 0')).toHaveLength(1);
  });

  it('bounds hold for any sequence of runs (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            task: fc.integer({ min: 0, max: 8 }),
            start: fc.option(fc.integer({ min: 0, max: 1e6 }), { nil: null }),
            ok: fc.boolean(),
          }),
          { maxLength: 200 },
        ),
        (items) => {
          const history = new RunHistory({ store: null, runsPerTask: 5, tasksPerServer: 4 });
          for (const { task, start, ok } of items)
            history.record('nas', `t${task}`, run({ timeStarted: start, outcome: ok ? 'SUCCESS' : 'FAILED' }));
          expect(history.taskCount('nas')).toBeLessThanOrEqual(4);
          for (let t = 0; t <= 8; t++) {
            const runs = history.runs('nas', `t${t}`);
            expect(runs.length).toBeLessThanOrEqual(5);
            const starts = runs.map((r) => r.startedAt ?? Number.POSITIVE_INFINITY);
            expect([...starts].sort((a, b) => a - b)).toEqual(starts);
            expect(new Set(runs.map((r) => r.jobKey)).size).toBe(runs.length);
          }
        },
      ),
    );
  });

  it('stats: success rate over succeeded and failed runs, usual = median of successful durations', () => {
    const history = new RunHistory({ store: null });
    history.record('nas', 't', run({ timeStarted: 0, timeFinished: 10_000 }));
    history.record('nas', 't', run({ timeStarted: 100_000, timeFinished: 130_000 }));
    history.record('nas', 't', run({ timeStarted: 200_000, timeFinished: 210_000, outcome: 'FAILED', error: 'x' }));
    history.record('nas', 't', run({ timeStarted: 300_000, timeFinished: 301_000, outcome: 'ABORTED' }));
    const stats = history.stats('nas', 't');
    expect(stats).toMatchObject({ runs: 4, successes: 2, failures: 1, usualMs: 20_000 });
    expect(stats.successRate).toBeCloseTo(2 / 3);
    expect(statsOf([]).successRate).toBeNull();
  });

  it('persists (flush), loads it back, and recovers from a corrupt file', async () => {
    const storage = new MemoryStorage();
    const first = new RunHistory({ store: createHistoryStore(storage), saveDelayMs: 60_000 });
    await first.load();
    first.record('nas', 'replication.run [2]', run({ description: 'tank/data → backup' }));
    await first.flush();
    const saved = JSON.parse(storage.files.get(HISTORY_FILE)!) as { version: number };
    expect(saved.version).toBe(1);

    const second = new RunHistory({ store: createHistoryStore(storage) });
    expect(await second.load()).toBeNull();
    expect(second.runs('nas', 'replication.run [2]')).toHaveLength(1);
    expect(second.label('nas', 'replication.run [2]')).toBe('tank/data → backup');

    storage.files.set(HISTORY_FILE, '{"version": 1, "data": {"tasks": [{"server": 5}]}}');
    const third = new RunHistory({ store: createHistoryStore(storage) });
    const problem = await third.load();
    expect(problem?.kind).toBe('invalid');
    // Recovered from the last good copy (.bak holds the state before the last save: empty here) or defaults: never a throw.
    expect(third.taskCount('nas')).toBeLessThanOrEqual(1);
  });

  it('forgets a removed server', () => {
    const history = new RunHistory({ store: null });
    history.record('nas', 't', run());
    history.forget('nas');
    expect(history.runs('nas', 't')).toEqual([]);
  });
});
