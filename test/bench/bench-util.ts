/** Plain timing helpers for the benchmarks (run by scripts/bench.mjs under `node --expose-gc`). */

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
}

/** Median wall time (ms) of `runs` measured runs after `warmups` unmeasured ones. */
export function medianMs(run: () => void, options: { warmups?: number; runs?: number; before?: () => void } = {}): number {
  const times: number[] = [];
  const warmups = options.warmups ?? 2;
  const runs = options.runs ?? 7;
  for (let i = 0; i < warmups + runs; i += 1) {
    options.before?.();
    const start = performance.now();
    run();
    const elapsed = performance.now() - start;
    if (i >= warmups) times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toString();
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
