/**
 * The planner is linear in the transitions of one burst. Not a time measurement: the test counts how many array
 * elements are visited through the array iterator (spread, for…of, Array.from) while a burst is planned, for n and
 * 4n suppressed transitions. Linear work gives a ratio near 4; copying the growing list per item (the old
 * quadratic grouping) gives 16.
 */
import { describe, expect, it } from 'vitest';
import { NotificationPlanner } from '../../../electron/core/planner';
import { NOON, settings, transition, utcMinuteOfDay } from './fixtures';

/** Array-iterator steps taken while `run` executes (patching the iterator also turns off V8's spread fast path). */
function countIteratorSteps(run: () => void): number {
  const original = Array.prototype[Symbol.iterator];
  let steps = 0;
  Array.prototype[Symbol.iterator] = function (this: unknown[]) {
    const inner = original.call(this);
    return {
      next() {
        steps += 1;
        return inner.next();
      },
      [Symbol.iterator]() {
        return this;
      },
    } as ArrayIterator<unknown>;
  };
  try {
    run();
  } finally {
    Array.prototype[Symbol.iterator] = original;
  }
  return steps;
}

function stepsToPlan(suppressed: number): number {
  const p = new NotificationPlanner({ settings: settings(), minuteOfDay: utcMinuteOfDay, idPrefix: 't-' });
  // Successes shorter than the threshold: all suppressed by 'threshold', all in one burst.
  for (let i = 0; i < suppressed; i++) p.push(transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 1000 }), NOON);
  let planned = 0;
  const steps = countIteratorSteps(() => {
    planned = p.flush(NOON).length;
  });
  expect(planned).toBe(1);
  return steps;
}

describe('NotificationPlanner: complexity', () => {
  it('plans a burst of suppressed transitions in linear work', () => {
    const small = stepsToPlan(1000);
    const large = stepsToPlan(4000);
    expect(small).toBeGreaterThan(0);
    // Generous: linear is ~4, quadratic ~16.
    expect(large / small).toBeLessThan(8);
  });
});
