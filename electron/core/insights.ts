/**
 * Insights: what the run history says about a job beyond its own state. Each is decided here as a pure function
 * of the history and the clock; the monitor hands each one (at most one of each kind per run) to the notification
 * planner, which applies the same rules, quiet hours, folding and acknowledgement as for failures.
 *
 * - slower-than-usual: a running job has run longer than max(2 × median, p90 + 10 min) of at least five earlier
 *   successful runs of its task.
 * - stalled: a running job's progress (percent and description) has not changed for a threshold of time during
 *   which its server was live (time disconnected does not count: no events could arrive).
 * - fixed / still-failing (CCMenu's): a success after a failure, a failure after a failure (aborted runs are
 *   skipped: they say nothing about whether the task works).
 * - missed-run: a scheduled run that produced no job (decided elsewhere, from the task schedules).
 */
import type { ServerId, TerminalState } from './model';
import type { RunHistory, RunRecord } from './history';
import { median, percentile, taskIdOf, taskKeyOf } from './history';
import { cleanLine, humanDuration, jobLabel, truncate } from './notification-text';
import { english, type Translator } from './i18n/i18n';

export const INSIGHT_KINDS = ['slower-than-usual', 'stalled', 'missed-run', 'fixed', 'still-failing'] as const;
export type InsightKind = (typeof INSIGHT_KINDS)[number];

/** Fewer earlier successful runs than this, and nothing is "usual" yet. */
export const MIN_RUNS_FOR_USUAL = 5;
/** The p90 margin of slower-than-usual. */
export const SLOW_MARGIN_MS = 10 * 60_000;
export const DEFAULT_STALLED_AFTER_MS = 30 * 60_000;
/** Fewer earlier successful runs than this, and no time left is estimated from history. */
export const MIN_RUNS_FOR_ESTIMATE = 3;

/** The numbers behind a decision (durations in ms, counts, times in server ms); shown in NDJSON, kept small and flat. */
export type InsightFigures = Readonly<Record<string, number | null>>;

export interface Insight {
  kind: InsightKind;
  server: ServerId;
  /** The job it is about (jobKey); null for a run that never happened (missed-run). */
  key: string | null;
  jobId: number | null;
  method: string;
  /** The task key (`replication.run [2]`, or the method). */
  task: string;
  description: string | null;
  /** Server time (ms) the job started, or null. */
  timeStarted: number | null;
  /** Decided while catching up with what happened while away. */
  catchUp: boolean;
  figures: InsightFigures;
  /** One line of text behind it: the previous error (fixed, still-failing), the progress text (stalled); or null. */
  detail: string | null;
  /** Desktop time (ms) of the decision. */
  at: number;
  /** missed-run only: the schedule that was due (the run that never happened has no job to tell it). */
  schedule?: InsightSchedule;
}

export interface InsightSchedule {
  /** The cron expression, with the begin–end window when it has one. */
  expression: string;
  /** The server's time zone the expression is read in. */
  timezone: string;
  /** The (first) due time, server ms. */
  dueAt: number;
}

export interface SlowThreshold {
  thresholdMs: number;
  usualMs: number;
  p90Ms: number;
  runs: number;
}

/** The slower-than-usual threshold from earlier successful durations; null with fewer than five. */
export function slowThreshold(successfulDurations: readonly number[], marginMs = SLOW_MARGIN_MS): SlowThreshold | null {
  const durations = successfulDurations.filter((d) => Number.isFinite(d) && d >= 0);
  if (durations.length < MIN_RUNS_FOR_USUAL) return null;
  const usualMs = median(durations)!;
  const p90Ms = percentile(durations, 90)!;
  return { thresholdMs: Math.max(2 * usualMs, p90Ms + marginMs), usualMs, p90Ms, runs: durations.length };
}

function successfulDurations(earlier: readonly RunRecord[]): number[] {
  const out: number[] = [];
  for (const run of earlier) if (run.outcome === 'SUCCESS' && run.durationMs !== null) out.push(run.durationMs);
  return out;
}

/** The figures of a slower-than-usual insight when `elapsedMs` passes the threshold, else null. */
export function decideSlower(elapsedMs: number, earlier: readonly RunRecord[], marginMs = SLOW_MARGIN_MS): InsightFigures | null {
  return slowerFigures(elapsedMs, slowThreshold(successfulDurations(earlier), marginMs));
}

/** decideSlower with the threshold already known (TaskBaselines). */
export function slowerFigures(elapsedMs: number, threshold: SlowThreshold | null): InsightFigures | null {
  if (!threshold || !(elapsedMs > threshold.thresholdMs)) return null;
  return { elapsedMs, usualMs: threshold.usualMs, p90Ms: threshold.p90Ms, thresholdMs: threshold.thresholdMs, runs: threshold.runs };
}

/** What the earlier runs of a running job's task say about it; see TaskBaselines. */
export interface TaskBaseline {
  task: string;
  /** The slower-than-usual threshold; null with too few runs. */
  slow: SlowThreshold | null;
  /** The usual duration for a time-left estimate (usualDuration); null with too few runs. */
  usualMs: number | null;
}

interface KeptBaseline extends TaskBaseline {
  server: ServerId;
  method: string;
  args: readonly unknown[];
  /** What taskKeyOf read of `args`. */
  taskId: unknown;
  timeStarted: number | null;
  /** The task's RunHistory.revision, and the history's changeCount when it was last compared. */
  revision: number;
  changeCount: number;
}

/**
 * The task key, slow threshold and usual duration of each running job, kept until they can change: until the task's
 * history changes (RunHistory.revision) or the job's start, method or task arguments do. Every progress event
 * of a running job asks for them (the job view's time-left estimate, the slower-than-usual check), and working them
 * out filters and sorts up to 50 runs; the answer only changes when one of those inputs does. Bounded like StallWatch.
 */
export class TaskBaselines {
  private readonly jobs = new Map<string, KeptBaseline>();

  constructor(
    private readonly history: RunHistory,
    private readonly marginMs = SLOW_MARGIN_MS,
    private readonly maxJobs = 5_000,
  ) {}

  /** The baseline of the job `jobKey` as it is now: what history.before(...) gives for it, worked out when it changed. */
  of(server: ServerId, jobKey: string, job: { method: string; arguments: readonly unknown[]; timeStarted: number | null }): TaskBaseline {
    const kept = this.jobs.get(jobKey);
    if (kept !== undefined && kept.server === server && kept.method === job.method && kept.timeStarted === job.timeStarted) {
      // Each event may bring the arguments anew (a new array): only a different task id matters.
      const sameTask = kept.args === job.arguments || Object.is(taskIdOf(job.method, job.arguments), kept.taskId);
      if (sameTask) {
        kept.args = job.arguments;
        const changeCount = this.history.changeCount;
        if (kept.changeCount === changeCount) return kept;
        if (kept.revision === this.history.revision(server, kept.task)) {
          kept.changeCount = changeCount;
          return kept;
        }
      }
    }
    const task = taskKeyOf(job.method, job.arguments);
    const durations = successfulDurations(this.history.before(server, task, jobKey, job.timeStarted));
    const fresh: KeptBaseline = {
      task,
      slow: slowThreshold(durations, this.marginMs),
      usualMs: durations.length < MIN_RUNS_FOR_ESTIMATE ? null : median(durations),
      server,
      method: job.method,
      args: job.arguments,
      taskId: taskIdOf(job.method, job.arguments),
      timeStarted: job.timeStarted,
      revision: this.history.revision(server, task),
      changeCount: this.history.changeCount,
    };
    if (!this.jobs.has(jobKey) && this.jobs.size >= this.maxJobs) {
      const oldest = this.jobs.keys().next();
      if (!oldest.done) this.jobs.delete(oldest.value);
    }
    this.jobs.set(jobKey, fresh);
    return fresh;
  }

  forget(jobKey: string): void {
    this.jobs.delete(jobKey);
  }

  forgetServer(server: ServerId): void {
    for (const [key, kept] of this.jobs) if (kept.server === server) this.jobs.delete(key);
  }

  get size(): number {
    return this.jobs.size;
  }
}

/** The usual duration to estimate time left from, when the job gives no percent; null with too few runs. */
export function usualDuration(earlier: readonly RunRecord[]): number | null {
  const durations = successfulDurations(earlier);
  return durations.length < MIN_RUNS_FOR_ESTIMATE ? null : median(durations);
}

/**
 * Fixed or still failing, from the earlier runs of the task (oldest first) and this run's outcome. The count is the
 * consecutive failures before a fix, or including this one while still failing.
 */
export function decideOutcome(
  earlier: readonly RunRecord[],
  outcome: TerminalState,
): { kind: 'fixed' | 'still-failing'; failedRuns: number; previousError: string | null } | null {
  if (outcome === 'ABORTED') return null;
  let failedRuns = 0;
  let previousError: string | null = null;
  for (let i = earlier.length - 1; i >= 0; i--) {
    const run = earlier[i]!;
    if (run.outcome === 'ABORTED') continue;
    if (run.outcome === 'SUCCESS') break;
    if (failedRuns === 0) previousError = run.error;
    failedRuns += 1;
  }
  if (failedRuns === 0) return null;
  return outcome === 'SUCCESS'
    ? { kind: 'fixed', failedRuns, previousError }
    : { kind: 'still-failing', failedRuns: failedRuns + 1, previousError };
}

/** Equal as progress: the same number (NaN as NaN) or both unknown. */
const samePercent = (a: number | null, b: number | null): boolean =>
  a === b || (a !== null && b !== null && Number.isNaN(a) && Number.isNaN(b));

/**
 * Follows the progress of running jobs to tell when one has stalled. Time counts only while the job's server is
 * live: `tick` adds the time since the last tick to every job of a live server, and only moves the mark for the
 * others. A change of percent or description starts over.
 */
export class StallWatch {
  private readonly jobs = new Map<
    string,
    { server: ServerId; percent: number | null; description: string; quietMs: number; lastAt: number }
  >();

  constructor(private readonly maxJobs = 5_000) {}

  /** A running job's progress now; a new job or a changed progress starts its quiet time at zero. */
  observe(key: string, server: ServerId, percent: number | null, description: string | null, now: number): void {
    const known = this.jobs.get(key);
    // Compared field by field (once per progress event, so no signature string is built); no text counts as empty text.
    const text = description ?? '';
    if (known && samePercent(known.percent, percent) && known.description === text) return;
    if (!known && this.jobs.size >= this.maxJobs) return;
    this.jobs.set(key, { server, percent, description: text, quietMs: 0, lastAt: now });
  }

  forget(key: string): void {
    this.jobs.delete(key);
  }

  forgetServer(server: ServerId): void {
    for (const [key, job] of this.jobs) if (job.server === server) this.jobs.delete(key);
  }

  /** Adds elapsed live time; answers the jobs quiet for at least `thresholdMs`, with how long. */
  tick(now: number, isLive: (server: ServerId) => boolean, thresholdMs: number): { key: string; quietMs: number }[] {
    const stalled: { key: string; quietMs: number }[] = [];
    for (const [key, job] of this.jobs) {
      if (isLive(job.server)) job.quietMs += Math.max(0, now - job.lastAt);
      job.lastAt = now;
      if (job.quietMs >= thresholdMs) stalled.push({ key, quietMs: job.quietMs });
    }
    return stalled;
  }

  /** Live time since the job's progress last changed; null when not followed. */
  quietFor(key: string): number | null {
    return this.jobs.get(key)?.quietMs ?? null;
  }

  get size(): number {
    return this.jobs.size;
  }
}

/** Remembers which insights were given for which runs, so each run gets at most one of each kind. Bounded. */
export class InsightLog {
  private readonly given = new Set<string>();
  constructor(private readonly limit = 10_000) {}

  /** True the first time for this kind and run; false after. */
  claim(kind: InsightKind, runKey: string): boolean {
    const id = `${kind}\u0000${runKey}`;
    if (this.given.has(id)) return false;
    this.given.add(id);
    if (this.given.size > this.limit) {
      const oldest = this.given.values().next();
      if (!oldest.done) this.given.delete(oldest.value);
    }
    return true;
  }
}

const TITLE_MAX = 100;
const BODY_MAX = 300;

function figure(insight: Insight, name: string): number | null {
  const value = insight.figures[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The notification words of one insight, in `tr`'s language. Plain text, bounded, never from arguments. */
export function insightText(insight: Insight, server: string, tr: Translator = english): { title: string; body: string } {
  const where = cleanLine(server, 40);
  const job = jobLabel(insight, tr);
  const away = (text: string) => (insight.catchUp ? tr('notification.whileAway', { text }) : text);
  const duration = (ms: number | null) => humanDuration(ms ?? 0, tr);
  let title: string;
  let body: string;
  switch (insight.kind) {
    case 'slower-than-usual': {
      title = tr('insight.slowerTitle', { job, server: where });
      body = tr('insight.slowerBody', {
        job,
        elapsed: duration(figure(insight, 'elapsedMs')),
        usual: duration(figure(insight, 'usualMs')),
      });
      break;
    }
    case 'stalled': {
      const quiet = duration(figure(insight, 'stalledForMs'));
      const percent = figure(insight, 'percent');
      title = tr('insight.stalledTitle', { job, server: where });
      body =
        percent !== null
          ? tr('insight.stalledBodyAt', { duration: quiet, percent: Math.round(percent) })
          : tr('insight.stalledBody', { duration: quiet });
      break;
    }
    case 'fixed': {
      title = away(tr('insight.fixedTitle', { job, server: where }));
      body = tr('insight.fixedBody', { count: figure(insight, 'failedRuns') ?? 1 });
      break;
    }
    case 'still-failing': {
      title = away(tr('insight.stillFailingTitle', { job, server: where }));
      body = tr('insight.stillFailingBody', { count: figure(insight, 'failedRuns') ?? 2 });
      break;
    }
    case 'missed-run': {
      const expected = figure(insight, 'expectedAt');
      title = tr('insight.missedTitle', { job, server: where });
      body =
        expected !== null
          ? tr('insight.missedBodyAt', { time: new Date(expected).toISOString().slice(0, 16).replace('T', ' ') })
          : tr('insight.missedBody');
      break;
    }
  }
  return { title: cleanLine(title, TITLE_MAX), body: truncate(cleanLine(body, BODY_MAX), BODY_MAX) };
}
