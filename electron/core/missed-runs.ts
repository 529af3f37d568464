/**
 * Missed scheduled runs of one server: reads its task definitions after each login and on a slow refresh, keeps
 * the runs it sees in the job list and the intervals it was watching (server time), and judges every due time once
 * the tolerance has passed. A due time without a run becomes a `missed-run` insight only when Jobwatch was
 * watching the whole time; otherwise "could not check". Disabled and locked tasks, replications started by their
 * snapshot tasks, manual ones and scrubs skipped for their threshold are never due.
 */
import { isActiveState, type Job, type ServerId } from './model';
import {
  addInterval,
  dueTimes,
  judgeDueTimes,
  ScheduleError,
  type CronSchedule,
  type DueVerdict,
  type Interval,
  type TaskRun,
} from './schedules';
import {
  readServerClock,
  readTaskDefinitions,
  runKeyOfTask,
  runsVisibleTo,
  taskRunKey,
  type TaskCall,
  type TaskDefinition,
  type TaskKind,
} from './task-definitions';
import { JobwatchError } from './errors';

export interface MissedRunTimings {
  /**
   * How long after its due time a run may start and still count. Default 10 min. A schedule that fires more often
   * gets half its period instead (at least `minToleranceMs`): cron and zettarepl start a run (a job, WAITING when
   * queued behind the last one) at the due time, so the next due time is the latest a late run could be told apart.
   */
  toleranceMs: number;
  /** Default 30 s. */
  minToleranceMs: number;
  /** How long before it (clock jitter). Default 30 s. */
  earlyMs: number;
  /** How often the definitions are read again. Default 15 min. */
  refreshMs: number;
  /** How often due times are judged. Default 10 s. */
  checkMs: number;
}

export const DEFAULT_MISSED_RUN_TIMINGS: MissedRunTimings = {
  toleranceMs: 10 * 60_000,
  minToleranceMs: 30_000,
  earlyMs: 30_000,
  refreshMs: 15 * 60_000,
  checkMs: 10_000,
};

/** A missed run (or a stretch that could not be checked), as the monitor, rules and NDJSON get it. */
export interface MissedRunInsight {
  type: 'insight';
  kind: 'missed-run';
  /** "missed": no run and Jobwatch was watching. "could-not-check": Jobwatch was not watching all that time. */
  outcome: 'missed' | 'could-not-check';
  server: ServerId;
  task: { key: string; kind: TaskKind; id: number; name: string };
  /** The (first) due time, server ms; `lastDueAt` the last one folded into this insight. */
  dueAt: number;
  lastDueAt: number;
  count: number;
  schedule: string;
  timezone: string;
  toleranceMs: number;
  /** The task's last run known to Jobwatch before the due time, server ms. */
  lastRunAt: number | null;
  /** For people: what happened and what to do. */
  message: string;
  /** When Jobwatch decided (desktop ms). */
  ts: number;
}

/** What the server view can say about schedule checks. */
export interface ScheduleCheckStatus {
  /** Tasks whose schedules are being checked. */
  checkedTasks: number;
  timezone: string | null;
  /** Clear notes for the person (kinds the account may not read, no time zone, a bad schedule). */
  notes: string[];
  /** Due times judged so far, by verdict. */
  judged: Record<DueVerdict, number>;
  /** Server time up to which due times have been judged (the earliest over all tasks), or null. */
  checkedThrough: number | null;
}

export interface MissedRunWatchOptions {
  server: ServerId;
  call: TaskCall;
  /** Desktop clock. */
  now: () => number;
  /** The session's estimate of desktop minus server clock, used until `system.info` has told it. */
  sessionClockOffsetMs: () => number;
  /** The account's roles when it is not a full admin; null for a full admin (or unknown: treated as limited). */
  restrictedRoles: () => readonly string[] | null;
  onInsight: (insight: MissedRunInsight) => void;
  onStatus?: (status: ScheduleCheckStatus) => void;
  timings?: Partial<MissedRunTimings>;
}

interface TaskState {
  task: TaskDefinition;
  signature: string;
  /** Due times up to here (server ms) are judged. */
  checkedUntil: number;
}

const MAX_RUNS_PER_TASK = 64;
const MAX_RUN_KEYS = 2000;
const MAX_MISSED_PER_CHECK = 20;
const MAX_DUE_PER_CHECK = 2000;

function scheduleText(s: CronSchedule): string {
  const cron = `${s.minute} ${s.hour} ${s.dom} ${s.month} ${s.dow}`;
  return s.begin && s.end && !(s.begin === '00:00' && s.end === '23:59') ? `${cron} (between ${s.begin} and ${s.end})` : cron;
}

const KIND_NAMES: Readonly<Record<TaskKind, string>> = {
  snapshot: 'Periodic snapshot',
  replication: 'Replication',
  cloudsync: 'Cloud sync',
  cloud_backup: 'Cloud backup',
  rsync: 'Rsync task',
  scrub: 'Scrub',
};

function timeIn(ms: number, zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
  } catch {
    return new Date(ms).toISOString();
  }
}

interface Fold {
  first: number;
  last: number;
  count: number;
}

function extend(fold: Fold | null, at: number): Fold {
  return fold ? { first: fold.first, last: at, count: fold.count + 1 } : { first: at, last: at, count: 1 };
}

export class MissedRunWatch {
  private readonly timings: MissedRunTimings;
  private readonly runs = new Map<string, TaskRun[]>();
  private tasks = new Map<string, TaskState>();
  private watched: Interval[] = [];
  private liveFrom: number | null = null;
  private timezone: string | null = null;
  private serverClockOffsetMs: number | null = null;
  /** Server time of the last successful read of the definitions. */
  private readAt: number | null = null;
  private notes: string[] = [];
  private readonly judged: Record<DueVerdict, number> = { ran: 0, missed: 0, 'could-not-check': 0, skipped: 0 };
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private reading: Promise<void> | null = null;
  private readingGeneration = -1;
  private generation = 0;

  constructor(private readonly options: MissedRunWatchOptions) {
    this.timings = { ...DEFAULT_MISSED_RUN_TIMINGS, ...options.timings };
  }

  private serverNow(): number {
    return this.options.now() - (this.serverClockOffsetMs ?? this.options.sessionClockOffsetMs());
  }

  /** The session is live (signed in, jobs loaded): start watching, read the definitions, judge. */
  live(): void {
    if (this.liveFrom !== null) return;
    const generation = ++this.generation;
    this.liveFrom = this.serverNow();
    this.checkTimer = setInterval(() => this.check(), this.timings.checkMs);
    this.refreshTimer = setInterval(() => void this.refresh(generation), this.timings.refreshMs);
    void this.refresh(generation);
  }

  /** The session is no longer live: what happens from now on cannot be told as "missed". */
  notLive(): void {
    if (this.liveFrom === null) return;
    this.generation += 1;
    this.watched = addInterval(this.watched, this.liveFrom, this.serverNow());
    this.liveFrom = null;
    if (this.checkTimer) clearInterval(this.checkTimer);
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.checkTimer = null;
    this.refreshTimer = null;
  }

  /** A job seen in a snapshot or an event: filed as a run of its task, if it is one. */
  observe(job: Pick<Job, 'method' | 'arguments' | 'timeStarted' | 'timeFinished' | 'state'>): void {
    if (job.timeStarted === null) return;
    const key = taskRunKey(job.method, job.arguments);
    if (!key) return;
    let list = this.runs.get(key);
    if (!list) {
      if (this.runs.size >= MAX_RUN_KEYS) {
        const oldest = this.runs.keys().next().value;
        if (oldest !== undefined) this.runs.delete(oldest);
      }
      list = [];
      this.runs.set(key, list);
    }
    const finishedAt = isActiveState(job.state) ? null : (job.timeFinished ?? job.timeStarted);
    const existing = list.find((r) => r.startedAt === job.timeStarted);
    if (existing) {
      existing.finishedAt = finishedAt;
      return;
    }
    list.push({ startedAt: job.timeStarted, finishedAt });
    if (list.length > MAX_RUNS_PER_TASK) {
      list.sort((a, b) => a.startedAt - b.startedAt);
      list.splice(0, list.length - MAX_RUNS_PER_TASK);
    }
  }

  status(): ScheduleCheckStatus {
    let checkedThrough: number | null = null;
    let checkedTasks = 0;
    for (const state of this.tasks.values()) {
      if (!this.isDue(state.task)) continue;
      checkedTasks += 1;
      checkedThrough = checkedThrough === null ? state.checkedUntil : Math.min(checkedThrough, state.checkedUntil);
    }
    return { checkedTasks, timezone: this.timezone, notes: [...this.notes], judged: { ...this.judged }, checkedThrough };
  }

  stop(): void {
    this.notLive();
  }

  /** Reads the definitions (once at a time), then judges. */
  refresh(generation = this.generation): Promise<void> {
    if (this.reading) {
      // A read started for an earlier connection is discarded when it ends: read again after it.
      return this.readingGeneration === generation ? this.reading : this.reading.then(() => this.refresh(generation));
    }
    this.readingGeneration = generation;
    const reading = this.read(generation).finally(() => {
      if (this.reading === reading) this.reading = null;
    });
    this.reading = reading;
    return reading;
  }

  private async read(generation: number): Promise<void> {
    try {
      const clock = await readServerClock(this.options.call, this.options.now);
      const read = await readTaskDefinitions(this.options.call);
      if (generation !== this.generation) return;
      if (clock.clockOffsetMs !== null) this.serverClockOffsetMs = clock.clockOffsetMs;
      this.timezone = clock.timezone;
      const now = this.serverNow();
      const notes = read.notes.map((n) => n.message);
      if (this.timezone === null && read.tasks.some((t) => this.isDue(t))) {
        notes.unshift(
          "This account may not read the server's time zone (system.general.config or system.info), so missed scheduled runs are not checked. Give it SYSTEM_GENERAL_READ or READONLY_ADMIN to have them checked.",
        );
      }
      if (read.rejected > 0) notes.push(`${read.rejected} task definition(s) had an unexpected shape and are not checked.`);
      const next = new Map<string, TaskState>();
      for (const task of read.tasks) {
        const signature = JSON.stringify([
          task.enabled,
          task.locked,
          task.trigger,
          task.schedule,
          task.dayRule,
          task.thresholdDays,
          task.poolName,
          this.timezone,
        ]);
        const previous = this.tasks.get(task.key);
        // A new or changed schedule is judged from now on: times before it was known here are not its own.
        const checkedUntil = previous && previous.signature === signature ? previous.checkedUntil : now;
        next.set(task.key, { task, signature, checkedUntil });
      }
      this.tasks = next;
      this.notes = notes;
      this.readAt = now;
      this.check();
    } catch (err) {
      if (generation !== this.generation) return;
      if (err instanceof JobwatchError && (err.code === 'CONNECTION_CLOSED' || err.code === 'TIMEOUT')) return;
      this.notes = [
        `The task definitions could not be read (${err instanceof Error ? err.message : String(err)}); Jobwatch tries again later.`,
      ];
      this.emitStatus();
    }
  }

  private isDue(task: TaskDefinition): boolean {
    return task.enabled && !task.locked && task.trigger === 'schedule' && task.schedule !== null;
  }

  /** Whether this account sees every run of the task as a job; if not, only the definition's "last run" tells. */
  private seesRuns(task: TaskDefinition): boolean {
    if (task.kind === 'snapshot') return false; // zettarepl's snapshots are no jobs
    const roles = this.options.restrictedRoles();
    return roles === null || runsVisibleTo(task.kind, roles);
  }

  /** Judges every due time whose tolerance has passed. */
  check(): void {
    if (this.liveFrom === null || this.timezone === null) {
      this.emitStatus();
      return;
    }
    const zone = this.timezone;
    const now = this.serverNow();
    const watched = addInterval(this.watched, this.liveFrom, now);
    const { earlyMs } = this.timings;
    const badSchedules: string[] = [];
    for (const state of this.tasks.values()) {
      const { task } = state;
      if (!this.isDue(task) || !task.schedule) continue;
      let toleranceMs: number;
      try {
        toleranceMs = this.toleranceFor(task, zone, state.checkedUntil);
      } catch (err) {
        if (!(err instanceof ScheduleError)) throw err;
        badSchedules.push(`${KIND_NAMES[task.kind]} "${task.name}": ${err.message}`);
        continue;
      }
      const seesRuns = this.seesRuns(task);
      // Evidence that only the definition carries is as fresh as the last read.
      const horizon = (seesRuns ? now : Math.min(now, this.readAt ?? now)) - toleranceMs;
      if (horizon <= state.checkedUntil) continue;
      let due;
      try {
        due = dueTimes(task.schedule, zone, task.dayRule, state.checkedUntil, horizon, MAX_DUE_PER_CHECK);
      } catch (err) {
        if (err instanceof ScheduleError) {
          badSchedules.push(`${KIND_NAMES[task.kind]} "${task.name}": ${err.message}`);
          state.checkedUntil = horizon;
          continue;
        }
        throw err;
      }
      const runs = seesRuns ? (this.runs.get(runKeyOfTask(task)) ?? []) : [];
      const judgements = judgeDueTimes({
        due: due.times,
        runs,
        watched,
        toleranceMs,
        earlyMs,
        latestRunAt: task.lastRunAt,
        scrubThresholdDays: task.kind === 'scrub' ? task.thresholdDays : null,
      });
      state.checkedUntil = due.scannedUntil;
      this.report(task, judgements, runs, zone, toleranceMs);
    }
    if (badSchedules.length > 0) this.notes = [...this.notes.filter((n) => !badSchedules.includes(n)), ...badSchedules].slice(-20);
    this.emitStatus();
  }

  /** The configured tolerance, or half the schedule's shortest period near `from` when that is shorter (bounded below). */
  private toleranceFor(task: TaskDefinition, zone: string, from: number): number {
    const { toleranceMs, minToleranceMs } = this.timings;
    const next = dueTimes(task.schedule!, zone, task.dayRule, from, from + 2 * toleranceMs, 4).times;
    let period = Number.POSITIVE_INFINITY;
    for (let i = 1; i < next.length; i++) period = Math.min(period, next[i]! - next[i - 1]!);
    return Math.min(toleranceMs, Math.max(Math.min(minToleranceMs, toleranceMs), period / 2));
  }

  private report(
    task: TaskDefinition,
    judgements: ReturnType<typeof judgeDueTimes>,
    runs: readonly TaskRun[],
    zone: string,
    toleranceMs: number,
  ): void {
    // Consecutive "could not check" times fold into one insight; so do the missed ones past the cap.
    const fold: { gap: Fold | null; overflow: Fold | null } = { gap: null, overflow: null };
    const flushGap = () => {
      const gap = fold.gap;
      if (gap) this.emit(task, 'could-not-check', gap.first, gap.last, gap.count, runs, zone, toleranceMs);
      fold.gap = null;
    };
    let missed = 0;
    for (const j of judgements) {
      this.judged[j.verdict] += 1;
      if (j.verdict === 'could-not-check') {
        fold.gap = extend(fold.gap, j.dueAt);
        continue;
      }
      flushGap();
      if (j.verdict !== 'missed') continue;
      missed += 1;
      if (missed <= MAX_MISSED_PER_CHECK) this.emit(task, 'missed', j.dueAt, j.dueAt, 1, runs, zone, toleranceMs);
      else fold.overflow = extend(fold.overflow, j.dueAt);
    }
    flushGap();
    const overflow = fold.overflow;
    if (overflow) this.emit(task, 'missed', overflow.first, overflow.last, overflow.count, runs, zone, toleranceMs);
  }

  private emit(
    task: TaskDefinition,
    outcome: MissedRunInsight['outcome'],
    dueAt: number,
    lastDueAt: number,
    count: number,
    runs: readonly TaskRun[],
    zone: string,
    toleranceMs: number,
  ): void {
    let lastRunAt = task.lastRunAt !== null && task.lastRunAt < dueAt ? task.lastRunAt : null;
    for (const r of runs) if (r.startedAt < dueAt && (lastRunAt === null || r.startedAt > lastRunAt)) lastRunAt = r.startedAt;
    const schedule = scheduleText(task.schedule!);
    const what = `${KIND_NAMES[task.kind]} "${task.name}"`;
    const when = timeIn(dueAt, zone);
    const tolerance = toleranceMs >= 60_000 ? `${Math.round(toleranceMs / 60_000)} min` : `${Math.round(toleranceMs / 1000)} s`;
    const message =
      outcome === 'missed'
        ? count === 1
          ? `${what} was due at ${when} (${zone}) and did not start within ${tolerance}. Check the task and the server's alerts in the TrueNAS web interface.`
          : `${what} missed ${count} scheduled runs from ${when} to ${timeIn(lastDueAt, zone)} (${zone}). Check the task and the server's alerts in the TrueNAS web interface.`
        : count === 1
          ? `Could not check whether ${what} ran at ${when} (${zone}): Jobwatch was not connected to the server then.`
          : `Could not check ${count} scheduled runs of ${what} from ${when} to ${timeIn(lastDueAt, zone)} (${zone}): Jobwatch was not connected to the server then.`;
    this.options.onInsight({
      type: 'insight',
      kind: 'missed-run',
      outcome,
      server: this.options.server,
      task: { key: task.key, kind: task.kind, id: task.id, name: task.name },
      dueAt,
      lastDueAt,
      count,
      schedule,
      timezone: zone,
      toleranceMs,
      lastRunAt,
      message,
      ts: this.options.now(),
    });
  }

  private emitStatus(): void {
    this.options.onStatus?.(this.status());
  }
}
