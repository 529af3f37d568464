/**
 * Public types of the TrueNAS simulator: options, accounts, job specs and the wire job object it emits.
 * The wire shapes follow docs/protocol.md (§2, §3, §5); nothing here is imported from the core
 * except for reference.
 */

/** Which TrueNAS release the simulator imitates (docs/protocol.md §1.2). */
export const SIM_VERSIONS = ['core13', '24.10', '25.04', '25.10', '26.0', '27.0'] as const;
export type SimVersion = (typeof SIM_VERSIONS)[number];

export type JobStateWire = 'WAITING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'ABORTED';
export type Outcome = 'SUCCESS' | 'FAILED' | 'ABORTED';

export interface EjsonDate {
  $date: number;
}

/** A job exactly as it goes on the wire (fields absent in older versions are omitted, §5.1 field history). */
export interface WireJob {
  id: number;
  message_ids?: Array<string | number>;
  method: string;
  arguments: unknown[];
  transient?: boolean;
  description?: string | null;
  abortable?: boolean;
  logs_path: string | null;
  logs_excerpt: string | null;
  progress: { percent: number | null; description: string | null; extra: unknown };
  result: unknown;
  result_encoding_error?: unknown;
  error: string | null;
  exception: string | null;
  exc_info: Record<string, unknown> | null;
  state: JobStateWire;
  time_started: EjsonDate | null;
  time_finished: EjsonDate | null;
  credentials?: { type: string; data: Record<string, unknown> } | null;
}

/** An account the simulator accepts. */
export interface SimUser {
  username: string;
  password?: string;
  /** Full API keys, "<id>-<64 chars>". */
  apiKeys?: string[];
  /** When set, a password login answers OTP_REQUIRED and this fixed code completes it. */
  otp?: string;
  /** FULL_ADMIN role: sees and may abort every job. Default false. */
  fullAdmin?: boolean;
  /** Further roles, e.g. "READONLY_ADMIN", "CLOUD_SYNC_READ", "REPLICATION_TASK_READ". */
  roles?: string[];
  /** The user's logins answer REDIRECT (as on the BACKUP controller of an HA pair). */
  haStandby?: boolean;
  /** URLs sent with REDIRECT. */
  redirectUrls?: string[];
  /** Password/account expired: logins answer EXPIRED. */
  expired?: boolean;
  /** Valid credential but no privilege granting API access: DENIED on 26+, AUTH_ERR before. */
  noApiAccess?: boolean;
}

/** Who started a job, as reported in `credentials` (§5.1). */
export interface StartedBy {
  username: string;
  /** Credential type, default "UNIX_SOCKET" (a cron `midclt` call). */
  type?: string;
  /**
   * When the starting connection goes away. "queued" (default): right after the `added` event, like a cron
   * midclt call; from 25.10 every later event then carries `credentials: null` and an account without full admin
   * no longer sees the job (before 25.10 the credentials stay). "never": stays connected.
   */
  detach?: 'queued' | 'never';
}

export interface ProgressStep {
  percent?: number | null;
  description?: string;
  /** Offset from the start of RUNNING in (unscaled) ms; defaults to an even spread over durationMs. */
  atMs?: number;
  /** Line appended to the job log (logs jobs); default "<timestamp> INFO  : <description>". */
  log?: string;
}

/** What `startJob` and scenarios start. */
export interface JobSpec {
  method: string;
  arguments?: unknown[];
  description?: string | null;
  transient?: boolean;
  abortable?: boolean;
  /** The job writes a log (logs_path set when RUNNING, logs_excerpt at the end, downloadable). */
  logs?: boolean;
  /** Time spent WAITING before RUNNING (unscaled ms), default 0. */
  waitMs?: number;
  /** Time from RUNNING to the outcome (unscaled ms), default 1000. */
  durationMs?: number;
  progress?: ProgressStep[];
  /** Percent reported just before the outcome (a SUCCESS below 100 gives two SUCCESS events). */
  finalPercent?: number;
  outcome?: Outcome;
  /** Error text for FAILED: "[EFAULT] Failed to connect to remote host." (a CallError) or plain text (an Exception). */
  error?: string;
  /** exc_info.type for FAILED; default "CallError" for "[ERRNAME] …" texts ("VALIDATION" for "[EINVAL] attr: msg"), else "Exception". */
  excType?: string;
  /** Job result on SUCCESS (events carry it raw; core.get_jobs redacts secret-looking keys). */
  result?: unknown;
  /** null/absent: an internal job (credentials null). */
  startedBy?: StartedBy | null;
  /** Never progress or finish on its own: drive it with finishJob / the handle. */
  manual?: boolean;
  /** Ignore core.job_abort (26+ cooperative aborts of thread jobs). Default false. */
  ignoresAbort?: boolean;
  messageIds?: Array<string | number>;
}

/** Returned by `startJob`. */
export interface SimJobHandle {
  id: number;
  /** Resolves with the last wire state once the job is terminal, or is lost in a middleware restart. */
  done: Promise<WireJob>;
  progress(percent: number | null, description?: string): void;
  finish(outcome: Outcome, opts?: { error?: string; result?: unknown }): void;
}

/** Injectable time source for jobs, scenarios and server dates. Network timers (idle cut-off, login delays) use real time. */
export interface SimClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SimulatorOptions {
  port?: number;
  host?: string;
  /** true: generate a self-signed certificate; or provide one (PEM). */
  tls?: boolean | { cert: string; key: string };
  version?: SimVersion;
  users?: SimUser[];
  /** nginx cut-off after this long without server→client data; 0 disables. Default per version (see ./versions: 60 000, or 3 600 000 from 26). */
  idleTimeoutMs?: number;
  /** Time scale for job durations and scenario waits (2 = twice as fast). Default 1. */
  speed?: number;
  clock?: SimClock;
  /** NAS clock skew added to every server date, default 0. */
  clockSkewMs?: number;
  maxJobs?: number;
  /** Delay of a failed login (real server: 1–2 s). Default 1000. */
  failDelayMs?: number;
  /** Treat loopback peers as remote, so ws:// counts as an insecure transport. Default false. */
  insecureLoopback?: boolean;
  /** Unauthenticated no-auth call limit per (method, peer); false disables. Default 20 per 60 000 ms. */
  rateLimit?: { calls: number; windowMs: number } | false;
  /** Delay before a rate-limit error (real: random 1–10 s). Default 1000. */
  rateLimitDelayMs?: number;
  /** How long connections are refused after restartMiddleware(). Default 2000. */
  restartDowntimeMs?: number;
  /** Window to start a log download (real: 60 s for core.job_download_logs, 300 s for core.download). */
  downloadWindowMs?: number;
  /**
   * What `failover.status` answers (SCALE): "SINGLE" (default, no HA), "MASTER", or "BACKUP" — a standby whose
   * peer is unreachable, so logins succeed there instead of answering REDIRECT (`plugins/auth.py` login_ex).
   */
  failoverStatus?: 'SINGLE' | 'MASTER' | 'BACKUP';
  /** Scheduled tasks the server serves and runs on its clock (see ./scheduler). */
  tasks?: SimTaskSpec[];
  /** The server's time zone (`system.general.config` `timezone`), default "America/Los_Angeles" (the model's default). */
  timezone?: string;
}

export interface SimCredentials {
  username: string;
  password: string;
  apiKey: string;
}

export interface SimStats {
  connections: number;
  authenticated: number;
  subscribers: number;
  jobs: number;
  framesSent: number;
  framesReceived: number;
  bytesSent: number;
  nextJobId: number;
  /** Calls of methods that are private on this version (27: auth.login, auth.login_with_api_key). */
  privateMethodWarnings: number;
}

/**
 * A scheduled task of the simulated server (served by its `*.query` method and run by the simulator's scheduler on
 * its clock, see ./scheduler).
 */
export interface SimTaskSpec {
  kind: 'snapshot' | 'replication' | 'cloudsync' | 'cloud_backup' | 'rsync' | 'scrub';
  id: number;
  /** Description (cloud sync, cloud backup, rsync), dataset (snapshot), name (replication) or pool name (scrub). */
  name?: string;
  enabled?: boolean;
  /** Its dataset is locked: cron leaves it out (cloud sync, cloud backup, rsync). */
  locked?: boolean;
  /** Cron fields, plus begin/end ("HH:MM") for snapshot tasks and replications. Null: a replication without a schedule. */
  schedule?: { minute: string; hour: string; dom: string; month: string; dow: string; begin?: string; end?: string } | null;
  /** Replication: runs automatically (on its schedule, or after its snapshot tasks when it has none). Default true. */
  auto?: boolean;
  /** Replication: the periodic snapshot tasks it is bound to. */
  snapshotTaskIds?: number[];
  /** Scrub: days since the last scrub before a scheduled one starts (default 35). */
  thresholdDays?: number;
  /** Scrub: the pool was last scrubbed this long ago (unscaled ms); unknown when absent. */
  lastScrubAgoMs?: number;
  /** Leave out due runs, as when cron or zettarepl fails to start them: true = never, n = the next n. */
  doesNotFire?: boolean | number;
  durationMs?: number;
  outcome?: Outcome;
  error?: string;
}
