/**
 * Folds the monitor's raw deltas into at most one message per interval (10 per second by default), whatever
 * the event rate: a cloud sync's progress every second on ten servers must not become a render storm.
 * Merging is keyed by identity, so a flushed batch says exactly what the raw deltas said, minus the churn.
 */
import type { FailureView, JobView, MonitorDelta, NotificationView, ServerView } from '../core/view';

export const DEFAULT_BATCH_INTERVAL_MS = 100;

class PendingDelta {
  readonly upserts = new Map<string, JobView>();
  readonly removals = new Set<string>();
  readonly servers = new Map<string, ServerView>();
  readonly removedServers = new Set<string>();
  failures: FailureView[] | undefined;
  readonly notifications: NotificationView[] = [];
  pausedUntil: number | null | undefined;
  empty = true;

  add(delta: MonitorDelta): void {
    this.empty = false;
    for (const key of delta.removals) {
      this.upserts.delete(key);
      this.removals.add(key);
    }
    for (const job of delta.upserts) {
      // A job removed and then seen again in the same batch is an upsert, not a removal.
      this.removals.delete(job.key);
      this.upserts.set(job.key, job);
    }
    for (const id of delta.removedServers ?? []) {
      this.servers.delete(id);
      this.removedServers.add(id);
    }
    for (const server of delta.servers ?? []) {
      this.removedServers.delete(server.id);
      this.servers.set(server.id, server);
    }
    // The monitor sends the whole failure list each time; the latest one wins.
    if (delta.failures !== undefined) this.failures = delta.failures;
    if (delta.notifications) this.notifications.push(...delta.notifications);
    if (delta.pausedUntil !== undefined) this.pausedUntil = delta.pausedUntil;
  }

  toDelta(): MonitorDelta {
    const delta: MonitorDelta = { upserts: [...this.upserts.values()], removals: [...this.removals] };
    if (this.servers.size > 0) delta.servers = [...this.servers.values()];
    if (this.removedServers.size > 0) delta.removedServers = [...this.removedServers];
    if (this.failures !== undefined) delta.failures = this.failures;
    if (this.notifications.length > 0) delta.notifications = this.notifications;
    if (this.pausedUntil !== undefined) delta.pausedUntil = this.pausedUntil;
    return delta;
  }
}

export interface DeltaBatcherOptions {
  intervalMs?: number;
  now?: () => number;
  send: (delta: MonitorDelta) => void;
}

export class DeltaBatcher {
  private pending = new PendingDelta();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: DeltaBatcherOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  push(delta: MonitorDelta): void {
    this.pending.add(delta);
    if (this.timer) return;
    // The first change after a quiet spell goes out at once; later ones wait for the interval to pass.
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Drops whatever is pending: the window is about to get a full snapshot that already holds it. */
  discard(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = new PendingDelta();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.empty) return;
    const delta = this.pending.toDelta();
    this.pending = new PendingDelta();
    this.lastSentAt = this.now();
    this.options.send(delta);
  }

  dispose(): void {
    this.discard();
  }
}
