import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RunHistory, type FinishedRun } from '../../../electron/core/history';
import { TaskBaselines, slowThreshold, usualDuration } from '../../../electron/core/insights';

const MIN = 60_000;
const TASK = 'replication.run [2]';

function run(i: number, minutes: number, over: Partial<FinishedRun> = {}): FinishedRun {
  const timeStarted = i * 86_400_000;
  return {
    jobKey: `k${i}`,
    jobId: i,
    description: null,
    outcome: 'SUCCESS',
    error: null,
    timeStarted,
    timeFinished: timeStarted + minutes * MIN,
    ...over,
  };
}

const running = (timeStarted: number, args: unknown[] = [2, {}]) => ({ method: 'replication.run', arguments: args, timeStarted });

/** What the baseline must equal: worked out from the history afresh, as before it was kept. */
function fresh(history: RunHistory, jobKey: string, timeStarted: number) {
  const earlier = history.before('nas1', TASK, jobKey, timeStarted);
  const durations = earlier.filter((r) => r.outcome === 'SUCCESS' && r.durationMs !== null).map((r) => r.durationMs!);
  return { slow: slowThreshold(durations, 10 * MIN), usualMs: usualDuration(earlier) };
}

describe('RunHistory.revision', () => {
  it('changes when a run joins the task, stays for a run already there, and is 0 for a task with no runs', () => {
    const history = new RunHistory({ store: null });
    expect(history.revision('nas1', TASK)).toBe(0);
    history.record('nas1', TASK, run(1, 30));
    const first = history.revision('nas1', TASK);
    const changes = history.changeCount;
    expect(first).toBeGreaterThan(0);
    expect(history.record('nas1', TASK, run(1, 30))).toBe(false);
    expect(history.revision('nas1', TASK)).toBe(first);
    expect(history.changeCount).toBe(changes);
    history.record('nas1', 'cloudsync.sync [1]', run(2, 30));
    expect(history.revision('nas1', TASK)).toBe(first);
    expect(history.changeCount).toBeGreaterThan(changes);
    history.record('nas1', TASK, run(3, 30));
    expect(history.revision('nas1', TASK)).toBeGreaterThan(first);
    history.forget('nas1');
    expect(history.revision('nas1', TASK)).toBe(0);
  });
});

describe('TaskBaselines', () => {
  it('answers what the history says afresh, after every change of the history or the job', () => {
    const history = new RunHistory({ store: null });
    const baselines = new TaskBaselines(history, 10 * MIN);
    const start = 10 * 86_400_000;
    expect(baselines.of('nas1', 'job', running(start))).toMatchObject({ task: TASK, slow: null, usualMs: null });
    for (let i = 1; i <= 6; i++) {
      history.record('nas1', TASK, run(i, 30 + i));
      expect(baselines.of('nas1', 'job', running(start))).toMatchObject({ task: TASK, ...fresh(history, 'job', start) });
    }
    expect(baselines.of('nas1', 'job', running(start)).slow?.runs).toBe(6);
    // The job's start moves (a reordered snapshot): the runs after it no longer count.
    const earlierStart = 3 * 86_400_000;
    expect(baselines.of('nas1', 'job', running(earlierStart))).toMatchObject(fresh(history, 'job', earlierStart));
    expect(baselines.of('nas1', 'job', running(earlierStart)).usualMs).toBe(32 * MIN);
    // New arguments naming another task: that task's (empty) history.
    expect(baselines.of('nas1', 'job', running(start, [3, {}]))).toMatchObject({ task: 'replication.run [3]', slow: null, usualMs: null });
    // Only the server's own history counts.
    expect(baselines.of('nas2', 'job', running(start))).toMatchObject({ slow: null, usualMs: null });
    expect(baselines.size).toBe(1);
    baselines.forget('job');
    expect(baselines.size).toBe(0);
  });

  it('equals the fresh answer whatever the order of runs recorded and questions asked', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ day: fc.integer({ min: 0, max: 20 }), minutes: fc.integer({ min: 0, max: 500 }), failed: fc.boolean() }),
            fc.record({ ask: fc.integer({ min: 0, max: 20 }), job: fc.constantFrom('a', 'b') }),
          ),
          { maxLength: 60 },
        ),
        (steps) => {
          const history = new RunHistory({ store: null, runsPerTask: 8 });
          const baselines = new TaskBaselines(history, 10 * MIN, 1);
          let n = 0;
          for (const step of steps) {
            if ('day' in step) {
              n += 1;
              const r = run(step.day, step.minutes, { jobKey: `r${n}`, jobId: n, outcome: step.failed ? 'FAILED' : 'SUCCESS' });
              history.record('nas1', TASK, { ...r, timeStarted: r.timeStarted! + n, timeFinished: r.timeFinished! + n });
            } else {
              const start = step.ask * 86_400_000;
              expect(baselines.of('nas1', step.job, running(start, [2, { n }]))).toMatchObject(fresh(history, step.job, start));
            }
          }
        },
      ),
    );
  });
});
