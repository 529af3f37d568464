/**
 * A monitor over real sockets for the access, standby and log-download tests: like harness.ts, plus short
 * follow-up timings for restricted accounts and a server name of the test's choosing.
 */
import { Monitor, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import type { Transition } from '../../electron/core/model';
import type { ServerView } from '../../electron/core/view';
import type { FollowupTimings } from '../../electron/core/job-followup';
import { FAST_TIMINGS, MemoryFailures, SilentPolicy } from './harness';

export const FAST_FOLLOWUP: Partial<FollowupTimings> = { silenceMs: 300, lookupIntervalMs: 200, maxFollowed: 5 };

export interface AccessHarness {
  monitor: Monitor;
  transitions: Transition[];
  states: ServerView[];
  server(): ServerView;
  waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function followServer(options: {
  url: string;
  username: string;
  secret: string;
  name?: string;
  authMethod?: 'api-key' | 'password';
  logDownloadTimeoutMs?: number;
}): Promise<AccessHarness> {
  const target: ServerTarget = {
    id: 'nas1',
    name: options.name ?? 'nas1',
    url: options.url,
    auth: { method: options.authMethod ?? 'api-key', username: options.username },
    fingerprint256: null,
    muted: false,
    mutedUntil: null,
  };
  const directory: ServerDirectory = {
    list: async () => [target],
    secret: async () => options.secret,
    save: async () => {},
    remove: async () => {},
  };
  const monitor = new Monitor({
    connector: createServerConnector({ connectTimeoutMs: 3_000, callTimeoutMs: 5_000 }),
    directory,
    ledger: new TransitionLedger(),
    policy: new SilentPolicy(),
    failures: new MemoryFailures(),
    timings: FAST_TIMINGS,
    followup: FAST_FOLLOWUP,
    ...(options.logDownloadTimeoutMs !== undefined ? { logDownloadTimeoutMs: options.logDownloadTimeoutMs } : {}),
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
    transitions,
    states,
    server: () => monitor.snapshot().servers[0]!,
    waitFor,
    stop: () => monitor.stop(),
  };
}
