/**
 * The job book of one server: turns `core.get_jobs` snapshots and events into job state, and reports every
 * terminal transition (→ SUCCESS, FAILED, ABORTED) exactly once per job identity.
 *
 * How "exactly once" holds:
 * - Within one connection, the book itself: a job stored as terminal never transitions again (duplicate SUCCESS
 *   events, replayed buffered events that repeat the snapshot, stale non-terminal events after the end).
 * - Across reconnects, middleware restarts and app restarts: the TransitionLedger (settled identities, persisted
 *   by the caller). A transition is emitted only for an identity the ledger does not hold, and settles it.
 * - Identity is jobKey(server, id, timeStarted, method), established when the job is first seen; `id` only maps
 *   to the current identity for merging events, and that map is rebuilt from every snapshot (ids restart at 1).
 *
 * Seeding and catch-up:
 * - First snapshot for a server the ledger has never seeded: every terminal job in it is settled silently.
 * - Any later snapshot (reconnect, or a new book after an app restart with a seeded ledger): a terminal job that is
 *   not settled is reported with catchUp: true. For a job the book watched while it was not terminal, only an
 *   explicit ledger entry suppresses it (the floor is ignored, so a NAS clock jump cannot hide it); for a job the
 *   book never saw, the ledger's floor also counts as settled.
 * - Events (live, or buffered during the snapshot and replayed) report with catchUp: false.
 *
 * HA job copies: after a failover the other controller lists a copy of each finished cloud sync, cloud backup,
 * rsync and replication job under a new id (hence a new key), silently, without exc_info and credentials. A job
 * first seen already terminal in a snapshot, in that shape, whose content fingerprint (`copyFingerprint`) belongs
 * to a settled job that this snapshot does not list, is that job again: it is settled without a report, and
 * replaces the original's entry in the window.
 *
 * Transient jobs (alert processing every minute and the like): their transitions are reported (flagged transient,
 * which the rules never notify) and deduplicated by the book alone, not the persisted ledger; they never enter
 * recent history, are removed right after their transition as the server drops them, and have their own bound, so
 * they never push real jobs out. A `changed` for an id the book has never seen is a job seen for the first time:
 * CORE 13 sends no `added` for transient jobs, only the `changed` of their success.
 *
 * Memory: at most `maxJobs` non-transient jobs that are on the server (when exceeded, the oldest finished job —
 * lowest id — is moved to recent history, as the server evicts; if none has finished, the oldest job is dropped),
 * as many running transient ones, plus at most `recentLimit` finished jobs the server no longer lists (after a
 * middleware restart or eviction), so the window keeps some history; the oldest recent entry is removed first. A
 * non-terminal job missing from a new snapshot is gone (middleware restart) and is removed without a transition.
 *
 * Work: a snapshot costs time linear in its length and an event constant time (the oldest finished job is found
 * through a heap of listing positions, never by scanning the jobs), so a server listing tens of thousands of jobs
 * does not stall the book.
 */
import { createHash } from 'node:crypto';
import type { CollectionEvent } from './protocol/connection';
import type { Job, JobState, ServerId, Transition } from './model';
import { isTerminal, jobKey } from './model';
import { completeJob, parseJobFields } from './protocol/job-schema';
import type { JobPatch } from './protocol/job-schema';
import type { TransitionLedger } from './ledger';
import { heapPop, heapPush } from './min-heap';

export const JOBS_COLLECTION_NAME = 'core.get_jobs';

/**
 * Methods whose finished jobs an HA controller copies to its peer under a new id (the TaskStateMixin services
 * registered by `plugins/failover_/jobs_copy.py`, TS-25.10.6 and HEAD: `plugins/cloud_sync.py`,
 * `plugins/cloud_backup/crud.py`, `plugins/rsync.py`, `plugins/zettarepl_/state.py`).
 */
export const HA_COPIED_METHODS: ReadonlySet<string> = new Set([
  'cloudsync.sync',
  'cloudsync.restore',
  'cloud_backup.sync',
  'cloud_backup.restore',
  'rsynctask.run',
  'replication.run',
]);

/** Canonical arguments beyond this many characters are cut (the cut is marked); arguments are the server's. */
const FINGERPRINT_ARGUMENTS_MAX_CHARS = 4096;
const FINGERPRINT_MAX_DEPTH = 16;
/** Transient identities remembered for de-duplication (a handful run per minute). */
const TRANSIENT_REPORTED_LIMIT = 256;

/**
 * What an HA copy keeps of a finished job (`job.py` `Job.receive`: method, arguments, time_started, time_finished,
 * state), hashed; null for methods that are never copied. Two real runs of one task cannot share it: their start
 * times differ (a task's runs are serialised by its lock).
 */
export function copyFingerprint(job: Job): string | null {
  if (!HA_COPIED_METHODS.has(job.method) || !isTerminal(job.state)) return null;
  const content = [job.method, canonicalJson(job.arguments), job.timeStarted, job.timeFinished, job.state].join('\u0000');
  return createHash('sha256').update(content).digest('base64url').slice(0, 22);
}

/** A received copy has neither exc_info nor credentials (`job.py` `Job.receive` sets neither). */
function hasCopyShape(job: Job): boolean {
  return job.excInfo === null && job.credentials === null;
}

/** JSON with object keys sorted, bounded in length and depth. */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  let length = 0;
  const push = (text: string): boolean => {
    if (length >= FINGERPRINT_ARGUMENTS_MAX_CHARS) return false;
    const room = FINGERPRINT_ARGUMENTS_MAX_CHARS - length;
    const piece = text.length > room ? `${text.slice(0, room)}…` : text;
    parts.push(piece);
    length += piece.length;
    return length < FINGERPRINT_ARGUMENTS_MAX_CHARS;
  };
  const walk = (node: unknown, depth: number): boolean => {
    if (node === null || typeof node !== 'object') return push(JSON.stringify(node) ?? 'null');
    if (depth >= FINGERPRINT_MAX_DEPTH) return push('…');
    if (Array.isArray(node)) {
      if (!push('[')) return false;
      for (let i = 0; i < node.length; i += 1) {
        if (i > 0 && !push(',')) return false;
        if (!walk(node[i], depth + 1)) return false;
      }
      return push(']');
    }
    const record = node as Record<string, unknown>;
    if (!push('{')) return false;
    let first = true;
    for (const name of Object.keys(record).sort()) {
      if (!first && !push(',')) return false;
      first = false;
      if (!push(`${JSON.stringify(name)}:`) || !walk(record[name], depth + 1)) return false;
    }
    return push('}');
  };
  walk(value, 0);
  return parts.join('');
}

export interface JobEntry {
  key: string;
  server: ServerId;
  job: Job;
  /** False for recent history: a finished job the server no longer lists. */
  onServer: boolean;
}

export interface BookUpdate {
  upserts: readonly JobEntry[];
  /** Keys of entries that left the book. */
  removals: readonly string[];
  transitions: readonly Transition[];
}

export interface JobBookOptions {
  server: ServerId;
  ledger: TransitionLedger;
  /** Jobs on the server kept at once (the middleware keeps 1000). */
  maxJobs?: number;
  /** Finished jobs kept after the server stopped listing them. */
  recentLimit?: number;
}

export interface JobBookStats {
  /** Jobs currently on the server. */
  jobs: number;
  /** Finished jobs kept as history after the server dropped them. */
  recent: number;
  /** Job objects that failed validation and were dropped. */
  badJobs: number;
}

/** The empty list of an update that has none: shared, so it is frozen. */
const NONE: readonly never[] = Object.freeze([]);

/**
 * Collects one call's changes; for each key the last operation wins (an entry upserted then removed in the same
 * call is reported as removed only). Most calls touch one entry and report nothing, once per event: that case keeps
 * its one operation in fields and allocates no lists but the result's own.
 */
class UpdateBuilder {
  private firstKey: string | null = null;
  private firstEntry: JobEntry | null = null;
  private more: { key: string; entry: JobEntry | null }[] | null = null;
  private reported: Transition[] | null = null;

  report(transition: Transition): void {
    (this.reported ??= []).push(transition);
  }

  upsert(entry: JobEntry): void {
    this.add(entry.key, entry);
  }

  remove(key: string): void {
    this.add(key, null);
  }

  private add(key: string, entry: JobEntry | null): void {
    if (this.firstKey === null) {
      this.firstKey = key;
      this.firstEntry = entry;
    } else (this.more ??= []).push({ key, entry });
  }

  build(): BookUpdate {
    const transitions = this.reported ?? NONE;
    if (this.firstKey === null) return { upserts: NONE, removals: NONE, transitions };
    if (this.more === null) {
      return this.firstEntry
        ? { upserts: [this.firstEntry], removals: NONE, transitions }
        : { upserts: NONE, removals: [this.firstKey], transitions };
    }
    const last = new Map<string, JobEntry | null>([[this.firstKey, this.firstEntry]]);
    for (const { key, entry } of this.more) last.set(key, entry);
    const upserts: JobEntry[] = [];
    const removals: string[] = [];
    for (const [key, entry] of last) {
      if (entry) upserts.push(entry);
      else removals.push(key);
    }
    return { upserts, removals, transitions };
  }
}

function emptyUpdate(): BookUpdate {
  return { upserts: NONE, removals: NONE, transitions: NONE };
}

export class JobBook {
  readonly server: ServerId;
  private readonly ledger: TransitionLedger;
  private readonly maxJobs: number;
  private readonly recentLimit: number;
  /** Every entry, current and recent, by identity. */
  private readonly entries = new Map<string, JobEntry>();
  /** Job id → identity, for non-transient jobs on the server; insertion order ≈ id order (to evict the oldest). */
  private readonly currentByJobId = new OrderedMap<number, string>();
  /**
   * Listings of finished jobs in `currentByJobId`, as a min-heap by place: the oldest finished job without a scan.
   * Listings that ended since are skipped (and dropped) when met at the top.
   */
  private finishedListings: Listing[] = [];
  /** Job id → identity, for transient jobs on the server (not yet finished); oldest first. */
  private readonly transientByJobId = new OrderedMap<number, string>();
  /** Transient identities already reported (or seen terminal while seeding), oldest first. */
  private readonly transientSettled = new Set<string>();
  /** Identities of recent history, oldest first. */
  private readonly recentKeys = new OrderedMap<string, true>();
  private badJobs = 0;
  private connected = false;

  constructor(options: JobBookOptions) {
    this.server = options.server;
    this.ledger = options.ledger;
    this.maxJobs = options.maxJobs ?? 1000;
    this.recentLimit = options.recentLimit ?? 200;
  }

  /** Replaces the server's job list with a fresh `core.get_jobs` result and reconciles what changed meanwhile. */
  applySnapshot(rawJobs: unknown[]): BookUpdate {
    const update = new UpdateBuilder();
    const seeding = !this.ledger.isSeeded(this.server);
    const previousCurrent = new Set(this.currentByJobId.values());
    for (const key of this.transientByJobId.values()) previousCurrent.add(key);
    const finishedMeanwhile: { key: string; job: Job; fromState: JobState | null }[] = [];
    const copyCandidates: { key: string; job: Job; fromState: null; fingerprint: string; originalKey: string }[] = [];
    this.currentByJobId.clear();
    this.finishedListings = [];
    this.transientByJobId.clear();

    for (const raw of rawJobs) {
      const parsed = parseJobFields(raw);
      if (!parsed.ok) {
        this.badJobs += 1;
        continue;
      }
      const patch = parsed.patch;
      const incoming = completeJob(patch);
      const key = jobKey(this.server, incoming);
      const known = this.entries.get(key);
      previousCurrent.delete(key);
      const job = known ? mergeJob(known.job, patch) : incoming;
      if (job === null) {
        // A stale non-terminal view of a job we already saw finish; keep what we know.
        this.placeCurrent(known!, update);
        continue;
      }
      const fromState = known ? known.job.state : null;
      if (isTerminal(job.state) && (fromState === null || !isTerminal(fromState))) {
        if (seeding) this.settle(key, job);
        else if (!this.isSettled(key, job, fromState)) {
          // Only a job first seen terminal, in a copy's shape, can be an HA copy: copies arrive without events.
          const fingerprint = fromState === null && hasCopyShape(job) ? copyFingerprint(job) : null;
          const originalKey = fingerprint === null ? undefined : this.ledger.keyWithFingerprint(this.server, fingerprint);
          if (fingerprint !== null && originalKey !== undefined) {
            copyCandidates.push({ key, job, fromState: null, fingerprint, originalKey });
          } else finishedMeanwhile.push({ key, job, fromState });
        }
      }
      this.store(key, job, update);
    }
    // A copy lives on the other controller: a lookalike listed beside its original is a job of its own.
    const copies: typeof copyCandidates = [];
    for (const candidate of copyCandidates) {
      const original = this.entries.get(candidate.originalKey);
      if (original && this.currentKey(original.job.id) === candidate.originalKey) finishedMeanwhile.push(candidate);
      else copies.push(candidate);
    }
    // Decided against the ledger as it was before this snapshot, then settled: settling one job (which may evict and
    // raise the floor) must not hide another that finished while we were away.
    for (const { key, job, fromState } of finishedMeanwhile) {
      if (this.isListed(key, job)) continue; // the same identity twice in one snapshot
      this.report(key, job, fromState, true, update);
    }
    for (const { key, job, fingerprint, originalKey } of copies) {
      this.ledger.settle(this.server, key, job.timeFinished, fingerprint);
      // The copy is what the server lists now; the original's entry (from before the failover) would show it twice.
      const original = this.entries.get(originalKey);
      if (original && originalKey !== key && this.currentKey(original.job.id) !== originalKey) this.drop(originalKey, update);
    }

    // Jobs we knew on the server that the snapshot no longer lists: a middleware restart (or eviction) took them.
    for (const key of previousCurrent) {
      const entry = this.entries.get(key);
      if (!entry) continue;
      if (isTerminal(entry.job.state)) this.moveToRecent(entry, update);
      else this.drop(key, update);
    }

    if (seeding) this.ledger.markSeeded(this.server);
    this.connected = true;
    this.enforceBounds(update);
    return update.build();
  }

  /** Applies one collection event (live, or buffered during the snapshot and replayed). */
  applyEvent(event: CollectionEvent): BookUpdate {
    if (event.collection !== JOBS_COLLECTION_NAME) return emptyUpdate();
    if (event.msg === 'removed') return this.applyRemoved(event.id);
    if (event.fields === undefined) return emptyUpdate();

    let fields: unknown = event.fields;
    if (event.fields['id'] === undefined && typeof event.id === 'number') fields = { ...event.fields, id: event.id };
    const parsed = parseJobFields(fields);
    if (!parsed.ok) {
      this.badJobs += 1;
      return emptyUpdate();
    }
    const patch = parsed.patch;
    const update = new UpdateBuilder();

    let key = this.currentKey(patch.id);
    let known = key === undefined ? undefined : this.entries.get(key);
    if (known && changesIdentity(known.job, patch)) {
      // Same id, different job: ids were reused. The old one leaves the server's list.
      if (isTerminal(known.job.state)) this.moveToRecent(known, update);
      else this.drop(known.key, update);
      known = undefined;
    }
    let job: Job | null;
    if (known) {
      job = mergeJob(known.job, patch);
    } else {
      // A job seen for the first time needs its identity; a partial event cannot give it (full objects always do).
      if (patch.method === undefined || patch.timeStarted === undefined) {
        this.badJobs += 1;
        return update.build();
      }
      const incoming = completeJob(patch);
      key = jobKey(this.server, incoming);
      known = this.entries.get(key);
      job = known ? mergeJob(known.job, patch) : incoming;
    }
    if (job === null) return update.build(); // stale non-terminal event for a finished job
    key = known ? known.key : jobKey(this.server, job);

    const fromState = known ? known.job.state : null;
    if (isTerminal(job.state) && (fromState === null || !isTerminal(fromState))) {
      if (!this.isSettled(key, job, fromState)) this.report(key, job, fromState, false, update);
    }
    this.store(key, job, update);
    this.enforceBounds(update);
    return update.build();
  }

  /**
   * The connection is gone: the book keeps showing what it knew, but the server's state is now unknown until the
   * next snapshot, which reconciles (and reports what finished meanwhile as catch-up).
   */
  markDisconnected(): void {
    this.connected = false;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** Every entry: jobs on the server, then recent history. */
  jobs(): readonly JobEntry[] {
    return [...this.entries.values()];
  }

  get(key: string): JobEntry | undefined {
    return this.entries.get(key);
  }

  stats(): JobBookStats {
    return {
      jobs: this.currentByJobId.size + this.transientByJobId.size,
      recent: this.recentKeys.size,
      badJobs: this.badJobs,
    };
  }

  private applyRemoved(id: unknown): BookUpdate {
    const update = new UpdateBuilder();
    if (typeof id !== 'number') return update.build();
    const key = this.currentKey(id);
    const entry = key === undefined ? undefined : this.entries.get(key);
    if (!entry) return update.build();
    if (isTerminal(entry.job.state)) this.moveToRecent(entry, update);
    else this.drop(entry.key, update);
    this.enforceBounds(update);
    return update.build();
  }

  /**
   * A job we watched while it ran is suppressed only by an explicit entry; one we never saw also by the floor.
   * Transient jobs are settled in the book only: a minute's alert run must not take a place in the ledger.
   */
  private isSettled(key: string, job: Job, fromState: JobState | null): boolean {
    if (job.transient) return this.transientSettled.has(key);
    return fromState !== null ? this.ledger.isListed(this.server, key) : this.ledger.isSettled(this.server, key, job.timeFinished);
  }

  private isListed(key: string, job: Job): boolean {
    return job.transient ? this.transientSettled.has(key) : this.ledger.isListed(this.server, key);
  }

  private settle(key: string, job: Job): void {
    if (!job.transient) {
      this.ledger.settle(this.server, key, job.timeFinished, copyFingerprint(job));
      return;
    }
    this.transientSettled.delete(key);
    this.transientSettled.add(key);
    if (this.transientSettled.size > TRANSIENT_REPORTED_LIMIT) {
      const oldest = this.transientSettled.values().next().value;
      if (oldest !== undefined) this.transientSettled.delete(oldest);
    }
  }

  private report(key: string, job: Job, fromState: JobState | null, catchUp: boolean, update: UpdateBuilder): void {
    this.settle(key, job);
    update.report({
      server: this.server,
      key,
      jobId: job.id,
      method: job.method,
      description: job.description,
      transient: job.transient,
      // No job goes WAITING → SUCCESS or FAILED (`job.py` `Job.set_state`, `Job.run`): it ran, unseen; CORE 13 sends
      // no event for WAITING → RUNNING. Only an abort can end a job that never ran.
      from: fromState === 'WAITING' && job.state !== 'ABORTED' ? 'RUNNING' : fromState,
      to: job.state as Transition['to'],
      error: job.error,
      timeStarted: job.timeStarted,
      timeFinished: job.timeFinished,
      catchUp,
    });
  }

  /** The identity listed on the server under this id, transient or not. */
  private currentKey(id: number): string | undefined {
    return this.currentByJobId.get(id) ?? this.transientByJobId.get(id);
  }

  /** Removes the id → identity listing, if it still names this identity. */
  private unlist(id: number, key: string): void {
    if (this.currentByJobId.get(id) === key) this.unlistCurrent(id);
    if (this.transientByJobId.get(id) === key) this.transientByJobId.delete(id);
  }

  private unlistCurrent(id: number): void {
    this.currentByJobId.delete(id);
  }

  /** Lists a non-transient job as on the server under its id, keeping the id's place when it is already listed. */
  private listCurrent(id: number, key: string, finished: boolean): void {
    const place = this.currentByJobId.set(id, key);
    if (!finished) return;
    heapPush(this.finishedListings, { place, id }, byPlace);
    // Repeated terminal events push the same listing again, and listings end without a pop: compact now and then.
    if (this.finishedListings.length > 2 * this.currentByJobId.size + 64) this.compactFinishedListings();
  }

  /** Whether a heap entry still names a listed job (finished, as it was when pushed: terminal states are final). */
  private isLiveListing(listing: Listing): boolean {
    return this.currentByJobId.placeOf(listing.id) === listing.place;
  }

  private compactFinishedListings(): void {
    const seen = new Set<number>();
    const live: Listing[] = [];
    for (const listing of this.finishedListings) {
      if (seen.has(listing.place) || !this.isLiveListing(listing)) continue;
      seen.add(listing.place);
      live.push(listing);
    }
    // A sorted array is a valid min-heap.
    this.finishedListings = live.sort((a, b) => a.place - b.place);
  }

  /** Stores a job as on the server (or drops it, when it is a finished transient job). */
  private store(key: string, job: Job, update: UpdateBuilder): void {
    if (job.transient && isTerminal(job.state)) {
      this.drop(key, update);
      return;
    }
    const entry: JobEntry = { key, server: this.server, job, onServer: true };
    this.entries.set(key, entry);
    this.recentKeys.delete(key);
    const previous = this.currentKey(job.id);
    if (previous !== undefined && previous !== key) {
      // Two identities with one id in one snapshot cannot both be current; the newer wins.
      const old = this.entries.get(previous);
      if (old) {
        if (isTerminal(old.job.state)) this.moveToRecent(old, update);
        else this.drop(previous, update);
      }
      this.unlist(job.id, previous);
    }
    if (job.transient) {
      if (this.currentByJobId.has(job.id)) this.unlistCurrent(job.id);
      this.transientByJobId.set(job.id, key);
    } else {
      this.transientByJobId.delete(job.id);
      this.listCurrent(job.id, key, isTerminal(job.state));
    }
    update.upsert(entry);
  }

  /** Re-lists an entry as on the server without changing the job. */
  private placeCurrent(entry: JobEntry, update: UpdateBuilder): void {
    this.store(entry.key, entry.job, update);
  }

  private moveToRecent(entry: JobEntry, update: UpdateBuilder): void {
    this.unlist(entry.job.id, entry.key);
    if (this.recentLimit <= 0 || entry.job.transient) {
      this.drop(entry.key, update);
      return;
    }
    const recent: JobEntry = { ...entry, onServer: false };
    this.entries.set(entry.key, recent);
    this.recentKeys.delete(entry.key);
    this.recentKeys.set(entry.key, true);
    update.upsert(recent);
  }

  private drop(key: string, update: UpdateBuilder): void {
    const entry = this.entries.get(key);
    if (entry) this.unlist(entry.job.id, key);
    this.recentKeys.delete(key);
    if (this.entries.delete(key)) update.remove(key);
  }

  private enforceBounds(update: UpdateBuilder): void {
    while (this.currentByJobId.size > this.maxJobs) {
      const victim = this.oldestFinishedCurrent() ?? this.currentByJobId.oldest()?.[1];
      const entry = victim === undefined ? undefined : this.entries.get(victim);
      if (!entry) break;
      if (isTerminal(entry.job.state)) this.moveToRecent(entry, update);
      else this.drop(entry.key, update);
    }
    while (this.transientByJobId.size > this.maxJobs) {
      const oldest = this.transientByJobId.oldest();
      if (oldest === undefined) break;
      this.transientByJobId.delete(oldest[0]);
      this.drop(oldest[1], update);
    }
    while (this.recentKeys.size > this.recentLimit) {
      const oldest = this.recentKeys.oldest();
      if (oldest === undefined) break;
      this.drop(oldest[0], update);
    }
  }

  /** The first finished job in insertion order (≈ id order), as the middleware evicts. */
  private oldestFinishedCurrent(): string | undefined {
    for (;;) {
      const top = this.finishedListings[0];
      if (top === undefined) return undefined;
      if (this.isLiveListing(top)) {
        const key = this.currentByJobId.get(top.id);
        const entry = key === undefined ? undefined : this.entries.get(key);
        if (entry && isTerminal(entry.job.state)) return key;
      }
      heapPop(this.finishedListings, byPlace);
    }
  }
}

/**
 * A Map that also finds its oldest entry in amortized constant time. A Map's own iteration walks over the entries
 * deleted at its front until it is rehashed, so taking `values().next()` after each of many deletions there is
 * quadratic; here the insertion order is a queue read from a moving head. `set` of a present key keeps its place,
 * as in a Map; each insertion gets a new, increasing place.
 */
class OrderedMap<K, V> {
  private readonly items = new Map<K, { value: V; place: number }>();
  private orderKeys: K[] = [];
  private orderPlaces: number[] = [];
  private head = 0;
  private nextPlace = 0;

  get size(): number {
    return this.items.size;
  }

  get(key: K): V | undefined {
    return this.items.get(key)?.value;
  }

  has(key: K): boolean {
    return this.items.has(key);
  }

  placeOf(key: K): number | undefined {
    return this.items.get(key)?.place;
  }

  /** Sets the value; returns the key's place. */
  set(key: K, value: V): number {
    const item = this.items.get(key);
    if (item) {
      item.value = value;
      return item.place;
    }
    const place = this.nextPlace++;
    this.items.set(key, { value, place });
    this.orderKeys.push(key);
    this.orderPlaces.push(place);
    return place;
  }

  delete(key: K): boolean {
    if (!this.items.delete(key)) return false;
    // A deleted key stays in the queue (before or after the head) until compacted: when deleted ones are most of it.
    if (this.orderKeys.length > 2 * this.items.size + 64) this.compact();
    return true;
  }

  clear(): void {
    this.items.clear();
    this.orderKeys = [];
    this.orderPlaces = [];
    this.head = 0;
  }

  values(): V[] {
    return Array.from(this.items.values(), (item) => item.value);
  }

  /** The entry inserted first among those present. */
  oldest(): [K, V] | undefined {
    while (this.head < this.orderKeys.length) {
      const key = this.orderKeys[this.head]!;
      const item = this.items.get(key);
      if (item && item.place === this.orderPlaces[this.head]) return [key, item.value];
      this.head += 1;
    }
    return undefined;
  }

  private compact(): void {
    const keys: K[] = [];
    const places: number[] = [];
    for (let index = this.head; index < this.orderKeys.length; index += 1) {
      const key = this.orderKeys[index]!;
      const place = this.orderPlaces[index]!;
      if (this.items.get(key)?.place !== place) continue;
      keys.push(key);
      places.push(place);
    }
    this.orderKeys = keys;
    this.orderPlaces = places;
    this.head = 0;
  }
}

/** A job's place in the book's listing order. */
interface Listing {
  place: number;
  id: number;
}

const byPlace = (listing: Listing): number => listing.place;

/** True when a patch describes another job than the stored one (a reused id after a middleware restart). */
function changesIdentity(job: Job, patch: JobPatch): boolean {
  if (patch.method !== undefined && patch.method !== job.method) return true;
  return patch.timeStarted !== undefined && patch.timeStarted !== null && patch.timeStarted !== job.timeStarted;
}

/**
 * Shallow-merges a patch into the stored job (protocol §4.2), keeping the identity fixed and terminal states final.
 * Returns null when the patch is a stale non-terminal view of a job already stored as terminal.
 */
function mergeJob(job: Job, patch: JobPatch): Job | null {
  if (isTerminal(job.state)) {
    if (patch.state === undefined || !isTerminal(patch.state)) return null;
    // Terminal states never change; the second SUCCESS event still brings logs_excerpt, so merge the rest.
    return withPatch(job, patch, job.state);
  }
  if (patch.state === 'WAITING' && job.state === 'RUNNING') {
    // Never move backwards (reordered events); the other fields are still the newest we have.
    return withPatch(job, patch, job.state);
  }
  return withPatch(job, patch, patch.state ?? job.state);
}

/**
 * The job with the patch's fields laid over it, keeping the identity (id, method, timeStarted) and the state given,
 * written out field by field: a field the wire did not carry is undefined in the patch (job-schema.ts toJobPatch).
 * Once per event, this is four times faster than a spread; the keys keep completeJob's order.
 */
function withPatch(job: Job, patch: JobPatch, state: JobState): Job {
  return {
    method: job.method,
    arguments: patch.arguments !== undefined ? patch.arguments : job.arguments,
    transient: patch.transient !== undefined ? patch.transient : job.transient,
    description: patch.description !== undefined ? patch.description : job.description,
    abortable: patch.abortable !== undefined ? patch.abortable : job.abortable,
    logsPath: patch.logsPath !== undefined ? patch.logsPath : job.logsPath,
    logsExcerpt: patch.logsExcerpt !== undefined ? patch.logsExcerpt : job.logsExcerpt,
    progress: patch.progress !== undefined ? patch.progress : job.progress,
    error: patch.error !== undefined ? patch.error : job.error,
    exception: patch.exception !== undefined ? patch.exception : job.exception,
    excInfo: patch.excInfo !== undefined ? patch.excInfo : job.excInfo,
    state,
    timeStarted: job.timeStarted,
    timeFinished: patch.timeFinished !== undefined ? patch.timeFinished : job.timeFinished,
    credentials: patch.credentials !== undefined ? patch.credentials : job.credentials,
    id: job.id,
  };
}
