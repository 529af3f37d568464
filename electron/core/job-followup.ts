/**
 * Keeps jobs from going quiet unnoticed on a server where the account is not a full admin.
 *
 * Such an account loses sight of a job when the connection that started it closes (25.10+: see server-access.ts):
 * no further event, and the job is no longer listed. Without help the window would show it RUNNING forever, or
 * drop it silently at the next reconnect. So, for restricted accounts only:
 * - A job RUNNING/WAITING with no event for `silenceMs` is looked up by id (`core.get_jobs [['id','=',ID]]`), about
 *   once per `lookupIntervalMs` (jittered to ¾–1¼), at most `maxFollowed` jobs per server. A listed job with the same
 *   identity (id, method, time_started: ids restart with the middleware) is fed to the job book, which reports its
 *   end exactly once through the ledger; lookups stop when it has ended, or when events come again.
 * - A job the lookup no longer finds is dropped from the book and reported once through `onLost`: it is hidden from
 *   this account (or gone), and its outcome cannot be known here.
 * - A job missing from a reconnect snapshot is reported through `onLost` too, unless the middleware restarted — then
 *   no job the book knew is listed any more (ids restart at 1), and the job is simply gone.
 * A full admin sees every job: silence is then only a job without progress, and nothing is looked up.
 */
import type { CollectionEvent } from './protocol/connection';
import type { Job } from './model';
import { isTerminal } from './model';
import type { BookUpdate, JobEntry } from './jobs';
import { parseJobFields } from './protocol/job-schema';

export interface FollowupTimings {
  /** A restricted account's running job without an event this long is looked up. */
  silenceMs: number;
  /** About this long between two lookups of one job (jittered to ¾–1¼). */
  lookupIntervalMs: number;
  /** Jobs followed at once per server. */
  maxFollowed: number;
}

export const DEFAULT_FOLLOWUP_TIMINGS: FollowupTimings = { silenceMs: 60_000, lookupIntervalMs: 45_000, maxFollowed: 20 };

/** The slice of the job book the follow-up needs: reading entries and applying server data as events. */
export interface FollowupBook {
  jobs(): readonly JobEntry[];
  get(key: string): JobEntry | undefined;
  applyEvent(event: CollectionEvent): BookUpdate;
}

export interface FollowupOptions {
  book: FollowupBook;
  /** A call on the live connection. */
  call: (method: string, params: unknown[]) => Promise<unknown>;
  /** Changes the lookups made to the book (upserts, removals, transitions). */
  onUpdate: (update: BookUpdate) => void;
  /** A job this account lost sight of before it ended; reported once per job. */
  onLost: (job: Job) => void;
  timings?: Partial<FollowupTimings>;
  now?: () => number;
  random?: () => number;
}

const COLLECTION = 'core.get_jobs';

interface Followed {
  id: number;
  nextAt: number;
}

export class JobFollowup {
  private readonly timings: FollowupTimings;
  private readonly now: () => number;
  private readonly random: () => number;
  /** Last event or snapshot per job key (not lookups: they do not prove events arrive). */
  private readonly lastHeard = new Map<string, number>();
  private readonly followed = new Map<string, Followed>();
  private readonly lost = new Set<string>();
  private restricted = false;
  private active = false;
  /** Bumped on start/stop so a lookup answered on an older connection is ignored. */
  private generation = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;

  constructor(private readonly options: FollowupOptions) {
    this.timings = { ...DEFAULT_FOLLOWUP_TIMINGS, ...options.timings };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Whether the signed-in account is restricted (from auth.me after each login; unknown counts as not). */
  setRestricted(restricted: boolean): void {
    this.restricted = restricted;
  }

  /** The session is live (again): start watching. */
  start(): void {
    this.stop();
    this.active = true;
    const now = this.now();
    for (const entry of this.options.book.jobs()) if (!this.lastHeard.has(entry.key)) this.lastHeard.set(entry.key, now);
    this.schedule();
  }

  /** The connection is gone: lookups would fail, and the next snapshot reconciles. */
  stop(): void {
    this.active = false;
    this.generation += 1;
    this.followed.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get followedCount(): number {
    return this.followed.size;
  }

  /**
   * An update from the session: an event (`previous` null), or a snapshot, with `previous` = `listedJobs()` taken
   * just before it was applied; the snapshot's removals of running jobs mean they are no longer listed.
   */
  heard(update: BookUpdate, previous: ReadonlyMap<string, Job> | null): void {
    const now = this.now();
    for (const entry of update.upserts) {
      this.lastHeard.set(entry.key, now);
      this.followed.delete(entry.key);
    }
    for (const key of update.removals) {
      this.lastHeard.delete(key);
      this.followed.delete(key);
    }
    if (previous && this.restricted) {
      // A middleware restart lists none of the jobs we knew; otherwise a running job not listed is hidden from us.
      const restarted = previous.size > 0 && !update.upserts.some((e) => e.onServer && previous.has(e.key));
      if (!restarted) {
        for (const key of update.removals) {
          const job = previous.get(key);
          if (job && !isTerminal(job.state)) this.reportLost(key, job);
        }
      }
    }
  }

  /** The jobs the book holds as listed by the server, by key (taken before a snapshot is applied). */
  listedJobs(): Map<string, Job> {
    const out = new Map<string, Job>();
    for (const entry of this.options.book.jobs()) {
      if (entry.onServer) out.set(entry.key, entry.job);
    }
    return out;
  }

  private reportLost(key: string, job: Job): void {
    if (this.lost.has(key)) return;
    this.lost.add(key);
    if (this.lost.size > 1000) this.lost.delete(this.lost.values().next().value!);
    this.options.onLost(job);
  }

  private jitter(): number {
    return Math.floor(this.timings.lookupIntervalMs * (0.75 + 0.5 * this.random()));
  }

  private schedule(): void {
    if (!this.active || !this.restricted) return;
    if (this.timer) clearTimeout(this.timer);
    // Checking for silence needs no server call; a few times per silence period is precise enough.
    const every = Math.max(250, Math.min(this.timings.silenceMs, this.timings.lookupIntervalMs) / 4);
    this.timer = setTimeout(() => void this.tick(), every);
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.active || this.busy) return this.schedule();
    this.busy = true;
    const generation = this.generation;
    try {
      const now = this.now();
      for (const entry of this.options.book.jobs()) {
        if (this.followed.size >= this.timings.maxFollowed) break;
        if (!entry.onServer || isTerminal(entry.job.state) || this.followed.has(entry.key)) continue;
        const heard = this.lastHeard.get(entry.key) ?? now;
        if (!this.lastHeard.has(entry.key)) this.lastHeard.set(entry.key, now);
        if (now - heard >= this.timings.silenceMs) this.followed.set(entry.key, { id: entry.job.id, nextAt: now });
      }
      for (const [key, followed] of [...this.followed]) {
        if (generation !== this.generation) return;
        if (followed.nextAt > this.now()) continue;
        await this.lookup(key, followed, generation);
      }
    } finally {
      this.busy = false;
      if (generation === this.generation) this.schedule();
    }
  }

  private async lookup(key: string, followed: Followed, generation: number): Promise<void> {
    let reply: unknown;
    try {
      reply = await this.options.call(COLLECTION, [[['id', '=', followed.id]]]);
    } catch {
      followed.nextAt = this.now() + this.jitter();
      return;
    }
    if (generation !== this.generation || !this.followed.has(key)) return;
    const entry = this.options.book.get(key);
    if (!entry || !entry.onServer || isTerminal(entry.job.state)) {
      this.followed.delete(key);
      return;
    }
    const listed = Array.isArray(reply) ? (reply as unknown[]).slice(0, 10).find((raw) => sameJob(raw, entry.job)) : undefined;
    if (listed !== undefined) {
      const update = this.options.book.applyEvent({
        msg: 'changed',
        collection: COLLECTION,
        id: followed.id,
        fields: listed as Record<string, unknown>,
      });
      this.options.onUpdate(update);
      const after = this.options.book.get(key);
      if (!after || isTerminal(after.job.state)) this.followed.delete(key);
      else followed.nextAt = this.now() + this.jitter();
      return;
    }
    // Not listed (or the id now belongs to another job): this account cannot see it any more.
    this.followed.delete(key);
    this.lastHeard.delete(key);
    const update = this.options.book.applyEvent({ msg: 'removed', collection: COLLECTION, id: followed.id, fields: undefined });
    this.options.onUpdate(update);
    this.reportLost(key, entry.job);
  }
}

/** The same job: id, method and start time match (ids restart at 1 after a middleware restart). */
function sameJob(raw: unknown, job: Job): boolean {
  const parsed = parseJobFields(raw);
  if (!parsed.ok) return false;
  const { patch } = parsed;
  return patch.id === job.id && patch.method === job.method && (patch.timeStarted ?? null) === job.timeStarted;
}
