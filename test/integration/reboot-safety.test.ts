/**
 * "Tell me when it is safe" over real sockets: the real monitor and notification planner against two simulators.
 * The all-servers watch notifies once, when every server is live with nothing running: not while a job started
 * after the request runs, and not while a server is not connected.
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

async function followBoth(a: Simulator, b: Simulator) {
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
  const safe = () => notifications.filter((n) => n.title === SAFE);
  return { m, notifications, safe };
}

describe('"Tell me when it is safe" against the simulator', () => {
  it('notifies exactly once, when the last job on the last busy server finishes, also waiting for jobs started meanwhile', async () => {
    const a = await startSimulator();
    const b = await startSimulator();
    sims.push(a, b);
    const { m, notifications, safe } = await followBoth(a, b);

    const one = a.startJob({ method: 'replication.run', arguments: [1, {}], description: 'tank/data', manual: true });
    const two = b.startJob({ method: 'cloudsync.sync', arguments: [2, {}], description: 'Photos to B2', manual: true });
    a.progressJob(one, 40, 'Sending');
    await waitFor(() => m.rebootSafety().servers.every((s) => s.jobs.length === 1), 'a running job on each server');
    const safety = m.rebootSafety();
    expect(safety).toMatchObject({ safe: false, watching: false, summary: 'Not safe: 2 jobs running on 2 servers' });

    m.watchAllServers();
    expect(m.rebootSafety().watching).toBe(true);
    a.finishJob(one, 'SUCCESS');
    await waitFor(() => m.rebootSafety().servers[0]?.status === 'idle', 'nas1 idle');
    await waitFor(() => notifications.some((n) => n.jobs.length > 0 && n.server === 'nas1'), "nas1's job ending noticed");
    // A job that starts after the request (cron, another admin) is waited for too.
    const late = a.startJob({ method: 'rsynctask.run', arguments: [7], description: 'Mirror', manual: true });
    await waitFor(() => m.rebootSafety().servers[0]?.jobs.length === 1, 'the late job running');
    b.finishJob(two, 'SUCCESS');
    await waitFor(() => notifications.some((n) => n.jobs.length > 0 && n.server === 'nas2'), "nas2's job ending noticed");
    await new Promise((r) => setTimeout(r, 200));
    expect(safe()).toHaveLength(0);
    expect(m.rebootSafety().watching).toBe(true);

    a.finishJob(late, 'SUCCESS');
    await waitFor(() => safe().length > 0, 'the safe notification');
    expect(m.rebootSafety()).toMatchObject({ safe: true, watching: false, summary: 'Nothing running on any server' });

    // Once: a later job and its ending do not notify "safe" again.
    const three = a.startJob({ method: 'replication.run', arguments: [3, {}], manual: true });
    await waitFor(() => m.rebootSafety().servers[0]?.jobs.length === 1, 'a new job');
    a.finishJob(three, 'SUCCESS');
    await waitFor(() => m.rebootSafety().safe, 'idle again');
    await new Promise((r) => setTimeout(r, 300));
    expect(safe()).toHaveLength(1);
    expect(safe()[0]!.suppressed).toBeNull();
  });

  it('never calls it safe while a server is not connected: it waits until that server answers again', async () => {
    const a = await startSimulator();
    const b = await startSimulator({ restartDowntimeMs: 4_000 });
    sims.push(a, b);
    const { m, safe } = await followBoth(a, b);
    const one = a.startJob({ method: 'replication.run', arguments: [1, {}], description: 'tank/data', manual: true });
    await waitFor(() => m.rebootSafety().servers[0]?.jobs.length === 1, 'the job running');
    m.watchAllServers();
    void b.restartMiddleware();
    await waitFor(() => m.rebootSafety().servers[1]?.status === 'unknown', 'nas2 away');
    a.finishJob(one, 'SUCCESS');
    await waitFor(() => m.rebootSafety().servers[0]?.status === 'idle', 'nas1 idle');
    await new Promise((r) => setTimeout(r, 300));
    const waiting = m.rebootSafety();
    expect(waiting).toMatchObject({ safe: false, watching: true, summary: 'Not safe: nas2 unknown (not connected)' });
    expect(safe()).toHaveLength(0);
    // nas2 is back, idle: now it is safe, once.
    await waitFor(() => safe().length > 0, 'the safe notification once nas2 answers', 20_000);
    expect(m.snapshot().servers.every((s) => s.state === 'live')).toBe(true);
    expect(safe()).toHaveLength(1);
  });
});
