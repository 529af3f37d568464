/**
 * `jobwatch watch` and `jobwatch list`: the monitor with command-line servers (never saved), printing what it
 * sees as records for the output formatter. Exit codes follow the usage text: 3 when every server stopped on
 * an authentication problem, 4 on a certificate problem.
 */
import { Monitor, type NotificationPolicy, type ServerDirectory, type ServerTarget, type FailureList } from '../core/monitor';
import { createServerConnector } from '../core/connector';
import { TransitionLedger } from '../core/ledger';
import type { SessionState, Transition } from '../core/model';
import type { JobView, NotificationView, ServerView } from '../core/view';
import type { SessionTimings } from '../core/session';
import type { ExecStatus } from './ndjson';
import type { Insight } from '../core/insights';
import type { ScheduleCheck } from '../core/missed-runs';
import type { RunHistory } from '../core/history';

export interface CliServer {
  url: string;
  name?: string;
  username: string | null;
  authMethod: 'api-key' | 'password';
  secret: string | null;
  fingerprint256: string | null;
  /** --allow-insecure-password (or the saved profile's setting): send the password even over plain ws://. */
  allowInsecurePassword?: boolean;
  /** --compression (or the saved profile's setting); absent = the default (off). */
  compression?: boolean;
}

export type CliRecord =
  | { type: 'connection'; server: string; state: SessionState; detail: string }
  | { type: 'transition'; transition: Transition; serverName: string }
  /** nameOf: server id → name, for the notification's job references. */
  | { type: 'notification'; notification: NotificationView; serverName: string; nameOf?: (id: string) => string }
  | { type: 'job'; job: JobView; serverName: string }
  | { type: 'error'; server: string | null; message: string }
  | { type: 'insight'; insight: Insight; serverName: string }
  /** A due time that could not be checked (the missed ones come as insights). */
  | { type: 'schedule-check'; check: ScheduleCheck; serverName: string }
  | {
      type: 'exec';
      server: string;
      notificationId: string;
      command: string;
      status: ExecStatus;
      exitCode: number | null;
      signal: string | null;
      stderr: string;
      message: string;
    };

export const EXIT_OK = 0;
export const EXIT_OTHER = 1;
export const EXIT_AUTH = 3;
export const EXIT_CERT = 4;

export function exitCodeFor(code: string | undefined): number {
  if (!code) return EXIT_OTHER;
  if (code.startsWith('AUTH_') || code === 'OTP_REQUIRED' || code === 'INSECURE_TRANSPORT' || code === 'MECHANISM_UNSUPPORTED')
    return EXIT_AUTH;
  if (code.startsWith('CERT_')) return EXIT_CERT;
  return EXIT_OTHER;
}

/** A name for a server given only as a URL: its host (with port when not the default). */
export function serverNameFromUrl(url: string): string {
  try {
    const parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `https://${url}`);
    return parsed.host || url;
  } catch {
    return url;
  }
}

export function targetsFor(servers: CliServer[]): { targets: ServerTarget[]; secrets: Map<string, string | null> } {
  const targets: ServerTarget[] = [];
  const secrets = new Map<string, string | null>();
  for (const server of servers) {
    let name = server.name ?? serverNameFromUrl(server.url);
    for (let n = 2; targets.some((t) => t.id === name); n++) name = `${server.name ?? serverNameFromUrl(server.url)}#${n}`;
    targets.push({
      id: name,
      name,
      url: server.url,
      auth: {
        method: server.authMethod,
        username: server.username ?? '',
        allowInsecurePassword: server.authMethod === 'password' && server.allowInsecurePassword === true,
      },
      fingerprint256: server.fingerprint256,
      muted: false,
      mutedUntil: null,
      ...(server.compression !== undefined ? { compression: server.compression } : {}),
    });
    secrets.set(name, server.secret);
  }
  return { targets, secrets };
}

export interface WatchSetup {
  servers: CliServer[];
  policy: NotificationPolicy;
  failures: FailureList;
  ledger: TransitionLedger;
  emit: (record: CliRecord) => void;
  timings?: Partial<SessionTimings>;
  askOtp?: (target: ServerTarget) => Promise<string | null>;
  onStop?: () => Promise<void>;
  /** The run history (persisted with --state-dir); in memory when absent. */
  history?: RunHistory;
  /** --missed-run-tolerance (ms); the rules' setting when absent. */
  missedRunToleranceMs?: number;
}

export interface RunningWatch {
  monitor: Monitor;
  /** Resolves with the exit code when every server needs the user (nothing left to watch). */
  finished: Promise<number>;
  stop(): Promise<void>;
}

export async function startWatch(setup: WatchSetup): Promise<RunningWatch> {
  const { targets, secrets } = targetsFor(setup.servers);
  const directory: ServerDirectory = {
    list: async () => targets,
    secret: async (id) => secrets.get(id) ?? null,
    save: async () => {},
    remove: async () => {},
  };
  const monitor = new Monitor({
    connector: createServerConnector(setup.askOtp ? { askOtp: setup.askOtp } : {}),
    directory,
    ledger: setup.ledger,
    policy: setup.policy,
    failures: setup.failures,
    ...(setup.timings ? { timings: setup.timings } : {}),
    ...(setup.onStop ? { flush: setup.onStop } : {}),
    ...(setup.history ? { history: setup.history } : {}),
    ...(setup.missedRunToleranceMs !== undefined ? { missedRuns: { toleranceMs: setup.missedRunToleranceMs } } : {}),
  });
  const names = new Map(targets.map((t) => [t.id, t.name]));
  const nameOf = (id: string) => names.get(id) ?? id;

  let resolveFinished!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (resolveFinished = resolve));
  const lastLine = new Map<string, string>();
  const latest = new Map<string, ServerView>();
  monitor.onServerChange((server) => {
    latest.set(server.id, server);
    const line = `${server.state}\u0000${server.detail}`;
    // "idle" is only the moment before the first connection attempt: not worth a line.
    if (server.state !== 'idle' && lastLine.get(server.id) !== line) {
      lastLine.set(server.id, line);
      setup.emit({ type: 'connection', server: server.name, state: server.state, detail: server.detail });
    }
    const all = targets.map((t) => latest.get(t.id));
    if (all.every((s) => s?.state === 'needs-attention')) {
      resolveFinished(exitCodeFor(all[0]?.attention?.code));
    }
  });
  monitor.onTransition((transition) => setup.emit({ type: 'transition', transition, serverName: nameOf(transition.server) }));
  monitor.onInsight((insight) => setup.emit({ type: 'insight', insight, serverName: nameOf(insight.server) }));
  monitor.onScheduleCheck((check) => {
    if (check.outcome === 'could-not-check') setup.emit({ type: 'schedule-check', check, serverName: nameOf(check.server) });
  });
  monitor.onNotification((notification) =>
    setup.emit({ type: 'notification', notification, serverName: nameOf(notification.server), nameOf }),
  );
  await monitor.start();
  return { monitor, finished, stop: () => monitor.stop() };
}
