/**
 * Throughput of the job pipeline on a generated 25.10-style stream, as the client runs it: the protocol layer's
 * frame parser (JSON.parse + frame schema) → job schema validation → JobBook, beside JSON.parse alone on the same
 * frames.
 */
import { JobBook } from '../../electron/core/jobs';
import { TransitionLedger } from '../../electron/core/ledger';
import { parseJobFields } from '../../electron/core/protocol/job-schema';
import { parseJsonRpcFrame } from '../../electron/core/protocol/frames';
import type { CollectionEvent } from '../../electron/core/protocol/connection';
import { collectGarbage, formatRate, medianMs } from './bench-util';

/** The frame parser exactly as the JSON-RPC connection uses it, down to a CollectionEvent. */
function toEvent(text: string): CollectionEvent | null {
  const parsed = parseJsonRpcFrame(text);
  if (!parsed.ok || parsed.frame.kind !== 'event') return null;
  const { msg, collection, id, fields } = parsed.frame;
  return { msg, collection, id, fields };
}
import { generateJobStream } from './job-stream';

const stream = generateJobStream({ seed: 20260601, snapshotJobs: 1000, updates: 40_000 });
const frames = stream.updateFrames;
const bytes = frames.reduce((sum, frame) => sum + frame.length, 0);
console.log(
  `stream: 1 snapshot of 1000 jobs (${(stream.snapshotFrame.length / 1024).toFixed(0)} KiB), ${frames.length} collection_update frames (${(bytes / 1024 / 1024).toFixed(1)} MiB)`,
);

let sink = 0;

const parseOnly = () => {
  for (const frame of frames) sink += (JSON.parse(frame) as { params: { id: number } }).params.id;
};

collectGarbage();
const parseValidateMs = medianMs(() => {
  for (const frame of frames) {
    const event = toEvent(frame);
    if (event?.fields && parseJobFields(event.fields).ok) sink += 1;
  }
});

let book = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
let transitions = 0;
const pipeline = () => {
  for (const frame of frames) {
    const event = toEvent(frame);
    if (event) transitions += book.applyEvent(event).transitions.length;
  }
};
// Every run starts from the same state: a fresh, seeded book holding the snapshot.
const freshBook = () => {
  book = new JobBook({ server: 'nas', ledger: new TransitionLedger() });
  book.applySnapshot((JSON.parse(stream.snapshotFrame) as { result: unknown[] }).result);
  transitions = 0;
};
// JSON.parse alone and the pipeline take turns, so both see the same machine (the cores are shared): the median of
// each over the rounds.
const parseRounds: number[] = [];
const pipelineRounds: number[] = [];
for (let round = 0; round < 5; round += 1) {
  collectGarbage();
  parseRounds.push(medianMs(parseOnly, { runs: 3 }));
  collectGarbage();
  pipelineRounds.push(medianMs(pipeline, { runs: 3, before: freshBook }));
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const parseOnlyMs = median(parseRounds);
const pipelineMs = median(pipelineRounds);

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
const speed = pipelineRate / parseRate;
console.log(`goal in-process pipeline ≥ 0.5× JSON.parse alone: ${speed.toFixed(2)}× ${speed >= 0.5 ? 'met' : 'NOT met'}`);
console.log(`snapshot: 1000 jobs JSON.parse+validate+book in ${snapshotMs.toFixed(1)} ms`);
console.log(`transitions per pass: ${transitions}; book after pass: ${JSON.stringify(book.stats())}`);
if (sink === -1) console.log('');
