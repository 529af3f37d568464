/**
 * The transition ledger: which terminal job identities are already *settled* (reported, or seen already
 * terminal while seeding), per server, in a bounded amount of memory and disk. It is what makes terminal
 * transitions exactly-once across reconnects, middleware restarts and app restarts (it is persisted by the
 * caller through `toJSON`/`fromJSON`).
 *
 * Per server: `seeded` (the first snapshot was taken, silently), `floor` and explicit `keys`.
 * Invariant: a terminal job whose timeFinished (server time) is below `floor` counts as settled; at or above
 * `floor`, only the listed keys are settled. Evicting a key therefore always raises the floor past its
 * timeFinished, so an evicted key stays settled (never reported twice).
 *
 * Bound: above `maxKeysPerServer` keys, the keys sharing the smallest timeFinished are evicted together and the
 * floor rises to that time + 1 (dates are whole seconds on SCALE, so several jobs share a timestamp). A group
 * already below the floor is trimmed oldest first, as far as needed.
 *
 * Same-timestamp ties (the rule): the group at the newest timestamp, while at or above the floor, is kept whole, so
 * a job finishing later in that same second does not fall under the floor unreported, but only up to a hard cap of
 * twice the bound. Beyond it the oldest keys of that group are evicted down to the bound and the floor rises past
 * that second: from then on EVERY job finished in that second (or before) counts as settled, listed or not. So
 * nothing is ever reported twice; what is given up, only when more than `maxKeysPerServer` jobs share one second,
 * is the catch-up report of a job the book never saw running that finished in that very second. A job the book
 * watched while it ran is still reported: its end is judged by explicit key, never by the floor (`isListed`).
 *
 * Work: settle and eviction are O(log distinct timestamps) per key (groups by time, a heap of their times); no
 * operation scans every key except `toJSON`/`fromJSON`.
 *
 * A settled key may carry a content fingerprint (see `copyFingerprint` in jobs.ts): after an HA failover the other
 * controller lists copies of finished jobs under new ids, hence new keys; the fingerprint recognises them as jobs
 * already settled. Fingerprints live and die with their key, so they share its bound.
 *
 * The bound is the running app's, never the one written in a saved file: a file is trimmed to it on load.
 *
 * All times are the NAS's clock, never the desktop's.
 */
import * as z from './zod';
import type { ServerId } from './model';
import { heapPop, heapPush } from './min-heap';

const asRank = (time: number): number => time;

export const DEFAULT_MAX_KEYS_PER_SERVER = 5000;
/** The newest second's group may take the ledger up to this many times the bound, never further. */
const NEWEST_GROUP_HARD_CAP_FACTOR = 2;

interface ServerLedger {
  seeded: boolean;
  floor: number | null;
  /** key → timeFinished (null: terminal without time_finished, settled by key only). Insertion-ordered. */
  keys: Map<string, number | null>;
  /** Keys without timeFinished, oldest first. */
  untimed: KeyQueue;
  /** Timed keys by timeFinished; each group oldest first. */
  groups: Map<number, KeyQueue>;
  /** The timeFinished values of `groups`, as a binary min-heap (smallest first). */
  times: number[];
  /** The largest timeFinished among listed keys, null when none is timed. */
  newest: number | null;
  /** The newest timeFinished settled: the latest server time known to be accounted for. */
  watermark: number | null;
  /** Content fingerprint of a listed key, for keys that have one. */
  fingerprintByKey: Map<string, string>;
  /** Fingerprint → the (latest) listed key carrying it. */
  keyByFingerprint: Map<string, string>;
}

const ServerLedgerJsonSchema = z.object({
  seeded: z.boolean(),
  floor: z.nullable(z.number()),
  watermark: z.nullable(z.number()),
  keys: z.array(z.tuple([z.string(), z.nullable(z.number())])),
  /** [key, fingerprint] for listed keys that have one; absent in files saved before fingerprints existed. */
  fingerprints: z.optional(z.array(z.tuple([z.string(), z.string().check(z.maxLength(128))]))),
});

export const LedgerJsonSchema = z.object({
  version: z.literal(1),
  /** The bound the file was written with; kept for older versions of the app, which require it, and never read. */
  maxKeysPerServer: z.int().check(z.positive()),
  servers: z.record(z.string(), ServerLedgerJsonSchema),
});
export type TransitionLedgerJson = z.infer<typeof LedgerJsonSchema>;

export class LedgerFormatError extends Error {
  override readonly name = 'LedgerFormatError';
}

export interface TransitionLedgerOptions {
  maxKeysPerServer?: number;
}

export class TransitionLedger {
  readonly maxKeysPerServer: number;
  /** Keys one server may hold at most, whatever the timestamps. */
  readonly hardMaxKeysPerServer: number;
  private readonly servers = new Map<ServerId, ServerLedger>();
  private readonly listeners = new Set<() => void>();

  constructor(options: TransitionLedgerOptions = {}) {
    this.maxKeysPerServer = options.maxKeysPerServer ?? DEFAULT_MAX_KEYS_PER_SERVER;
    if (!Number.isInteger(this.maxKeysPerServer) || this.maxKeysPerServer < 1) {
      throw new RangeError('maxKeysPerServer must be a positive integer');
    }
    this.hardMaxKeysPerServer = this.maxKeysPerServer * NEWEST_GROUP_HARD_CAP_FACTOR;
  }

  /** Whether this terminal job identity needs no (further) report: listed, or finished below the floor. */
  isSettled(server: ServerId, key: string, timeFinished: number | null): boolean {
    const ledger = this.servers.get(server);
    if (!ledger) return false;
    if (timeFinished !== null && ledger.floor !== null && timeFinished < ledger.floor) return true;
    return ledger.keys.has(key);
  }

  /**
   * Whether this key is listed explicitly, ignoring the floor. For a job the book watched while it ran, the floor
   * must not hide its end (the NAS clock may have jumped back); only an explicit entry proves it was reported.
   */
  isListed(server: ServerId, key: string): boolean {
    return this.servers.get(server)?.keys.has(key) ?? false;
  }

  /**
   * Records a terminal job identity as settled, with its content fingerprint when it has one. Returns false when it
   * was already listed.
   */
  settle(server: ServerId, key: string, timeFinished: number | null, fingerprint: string | null = null): boolean {
    const ledger = this.serverLedger(server);
    if (ledger.keys.has(key)) return false;
    // Listed even when below the floor: a duplicate terminal event for it must still be recognised.
    list(ledger, key, timeFinished, fingerprint);
    if (timeFinished !== null && (ledger.watermark === null || timeFinished > ledger.watermark)) ledger.watermark = timeFinished;
    this.enforceBound(ledger);
    this.emitChange();
    return true;
  }

  /** The listed key of a settled job with this content fingerprint (the job a copy was made of), if any. */
  keyWithFingerprint(server: ServerId, fingerprint: string): string | undefined {
    return this.servers.get(server)?.keyByFingerprint.get(fingerprint);
  }

  isSeeded(server: ServerId): boolean {
    return this.servers.get(server)?.seeded ?? false;
  }

  markSeeded(server: ServerId): void {
    const ledger = this.serverLedger(server);
    if (ledger.seeded) return;
    ledger.seeded = true;
    this.emitChange();
  }

  /** The newest settled timeFinished for this server (server time, ms), or null. */
  watermark(server: ServerId): number | null {
    return this.servers.get(server)?.watermark ?? null;
  }

  /** Terminal jobs finished before this server time count as settled without being listed. */
  floor(server: ServerId): number | null {
    return this.servers.get(server)?.floor ?? null;
  }

  size(server: ServerId): number {
    return this.servers.get(server)?.keys.size ?? 0;
  }

  /** Fingerprints kept for this server (each belongs to a listed key). */
  fingerprintCount(server: ServerId): number {
    return this.servers.get(server)?.fingerprintByKey.size ?? 0;
  }

  /** Drops everything about a server (it was removed from the configuration). */
  forget(server: ServerId): void {
    if (this.servers.delete(server)) this.emitChange();
  }

  /** Called after every change, synchronously; the caller debounces saving. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  toJSON(): TransitionLedgerJson {
    const servers: TransitionLedgerJson['servers'] = {};
    for (const [server, ledger] of this.servers) {
      servers[server] = {
        seeded: ledger.seeded,
        floor: ledger.floor,
        watermark: ledger.watermark,
        keys: [...ledger.keys],
        fingerprints: [...ledger.fingerprintByKey],
      };
    }
    return { version: 1, maxKeysPerServer: this.maxKeysPerServer, servers };
  }

  /**
   * Restores a ledger saved by `toJSON`. Throws LedgerFormatError on anything else (the persistence layer decides
   * what to do with a corrupt file). The bound is `options.maxKeysPerServer` (or the default), never the saved one:
   * a file is not trusted to size the app's memory; a saved ledger over the bound is trimmed, raising its floor.
   */
  static fromJSON(data: unknown, options: TransitionLedgerOptions = {}): TransitionLedger {
    const parsed = LedgerJsonSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new LedgerFormatError(`Invalid transition ledger${where}: ${issue?.message ?? 'unreadable'}`);
    }
    const ledger = new TransitionLedger(options);
    for (const [server, saved] of Object.entries(parsed.data.servers)) {
      const restored = emptyServerLedger();
      restored.seeded = saved.seeded;
      restored.floor = saved.floor;
      restored.watermark = saved.watermark;
      const fingerprints = new Map(saved.fingerprints ?? []);
      for (const [key, timeFinished] of saved.keys) {
        // A fingerprint lives only as long as its key; a key listed twice keeps its first place.
        if (restored.keys.has(key)) continue;
        list(restored, key, timeFinished, fingerprints.get(key) ?? null);
        if (timeFinished !== null && (restored.watermark === null || timeFinished > restored.watermark)) restored.watermark = timeFinished;
      }
      ledger.enforceBound(restored);
      ledger.servers.set(server, restored);
    }
    return ledger;
  }

  private serverLedger(server: ServerId): ServerLedger {
    let ledger = this.servers.get(server);
    if (!ledger) {
      ledger = emptyServerLedger();
      this.servers.set(server, ledger);
    }
    return ledger;
  }

  private enforceBound(ledger: ServerLedger): void {
    // Untimed keys cannot be covered by the floor; they should not exist at all, so a small share of the bound,
    // oldest first, is enough.
    const untimedShare = Math.max(1, Math.floor(this.maxKeysPerServer / 10));
    while (ledger.keys.size > this.maxKeysPerServer) {
      if (ledger.untimed.size > untimedShare) {
        evictOldestUntimed(ledger);
        continue;
      }
      const oldest = ledger.times[0];
      if (oldest === undefined) {
        evictOldestUntimed(ledger);
        continue;
      }
      const group = ledger.groups.get(oldest)!;
      const underFloor = ledger.floor !== null && oldest < ledger.floor;
      if (underFloor) {
        // Already covered by the floor: trim it as far as needed.
        evictFromGroup(ledger, oldest, group, ledger.keys.size - this.maxKeysPerServer);
      } else if (oldest !== ledger.newest) {
        evictFromGroup(ledger, oldest, group, group.size);
        raiseFloor(ledger, oldest + 1);
      } else if (ledger.untimed.size > 0) {
        evictOldestUntimed(ledger);
      } else if (ledger.keys.size > this.hardMaxKeysPerServer) {
        // The tie rule (see the top of the file): the newest second is cut and the floor moves past it.
        evictFromGroup(ledger, oldest, group, ledger.keys.size - this.maxKeysPerServer);
        raiseFloor(ledger, oldest + 1);
      } else {
        return; // everything shares the newest timestamp: stay over the bound until time moves on
      }
    }
  }

  private emitChange(): void {
    for (const listener of this.listeners) listener();
  }
}

function emptyServerLedger(): ServerLedger {
  return {
    seeded: false,
    floor: null,
    keys: new Map(),
    untimed: new KeyQueue(),
    groups: new Map(),
    times: [],
    newest: null,
    watermark: null,
    fingerprintByKey: new Map(),
    keyByFingerprint: new Map(),
  };
}

/** Lists a key that is not listed yet. */
function list(ledger: ServerLedger, key: string, timeFinished: number | null, fingerprint: string | null): void {
  ledger.keys.set(key, timeFinished);
  if (fingerprint !== null) {
    ledger.fingerprintByKey.set(key, fingerprint);
    ledger.keyByFingerprint.set(fingerprint, key);
  }
  if (timeFinished === null) {
    ledger.untimed.push(key);
    return;
  }
  let group = ledger.groups.get(timeFinished);
  if (!group) {
    group = new KeyQueue();
    ledger.groups.set(timeFinished, group);
    heapPush(ledger.times, timeFinished, asRank);
  }
  group.push(key);
  if (ledger.newest === null || timeFinished > ledger.newest) ledger.newest = timeFinished;
}

function raiseFloor(ledger: ServerLedger, floor: number): void {
  if (ledger.floor === null || floor > ledger.floor) ledger.floor = floor;
}

function evictOldestUntimed(ledger: ServerLedger): void {
  const oldest = ledger.untimed.shift();
  if (oldest !== undefined) unlist(ledger, oldest);
}

/** Evicts up to `count` keys of the group at `time`, oldest first; an emptied group leaves the heap (it is its top). */
function evictFromGroup(ledger: ServerLedger, time: number, group: KeyQueue, count: number): void {
  for (let left = count; left > 0; left -= 1) {
    const key = group.shift();
    if (key === undefined) break;
    unlist(ledger, key);
  }
  if (group.size > 0) return;
  ledger.groups.delete(time);
  heapPop(ledger.times, asRank);
  if (ledger.newest === time) ledger.newest = null; // it was the smallest and the largest: no timed key is left
}

/** Removes a key and the fingerprint it carries (its time group is the caller's). */
function unlist(ledger: ServerLedger, key: string): void {
  ledger.keys.delete(key);
  const fingerprint = ledger.fingerprintByKey.get(key);
  if (fingerprint === undefined) return;
  ledger.fingerprintByKey.delete(key);
  if (ledger.keyByFingerprint.get(fingerprint) === key) ledger.keyByFingerprint.delete(fingerprint);
}

/**
 * Keys in insertion order, taken from the front only (keys leave a group or the untimed list only by eviction,
 * oldest first). An array with a moving head: a Set's iteration would walk over every key deleted at its front.
 */
class KeyQueue {
  private keys: string[] = [];
  private head = 0;

  get size(): number {
    return this.keys.length - this.head;
  }

  push(key: string): void {
    this.keys.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.keys.length) return undefined;
    const key = this.keys[this.head]!;
    this.head += 1;
    if (this.head > 64 && this.head * 2 > this.keys.length) {
      this.keys = this.keys.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}
