/**
 * What `jobwatch watch|list` prints: records built from the core's values, then written either as one JSON object
 * per line (`--json`, NDJSON) or as one concise human line. Pure functions; the caller supplies the clock.
 *
 * JSON conventions:
 * - `type` first, then the fields in the fixed order of the record builders below (stable for diffing and tests).
 * - Times are ISO 8601 strings in UTC (`2026-11-28T16:49:34.000Z`), or null when unknown. Job times are the
 *   NAS's clock, as the server reported them. (Strings, not epoch numbers: readable, and `jq`/`date` parse them.)
 * - Absent values are null, never missing keys.
 * Nothing printed holds a secret or a job's result: the core's Transition, JobView and NotificationView carry
 * neither.
 */
import type { SessionState, Transition } from '../core/model';
import type { JobView, NotificationView, ServerView } from '../core/view';

// ── records: exactly the JSON shapes ────────────────────────────────────────────────────────────────────────

export interface ConnectionRecord {
  type: 'connection';
  server: string;
  state: SessionState;
  detail: string;
}

export interface TransitionRecord {
  type: 'transition';
  server: string;
  jobId: number;
  method: string;
  description: string | null;
  from: string | null;
  to: string;
  error: string | null;
  timeStarted: string | null;
  timeFinished: string | null;
  catchUp: boolean;
}

/** A job a notification stands for; the same fields that identify it in `transition` lines. */
export interface NotificationJobRef {
  jobId: number;
  method: string;
  timeStarted: string | null;
}

export interface NotificationRecord {
  type: 'notification';
  title: string;
  body: string;
  urgency: NotificationView['urgency'];
  server: string;
  jobs: NotificationJobRef[];
  catchUp: boolean;
  /** Why it was not shown (quiet hours, muted, paused…), or null when it was. */
  suppressed: string | null;
}

export interface JobRecord {
  type: 'job';
  server: string;
  jobId: number;
  method: string;
  description: string | null;
  state: JobView['state'];
  percent: number | null;
  progress: string | null;
  timeStarted: string | null;
  timeFinished: string | null;
  error: string | null;
  transient: boolean;
}

export interface ErrorRecord {
  type: 'error';
  server: string | null;
  /** A JobwatchErrorCode, when known. */
  code: string | null;
  message: string;
}

export type OutputRecord = ConnectionRecord | TransitionRecord | NotificationRecord | JobRecord | ErrorRecord;

function isoOrNull(ms: number | null): string | null {
  return ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}

export function connectionRecord(input: { server: string; state: SessionState; detail: string }): ConnectionRecord {
  return { type: 'connection', server: input.server, state: input.state, detail: input.detail };
}

/** `server` is the view's display name. */
export function connectionRecordFromView(view: ServerView): ConnectionRecord {
  return connectionRecord({ server: view.name, state: view.state, detail: view.detail });
}

/** `serverName` defaults to the transition's server id (the profile name, or the URL for ad-hoc use). */
export function transitionRecord(transition: Transition, serverName: string = transition.server): TransitionRecord {
  return {
    type: 'transition',
    server: serverName,
    jobId: transition.jobId,
    method: transition.method,
    description: transition.description,
    from: transition.from,
    to: transition.to,
    error: transition.error,
    timeStarted: isoOrNull(transition.timeStarted),
    timeFinished: isoOrNull(transition.timeFinished),
    catchUp: transition.catchUp,
  };
}

export function notificationRecord(notification: NotificationView, serverName: string = notification.server): NotificationRecord {
  return {
    type: 'notification',
    title: notification.title,
    body: notification.body,
    urgency: notification.urgency,
    server: serverName,
    jobs: notification.jobs.map(jobRefFromKey),
    catchUp: notification.catchUp,
    suppressed: notification.suppressed,
  };
}

/**
 * Job keys are `server NUL id NUL timeStarted NUL method` (model.ts `jobKey`); printed raw they would carry NULs.
 * The method is last and may itself contain anything, so only the first three separators split.
 */
function jobRefFromKey(key: string): NotificationJobRef {
  const parts = key.split('\u0000');
  const id = Number(parts[1]);
  const started = parts[2] === undefined || parts[2] === 'null' ? null : Number(parts[2]);
  return {
    jobId: Number.isInteger(id) ? id : -1,
    method: parts.slice(3).join('\u0000'),
    timeStarted: started === null ? null : isoOrNull(started),
  };
}

export function jobRecord(job: JobView, serverName: string = job.server): JobRecord {
  return {
    type: 'job',
    server: serverName,
    jobId: job.id,
    method: job.method,
    description: job.description,
    state: job.state,
    percent: job.percent,
    progress: job.progressText,
    timeStarted: isoOrNull(job.timeStarted),
    timeFinished: isoOrNull(job.timeFinished),
    error: job.error,
    transient: job.transient,
  };
}

export function errorRecord(message: string, options: { server?: string | null; code?: string | null } = {}): ErrorRecord {
  return { type: 'error', server: options.server ?? null, code: options.code ?? null, message };
}

// ── JSON ─────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * JSON.stringify leaves DEL, C1 controls (U+0080–U+009F, which some terminals obey as escape sequences) and
 * bidirectional overrides unescaped; job fields come from the network, so they are escaped too. Same value.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/** One NDJSON line (no trailing newline). */
export function toJsonLine(record: OutputRecord): string {
  return JSON.stringify(record).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// ── human lines ──────────────────────────────────────────────────────────────────────────────────────────────

export interface HumanOptions {
  /** Desktop time of the line, ms since the epoch (printed as HH:MM:SS). */
  now: number;
  /** IANA time zone for clock times; the system's when omitted. Tests pass 'UTC'. */
  timeZone?: string;
}

const TEXT_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]+/g;

/** One line of plain text from untrusted input: control characters and bidi overrides become spaces; bounded. */
export function plainText(text: string, max: number): string {
  const flat = text.replace(TEXT_UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function dateParts(ms: number, timeZone: string | undefined): Record<string, string> {
  const cacheKey = timeZone ?? '';
  let format = formatters.get(cacheKey);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    formatters.set(cacheKey, format);
  }
  return Object.fromEntries(format.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
}

/** `12:03:04` */
export function clockTime(ms: number, timeZone?: string): string {
  const p = dateParts(ms, timeZone);
  return `${p.hour}:${p.minute}:${p.second}`;
}

/** `2026-11-28 16:49` */
export function dateTime(ms: number, timeZone?: string): string {
  const p = dateParts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** `45s`, `2m 13s`, `1h 02m`, `3d 4h` */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

function parsedTime(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** `replication.run` or `Pool scrub of tank (pool.scrub …)`, with `#id` and the duration in the parentheses. */
function jobLabel(record: { jobId: number; method: string; description: string | null }, extra: string | null): string {
  const method = plainText(record.method, 80);
  const tail = extra === null ? '' : `, ${extra}`;
  const description = record.description === null ? '' : plainText(record.description, 80);
  return description === '' ? `${method} (#${record.jobId}${tail})` : `${description} (${method} #${record.jobId}${tail})`;
}

/**
 * One human line (no trailing newline):
 *   connection    `12:03:04 nas1 backoff — Retrying in 8 s: connection refused`
 *   transition    `12:03:04 nas1 FAILED replication.run (#120, 2m 13s) — [EFAULT] Failed to connect to remote host.`
 *                 catch-up ones end their label with ` [while away]`
 *   notification  `12:03:04 nas1 notify critical: Replication failed — replication.run on nas1 …`
 *                 suppressed ones end with ` (not shown: quiet-hours)`
 *   job           `nas1 #118 RUNNING 42% Pool scrub of tank (pool.scrub) started 2026-11-28 16:49`
 *   error         `12:03:04 nas1 error: The API key was rejected.` (or `12:03:04 error: …` without a server)
 */
export function toHumanLine(record: OutputRecord, options: HumanOptions): string {
  const at = clockTime(options.now, options.timeZone);
  switch (record.type) {
    case 'connection': {
      const detail = plainText(record.detail, 200);
      const shown = detail === '' || detail.toLowerCase() === record.state ? '' : ` — ${detail}`;
      return `${at} ${plainText(record.server, 80)} ${record.state}${shown}`;
    }
    case 'transition': {
      const started = parsedTime(record.timeStarted);
      const finished = parsedTime(record.timeFinished);
      const took = started !== null && finished !== null && finished >= started ? duration(finished - started) : null;
      const away = record.catchUp ? ' [while away]' : '';
      const error = record.error === null ? '' : plainText(firstLine(record.error), 200);
      return `${at} ${plainText(record.server, 80)} ${record.to} ${jobLabel(record, took)}${away}${error === '' ? '' : ` — ${error}`}`;
    }
    case 'notification': {
      const title = plainText(record.title, 120);
      const body = plainText(record.body.split(/\r?\n/).filter((line) => line.trim() !== '').join(' · '), 300);
      const hidden = record.suppressed === null ? '' : ` (not shown: ${plainText(record.suppressed, 40)})`;
      return `${at} ${plainText(record.server, 80)} notify ${record.urgency}: ${title}${body === '' ? '' : ` — ${body}`}${hidden}`;
    }
    case 'job': {
      const percent = record.percent === null ? '' : ` ${Math.floor(record.percent)}%`;
      const label =
        record.description === null || plainText(record.description, 80) === ''
          ? plainText(record.method, 80)
          : `${plainText(record.description, 80)} (${plainText(record.method, 80)})`;
      const started = parsedTime(record.timeStarted);
      const when = started === null ? '' : ` started ${dateTime(started, options.timeZone)}`;
      const error = record.error === null ? '' : plainText(firstLine(record.error), 120);
      return `${plainText(record.server, 80)} #${record.jobId} ${record.state}${percent} ${label}${when}${error === '' ? '' : ` — ${error}`}`;
    }
    case 'error': {
      const who = record.server === null ? '' : ` ${plainText(record.server, 80)}`;
      return `${at}${who} error: ${plainText(record.message, 500)}`;
    }
  }
}

/** The line for a record in the chosen mode. */
export function formatRecord(record: OutputRecord, json: boolean, options: HumanOptions): string {
  return json ? toJsonLine(record) : toHumanLine(record, options);
}

const TABLE_COLUMNS = ['ID', 'STATE', '%', 'JOB', 'STARTED', 'SERVER'] as const;

/**
 * `jobwatch list` without `--json`: a header and one row per job, columns padded to their widest cell
 * (the last column unpadded, so lines carry no trailing spaces):
 *   ID   STATE    %    JOB                                   STARTED           SERVER
 *   118  RUNNING  42%  Pool scrub of tank (pool.scrub)       2026-11-28 16:49  nas1
 * Returns just `No jobs.` when there are none.
 */
export function formatJobTable(records: readonly JobRecord[], options: { timeZone?: string } = {}): string[] {
  if (records.length === 0) return ['No jobs.'];
  const rows = records.map((record) => {
    const started = parsedTime(record.timeStarted);
    const description = record.description === null ? '' : plainText(record.description, 60);
    const method = plainText(record.method, 60);
    return [
      String(record.jobId),
      record.state,
      record.percent === null ? '' : `${Math.floor(record.percent)}%`,
      description === '' ? method : `${description} (${method})`,
      started === null ? '' : dateTime(started, options.timeZone),
      plainText(record.server, 40),
    ];
  });
  const all = [[...TABLE_COLUMNS], ...rows];
  const widths = TABLE_COLUMNS.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
