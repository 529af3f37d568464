/**
 * "Tell me when it is safe" over real sockets: the real monitor and notification planner against two simulators.
 * The all-servers watch notifies once, when the last running job on any server ends, and not before.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { Monitor, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import { NotificationPlanner } from '../../electron/core/planner';
import { FailureInbox } from '../../electron/core/failures';
import { NotificationSettingsSchema } from '../../electron/core/settings';
import type { NotificationView } from '../../electron/core/view';
import { FAST_TIMINGS } from './harness';

const sims: Simulator[] = [];
let monitor: Monitor | null = null;

afterEach(async () => {
  await monitor?.stop();
  for (const s of sims.splice(0)) await s.close();
  monitor = null;
});

async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const SAFE = 'Safe to restart';

describe('"Tell me when it is safe" against the simulator', () => {
  it('notifies exactly once, when the last job on the last busy server finishes', async () => {
    const a = await startSimulator();
    const b = await startSimulator();
    sims.push(a, b);
    const targets: ServerTarget[] = [a, b].map((s, i) => ({
      id: `nas${i + 1}`,
      name: `nas${i + 1}`,
      url: s.url,
      auth: { method: 'api-key', username: s.credentials.username },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
    }));
    const directory: ServerDirectory = {
      list: async () => targets,
      secret: async (id) => (id === 'nas1' ? a : b).credentials.apiKey,
      save: async () => {},
      remove: async () => {},
    };
    const m = new Monitor({
      connector: createServerConnector({ connectTimeoutMs: 3_000, callTimeoutMs: 5_000 }),
      directory,
      ledger: new TransitionLedger(),
      policy: new NotificationPlanner({ settings: NotificationSettingsSchema.parse({ burstWindowMs: 0, successThresholdSec: 0 }) }),
      failures: new FailureInbox({ store: null }),
      timings: FAST_TIMINGS,
    });
    monitor = m;
    const notifications: NotificationView[] = [];
    m.onNotification((n) => notifications.push(n));
    await m.start();
    await waitFor(() => m.snapshot().servers.every((s) => s.state === 'live') && m.snapshot().servers.length === 2, 'both live');

    const one = a.startJob({ method: 'replication.run', arguments: [1, {}], description: 'tank/data', manual: true });
    const two = b.startJob({ method: 'cloudsync.sync', arguments: [2, {}], description: 'Photos to B2', manual: true });
    a.progressJob(one, 40, 'Sending');
    await waitFor(() => m.rebootSafety().servers.every((s) => s.jobs.length === 1), 'a running job on each server');
    const safety = m.rebootSafety();
    expect(safety.safe).toBe(false);
    expect(safety.summary).toBe('Not safe: 2 jobs running on 2 servers');

    m.watchAllServers();
    a.finishJob(one, 'SUCCESS');
    await waitFor(() => m.rebootSafety().servers[0]?.status === 'idle', 'nas1 idle');
    await waitFor(() => notifications.some((n) => n.jobs.length > 0 && n.server === 'nas1'), "nas1's job ending noticed");
    await new Promise((r) => setTimeout(r, 200));
    expect(notifications.filter((n) => n.title === SAFE)).toHaveLength(0);

    b.finishJob(two, 'SUCCESS');
    await waitFor(() => notifications.some((n) => n.title === SAFE), 'the safe notification');
    expect(m.rebootSafety()).toMatchObject({ safe: true, summary: 'Nothing running on any server' });

    // Once: a later job and its ending do not notify "safe" again.
    const three = a.startJob({ method: 'replication.run', arguments: [3, {}], manual: true });
    await waitFor(() => m.rebootSafety().servers[0]?.jobs.length === 1, 'a new job');
    a.finishJob(three, 'SUCCESS');
    await waitFor(() => m.rebootSafety().safe, 'idle again');
    await new Promise((r) => setTimeout(r, 300));
    const safe = notifications.filter((n) => n.title === SAFE);
    expect(safe).toHaveLength(1);
    expect(safe[0]!.suppressed).toBeNull();
  });
});
