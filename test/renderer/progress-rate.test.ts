import { describe, expect, it } from 'vitest';
import { MIN_SPAN_MS, ProgressRates } from '../../renderer/src/lib/progress-rate';

describe('ProgressRates', () => {
  it('estimates nothing until enough time and progress were observed', () => {
    const rates = new ProgressRates();
    rates.record('a', 10, 0);
    expect(rates.remaining('a', 0)).toBeNull();
    rates.record('a', 20, MIN_SPAN_MS - 1);
    expect(rates.remaining('a', MIN_SPAN_MS - 1)).toBeNull();
    rates.record('a', 20, MIN_SPAN_MS + 5_000);
    expect(rates.remaining('a', MIN_SPAN_MS + 5_000)).toBeNull();
  });

  it('extrapolates the observed rate and counts time since the last step', () => {
    const rates = new ProgressRates();
    rates.record('a', 10, 0);
    rates.record('a', 30, 20_000); // 1 % per second
    expect(rates.remaining('a', 20_000)).toBe(70_000);
    expect(rates.remaining('a', 25_000)).toBe(65_000);
    expect(rates.remaining('a', 200_000)).toBe(0);
  });

  it('starts over when progress goes backwards (a new phase) or disappears', () => {
    const rates = new ProgressRates();
    rates.record('a', 10, 0);
    rates.record('a', 50, 40_000);
    rates.record('a', 5, 41_000);
    expect(rates.remaining('a', 41_000)).toBeNull();
    rates.record('a', null, 42_000);
    expect(rates.size).toBe(0);
  });

  it('says nothing at 100 % and forgets jobs that are gone', () => {
    const rates = new ProgressRates();
    rates.record('a', 0, 0);
    rates.record('a', 100, 60_000);
    expect(rates.remaining('a', 60_000)).toBeNull();
    rates.record('b', 1, 0);
    rates.retain(new Set(['b']));
    expect(rates.size).toBe(1);
  });
});
