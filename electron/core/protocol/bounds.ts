/**
 * Bounds for what a server sends, applied at the edge (job-schema.ts) so nothing downstream — the job book, the
 * failure inbox, notifications, IPC to the window, the CLI's lines — ever holds more than these limits.
 *
 * - Text is cut to a limit and says so at its end: "… (cut: 4.0 MiB from the server)". The kept part is copied:
 *   a V8 slice of a long string keeps the whole original alive.
 * - Structured values (a job's arguments) are measured by one walk with a character budget and a depth limit, and
 *   copied only when something must be cut: once the budget is spent the rest of each open container is replaced by
 *   one marker saying how much was left out; anything nested deeper than the limit becomes a marker (structured clone
 *   over IPC fails at ~10 000 levels). Work is linear in what is kept plus the entries of the containers visited;
 *   nothing is stringified.
 * - Keys are copied as own data properties, `__proto__` included, so no object's prototype is ever changed.
 * - Dates a real server cannot send become unknown (see usableDateMs).
 */

/** Reserved at the end of cut text for its marker. */
const MARKER_ROOM = 48;

/** Limits per field of a job, in UTF-16 code units (what the string holds in memory). */
export const JOB_TEXT_LIMITS = {
  method: 256,
  description: 2 * 1024,
  /** The error is shown in lists, notifications and the CLI; its first line matters most. */
  error: 16 * 1024,
  /** Tracebacks: enough for the detail view and a bug report. */
  exception: 64 * 1024,
  /** The middleware keeps the first and last 10 lines (`job.py` `get_logs_excerpt`); lines can be long. */
  logsExcerpt: 64 * 1024,
  /** PATH_MAX is 4096. */
  logsPath: 4 * 1024,
  progressDescription: 2 * 1024,
  excType: 256,
  excRepr: 16 * 1024,
  credentialsType: 64,
  username: 256,
} as const;

/** A job's arguments as kept for the detail view: about this many characters, at most this deep. */
export const ARGUMENTS_MAX_CHARS = 16 * 1024;
export const MAX_NESTING_DEPTH = 32;
/** A key of a structured value longer than this is cut like text. */
const KEY_MAX_CHARS = 256;

/** Python datetime's range, years 1 to 9999: every job date is one (`job.py` `utc_now()`), so nothing outside it is real. */
export const EARLIEST_DATE_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const LATEST_DATE_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

/**
 * Epoch milliseconds when a real server could have sent them, else null ("unknown"). Unknown rather than clamped:
 * a clamped time would be an invented one (shown, sorted, written to the ledger as if true), while every consumer
 * already handles an unknown time. Inside this range every Date method works (toISOString throws only beyond
 * ±8.64e15 ms), so a job with an impossible date is still reported, listed and printed.
 */
export function usableDateMs(ms: number): number | null {
  return Number.isFinite(ms) && ms >= EARLIEST_DATE_MS && ms <= LATEST_DATE_MS ? ms : null;
}

/** "4.0 MiB", "12.5 KiB", "300 bytes". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** UTF-8 length of text[from…], counted without encoding it (a lone surrogate counts as U+FFFD would: 3). */
function utf8Length(text: string, from: number): number {
  let bytes = 0;
  for (let i = from; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The marker that ends cut text. */
export function cutMarker(removedBytes: number): string {
  return `… (cut: ${formatSize(removedBytes)} from the server)`;
}

/** True when text ends with a cut marker (for views and tests). */
export function isCut(text: string): boolean {
  return /… \(cut: [^)]* from the server\)$/.test(text);
}

/** A fresh flat copy: the result must not keep a multi-megabyte original alive as V8 slices do. */
function detachedCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * Text of at most `max` code units (`max` ≥ 64); longer text keeps its start, never half a surrogate pair, and
 * ends with a marker saying how much the server sent beyond it.
 */
export function boundText(text: string, max: number): string {
  if (text.length <= max) return text;
  return cutAt(text, Math.max(0, max - MARKER_ROOM));
}

/** The first `keep` code units (one less rather than half a surrogate pair), copied, then the marker. */
function cutAt(text: string, keep: number): string {
  let end = keep;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return detachedCopy(text.slice(0, end)) + cutMarker(utf8Length(text, end));
}

/**
 * The JSON-escaped length of text (quotes excluded) as far as it fits in `room`: a control character costs up to
 * 6, so 16 K of NULs is 96 K once serialised. Scans at most the part that fits.
 */
function fitJson(text: string, room: number): { cost: number; fits: number } {
  let cost = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const unit =
      code < 0x20
        ? code === 0x0a || code === 0x0d || code === 0x09 || code === 0x08 || code === 0x0c
          ? 2
          : 6
        : code === 0x22 || code === 0x5c
          ? 2
          : isLoneSurrogateAt(text, i)
            ? 6
            : 1;
    if (cost + unit > room) return { cost, fits: i };
    cost += unit;
  }
  return { cost, fits: text.length };
}

function isLoneSurrogateAt(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (isHighSurrogate(code)) return !isLowSurrogate(text.charCodeAt(i + 1));
  if (isLowSurrogate(code)) return !isHighSurrogate(text.charCodeAt(i - 1));
  return false;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** boundText that keeps null and undefined as they are. */
export function boundOptionalText<T extends string | null | undefined>(text: T, max: number): T {
  return (typeof text === 'string' ? boundText(text, max) : text) as T;
}

export interface ValueBounds {
  /** The serialised (JSON) size kept, escapes included; markers may add a little (see boundValue). */
  maxChars: number;
  maxDepth: number;
}

function deeperMarker(maxDepth: number): string {
  return `… (cut: nested deeper than ${maxDepth} levels)`;
}

function moreMarker(count: number, what: 'items' | 'keys'): string {
  return `… (cut: ${count} more ${count === 1 ? what.slice(0, -1) : what} from the server)`;
}

/** The key under which an object's cut marker is stored. */
export const CUT_KEY = '…';

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // A plain assignment of "__proto__" would replace the object's prototype instead of adding the key.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** What a measuring walk answers when the value would not be kept whole. */
const WOULD_CUT = Symbol('would cut');

/**
 * A JSON value within `bounds` (see the module comment): the value itself when it fits whole, as nearly every job's
 * arguments do (one walk that builds nothing: this runs on every event), else a copy with the cuts. The budget may be
 * exceeded by the markers themselves: at most one per open container, so by (maxDepth + 1) × ~50 characters.
 */
export function boundValue(value: unknown, bounds: ValueBounds): unknown {
  let budget = bounds.maxChars;
  const spent = (): boolean => budget <= 0;

  /** With `copy` false, the node itself when nothing in it is cut, else WOULD_CUT; with `copy` true, the bounded copy. */
  const walk = (node: unknown, depth: number, copy: boolean): unknown => {
    if (typeof node === 'string') {
      const room = Math.max(budget - 2, 64);
      const whole = fitJson(node, room);
      if (whole.fits === node.length) {
        budget -= whole.cost + 2;
        return node;
      }
      if (!copy) return WOULD_CUT;
      budget -= room + 2;
      return cutAt(node, fitJson(node, room - MARKER_ROOM).fits);
    }
    if (node === null || typeof node !== 'object') {
      budget -= typeof node === 'number' ? String(node).length : 5;
      return node;
    }
    if (depth >= bounds.maxDepth) {
      if (!copy) return WOULD_CUT;
      budget -= 1;
      return deeperMarker(bounds.maxDepth);
    }
    budget -= 2;
    if (Array.isArray(node)) {
      const out: unknown[] | null = copy ? [] : null;
      for (let i = 0; i < node.length; i += 1) {
        if (spent()) {
          if (!out) return WOULD_CUT;
          out.push(moreMarker(node.length - i, 'items'));
          break;
        }
        const kept = walk(node[i], depth + 1, copy);
        if (kept === WOULD_CUT) return WOULD_CUT;
        out?.push(kept);
        budget -= 1;
      }
      return out ?? node;
    }
    const record = node as Record<string, unknown>;
    const out: Record<string, unknown> | null = copy ? {} : null;
    const keys = Object.keys(record);
    for (let i = 0; i < keys.length; i += 1) {
      if (spent()) {
        if (!out) return WOULD_CUT;
        setOwn(out, CUT_KEY, moreMarker(keys.length - i, 'keys'));
        break;
      }
      const key = keys[i]!;
      if (key.length > KEY_MAX_CHARS && !out) return WOULD_CUT;
      const keptKey = key.length <= KEY_MAX_CHARS ? key : boundText(key, KEY_MAX_CHARS);
      budget -= fitJson(keptKey, Infinity).cost + 3;
      const kept = walk(record[key], depth + 1, copy);
      if (kept === WOULD_CUT) return WOULD_CUT;
      if (out) setOwn(out, keptKey, kept);
    }
    return out ?? node;
  };

  if (walk(value, 0, false) !== WOULD_CUT) return value;
  budget = bounds.maxChars;
  return walk(value, 0, true);
}

/** A job's arguments as kept: the array itself counts as one level. */
export function boundArguments(args: unknown[]): unknown[] {
  return boundValue(args, { maxChars: ARGUMENTS_MAX_CHARS, maxDepth: MAX_NESTING_DEPTH }) as unknown[];
}
