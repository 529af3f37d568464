/**
 * The unacknowledged-failures inbox: every FAILED transition, notified or suppressed, stays here until the user
 * acknowledges it (one, one server's, or all). The tray counts it. Persisted, so a restart forgets nothing.
 *
 * Bounded: at most `limit` (500) entries are kept. Past that, the oldest entries leave the list but are still
 * counted, per server, in `overflow`, so the counts never understate what is unacknowledged; acknowledging a
 * server (or all) clears its overflow, because those are the only actions that can reach entries no longer listed.
 *
 * Folded per task: a failure of a task that already has an unacknowledged failure here ("still failing") replaces
 * that entry, newest error and job first, with `count` one higher. The tray then counts tasks that need a look, not
 * how often each retried; acknowledging the entry acknowledges every failure folded into it.
 */
import * as z from './zod';
import type { ServerId, Transition } from './model';
import type { Logger, StoragePort, Clock } from './ports';
import { silentLogger } from './ports';
import type { StoreProblem } from './store';
import { VersionedStore } from './store';

/** Long tracebacks are not kept: the error's first part is what a list shows; the job detail has the rest. */
const ERROR_MAX = 2000;

export const FailureEntrySchema = z.object({
  key: z.string().check(z.minLength(1)),
  server: z.string(),
  jobId: z.int(),
  method: z.string(),
  description: z.nullable(z.string()),
  error: z.nullable(z.string().check(z.maxLength(ERROR_MAX))),
  /** Server time (ms). */
  timeFinished: z.nullable(z.number()),
  /** Desktop time (ms) when the failure was reported. */
  reportedAt: z.number(),
  /** The task (history.ts taskKeyOf) whose later failures fold into this entry. */
  task: z.optional(z.string().check(z.maxLength(400))),
  /** Failures folded into this entry, this one included; absent means 1. */
  count: z.optional(z.int().check(z.positive())),
});
export type FailureEntry = z.infer<typeof FailureEntrySchema>;

export const FailureInboxDataSchema = z.object({
  /** Newest first. */
  entries: z._default(z.array(FailureEntrySchema), () => []),
  /** Per server: unacknowledged failures dropped from `entries` by the bound. */
  overflow: z._default(z.record(z.string(), z.int().check(z.nonnegative())), () => ({})),
});
export type FailureInboxData = z.infer<typeof FailureInboxDataSchema>;

export const FAILURES_VERSION = 1;
export const FAILURES_FILE = 'failures.json';
export const FAILURE_INBOX_LIMIT = 500;

export function createFailureStore(
  storage: StoragePort,
  options: { clock?: Clock; logger?: Logger } = {},
): VersionedStore<FailureInboxData> {
  return new VersionedStore<FailureInboxData>({
    storage,
    name: FAILURES_FILE,
    schema: FailureInboxDataSchema,
    version: FAILURES_VERSION,
    migrations: {},
    defaults: () => ({ entries: [], overflow: {} }),
    ...options,
  });
}

export type FailureInboxChange =
  { kind: 'added'; keys: string[] } | { kind: 'acknowledged'; keys: string[] } | { kind: 'loaded'; keys: string[] };

export interface FailureInboxOptions {
  /** Null keeps the inbox in memory only (CLI without a state directory, tests). */
  store: VersionedStore<FailureInboxData> | null;
  limit?: number;
  logger?: Logger;
}

export class FailureInbox {
  private entries: FailureEntry[] = [];
  private overflowByServer = new Map<ServerId, number>();
  private readonly listeners = new Set<(change: FailureInboxChange) => void>();
  private readonly limit: number;
  private readonly logger: Logger;
  private saving: Promise<void> = Promise.resolve();
  private saveQueued = false;
  private lastSaveError: Error | null = null;

  constructor(private readonly options: FailureInboxOptions) {
    this.limit = Math.max(1, options.limit ?? FAILURE_INBOX_LIMIT);
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Reads the persisted inbox and merges it with anything added meanwhile. Returns the store's problem, if any
   * (the store has already recovered: last good copy or empty).
   */
  async load(): Promise<StoreProblem | null> {
    if (!this.options.store) return null;
    const { value, problem } = await this.options.store.load();
    const present = new Set(this.entries.map((e) => e.key));
    const loaded = value.entries.filter((e) => !present.has(e.key));
    for (const entry of loaded) this.insert(entry);
    for (const [server, n] of Object.entries(value.overflow)) {
      this.overflowByServer.set(server, (this.overflowByServer.get(server) ?? 0) + n);
    }
    this.enforceLimit();
    if (loaded.length > 0 || Object.keys(value.overflow).length > 0) {
      this.emit({ kind: 'loaded', keys: loaded.map((e) => e.key) });
    }
    return problem;
  }

  /**
   * Records a FAILED transition (other outcomes are ignored); a key already present is not added twice. With a
   * task, an unacknowledged failure of the same task on the same server is folded into the new entry.
   */
  add(transition: Transition, now: number, options: { task?: string } = {}): void {
    if (transition.to !== 'FAILED' || this.has(transition.key)) return;
    const task = options.task?.slice(0, 400);
    let count = 1;
    if (task !== undefined) {
      const earlier = this.entries.findIndex((e) => e.server === transition.server && e.task === task);
      if (earlier !== -1) {
        count = (this.entries[earlier]!.count ?? 1) + 1;
        this.entries.splice(earlier, 1);
      }
    }
    this.insert({
      ...(task !== undefined ? { task } : {}),
      ...(count > 1 ? { count } : {}),
      key: transition.key,
      server: transition.server,
      jobId: transition.jobId,
      method: transition.method,
      description: transition.description,
      error: transition.error === null ? null : transition.error.slice(0, ERROR_MAX),
      timeFinished: transition.timeFinished,
      reportedAt: now,
    });
    this.enforceLimit();
    this.changed({ kind: 'added', keys: [transition.key] });
  }

  acknowledge(key: string): boolean {
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => e.key !== key);
    if (this.entries.length === before) return false;
    this.changed({ kind: 'acknowledged', keys: [key] });
    return true;
  }

  /** Acknowledges every failure of one server, listed or overflowed; returns how many. */
  acknowledgeServer(server: ServerId): number {
    const keys = this.entries.filter((e) => e.server === server).map((e) => e.key);
    const overflow = this.overflowByServer.get(server) ?? 0;
    if (keys.length === 0 && overflow === 0) return 0;
    this.entries = this.entries.filter((e) => e.server !== server);
    this.overflowByServer.delete(server);
    this.changed({ kind: 'acknowledged', keys });
    return keys.length + overflow;
  }

  acknowledgeAll(): number {
    const total = this.count();
    if (total === 0) return 0;
    const keys = this.entries.map((e) => e.key);
    this.entries = [];
    this.overflowByServer.clear();
    this.changed({ kind: 'acknowledged', keys });
    return total;
  }

  has(key: string): boolean {
    return this.entries.some((e) => e.key === key);
  }

  /** Newest first (by report time). */
  list(): FailureEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** All unacknowledged failures, including those past the bound. */
  count(): number {
    let n = this.entries.length;
    for (const overflow of this.overflowByServer.values()) n += overflow;
    return n;
  }

  countFor(server: ServerId): number {
    return this.entries.filter((e) => e.server === server).length + (this.overflowByServer.get(server) ?? 0);
  }

  countByServer(): Record<ServerId, number> {
    const counts: Record<ServerId, number> = {};
    for (const e of this.entries) counts[e.server] = (counts[e.server] ?? 0) + 1;
    for (const [server, n] of this.overflowByServer) counts[server] = (counts[server] ?? 0) + n;
    return counts;
  }

  /** Unacknowledged failures no longer listed because of the bound (all servers, or one). */
  overflow(server?: ServerId): number {
    if (server !== undefined) return this.overflowByServer.get(server) ?? 0;
    let n = 0;
    for (const v of this.overflowByServer.values()) n += v;
    return n;
  }

  onChange(listener: (change: FailureInboxChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every change so far is on disk (or failed to get there: see `saveError`). */
  async flush(): Promise<void> {
    await this.saving;
  }

  /** The last failed save's error, cleared by the next successful one. Saves retry on the next change. */
  saveError(): Error | null {
    return this.lastSaveError;
  }

  private insert(entry: FailureEntry): void {
    // Newest first; an equal time goes before older inserts so "newest" also means "most recently reported".
    const at = this.entries.findIndex((e) => e.reportedAt <= entry.reportedAt);
    if (at === -1) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
  }

  private enforceLimit(): void {
    while (this.entries.length > this.limit) {
      const dropped = this.entries.pop();
      if (!dropped) break;
      this.overflowByServer.set(dropped.server, (this.overflowByServer.get(dropped.server) ?? 0) + 1);
    }
  }

  private changed(change: FailureInboxChange): void {
    this.scheduleSave();
    this.emit(change);
  }

  private emit(change: FailureInboxChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (err) {
        this.logger.error('failure inbox listener threw', { reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Coalesces: while one save runs, further changes queue a single follow-up save of the latest state. */
  private scheduleSave(): void {
    const store = this.options.store;
    if (!store || this.saveQueued) return;
    this.saveQueued = true;
    this.saving = this.saving.then(async () => {
      this.saveQueued = false;
      try {
        await store.save(this.snapshot());
        this.lastSaveError = null;
      } catch (err) {
        this.lastSaveError = err instanceof Error ? err : new Error(String(err));
        this.logger.error('failure inbox not saved', { reason: this.lastSaveError.message });
      }
    });
  }

  private snapshot(): FailureInboxData {
    return { entries: this.entries.map((e) => ({ ...e })), overflow: Object.fromEntries(this.overflowByServer) };
  }
}
