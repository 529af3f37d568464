/**
 * Run history per task: the last runs (start, duration, outcome, error line) of each scheduled task of each
 * server, so insights can say what is usual ("it usually takes 35 min") and what changed ("fixed", "still
 * failing"). Keyed by the task: the method plus the task's id among its arguments (`replication.run [2]`), or the
 * whole method for jobs that are not tasks.
 *
 * Bounded: `runsPerTask` (50) runs per task, the newest by start kept; `tasksPerServer` (500) tasks per server, the
 * task run least recently leaving first. Persisted through a VersionedStore, saved a moment after changes.
 */
import * as z from './zod';
import type { ServerId, TerminalState } from './model';
import { TERMINAL_STATES } from './model';
import { LINE_BREAK, cleanLine } from './notification-text';
import type { Clock, Logger, StoragePort } from './ports';
import { silentLogger } from './ports';
import type { StoreProblem } from './store';
import { VersionedStore } from './store';

export const RUNS_PER_TASK = 50;
export const TASKS_PER_SERVER = 500;
const ERROR_LINE_MAX = 300;
const TASK_KEY_MAX = 400;

/**
 * Where each task method takes its task id (read in truenas/middleware):
 * `plugins/replication/__init__.py` run(id, options), `plugins/cloud_sync/__init__.py` sync(id, options),
 * `plugins/cloud_backup/__init__.py` sync(id, options), `plugins/rsync/__init__.py` run(id),
 * `plugins/cron/__init__.py` run(id, skip_disabled), `plugins/snapshot/__init__.py` (pool.snapshottask) run(id),
 * `plugins/pool_/scrub.py` scrub(name, action) (the pool's name); 26+ `plugins/zpool/scrub.py` run({pool_name, …}).
 */
const TASK_ID_AT: Readonly<Record<string, (args: readonly unknown[]) => unknown>> = {
  'replication.run': (a) => a[0],
  'cloudsync.sync': (a) => a[0],
  'cloud_backup.sync': (a) => a[0],
  'rsynctask.run': (a) => a[0],
  'cronjob.run': (a) => a[0],
  'pool.snapshottask.run': (a) => a[0],
  'pool.scrub.scrub': (a) => a[0],
  'zpool.scrub.run': (a) => {
    const data = a[0];
    return typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['pool_name'] : undefined;
  },
};

/** What taskKeyOf reads of the arguments: the task's id (any value the server sent there), or undefined. */
export function taskIdOf(method: string, args: readonly unknown[]): unknown {
  // The method comes from the server: "__proto__" or "valueOf" must not find Object.prototype's members.
  const pick = Object.hasOwn(TASK_ID_AT, method) ? TASK_ID_AT[method] : undefined;
  return pick ? pick(args) : undefined;
}

/** The task a job belongs to: `method [id]` for task methods whose id is a number or a name, else the method. */
export function taskKeyOf(method: string, args: readonly unknown[]): string {
  const id = taskIdOf(method, args);
  if (typeof id === 'number' && Number.isSafeInteger(id)) return `${method} [${id}]`.slice(0, TASK_KEY_MAX);
  if (typeof id === 'string' && id.length > 0 && id.length <= 256) return `${method} [${JSON.stringify(id)}]`.slice(0, TASK_KEY_MAX);
  return method.slice(0, TASK_KEY_MAX);
}

export const RunRecordSchema = z.object({
  /** The job's identity (jobKey): one run is recorded once. */
  jobKey: z.string().check(z.minLength(1), z.maxLength(8192)),
  jobId: z.int(),
  /** Server time (ms), or null when the server did not say. */
  startedAt: z.nullable(z.number()),
  durationMs: z.nullable(z.number().check(z.nonnegative())),
  outcome: z.enum(TERMINAL_STATES),
  /** The error's first line, bounded; null unless FAILED. */
  error: z.nullable(z.string().check(z.maxLength(ERROR_LINE_MAX))),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

export const TaskHistorySchema = z.object({
  server: z.string(),
  task: z.string().check(z.minLength(1), z.maxLength(TASK_KEY_MAX)),
  /** What people call it: the job's description, when it had one. */
  label: z.nullable(z.string().check(z.maxLength(200))),
  /** Oldest first, by start. */
  runs: z.array(RunRecordSchema).check(z.maxLength(1000)),
});
export type TaskHistory = z.infer<typeof TaskHistorySchema>;

export const RunHistoryDataSchema = z.object({
  /** Least recently run first. */
  tasks: z._default(z.array(TaskHistorySchema), () => []),
});
export type RunHistoryData = z.infer<typeof RunHistoryDataSchema>;

export const HISTORY_VERSION = 1;
export const HISTORY_FILE = 'history.json';

export function createHistoryStore(storage: StoragePort, options: { clock?: Clock; logger?: Logger } = {}): VersionedStore<RunHistoryData> {
  return new VersionedStore<RunHistoryData>({
    storage,
    name: HISTORY_FILE,
    schema: RunHistoryDataSchema,
    version: HISTORY_VERSION,
    migrations: {},
    defaults: () => ({ tasks: [] }),
    ...options,
  });
}

/** One finished run as the monitor hands it over. */
export interface FinishedRun {
  jobKey: string;
  jobId: number;
  description: string | null;
  outcome: TerminalState;
  error: string | null;
  timeStarted: number | null;
  timeFinished: number | null;
}

/** What the history says about a task. */
export interface TaskStats {
  runs: number;
  successes: number;
  failures: number;
  /** Successes among runs that succeeded or failed (aborted runs say nothing), 0–1; null with none. */
  successRate: number | null;
  /** Durations of successful runs with a known duration, oldest first. */
  successfulDurations: number[];
  /** Median of `successfulDurations`; null with none. */
  usualMs: number | null;
}

function firstLine(error: string | null): string | null {
  if (error === null) return null;
  const line =
    error
      .slice(0, 4000)
      .split(LINE_BREAK)
      .find((l) => l.trim().length > 0) ?? '';
  return cleanLine(line, ERROR_LINE_MAX) || null;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0–100). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function statsOf(runs: readonly RunRecord[]): TaskStats {
  let successes = 0;
  let failures = 0;
  const successfulDurations: number[] = [];
  for (const run of runs) {
    if (run.outcome === 'SUCCESS') {
      successes += 1;
      if (run.durationMs !== null) successfulDurations.push(run.durationMs);
    } else if (run.outcome === 'FAILED') failures += 1;
  }
  const decided = successes + failures;
  return {
    runs: runs.length,
    successes,
    failures,
    successRate: decided === 0 ? null : successes / decided,
    successfulDurations,
    usualMs: median(successfulDurations),
  };
}

export interface RunHistoryOptions {
  /** Null keeps the history in memory only (CLI without a state directory, tests). */
  store: VersionedStore<RunHistoryData> | null;
  runsPerTask?: number;
  tasksPerServer?: number;
  logger?: Logger;
  saveDelayMs?: number;
}

/**
 * After an HA failover the other controller lists finished task jobs again under new ids, with the same times and
 * state (`plugins/failover_/jobs_copy.py`): the same start, duration, outcome and error is the same run. SCALE dates
 * are whole seconds, so a start alone is not enough: two runs can start within one second.
 */
function isCopy(a: RunRecord, b: RunRecord): boolean {
  return (
    a.startedAt !== null && a.startedAt === b.startedAt && a.durationMs === b.durationMs && a.outcome === b.outcome && a.error === b.error
  );
}

export class RunHistory {
  /** By server, then task; each server's map in least-recently-run-first order. */
  private readonly servers = new Map<ServerId, Map<string, TaskHistory>>();
  private readonly runsPerTask: number;
  private readonly tasksPerServer: number;
  private readonly logger: Logger;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private saving: Promise<void> = Promise.resolve();
  /**
   * A stamp per task's runs, new (from one counter) whenever they change, so what is derived from them can be kept
   * until then (insights.ts TaskBaselines). Kept beside the history, not in it: it is not persisted.
   */
  private readonly revisions = new WeakMap<TaskHistory, number>();
  private lastRevision = 0;
  /** Changes whenever any task's runs may have (`revision` of every task is the same while it does not). */
  private changes = 0;

  constructor(private readonly options: RunHistoryOptions) {
    this.runsPerTask = Math.max(1, options.runsPerTask ?? RUNS_PER_TASK);
    this.tasksPerServer = Math.max(1, options.tasksPerServer ?? TASKS_PER_SERVER);
    this.logger = options.logger ?? silentLogger;
  }

  /** Reads the persisted history; runs recorded meanwhile are kept. Returns the store's problem, if any. */
  async load(): Promise<StoreProblem | null> {
    if (!this.options.store) return null;
    const { value, problem } = await this.options.store.load();
    for (const task of value.tasks) {
      for (const run of task.runs) this.insert(task.server, task.task, task.label, run, false);
    }
    return problem;
  }

  /**
   * Records a finished run of a task; false when this run (same job, or an HA copy of it under a new id) is
   * already there, or when it is older than every run the bound keeps.
   */
  record(server: ServerId, task: string, run: FinishedRun): boolean {
    const durationMs =
      run.timeStarted !== null && run.timeFinished !== null && run.timeFinished >= run.timeStarted
        ? run.timeFinished - run.timeStarted
        : null;
    const record: RunRecord = {
      jobKey: run.jobKey.slice(0, 8192),
      jobId: run.jobId,
      startedAt: run.timeStarted,
      durationMs,
      outcome: run.outcome,
      error: run.outcome === 'FAILED' ? firstLine(run.error) : null,
    };
    const label = run.description ? cleanLine(run.description, 200) || null : null;
    const added = this.insert(server, task, label, record, true);
    if (added) this.schedule();
    return added;
  }

  /** The task's runs, oldest first. */
  runs(server: ServerId, task: string): readonly RunRecord[] {
    return this.servers.get(server)?.get(task)?.runs ?? [];
  }

  /**
   * Changes whenever the task's runs do (a run added, or dropped by the bound); 0 while no run of it is known. Two
   * equal answers for the same task mean the same runs.
   */
  revision(server: ServerId, task: string): number {
    const history = this.servers.get(server)?.get(task);
    return history === undefined ? 0 : (this.revisions.get(history) ?? 0);
  }

  /** Changes whenever the runs of any task may have: while it stays the same, so does every `revision`. */
  get changeCount(): number {
    return this.changes;
  }

  label(server: ServerId, task: string): string | null {
    return this.servers.get(server)?.get(task)?.label ?? null;
  }

  /**
   * The other runs that started no later than the given job, newest last: what a decision about that job may look
   * at. A run that started in the same second counts (SCALE dates are whole seconds; it is recorded, so it ended).
   */
  before(server: ServerId, task: string, jobKey: string, startedAt: number | null): RunRecord[] {
    return this.runs(server, task).filter(
      (r) => r.jobKey !== jobKey && (startedAt === null || r.startedAt === null || r.startedAt <= startedAt),
    );
  }

  stats(server: ServerId, task: string): TaskStats {
    return statsOf(this.runs(server, task));
  }

  taskCount(server: ServerId): number {
    return this.servers.get(server)?.size ?? 0;
  }

  forget(server: ServerId): void {
    if (this.servers.delete(server)) {
      this.changes += 1;
      this.schedule();
    }
  }

  toJSON(): RunHistoryData {
    const tasks: TaskHistory[] = [];
    for (const byTask of this.servers.values()) for (const t of byTask.values()) tasks.push({ ...t, runs: [...t.runs] });
    return { tasks };
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      this.save();
    }
    await this.saving;
  }

  private insert(server: ServerId, task: string, label: string | null, record: RunRecord, touch: boolean): boolean {
    let byTask = this.servers.get(server);
    if (!byTask) {
      byTask = new Map();
      this.servers.set(server, byTask);
    }
    let history = byTask.get(task);
    if (!history) {
      history = { server, task, label, runs: [] };
      byTask.set(task, history);
    } else if (touch) {
      // Most recently run goes last: the bound drops the task nobody has run for the longest time.
      byTask.delete(task);
      byTask.set(task, history);
    }
    if (label) history.label = label;
    const runs = history.runs;
    if (runs.some((r) => r.jobKey === record.jobKey || isCopy(r, record))) return false;
    // Sorted by start (unknown starts count as newest); runs arrive almost always newest last, so search from the end.
    let at = runs.length;
    const start = record.startedAt ?? Number.POSITIVE_INFINITY;
    while (at > 0 && (runs[at - 1]!.startedAt ?? Number.POSITIVE_INFINITY) > start) at -= 1;
    runs.splice(at, 0, record);
    this.revisions.set(history, ++this.lastRevision);
    this.changes += 1;
    let added = true;
    while (runs.length > this.runsPerTask) {
      const dropped = runs.shift();
      if (dropped === record) added = false;
    }
    while (byTask.size > this.tasksPerServer) {
      const oldest = byTask.keys().next();
      if (oldest.done) break;
      byTask.delete(oldest.value);
      if (oldest.value === task) added = false;
    }
    return added;
  }

  private schedule(): void {
    if (!this.options.store || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.save();
    }, this.options.saveDelayMs ?? 1_000);
  }

  private save(): void {
    const store = this.options.store;
    if (!store) return;
    this.saving = this.saving
      .then(() => store.save(this.toJSON()))
      .catch((err: unknown) =>
        this.logger.error('could not save the run history', { reason: err instanceof Error ? err.message : String(err) }),
      );
  }
}
