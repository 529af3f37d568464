/**
 * How the CLI prints what it sees: one JSON object per line with `--json` (the contract in ndjson.ts: `v`, `ts`,
 * times as ISO 8601 UTC strings or null), else one concise human line. Never a secret, never a job's result or
 * arguments.
 */
import { LINE_BREAK, stripUnsafe, truncate } from '../core/notification-text';
import type { NotificationView } from '../core/view';
import { parseJobKey } from '../core/model';
import { insightText } from '../core/insights';
import type { NdjsonJobRef, NdjsonLine } from './ndjson';
import { NDJSON_VERSION } from './ndjson-version';
import type { CliRecord } from './watch';

type NdjsonNotificationLine = Extract<NdjsonLine, { type: 'notification' }>;

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
  return truncate(
    stripUnsafe(text.slice(0, max * 4), ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}

/** Room for the longest status the core writes (a changed certificate's explanation and its fingerprint), or a bounded server text with advice around it. */
const CONNECTION_DETAIL_MAX = 600;

/** A notification's jobs as references; from the keys when the producer predates `jobRefs`. */
export function jobRefsOf(n: NotificationView, serverName: (id: string) => string): NdjsonJobRef[] {
  if (n.jobRefs) {
    return n.jobRefs.map((r) => ({ server: serverName(r.server), jobId: r.jobId, method: r.method, timeStarted: iso(r.timeStarted) }));
  }
  return n.jobs.map((key) => {
    const { server, jobId, method, timeStarted } = parseJobKey(key);
    return { server: serverName(server), jobId, method, timeStarted: iso(timeStarted) };
  });
}

/** The line as an object (see ndjson.ts for its schema and the compatibility policy). */
export function jsonObject(record: CliRecord, now = new Date()): NdjsonLine {
  const head = { v: NDJSON_VERSION, ts: now.toISOString() } as const;
  switch (record.type) {
    case 'connection':
      return { ...head, type: 'connection', server: record.server, state: record.state, detail: record.detail };
    case 'transition': {
      const t = record.transition;
      return {
        ...head,
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
        transient: t.transient,
      };
    }
    case 'notification': {
      const n = record.notification;
      return {
        ...head,
        type: 'notification',
        server: record.serverName,
        id: n.id,
        title: n.title,
        body: n.body,
        urgency: n.urgency,
        jobs: jobRefsOf(n, record.nameOf ?? (() => record.serverName)),
        catchUp: n.catchUp,
        suppressed: n.suppressed as NdjsonNotificationLine['suppressed'],
      };
    }
    case 'job': {
      const j = record.job;
      return {
        ...head,
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
      };
    }
    case 'error':
      return { ...head, type: 'error', server: record.server, message: record.message };
    case 'insight': {
      const i = record.insight;
      if (i.kind === 'missed-run') {
        // The monitor always sets `schedule` on a missed run; the figures are the fallback for another producer.
        const dueAt = i.schedule?.dueAt ?? i.figures['expectedAt'] ?? i.at;
        return {
          ...head,
          type: 'insight',
          kind: 'missed-run',
          server: record.serverName,
          task: i.task,
          jobId: null,
          method: i.method,
          description: i.description,
          timeStarted: null,
          dueAt: new Date(dueAt).toISOString(),
          schedule: oneLine(i.schedule?.expression ?? '', 300),
          timezone: oneLine(i.schedule?.timezone ?? '', 64),
          catchUp: i.catchUp,
          figures: { ...i.figures },
          detail: i.detail === null ? null : oneLine(i.detail, 300),
        };
      }
      return {
        ...head,
        type: 'insight',
        kind: i.kind,
        server: record.serverName,
        task: i.task,
        jobId: i.jobId,
        method: i.method,
        description: i.description,
        timeStarted: iso(i.timeStarted),
        catchUp: i.catchUp,
        figures: { ...i.figures },
        detail: i.detail === null ? null : oneLine(i.detail, 300),
      };
    }
    case 'schedule-check': {
      const c = record.check;
      return {
        ...head,
        type: 'schedule-check',
        outcome: 'could-not-check',
        server: record.serverName,
        task: c.task,
        method: c.method,
        name: oneLine(c.name, 200),
        dueAt: new Date(c.dueAt).toISOString(),
        lastDueAt: new Date(c.lastDueAt).toISOString(),
        count: c.count,
        schedule: oneLine(c.schedule, 300),
        timezone: c.timezone,
        notWatchingFrom: iso(c.notWatching?.from ?? null),
        notWatchingTo: iso(c.notWatching?.to ?? null),
        reason: oneLine(c.message, 600),
      };
    }
    case 'exec':
      return {
        ...head,
        type: 'exec',
        server: record.server,
        notificationId: record.notificationId,
        command: record.command,
        status: record.status,
        exitCode: record.exitCode,
        signal: record.signal,
        stderr: record.stderr,
        message: record.message,
      };
  }
}

export function jsonLine(record: CliRecord, now = new Date()): string {
  return JSON.stringify(jsonObject(record, now));
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
      return `${at} ${oneLine(record.serverName, 80)} ${t.to} ${what}${t.catchUp ? ' [while away]' : ''}${t.transient ? ' [transient]' : ''}${error}`;
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
    case 'insight': {
      const text = insightText(record.insight, record.serverName);
      return `${at} ${oneLine(record.serverName, 80)} insight ${record.insight.kind}: ${oneLine(text.body, 300)}`;
    }
    case 'schedule-check':
      return `${at} ${oneLine(record.serverName, 80)} could not check: ${oneLine(record.check.message, 600)}`;
    case 'exec':
      return `${at} ${oneLine(record.server, 80)} exec ${record.status}: ${oneLine(record.message, CONNECTION_DETAIL_MAX)}`;
  }
}

/** The first non-empty line, looked for only near the start (an error may be megabytes long). */
function firstLine(text: string): string {
  return (
    text
      .slice(0, 4000)
      .split(LINE_BREAK)
      .find((line) => line.trim().length > 0) ?? ''
  );
}

export function formatRecord(record: CliRecord, json: boolean, now = new Date()): string {
  return json ? jsonLine(record, now) : humanLine(record, now);
}
