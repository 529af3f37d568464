/** Memory held by 10 servers × 1000 jobs in JobBooks (plus their shared, seeded ledger), measured after gc. */
import { JobBook } from '../../electron/core/jobs';
import { TransitionLedger } from '../../electron/core/ledger';
import { collectGarbage } from './bench-util';
import { generateJobStream } from './job-stream';

const SERVERS = 10;
const snapshots = Array.from(
  { length: SERVERS },
  (_, index) => generateJobStream({ seed: 1000 + index, snapshotJobs: 1000, updates: 0 }).snapshotFrame,
);

collectGarbage();
const before = process.memoryUsage().heapUsed;

const ledger = new TransitionLedger();
const books: JobBook[] = [];
for (let index = 0; index < SERVERS; index += 1) {
  const book = new JobBook({ server: `nas-${index}`, ledger });
  // Each book gets its own freshly parsed objects, as from its own socket.
  book.applySnapshot((JSON.parse(snapshots[index]!) as { result: unknown[] }).result);
  books.push(book);
}

collectGarbage();
const after = process.memoryUsage().heapUsed;
const jobs = books.reduce((sum, book) => sum + book.stats().jobs, 0);
const mib = (after - before) / 1024 / 1024;
const ledgerKeys = books.reduce((sum, book) => sum + ledger.size(book.server), 0);
console.log(
  `heap: ${SERVERS} servers x 1000 jobs = ${mib.toFixed(1)} MiB (${jobs} jobs in books, ${ledgerKeys} ledger keys; ${((after - before) / jobs / 1024).toFixed(2)} KiB per job)`,
);
if (books.length !== SERVERS) throw new Error('unreachable');
