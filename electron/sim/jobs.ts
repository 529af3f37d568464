/**
 * The simulated middleware job list (docs/protocol.md §4.3–§5, §7): lifecycle, progress events, double SUCCESS,
 * eviction, transient jobs, live credentials, HA job copies, and the wire shape per version.
 */
import type { EjsonDate, JobSpec, JobStateWire, Outcome, SimClock, SimJobHandle, SimVersion, WireJob } from './types';
import { traits } from './versions';
import { ERRNO } from './errors';

/** Whoever started a job; credentials are computed live (they turn null once the starter goes away). */
export interface JobOwner {
  credentials(): { type: string; username: string; data: Record<string, unknown> } | null;
}

export interface SimJob {
  id: number;
  spec: JobSpec;
  method: string;
  arguments: unknown[];
  transient: boolean;
  description: string | null;
  abortable: boolean;
  logs: boolean;
  logsPath: string | null;
  logLines: string[];
  logsExcerpt: string | null;
  percent: number | null;
  progressDescription: string | null;
  result: unknown;
  error: string | null;
  exception: string | null;
  excInfo: { repr: string; type: string; errno: number | null; extra: unknown } | null;
  state: JobStateWire;
  timeStarted: number;
  timeFinished: number | null;
  owner: JobOwner | null;
  /** A copy received from the HA peer: it never finished here, so it is never copied back. */
  fromPeer: boolean;
  messageIds: Array<string | number>;
  abortRequested: boolean;
  timers: unknown[];
  resolve: (job: WireJob) => void;
}

export type JobEventKind = 'added' | 'changed';

/**
 * The methods whose finished jobs the HA master copies to the other controller (the services mixing in
 * TaskStateMixin, registered by `plugins/failover_/jobs_copy.py`: `plugins/cloud_sync.py`,
 * `plugins/cloud_backup/crud.py`, `plugins/rsync.py`, `plugins/zettarepl_/state.py`, TS-25.10.6 and HEAD).
 */
export const HA_COPIED_METHODS: ReadonlySet<string> = new Set([
  'cloudsync.sync',
  'cloudsync.restore',
  'cloud_backup.sync',
  'cloud_backup.restore',
  'rsynctask.run',
  'replication.run',
]);

export interface JobStoreOptions {
  version: SimVersion;
  clock: SimClock;
  speed: number;
  maxJobs: number;
  clockSkewMs: number;
  emit: (kind: JobEventKind, job: SimJob) => void;
}

const SECRET_KEY = /pass|secret|token|api_?key|private/i;

/** core.get_jobs without raw_result: secret-looking keys replaced by "********" (§5.3). */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '********' : redact(v)]));
  }
  return value;
}

export class JobStore {
  private jobs = new Map<number, SimJob>();
  private nextId = 1;
  /** Bumped by reset(): timers of an older generation do nothing. */
  private generation = 0;

  constructor(private readonly opts: JobStoreOptions) {}

  get size(): number {
    return this.jobs.size;
  }

  get peekNextId(): number {
    return this.nextId;
  }

  get(id: number): SimJob | undefined {
    return this.jobs.get(id);
  }

  all(): SimJob[] {
    return [...this.jobs.values()];
  }

  /** Server time in ms (NAS clock). */
  now(): number {
    return this.opts.clock.now() + this.opts.clockSkewMs;
  }

  date(ms: number | null): EjsonDate | null {
    if (ms === null) return null;
    return { $date: traits(this.opts.version).dateMilliseconds ? ms : Math.floor(ms / 1000) * 1000 };
  }

  /** Starts a job: `added` (WAITING) now, then RUNNING, progress and the outcome on the (scaled) clock. */
  start(spec: JobSpec, owner: JobOwner | null = null): SimJobHandle {
    const job = this.create(spec, owner);
    const done = new Promise<WireJob>((resolve) => (job.resolve = resolve));
    // CORE 13 `job.py` `JobsQueue.add`: no ADDED event for a transient job.
    if (!(job.transient && this.core13Transient)) this.emit('added', job);
    if (spec.startedBy && (spec.startedBy.detach ?? 'queued') === 'queued') detach(owner);
    this.after(job, spec.waitMs ?? 0, () => this.run(job));
    return {
      id: job.id,
      done,
      progress: (percent, description) => this.setProgress(job, percent, description),
      finish: (outcome, o) => this.finish(job, outcome, o),
    };
  }

  /** A job that finished before anyone was watching (history for a first snapshot); no events. */
  seedFinished(spec: JobSpec, startedAt: number, finishedAt: number): SimJob {
    const job = this.create(spec, null);
    job.timeStarted = startedAt;
    if (job.logs) job.logsPath = `/var/log/jobs/${job.id}.log`;
    for (const step of spec.progress ?? []) this.applyProgress(job, step.percent, step.description, step.log);
    this.applyOutcome(job, spec.outcome ?? 'SUCCESS', {}, finishedAt);
    if (job.state === 'SUCCESS') job.percent = 100;
    job.resolve = () => undefined;
    if (job.transient) this.jobs.delete(job.id);
    return job;
  }

  private create(spec: JobSpec, owner: JobOwner | null): SimJob {
    const job: SimJob = {
      id: this.nextId++,
      spec,
      method: spec.method,
      arguments: spec.arguments ?? [],
      transient: spec.transient ?? false,
      description: spec.description ?? null,
      abortable: spec.abortable ?? false,
      logs: spec.logs ?? false,
      logsPath: null,
      logLines: [],
      logsExcerpt: null,
      percent: traits(this.opts.version).jobShape === 'core13' ? null : 0,
      progressDescription: traits(this.opts.version).jobShape === 'core13' ? null : '',
      result: null,
      error: null,
      exception: null,
      excInfo: null,
      state: 'WAITING',
      timeStarted: this.now(),
      timeFinished: null,
      owner,
      fromPeer: false,
      messageIds: spec.messageIds ?? [],
      abortRequested: false,
      timers: [],
      resolve: () => undefined,
    };
    this.jobs.set(job.id, job);
    this.evict();
    return job;
  }

  /** Above the cap, drop the oldest finished job (one per add), silently (§4.5). */
  private evict(): void {
    if (this.jobs.size <= this.opts.maxJobs) return;
    for (const j of this.jobs.values()) {
      if (j.state === 'SUCCESS' || j.state === 'FAILED' || j.state === 'ABORTED') {
        this.jobs.delete(j.id);
        return;
      }
    }
  }

  private after(job: SimJob, ms: number, fn: () => void): void {
    const gen = this.generation;
    const h = this.opts.clock.setTimeout(() => {
      if (gen === this.generation && !isTerminal(job.state)) fn();
    }, ms / this.opts.speed);
    job.timers.push(h);
  }

  private run(job: SimJob): void {
    if (job.state !== 'WAITING') return;
    if (job.abortRequested) return this.finish(job, 'ABORTED');
    job.state = 'RUNNING';
    if (job.logs) {
      job.logsPath = `/var/log/jobs/${job.id}.log`;
      job.logLines.push(`${this.logStamp()} INFO  : Starting ${job.method}`);
    }
    // CORE 13 `job.py` `Job.run`: set_state('RUNNING') sends no event; SCALE sends one.
    if (traits(this.opts.version).runningEvent) this.emit('changed', job);
    if (job.spec.manual) return;
    const duration = job.spec.durationMs ?? 1000;
    const steps = job.spec.progress ?? [];
    steps.forEach((step, i) => {
      const at = step.atMs ?? (duration * i) / Math.max(1, steps.length);
      this.after(job, at, () => this.setProgress(job, step.percent ?? job.percent, step.description, step.log));
    });
    this.after(job, duration, () => {
      if (job.spec.finalPercent !== undefined) this.setProgress(job, job.spec.finalPercent);
      this.finish(job, job.spec.outcome ?? 'SUCCESS');
    });
  }

  setProgress(job: SimJob, percent: number | null | undefined, description?: string, log?: string): void {
    if (job.state !== 'RUNNING') return;
    const changed = this.applyProgress(job, percent, description, log);
    // CORE 13 `job.py` `Job.set_progress` sends CHANGED on every call, changed or not (transient jobs included).
    if (changed || traits(this.opts.version).progressEventEveryCall) this.emit('changed', job);
  }

  /** Returns whether the change is effective (integer percent or non-empty description changed, §7). */
  private applyProgress(job: SimJob, percent: number | null | undefined, description?: string, log?: string): boolean {
    let changed = false;
    if (percent !== undefined && percent !== null) {
      const p = traits(this.opts.version).jobShape === 'core13' ? percent : Math.floor(percent);
      if (p !== job.percent) {
        job.percent = p;
        changed = true;
      }
    }
    if (description && description !== job.progressDescription) {
      job.progressDescription = description;
      changed = true;
    }
    if (job.logs && (log || (changed && description))) job.logLines.push(log ?? `${this.logStamp()} INFO  : ${description}`);
    return changed;
  }

  /** core.job_abort: WAITING jobs are flagged, RUNNING jobs become ABORTED (unless they ignore aborts). */
  abort(job: SimJob): void {
    if (isTerminal(job.state)) return;
    if (job.state === 'WAITING') {
      job.abortRequested = true;
      this.after(job, 0, () => this.finish(job, 'ABORTED'));
      return;
    }
    if (job.spec.ignoresAbort) return;
    this.finish(job, 'ABORTED');
  }

  finish(job: SimJob, outcome: Outcome, o: { error?: string; result?: unknown } = {}): void {
    if (isTerminal(job.state) || !this.jobs.has(job.id)) return;
    for (const h of job.timers) this.opts.clock.clearTimeout(h);
    job.timers = [];
    if (outcome === 'SUCCESS' && job.state === 'WAITING') {
      // No WAITING→SUCCESS in the state machine: pass through RUNNING.
      job.state = 'RUNNING';
      if (job.logs) job.logsPath = `/var/log/jobs/${job.id}.log`;
      if (traits(this.opts.version).runningEvent) this.emit('changed', job);
    }
    const wasBelow100 = job.percent !== 100;
    this.applyOutcome(job, outcome, o, this.now());
    if (outcome === 'SUCCESS' && wasBelow100) {
      // set_state('SUCCESS') + set_progress(100, '') → first SUCCESS event, logs_excerpt not yet there.
      const excerpt = job.logsExcerpt;
      job.logsExcerpt = null;
      job.percent = 100;
      this.emit('changed', job);
      job.logsExcerpt = excerpt;
    }
    // CORE 13 `job.py` `Job.run` `finally`: a transient job is removed from the queue without a final CHANGED, so
    // a successful one is seen only through set_progress(100, '') above, and a failed or aborted one not at all.
    if (!(job.transient && this.core13Transient)) this.emit('changed', job);
    if (job.transient) this.jobs.delete(job.id);
    job.resolve(this.wire(job, { raw: true }));
  }

  private get core13Transient(): boolean {
    return traits(this.opts.version).transientEventShape === 'core13-success-changed-only';
  }

  /**
   * The finished jobs the HA peer holds copies of, as they would arrive there (`plugins/failover_/jobs_copy.py`
   * sends each job of HA_COPIED_METHODS that finishes here to the other controller, on its CHANGED event; a
   * received copy sends no event, so it is not sent back). Taken before a failover's reset.
   */
  finishedCopies(): SimJob[] {
    if (!traits(this.opts.version).haJobCopies) return [];
    return this.all().filter((job) => isTerminal(job.state) && !job.fromPeer && HA_COPIED_METHODS.has(job.method));
  }

  /**
   * Stores a job copied from the other controller, silently, under a new local id (`job.py` `JobsDeque.receive`,
   * `Job.receive`): method, arguments, description, progress, result, error, exception, logs excerpt, state and
   * both times kept; exc_info and credentials absent (null), no message ids; a log file under the new id.
   */
  receiveCopy(original: SimJob): SimJob {
    const id = this.nextId++;
    const copy: SimJob = {
      ...original,
      id,
      arguments: structuredClone(original.arguments),
      transient: false,
      logsPath: original.logsPath === null ? null : `/var/log/jobs/${id}.log`,
      logLines: [...original.logLines],
      excInfo: null,
      owner: null,
      fromPeer: true,
      messageIds: [],
      abortRequested: false,
      timers: [],
      resolve: () => undefined,
    };
    this.jobs.set(id, copy);
    return copy;
  }

  private applyOutcome(job: SimJob, outcome: Outcome, o: { error?: string; result?: unknown }, at: number): void {
    job.state = outcome;
    job.timeFinished = at;
    if (outcome === 'SUCCESS') {
      job.result = o.result !== undefined ? o.result : (job.spec.result ?? null);
      if (job.logs) job.logLines.push(`${this.logStamp()} INFO  : Finished`);
    } else if (outcome === 'FAILED') {
      const text = o.error ?? job.spec.error ?? '[EFAULT] Job failed';
      const failure = describeFailure(text, job.spec.excType);
      job.error = failure.error;
      job.exception = failure.exception;
      job.excInfo = failure.excInfo;
      if (job.logs) job.logLines.push(`${this.logStamp()} ERROR : ${failure.error.trim()}`);
    } else if (job.logs) {
      job.logLines.push(`${this.logStamp()} NOTICE: Aborted`);
    }
    if (job.logs) job.logsExcerpt = excerpt(job.logLines);
  }

  /** The job as the wire shows it to a given reader; `raw` false applies core.get_jobs result redaction. */
  wire(job: SimJob, o: { raw: boolean }): WireJob {
    const t = traits(this.opts.version);
    const progress = { percent: job.percent, description: job.progressDescription, extra: null };
    const result = o.raw ? job.result : redact(job.result);
    if (t.jobShape === 'core13') {
      return {
        id: job.id,
        method: job.method,
        arguments: job.arguments,
        logs_path: job.logsPath,
        logs_excerpt: job.logsExcerpt,
        progress,
        result,
        error: job.error,
        exception: job.exception,
        exc_info: job.excInfo && { type: job.excInfo.type, extra: job.excInfo.extra },
        state: job.state,
        time_started: this.date(job.timeStarted),
        time_finished: this.date(job.timeFinished),
      };
    }
    const out: WireJob = {
      id: job.id,
      method: job.method,
      arguments: job.arguments,
      transient: job.transient,
      description: job.description,
      abortable: job.abortable,
      logs_path: job.logsPath,
      logs_excerpt: job.logsExcerpt,
      progress,
      result,
      result_encoding_error: null,
      error: job.error,
      exception: job.exception,
      exc_info: job.excInfo && { ...job.excInfo },
      state: job.state,
      time_started: this.date(job.timeStarted),
      time_finished: this.date(job.timeFinished),
      credentials: this.credentials(job),
    };
    if (t.messageIds) {
      const { id, ...rest } = out;
      return { id, message_ids: job.messageIds, ...rest };
    }
    return out;
  }

  private credentials(job: SimJob): WireJob['credentials'] {
    const c = job.owner?.credentials() ?? null;
    if (!c) return null;
    const data: Record<string, unknown> = {};
    const shape = traits(this.opts.version).credentialsShape;
    if (shape === 'v24.10') {
      if (c.data.api_key) data.api_key = c.data.api_key;
      else data.username = c.username;
      return { type: c.type, data };
    }
    data.username = c.username;
    if (shape === 'modern' && c.data.login_id !== undefined) data.login_id = c.data.login_id;
    if (c.data.login_at !== undefined) data.login_at = this.date(c.data.login_at as number);
    if (c.data.api_key) data.api_key = c.data.api_key;
    return { type: c.type, data };
  }

  /** Username of the live starter, for visibility checks. */
  ownerName(job: SimJob): string | null {
    return job.owner?.credentials()?.username ?? null;
  }

  /** Middleware restart: every job gone, ids from 1 again; pending `done` promises resolve with the last state. */
  reset(): void {
    this.generation++;
    for (const job of this.jobs.values()) {
      for (const h of job.timers) this.opts.clock.clearTimeout(h);
      job.resolve(this.wire(job, { raw: true }));
    }
    this.jobs.clear();
    this.nextId = 1;
  }

  private emit(kind: JobEventKind, job: SimJob): void {
    this.opts.emit(kind, job);
  }

  private logStamp(): string {
    const d = new Date(this.now());
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  }
}

function detach(owner: JobOwner | null): void {
  if (owner && 'detach' in owner && typeof (owner as { detach: unknown }).detach === 'function') (owner as { detach: () => void }).detach();
}

export function isTerminal(state: JobStateWire): boolean {
  return state === 'SUCCESS' || state === 'FAILED' || state === 'ABORTED';
}

/** First 10 + last 10 lines with "... N more lines ..." between (§5.1). */
export function excerpt(lines: string[]): string {
  if (lines.length <= 20) return lines.map((l) => `${l}\n`).join('');
  const head = lines.slice(0, 10);
  const tail = lines.slice(-10);
  return [...head, `... ${lines.length - 20} more lines ...`, ...tail].map((l) => `${l}\n`).join('');
}

/** error / exception / exc_info of a failed job (§5.1, Appendix A). */
export function describeFailure(
  text: string,
  excType?: string,
): { error: string; exception: string; excInfo: NonNullable<SimJob['excInfo']> } {
  const m = /^\[([A-Z_0-9]+)\]\s*(.*)$/s.exec(text);
  const errname = m?.[1] ?? 'EFAULT';
  const message = m?.[2] ?? text;
  const errno = ERRNO[errname] ?? null;
  const validation = excType === 'VALIDATION' || (excType === undefined && errname === 'EINVAL' && /^[\w.]+: /.test(message));
  if (validation) {
    const idx = message.indexOf(': ');
    const attr = idx > 0 ? message.slice(0, idx) : null;
    const msg = idx > 0 ? message.slice(idx + 2) : message;
    const error = `[${errname}] ${attr ?? 'None'}: ${msg}\n`;
    return {
      error,
      exception:
        'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/middlewared/job.py", line 509, in run\n    await self.future\n' +
        `middlewared.service_exception.ValidationErrors: ${error}`,
      excInfo: {
        repr: `ValidationErrors([ValidationError(${JSON.stringify(attr)}, ${JSON.stringify(msg)}, ${errno})])`,
        type: 'VALIDATION',
        errno: errno ?? ERRNO.EINVAL ?? 22,
        extra: [[attr, msg, errno ?? 22]],
      },
    };
  }
  // "[ERRNAME] msg" is how a CallError renders; any other text is a plain Python exception (str(e) == msg).
  const type = excType ?? (m ? 'CallError' : 'Exception');
  const error = m || type !== 'CallError' ? text : `[${errname}] ${text}`;
  const qualified = type === 'CallError' ? 'middlewared.service_exception.CallError' : type;
  return {
    error,
    exception:
      'Traceback (most recent call last):\n' +
      '  File "/usr/lib/python3/dist-packages/middlewared/job.py", line 509, in run\n    await self.future\n' +
      '  File "/usr/lib/python3/dist-packages/middlewared/job.py", line 554, in __run_body\n    rv = await self.method(*args)\n' +
      `${qualified}: ${error}\n`,
    excInfo: {
      repr: type === 'CallError' ? `CallError(${pyStr(message)}, ${errno ?? 14}, None)` : `${type}(${pyStr(message)})`,
      type,
      errno: type === 'CallError' ? (errno ?? ERRNO.EFAULT ?? 14) : null,
      extra: null,
    },
  };
}

function pyStr(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
