/**
 * Throughput of the job pipeline on a generated 25.10-style stream: JSON.parse → job schema validation → JobBook,
 * beside JSON.parse alone on the same frames. (No shared frame parser existed when this was written, so frames are
 * parsed with JSON.parse and dispatched by a minimal collection_update reader, as the protocol layer would.)
 */
import { JobBook } from '../../electron/core/jobs';
import { TransitionLedger } from '../../electron/core/ledger';
import { parseJobFields } from '../../electron/core/protocol/job-schema';
import { collectGarbage, formatRate, medianMs, toCollectionEvent } from './bench-util';
import { generateJobStream } from './job-stream';

const stream = generateJobStream({ seed: 20260601, snapshotJobs: 1000, updates: 40_000 });
const frames = stream.updateFrames;
const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
console.log(`stream: 1 snapshot of 1000 jobs (${(stream.snapshotFrame.length / 1024).toFixed(0)} KiB), ${frames.length} collection_update frames (${(bytes / 1024 / 1024).toFixed(1)} MiB)`);

let sink = 0;

collectGarbage();
const parseOnlyMs = medianMs(() => {
  for (const frame of frames) sink += (JSON.parse(frame) as { params: { id: number } }).params.id;
});

collectGarbage();
const parseValidateMs = medianMs(() => {
  for (const frame of frames) {
    const event = toCollectionEvent(JSON.parse(frame));
    if (event?.fields && parseJobFields(event.fields).ok) sink += 1;
  }
});

let book = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
let transitions = 0;
collectGarbage();
const pipelineMs = medianMs(
  () => {
    for (const frame of frames) {
      const event = toCollectionEvent(JSON.parse(frame));
      if (event) transitions += book.applyEvent(event).transitions.length;
    }
  },
  {
    // Every run starts from the same state: a fresh, seeded book holding the snapshot.
    before: () => {
      book = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
      book.applySnapshot((JSON.parse(stream.snapshotFrame) as { result: unknown[] }).result);
      transitions = 0;
    },
  },
);

const snapshotMs = medianMs(() => {
  const fresh = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
  fresh.applySnapshot((JSON.parse(stream.snapshotFrame) as { result: unknown[] }).result);
});

const pipelineRate = (frames.length / pipelineMs) * 1000;
const parseRate = (frames.length / parseOnlyMs) * 1000;
const validateRate = (frames.length / parseValidateMs) * 1000;
console.log(
  `events/s parse+validate+book: ${formatRate(pipelineRate)} (JSON.parse alone: ${formatRate(parseRate)}, ratio ${(parseRate / pipelineRate).toFixed(1)}x)`,
);
console.log(`events/s parse+validate (no book): ${formatRate(validateRate)}`);
console.log(`snapshot: 1000 jobs JSON.parse+validate+book in ${snapshotMs.toFixed(1)} ms`);
console.log(`transitions per pass: ${transitions}; book after pass: ${JSON.stringify(book.stats())}`);
if (sink === -1) console.log('');
