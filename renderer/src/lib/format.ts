/**
 * Times and durations for people: the user's locale and time zone (Intl picks both up from the OS), durations in
 * the largest two units that matter ("1 h 5 min", "42 s").
 */
import { isErrorCode, type ErrorCode } from '../../../electron/ipc/constants';
import type { JobState, JobView, ServerView } from '../../../electron/ipc/contract';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "42 s", "5 min 3 s", "1 h 5 min", "2 d 3 h". Negative or unknown durations are null (shown as "—"). */
export function formatDuration(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < MINUTE) return `${Math.floor(ms / SECOND)} s`;
  if (ms < HOUR) {
    const min = Math.floor(ms / MINUTE);
    const sec = Math.floor((ms % MINUTE) / SECOND);
    return sec ? `${min} min ${sec} s` : `${min} min`;
  }
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const min = Math.floor((ms % HOUR) / MINUTE);
    return min ? `${h} h ${min} min` : `${h} h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/**
 * A Date for a server time, or null when there is none or it cannot be one: a server (or a hostile peer) can send
 * any number, and Intl.DateTimeFormat throws a RangeError on an invalid Date (beyond ±8.64e15 ms).
 */
function validDate(ms: number | null): Date | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A moment in the user's locale: only the time when it is today, else date and time. */
export function formatTime(ms: number | null, now: number, locale?: string): string {
  const date = validDate(ms);
  if (date === null) return '—';
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Full date and time, for the detail view and tooltips. */
export function formatDateTime(ms: number | null, locale?: string): string {
  const date = validDate(ms);
  if (date === null) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(date);
}

/** A job's server times moved to the desktop clock (the NAS clock may be off). */
export function desktopTime(serverMs: number | null, job: Pick<JobView, 'clockOffsetMs'>): number | null {
  return serverMs === null ? null : serverMs + job.clockOffsetMs;
}

/** How long the job has run (still running) or ran (finished). */
export function jobElapsed(job: Pick<JobView, 'timeStarted' | 'timeFinished' | 'clockOffsetMs'>, now: number): number | null {
  if (job.timeStarted === null) return null;
  if (job.timeFinished !== null) return Math.max(0, job.timeFinished - job.timeStarted);
  return Math.max(0, now - (job.timeStarted + job.clockOffsetMs));
}

/** Percent as the web UI shows it, without noise: "42 %", "42.5 %" for fractional values. */
export function formatPercent(percent: number | null): string | null {
  if (percent === null || !Number.isFinite(percent)) return null;
  const clamped = Math.min(100, Math.max(0, percent));
  return `${Number.isInteger(clamped) ? clamped : clamped.toFixed(1)} %`;
}

export const STATE_LABELS: Record<JobState, string> = {
  WAITING: 'Waiting',
  RUNNING: 'Running',
  SUCCESS: 'Succeeded',
  FAILED: 'Failed',
  ABORTED: 'Aborted',
};

export function jobTitle(job: Pick<JobView, 'description' | 'method'>): string {
  return job.description?.trim() || job.method;
}

/** One line under a finished or waiting row: when it happened, in the user's terms. */
export function jobTimeLine(job: JobView, now: number, locale?: string): string {
  const started = desktopTime(job.timeStarted, job);
  const finished = desktopTime(job.timeFinished, job);
  switch (job.state) {
    case 'WAITING':
      return `Waiting since ${formatTime(started, now, locale)}`;
    case 'RUNNING':
      return `Started ${formatTime(started, now, locale)}`;
    case 'SUCCESS':
      return `Finished ${formatTime(finished, now, locale)}`;
    case 'FAILED':
      return `Failed ${formatTime(finished, now, locale)}`;
    case 'ABORTED':
      return `Aborted ${formatTime(finished, now, locale)}`;
  }
}

/** The chip text for a server: short, and for backoff the time until the next attempt. */
export function serverStatus(server: ServerView, now: number): string {
  switch (server.state) {
    case 'live':
      return 'Live';
    case 'backoff': {
      if (server.retryAt === null) return 'Offline';
      const wait = server.retryAt - now;
      // Under a second the countdown would read "0 s": say what is happening instead.
      return wait < 1000 ? 'Offline, retrying now' : `Offline, retry in ${formatDuration(wait) ?? ''}`;
    }
    case 'needs-attention':
      return server.attention ? `Needs attention: ${attentionReason(server.attention)}` : 'Needs attention';
    case 'stopped':
    case 'idle':
      return 'Stopped';
    case 'connecting':
    case 'authenticating':
    case 'subscribing':
    case 'syncing':
      return 'Connecting…';
  }
}

/**
 * A few words for each code that can put a server in "needs attention" (the core's final errors); null leaves the
 * chip to the core's message. Typed by the closed list, so a new code does not compile until it is decided here.
 */
const ATTENTION_REASONS: Record<ErrorCode, string | null> = {
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_CHANGED: 'certificate changed',
  INSECURE_TRANSPORT: 'not sent over unencrypted ws://',
  AUTH_FAILED: 'key or password refused',
  AUTH_EXPIRED: 'key or password expired or revoked',
  AUTH_DENIED: 'no API access',
  AUTH_REDIRECT: 'standby controller',
  OTP_REQUIRED: 'one-time code needed',
  ACCESS_RESTRICTED: 'this computer is not allowed',
  ENDPOINT_NOT_FOUND: 'not a TrueNAS address',
  SECRET_REQUIRED: 'key or password needed',
  MECHANISM_UNSUPPORTED: 'sign-in method not supported',
  // Not final (the core retries), or nothing shorter to say than the message.
  UNREACHABLE: null,
  CONNECTION_CLOSED: null,
  TIMEOUT: null,
  FRAME_TOO_LARGE: null,
  RATE_LIMITED: null,
  NOT_AUTHENTICATED: null,
  RPC_ERROR: null,
  TOO_MANY_CALLS: null,
  BAD_FRAME: null,
  INVALID_INPUT: null,
  NOT_FOUND: null,
  INVALID_PROFILE: null,
  DUPLICATE_NAME: null,
  SECRETS_UNAVAILABLE: null,
  SECRET_STORAGE_UNAVAILABLE: null,
  SHORTCUT_UNAVAILABLE: null,
  START_AT_LOGIN_UNAVAILABLE: null,
  URL_NOT_ALLOWED: null,
  NO_LOG_FILE: null,
  OPEN_FAILED: null,
  FORBIDDEN_SENDER: null,
  INVALID_REQUEST: null,
  INVALID_REPLY: null,
  FAILED: null,
};

/** The reason in a few words, for a chip; the full message goes in the tooltip and the servers view. */
export function attentionReason(attention: { code: string; message: string }): string {
  return (isErrorCode(attention.code) ? ATTENTION_REASONS[attention.code] : null) ?? attention.message;
}

/** The servers view's line: the state, and the core's full explanation when it adds something. */
export function serverStatusLine(server: ServerView, now: number): string {
  if (server.state === 'needs-attention') return `Needs attention: ${server.attention?.message ?? server.detail}`;
  const status = serverStatus(server, now);
  return server.state !== 'live' && server.detail && server.detail !== status ? `${status} — ${server.detail}` : status;
}

export type ServerHealth = 'live' | 'connecting' | 'offline' | 'attention';

export function serverHealth(server: Pick<ServerView, 'state'>): ServerHealth {
  switch (server.state) {
    case 'live':
      return 'live';
    case 'needs-attention':
      return 'attention';
    case 'backoff':
    case 'stopped':
    case 'idle':
      return 'offline';
    default:
      return 'connecting';
  }
}
