/**
 * How the CLI prints what it sees: one JSON object per line with `--json` (times as ISO 8601 UTC strings, or
 * null), else one concise human line. Never a secret, never a job's result or arguments.
 */
import type { CliRecord } from './watch';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function clock(now: Date): string {
  return now.toTimeString().slice(0, 8);
}

/** One line of text: newlines and control characters from the network would break the line format. */
function oneLine(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

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
      return `${at} ${record.server} ${record.state}${record.detail ? ` — ${oneLine(record.detail)}` : ''}`;
    case 'transition': {
      const t = record.transition;
      const what = t.description ? `${oneLine(t.description, 80)} (${t.method} #${t.jobId})` : `${t.method} #${t.jobId}`;
      const error = t.error ? ` — ${oneLine(t.error.split('\n')[0] ?? '', 200)}` : '';
      return `${at} ${record.serverName} ${t.to} ${what}${t.catchUp ? ' [while away]' : ''}${error}`;
    }
    case 'notification': {
      const n = record.notification;
      const flag = n.suppressed ? ` (not shown: ${n.suppressed})` : '';
      return `${at} notify [${n.urgency}] ${oneLine(n.title, 100)}: ${oneLine(n.body)}${flag}`;
    }
    case 'job': {
      const j = record.job;
      const percent = j.percent === null ? '' : ` ${Math.floor(j.percent)}%`;
      const label = j.description ? `${oneLine(j.description, 60)} (${j.method})` : j.method;
      const started = j.timeStarted === null ? '' : ` started ${new Date(j.timeStarted).toLocaleString()}`;
      return `${record.serverName} #${j.id} ${j.state}${percent} ${label}${started}${j.error ? ` — ${oneLine(j.error, 120)}` : ''}`;
    }
    case 'error':
      return `${at} ${record.server ?? 'jobwatch'} error: ${oneLine(record.message)}`;
  }
}

export function formatRecord(record: CliRecord, json: boolean): string {
  return json ? jsonLine(record) : humanLine(record);
}
