/**
 * One server's connection state machine:
 *   connecting → authenticating → subscribing → syncing → live
 * with capped, fully jittered backoff on failure, and a final `needs-attention` state for errors only the user
 * can fix (credentials, certificate, insecure transport). A credential that has signed in before in this session
 * and is then refused (AUTH_ERR: key deleted, directory service down) stays in needs-attention but is tried again
 * every few minutes, so it is not a dead end once the server accepts it again. While live: `core.ping` every 20 s
 * with a timeout (a missed pong means a half-open socket: replace it), and now and then an authenticated call,
 * because an expired TrueNAS session stays connected, still answers pings and silently stops sending job events.
 */
import type { CollectionEvent, RpcConnection } from './protocol/connection';
import type { SessionState, ServerId, Transition } from './model';
import type { JobEntry } from './jobs';
import { JobwatchError, RpcError, isCredentialError, isFinalError, isJobwatchError, mayRecoverLater, type ErrorCode } from './errors';
import { refusedAfterWorking } from './auth';
import { cleanStatusText, scrubSecret } from './status-text';

/**
 * Every status and attention text is one clean line of at most this many characters. Our own messages (advice
 * included) fit; words from the server inside them are cut to STATUS_TEXT_MAX (300) first.
 */
const STATUS_LINE_MAX = 1000;

export const JOBS_COLLECTION = 'core.get_jobs';

/** The slice of JobBook the session drives (kept narrow so tests can use the real book or a recorder). */
export interface SessionBook {
  applySnapshot(rawJobs: unknown[]): SessionBookUpdate;
  applyEvent(event: CollectionEvent): SessionBookUpdate;
  markDisconnected(): void;
}
export interface SessionBookUpdate {
  upserts: readonly JobEntry[];
  removals: readonly string[];
  transitions: readonly Transition[];
}

export interface SessionTimings {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** How often to prove the TrueNAS session is still authenticated. */
  authCheckIntervalMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** Once live this long, the next failure starts the backoff from the beginning again. */
  stableAfterMs: number;
  snapshotTimeoutMs: number;
  /**
   * Slow retry of a credential that worked before and is now refused: first ceiling, doubling up to the cap. Each
   * refused login costs a server-side delay and counts toward lockout (faillock in STIG mode); TrueNAS rate limits
   * unauthenticated calls at 20 per method per minute from one address (`utils/rate_limit/cache.py`), far above this.
   */
  credentialRetryBaseMs: number;
  credentialRetryCapMs: number;
}

export const DEFAULT_TIMINGS: SessionTimings = {
  pingIntervalMs: 20_000,
  pingTimeoutMs: 10_000,
  authCheckIntervalMs: 5 * 60_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  stableAfterMs: 60_000,
  snapshotTimeoutMs: 60_000,
  credentialRetryBaseMs: 2 * 60_000,
  credentialRetryCapMs: 30 * 60_000,
};

export interface SessionStatus {
  state: SessionState;
  detail: string;
  retryAt: number | null;
  attention: { code: ErrorCode; message: string } | null;
  /** The code of the problem a backoff retries after (its message is `detail`); absent or null otherwise. */
  problemCode?: ErrorCode | null;
  flavor: RpcConnection['flavor'] | null;
  endpoint: string | null;
  badFrames: number;
  /** Desktop clock minus server clock, estimated from job creation times (ms). */
  clockOffsetMs: number;
}

export interface SessionOptions {
  server: ServerId;
  book: SessionBook;
  /** Opens a connection (endpoint resolution, TLS policy) — `openConnection` in production. */
  connect: () => Promise<RpcConnection>;
  /** Logs in on a fresh connection — `authenticate` with this server's credentials in production. */
  login: (connection: RpcConnection) => Promise<void>;
  /**
   * Runs right after a successful login, before subscribing: reads what the account may see and whether this is an
   * HA standby. A final error it throws (a standby controller) ends in needs-attention like a refused login.
   */
  afterLogin?: (connection: RpcConnection) => Promise<void>;
  /**
   * The secret the last login sent (API key or password), or null: masked in every status and attention text, so
   * a server that echoes it (a close reason, an error reason) does not put it in views, NDJSON, IPC or the tray.
   */
  secretForScrubbing?: () => string | null;
  onUpdate: (update: SessionBookUpdate) => void;
  onStatus?: (status: SessionStatus) => void;
  timings?: Partial<SessionTimings>;
  now?: () => number;
  random?: () => number;
}

function describeError(err: unknown): { code: ErrorCode; message: string } {
  // An error reply's message is the server's own words (middleware reason, possibly a traceback line).
  if (err instanceof RpcError) return { code: err.code, message: cleanStatusText(err.message) };
  if (err instanceof JobwatchError) {
    // The person needs the fingerprint to compare it with the server's and to trust it (--fingerprint, or the UI).
    const certificate = err.details['certificate'] as { fingerprint256?: unknown } | undefined;
    const fingerprint = err.details['fingerprint256'] ?? certificate?.fingerprint256;
    if ((err.code === 'CERT_UNTRUSTED' || err.code === 'CERT_CHANGED') && typeof fingerprint === 'string') {
      return { code: err.code, message: `${err.message} Certificate SHA-256 fingerprint: ${fingerprint}` };
    }
    return { code: err.code, message: err.message };
  }
  if (err instanceof Error) return { code: 'FAILED', message: cleanStatusText(err.message) };
  return { code: 'FAILED', message: cleanStatusText(String(err)) };
}

/**
 * Desktop clock minus server clock from `added` events, robust to a bogus sample: one job whose `time_started` was
 * set from elsewhere (an HA copy, a job re-added after a restart, a server clock fixed by NTP mid-run) must not
 * shift every time shown. The estimate is the median of the last few samples; a sample more than a few minutes
 * from it is set aside, and replaces the estimate only when several in a row agree with one another (the server's
 * clock really was changed).
 */
export class ClockOffsetEstimator {
  static readonly WINDOW = 9;
  static readonly OUTLIER_MS = 3 * 60_000;
  static readonly AGREEING = 3;
  private samples: number[] = [];
  private outliers: number[] = [];
  private estimate = 0;

  /** Adds one sample (ms); returns the estimate, rounded to whole seconds (server dates are whole seconds). */
  add(sampleMs: number): number {
    const { WINDOW, OUTLIER_MS, AGREEING } = ClockOffsetEstimator;
    if (this.samples.length > 0 && Math.abs(sampleMs - this.estimate) > OUTLIER_MS) {
      this.outliers.push(sampleMs);
      if (this.outliers.length > AGREEING) this.outliers.shift();
      const centre = median(this.outliers);
      const agree = this.outliers.length === AGREEING && this.outliers.every((o) => Math.abs(o - centre) <= OUTLIER_MS);
      if (!agree) return this.current();
      this.samples = this.outliers;
      this.outliers = [];
    } else {
      this.outliers = [];
      this.samples.push(sampleMs);
      if (this.samples.length > WINDOW) this.samples.shift();
    }
    this.estimate = median(this.samples);
    return this.current();
  }

  current(): number {
    return Math.round(this.estimate / 1000) * 1000;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export class Session {
  private readonly timings: SessionTimings;
  private readonly now: () => number;
  private readonly random: () => number;
  private status: SessionStatus = {
    state: 'idle',
    detail: 'Not started',
    retryAt: null,
    attention: null,
    flavor: null,
    endpoint: null,
    badFrames: 0,
    clockOffsetMs: 0,
  };
  private connection: RpcConnection | null = null;
  /** Bumped on every (re)connect so callbacks of an abandoned attempt are ignored. */
  private generation = 0;
  private attempt = 0;
  private liveSince: number | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastAuthCheck = 0;
  private badFramesBefore = 0;
  private stopped = true;
  /** The server accepted this session's credential at least once: a later refusal may be temporary. */
  private credentialAccepted = false;
  /** Slow retries since the credential was last accepted. */
  private credentialAttempt = 0;
  private readonly clock = new ClockOffsetEstimator();

  constructor(private readonly options: SessionOptions) {
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  get server(): ServerId {
    return this.options.server;
  }

  current(): SessionStatus {
    return this.status;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    void this.connectOnce();
  }

  /**
   * Reconnect at once (after sleep, unlock or a network change), also out of backoff or needs-attention — except
   * when the server refused the credential: sending it again would only cost another failed login. A slow retry
   * already scheduled for it keeps its time; a user who fixes the credential restarts the session.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.status.state === 'needs-attention' && isCredentialError(this.status.attention?.code)) return;
    this.attempt = 0;
    this.abandonConnection('reconnecting after wake');
    void this.connectOnce();
  }

  stop(): void {
    this.stopped = true;
    this.abandonConnection('stopped');
    this.setStatus({ state: 'stopped', detail: 'Stopped', retryAt: null });
  }

  /** A call on the live connection (abort a job, download a log…). */
  async call(method: string, params: unknown[] = []): Promise<unknown> {
    const connection = this.connection;
    if (!connection || this.status.state !== 'live') {
      throw new JobwatchError('CONNECTION_CLOSED', `${this.options.server} is not connected right now.`);
    }
    return connection.call(method, params);
  }

  private setStatus(patch: Partial<SessionStatus>): void {
    // Only a backoff names the problem it retries after; a change to any other state clears it.
    const safe: Partial<SessionStatus> = patch.state !== undefined ? { problemCode: null, ...patch } : { ...patch };
    if (patch.detail !== undefined) safe.detail = this.safeText(patch.detail);
    if (patch.attention) safe.attention = { code: patch.attention.code, message: this.safeText(patch.attention.message) };
    this.status = { ...this.status, ...safe };
    this.options.onStatus?.(this.status);
  }

  /**
   * The active secret masked, then one bounded clean line, then masked again: cleaning removes invisible characters
   * a server could have put inside the echoed secret to dodge the first pass.
   */
  private safeText(text: string): string {
    const secret = this.options.secretForScrubbing?.() ?? null;
    return scrubSecret(cleanStatusText(scrubSecret(text, secret), STATUS_LINE_MAX), secret);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = null;
    this.pingTimer = null;
  }

  private abandonConnection(reason: string): void {
    this.generation += 1;
    this.clearTimers();
    const connection = this.connection;
    this.connection = null;
    if (connection) {
      this.badFramesBefore += connection.stats.badFrames;
      if (!connection.closed) connection.close(1000, reason);
      this.options.book.markDisconnected();
    }
    this.liveSince = null;
  }

  private async connectOnce(): Promise<void> {
    this.clearTimers();
    const generation = ++this.generation;
    const stale = () => generation !== this.generation || this.stopped;
    let connection: RpcConnection | null = null;
    try {
      this.setStatus({ state: 'connecting', detail: 'Connecting…', retryAt: null, attention: null });
      connection = await this.options.connect();
      if (stale()) {
        connection.close(1000, 'superseded');
        return;
      }
      this.connection = connection;
      this.setStatus({ flavor: connection.flavor, endpoint: connection.url });
      connection.onClose((info) => {
        if (generation !== this.generation || info.local) return;
        this.onConnectionLost(
          // The reason is the server's text (up to 123 bytes by the WebSocket protocol, but cleaned all the same).
          new JobwatchError(
            'CONNECTION_CLOSED',
            `Connection closed (${info.code}${info.reason ? `: ${cleanStatusText(info.reason)}` : ''}).`,
          ),
        );
      });
      connection.onBadFrame(() => {
        if (generation === this.generation) this.setStatus({ badFrames: this.badFramesBefore + connection!.stats.badFrames });
      });

      this.setStatus({ state: 'authenticating', detail: 'Signing in…' });
      await this.options.login(connection);
      if (stale()) return;

      this.credentialAccepted = true;
      this.credentialAttempt = 0;
      if (this.options.afterLogin) {
        await this.options.afterLogin(connection);
        if (stale()) return;
      }
      // Subscribe first, then snapshot, then replay what arrived meanwhile: the server sends no snapshot on
      // subscribe, and anything that changes between the two must not be lost.
      this.setStatus({ state: 'subscribing', detail: 'Subscribing to jobs…' });
      let buffer: CollectionEvent[] | null = [];
      connection.onEvent((event) => {
        if (generation !== this.generation || event.collection !== JOBS_COLLECTION) return;
        if (buffer) buffer.push(event);
        else this.applyEvent(event);
      });
      await connection.subscribe(JOBS_COLLECTION);
      if (stale()) return;

      this.setStatus({ state: 'syncing', detail: 'Loading jobs…' });
      let snapshot: unknown = await connection.call('core.get_jobs', [[], { order_by: ['id'] }], {
        timeoutMs: this.timings.snapshotTimeoutMs,
      });
      if (stale()) return;
      if (!Array.isArray(snapshot)) {
        throw new JobwatchError('BAD_FRAME', 'The server answered core.get_jobs with something that is not a list.');
      }
      const update = this.options.book.applySnapshot(snapshot);
      // The raw job objects (a few MiB for 1 000 jobs) are garbage from here: not kept alive while the update is handled.
      snapshot = null;
      this.options.onUpdate(update);
      const replay = buffer;
      buffer = null;
      for (const event of replay) this.applyEvent(event);

      this.liveSince = this.now();
      this.lastAuthCheck = this.now();
      this.setStatus({ state: 'live', detail: 'Live', retryAt: null, attention: null });
      this.pingTimer = setInterval(() => void this.keepAlive(generation), this.timings.pingIntervalMs);
    } catch (err) {
      if (stale()) return;
      this.onConnectionLost(err);
    }
  }

  private applyEvent(event: CollectionEvent): void {
    if (event.msg === 'added' && event.fields) this.sampleClock(event.fields['time_started']);
    this.options.onUpdate(this.options.book.applyEvent(event));
  }

  /** A job's creation time is "now" on the server when it is added: the gap to our clock is one sample of the offset. */
  private sampleClock(timeStarted: unknown): void {
    if (typeof timeStarted !== 'object' || timeStarted === null) return;
    const ms = (timeStarted as { $date?: unknown }).$date;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) return;
    const offset = this.clock.add(this.now() - ms);
    if (offset !== this.status.clockOffsetMs) this.setStatus({ clockOffsetMs: offset });
  }

  private async keepAlive(generation: number): Promise<void> {
    const connection = this.connection;
    if (!connection || generation !== this.generation) return;
    try {
      await connection.ping(this.timings.pingTimeoutMs);
      if (this.now() - this.lastAuthCheck >= this.timings.authCheckIntervalMs) {
        this.lastAuthCheck = this.now();
        // Cheap and authenticated: fails with ENOTAUTHENTICATED once the TrueNAS session has expired.
        await connection.call('core.get_jobs', [[['id', '=', -1]]], { timeoutMs: this.timings.pingTimeoutMs });
      }
    } catch (err) {
      if (generation !== this.generation) return;
      const reason = isJobwatchError(err, 'TIMEOUT')
        ? new JobwatchError('TIMEOUT', 'The server stopped answering (no reply to ping); reconnecting.')
        : isJobwatchError(err, 'NOT_AUTHENTICATED')
          ? new JobwatchError('NOT_AUTHENTICATED', 'The TrueNAS session expired; signing in again.')
          : err;
      this.onConnectionLost(reason);
    }
  }

  private onConnectionLost(err: unknown): void {
    if (this.stopped) return;
    const wasStable = this.liveSince !== null && this.now() - this.liveSince >= this.timings.stableAfterMs;
    this.abandonConnection('reconnecting');
    const problem = describeError(err);
    if (isFinalError(err)) {
      if (this.credentialAccepted && mayRecoverLater(err)) {
        this.retryCredentialLater(err as JobwatchError);
        return;
      }
      this.setStatus({ state: 'needs-attention', detail: problem.message, retryAt: null, attention: problem });
      return;
    }
    if (wasStable) this.attempt = 0;
    // Full jitter: a random delay in [0, min(cap, base·2^attempt)], so many clients do not reconnect in step.
    const ceiling = Math.min(this.timings.backoffCapMs, this.timings.backoffBaseMs * 2 ** this.attempt);
    const delay = Math.floor(this.random() * ceiling);
    this.attempt += 1;
    const retryAt = this.now() + delay;
    this.setStatus({ state: 'backoff', detail: problem.message, retryAt, attention: null, problemCode: problem.code });
    this.retryTimer = setTimeout(() => void this.connectOnce(), delay);
  }

  /** Needs-attention at once, and one more login after minutes: base·2^n up to the cap, a random ¾–1 of that. */
  private retryCredentialLater(err: JobwatchError): void {
    const ceiling = Math.min(this.timings.credentialRetryCapMs, this.timings.credentialRetryBaseMs * 2 ** this.credentialAttempt);
    const delay = Math.floor(ceiling * (0.75 + 0.25 * this.random()));
    this.credentialAttempt += 1;
    const attention = { code: err.code, message: refusedAfterWorking(err) };
    this.setStatus({ state: 'needs-attention', detail: attention.message, retryAt: this.now() + delay, attention });
    this.retryTimer = setTimeout(() => void this.connectOnce(), delay);
  }
}
