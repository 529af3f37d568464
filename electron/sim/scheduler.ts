/**
 * The simulated server's own schedulers: cron (rsync, cloud sync, cloud backup, scrub) and zettarepl (periodic
 * snapshots, replications), on the simulator's clock in its time zone. At each due time a task's run starts as the
 * real server starts it (truenas/middleware, src/middlewared/middlewared/):
 * - `etc_files/cron.d/middlewared.mako`: only enabled tasks that are not locked get a cron line;
 *   `midclt call rsynctask.run <id>` / `cloudsync.sync <id>` / `cloud_backup.sync <id>` / `pool.scrub.run <pool>
 *   <threshold>` as root over the unix socket (so the job's credentials are UNIX_SOCKET until midclt exits).
 * - `plugins/pool_/scrub.py` (≤ 25.10): `pool.scrub.run` starts the job `pool.scrub.scrub [pool]` only when the last
 *   scrub is at least threshold − 1 days old; 26+ always runs the job `zpool.scrub.run [{pool_name, threshold}]`,
 *   which returns at once when the threshold is not met (`plugins/zpool/scrub.py`).
 * - `plugins/zettarepl.py`: a periodic snapshot makes no job, only a new `state` {FINISHED, datetime}; a replication
 *   runs on its schedule within begin–end, or, with `auto` and no schedule, right after one of its snapshot tasks;
 *   its run is the internal job `replication.run [id, false]`.
 * No cron runs while the middleware is down (a restart): `midclt` cannot reach it.
 */
import { Cron } from 'croner';
import type { SimTask, SimTasks } from './tasks';
import type { JobSpec, SimClock, SimTaskSpec } from './types';
import { traits } from './versions';
import type { SimVersion } from './types';

const DAY_MS = 86_400_000;

export interface SchedulerHost {
  version: SimVersion;
  timezone: string;
  clock: SimClock;
  /** Server time (the simulator's clock plus its skew). */
  now(): number;
  /** The middleware is down (restart or failover in progress). */
  down(): boolean;
  startJob(spec: JobSpec): number;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map((p) => Number.parseInt(p, 10));
  return (h ?? 0) * 60 + (m ?? 0);
}

function localMinutes(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(
    new Date(ms),
  );
  const get = (type: string) => Number.parseInt(parts.find((p) => p.type === type)?.value ?? '0', 10);
  return get('hour') * 60 + get('minute');
}

export class SimScheduler {
  private readonly timers = new Map<SimTask, unknown>();
  private stopped = false;

  constructor(
    private readonly tasks: SimTasks,
    private readonly host: SchedulerHost,
  ) {}

  start(): void {
    for (const task of this.tasks.tasks) if (this.scheduled(task)) this.arm(task);
  }

  /** Adds a task while running (replacing one of the same kind and id) and arms it. */
  add(spec: SimTaskSpec): void {
    const previous = this.tasks.find(spec.kind, spec.id);
    if (previous) {
      const handle = this.timers.get(previous);
      if (handle !== undefined) this.host.clock.clearTimeout(handle);
      this.timers.delete(previous);
    }
    const task = this.tasks.add(spec);
    if (task && this.scheduled(task)) this.arm(task);
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.timers.values()) this.host.clock.clearTimeout(handle);
    this.timers.clear();
  }

  /** Whether the task runs on a clock of its own (the others never, or after their snapshot tasks). */
  private scheduled(task: SimTask): boolean {
    const { spec } = task;
    if (!(spec.enabled ?? true) || (spec.locked ?? false) || !task.schedule) return false;
    if (spec.kind === 'replication') return spec.auto ?? true;
    return true;
  }

  private cron(task: SimTask): Cron {
    const s = task.schedule!;
    const zettarepl = task.spec.kind === 'snapshot' || task.spec.kind === 'replication';
    // cron ANDs the day fields when either starts with "*"; croniter (zettarepl) only when one is exactly "*".
    const and = zettarepl ? s.dom === '*' || s.dow === '*' : s.dom.startsWith('*') || s.dow.startsWith('*');
    return new Cron(`${s.minute} ${s.hour} ${s.dom} ${s.month} ${s.dow}`, { timezone: this.host.timezone, domAndDow: and, mode: '5-part' });
  }

  private arm(task: SimTask): void {
    if (this.stopped) return;
    const now = this.host.now();
    const next = this.cron(task).nextRun(new Date(now));
    if (!next) return;
    const handle = this.host.clock.setTimeout(() => {
      this.timers.delete(task);
      this.fire(task, next.getTime());
      this.arm(task);
    }, next.getTime() - now);
    this.timers.set(task, handle);
  }

  private inWindow(task: SimTask, at: number): boolean {
    const s = task.schedule!;
    if (!s.begin || !s.end) return true;
    const t = localMinutes(at, this.host.timezone);
    const begin = minutesOf(s.begin);
    const end = minutesOf(s.end);
    return begin <= end ? t >= begin && t <= end : t >= begin || t <= end;
  }

  private fire(task: SimTask, dueAt: number): void {
    const zettarepl = task.spec.kind === 'snapshot' || task.spec.kind === 'replication';
    if (zettarepl && !this.inWindow(task, dueAt)) return;
    if (this.host.down()) return;
    if (task.skipsLeft > 0) {
      task.skipsLeft -= 1;
      return;
    }
    this.run(task);
  }

  /** One run of the task, as its scheduler starts it. */
  run(task: SimTask): void {
    const { spec } = task;
    const now = this.host.now();
    const cronStarted = { startedBy: { username: 'root', type: 'UNIX_SOCKET', detach: 'queued' as const } };
    const outcome = {
      durationMs: spec.durationMs ?? 2000,
      ...(spec.outcome ? { outcome: spec.outcome } : {}),
      ...(spec.error ? { error: spec.error } : {}),
    };
    switch (spec.kind) {
      case 'snapshot': {
        task.state = { state: 'FINISHED', datetime: now };
        // Replications bound to this snapshot task, with `auto` and no schedule, run after it.
        for (const r of this.tasks.tasks) {
          if (r.spec.kind !== 'replication' || r.schedule !== null || !(r.spec.auto ?? true) || !(r.spec.enabled ?? true)) continue;
          if ((r.spec.snapshotTaskIds ?? []).includes(spec.id)) this.run(r);
        }
        return;
      }
      case 'replication':
        task.state = { state: 'RUNNING', datetime: now };
        task.lastJobId = this.host.startJob({ method: 'replication.run', arguments: [spec.id, false], logs: true, ...outcome });
        return;
      case 'cloudsync':
        task.lastJobId = this.host.startJob({
          method: 'cloudsync.sync',
          arguments: [spec.id],
          abortable: true,
          logs: true,
          finalPercent: 100,
          ...outcome,
          ...cronStarted,
        });
        return;
      case 'cloud_backup':
        task.lastJobId = this.host.startJob({
          method: 'cloud_backup.sync',
          arguments: [spec.id],
          abortable: true,
          logs: true,
          ...outcome,
          ...cronStarted,
        });
        return;
      case 'rsync':
        task.lastJobId = this.host.startJob({ method: 'rsynctask.run', arguments: [spec.id], logs: true, ...outcome, ...cronStarted });
        return;
      case 'scrub':
        this.scrub(task, now, outcome);
        return;
    }
  }

  private scrub(task: SimTask, now: number, outcome: Partial<JobSpec>): void {
    const pool = task.spec.name ?? 'tank';
    const threshold = task.spec.thresholdDays ?? 35;
    const due = task.lastScrubAt === null || now - task.lastScrubAt >= (threshold - 1) * DAY_MS;
    if (traits(this.host.version).scrubRunJob) {
      // 26+: the job always runs; it returns at once when the last scrub is too recent.
      task.lastJobId = this.host.startJob({
        method: 'zpool.scrub.run',
        arguments: [{ pool_name: pool, threshold }],
        ...(due ? { ...outcome, progress: [{ percent: 50, description: 'Scrub in progress' }] } : { durationMs: 100 }),
      });
    } else {
      if (!due) return;
      task.lastJobId = this.host.startJob({
        method: 'pool.scrub.scrub',
        arguments: [pool],
        description: `Scrub of pool '${pool}'`,
        ...outcome,
        progress: [{ percent: 50, description: 'Scrubbing' }],
      });
    }
    if (due) task.lastScrubAt = now;
  }
}

export type { SimTaskSpec };
