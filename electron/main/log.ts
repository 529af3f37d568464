/**
 * The app's own log: the core's Logger port written to a rotated file in the platform's log folder (electron-log's
 * file transport, injected so tests use its Node build on a temp folder), with secrets scrubbed from every message
 * and field before anything is written, and the last warnings and errors kept in memory for "Copy diagnostics".
 */
import { join } from 'node:path';
import type { LogFields, Logger, SecretStore } from '../core/ports';
import { cleanStatusText, scrubSecret } from '../core/status-text';

/** One log line at most this long: a server dump is cut, never written whole. */
export const LOG_LINE_MAX = 4000;
/** electron-log renames the file to main.old.log past this size and starts a new one: at most ~2 MiB on disk. */
export const LOG_FILE_MAX_BYTES = 1024 * 1024;
/** Warnings and errors kept for the diagnostics report. */
export const RECENT_PROBLEMS_MAX = 20;
export const LOG_FILE_NAME = 'main.log';

const MASK = '***';
/** A TrueNAS API key as the UI hands it out: "<id>-<64 letters and digits>". */
export const API_KEY_PATTERN = /^\d+-[A-Za-z0-9]{64}$/;
const API_KEY_IN_TEXT = /\b\d+-[A-Za-z0-9]{64}\b/g;
/** `"password": "…"` and friends inside JSON a server or a request echo carries. */
const SECRET_JSON_FIELD = /("(?:password|passwd|secret|api_?key|key|token|otp|otp_token|auth_token)"\s*:\s*)"(?:[^"\\]|\\.){0,4096}"/gi;
/** Field names whose values are never written, whatever they hold. */
const SECRET_FIELD_NAME = /pass(word|wd)?|secret|api.?key|token|otp|credential|authorization|cookie/i;

/**
 * `text` made safe for the log: every secret the app knows masked (raw, URL- and JSON-encoded), anything shaped
 * like an API key masked, JSON password fields masked, URL credentials and `password=` pairs redacted, one line
 * of at most LOG_LINE_MAX characters.
 */
export function scrubLogText(text: string, secrets: Iterable<string> = []): string {
  // Bounded first, so the scrubbing below stays linear in LOG_LINE_MAX, not in what a server sent.
  let out = text.length > LOG_LINE_MAX * 2 ? text.slice(0, LOG_LINE_MAX * 2) : text;
  for (const secret of secrets) out = scrubSecret(out, secret);
  out = out.replace(API_KEY_IN_TEXT, MASK).replace(SECRET_JSON_FIELD, `$1"${MASK}"`);
  return cleanStatusText(out, LOG_LINE_MAX);
}

export function scrubLogFields(
  fields: LogFields | undefined,
  secrets: Iterable<string> = [],
): Record<string, string | number | boolean | null> | undefined {
  if (!fields) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (SECRET_FIELD_NAME.test(name)) out[name] = MASK;
    else out[name] = typeof value === 'string' ? (API_KEY_PATTERN.test(value) ? MASK : scrubLogText(value, secrets)) : value;
  }
  return out;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogEntry {
  at: number;
  level: 'warn' | 'error';
  message: string;
}

/** The part of an electron-log instance (electron-log/main in the app, electron-log/node in tests) used here. */
export interface LogSink {
  transports: {
    file: { level: string | false; maxSize: number; resolvePathFn: (...args: never[]) => string; getFile(): { path: string } };
    console: { level: string | false };
  };
  debug(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
}

/** What the shell needs of its log: the Logger port, where the file is, and the recent problems. */
export interface ShellLog extends Logger {
  /** The folder holding the log file; null when the log is not written to a file (tests, no sink). */
  readonly folder: string | null;
  /** The last warnings and errors, oldest first, already scrubbed. */
  recentProblems(): readonly LogEntry[];
  /** A secret the app holds (a saved API key or password): masked wherever it appears in the log from now on. */
  rememberSecret(secret: string): void;
}

export interface AppLogOptions {
  /** electron-log; null writes no file and forwards to `forward` only. */
  sink: LogSink | null;
  /** The platform's log folder (Electron's app.getPath('logs')). */
  folder: string | null;
  /** Also told every (scrubbed) line: the console in development, a silent logger in tests. */
  forward?: Logger;
  now?: () => number;
}

export class AppLog implements ShellLog {
  readonly folder: string | null;
  private readonly secrets = new Set<string>();
  private readonly problems: LogEntry[] = [];
  private readonly now: () => number;

  constructor(private readonly options: AppLogOptions) {
    this.now = options.now ?? Date.now;
    this.folder = options.sink && options.folder ? options.folder : null;
    const sink = options.sink;
    if (sink && options.folder) {
      const file = join(options.folder, LOG_FILE_NAME);
      sink.transports.file.resolvePathFn = () => file;
      sink.transports.file.maxSize = LOG_FILE_MAX_BYTES;
      sink.transports.file.level = 'info';
      // The forward logger (or nobody) prints; electron-log's own console copy would print everything twice.
      sink.transports.console.level = false;
    }
  }

  /** The file being written, for tests and the diagnostics; null without a file. */
  get filePath(): string | null {
    return this.folder ? join(this.folder, LOG_FILE_NAME) : null;
  }

  rememberSecret(secret: string): void {
    // Very short "secrets" would mask ordinary words everywhere; real keys and passwords are longer.
    if (secret.length >= 4) this.secrets.add(secret);
  }

  recentProblems(): readonly LogEntry[] {
    return [...this.problems];
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    const text = scrubLogText(message, this.secrets);
    const clean = scrubLogFields(fields, this.secrets);
    if (level === 'warn' || level === 'error') {
      this.problems.push({ at: this.now(), level, message: clean ? `${text} ${JSON.stringify(clean)}` : text });
      if (this.problems.length > RECENT_PROBLEMS_MAX) this.problems.splice(0, this.problems.length - RECENT_PROBLEMS_MAX);
    }
    const sink = this.options.sink;
    if (sink) {
      if (clean) sink[level](text, clean);
      else sink[level](text);
    }
    this.options.forward?.[level](text, clean);
  }
}

/**
 * The secret store the monitor gets: the real one, with every secret it stores or reads back remembered by the
 * log, so a server echoing it in an error never writes it to disk.
 */
export function secretsSeenByLog(store: SecretStore, log: Pick<ShellLog, 'rememberSecret'>): SecretStore {
  return {
    available: () => store.available(),
    problem: () => store.problem(),
    set: async (id, secret) => {
      log.rememberSecret(secret);
      await store.set(id, secret);
    },
    get: async (id) => {
      const secret = await store.get(id);
      if (secret) log.rememberSecret(secret);
      return secret;
    },
    delete: (id) => store.delete(id),
  };
}
