/**
 * Times and durations for people: the window's locale (lib/i18n.svelte.ts: the OS's under the 'system' language,
 * else the chosen language's) and the OS time zone, durations in the largest two units that matter ("1 h 5 min",
 * "42 s"), words from the window's catalogues.
 */
import { isErrorCode, type ErrorCode } from '../../../electron/ipc/constants';
import type { JobState, JobView, ServerView } from '../../../electron/ipc/contract';
import { t, windowLocale, type MessageKey } from './i18n.svelte';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "42 s", "5 min 3 s", "1 h 5 min", "2 d 3 h". Negative or unknown durations are null (shown as "—"). */
export function formatDuration(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  if (ms < MINUTE) return unit('duration.seconds', Math.floor(ms / SECOND));
  if (ms < HOUR) return units('duration.minutes', Math.floor(ms / MINUTE), 'duration.seconds', Math.floor((ms % MINUTE) / SECOND));
  if (ms < DAY) return units('duration.hours', Math.floor(ms / HOUR), 'duration.minutes', Math.floor((ms % HOUR) / MINUTE));
  return units('duration.days', Math.floor(ms / DAY), 'duration.hours', Math.floor((ms % DAY) / HOUR));
}

function unit(key: MessageKey, count: number): string {
  return t(key, { value: count.toLocaleString(windowLocale()) });
}

/** "5 min 3 s", or "5 min" when the smaller unit is zero. */
function units(larger: MessageKey, largerCount: number, smaller: MessageKey, smallerCount: number): string {
  const big = unit(larger, largerCount);
  return smallerCount ? t('duration.pair', { larger: big, smaller: unit(smaller, smallerCount) }) : big;
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
export function formatTime(ms: number | null, now: number, locale: string | undefined = windowLocale()): string {
  const date = validDate(ms);
  if (date === null) return t('common.none');
  const today = new Date(now);
  const sameDay = date.toDateString() === today.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** Full date and time, for the detail view and tooltips. */
export function formatDateTime(ms: number | null, locale: string | undefined = windowLocale()): string {
  const date = validDate(ms);
  if (date === null) return t('common.none');
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

/** Percent as the web UI shows it, without noise: "42 %", "42.5 %" ("42,5 %" in German) for fractional values. */
export function formatPercent(percent: number | null, locale: string | undefined = windowLocale()): string | null {
  if (percent === null || !Number.isFinite(percent)) return null;
  const clamped = Math.min(100, Math.max(0, percent));
  const digits = Number.isInteger(clamped) ? 0 : 1;
  const number = new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(clamped);
  return `${number} %`;
}

/** A job state in words ("Failed"), in the window's language. */
export function stateLabel(state: JobState): string {
  return t(`states.${state}`);
}

export function jobTitle(job: Pick<JobView, 'description' | 'method'>): string {
  return job.description?.trim() || job.method;
}

/** One line under a finished or waiting row: when it happened, in the user's terms. */
export function jobTimeLine(job: JobView, now: number, locale: string | undefined = windowLocale()): string {
  // Waiting and running jobs are placed by when they started; the others by when they ended.
  const at = job.state === 'WAITING' || job.state === 'RUNNING' ? job.timeStarted : job.timeFinished;
  return t(`timeLine.${job.state}`, { time: formatTime(desktopTime(at, job), now, locale) });
}

/** The chip text for a server: short, and for backoff the time until the next attempt. */
export function serverStatus(server: ServerView, now: number): string {
  switch (server.state) {
    case 'live':
      return t('serverStatus.live');
    case 'backoff': {
      if (server.retryAt === null) return t('serverStatus.offline');
      const wait = server.retryAt - now;
      // Under a second the countdown would read "0 s": say what is happening instead.
      return wait < 1000 ? t('serverStatus.retryingNow') : t('serverStatus.retryIn', { wait: formatDuration(wait) ?? '' });
    }
    case 'needs-attention':
      return server.attention
        ? t('serverStatus.needsAttentionBecause', { reason: attentionReason(server.attention) })
        : t('serverStatus.needsAttention');
    case 'stopped':
    case 'idle':
      return t('serverStatus.stopped');
    case 'connecting':
    case 'authenticating':
    case 'subscribing':
    case 'syncing':
      return t('serverStatus.connecting');
  }
}

/**
 * A few words for each code that can put a server in "needs attention" (the core's final errors); null leaves the
 * chip to the core's message. Typed by the closed list, so a new code does not compile until it is decided here.
 */
const ATTENTION_REASONS: Record<ErrorCode, MessageKey | null> = {
  CERT_UNTRUSTED: 'attention.CERT_UNTRUSTED',
  CERT_CHANGED: 'attention.CERT_CHANGED',
  INSECURE_TRANSPORT: 'attention.INSECURE_TRANSPORT',
  AUTH_FAILED: 'attention.AUTH_FAILED',
  AUTH_EXPIRED: 'attention.AUTH_EXPIRED',
  AUTH_DENIED: 'attention.AUTH_DENIED',
  AUTH_REDIRECT: 'attention.AUTH_REDIRECT',
  OTP_REQUIRED: 'attention.OTP_REQUIRED',
  ACCESS_RESTRICTED: 'attention.ACCESS_RESTRICTED',
  ENDPOINT_NOT_FOUND: 'attention.ENDPOINT_NOT_FOUND',
  SECRET_REQUIRED: 'attention.SECRET_REQUIRED',
  MECHANISM_UNSUPPORTED: 'attention.MECHANISM_UNSUPPORTED',
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
  const reason = isErrorCode(attention.code) ? ATTENTION_REASONS[attention.code] : null;
  return reason === null ? attention.message : t(reason);
}

/** The servers view's line: the state, and the core's full explanation when it adds something. */
export function serverStatusLine(server: ServerView, now: number): string {
  if (server.state === 'needs-attention')
    return t('serverStatus.needsAttentionBecause', { reason: server.attention?.message ?? server.detail });
  const status = serverStatus(server, now);
  return server.state !== 'live' && server.detail && server.detail !== status
    ? t('serverStatus.withDetail', { status, detail: server.detail })
    : status;
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
