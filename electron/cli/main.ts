/**
 * The CLI's commands wired together: arguments (validated) → secrets → monitor or simulator → output lines.
 * Returns the exit code instead of exiting, so tests can run it in-process.
 */
import type { CliCommand } from './command';
import { TransitionLedger } from '../core/ledger';
import type { ServerTarget } from '../core/monitor';
import { startWatch, type CliRecord, EXIT_OK, EXIT_OTHER, exitCodeFor } from './watch';
import { openCliState, type CliState } from './state';
import { DEFAULT_LIST_TIMEOUT_SEC, USAGE, parseCommandLine } from './arguments';
import { formatRecord, jsonObject } from './lines';
import { ExecRunner, findProgram } from './exec';
import type { NdjsonLine } from './ndjson';
import packageJson from '../../package.json';
import { createDbusNotifier } from './dbus-notifier';
import { cleanStatusText } from '../core/status-text';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: Record<string, string | undefined>;
  /** Registers the handler for SIGINT/SIGTERM. */
  onSignal: (handler: () => void) => void;
}

export const EXIT_USAGE = 2;
/** Internal: list's deadline passed (reported as EXIT_OTHER). */
const TIMED_OUT = -1;

export interface CliDeps {
  parse: (
    argv: string[],
    env: Record<string, string | undefined>,
  ) => Promise<{ ok: true; value: CliCommand } | { ok: false; message: string }>;
  usage: string;
  version: string;
  /** `now` is the line's `ts`. */
  format: (record: CliRecord, json: boolean, now?: Date) => string;
  createNotifier?: () => Promise<{ notify(n: import('../core/view').NotificationView): Promise<unknown>; close(): Promise<void> | void }>;
}

export const DEFAULT_DEPS: CliDeps = {
  parse: parseCommandLine,
  usage: USAGE,
  version: `jobwatch ${packageJson.version}`,
  format: formatRecord,
};

/** Parses the command line and runs the command; returns the exit code. */
export async function runCli(argv: string[], io: CliIo, deps: CliDeps = DEFAULT_DEPS): Promise<number> {
  const parsed = await deps.parse(argv, io.env);
  if (!parsed.ok) {
    io.stderr(`jobwatch: ${parsed.message}`);
    io.stderr('');
    // The synopsis only: the full text is one `jobwatch help` away.
    io.stderr(deps.usage.split('\n\n')[0] ?? deps.usage);
    io.stderr("Run 'jobwatch help' for every option.");
    return EXIT_USAGE;
  }
  return runCommand(parsed.value, io, deps);
}

export async function runCommand(command: CliCommand, io: CliIo, deps: CliDeps): Promise<number> {
  switch (command.command) {
    case 'help':
      io.stdout(deps.usage);
      return EXIT_OK;
    case 'version':
      io.stdout(deps.version);
      return EXIT_OK;
    case 'sim':
      return runSim(command, io);
    case 'watch':
    case 'list':
      return runWatch(command, io, deps);
  }
}

async function runSim(command: Extract<CliCommand, { command: 'sim' }>, io: CliIo): Promise<number> {
  let sim;
  try {
    // Loaded only for `jobwatch sim`: watching and listing never evaluate the simulator.
    const { runSimCommand } = await import('../sim/index');
    sim = await runSimCommand(
      {
        port: command.port,
        host: command.host,
        tls: command.tls,
        ...(command.scenario ? { scenario: command.scenario } : {}),
        ...(command['truenas-version'] ? { version: command['truenas-version'] } : {}),
      },
      io.stdout,
    );
  } catch (err) {
    io.stderr(`jobwatch sim: ${(err as Error).message}`);
    return EXIT_OTHER;
  }
  io.stdout('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => io.onSignal(resolve));
  await sim.close();
  return EXIT_OK;
}

/** A transient job's transition, or a notification that stands only for such transitions. */
function isTransientRecord(record: CliRecord): boolean {
  if (record.type === 'transition') return record.transition.transient;
  return record.type === 'notification' && record.notification.suppressed === 'transient';
}

async function runWatch(command: Extract<CliCommand, { command: 'watch' | 'list' }>, io: CliIo, deps: CliDeps): Promise<number> {
  const emit = (record: CliRecord) => io.stdout(deps.format(record, command.json, new Date()));
  if (command.exec) {
    // Checked before anything starts: a typo in --exec would otherwise surface only at the first failure.
    const program = command.exec.argv[0]!;
    if (!(await findProgram(program, io.env))) {
      io.stderr(
        `jobwatch: --exec: cannot find ${program}${program.includes('/') ? ' (or it is not executable: chmod +x it)' : ' in PATH'}. Give the full path of the program or script to run.`,
      );
      return EXIT_USAGE;
    }
  }
  let state: CliState;
  try {
    state = await openCliState({
      ...(command.stateDir ? { stateDir: command.stateDir } : {}),
      ...(command.rulesFile ? { rulesFile: command.rulesFile } : {}),
      ...(command.language ? { language: command.language } : {}),
      notify: command.command === 'watch' && command.notify === true,
      warn: (message) => io.stderr(`jobwatch: ${message}`),
      createNotifier:
        deps.createNotifier ?? (async () => createDbusNotifier({ warn: (message) => io.stderr(`jobwatch: ${message}`), env: io.env })),
    });
  } catch (err) {
    io.stderr(`jobwatch: ${(err as Error).message}`);
    return EXIT_USAGE;
  }

  const askOtp = command.otpEnv ? async (_target: ServerTarget) => io.env[command.otpEnv!] ?? null : undefined;

  if (command.command === 'list') {
    // The last failure of each server still being retried: what to tell the person if the deadline passes.
    const lastError = new Map<string, string>();
    const watch = await startWatch({
      servers: command.servers,
      policy: state.silentPolicy,
      failures: state.failures,
      // list never reports transitions, and must not settle anything in the persisted ledger
      ledger: new TransitionLedger(),
      emit: (record) => {
        if (record.type === 'connection' && record.state === 'backoff' && record.detail) lastError.set(record.server, record.detail);
        if (record.type === 'connection' && record.state === 'needs-attention') emit(record);
      },
      ...(askOtp ? { askOtp } : {}),
    });
    const timeoutSec = command.timeoutSec ?? DEFAULT_LIST_TIMEOUT_SEC;
    let check: ReturnType<typeof setInterval> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const settled = (s: { state: string }) => s.state === 'live' || s.state === 'needs-attention';
    let code = await Promise.race([
      watch.finished,
      new Promise<number>((resolve) => {
        check = setInterval(() => {
          const servers = watch.monitor.snapshot().servers;
          if (servers.every(settled)) {
            resolve(
              servers.some((s) => s.state === 'needs-attention') ? exitCodeFor(servers.find((s) => s.attention)?.attention?.code) : EXIT_OK,
            );
          }
        }, 25);
      }),
      // A server failing with an error that is not final is retried for ever; list must end.
      new Promise<number>((resolve) => (deadline = setTimeout(() => resolve(TIMED_OUT), timeoutSec * 1000))),
    ]);
    clearInterval(check);
    clearTimeout(deadline);
    const snapshot = watch.monitor.snapshot();
    if (code === TIMED_OUT) {
      code = EXIT_OTHER;
      for (const server of snapshot.servers.filter((s) => !settled(s))) {
        const last = cleanStatusText(lastError.get(server.name) ?? server.detail);
        emit({
          type: 'error',
          server: server.name,
          message: `Not reached within ${timeoutSec} s${last ? `; last error: ${last}` : ''}. Check the address and that the server is up, or allow more time with --timeout.`,
        });
      }
    }
    const names = new Map(snapshot.servers.map((s) => [s.id, s.name]));
    const jobs = [...snapshot.jobs].sort((a, b) => (a.server === b.server ? a.id - b.id : a.server.localeCompare(b.server)));
    for (const job of jobs) emit({ type: 'job', job, serverName: names.get(job.server) ?? job.server });
    await watch.stop();
    await state.close();
    return code;
  }

  const exec = command.exec
    ? new ExecRunner({
        argv: command.exec.argv,
        timeoutMs: command.exec.timeoutSec * 1000,
        env: io.env,
        // The command is the user's, but it has no business with the servers' keys or passwords.
        secrets: command.servers.flatMap((s) => (s.secret ? [s.secret] : [])),
        hiddenNames: command.otpEnv ? [command.otpEnv] : [],
        report: (outcome) => emit({ type: 'exec', ...outcome }),
      })
    : null;
  const watch = await startWatch({
    servers: command.servers,
    policy: state.policy,
    failures: state.failures,
    ledger: state.ledger,
    history: state.history,
    ...(command.missedRunToleranceMs !== undefined ? { missedRunToleranceMs: command.missedRunToleranceMs } : {}),
    emit: (record) => {
      // The middleware's housekeeping (alert.process_alerts every few seconds) drowns the jobs people care about.
      if (!command.includeTransient && isTransientRecord(record)) return;
      const now = new Date();
      io.stdout(deps.format(record, command.json, now));
      if (record.type === 'notification' && !record.notification.suppressed) {
        void state.notify(record.notification);
        if (exec) {
          const line = jsonObject(record, now) as Extract<NdjsonLine, { type: 'notification' }>;
          exec.submit(line, JSON.stringify(line));
        }
      }
    },
    ...(askOtp ? { askOtp } : {}),
  });
  const code = await Promise.race([watch.finished, new Promise<number>((resolve) => io.onSignal(() => resolve(EXIT_OK)))]);
  await watch.stop();
  await exec?.close();
  await state.close();
  return code;
}
