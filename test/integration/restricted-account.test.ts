/**
 * An account without FULL_ADMIN (READONLY_ADMIN), over real sockets. What the middleware does (`job.py`
 * `credential_access_error`; `plugins/auth.py` `logout`, which clears a closed connection's credentials from
 * 25.10-RC.1, commit a744267c26): such an account sees the jobs started under its own name only while the starting
 * connection is open (25.10+), or for good (before 25.10). A lookup by id applies the same filter, so on 25.10 the
 * job cannot be found either: the client must stop showing it as running and say that it lost sight of it, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type JobSpec, type Simulator, type SimUser } from '../../electron/sim/index';
import { followServer, type AccessHarness } from './access-harness';

const KEY = '2-' + 'w'.repeat(64);
const USERS: SimUser[] = [
  { username: 'demo', password: 'demo-password', apiKeys: ['1-' + 'a'.repeat(64)], fullAdmin: true },
  { username: 'watcher', apiKeys: [KEY], roles: ['READONLY_ADMIN'] },
];

let sim: Simulator | null = null;
let harness: AccessHarness | null = null;
afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function followAsWatcher(s: Simulator): Promise<AccessHarness> {
  const h = await followServer({ url: s.url, username: 'watcher', secret: KEY });
  await h.waitFor(() => h.server().state === 'live', 'the session to go live');
  return h;
}

/** A cron `midclt call` as the same user: it disconnects right after the job is queued. */
const cronJob: JobSpec = {
  method: 'pool.scrub.scrub',
  arguments: ['tank'],
  manual: true,
  startedBy: { username: 'watcher', type: 'UNIX_SOCKET' },
};

describe('restricted account', () => {
  it('shows in the server view what the account can and cannot see', async () => {
    sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0 });
    harness = await followAsWatcher(sim);
    const access = harness.server().access;
    expect(access).toMatchObject({ fullAdmin: false, lostJobs: 0, lostNotice: null });
    expect(access!.roles).toEqual(expect.arrayContaining(['READONLY_ADMIN', 'CLOUD_SYNC_READ', 'REPLICATION_TASK_READ']));
    expect(access!.summary).toMatch(/Restricted account \(READONLY_ADMIN\)/);
    expect(access!.summary).toMatch(/cloud sync and replication/);
  });

  it('a full admin is shown as seeing every job', async () => {
    sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0 });
    harness = await followServer({ url: sim.url, username: 'demo', secret: '1-' + 'a'.repeat(64) });
    const h = harness;
    await h.waitFor(() => h.server().state === 'live', 'live');
    expect(h.server().access).toMatchObject({ fullAdmin: true, summary: expect.stringMatching(/sees every job/) });
  });

  it('25.10: a job whose starter disconnected stops being shown as running and is reported lost once, never as a made-up outcome', async () => {
    sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0 });
    harness = await followAsWatcher(sim);
    const h = harness;
    const id = sim.startJob(cronJob);
    // The `added` event went out while the starter was still connected.
    await h.waitFor(() => h.monitor.snapshot().jobs.find((j) => j.id === id), 'the job to appear');
    expect(h.server().running).toBe(1);
    sim.progressJob(id, 40, 'Scrubbing'); // not sent to us: the job is now "internally ran" for this account
    sim.finishJob(id, 'FAILED', '[EFAULT] Pool tank is degraded');

    await h.waitFor(() => h.server().access?.lostJobs === 1, 'the client to notice it lost sight of the job');
    expect(h.monitor.snapshot().jobs.find((j) => j.id === id)).toBeUndefined();
    expect(h.server().running).toBe(0);
    expect(h.server().access!.lostNotice).toMatch(new RegExp(`Lost sight of "pool.scrub.scrub" \\(job ${id}\\)`));
    // Nothing reported: this account cannot know how the job ended.
    expect(h.transitions).toEqual([]);

    // A reconnect does not report it a second time.
    sim.dropConnections();
    await h.waitFor(() => h.states.some((s) => s.state === 'backoff') && h.server().state === 'live', 'the reconnect');
    await new Promise((r) => setTimeout(r, 600));
    expect(h.server().access!.lostJobs).toBe(1);
    expect(h.transitions).toEqual([]);
  });

  it('25.04: the starter’s credentials outlive its connection, so the job is followed to FAILED by its events, once', async () => {
    sim = await startSimulator({ version: '25.04', users: USERS, failDelayMs: 0 });
    harness = await followAsWatcher(sim);
    const h = harness;
    const id = sim.startJob(cronJob);
    await h.waitFor(() => h.monitor.snapshot().jobs.find((j) => j.id === id), 'the job to appear');
    sim.progressJob(id, 40, 'Scrubbing');
    sim.finishJob(id, 'FAILED', '[EFAULT] Pool tank is degraded');
    await h.waitFor(() => h.transitions.length === 1, 'the failure');
    await new Promise((r) => setTimeout(r, 600));
    expect(h.transitions).toMatchObject([{ jobId: id, to: 'FAILED', error: '[EFAULT] Pool tank is degraded' }]);
    expect(h.server().access).toMatchObject({ fullAdmin: false, lostJobs: 0 });
  });

  it('a silent job of a restricted account is looked up by id, and its FAILED end (no event reached us) reported exactly once', async () => {
    sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0 });
    harness = await followAsWatcher(sim);
    const h = harness;
    // Started from a connection of this account that stays open: the job stays visible to it.
    const id = sim.startJob({ ...cronJob, startedBy: { username: 'watcher', type: 'UNIX_SOCKET', detach: 'never' } });
    await h.waitFor(() => h.monitor.snapshot().jobs.find((j) => j.id === id), 'the job to appear');
    sim.loseEvents(id); // from here on no event of this job reaches any client
    sim.progressJob(id, 40, 'Scrubbing');
    sim.finishJob(id, 'FAILED', '[EFAULT] Pool tank is degraded');
    expect(sim.job(id)!.state).toBe('FAILED');

    await h.waitFor(() => h.transitions.length === 1, 'the failure, found by a lookup');
    expect(h.transitions).toMatchObject([{ jobId: id, to: 'FAILED', error: '[EFAULT] Pool tank is degraded', catchUp: false }]);
    expect(h.monitor.snapshot().jobs.find((j) => j.id === id)).toMatchObject({ state: 'FAILED' });
    // Reconnecting (a snapshot that lists it FAILED) does not report it again, nor does more time.
    sim.dropConnections();
    await h.waitFor(() => h.states.some((s) => s.state === 'backoff') && h.server().state === 'live', 'the reconnect');
    await new Promise((r) => setTimeout(r, 600));
    expect(h.transitions).toHaveLength(1);
    expect(h.server().access!.lostJobs).toBe(0);
  });
});
