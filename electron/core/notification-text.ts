/**
 * The words of a notification. Plain text only, every field bounded and sanitised: built from the method, the
 * job's description, the server's name, timings and the first line of the error; never from arguments or
 * results (they may carry secrets or unredacted data, docs/protocol.md §5.3).
 */
import type { TerminalState, Transition } from './model';
import { english, type MessageKey, type Translator } from './i18n/i18n';

export const TITLE_MAX = 100;
export const BODY_MAX = 300;
const LABEL_MAX = 60;
const ERROR_MAX = 160;

// C0/C1 controls and DEL: they can drive a terminal (escape sequences) or hide text.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001F\u007F-\u009F]/g;
// Zero-width characters and bidirectional controls (marks, embeddings, overrides, isolates): they can make a
// text read differently than it is.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
/** Every line break a display may honour, Unicode's line and paragraph separators (and NEL) included. */
export const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;
const LINE_BREAKS_AND_TABS = /[\t\n\r\u0085\u2028\u2029]+/g;

/**
 * Text from a server made safe to show on one line: line breaks and tabs become a space; controls become
 * `controlsAs` (removed by default); zero-width and bidi characters are removed. No forged lines, no terminal
 * escapes, no reordered text. Not bounded.
 */
export function stripUnsafe(text: string, controlsAs = ''): string {
  return text.replace(LINE_BREAKS_AND_TABS, ' ').replace(CONTROLS, controlsAs).replace(INVISIBLE, '');
}

/**
 * `&`, `<`, `>` escaped, for freedesktop notification servers, which may parse a body as a small subset of HTML
 * (the spec's `body-markup` capability). macOS and Windows show text as it is: Linux only.
 */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Removes credentials that error texts sometimes echo: `scheme://user:pass@host`, `auth_token=…`, `password=…`. */
export function redactSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/@]{1,512}@/gi, '$1***@')
    .replace(/\b(auth_token|token|password|passwd|secret|api_?key|access_key|secret_key)=([^\s&]+)/gi, '$1=***');
}

/** Cuts to at most `max` characters (code points), ending with '…' when something was cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, Math.max(0, max - 1))
    .join('')
    .trimEnd()}…`;
}

/** One line: controls removed, whitespace collapsed, secrets redacted, bounded. */
export function cleanLine(text: string, max: number): string {
  // Cut long input first so the regexes stay cheap; the margin keeps a credential at the cut whole for redaction.
  const line = redactSecrets(stripUnsafe(text.slice(0, max + 600)))
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(line, max);
}

/** Several lines: each cleaned, empty lines dropped, the whole bounded. */
export function cleanText(text: string, max: number): string {
  const lines = text
    .slice(0, max * 4 + 600)
    .split(LINE_BREAK)
    .map((line) => cleanLine(line, max))
    .filter((line) => line.length > 0);
  return truncate(lines.join('\n'), max);
}

/** "45 s", "2 min 5 s", "1 h 3 min", "2 d 4 h" (in German "2 Min. 5 s", "1 Std. 3 Min.", "2 T 4 Std."). */
export function humanDuration(ms: number, tr: Translator = english): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const days = () => tr('duration.days', { count: d });
  const hours = () => tr('duration.hours', { count: h });
  const minutes = () => tr('duration.minutes', { count: m });
  const seconds = () => tr('duration.seconds', { count: s });
  if (d > 0) return h > 0 ? `${days()} ${hours()}` : days();
  if (h > 0) return m > 0 ? `${hours()} ${minutes()}` : hours();
  if (m > 0) return s > 0 ? `${minutes()} ${seconds()}` : minutes();
  return seconds();
}

/**
 * Names people recognise for the jobs they schedule (catalogue keys); anything else shows its description or method.
 * A Map, not an object literal: the method comes from the server, and `constructor` or `__proto__` must not find
 * Object.prototype's members (a function handed to i18next as a key is read as a key selector and throws).
 */
const FRIENDLY_METHODS: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>(
  Object.entries({
    'replication.run': 'methods.replication',
    'cloudsync.sync': 'methods.cloudSync',
    'cloud_backup.sync': 'methods.cloudBackup',
    'rsynctask.run': 'methods.rsyncTask',
    'pool.scrub.scrub': 'methods.scrub',
    'zpool.scrub.run': 'methods.scrub',
    'pool.snapshottask.run': 'methods.snapshotTask',
    'cronjob.run': 'methods.cronJob',
    'update.download': 'methods.updateDownload',
    'update.run': 'methods.update',
    'update.manual': 'methods.update',
    'config.save': 'methods.configBackup',
    'disk.wipe': 'methods.diskWipe',
    'app.upgrade': 'methods.appUpgrade',
  } satisfies Record<string, MessageKey>),
);

export type TextSource = Pick<Transition, 'method' | 'description' | 'to' | 'error' | 'timeStarted' | 'timeFinished'>;

/** What the job is, for people: its description, else a friendly name, else the method. */
export function jobLabel(t: Pick<Transition, 'method' | 'description'>, tr: Translator = english): string {
  const description = t.description ? cleanLine(t.description, LABEL_MAX) : '';
  if (description) return description;
  const friendly = FRIENDLY_METHODS.get(t.method);
  if (friendly) return tr(friendly);
  return cleanLine(t.method, LABEL_MAX) || tr('methods.unnamed');
}

/** "While you were away: …" before a catch-up notification's title. */
function away(title: string, catchUp: boolean, tr: Translator): string {
  return catchUp ? tr('notification.whileAway', { text: title }) : title;
}

/** Failures first: they are what the reader must see if the text is cut. */
const OUTCOME_ORDER: readonly TerminalState[] = ['FAILED', 'SUCCESS', 'ABORTED'];

function durationOf(t: TextSource): number | null {
  if (t.timeStarted === null || t.timeFinished === null) return null;
  return t.timeFinished - t.timeStarted;
}

function firstErrorLine(error: string | null): string {
  if (!error) return '';
  const line = error.split(LINE_BREAK).find((l) => l.trim().length > 0) ?? '';
  return cleanLine(line, ERROR_MAX);
}

export interface NotificationText {
  title: string;
  body: string;
}

function bounded(title: string, body: string): NotificationText {
  return { title: cleanLine(title, TITLE_MAX), body: cleanText(body, BODY_MAX) };
}

/** "2 failed, 1 finished" (failed, finished, aborted; zero counts left out). */
export function outcomeCounts(items: readonly Pick<Transition, 'to'>[], tr: Translator = english): string {
  return OUTCOME_ORDER.map((state) => [state, items.filter((t) => t.to === state).length] as const)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => tr(`notification.count.${state}`, { count: n }))
    .join(tr('notification.listSeparator'));
}

/** "Replication, Cloud sync and 4 more", failures first, fitting in `max` characters. */
export function labelList(items: readonly TextSource[], max = BODY_MAX, tr: Translator = english): string {
  const sorted = [...items].sort((a, b) => OUTCOME_ORDER.indexOf(a.to) - OUTCOME_ORDER.indexOf(b.to));
  const labels = sorted.map((t) => (t.to === 'FAILED' ? tr('notification.failedLabel', { job: jobLabel(t, tr) }) : jobLabel(t, tr)));
  const separator = tr('notification.listSeparator');
  const andMore = (list: string, count: number) => tr('notification.andMore', { list, count });
  let text = '';
  for (let i = 0; i < labels.length; i++) {
    const candidate = text ? `${text}${separator}${labels[i]}` : (labels[i] ?? '');
    const rest = labels.length - i - 1;
    if (Array.from(rest > 0 ? andMore(candidate, rest) : candidate).length > max) {
      const remaining = labels.length - i;
      return text ? andMore(text, remaining) : truncate(candidate, max);
    }
    text = candidate;
  }
  return text;
}

/** One job: "Replication failed on nas1" / "replication.run on nas1 · ran 2 min 5 s" + the error's first line. */
export function singleText(t: TextSource, server: string, catchUp = false, tr: Translator = english): NotificationText {
  const where = cleanLine(server, 40);
  const title = away(tr(`notification.ended.${t.to}`, { job: jobLabel(t, tr), server: where }), catchUp, tr);
  const duration = durationOf(t);
  const facts = [tr('notification.methodOn', { method: cleanLine(t.method, 80), server: where })];
  if (duration !== null) facts.push(tr('notification.ran', { duration: humanDuration(duration, tr) }));
  const lines = [facts.join(' · ')];
  if (t.to === 'FAILED') lines.push(firstErrorLine(t.error) || tr('notification.noErrorMessage'));
  return bounded(title, lines.join('\n'));
}

/** Several jobs of one server: "3 jobs failed on nas1" or "2 failed, 1 finished on nas1". */
export function burstText(items: readonly TextSource[], server: string, catchUp = false, tr: Translator = english): NotificationText {
  const first = items[0];
  if (items.length === 1 && first) return singleText(first, server, catchUp, tr);
  const where = cleanLine(server, 40);
  const outcomes = new Set(items.map((t) => t.to));
  const what =
    outcomes.size === 1 && first
      ? tr(`notification.jobsEnded.${first.to}`, { count: items.length, server: where })
      : tr('notification.outcomesOn', { outcomes: outcomeCounts(items, tr), server: where });
  return bounded(away(what, catchUp, tr), labelList(items, BODY_MAX, tr));
}

/** The end of a server watch: "All jobs on nas1 are done" with what became of them. */
export function watchDoneText(outcomes: readonly TextSource[], server: string, tr: Translator = english): NotificationText {
  const where = cleanLine(server, 40);
  const n = outcomes.length;
  const body =
    n > 0 ? `${tr('notification.watchedJobs', { count: n, outcomes: outcomeCounts(outcomes, tr) })}\n${labelList(outcomes, 200, tr)}` : '';
  return bounded(tr('notification.watchDone', { server: where }), body);
}
