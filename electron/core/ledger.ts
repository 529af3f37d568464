/**
 * The transition ledger: which terminal job identities are already *settled* (reported, or seen already
 * terminal while seeding), per server, in a bounded amount of memory and disk. It is what makes terminal
 * transitions exactly-once across reconnects, middleware restarts and app restarts (it is persisted by the
 * caller through `toJSON`/`fromJSON`).
 *
 * Per server: `seeded` (the first snapshot was taken, silently), `floor` and explicit `keys`.
 * Invariant: a terminal job whose timeFinished (server time) is below `floor` counts as settled; at or above
 * `floor`, only the listed keys are settled. When a server holds more than `maxKeysPerServer` keys, the entries
 * sharing the smallest timeFinished are evicted together and the floor rises to that time + 1 (dates are whole
 * seconds on SCALE, so several jobs share a timestamp). The group at the newest timestamp is never evicted: a job
 * finishing later in that same second must not fall under the floor unreported.
 *
 * A settled key may carry a content fingerprint (see `copyFingerprint` in jobs.ts): after an HA failover the other
 * controller lists copies of finished jobs under new ids, hence new keys; the fingerprint recognises them as jobs
 * already settled. Fingerprints live and die with their key, so they share its bound.
 *
 * All times are the NAS's clock, never the desktop's.
 */
import { z } from 'zod';
import type { ServerId } from './model';

export const DEFAULT_MAX_KEYS_PER_SERVER = 5000;

interface ServerLedger {
  seeded: boolean;
  floor: number | null;
  /** key → timeFinished (null: terminal without time_finished, settled by key only). Insertion-ordered. */
  keys: Map<string, number | null>;
  untimed: number;
  /** The newest timeFinished settled: the latest server time known to be accounted for. */
  watermark: number | null;
  /** Content fingerprint of a listed key, for keys that have one. */
  fingerprintByKey: Map<string, string>;
  /** Fingerprint → the (latest) listed key carrying it. */
  keyByFingerprint: Map<string, string>;
}

const ServerLedgerJsonSchema = z.object({
  seeded: z.boolean(),
  floor: z.number().nullable(),
  watermark: z.number().nullable(),
  keys: z.array(z.tuple([z.string(), z.number().nullable()])),
  /** [key, fingerprint] for listed keys that have one; absent in files saved before fingerprints existed. */
  fingerprints: z.array(z.tuple([z.string(), z.string().max(128)])).optional(),
});

export const LedgerJsonSchema = z.object({
  version: z.literal(1),
  maxKeysPerServer: z.number().int().positive(),
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
  private readonly servers = new Map<ServerId, ServerLedger>();
  private readonly listeners = new Set<() => void>();

  constructor(options: TransitionLedgerOptions = {}) {
    this.maxKeysPerServer = options.maxKeysPerServer ?? DEFAULT_MAX_KEYS_PER_SERVER;
    if (!Number.isInteger(this.maxKeysPerServer) || this.maxKeysPerServer < 1) {
      throw new RangeError('maxKeysPerServer must be a positive integer');
    }
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
    ledger.keys.set(key, timeFinished);
    if (fingerprint !== null) {
      ledger.fingerprintByKey.set(key, fingerprint);
      ledger.keyByFingerprint.set(fingerprint, key);
    }
    if (timeFinished === null) ledger.untimed += 1;
    else if (ledger.watermark === null || timeFinished > ledger.watermark) ledger.watermark = timeFinished;
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
   * what to do with a corrupt file). `options.maxKeysPerServer` overrides the saved bound.
   */
  static fromJSON(data: unknown, options: TransitionLedgerOptions = {}): TransitionLedger {
    const parsed = LedgerJsonSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new LedgerFormatError(`Invalid transition ledger${where}: ${issue?.message ?? 'unreadable'}`);
    }
    const ledger = new TransitionLedger({ maxKeysPerServer: options.maxKeysPerServer ?? parsed.data.maxKeysPerServer });
    for (const [server, saved] of Object.entries(parsed.data.servers)) {
      const restored: ServerLedger = {
        seeded: saved.seeded,
        floor: saved.floor,
        keys: new Map(saved.keys),
        untimed: 0,
        watermark: saved.watermark,
        fingerprintByKey: new Map(),
        keyByFingerprint: new Map(),
      };
      for (const timeFinished of restored.keys.values()) {
        if (timeFinished === null) restored.untimed += 1;
        else if (restored.watermark === null || timeFinished > restored.watermark) restored.watermark = timeFinished;
      }
      for (const [key, fingerprint] of saved.fingerprints ?? []) {
        if (!restored.keys.has(key)) continue; // a fingerprint lives only as long as its key
        restored.fingerprintByKey.set(key, fingerprint);
        restored.keyByFingerprint.set(fingerprint, key);
      }
      ledger.enforceBound(restored);
      ledger.servers.set(server, restored);
    }
    return ledger;
  }

  private serverLedger(server: ServerId): ServerLedger {
    let ledger = this.servers.get(server);
    if (!ledger) {
      ledger = {
        seeded: false,
        floor: null,
        keys: new Map(),
        untimed: 0,
        watermark: null,
        fingerprintByKey: new Map(),
        keyByFingerprint: new Map(),
      };
      this.servers.set(server, ledger);
    }
    return ledger;
  }

  private enforceBound(ledger: ServerLedger): void {
    while (ledger.keys.size > this.maxKeysPerServer) {
      // Untimed keys cannot be covered by the floor; they should not exist at all, so a small share of the bound,
      // oldest first, is enough.
      if (ledger.untimed > Math.max(1, Math.floor(this.maxKeysPerServer / 10))) {
        this.evictOldestUntimed(ledger);
        continue;
      }
      if (!this.evictOldestTimeGroup(ledger)) {
        if (ledger.untimed > 0) this.evictOldestUntimed(ledger);
        else return; // everything shares the newest timestamp: stay over the bound until time moves on
      }
    }
  }

  private evictOldestUntimed(ledger: ServerLedger): void {
    for (const [key, timeFinished] of ledger.keys) {
      if (timeFinished === null) {
        this.unlist(ledger, key);
        ledger.untimed -= 1;
        return;
      }
    }
  }

  /** Evicts every key sharing the smallest timeFinished, unless that is the newest one. */
  private evictOldestTimeGroup(ledger: ServerLedger): boolean {
    let oldest = Infinity;
    let newest = -Infinity;
    for (const timeFinished of ledger.keys.values()) {
      if (timeFinished === null) continue;
      if (timeFinished < oldest) oldest = timeFinished;
      if (timeFinished > newest) newest = timeFinished;
    }
    if (oldest === Infinity || oldest === newest) return false;
    for (const [key, timeFinished] of ledger.keys) {
      if (timeFinished === oldest) this.unlist(ledger, key);
    }
    const floor = oldest + 1;
    if (ledger.floor === null || floor > ledger.floor) ledger.floor = floor;
    return true;
  }

  /** Removes a key and the fingerprint it carries. */
  private unlist(ledger: ServerLedger, key: string): void {
    ledger.keys.delete(key);
    const fingerprint = ledger.fingerprintByKey.get(key);
    if (fingerprint === undefined) return;
    ledger.fingerprintByKey.delete(key);
    if (ledger.keyByFingerprint.get(fingerprint) === key) ledger.keyByFingerprint.delete(fingerprint);
  }

  private emitChange(): void {
    for (const listener of this.listeners) listener();
  }
}
