/**
 * Property: whatever the interleaving of events, duplicates, delayed progress, reconnects, middleware restarts and
 * app restarts (ledger persisted through JSON into a new book), every terminal job identity is reported at most
 * once, and every job whose terminal state reached the app after seeding (through an event or a snapshot) is
 * reported exactly once.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JobBook } from '../../../electron/core/jobs';
import { TransitionLedger } from '../../../electron/core/ledger';
import { isTerminal, jobKey } from '../../../electron/core/model';
import type { JobState, Transition } from '../../../electron/core/model';
import type { CollectionEvent } from '../../../electron/core/protocol/connection';
import { wireJob } from './fixtures';

const S = 'nas';
const SERVER_MAX_JOBS = 6;
const METHODS = ['cloudsync.sync', 'replication.run', 'pool.scrub.scrub'] as const;

interface ServerJob {
  id: number;
  method: string;
  started: number;
  state: JobState;
  finished: number | null;
  transient: boolean;
  percent: number;
  logs: string | null;
}

type Command =
  | { kind: 'start'; method: number; transient: boolean }
  | { kind: 'run'; pick: number }
  | { kind: 'progress'; pick: number }
  | { kind: 'finish'; pick: number; outcome: 'SUCCESS' | 'FAILED' | 'ABORTED' }
  | { kind: 'tick'; seconds: number }
  | { kind: 'duplicate'; pick: number }
  | { kind: 'delay'; pick: number }
  | { kind: 'deliver' }
  | { kind: 'disconnect' }
  | { kind: 'reconnect'; replay: number }
  | { kind: 'middlewareRestart' }
  | { kind: 'appRestart' };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('start' as const), method: fc.nat(2), transient: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('run' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('progress' as const), pick: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom('SUCCESS' as const, 'FAILED' as const, 'ABORTED' as const),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), seconds: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delay' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.constant({ kind: 'deliver' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'disconnect' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reconnect' as const), replay: fc.nat(4) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'middlewareRestart' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'appRestart' as const }) },
);

function toWire(job: ServerJob): Record<string, unknown> {
  return wireJob({
    id: job.id,
    method: job.method,
    state: job.state,
    started: job.started,
    finished: job.finished,
    transient: job.transient,
    percent: job.percent,
    logsExcerpt: job.logs,
  });
}

class World {
  clock = 1_750_000_000_000;
  nextId = 1;
  serverJobs: ServerJob[] = [];
  /** Events sent by the server and not yet delivered to the book, in server order. */
  inFlight: CollectionEvent[] = [];
  connected = false;
  ledger: TransitionLedger;
  book: JobBook;
  readonly reported: Transition[] = [];
  readonly observedTerminal = new Set<string>();
  readonly seeded = new Set<string>();

  constructor(
    private readonly ledgerBound: number,
    private readonly bookBound: number,
  ) {
    this.ledger = new TransitionLedger({ maxKeysPerServer: ledgerBound });
    this.book = this.newBook();
  }

  private newBook(): JobBook {
    return new JobBook({ server: S, ledger: this.ledger, maxJobs: this.bookBound, recentLimit: 2 });
  }

  private key(job: { id: number; started: number; method: string }): string {
    return jobKey(S, { id: job.id, timeStarted: job.started, method: job.method });
  }

  private pick<T>(items: T[], index: number): T | undefined {
    return items.length === 0 ? undefined : items[index % items.length];
  }

  private emit(msg: 'added' | 'changed', job: ServerJob): void {
    if (this.connected) this.inFlight.push({ msg, collection: 'core.get_jobs', id: job.id, fields: toWire(job) });
  }

  private deliver(event: CollectionEvent): void {
    const state = event.fields?.['state'];
    if (typeof state === 'string' && isTerminal(state as JobState)) {
      const fields = event.fields!;
      this.observedTerminal.add(
        this.key({
          id: fields['id'] as number,
          started: (fields['time_started'] as { $date: number }).$date,
          method: fields['method'] as string,
        }),
      );
    }
    this.reported.push(...this.book.applyEvent(event).transitions);
  }

  private dropConnection(): void {
    if (!this.connected) return;
    this.connected = false;
    this.inFlight = [];
    this.book.markDisconnected();
  }

  run(command: Command): void {
    switch (command.kind) {
      case 'start': {
        const job: ServerJob = {
          id: this.nextId++,
          method: METHODS[command.method] ?? 'cloudsync.sync',
          started: this.clock,
          state: 'WAITING',
          finished: null,
          transient: command.transient,
          percent: 0,
          logs: null,
        };
        this.serverJobs.push(job);
        // The middleware evicts the oldest finished job beyond its cap, silently.
        if (this.serverJobs.length > SERVER_MAX_JOBS) {
          const victim = this.serverJobs.findIndex((candidate) => isTerminal(candidate.state));
          if (victim >= 0) this.serverJobs.splice(victim, 1);
        }
        this.emit('added', job);
        return;
      }
      case 'run': {
        const job = this.pick(
          this.serverJobs.filter((candidate) => candidate.state === 'WAITING'),
          command.pick,
        );
        if (!job) return;
        job.state = 'RUNNING';
        this.emit('changed', job);
        return;
      }
      case 'progress': {
        const job = this.pick(
          this.serverJobs.filter((candidate) => candidate.state === 'RUNNING'),
          command.pick,
        );
        if (!job) return;
        job.percent = Math.min(99, job.percent + 7);
        this.emit('changed', job);
        return;
      }
      case 'finish': {
        const live = this.serverJobs.filter((candidate) => !isTerminal(candidate.state));
        const job = this.pick(live, command.pick);
        if (!job) return;
        // WAITING can only be aborted (protocol §5.1 state machine).
        job.state = job.state === 'WAITING' ? 'ABORTED' : command.outcome;
        job.finished = this.clock;
        if (job.state === 'SUCCESS' && job.percent < 100) {
          job.percent = 100;
          this.emit('changed', job); // the first of two SUCCESS events
          job.logs = 'done\n';
        }
        this.emit('changed', job);
        if (job.transient) this.serverJobs = this.serverJobs.filter((candidate) => candidate !== job);
        return;
      }
      case 'tick':
        this.clock += command.seconds * 1000;
        return;
      case 'duplicate': {
        const event = this.pick(this.inFlight, command.pick);
        if (event) this.inFlight.push(event);
        return;
      }
      case 'delay': {
        // A non-terminal event overtaken by everything sent after it.
        const index = this.inFlight.length === 0 ? -1 : command.pick % this.inFlight.length;
        const event = index >= 0 ? this.inFlight[index] : undefined;
        if (!event || isTerminal(event.fields?.['state'] as JobState)) return;
        this.inFlight.splice(index, 1);
        this.inFlight.push(event);
        return;
      }
      case 'deliver': {
        const events = this.inFlight;
        this.inFlight = [];
        for (const event of events) this.deliver(event);
        return;
      }
      case 'disconnect':
        this.dropConnection();
        return;
      case 'reconnect': {
        if (this.connected) return;
        const seeding = !this.ledger.isSeeded(S);
        const snapshot = this.serverJobs.map(toWire);
        for (const job of this.serverJobs) {
          if (!isTerminal(job.state)) continue;
          (seeding ? this.seeded : this.observedTerminal).add(this.key(job));
        }
        this.reported.push(...this.book.applySnapshot(snapshot).transitions);
        this.connected = true;
        // Events buffered while the snapshot was taken, replayed: they repeat what the snapshot holds.
        for (let i = 0; i < command.replay; i += 1) {
          const job = this.pick(this.serverJobs, i * 3 + command.replay);
          if (job) this.deliver({ msg: 'changed', collection: 'core.get_jobs', id: job.id, fields: toWire(job) });
        }
        return;
      }
      case 'middlewareRestart':
        this.dropConnection();
        this.serverJobs = [];
        this.nextId = 1;
        this.clock += 60_000;
        return;
      case 'appRestart':
        this.dropConnection();
        this.ledger = TransitionLedger.fromJSON(JSON.parse(JSON.stringify(this.ledger.toJSON())), { maxKeysPerServer: this.ledgerBound });
        this.book = this.newBook();
        return;
    }
  }
}

describe('JobBook exactly-once property', () => {
  it('reports each terminal identity at most once, and every one observed after seeding exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(commandArb, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 3, max: 10 }),
        (commands, ledgerBound, bookBound) => {
          const world = new World(ledgerBound, bookBound);
          for (const command of commands) world.run(command);
          world.run({ kind: 'deliver' });

          const reportedKeys = world.reported.map((transition) => transition.key);
          expect(new Set(reportedKeys).size, 'a terminal identity was reported twice').toBe(reportedKeys.length);
          const expected = [...world.observedTerminal].filter((key) => !world.seeded.has(key)).sort();
          expect([...reportedKeys].sort()).toEqual(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
