/**
 * Time to absorb one `core.get_jobs` reply of 1 000, 10 000 and 40 000 jobs into a fresh book (first connection,
 * so the ledger seeds): JSON.parse + job validation + JobBook, both for a server of mostly finished jobs and for
 * one where every job is RUNNING (the case that used to be quadratic). Linear handling keeps the per-job time flat.
 */
import { JobBook } from '../../electron/core/jobs';
import { TransitionLedger } from '../../electron/core/ledger';
import { collectGarbage, medianMs } from './bench-util';
import { generateJobStream } from './job-stream';

const SIZES = [1_000, 10_000, 40_000] as const;

function absorbMs(frame: string, count: number): number {
  return medianMs(
    () => {
      const book = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
      book.applySnapshot((JSON.parse(frame) as { result: unknown[] }).result);
      if (book.stats().badJobs > 0 || book.stats().jobs !== Math.min(count, 1000)) throw new Error('snapshot not absorbed');
    },
    // Every run starts from a collected heap, so one size does not pay for another's garbage; small sizes are quick
    // and noisy on a shared machine, so they get more runs.
    {
      before: collectGarbage,
      ...(count >= 40_000 ? { warmups: 1, runs: 3 } : count >= 10_000 ? { warmups: 2, runs: 7 } : { warmups: 3, runs: 15 }),
    },
  );
}

const perJob = new Map<number, { mixed: number; running: number }>();
for (const count of SIZES) {
  const mixed = generateJobStream({ seed: 9000 + count, snapshotJobs: count, updates: 0 }).snapshotFrame;
  const allRunning = generateJobStream({ seed: 9000 + count, snapshotJobs: count, updates: 0, running: count }).snapshotFrame;
  const mixedMs = absorbMs(mixed, count);
  const runningMs = absorbMs(allRunning, count);
  perJob.set(count, { mixed: mixedMs / count, running: runningMs / count });
  console.log(
    `snapshot: ${count} jobs (${(mixed.length / 1024 / 1024).toFixed(1)} MiB) JSON.parse+validate+book in ${mixedMs.toFixed(1)} ms ` +
      `(${((mixedMs / count) * 1000).toFixed(1)} µs/job); all RUNNING ${runningMs.toFixed(1)} ms (${((runningMs / count) * 1000).toFixed(1)} µs/job)`,
  );
}
const ratio = (large: number, kind: 'mixed' | 'running') => (perJob.get(large)![kind] / perJob.get(1_000)![kind]).toFixed(1);
console.log(
  `snapshot: 40k/1k per-job time ratio ${ratio(40_000, 'mixed')}x (all RUNNING ${ratio(40_000, 'running')}x); ` +
    `10k/1k ${ratio(10_000, 'mixed')}x (all RUNNING ${ratio(10_000, 'running')}x); linear is about 1x`,
);
