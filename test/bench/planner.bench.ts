/**
 * Notification planner time for one burst of suppressed transitions (successes under the threshold), at 10 000
 * and 40 000 transitions side by side: linear planning keeps the ratio near 4.
 */
import { NotificationPlanner } from '../../electron/core/planner';
import type { Transition } from '../../electron/core/model';
import { collectGarbage, medianMs } from './bench-util';

const NOW = Date.UTC(2026, 2, 2, 12, 0, 0);

function shortSuccesses(count: number): Transition[] {
  return Array.from({ length: count }, (_, i) => ({
    server: 'nas',
    key: `nas\u0000${i + 1}\u00000\u0000pool.snapshottask.run`,
    jobId: i + 1,
    method: 'pool.snapshottask.run',
    description: null,
    transient: false,
    from: 'RUNNING',
    to: 'SUCCESS',
    error: null,
    timeStarted: 0,
    timeFinished: 1000,
    catchUp: false,
  }));
}

/** Median ms to push `count` transitions into one burst and plan it. */
function plannerMs(count: number): number {
  const transitions = shortSuccesses(count);
  collectGarbage();
  return medianMs(
    () => {
      const planner = new NotificationPlanner({ minuteOfDay: () => 12 * 60, idPrefix: 'b-' });
      for (const t of transitions) planner.push(t, NOW);
      const planned = planner.flush(NOW);
      if (planned.length !== 1 || planned[0]!.jobs.length !== count) throw new Error('expected one suppressed notification');
    },
    { warmups: 1, runs: 5 },
  );
}

const small = plannerMs(10_000);
const large = plannerMs(40_000);
console.log(
  `planner: one burst of 10000 suppressed transitions ${small.toFixed(1)} ms, 40000 ${large.toFixed(1)} ms (ratio ${(large / small).toFixed(1)}x for 4x the transitions)`,
);
