/**
 * When a scheduled task should have run, and whether it did: pure functions over server time (ms since the epoch
 * on the NAS clock), the server's time zone, the runs seen and the intervals Jobwatch was watching.
 *
 * Cron expressions are expanded by croner in the server's zone. The day-of-month/day-of-week rule differs by
 * scheduler: Debian's (Vixie) cron ORs the two fields only when neither starts with "*" (so "*\/2" with a weekday
 * ANDs them); zettarepl and the middleware's own checks use croniter, which ORs them unless one is exactly "*".
 */
import { Cron } from 'croner';

export interface CronSchedule {
  minute: string;
  hour: string;
  dom: string;
  month: string;
  dow: string;
  /** zettarepl's window, "HH:MM" in the server's zone, both ends included (`plugins/zettarepl.py` zettarepl_schedule). */
  begin?: string;
  end?: string;
}

export type DayRule = 'vixie' | 'croniter';

export interface Interval {
  from: number;
  to: number;
}

/** A run of a task as seen in the job list: start and end in server time (end null while it runs or when unknown). */
export interface TaskRun {
  startedAt: number;
  finishedAt: number | null;
}

export type DueVerdict =
  /** A run started near the due time, or one was still running then (cron queues or merges the new call). */
  | 'ran'
  /** Nothing started within the tolerance, and Jobwatch was watching all that time. */
  | 'missed'
  /** Nothing seen, but Jobwatch was not watching the whole time: no conclusion. */
  | 'could-not-check'
  /** The server skips this run on purpose (a scrub whose last run is recent). */
  | 'skipped';

export interface DueJudgement {
  dueAt: number;
  verdict: DueVerdict;
}

/** A bad expression or time zone: the task cannot be checked. Its parts let the message be worded in any language. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly pattern: string = '',
    readonly zone: string = '',
    /** What the cron library said (its own words). */
    readonly detail: string = message,
  ) {
    super(message);
  }
}

function domAndDow(schedule: CronSchedule, rule: DayRule): boolean {
  if (rule === 'vixie') return schedule.dom.startsWith('*') || schedule.dow.startsWith('*');
  return schedule.dom === '*' || schedule.dow === '*';
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map((p) => Number.parseInt(p, 10));
  return (h ?? 0) * 60 + (m ?? 0);
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();
/** Minutes since local midnight in `zone` at `ms`. */
function localMinutes(ms: number, zone: string): number {
  let format = zoneFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    if (zoneFormats.size > 64) zoneFormats.clear();
    zoneFormats.set(zone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(new Date(ms))) {
    if (part.type === 'hour') hour = Number.parseInt(part.value, 10);
    else if (part.type === 'minute') minute = Number.parseInt(part.value, 10);
  }
  return hour * 60 + minute;
}

/** Whether `ms` falls in the schedule's begin–end window (a window with begin after end wraps past midnight). */
export function inWindow(schedule: CronSchedule, ms: number, zone: string): boolean {
  if (!schedule.begin || !schedule.end) return true;
  const begin = minutesOf(schedule.begin);
  const end = minutesOf(schedule.end);
  const t = localMinutes(ms, zone);
  return begin <= end ? t >= begin && t <= end : t >= begin || t <= end;
}

export function compileSchedule(schedule: CronSchedule, zone: string, rule: DayRule): Cron {
  const pattern = [schedule.minute, schedule.hour, schedule.dom, schedule.month, schedule.dow].join(' ');
  try {
    return new Cron(pattern, { timezone: zone, domAndDow: domAndDow(schedule, rule), mode: '5-part' });
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new ScheduleError(`The schedule "${pattern}" in time zone ${zone} could not be read: ${detail}`, pattern, zone, detail);
  }
}

export interface DueTimes {
  times: number[];
  /** More matches than `limit` were scanned: times after `scannedUntil` were not looked at. */
  truncated: boolean;
  /** Everything up to here was looked at (untilMs unless truncated). */
  scannedUntil: number;
}

/**
 * The due times in (afterMs, untilMs], in order. At most `limit` candidate times are scanned (window misses
 * included), so a schedule that fires every minute across a long gap costs bounded work.
 */
export function dueTimes(schedule: CronSchedule, zone: string, rule: DayRule, afterMs: number, untilMs: number, limit = 2000): DueTimes {
  const times: number[] = [];
  if (!(untilMs > afterMs)) return { times, truncated: false, scannedUntil: afterMs };
  const cron = compileSchedule(schedule, zone, rule);
  let cursor = new Date(afterMs);
  for (let scanned = 0; scanned < limit; scanned++) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > untilMs) return { times, truncated: false, scannedUntil: untilMs };
    const at = next.getTime();
    if (inWindow(schedule, at, zone)) times.push(at);
    cursor = next;
  }
  return { times, truncated: true, scannedUntil: cursor.getTime() };
}

/** Adds `[from, to]` to sorted, disjoint intervals, merging overlaps; keeps at most `max` (the newest). */
export function addInterval(intervals: Interval[], from: number, to: number, max = 256): Interval[] {
  if (!(to >= from)) return intervals;
  const out: Interval[] = [];
  let merged: Interval = { from, to };
  let placed = false;
  for (const iv of intervals) {
    if (iv.to < merged.from) out.push(iv);
    else if (iv.from > merged.to) {
      if (!placed) {
        out.push(merged);
        placed = true;
      }
      out.push(iv);
    } else merged = { from: Math.min(iv.from, merged.from), to: Math.max(iv.to, merged.to) };
  }
  if (!placed) out.push(merged);
  return out.length > max ? out.slice(out.length - max) : out;
}

/** Whether [from, to] lies inside one interval (intervals sorted and disjoint). */
export function covered(intervals: readonly Interval[], from: number, to: number): boolean {
  // Binary search for the last interval starting at or before `from`.
  let lo = 0;
  let hi = intervals.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[mid]!.from <= from) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found >= 0 && intervals[found]!.to >= to;
}

export interface JudgeOptions {
  /** Due times, ascending. */
  due: readonly number[];
  /** Runs of the task, any order. */
  runs: readonly TaskRun[];
  /** When Jobwatch was watching this server (server time), sorted and disjoint. */
  watched: readonly Interval[];
  /** How long after the due time a run may start and still count. */
  toleranceMs: number;
  /** How long before it (clock jitter between cron and the time Jobwatch computes; whole-second dates). */
  earlyMs: number;
  /**
   * Evidence that only tells the latest run (a snapshot task's `state.datetime`, a task's last `job`): a due time
   * at or before it counts as run, since earlier runs cannot be told apart.
   */
  latestRunAt?: number | null;
  /** Scrubs: skipped on purpose while the last scrub is under `thresholdDays - 1` days old (`plugins/pool_/scrub.py`). */
  scrubThresholdDays?: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Judges each due time. Linear in due times plus runs (after sorting the runs): one pass with a pointer into the
 * runs sorted by start, carrying the latest end of the runs started so far.
 */
export function judgeDueTimes(options: JudgeOptions): DueJudgement[] {
  const { due, watched, toleranceMs, earlyMs } = options;
  const runs = [...options.runs].sort((a, b) => a.startedAt - b.startedAt);
  const latest = options.latestRunAt ?? null;
  const threshold = options.scrubThresholdDays ?? null;
  const out: DueJudgement[] = [];
  let next = 0; // first run not yet started before the current window
  let lastStartBefore: number | null = null; // latest start of the runs before the window
  let activeUntil = Number.NEGATIVE_INFINITY; // latest end of those runs (Infinity while one runs)
  for (const dueAt of due) {
    const windowFrom = dueAt - earlyMs;
    const windowTo = dueAt + toleranceMs;
    while (next < runs.length && runs[next]!.startedAt < windowFrom) {
      const run = runs[next]!;
      lastStartBefore = run.startedAt;
      activeUntil = Math.max(activeUntil, run.finishedAt ?? Number.POSITIVE_INFINITY);
      next += 1;
    }
    const startedInWindow = next < runs.length && runs[next]!.startedAt <= windowTo;
    if (startedInWindow || activeUntil >= dueAt || (latest !== null && latest >= windowFrom)) {
      out.push({ dueAt, verdict: 'ran' });
      continue;
    }
    if (threshold !== null && threshold > 1) {
      // The server compares with the last scrub it knows; Jobwatch only knows the scrubs it saw. Not knowing one
      // means it cannot tell whether this run was due: never a "missed" then.
      const last = Math.max(lastStartBefore ?? Number.NEGATIVE_INFINITY, latest ?? Number.NEGATIVE_INFINITY);
      if (!Number.isFinite(last) || dueAt - last < (threshold - 1) * DAY_MS) {
        out.push({ dueAt, verdict: 'skipped' });
        continue;
      }
    }
    // Runs that started just before the due time were listed by the snapshot when watching began; what must have
    // been watched is the time from the due time to the end of the tolerance.
    out.push({ dueAt, verdict: covered(watched, dueAt, windowTo) ? 'missed' : 'could-not-check' });
  }
  return out;
}
