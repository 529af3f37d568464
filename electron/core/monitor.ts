/**
 * The monitor: every server's session and job book, the notification policy and the failure list, behind one
 * MonitorApi. The CLI and the Electron shell are thin clients of this; so is the window's test bridge.
 *
 * The monitor owns no persistence format and no notification rule: it is given a `NotificationPolicy`, a
 * `FailureList`, a `ServerDirectory` (profiles + secrets) and a ledger, which the composition root
 * (`createMonitor` in desktop-monitor.ts) builds from the stores.
 */
import type { ServerId, Transition } from './model';
import type { JobEntry } from './jobs';
import { JobBook } from './jobs';
import type { TransitionLedger } from './ledger';
import { Session, type SessionBook, type SessionBookUpdate, type SessionStatus } from './session';
import { JobFollowup } from './job-followup';
import { isMethodMissing, readServerAccess, rejectStandby } from './server-access';
import type { RpcConnection } from './protocol/connection';
import { DEFAULT_MISSED_RUN_TIMINGS, MissedRunWatch, scheduleViewOf, type ScheduleCheck, type ScheduleCheckStatus } from './missed-runs';
import { JobwatchError } from './errors';
import { silentLogger } from './ports';
import type { CertificateInfo, ConnectionTestResult, LogDownload, MonitorApi, ServerDraft } from './monitor-api';
import type { FailureView, JobDetail, JobView, MonitorDelta, MonitorSnapshot, NotificationView, ServerView } from './view';
import type { Job } from './model';
import { isActiveState, isTerminal } from './model';
import { RunHistory, taskKeyOf } from './history';
import {
  DEFAULT_STALLED_AFTER_MS,
  InsightLog,
  SLOW_MARGIN_MS,
  StallWatch,
  TaskBaselines,
  decideOutcome,
  slowerFigures,
  type Insight,
  type InsightFigures,
  type InsightKind,
} from './insights';
import type { TransitionContext } from './planner';
import { cleanLine } from './notification-text';
import type { MonitorOptions, ServerTarget } from './monitor-ports';
import { MonitorListeners } from './monitor-listeners';
import { NotificationScheduler } from './notification-scheduler';
import { ServerRegistry, secretBinding, targetFromDraft } from './server-registry';
import { RebootSafetyWatch, blocksRestart, rebootSafety, type RebootSafety } from './reboot-safety';
import { jobViewOf, logFileName, serverViewOf, taskHistoryOf, trackRunning, webUiUrl, type ViewedServer } from './monitor-views';
import { english, type Translator } from './i18n/i18n';

export { logFileName, webUiUrl } from './monitor-views';
export type {
  FailureList,
  InsightTimings,
  MonitorOptions,
  NotificationPolicy,
  ServerConnector,
  ServerDirectory,
  ServerTarget,
} from './monitor-ports';

interface ServerRuntime extends ViewedServer {
  target: ServerTarget;
  book: JobBook;
  session: Session;
  status: SessionStatus;
  followup: JobFollowup;
  /** Task definitions and schedules of this server, and the runs they should have produced. */
  schedules: MissedRunWatch;
  /** What the server view last showed of the schedule check, to tell the window only when it changes. */
  scheduleShown: string;
}

/** What to tell about a job the account lost sight of, in `t`'s language. */
function lostNotice(job: Job, count: number, t: Translator): string {
  return t('access.lostNotice', { name: job.description ?? job.method, id: job.id, count });
}

export class Monitor implements MonitorApi {
  private readonly now: () => number;
  private readonly servers = new ServerRegistry<ServerRuntime>();
  private readonly listeners: MonitorListeners;
  private readonly notifications: NotificationScheduler;
  private readonly history: RunHistory;
  /** Each running job's task, slow threshold and usual duration, kept until its task's history changes. */
  private readonly baselines: TaskBaselines;
  private readonly stalls = new StallWatch();
  private readonly insightLog = new InsightLog();
  private readonly safeWatch = new RebootSafetyWatch();
  private insightTimer: ReturnType<typeof setInterval> | null = null;
  private started = false;

  constructor(private readonly options: MonitorOptions) {
    this.now = options.now ?? Date.now;
    this.listeners = new MonitorListeners(options.logger ?? silentLogger);
    this.notifications = new NotificationScheduler(
      options.policy,
      this.now,
      (planned) => {
        for (const notification of planned) this.listeners.emit('notification', notification);
        this.emitDelta({ upserts: [], removals: [], notifications: planned });
      },
      options.notificationHistory ?? 200,
    );
    this.history = options.history ?? new RunHistory({ store: null });
    this.baselines = new TaskBaselines(this.history, options.insights?.slowMarginMs ?? SLOW_MARGIN_MS);
    options.failures.onChange(() => {
      this.emitDelta({ upserts: [], removals: [], failures: this.options.failures.list() });
      for (const runtime of this.servers.values()) this.emitServer(runtime);
    });
  }

  private ledger(): TransitionLedger {
    const { ledger } = this.options;
    return typeof ledger === 'function' ? ledger() : ledger;
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.options.prepare?.();
    for (const target of await this.options.directory.list()) this.follow(target);
    this.insightTimer = setInterval(
      () => this.guarded('the insight check', () => this.checkRunning()),
      this.options.insights?.checkIntervalMs ?? 15_000,
    );
    this.insightTimer.unref?.();
  }

  async stop(): Promise<void> {
    this.started = false;
    for (const runtime of this.servers.values()) runtime.session.stop();
    if (this.insightTimer) clearInterval(this.insightTimer);
    this.insightTimer = null;
    this.notifications.flush();
    await this.history.flush();
    await this.options.flush?.();
  }

  wake(): void {
    for (const runtime of this.servers.values()) runtime.session.wake();
  }

  networkChanged(): void {
    this.wake();
  }

  /** The views' words changed (the language setting): every server's view goes out again, in the new words. */
  refreshServerViews(): void {
    for (const runtime of this.servers.values()) this.emitServer(runtime);
  }

  // ---- listeners ----------------------------------------------------------------------------------------------

  onDelta(listener: (delta: MonitorDelta) => void): () => void {
    return this.listeners.on('delta', listener);
  }
  onTransition(listener: (transition: Transition) => void): () => void {
    return this.listeners.on('transition', listener);
  }
  onNotification(listener: (notification: NotificationView) => void): () => void {
    return this.listeners.on('notification', listener);
  }
  onServerChange(listener: (server: ServerView) => void): () => void {
    return this.listeners.on('server', listener);
  }
  /** Every judged stretch of a schedule that did not run: "missed" (also an insight) or "could not check". */
  onScheduleCheck(listener: (check: ScheduleCheck) => void): () => void {
    return this.listeners.on('schedule', listener);
  }
  /** What the schedule check of a server knows: tasks checked, time zone, notes for the person, counts. */
  scheduleStatus(serverId: string): ScheduleCheckStatus | null {
    return this.servers.get(serverId)?.schedules.status() ?? null;
  }
  /** Every insight as it is decided (notified or not: the rules decide that), at most one of each kind per run. */
  onInsight(listener: (insight: Insight) => void): () => void {
    return this.listeners.on('insight', listener);
  }

  // ---- views --------------------------------------------------------------------------------------------------

  snapshot(): MonitorSnapshot {
    const jobs: JobView[] = [];
    for (const runtime of this.servers.values()) {
      for (const entry of runtime.book.jobs()) jobs.push(this.jobView(runtime, entry));
    }
    return {
      servers: [...this.servers.values()].map((r) => this.serverView(r)),
      jobs,
      failures: this.options.failures.list(),
      notifications: this.notifications.list(),
      pausedUntil: this.options.policy.pausedUntil(),
    };
  }

  failures(): FailureView[] {
    return this.options.failures.list();
  }

  jobDetail(key: string): JobDetail | null {
    const found = this.servers.findJob(key);
    if (!found) return null;
    const { runtime, entry } = found;
    const job = entry.job;
    return {
      ...this.jobView(runtime, entry),
      arguments: job.arguments,
      exception: job.exception,
      excType: job.excInfo?.type ?? null,
      logsExcerpt: job.logsExcerpt,
      credentialsType: job.credentials?.type ?? null,
      webUiUrl: webUiUrl(runtime.target.url),
      history: taskHistoryOf(this.history, runtime.target.id, taskKeyOf(job.method, job.arguments)),
    };
  }

  private serverView(runtime: ServerRuntime): ServerView {
    return {
      ...serverViewOf(runtime, this.options.failures.list(), this.now(), this.options.translator?.()),
      schedules: scheduleViewOf(runtime.schedules.status(), this.options.translator?.()),
    };
  }

  private jobView(runtime: ServerRuntime, entry: JobEntry): JobView {
    return jobViewOf(runtime, entry, this.baselines);
  }

  // ---- servers ------------------------------------------------------------------------------------------------

  private follow(target: ServerTarget): ServerRuntime {
    const book = new JobBook({ server: target.id, ledger: this.ledger() });
    // The session's callbacks run only after start(), by which time `runtime` is assigned.
    let runtime!: ServerRuntime;
    let sentSecret: string | null = null;
    const applyUpdate = (update: SessionBookUpdate) => {
      const runningChanged = trackRunning(runtime.runningKeys, update);
      // Transitions first: a failure reaches the inbox and the planner even if building a view throws below.
      for (const transition of update.transitions) this.handleTransition(transition, runtime);
      // Job views are for the window; the CLI reads transitions only, so without a view listener none is built.
      if (this.listeners.has('delta') && (update.upserts.length > 0 || update.removals.length > 0)) {
        const upserts: JobView[] = [];
        for (const e of update.upserts) this.guarded('a job view', () => upserts.push(this.jobView(runtime, e)));
        this.emitDelta({ upserts, removals: [...update.removals] });
      }
      this.guarded('the run history', () => this.followRuns(runtime, update.upserts, update.removals));
      this.guarded('the schedule check', () => {
        for (const e of update.upserts) runtime.schedules.observe(e.job);
      });
      // The server view changes with the running count and the failures (transitions); a progress event leaves both.
      if (runningChanged || update.transitions.length > 0 || update.removals.length > 0) this.emitServer(runtime);
      if (update.transitions.length > 0 || update.removals.length > 0)
        this.guarded('the restart watch', () => this.settleSafeWatch(target.id));
    };
    const followup = new JobFollowup({
      book,
      call: (method, params) => runtime.session.call(method, params),
      onUpdate: applyUpdate,
      onLost: (job) => {
        if (!runtime.access) return;
        const lostJobs = runtime.access.lostJobs + 1;
        runtime.access = { ...runtime.access, lostJobs, lostNotice: lostNotice(job, lostJobs, this.options.translator?.() ?? english) };
        this.emitServer(runtime);
      },
      ...(this.options.followup ? { timings: this.options.followup } : {}),
      now: this.now,
    });
    // The session drives the book through the follow-up, which learns which jobs still get events.
    const sessionBook: SessionBook = {
      applySnapshot: (rawJobs) => {
        const previous = followup.listedJobs();
        const update = book.applySnapshot(rawJobs);
        followup.heard(update, previous);
        return update;
      },
      applyEvent: (event) => {
        const update = book.applyEvent(event);
        followup.heard(update, null);
        return update;
      },
      markDisconnected: () => book.markDisconnected(),
    };
    const session = new Session({
      server: target.id,
      book: sessionBook,
      connect: () => this.options.connector.connect(runtime.target),
      login: async (connection) => {
        const secret = await this.options.directory.secret(runtime.target.id);
        // Kept for the session to mask in status texts once it has gone to the server (which may echo it).
        sentSecret = secret;
        await this.options.connector.login(connection, runtime.target, secret);
      },
      secretForScrubbing: () => sentSecret,
      afterLogin: async (connection) => {
        await rejectStandby(connection);
        const access = await readServerAccess(connection);
        const lost = runtime.access ?? { lostJobs: 0, lostNotice: null };
        runtime.access = access ? { ...access, lostJobs: lost.lostJobs, lostNotice: lost.lostNotice } : null;
        followup.setRestricted(access !== null && !access.fullAdmin);
      },
      onUpdate: applyUpdate,
      onStatus: (status) => {
        runtime.status = status;
        if (status.state === 'live') followup.start();
        else followup.stop();
        // Definitions are read once the session is live (after login and the job snapshot), then every refresh.
        this.guarded('the schedule check', () => (status.state === 'live' ? runtime.schedules.live() : runtime.schedules.notLive()));
        this.emitServer(runtime);
        if (status.state === 'live') this.guarded('the restart watch', () => this.settleSafeWatch(target.id));
      },
      ...(this.options.timings ? { timings: this.options.timings } : {}),
      now: this.now,
    });
    const schedules = new MissedRunWatch({
      server: target.id,
      call: (method, params) => runtime.session.call(method, params),
      now: this.now,
      sessionClockOffsetMs: () => runtime.status.clockOffsetMs,
      // Unknown access counts as limited: only what the definitions themselves say is used then.
      restrictedRoles: () => (runtime.access === null ? [] : runtime.access.fullAdmin ? null : runtime.access.roles),
      onCheck: (check) => this.scheduleChecked(check),
      // Told on every check (every 10 s): the window hears of it only when what it shows has changed.
      onStatus: (status) => {
        const shown = JSON.stringify(scheduleViewOf(status));
        if (shown === runtime.scheduleShown) return;
        runtime.scheduleShown = shown;
        this.emitServer(runtime);
      },
      toleranceMs: () => this.options.policy.missedRunToleranceMs?.() ?? DEFAULT_MISSED_RUN_TIMINGS.toleranceMs,
      ...(this.options.missedRuns ? { timings: this.options.missedRuns } : {}),
    });
    runtime = {
      target,
      book,
      session,
      status: session.current(),
      followup,
      access: null,
      runningKeys: new Set(),
      schedules,
      scheduleShown: '',
    };
    this.options.policy.setServerMute(target.id, target.muted, target.mutedUntil);
    this.servers.set(target.id, runtime);
    this.emitServer(runtime);
    runtime.session.start();
    return runtime;
  }

  private unfollow(id: ServerId): void {
    const runtime = this.servers.get(id);
    if (!runtime) return;
    runtime.session.stop();
    runtime.followup.stop();
    runtime.schedules.stop();
    this.stalls.forgetServer(id);
    this.baselines.forgetServer(id);
    this.servers.delete(id);
    // The server it waited for may be the one removed.
    const remaining = this.servers.values().next();
    if (!remaining.done) this.guarded('the restart watch', () => this.settleSafeWatch(remaining.value.target.id));
    this.emitDelta({
      upserts: [],
      removals: runtime.book.jobs().map((e) => e.key),
      removedServers: [id],
    });
  }

  async addServer(draft: ServerDraft, secret: string): Promise<ServerView> {
    const name = draft.name.trim();
    if (this.servers.hasName(name)) {
      throw new JobwatchError('INVALID_INPUT', `A server named "${name}" already exists.`);
    }
    const id = this.servers.newId(name);
    const target = targetFromDraft(id, draft);
    await this.options.directory.save(target, secret);
    return this.serverView(this.follow(target));
  }

  async updateServer(id: string, draft: ServerDraft, secret: string | null): Promise<ServerView> {
    const runtime = this.servers.get(id);
    if (!runtime) throw new JobwatchError('NOT_FOUND', `No server with id "${id}".`);
    const target = targetFromDraft(id, draft, runtime.target);
    // A saved secret belongs to the server, sign-in method and user it was entered for. Anything else (a typo, a
    // compromised window pointing it at another host) must not receive it: a new binding needs the secret typed
    // again and a connection test that passes with it, checked here rather than trusted from the window.
    if (secretBinding(runtime.target) !== secretBinding(target)) {
      if (secret === null) {
        throw new JobwatchError(
          'SECRET_REQUIRED',
          `The saved ${runtime.target.auth.method === 'api-key' ? 'API key' : 'password'} of ${runtime.target.name} is kept only for ` +
            'the same address, sign-in method and user. Enter it again to save these changes.',
        );
      }
      const test = await this.testConnection(draft, secret);
      if (!test.ok)
        throw new JobwatchError('SECRET_REQUIRED', `Not saved: the connection test with the new details failed. ${test.message}`);
    }
    await this.options.directory.save(target, secret);
    this.unfollow(id);
    return this.serverView(this.follow(target));
  }

  async removeServer(id: string): Promise<void> {
    this.unfollow(id);
    this.ledger().forget(id);
    this.history.forget(id);
    this.options.failures.acknowledgeServer(id);
    await this.options.directory.remove(id);
  }

  async trustCertificate(serverId: string, fingerprint256: string): Promise<void> {
    const runtime = this.servers.get(serverId);
    if (!runtime) throw new JobwatchError('NOT_FOUND', `No server with id "${serverId}".`);
    const target = { ...runtime.target, fingerprint256 };
    await this.options.directory.save(target, null);
    runtime.target = target;
    runtime.session.wake();
  }

  async muteServer(serverId: string, until: number | null, muted: boolean): Promise<void> {
    const runtime = this.servers.get(serverId);
    if (!runtime) throw new JobwatchError('NOT_FOUND', `No server with id "${serverId}".`);
    runtime.target = { ...runtime.target, muted, mutedUntil: muted ? until : null };
    this.options.policy.setServerMute(serverId, muted, muted ? until : null);
    await this.options.directory.save(runtime.target, null);
    this.emitServer(runtime);
  }

  probeCertificate(url: string): Promise<CertificateInfo> {
    return this.options.connector.probe(url);
  }

  async testConnection(draft: ServerDraft, secret: string, otp?: string): Promise<ConnectionTestResult> {
    const target = targetFromDraft('connection-test', draft);
    let connection: RpcConnection | null = null;
    try {
      connection = await this.options.connector.connect(target);
      await this.options.connector.login(connection, target, secret, otp);
      const jobs = await connection.call('core.get_jobs', [[], { count: true }]).catch(() => null);
      return {
        ok: true,
        flavor: connection.flavor,
        endpoint: connection.url,
        jobs: typeof jobs === 'number' ? jobs : Array.isArray(jobs) ? jobs.length : 0,
      };
    } catch (err) {
      if (!(err instanceof JobwatchError)) {
        return { ok: false, code: 'FAILED', message: err instanceof Error ? err.message : String(err) };
      }
      const result: ConnectionTestResult = { ok: false, code: err.code, message: err.message };
      if (err.code === 'CERT_UNTRUSTED' || err.code === 'CERT_CHANGED') {
        const certificate = await this.options.connector.probe(draft.url).catch(() => null);
        if (certificate) result.certificate = certificate;
      }
      if (err.code === 'OTP_REQUIRED') result.otpRequired = true;
      return result;
    } finally {
      connection?.close(1000, 'connection test done');
    }
  }

  // ---- job actions --------------------------------------------------------------------------------------------

  async abortJob(key: string): Promise<void> {
    const found = this.servers.findJob(key);
    if (!found) throw new JobwatchError('NOT_FOUND', 'That job is no longer known.');
    if (!isActiveState(found.entry.job.state)) {
      throw new JobwatchError('INVALID_INPUT', `The job has already ended (${found.entry.job.state}).`);
    }
    await found.runtime.session.call('core.job_abort', [found.entry.job.id]);
  }

  async downloadJobLog(key: string): Promise<LogDownload> {
    const found = this.servers.findJob(key);
    if (!found) throw new JobwatchError('NOT_FOUND', 'That job is no longer known.');
    const { job } = found.entry;
    if (!job.logsPath) throw new JobwatchError('INVALID_INPUT', 'This job has no log.');
    const { runtime } = found;
    const filename = logFileName(runtime.target.name, job.id);
    const timeoutMs = this.options.logDownloadTimeoutMs ?? 60_000;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new JobwatchError(
          'TIMEOUT',
          `The log download from ${runtime.target.name} did not finish within ${Math.round(timeoutMs / 1000)} s. Try again; if it keeps happening, download it in the TrueNAS web interface.`,
        );
        abort.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      const content = await Promise.race([this.fetchJobLog(runtime, job.id, job.logsPath, filename, abort.signal), deadline]);
      return { filename, content };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * `core.job_download_logs(id, filename)` (SCALE 24.04+) answers the /_download URL. Where it does not exist (CORE
   * 13, SCALE before 24.04), `core.download('filesystem.get', [logs_path], filename, false)` runs the same read as
   * a download job and answers [job id, URL] (TN-13.3 `service.py` `download`, `plugins/filesystem.py` `get`).
   */
  private async fetchJobLog(
    runtime: ServerRuntime,
    jobId: number,
    logsPath: string,
    filename: string,
    signal: AbortSignal,
  ): Promise<string> {
    let path: unknown;
    try {
      path = await runtime.session.call('core.job_download_logs', [jobId, filename]);
    } catch (err) {
      if (!isMethodMissing(err)) throw err;
      const reply = await runtime.session.call('core.download', ['filesystem.get', [logsPath], filename, false]);
      path = Array.isArray(reply) ? reply[1] : undefined;
    }
    if (typeof path !== 'string' || !path.startsWith('/') || path.length > 4096) {
      throw new JobwatchError('BAD_FRAME', 'The server did not return a download link for the log.');
    }
    const endpoint = runtime.status.endpoint;
    if (!endpoint) throw new JobwatchError('CONNECTION_CLOSED', `${runtime.target.name} is not connected right now.`);
    if (signal.aborted) throw signal.reason;
    return this.options.connector.download(runtime.target, endpoint, path, { signal });
  }

  // ---- notifications and failures ------------------------------------------------------------------------------

  private handleTransition(transition: Transition, runtime: ServerRuntime): void {
    // What the task's history says (fixed, still failing), decided before this run joins it. Never allowed to
    // stand in the way of the failure list and the notification below.
    let decided: ReturnType<typeof decideOutcome> = null;
    let task: string | undefined;
    if (!transition.transient) {
      this.guarded('the run history', () => {
        const job = runtime.book.get(transition.key)?.job;
        const taskKey = taskKeyOf(transition.method, job?.arguments ?? []);
        task = taskKey;
        decided = decideOutcome(this.history.before(transition.server, taskKey, transition.key, transition.timeStarted), transition.to);
        this.history.record(transition.server, taskKey, {
          jobKey: transition.key,
          jobId: transition.jobId,
          description: transition.description,
          outcome: transition.to,
          error: transition.error,
          timeStarted: transition.timeStarted,
          timeFinished: transition.timeFinished,
        });
      });
    }
    const outcome = decided as ReturnType<typeof decideOutcome>;
    // The promise first: the failure is kept and its notification planned before anyone else can throw.
    // Transient jobs (the middleware's own housekeeping, e.g. alert.process_alerts) are never the user's failures.
    if (transition.to === 'FAILED' && !transition.transient) {
      this.guarded('the failure list', () => this.options.failures.add(transition, this.now(), task === undefined ? {} : { task }));
    }
    const context: TransitionContext | undefined = outcome?.kind === 'still-failing' ? { stillFailing: outcome.failedRuns } : undefined;
    this.guarded('the notification planner', () => this.options.policy.push(transition, this.now(), context));
    if (outcome && task !== undefined) {
      const figures: InsightFigures = { failedRuns: outcome.failedRuns };
      const insight = this.insightOf(
        outcome.kind,
        transition.server,
        transition.key,
        transition,
        task,
        figures,
        transition.catchUp,
        outcome.previousError,
      );
      // "Still failing" is told by the failure's own notification; "fixed" is a notification of its own.
      this.raiseInsight(insight, outcome.kind === 'fixed');
    }
    this.notifications.schedule();
    this.listeners.emit('transition', transition);
  }

  private insightOf(
    kind: InsightKind,
    server: ServerId,
    key: string,
    job: Pick<Job, 'method' | 'description' | 'timeStarted'> & { jobId?: number; id?: number },
    task: string,
    figures: InsightFigures,
    catchUp: boolean,
    detail: string | null = null,
  ): Insight {
    return {
      kind,
      server,
      key,
      jobId: job.jobId ?? job.id ?? null,
      method: job.method,
      task,
      description: job.description,
      timeStarted: job.timeStarted,
      catchUp,
      figures,
      detail,
      at: this.now(),
    };
  }

  /**
   * A missed run becomes a `missed-run` insight (notified through the rules like the others, once per due time);
   * "could not check" is only told to schedule listeners (NDJSON `schedule-check`) and the server view: it is no
   * failure of the server.
   */
  private scheduleChecked(check: ScheduleCheck): void {
    this.listeners.emit('schedule', check);
    if (check.outcome !== 'missed') return;
    this.raiseInsight(
      {
        kind: 'missed-run',
        server: check.server,
        key: null,
        jobId: null,
        method: check.method,
        task: check.task,
        description: check.name,
        timeStarted: null,
        catchUp: false,
        figures: {
          expectedAt: check.dueAt,
          lastExpectedAt: check.lastDueAt,
          count: check.count,
          toleranceMs: check.toleranceMs,
          lastRunAt: check.lastRunAt,
        },
        detail: check.message,
        at: this.now(),
        schedule: { expression: check.schedule, timezone: check.timezone, dueAt: check.dueAt },
      },
      true,
    );
  }

  /** Once per run and kind: told to listeners and, when `notify`, planned as a notification. */
  private raiseInsight(insight: Insight, notify: boolean): void {
    const run = insight.key ?? `${insight.server}\u0000${insight.task}\u0000${String(insight.figures['expectedAt'] ?? '')}`;
    if (!this.insightLog.claim(insight.kind, run)) return;
    if (notify && this.options.policy.pushInsight) {
      this.guarded('the notification planner', () => this.options.policy.pushInsight?.(insight, this.now()));
      this.notifications.schedule();
    }
    this.listeners.emit('insight', insight);
  }

  /**
   * Keeps the run history and the progress watch up to date with the book: finished jobs join the history (the
   * first snapshot seeds it with what the server still lists), running ones are watched for progress.
   */
  private followRuns(runtime: ServerRuntime, upserts: readonly JobEntry[], removals: readonly string[]): void {
    const server = runtime.target.id;
    for (const key of removals) {
      this.stalls.forget(key);
      this.baselines.forget(key);
    }
    for (const entry of upserts) {
      const job = entry.job;
      if (job.transient) continue;
      if (isTerminal(job.state)) {
        this.stalls.forget(entry.key);
        this.baselines.forget(entry.key);
        this.history.record(server, taskKeyOf(job.method, job.arguments), {
          jobKey: entry.key,
          jobId: job.id,
          description: job.description,
          outcome: job.state,
          error: job.error,
          timeStarted: job.timeStarted,
          timeFinished: job.timeFinished,
        });
      } else if (job.state === 'RUNNING') {
        // Slower than usual is a matter of elapsed time, not of events: the periodic look (checkRunning) judges it.
        this.stalls.observe(entry.key, server, job.progress.percent, job.progress.description, this.now());
      }
    }
  }

  private checkSlower(runtime: ServerRuntime, entry: JobEntry): void {
    const job = entry.job;
    if (job.state !== 'RUNNING' || job.transient || job.timeStarted === null) return;
    // The threshold is kept per job until its task's history changes; the elapsed time is compared every time.
    const { task, slow } = this.baselines.of(runtime.target.id, entry.key, job);
    const serverNow = this.now() - runtime.status.clockOffsetMs;
    const figures = slowerFigures(serverNow - job.timeStarted, slow);
    if (figures) this.raiseInsight(this.insightOf('slower-than-usual', runtime.target.id, entry.key, job, task, figures, false), true);
  }

  /** The periodic look at running jobs: slower than usual, stalled (live time only). */
  private checkRunning(): void {
    const thresholdMs = this.options.insights?.stalledAfterMs ?? this.options.policy.stalledAfterMs?.() ?? DEFAULT_STALLED_AFTER_MS;
    const stalled = this.stalls.tick(this.now(), (server) => this.servers.get(server)?.status.state === 'live', thresholdMs);
    for (const runtime of this.servers.values()) {
      if (runtime.status.state !== 'live') continue;
      for (const entry of runtime.book.jobs()) if (entry.job.state === 'RUNNING') this.checkSlower(runtime, entry);
    }
    for (const { key, quietMs } of stalled) {
      const found = this.servers.findJob(key);
      if (!found || found.entry.job.state !== 'RUNNING') {
        this.stalls.forget(key);
        continue;
      }
      const { runtime, entry } = found;
      const job = entry.job;
      const figures: InsightFigures = {
        stalledForMs: quietMs,
        thresholdMs,
        percent: job.progress.percent,
      };
      const progress = job.progress.description === null ? null : cleanLine(job.progress.description, 200) || null;
      this.raiseInsight(
        this.insightOf('stalled', runtime.target.id, key, job, taskKeyOf(job.method, job.arguments), figures, false, progress),
        true,
      );
    }
  }

  private guarded(what: string, run: () => void): void {
    this.listeners.guarded(what, run);
  }

  acknowledge(key: string): void {
    this.options.failures.acknowledge(key);
  }
  acknowledgeServer(serverId: string): void {
    this.options.failures.acknowledgeServer(serverId);
  }
  acknowledgeAll(): void {
    this.options.failures.acknowledgeAll();
  }

  watchJob(key: string): void {
    this.options.policy.watchJob(key);
  }

  watchServer(serverId: string): void {
    const runtime = this.servers.get(serverId);
    if (!runtime) return;
    this.options.policy.watchServer(serverId, [...runtime.runningKeys]);
  }

  rebootSafety(): RebootSafety {
    return { ...rebootSafety(this.snapshot(), this.options.translator?.()), watching: this.safeWatch.watching };
  }

  /** "Tell me when it is safe": waits until every server is live with nothing running (core/reboot-safety.ts). */
  watchAllServers(): void {
    if (!this.options.policy.watchAllServers) return;
    if (this.safeWatch.start(this.safeToRestart())) this.options.policy.watchAllServers();
  }

  /** Every server live and none running a job that blocks a restart; linear in jobs, asked only while watching. */
  private safeToRestart(): boolean {
    for (const runtime of this.servers.values()) {
      if (runtime.status.state !== 'live') return false;
      for (const e of runtime.book.jobs())
        if (blocksRestart({ transient: e.job.transient, onServer: e.onServer, state: e.job.state })) return false;
    }
    return true;
  }

  /** After a change that can make it safe (a job ended or left, a server went live or away): the watch's one notification. */
  private settleSafeWatch(server: ServerId): void {
    if (!this.safeWatch.watching || !this.safeWatch.settle(this.safeToRestart())) return;
    this.guarded('the notification planner', () => this.options.policy.allServersSafe?.(server, this.now()));
    this.notifications.schedule();
  }

  pauseNotifications(until: number | null): void {
    this.options.policy.setPausedUntil(until);
    this.options.onPausedChange?.(until);
    this.emitDelta({ upserts: [], removals: [], pausedUntil: until });
  }

  // ---- emit ---------------------------------------------------------------------------------------------------

  private emitDelta(delta: MonitorDelta): void {
    this.listeners.emit('delta', delta);
  }

  private emitServer(runtime: ServerRuntime): void {
    if (!this.servers.has(runtime.target.id)) return;
    const view = this.serverView(runtime);
    this.listeners.emit('server', view);
    this.emitDelta({ upserts: [], removals: [], servers: [view] });
  }
}
