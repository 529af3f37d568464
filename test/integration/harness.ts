/**
 * Drives the real core (monitor, sessions, job books, protocol clients) against the simulator over real sockets,
 * with short liveness timings so faults are detected quickly. Records every transition and server state.
 */
import { Monitor, type FailureList, type NotificationPolicy, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import type { Transition } from '../../electron/core/model';
import type { FailureView, NotificationView, ServerView } from '../../electron/core/view';
import type { SessionTimings } from '../../electron/core/session';

export const FAST_TIMINGS: Partial<SessionTimings> = {
  pingIntervalMs: 150,
  pingTimeoutMs: 400,
  authCheckIntervalMs: 300,
  backoffBaseMs: 20,
  backoffCapMs: 200,
  stableAfterMs: 1_000,
  snapshotTimeoutMs: 5_000,
  credentialRetryBaseMs: 100,
  credentialRetryCapMs: 400,
};

/** Notifies nothing: these tests look at transitions; the rules have their own tests. */
export class SilentPolicy implements NotificationPolicy {
  private paused: number | null = null;
  push(): void {}
  due(): NotificationView[] {
    return [];
  }
  nextDueAt(): number | null {
    return null;
  }
  watchJob(): void {}
  watchServer(): void {}
  setPausedUntil(until: number | null): void {
    this.paused = until;
  }
  pausedUntil(): number | null {
    return this.paused;
  }
  setServerMute(): void {}
}

export class MemoryFailures implements FailureList {
  private items: FailureView[] = [];
  add(t: Transition, now: number): void {
    this.items.unshift({
      key: t.key,
      server: t.server,
      jobId: t.jobId,
      method: t.method,
      description: t.description,
      error: t.error,
      timeFinished: t.timeFinished,
      reportedAt: now,
    });
  }
  acknowledge(key: string): void {
    this.items = this.items.filter((f) => f.key !== key);
  }
  acknowledgeServer(server: string): void {
    this.items = this.items.filter((f) => f.server !== server);
  }
  acknowledgeAll(): void {
    this.items = [];
  }
  list(): FailureView[] {
    return [...this.items];
  }
  onChange(): () => void {
    return () => {};
  }
}

export interface HarnessServer {
  url: string;
  username: string;
  secret: string;
  authMethod?: 'api-key' | 'password';
  fingerprint256?: string | null;
  name?: string;
}

export interface Harness {
  monitor: Monitor;
  ledger: TransitionLedger;
  transitions: Transition[];
  states: ServerView[];
  server(name?: string): ServerView | undefined;
  waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startHarness(servers: HarnessServer[], options: { ledger?: TransitionLedger } = {}): Promise<Harness> {
  const targets: ServerTarget[] = servers.map((s, i) => ({
    id: s.name ?? `nas${i + 1}`,
    name: s.name ?? `nas${i + 1}`,
    url: s.url,
    auth: { method: s.authMethod ?? 'api-key', username: s.username },
    fingerprint256: s.fingerprint256 ?? null,
    muted: false,
    mutedUntil: null,
  }));
  const secrets = new Map(targets.map((t, i) => [t.id, servers[i]!.secret]));
  const directory: ServerDirectory = {
    list: async () => targets,
    secret: async (id) => secrets.get(id) ?? null,
    save: async () => {},
    remove: async () => {},
  };
  const ledger = options.ledger ?? new TransitionLedger();
  const monitor = new Monitor({
    connector: createServerConnector({ connectTimeoutMs: 3_000, callTimeoutMs: 5_000 }),
    directory,
    ledger,
    policy: new SilentPolicy(),
    failures: new MemoryFailures(),
    timings: FAST_TIMINGS,
  });
  const transitions: Transition[] = [];
  const states: ServerView[] = [];
  monitor.onTransition((t) => transitions.push(t));
  monitor.onServerChange((s) => states.push(s));
  await monitor.start();

  async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== null && value !== false) return value;
      if (Date.now() > deadline) {
        const last = monitor
          .snapshot()
          .servers.map((s) => `${s.name}: ${s.state} (${s.detail})`)
          .join('; ');
        throw new Error(`Timed out waiting for ${what}. Servers: ${last}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  return {
    monitor,
    ledger,
    transitions,
    states,
    server: (name = 'nas1') => monitor.snapshot().servers.find((s) => s.name === name),
    waitFor,
    stop: () => monitor.stop(),
  };
}
