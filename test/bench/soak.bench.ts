/**
 * Soak: one million collection events through the client's pipeline (frame parser → job schema → JobBook), with a
 * reconnect (markDisconnected + a new 1 000-job snapshot) every 10 000 events; the server's job ids and clock run on
 * across reconnects, so every chunk brings new jobs and new ledger keys. Memory is read after gc at the start,
 * after the first 100 000 events and at the end: bounded state keeps the last two close.
 */
import { JobBook } from '../../electron/core/jobs';
import { TransitionLedger } from '../../electron/core/ledger';
import { parseJsonRpcFrame } from '../../electron/core/protocol/frames';
import type { CollectionEvent } from '../../electron/core/protocol/connection';
import { collectGarbage, mib } from './bench-util';
import { generateJobStream } from './job-stream';

const EVENTS = 1_000_000;
const EVENTS_PER_CONNECTION = 10_000;

function toEvent(text: string): CollectionEvent | null {
  const parsed = parseJsonRpcFrame(text);
  if (!parsed.ok || parsed.frame.kind !== 'event') return null;
  const { msg, collection, id, fields } = parsed.frame;
  return { msg, collection, id, fields };
}

function memory(): { rss: number; heap: number } {
  collectGarbage();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

const ledger = new TransitionLedger();
const book = new JobBook({ server: 'nas', ledger });
const start = memory();
let early = start;
let nextId = 1;
let clock = 1_750_000_000_000;
let processed = 0;
let transitions = 0;
let bookMs = 0;
for (let chunk = 0; processed < EVENTS; chunk += 1) {
  const stream = generateJobStream({
    seed: 7000 + chunk,
    snapshotJobs: 1_000,
    updates: EVENTS_PER_CONNECTION,
    firstId: nextId,
    startClock: clock,
  });
  nextId = stream.nextId;
  clock = stream.endClock + 60_000;
  const began = performance.now();
  if (chunk > 0) book.markDisconnected();
  transitions += book.applySnapshot((JSON.parse(stream.snapshotFrame) as { result: unknown[] }).result).transitions.length;
  for (const frame of stream.updateFrames) {
    const event = toEvent(frame);
    if (event) transitions += book.applyEvent(event).transitions.length;
  }
  bookMs += performance.now() - began;
  processed += stream.updateFrames.length;
  if (processed === 100_000) early = memory();
}
const end = memory();
const stats = book.stats();
console.log(
  `soak: ${processed} events, ${processed / EVENTS_PER_CONNECTION} snapshots of 1000 jobs (reconnect every ${EVENTS_PER_CONNECTION}) ` +
    `in ${(bookMs / 1000).toFixed(1)} s of parse+validate+book (${Math.round((processed / bookMs) * 1000)} events/s); ` +
    `${transitions} transitions; at the end ${stats.jobs} jobs + ${stats.recent} recent in the book, ${ledger.size('nas')} ledger keys`,
);
console.log(
  `soak memory (after gc): RSS ${mib(start.rss)} MiB at start, ${mib(early.rss)} after 100000 events, ${mib(end.rss)} at the end; ` +
    `heap ${mib(start.heap)} / ${mib(early.heap)} / ${mib(end.heap)} MiB`,
);
