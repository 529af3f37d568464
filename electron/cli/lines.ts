/**
 * How the CLI prints what it sees: one JSON object per line with `--json` (times as ISO 8601 UTC strings, or
 * null), else one concise human line. Never a secret, never a job's result or arguments.
 */
import { LINE_BREAK, stripUnsafe, truncate } from '../core/notification-text';
import type { CliRecord } from './watch';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function clock(now: Date): string {
  return now.toTimeString().slice(0, 8);
}

/**
 * Server text as one safe line: no line breaks of any kind (a forged second line), no C0/C1 controls (terminal
 * escapes), no bidi or zero-width characters (text that reads differently than it is); bounded.
 */
function oneLine(text: string, max = 300): string {
  return truncate(stripUnsafe(text.slice(0, max * 4), ' ').replace(/\s+/g, ' ').trim(), max);
}

/** Room for the longest status the core writes (a changed certificate's explanation and its fingerprint), or a bounded server text with advice around it. */
const CONNECTION_DETAIL_MAX = 600;

export function jsonLine(record: CliRecord): string {
  switch (record.type) {
    case 'connection':
      return JSON.stringify({ type: 'connection', server: record.server, state: record.state, detail: record.detail });
    case 'transition': {
      const t = record.transition;
      return JSON.stringify({
        type: 'transition',
        server: record.serverName,
        jobId: t.jobId,
        method: t.method,
        description: t.description,
        from: t.from,
        to: t.to,
        error: t.error,
        timeStarted: iso(t.timeStarted),
        timeFinished: iso(t.timeFinished),
        catchUp: t.catchUp,
      });
    }
    case 'notification': {
      const n = record.notification;
      return JSON.stringify({
        type: 'notification',
        server: record.serverName,
        title: n.title,
        body: n.body,
        urgency: n.urgency,
        jobs: n.jobs,
        catchUp: n.catchUp,
        suppressed: n.suppressed,
      });
    }
    case 'job': {
      const j = record.job;
      return JSON.stringify({
        type: 'job',
        server: record.serverName,
        jobId: j.id,
        method: j.method,
        description: j.description,
        state: j.state,
        percent: j.percent,
        progress: j.progressText,
        transient: j.transient,
        timeStarted: iso(j.timeStarted),
        timeFinished: iso(j.timeFinished),
        error: j.error,
      });
    }
    case 'error':
      return JSON.stringify({ type: 'error', server: record.server, message: record.message });
  }
}

export function humanLine(record: CliRecord, now = new Date()): string {
  const at = clock(now);
  switch (record.type) {
    case 'connection':
      return `${at} ${oneLine(record.server, 80)} ${oneLine(record.state, 40)}${record.detail ? ` — ${oneLine(record.detail, CONNECTION_DETAIL_MAX)}` : ''}`;
    case 'transition': {
      const t = record.transition;
      const method = oneLine(t.method, 120);
      const what = t.description ? `${oneLine(t.description, 80)} (${method} #${t.jobId})` : `${method} #${t.jobId}`;
      const error = t.error ? ` — ${oneLine(firstLine(t.error), 200)}` : '';
      return `${at} ${oneLine(record.serverName, 80)} ${t.to} ${what}${t.catchUp ? ' [while away]' : ''}${error}`;
    }
    case 'notification': {
      const n = record.notification;
      const flag = n.suppressed ? ` (not shown: ${n.suppressed})` : '';
      return `${at} notify [${n.urgency}] ${oneLine(n.title, 100)}: ${oneLine(n.body)}${flag}`;
    }
    case 'job': {
      const j = record.job;
      const percent = j.percent === null ? '' : ` ${Math.floor(j.percent)}%`;
      const method = oneLine(j.method, 120);
      const label = j.description ? `${oneLine(j.description, 60)} (${method})` : method;
      const started = j.timeStarted === null ? '' : ` started ${new Date(j.timeStarted).toLocaleString()}`;
      return `${oneLine(record.serverName, 80)} #${j.id} ${j.state}${percent} ${label}${started}${j.error ? ` — ${oneLine(j.error, 120)}` : ''}`;
    }
    case 'error':
      return `${at} ${record.server === null ? 'jobwatch' : oneLine(record.server, 80)} error: ${oneLine(record.message, CONNECTION_DETAIL_MAX)}`;
  }
}

/** The first non-empty line, looked for only near the start (an error may be megabytes long). */
function firstLine(text: string): string {
  return text.slice(0, 4000).split(LINE_BREAK).find((line) => line.trim().length > 0) ?? '';
}

export function formatRecord(record: CliRecord, json: boolean): string {
  return json ? jsonLine(record) : humanLine(record);
}
