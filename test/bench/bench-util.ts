/** Plain timing helpers for the benchmarks (run by scripts/bench.mjs under `node --expose-gc`). */
import type { CollectionEvent } from '../../electron/core/protocol/connection';

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

/** A `collection_update` frame's params as the protocol layer would hand them to the session. */
export function toCollectionEvent(message: unknown): CollectionEvent | null {
  if (typeof message !== 'object' || message === null) return null;
  const { method, params } = message as { method?: unknown; params?: unknown };
  if (method !== 'collection_update' || typeof params !== 'object' || params === null) return null;
  const { msg, collection, id, fields } = params as Record<string, unknown>;
  if (msg !== 'added' && msg !== 'changed' && msg !== 'removed') return null;
  if (typeof collection !== 'string') return null;
  const fieldsObject = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : undefined;
  return { msg, collection, id, fields: fieldsObject };
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toString();
}
