/**
 * `watch --exec CMD`: runs a command for each shown notification, never through a shell. The command gets the
 * notification's NDJSON line on stdin and its fields in JOBWATCH_* environment variables. It can never block the
 * watcher: at most a few run at once, a bounded number wait, each is killed (with its process group) after a
 * timeout, and whatever goes wrong is reported as an `exec` record instead of thrown.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ExecStatus, NdjsonLine } from './ndjson';

export const DEFAULT_EXEC_TIMEOUT_SEC = 30;
const MAX_WORDS = 256;
const MAX_COMMAND_CHARS = 16_384;
/** How much of the command's stderr is kept for the report: its end, where the reason usually is. */
const STDERR_TAIL = 2048;
/** Longest an environment value may be; a title or body is far shorter, this only guards the exec call. */
const ENV_VALUE_MAX = 64 * 1024;

/** Characters a shell would treat as operators or expansions; refused unquoted, since no shell runs here. */
const SHELL_SPECIAL = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);

/**
 * Splits CMD into argv like a shell would split words, without any shell: whitespace separates words; '…' is
 * literal; "…" allows \" and \\; a backslash outside quotes escapes the next character. A JSON array of strings
 * is taken as the argv itself. Pipes, redirections, $VARIABLES, `…` and a leading ~ are refused with advice,
 * because they would silently be passed as plain text.
 */
export function parseExecCommand(text: string): { ok: true; argv: string[] } | { ok: false; message: string } {
  if (text.length > MAX_COMMAND_CHARS) return { ok: false, message: `is longer than ${MAX_COMMAND_CHARS} characters` };
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      return { ok: false, message: 'starts with [ but is not a JSON array of strings, e.g. ["/usr/local/bin/notify", "--to", "ops"]' };
    }
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_WORDS || !value.every((w) => typeof w === 'string')) {
      return { ok: false, message: `must be a JSON array of 1 to ${MAX_WORDS} strings` };
    }
    const argv = value;
    if (argv[0] === '') return { ok: false, message: 'names no program (its first word is empty)' };
    if (argv.some((w) => w.includes('\u0000'))) return { ok: false, message: 'must not contain NUL characters' };
    return { ok: true, argv };
  }
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\u0000') return { ok: false, message: 'must not contain NUL characters' };
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += c;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, message: 'ends with a lone backslash' };
      word += text[++i];
      inWord = true;
      continue;
    }
    if (SHELL_SPECIAL.has(c) || (c === '~' && !inWord)) {
      return {
        ok: false,
        message: `contains ${c} outside quotes, but the command is run without a shell (no pipes, redirections, variables or ~). Quote it to pass it as text, give a script's full path, or ask for a shell on purpose: --exec "sh -c '…'"`,
      };
    }
    word += c;
    inWord = true;
  }
  if (quote) return { ok: false, message: `has an unclosed ${quote}` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, message: 'names no program' };
  if (argv.length > MAX_WORDS) return { ok: false, message: `has more than ${MAX_WORDS} words` };
  if (argv[0] === '') return { ok: false, message: 'names no program (its first word is empty)' };
  return { ok: true, argv };
}

/** Where the program would be found (as execvp does: a name with a slash is a path, else PATH is searched); null when nowhere. */
export async function findProgram(program: string, env: Record<string, string | undefined>, cwd = process.cwd()): Promise<string | null> {
  const runnable = async (path: string) => {
    try {
      const info = await stat(path);
      if (!info.isFile()) return false;
      await access(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/') || (process.platform === 'win32' && program.includes('\\'))) {
    const path = isAbsolute(program) ? program : join(cwd, program);
    return (await runnable(path)) ? path : null;
  }
  const extensions = process.platform === 'win32' ? ['', ...(env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of extensions) {
      const path = join(dir, program + ext);
      if (await runnable(path)) return path;
    }
  }
  return null;
}

type NotificationLine = Extract<NdjsonLine, { type: 'notification' }>;

export interface ExecOutcome {
  server: string;
  notificationId: string;
  command: string;
  status: ExecStatus;
  exitCode: number | null;
  signal: string | null;
  stderr: string;
  message: string;
}

export interface ExecRunnerOptions {
  argv: string[];
  timeoutMs: number;
  /** The watcher's environment; the command inherits it minus `hiddenNames` and any variable holding a secret. */
  env: Record<string, string | undefined>;
  /** Values never passed on (the servers' API keys and passwords), whatever variable holds them. */
  secrets: readonly string[];
  hiddenNames?: readonly string[];
  report: (outcome: ExecOutcome) => void;
  /** At most this many commands at once (default 2) … */
  maxRunning?: number;
  /** … and this many waiting (default 32); more are dropped and reported. */
  maxWaiting?: number;
  /** Between SIGTERM and SIGKILL (default 2 s). */
  killGraceMs?: number;
}

interface Pending {
  line: NotificationLine;
  json: string;
}

/** The notification's fields as JOBWATCH_* variables (values without NUL, bounded). */
export function execEnvironment(line: NotificationLine): Record<string, string> {
  const clean = (value: string) => value.replaceAll('\u0000', '').slice(0, ENV_VALUE_MAX);
  const first = line.jobs[0];
  return {
    JOBWATCH_EVENT: 'notification',
    JOBWATCH_NDJSON_VERSION: String(line.v),
    JOBWATCH_TS: line.ts,
    JOBWATCH_NOTIFICATION_ID: clean(line.id),
    JOBWATCH_SERVER: clean(line.server),
    JOBWATCH_TITLE: clean(line.title),
    JOBWATCH_BODY: clean(line.body),
    JOBWATCH_URGENCY: line.urgency,
    JOBWATCH_CATCH_UP: line.catchUp ? '1' : '0',
    JOBWATCH_JOB_COUNT: String(line.jobs.length),
    // The first job, for the common case of one; every job is in the JSON on stdin.
    JOBWATCH_JOB_ID: first ? String(first.jobId) : '',
    JOBWATCH_METHOD: first ? clean(first.method) : '',
  };
}

export class ExecRunner {
  private readonly waiting: Pending[] = [];
  private readonly running = new Set<{ child: ChildProcess; done: Promise<void> }>();
  private readonly baseEnv: Record<string, string>;
  private closed = false;

  constructor(private readonly options: ExecRunnerOptions) {
    const hidden = new Set(options.hiddenNames ?? []);
    const secrets = new Set(options.secrets.filter((s) => s.length > 0));
    this.baseEnv = {};
    for (const [name, value] of Object.entries(options.env)) {
      if (value === undefined || hidden.has(name) || secrets.has(value.trim()) || name.startsWith('JOBWATCH_')) continue;
      this.baseEnv[name] = value;
    }
  }

  /** Queues the command for this notification line; returns at once. */
  submit(line: NotificationLine, json: string): void {
    if (this.closed) return;
    if (this.running.size < (this.options.maxRunning ?? 2)) {
      this.start({ line, json });
      return;
    }
    const maxWaiting = this.options.maxWaiting ?? 32;
    if (this.waiting.length >= maxWaiting) {
      this.report(
        { line, json },
        'dropped',
        null,
        null,
        '',
        `${maxWaiting} notifications were already waiting for --exec, so this one was not passed to it. The command is slower than notifications arrive: make it return sooner, or lower --exec-timeout.`,
      );
      return;
    }
    this.waiting.push({ line, json });
  }

  /** Waiting commands are dropped (reported); running ones get up to `graceMs` to finish, then are killed. */
  async close(graceMs = Math.min(5000, this.options.timeoutMs)): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting.splice(0)) {
      this.report(pending, 'dropped', null, null, '', 'jobwatch was stopping, so the command was not run for this notification.');
    }
    const all = [...this.running];
    if (all.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(all.map((r) => r.done)), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const r of this.running) this.kill(r.child, 'SIGKILL');
    await Promise.all([...this.running].map((r) => r.done));
  }

  private start(pending: Pending): void {
    const [program, ...args] = this.options.argv as [string, ...string[]];
    let child: ChildProcess;
    try {
      child = spawn(program, args, {
        shell: false,
        // Its own process group, so a timeout kills what it started too (a script's sleep, curl…).
        detached: process.platform !== 'win32',
        stdio: ['pipe', 'ignore', 'pipe'],
        env: { ...this.baseEnv, ...execEnvironment(pending.line) },
        windowsHide: true,
      });
    } catch (err) {
      this.report(pending, 'not-started', null, null, '', `could not run ${program}: ${(err as Error).message}`);
      this.next();
      return;
    }
    let stderr = '';
    let timedOut = false;
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    // A command that does not read its stdin (or exits first) must not crash the watcher with EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(`${pending.json}\n`);
    const timer = setTimeout(() => {
      timedOut = true;
      this.kill(child, 'SIGTERM');
      const hard = setTimeout(() => this.kill(child, 'SIGKILL'), this.options.killGraceMs ?? 2000);
      hard.unref();
      child.once('exit', () => clearTimeout(hard));
    }, this.options.timeoutMs);
    const done = new Promise<void>((resolve) => {
      let over = false;
      const finish = (report: () => void) => {
        if (over) return;
        over = true;
        clearTimeout(timer);
        child.stderr?.destroy();
        report();
        resolve();
      };
      // 'close' waits for stdio to end, which a grandchild can hold open for ever; 'exit' does not.
      child.once('exit', (code, signal) => finish(() => this.settle(pending, program, { code, signal, timedOut, stderr })));
      // A failed spawn (ENOENT, EACCES) has no pid and may have no 'exit'.
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        finish(() =>
          this.report(
            pending,
            'not-started',
            null,
            null,
            '',
            `could not run ${program} (${err.code ?? err.message}). Check that it exists and is executable, or give its full path.`,
          ),
        );
      });
    });
    const entry = { child, done };
    this.running.add(entry);
    void done.then(() => {
      this.running.delete(entry);
      this.next();
    });
  }

  private settle(
    pending: Pending,
    program: string,
    r: { code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; stderr: string },
  ): void {
    if (r.timedOut) {
      const seconds = Math.round(this.options.timeoutMs / 100) / 10;
      this.report(
        pending,
        'timed-out',
        r.code,
        r.signal,
        r.stderr,
        `${program} did not finish within ${seconds} s and was stopped. Make it return sooner (send in the background), or allow more time with --exec-timeout.`,
      );
    } else if (r.signal) {
      this.report(pending, 'failed', null, r.signal, r.stderr, `${program} was killed by ${r.signal}.`);
    } else if (r.code !== 0) {
      const why = r.stderr.trim() ? ` Its last words: ${lastLine(r.stderr)}` : ' It wrote nothing to stderr.';
      this.report(pending, 'failed', r.code, null, r.stderr, `${program} exited with status ${r.code}.${why}`);
    }
  }

  private next(): void {
    if (this.closed) return;
    while (this.running.size < (this.options.maxRunning ?? 2)) {
      const pending = this.waiting.shift();
      if (!pending) return;
      this.start(pending);
    }
  }

  private kill(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      if (process.platform !== 'win32') process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch {
      child.kill(signal);
    }
  }

  private report(
    pending: Pending,
    status: ExecStatus,
    exitCode: number | null,
    signal: string | null,
    stderr: string,
    message: string,
  ): void {
    const command = this.options.argv[0] ?? '';
    this.options.report({
      server: pending.line.server,
      notificationId: pending.line.id,
      command,
      status,
      exitCode,
      signal,
      stderr,
      message,
    });
  }
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  return (lines[lines.length - 1] ?? '').trim().slice(0, 300);
}
