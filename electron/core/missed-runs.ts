/**
 * Missed scheduled runs of one server: reads its task definitions after each login and on a slow refresh, keeps
 * the runs it sees in the job list and the intervals it was watching (server time), and judges every due time once
 * the tolerance has passed. A due time without a run becomes a `missed-run` insight only when Jobwatch was
 * watching the whole time; otherwise "could not check". Disabled and locked tasks, replications started by their
 * snapshot tasks, manual ones and scrubs skipped for their threshold are never due.
 *
 * Tasks whose runs are no jobs (periodic snapshots: `pool.snapshottask.run` only asks zettarepl, on every version;
 * `plugins/snapshot.py` run, `plugins/zettarepl.py`), or whose jobs this account cannot see, leave evidence only in
 * their definition (`state.datetime`, the `job` field). Their kind is read again soon after each due time's
 * tolerance, so they are judged then rather than at the next slow refresh.
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
  TASK_KINDS,
  type TaskCall,
  taskReadText,
  type TaskReadNote,
  type TaskReadProblem,
  type TaskDefinition,
  type TaskKind,
} from './task-definitions';
import { JobwatchError, type ErrorCode } from './errors';
import { english, type Translator } from './i18n/i18n';
import { problemText } from './i18n/status';
import type { ScheduleView } from './view';
import { taskKeyOf } from './history';

export interface MissedRunTimings {
  /**
   * How long after its due time a run may start and still count. Default 10 min (the user's
   * `notifications.missedRunToleranceMin` when the watch is given `toleranceMs`). A schedule that fires more often
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
  /**
   * Least time between two reads of one kind made for a due time (definition-only evidence). Default 30 s, so a
   * task due every minute costs one extra query a minute, never a burst.
   */
  rereadGapMs: number;
}

export const DEFAULT_MISSED_RUN_TIMINGS: MissedRunTimings = {
  toleranceMs: 10 * 60_000,
  minToleranceMs: 30_000,
  earlyMs: 30_000,
  refreshMs: 15 * 60_000,
  checkMs: 10_000,
  rereadGapMs: 30_000,
};

/** The job each kind of task runs as (a snapshot task runs none: named by its manual method). */
const RUN_METHODS: Readonly<Record<TaskKind, string>> = {
  snapshot: 'pool.snapshottask.run',
  replication: 'replication.run',
  cloudsync: 'cloudsync.sync',
  cloud_backup: 'cloud_backup.sync',
  rsync: 'rsynctask.run',
  scrub: 'pool.scrub.scrub',
};

/** The task as every insight names it: the method its runs are and the task id (`replication.run [2]`; scrubs by pool). */
export function taskNameOf(task: Pick<TaskDefinition, 'kind' | 'id' | 'poolName'>): { task: string; method: string } {
  const method = RUN_METHODS[task.kind];
  return { task: taskKeyOf(method, [task.kind === 'scrub' && task.poolName ? task.poolName : task.id]), method };
}

/** A stretch Jobwatch was not watching the server (server ms); null ends: before it first watched, or until now. */
export interface NotWatching {
  from: number | null;
  to: number | null;
}

/**
 * One judged stretch of a schedule that did not run, as the monitor, the window and NDJSON get it: "missed" (the
 * monitor makes it a `missed-run` insight) or "could not check" (Jobwatch was not watching: no fault of the server,
 * so never an insight).
 */
export interface ScheduleCheck {
  /** "missed": no run and Jobwatch was watching. "could-not-check": Jobwatch was not watching all that time. */
  outcome: 'missed' | 'could-not-check';
  server: ServerId;
  /** The same string every insight names its task by: the method its runs are and the task id ("replication.run [2]"). */
  task: string;
  /** That method (`pool.snapshottask.run` for a periodic snapshot task, which runs as no job). */
  method: string;
  taskKind: TaskKind;
  taskId: number;
  /** What a person calls it (description, dataset, path or pool). */
  name: string;
  /** The (first) due time, server ms; `lastDueAt` the last one folded into this one. */
  dueAt: number;
  lastDueAt: number;
  count: number;
  /** The cron expression, with the begin–end window when it has one. */
  schedule: string;
  timezone: string;
  toleranceMs: number;
  /** The task's last run known to Jobwatch before the due time, server ms. */
  lastRunAt: number | null;
  /** could-not-check: the stretch Jobwatch was not watching (server ms); null for missed. */
  notWatching: NotWatching | null;
  /** For people: what happened and what to do (could-not-check: "Jobwatch was not watching from … to …"). */
  message: string;
  /** When Jobwatch decided (desktop ms). */
  ts: number;
}

/**
 * What keeps the schedule check from checking something, as data: worded by scheduleNoteText in the reader's
 * language. Kinds that could not be read for the same reason make one note.
 */
export type ScheduleNote =
  | { note: 'read-error'; code: ErrorCode | null; detail: string }
  | { note: 'no-time-zone' }
  | { note: 'tasks-unread'; problem: TaskReadProblem; kinds: TaskKind[] }
  | { note: 'rejected'; count: number }
  | { note: 'bad-schedule'; taskKind: TaskKind; name: string; pattern: string; zone: string; detail: string };

/** What the server view can say about schedule checks. */
export interface ScheduleCheckStatus {
  /** Tasks whose schedules are being checked. */
  checkedTasks: number;
  timezone: string | null;
  /** Clear notes for the person (kinds the account may not read, no time zone, a bad schedule), in English. */
  notes: string[];
  /** The same notes as data, for other languages (scheduleViewOf). */
  noteItems: ScheduleNote[];
  /** Due times judged so far, by verdict. */
  judged: Record<DueVerdict, number>;
  /** Server time up to which due times have been judged (the earliest over all tasks), or null. */
  checkedThrough: number | null;
  /** The latest "could not check" stretches, newest last (at most MAX_GAPS_KEPT). */
  couldNotCheck: ScheduleCheck[];
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
  /** Every judged stretch that did not run: missed or could not check. */
  onCheck: (check: ScheduleCheck) => void;
  onStatus?: (status: ScheduleCheckStatus) => void;
  timings?: Partial<MissedRunTimings>;
  /** The user's tolerance (ms), asked at each check; `timings.toleranceMs` (tests, the CLI flag) wins over it. */
  toleranceMs?: () => number;
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
/** "Could not check" stretches kept for the window. */
export const MAX_GAPS_KEPT = 20;

function scheduleText(s: CronSchedule): string {
  const cron = `${s.minute} ${s.hour} ${s.dom} ${s.month} ${s.dow}`;
  return s.begin && s.end && !(s.begin === '00:00' && s.end === '23:59') ? `${cron} (between ${s.begin} and ${s.end})` : cron;
}

/** Dates in notes and messages: English as the core has always written them (en-GB: "2 Dec 2026, 01:00"). */
const DATE_LOCALES: Readonly<Record<Translator['language'], string>> = { en: 'en-GB', de: 'de-DE' };

function timeIn(ms: number, zone: string, t: Translator = english): string {
  try {
    return new Intl.DateTimeFormat(DATE_LOCALES[t.language], { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(
      new Date(ms),
    );
  } catch {
    return new Date(ms).toISOString();
  }
}

/** 'Cloud sync "nightly"' in `t`'s language. */
function taskLabel(kind: TaskKind, name: string, t: Translator): string {
  return t('schedules.task', { kind: t(`schedules.kindNames.${kind}`), name });
}

/** A schedule note in `t`'s language. */
export function scheduleNoteText(note: ScheduleNote, t: Translator = english): string {
  switch (note.note) {
    case 'read-error': {
      // In English the error's own message, as ever; elsewhere what its code means (the server's words kept).
      const reason = note.code === null || t.language === 'en' ? note.detail : problemText({ code: note.code, message: note.detail }, t);
      return t('schedules.readError', { reason });
    }
    case 'no-time-zone':
      return t('schedules.noTimeZone');
    case 'tasks-unread':
      return taskReadText(note.problem, note.kinds, t);
    case 'rejected':
      return t('schedules.rejected', { count: note.count });
    case 'bad-schedule':
      return t('schedules.badSchedule', {
        task: taskLabel(note.taskKind, note.name, t),
        pattern: note.pattern,
        zone: note.zone,
        detail: note.detail,
      });
  }
}

/** Read notes of several kinds merged, one per problem, kinds in TASK_KINDS order. */
function mergedReadNotes(notes: readonly TaskReadNote[]): ScheduleNote[] {
  const problems: TaskReadProblem[] = ['not-allowed', 'unreadable', 'not-a-list'];
  return problems.flatMap((problem): ScheduleNote[] => {
    const kinds = TASK_KINDS.filter((kind) => notes.some((n) => n.problem === problem && n.kind === kind));
    return kinds.length > 0 ? [{ note: 'tasks-unread', problem, kinds }] : [];
  });
}

/** What a judged stretch says (`ScheduleCheck.message`), in `t`'s language. */
export function scheduleCheckText(
  check: Pick<
    ScheduleCheck,
    'outcome' | 'taskKind' | 'name' | 'dueAt' | 'lastDueAt' | 'count' | 'timezone' | 'toleranceMs' | 'notWatching'
  >,
  t: Translator = english,
): string {
  const { count, timezone: zone } = check;
  const task = taskLabel(check.taskKind, check.name, t);
  const time = timeIn(check.dueAt, zone, t);
  const from = time;
  const to = timeIn(check.lastDueAt, zone, t);
  if (check.outcome === 'missed') {
    const tolerance =
      check.toleranceMs >= 60_000
        ? t('duration.minutes', { count: Math.round(check.toleranceMs / 60_000) })
        : t('duration.seconds', { count: Math.round(check.toleranceMs / 1000) });
    return t('schedules.missed', { count, task, time, zone, tolerance, from, to });
  }
  const gap = check.notWatching ?? { from: null, to: null };
  const gapFrom = gap.from === null ? null : timeIn(gap.from, zone, t);
  const gapTo = gap.to === null ? null : timeIn(gap.to, zone, t);
  const reason =
    gapFrom !== null
      ? gapTo !== null
        ? t('schedules.notWatching.fromTo', { from: gapFrom, to: gapTo, zone })
        : t('schedules.notWatching.from', { from: gapFrom, zone })
      : gapTo !== null
        ? t('schedules.notWatching.beforeStartTo', { to: gapTo, zone })
        : t('schedules.notWatching.beforeStart', { zone });
  return t('schedules.couldNotCheck', { count, task, time, from, to, reason });
}

interface Fold {
  first: number;
  last: number;
  count: number;
}

function badScheduleNote(task: TaskDefinition, zone: string, err: ScheduleError): ScheduleNote {
  return { note: 'bad-schedule', taskKind: task.kind, name: task.name, pattern: err.pattern, zone: err.zone || zone, detail: err.detail };
}

function extend(fold: Fold | null, at: number): Fold {
  return fold ? { first: fold.first, last: at, count: fold.count + 1 } : { first: at, last: at, count: 1 };
}

/**
 * What the window is shown of a server's schedule check (bounded as ScheduleViewSchema says), its notes and
 * messages in `t`'s language.
 */
export function scheduleViewOf(status: ScheduleCheckStatus, t: Translator = english): ScheduleView {
  const notes = t.language === 'en' ? status.notes : status.noteItems.map((n) => scheduleNoteText(n, t));
  return {
    checkedTasks: status.checkedTasks,
    timezone: status.timezone,
    notes: notes.slice(0, 40).map((n) => n.slice(0, 1000)),
    couldNotCheck: status.couldNotCheck.slice(-MAX_GAPS_KEPT).map((g) => ({
      task: g.task.slice(0, 400),
      name: g.name.slice(0, 200),
      dueAt: g.dueAt,
      lastDueAt: g.lastDueAt,
      count: g.count,
      notWatchingFrom: g.notWatching?.from ?? null,
      notWatchingTo: g.notWatching?.to ?? null,
      timezone: g.timezone,
      message: (t.language === 'en' ? g.message : scheduleCheckText(g, t)).slice(0, 1000),
    })),
  };
}

/**
 * The stretch Jobwatch was not watching that left a due time `at` (and its tolerance after it) uncovered: from the
 * end of the last watched interval starting at or before `at` (null: none) to the start of the next one (null:
 * none yet). `watched` is sorted and disjoint, so that one gap is the one reaching into the tolerance.
 */
export function notWatchingAround(watched: readonly Interval[], at: number): NotWatching {
  let last = -1;
  for (let i = 0; i < watched.length && watched[i]!.from <= at; i++) last = i;
  const next = watched[last + 1];
  return { from: last >= 0 ? watched[last]!.to : null, to: next ? next.from : null };
}

export class MissedRunWatch {
  private readonly timings: MissedRunTimings;
  private readonly runs = new Map<string, TaskRun[]>();
  private tasks = new Map<string, TaskState>();
  private watched: Interval[] = [];
  /**
   * Desktop time the session went live, or null while not live. Kept on the desktop clock: the server's clock
   * offset is often learnt (system.info) only after going live, and the start must move with it.
   */
  private liveSince: number | null = null;
  private timezone: string | null = null;
  private serverClockOffsetMs: number | null = null;
  /** Server time of the last successful read of each kind's definitions. */
  private readonly readAt = new Map<TaskKind, number>();
  /** Server time a kind was last read again for a due time (definition-only evidence). */
  private readonly rereadAt = new Map<TaskKind, number>();
  private zoneNote: ScheduleNote | null = null;
  private readNotes: TaskReadNote[] = [];
  private readonly rejected = new Map<TaskKind, number>();
  private badSchedules: ScheduleNote[] = [];
  private readError: ScheduleNote | null = null;
  private readonly judged: Record<DueVerdict, number> = { ran: 0, missed: 0, 'could-not-check': 0, skipped: 0 };
  private readonly gaps: ScheduleCheck[] = [];
  private checkTimer: ReturnType<typeof setInterval> | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private reading: Promise<void> | null = null;
  private readingGeneration = -1;
  /** The read under way is of every kind (a refresh), not only of some. */
  private readingAll = false;
  /** Kinds to read again once the read under way ends. */
  private readonly pendingKinds = new Set<TaskKind>();
  private generation = 0;

  constructor(private readonly options: MissedRunWatchOptions) {
    this.timings = { ...DEFAULT_MISSED_RUN_TIMINGS, ...options.timings };
  }

  private clockOffsetMs(): number {
    return this.serverClockOffsetMs ?? this.options.sessionClockOffsetMs();
  }

  private serverNow(): number {
    return this.options.now() - this.clockOffsetMs();
  }

  /** Server time the session went live, on the best clock offset known now. */
  private get liveFrom(): number | null {
    return this.liveSince === null ? null : this.liveSince - this.clockOffsetMs();
  }

  /** The configured tolerance: an explicit timing (tests, `jobwatch watch --missed-run-tolerance`), else the user's. */
  private configuredToleranceMs(): number {
    const explicit = this.options.timings?.toleranceMs;
    if (explicit !== undefined) return explicit;
    const chosen = this.options.toleranceMs?.();
    return chosen !== undefined && Number.isFinite(chosen) && chosen > 0 ? chosen : DEFAULT_MISSED_RUN_TIMINGS.toleranceMs;
  }

  /** The session is live (signed in, jobs loaded): start watching, read the definitions, judge. */
  live(): void {
    if (this.liveSince !== null) return;
    const generation = ++this.generation;
    this.liveSince = this.options.now();
    this.checkTimer = setInterval(() => this.check(), this.timings.checkMs);
    this.refreshTimer = setInterval(() => void this.refresh(generation), this.timings.refreshMs);
    void this.refresh(generation);
  }

  /** The session is no longer live: what happens from now on cannot be told as "missed". */
  notLive(): void {
    const liveFrom = this.liveFrom;
    if (liveFrom === null) return;
    this.generation += 1;
    this.watched = addInterval(this.watched, liveFrom, this.serverNow());
    this.liveSince = null;
    this.pendingKinds.clear();
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

  private notes(): ScheduleNote[] {
    const notes: ScheduleNote[] = [];
    if (this.readError) notes.push(this.readError);
    if (this.zoneNote) notes.push(this.zoneNote);
    notes.push(...mergedReadNotes(this.readNotes));
    let rejected = 0;
    for (const n of this.rejected.values()) rejected += n;
    if (rejected > 0) notes.push({ note: 'rejected', count: rejected });
    notes.push(...this.badSchedules);
    return notes;
  }

  status(): ScheduleCheckStatus {
    let checkedThrough: number | null = null;
    let checkedTasks = 0;
    for (const state of this.tasks.values()) {
      if (!this.isDue(state.task)) continue;
      checkedTasks += 1;
      checkedThrough = checkedThrough === null ? state.checkedUntil : Math.min(checkedThrough, state.checkedUntil);
    }
    const noteItems = this.notes();
    return {
      checkedTasks,
      timezone: this.timezone,
      notes: noteItems.map((n) => scheduleNoteText(n)),
      noteItems,
      judged: { ...this.judged },
      checkedThrough,
      couldNotCheck: [...this.gaps],
    };
  }

  stop(): void {
    this.notLive();
  }

  /** Reads every kind's definitions (once at a time), then judges. */
  refresh(generation = this.generation): Promise<void> {
    if (this.reading) {
      // A read started for an earlier connection is discarded when it ends, and a read of some kinds is not a
      // refresh: read again after it.
      return this.readingGeneration === generation && this.readingAll ? this.reading : this.reading.then(() => this.refresh(generation));
    }
    return this.startRead(generation, null);
  }

  /** Reads some kinds again (after the read under way, if any): evidence only their definitions carry. */
  private reread(kinds: readonly TaskKind[]): void {
    if (kinds.length === 0) return;
    if (this.reading) {
      for (const kind of kinds) this.pendingKinds.add(kind);
      return;
    }
    void this.startRead(this.generation, kinds);
  }

  private startRead(generation: number, kinds: readonly TaskKind[] | null): Promise<void> {
    this.readingGeneration = generation;
    this.readingAll = kinds === null;
    const reading = this.read(generation, kinds).finally(() => {
      if (this.reading === reading) this.reading = null;
      if (this.reading === null && this.pendingKinds.size > 0 && this.liveFrom !== null) {
        const next = [...this.pendingKinds];
        this.pendingKinds.clear();
        void this.startRead(this.generation, next);
      }
    });
    this.reading = reading;
    return reading;
  }

  /** `kinds` null: every kind and the server's clock; else only those kinds' definitions. */
  private async read(generation: number, kinds: readonly TaskKind[] | null): Promise<void> {
    try {
      const clock = kinds === null ? await readServerClock(this.options.call, this.options.now) : null;
      const read = await readTaskDefinitions(this.options.call, kinds ?? undefined);
      if (generation !== this.generation) return;
      if (clock) {
        if (clock.clockOffsetMs !== null) this.serverClockOffsetMs = clock.clockOffsetMs;
        this.timezone = clock.timezone;
      }
      const now = this.serverNow();
      const readKinds = new Set(kinds ?? TASK_KINDS);
      const next = new Map<string, TaskState>();
      for (const [key, state] of this.tasks) if (!readKinds.has(state.task.kind)) next.set(key, state);
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
      const noted = new Set(read.notes.map((n) => n.kind));
      for (const kind of readKinds) {
        this.rejected.set(kind, read.rejectedByKind[kind] ?? 0);
        if (!noted.has(kind)) this.readAt.set(kind, now);
      }
      this.readNotes = [...this.readNotes.filter((n) => !readKinds.has(n.kind)), ...read.notes];
      this.zoneNote = this.timezone === null && [...this.tasks.values()].some((t) => this.isDue(t.task)) ? { note: 'no-time-zone' } : null;
      this.readError = null;
      this.check();
    } catch (err) {
      if (generation !== this.generation) return;
      if (err instanceof JobwatchError && (err.code === 'CONNECTION_CLOSED' || err.code === 'TIMEOUT')) return;
      this.readError = {
        note: 'read-error',
        code: err instanceof JobwatchError ? err.code : null,
        detail: err instanceof Error ? err.message : String(err),
      };
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
    const liveFrom = this.liveFrom;
    if (liveFrom === null || this.timezone === null) {
      this.emitStatus();
      return;
    }
    const zone = this.timezone;
    const now = this.serverNow();
    const watched = addInterval(this.watched, liveFrom, now);
    const { earlyMs } = this.timings;
    const badSchedules: ScheduleNote[] = [];
    const toReread = new Set<TaskKind>();
    for (const state of this.tasks.values()) {
      const { task } = state;
      if (!this.isDue(task) || !task.schedule) continue;
      let toleranceMs: number;
      try {
        toleranceMs = this.toleranceFor(task, zone, state.checkedUntil);
      } catch (err) {
        if (!(err instanceof ScheduleError)) throw err;
        badSchedules.push(badScheduleNote(task, zone, err));
        continue;
      }
      const seesRuns = this.seesRuns(task);
      // Evidence that only the definition carries is as fresh as the last read of its kind.
      const readAt = this.readAt.get(task.kind) ?? now;
      const horizon = (seesRuns ? now : Math.min(now, readAt)) - toleranceMs;
      if (!seesRuns && this.wantsReread(task, zone, Math.max(state.checkedUntil, horizon), now - toleranceMs, now)) toReread.add(task.kind);
      if (horizon <= state.checkedUntil) continue;
      let due;
      try {
        due = dueTimes(task.schedule, zone, task.dayRule, state.checkedUntil, horizon, MAX_DUE_PER_CHECK);
      } catch (err) {
        if (err instanceof ScheduleError) {
          badSchedules.push(badScheduleNote(task, zone, err));
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
      this.report(task, judgements, runs, zone, toleranceMs, watched);
    }
    this.badSchedules = badSchedules.slice(0, 20);
    for (const kind of toReread) this.rereadAt.set(kind, now);
    this.reread([...toReread]);
    this.emitStatus();
  }

  /**
   * Whether a definition-only task has a due time in (after, until] whose tolerance has passed since its kind was
   * last read, and its kind was not read again for one lately.
   */
  private wantsReread(task: TaskDefinition, zone: string, after: number, until: number, now: number): boolean {
    if (!(until > after)) return false;
    const last = this.rereadAt.get(task.kind);
    if (last !== undefined && now - last < this.timings.rereadGapMs) return false;
    try {
      return dueTimes(task.schedule!, zone, task.dayRule, after, until, 64).times.length > 0;
    } catch {
      return false; // told as a bad schedule by the check
    }
  }

  /** The configured tolerance, or half the schedule's shortest period near `from` when that is shorter (bounded below). */
  private toleranceFor(task: TaskDefinition, zone: string, from: number): number {
    const toleranceMs = this.configuredToleranceMs();
    const { minToleranceMs } = this.timings;
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
    watched: readonly Interval[],
  ): void {
    // Consecutive "could not check" times fold into one; so do the missed ones past the cap.
    const fold: { gap: Fold | null; overflow: Fold | null } = { gap: null, overflow: null };
    const context = { runs, zone, toleranceMs, watched };
    const flushGap = () => {
      const gap = fold.gap;
      if (gap) this.emit(task, 'could-not-check', gap, context);
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
      if (missed <= MAX_MISSED_PER_CHECK) this.emit(task, 'missed', { first: j.dueAt, last: j.dueAt, count: 1 }, context);
      else fold.overflow = extend(fold.overflow, j.dueAt);
    }
    flushGap();
    const overflow = fold.overflow;
    if (overflow) this.emit(task, 'missed', overflow, context);
  }

  private emit(
    task: TaskDefinition,
    outcome: ScheduleCheck['outcome'],
    fold: Fold,
    context: { runs: readonly TaskRun[]; zone: string; toleranceMs: number; watched: readonly Interval[] },
  ): void {
    const { runs, zone, toleranceMs, watched } = context;
    const { first: dueAt, last: lastDueAt, count } = fold;
    let lastRunAt = task.lastRunAt !== null && task.lastRunAt < dueAt ? task.lastRunAt : null;
    for (const r of runs) if (r.startedAt < dueAt && (lastRunAt === null || r.startedAt > lastRunAt)) lastRunAt = r.startedAt;
    const schedule = scheduleText(task.schedule!);
    let notWatching: NotWatching | null = null;
    if (outcome === 'could-not-check') {
      const head = notWatchingAround(watched, dueAt);
      const tail = count === 1 ? head : notWatchingAround(watched, lastDueAt);
      notWatching = { from: head.from, to: tail.to };
    }
    const message = scheduleCheckText({
      outcome,
      taskKind: task.kind,
      name: task.name,
      dueAt,
      lastDueAt,
      count,
      timezone: zone,
      toleranceMs,
      notWatching,
    });
    const check: ScheduleCheck = {
      outcome,
      server: this.options.server,
      ...taskNameOf(task),
      taskKind: task.kind,
      taskId: task.id,
      name: task.name,
      dueAt,
      lastDueAt,
      count,
      schedule,
      timezone: zone,
      toleranceMs,
      lastRunAt,
      notWatching,
      message,
      ts: this.options.now(),
    };
    if (outcome === 'could-not-check') {
      this.gaps.push(check);
      if (this.gaps.length > MAX_GAPS_KEPT) this.gaps.splice(0, this.gaps.length - MAX_GAPS_KEPT);
    }
    this.options.onCheck(check);
  }

  private emitStatus(): void {
    this.options.onStatus?.(this.status());
  }
}
