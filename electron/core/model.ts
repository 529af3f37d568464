/**
 * The domain model shared by every layer of the core: a job as Jobwatch understands it (normalised from any
 * TrueNAS version's wire shape), its identity, and the terminal transitions the job book reports.
 * Nothing here knows about sockets, Electron or the DOM.
 */

export const JOB_STATES = ['WAITING', 'RUNNING', 'SUCCESS', 'FAILED', 'ABORTED'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const TERMINAL_STATES = ['SUCCESS', 'FAILED', 'ABORTED'] as const;
export type TerminalState = (typeof TERMINAL_STATES)[number];

export const ACTIVE_STATES = ['WAITING', 'RUNNING'] as const;
export type ActiveState = (typeof ACTIVE_STATES)[number];

export function isTerminal(state: JobState): state is TerminalState {
  return state === 'SUCCESS' || state === 'FAILED' || state === 'ABORTED';
}

/** Not finished yet: waiting to run or running. */
export function isActiveState(state: JobState): state is ActiveState {
  return state === 'WAITING' || state === 'RUNNING';
}

/** A configured server's stable identifier (the profile name, or the URL for ad-hoc CLI use). */
export type ServerId = string;

export interface JobProgress {
  /** 0–100, or null when the server reports none (CORE 13 may send floats; we keep them). */
  percent: number | null;
  description: string | null;
}

export interface JobExcInfo {
  type: string | null;
  repr: string | null;
  errno: number | null;
}

export interface JobCredentials {
  type: string;
  username: string | null;
}

/**
 * One job, normalised. `result` is deliberately absent: job events carry the raw, unredacted result, which
 * Jobwatch never stores, shows or logs (docs/protocol.md §5.3).
 */
export interface Job {
  id: number;
  method: string;
  /** As the server sent them; secrets are already redacted to "********" by the server. */
  arguments: unknown[];
  transient: boolean;
  description: string | null;
  abortable: boolean;
  logsPath: string | null;
  logsExcerpt: string | null;
  progress: JobProgress;
  error: string | null;
  exception: string | null;
  excInfo: JobExcInfo | null;
  state: JobState;
  /** Milliseconds since the epoch in server time (the NAS clock), or null when unknown. */
  timeStarted: number | null;
  timeFinished: number | null;
  credentials: JobCredentials | null;
}

/**
 * Identity of a job that survives middleware restarts (ids start again at 1): server, id, start time, method.
 * Serialised as a string so it can key maps, the persisted ledger and IPC payloads. Only the core (and the CLI,
 * for keys in older notification records) takes a key apart; the window gets `server` and `jobId` as fields.
 */
const JOB_KEY_SEPARATOR = '\u0000';

export function jobKey(server: ServerId, job: Pick<Job, 'id' | 'timeStarted' | 'method'>): string {
  return [server, job.id, job.timeStarted ?? 'null', job.method].join(JOB_KEY_SEPARATOR);
}

export interface JobKeyParts {
  server: ServerId;
  jobId: number;
  timeStarted: number | null;
  method: string;
}

/** The parts of a key made by jobKey; a malformed key gives empty or zero parts rather than throwing. */
export function parseJobKey(key: string): JobKeyParts {
  const [server = '', id = '', started = 'null', ...method] = key.split(JOB_KEY_SEPARATOR);
  const time = Number(started);
  return {
    server,
    jobId: Number.parseInt(id, 10) || 0,
    timeStarted: started === 'null' || !Number.isFinite(time) ? null : time,
    method: method.join(JOB_KEY_SEPARATOR),
  };
}

/** A job reaching a terminal state, reported exactly once per job identity. */
export interface Transition {
  server: ServerId;
  key: string;
  jobId: number;
  method: string;
  description: string | null;
  transient: boolean;
  from: JobState | null;
  to: TerminalState;
  error: string | null;
  timeStarted: number | null;
  timeFinished: number | null;
  /** True when the job finished while Jobwatch was disconnected, asleep or closed. */
  catchUp: boolean;
}

export const SESSION_STATES = [
  'idle',
  'connecting',
  'authenticating',
  'subscribing',
  'syncing',
  'live',
  'backoff',
  'needs-attention',
  'stopped',
] as const;
export type SessionState = (typeof SESSION_STATES)[number];
