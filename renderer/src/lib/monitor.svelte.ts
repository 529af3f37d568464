/**
 * The window's copy of the monitor: the snapshot it got on subscribe, kept current by the coalesced deltas.
 * Jobs live in a raw (non-deep) Map that is replaced on each delta: with thousands of jobs, one new Map per
 * batch is far cheaper than deep reactive proxies, and the derived lists recompute once per batch.
 */
import type {
  FailureView,
  JobView,
  JobwatchApi,
  MonitorDelta,
  MonitorSnapshot,
  NotificationView,
  ServerView,
} from '../../../electron/ipc/contract';
import { ProgressRates } from './progress-rate';

const NOTIFICATIONS_KEPT = 50;

export type LoadState = 'loading' | 'ready' | 'failed';

export class MonitorState {
  servers = $state.raw<ServerView[]>([]);
  jobs = $state.raw<ReadonlyMap<string, JobView>>(new Map());
  failures = $state.raw<FailureView[]>([]);
  notifications = $state.raw<NotificationView[]>([]);
  pausedUntil = $state<number | null>(null);
  load = $state<LoadState>('loading');
  loadError = $state<string | null>(null);

  /** Observed progress, for estimated time left. Not reactive: read when the clock ticks. */
  readonly rates = new ProgressRates();

  readonly unacknowledged = $derived(this.failures.length);
  readonly serverById = $derived(new Map(this.servers.map((s) => [s.id, s])));
  readonly allOffline = $derived(this.servers.length > 0 && this.servers.every((s) => s.state !== 'live'));

  private pending: MonitorDelta[] | null = null;
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly api: JobwatchApi,
    private readonly now: () => number = Date.now,
  ) {}

  /** Listens first, then asks for the snapshot; deltas that arrive meanwhile are applied after it. */
  async connect(): Promise<void> {
    this.pending = [];
    this.stops.push(
      this.api.onSnapshot((snapshot) => this.applySnapshot(snapshot)),
      this.api.onDelta((delta) => {
        if (this.pending) this.pending.push(delta);
        else this.applyDelta(delta);
      }),
    );
    try {
      const snapshot = await this.api.subscribe();
      this.applySnapshot(snapshot);
      this.load = 'ready';
    } catch (err) {
      this.load = 'failed';
      this.loadError = err instanceof Error ? err.message : String(err);
      this.pending = null;
    }
  }

  disconnect(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  applySnapshot(snapshot: MonitorSnapshot): void {
    const buffered = this.pending ?? [];
    this.pending = null;
    this.servers = snapshot.servers;
    const jobs = new Map<string, JobView>();
    const at = this.now();
    for (const job of snapshot.jobs) {
      jobs.set(job.key, job);
      if (job.state === 'RUNNING') this.rates.record(job.key, job.percent, at);
    }
    this.rates.retain(new Set(jobs.keys()));
    this.jobs = jobs;
    this.failures = sortFailures(snapshot.failures);
    this.notifications = snapshot.notifications;
    this.pausedUntil = snapshot.pausedUntil;
    this.load = 'ready';
    for (const delta of buffered) this.applyDelta(delta);
  }

  applyDelta(delta: MonitorDelta): void {
    if (delta.servers || delta.removedServers) {
      const byId = new Map(this.servers.map((s) => [s.id, s]));
      for (const server of delta.servers ?? []) byId.set(server.id, server);
      for (const id of delta.removedServers ?? []) byId.delete(id);
      this.servers = [...byId.values()];
    }
    if (delta.upserts.length > 0 || delta.removals.length > 0 || delta.removedServers?.length) {
      const jobs = new Map(this.jobs);
      const at = this.now();
      for (const job of delta.upserts) {
        jobs.set(job.key, job);
        if (job.state === 'RUNNING') this.rates.record(job.key, job.percent, at);
        else this.rates.forget(job.key);
      }
      for (const key of delta.removals) {
        jobs.delete(key);
        this.rates.forget(key);
      }
      const removedServers = new Set(delta.removedServers ?? []);
      if (removedServers.size > 0) for (const [key, job] of jobs) if (removedServers.has(job.server)) jobs.delete(key);
      this.jobs = jobs;
    }
    // Failures come as the whole current list when they change; notifications as the new ones only.
    if (delta.failures) this.failures = sortFailures(delta.failures);
    if (delta.notifications?.length) this.notifications = [...delta.notifications, ...this.notifications].slice(0, NOTIFICATIONS_KEPT);
    if (delta.pausedUntil !== undefined) this.pausedUntil = delta.pausedUntil;
  }

  /**
   * Which server a job belongs to, from the fields the contract sends with it (the job's, a failure's, a
   * notification's job reference): the key's format is the core's business, never parsed here.
   */
  serverOfJob(key: string): string | null {
    const job = this.jobs.get(key);
    if (job) return job.server;
    const failure = this.failures.find((f) => f.key === key);
    if (failure) return failure.server;
    for (const notification of this.notifications) {
      const index = notification.jobs.indexOf(key);
      if (index >= 0) return notification.jobRefs?.[index]?.server ?? notification.server;
    }
    return null;
  }

  serverName(id: string): string {
    return this.serverById.get(id)?.name ?? id;
  }
}

/** Newest first. */
function sortFailures(failures: FailureView[]): FailureView[] {
  return [...failures].sort((a, b) => (b.timeFinished ?? b.reportedAt) - (a.timeFinished ?? a.reportedAt));
}
