/**
 * The monitor's view projection: how a followed server and its jobs look to the window and the CLI (view.ts
 * schemas), built from the session's status and the job book. Pure functions of what they are given.
 */
import type { Job } from './model';
import { isActiveState, isTerminal } from './model';
import type { JobBook, JobEntry } from './jobs';
import type { SessionStatus } from './session';
import type { ServerTarget } from './monitor-ports';
import { statsOf, taskKeyOf, type RunHistory } from './history';
import type { TaskBaselines } from './insights';
import type { FailureView, JobDetail, JobView, ServerAccessView, ServerView } from './view';
import { english, type Translator } from './i18n/i18n';
import { problemText, statusText } from './i18n/status';
import { accessViewIn, type AccessBasis } from './server-access';

/** What a view needs of a followed server. */
export interface ViewedServer {
  target: ServerTarget;
  book: JobBook;
  status: SessionStatus;
  /** From auth.me after the last login; null while unknown. */
  access: (ServerAccessView & { basis?: AccessBasis }) | null;
  /**
   * Keys of the book's jobs that count as running, brought up to date by every book update (`trackRunning`): the
   * server view reads its count without walking the jobs, and an update that leaves the set alone (a progress event)
   * does not rebuild the view.
   */
  runningKeys: Set<string>;
}

/** A job the server view counts as running: not finished, and not a transient housekeeping job. */
export const countsAsRunning = (job: Job): boolean => !job.transient && isActiveState(job.state);

/** Brings `running` up to date with one book update (every change to a book comes as one); true when it changed. */
export function trackRunning(running: Set<string>, update: { upserts: readonly JobEntry[]; removals: readonly string[] }): boolean {
  let changed = false;
  for (const entry of update.upserts) {
    if (!countsAsRunning(entry.job)) changed = running.delete(entry.key) || changed;
    else if (!running.has(entry.key)) {
      running.add(entry.key);
      changed = true;
    }
  }
  for (const key of update.removals) changed = running.delete(key) || changed;
  return changed;
}

const MAX_LOG_NAME = 120;

/**
 * A file name for a downloaded log: "<server>-<job id>.log", without path separators, control or reserved
 * characters, and bounded in length, whatever the server's name holds.
 */
export function logFileName(serverName: string, jobId: number): string {
  const cleaned = serverName
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what a file name must not hold
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    .replace(/[\\/:*?"<>|]+/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[. ]+|[. ]+$/g, '');
  const suffix = `-${jobId}.log`;
  const base = [...(cleaned || 'server')].slice(0, MAX_LOG_NAME - suffix.length).join('');
  return `${base}${suffix}`;
}

/** The TrueNAS web UI for a server URL as the user typed it (host, https://…, or ws(s)://…/api/current). */
export function webUiUrl(url: string): string | null {
  try {
    const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `https://${url}`;
    const parsed = new URL(withScheme);
    const scheme = parsed.protocol === 'ws:' || parsed.protocol === 'http:' ? 'http:' : 'https:';
    return `${scheme}//${parsed.host}`;
  } catch {
    return null;
  }
}

/** A task's last runs, success rate and usual duration, for the job detail; null when no run is known. */
export function taskHistoryOf(history: RunHistory, server: string, task: string): JobDetail['history'] {
  const runs = history.runs(server, task);
  if (runs.length === 0) return null;
  const stats = statsOf(runs);
  return {
    task,
    label: history.label(server, task),
    runs: runs.map((r) => ({ ...r })),
    successRate: stats.successRate,
    usualMs: stats.usualMs,
  };
}

/**
 * The access as last worded, per access object (monitor.ts never changes one in place: a changed access is a new
 * object) and language: the
 * server view is rebuilt whenever a job starts or ends, and wording the summary is most of that rebuild.
 */
const wordedAccess = new WeakMap<object, { t: Translator; view: ServerAccessView }>();

function accessViewOf(access: NonNullable<ViewedServer['access']>, t: Translator): ServerAccessView {
  const worded = wordedAccess.get(access);
  // A copy, as before: each view gets its own object.
  if (worded !== undefined && worded.t === t) return { ...worded.view };
  const view = accessViewIn(access, t);
  wordedAccess.set(access, { t, view });
  return view;
}

/** The server's view, its status in `t`'s language. */
export function serverViewOf(server: ViewedServer, failures: readonly FailureView[], now: number, t: Translator = english): ServerView {
  const { status, target } = server;
  const running = server.runningKeys.size;
  const unacknowledged = failures.filter((f) => f.server === target.id).length;
  return {
    id: target.id,
    name: target.name,
    url: target.url,
    state: status.state,
    detail: statusText(status, t),
    retryAt: status.retryAt,
    attention: status.attention && { code: status.attention.code, message: problemText(status.attention, t) },
    flavor: status.flavor,
    endpoint: status.endpoint,
    running,
    unacknowledged,
    muted: target.muted && (target.mutedUntil === null || target.mutedUntil > now),
    mutedUntil: target.mutedUntil,
    badFrames: status.badFrames,
    access: server.access && accessViewOf(server.access, t),
  };
}

export function jobViewOf(server: ViewedServer, entry: JobEntry, baselines: TaskBaselines): JobView {
  const job = entry.job;
  return {
    key: entry.key,
    server: server.target.id,
    id: job.id,
    method: job.method,
    description: job.description,
    state: job.state,
    percent: job.progress.percent,
    progressText: job.progress.description,
    transient: job.transient,
    abortable: job.abortable,
    hasLogs: job.logsPath !== null,
    timeStarted: job.timeStarted,
    timeFinished: job.timeFinished,
    clockOffsetMs: server.status.clockOffsetMs,
    error: job.error,
    startedBy: job.credentials?.username ?? null,
    onServer: entry.onServer,
    ...taskFields(server.target.id, entry, baselines),
  };
}

/** The job's task and, while it runs, its usual duration (for a time-left estimate without a percent). */
function taskFields(server: string, entry: JobEntry, baselines: TaskBaselines): { task?: string; usualDurationMs?: number | null } {
  const job = entry.job;
  if (job.transient) return {};
  if (isTerminal(job.state)) return { task: taskKeyOf(job.method, job.arguments) };
  // Kept per job until its task's history changes: this runs on every progress event (insights.ts TaskBaselines).
  const { task, usualMs } = baselines.of(server, entry.key, job);
  return { task, usualDurationMs: usualMs };
}
