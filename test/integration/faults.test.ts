/**
 * The core against the simulator over real sockets, through every fault the simulator can inject. After each,
 * later transitions are still reported exactly once and nothing is lost.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';
import type { Transition } from '../../electron/core/model';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

function perKey(transitions: Transition[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of transitions) counts.set(t.key, (counts.get(t.key) ?? 0) + 1);
  return counts;
}

function expectExactlyOnce(transitions: Transition[]): void {
  const duplicates = [...perKey(transitions)].filter(([, n]) => n > 1);
  expect(duplicates).toEqual([]);
}

async function follow(s: Simulator, opts: { url?: string; fingerprint256?: string | null } = {}): Promise<Harness> {
  const h = await startHarness([
    {
      url: opts.url ?? s.url,
      username: s.credentials.username,
      secret: s.credentials.apiKey,
      fingerprint256: opts.fingerprint256 ?? null,
    },
  ]);
  await h.waitFor(() => h.server()?.state === 'live', 'the session to go live');
  return h;
}

function transitionsOf(h: Harness, method: string): Transition[] {
  return h.transitions.filter((t) => t.method === method);
}

describe('core ↔ simulator over ws://', () => {
  it('seeds silently, then reports a failure and a double-SUCCESS job exactly once', async () => {
    sim = await startSimulator({ port: 0 });
    const before = sim.startJob({ method: 'pool.snapshottask.run', durationMs: 0, outcome: 'SUCCESS' });
    await sim.waitForJob(before);
    harness = await follow(sim);
    expect(harness.transitions).toEqual([]);

    sim.startJob({ method: 'replication.run', durationMs: 50, outcome: 'FAILED', error: '[EFAULT] Failed to connect to remote host.' });
    sim.startJob({ method: 'cloudsync.sync', durationMs: 50, outcome: 'SUCCESS', finalPercent: 40 });
    const h = harness;
    await h.waitFor(() => h.transitions.length >= 2, 'two transitions');
    await new Promise((r) => setTimeout(r, 300));
    expect(transitionsOf(h, 'replication.run')).toMatchObject([
      { to: 'FAILED', catchUp: false, error: '[EFAULT] Failed to connect to remote host.' },
    ]);
    expect(transitionsOf(h, 'cloudsync.sync')).toMatchObject([{ to: 'SUCCESS', catchUp: false }]);
    expectExactlyOnce(h.transitions);
  });

  it('after a middleware restart (ids start again at 1) reports new jobs once and never confuses them with old ones', async () => {
    // A real middleware restart takes many seconds; job start times are whole seconds, so the downtime must
    // cross a second boundary for the new job 1 to differ from the old job 1 at all.
    sim = await startSimulator({ port: 0, restartDowntimeMs: 1_100 });
    harness = await follow(sim);
    const h = harness;
    sim.startJob({ method: 'replication.run', durationMs: 20, outcome: 'FAILED', error: '[EFAULT] first' });
    await h.waitFor(() => h.transitions.length === 1, 'the first failure');
    await sim.restartMiddleware();
    await h.waitFor(() => h.server()?.state === 'live' && h.states.some((s) => s.state === 'backoff'), 'the reconnect');
    const id = sim.startJob({ method: 'replication.run', durationMs: 20, outcome: 'FAILED', error: '[EFAULT] second' });
    expect(id).toBe(1);
    await h.waitFor(() => h.transitions.length === 2, 'the second failure');
    expect(h.transitions.map((t) => [t.jobId, t.error])).toEqual([
      [1, '[EFAULT] first'],
      [1, '[EFAULT] second'],
    ]);
    expectExactlyOnce(h.transitions);
  });

  it('reports a job that finished while the connection was down once, as catch-up', async () => {
    sim = await startSimulator({ port: 0 });
    harness = await follow(sim);
    const h = harness;
    const id = sim.startJob({ method: 'cloudsync.sync', durationMs: 60_000, outcome: 'SUCCESS' });
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === id && j.state === 'RUNNING'), 'the job to run');
    sim.stall();
    sim.finishJob(id, 'FAILED', '[EFAULT] disk on fire');
    // The stalled socket is half-open: only the missed pong reveals it.
    await h.waitFor(() => h.states.some((s) => s.state === 'backoff'), 'the missed pong');
    sim.unstall();
    await h.waitFor(() => h.transitions.length === 1, 'the catch-up');
    expect(h.transitions[0]).toMatchObject({ jobId: id, to: 'FAILED', catchUp: true, error: '[EFAULT] disk on fire' });
    sim.startJob({ method: 'pool.scrub.scrub', durationMs: 20, outcome: 'FAILED', error: '[EFAULT] later' });
    await h.waitFor(() => h.transitions.length === 2, 'a later failure');
    expect(h.transitions[1]).toMatchObject({ catchUp: false, error: '[EFAULT] later' });
    expectExactlyOnce(h.transitions);
  });

  it('reconnects after dropped connections without duplicates', async () => {
    sim = await startSimulator({ port: 0 });
    harness = await follow(sim);
    const h = harness;
    for (let round = 0; round < 3; round++) {
      sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: `round ${round}` });
      await h.waitFor(() => h.transitions.length === round + 1, `failure ${round}`);
      const seen = h.states.length;
      sim.dropConnections();
      await h.waitFor(() => h.states.slice(seen).some((s) => s.state === 'backoff'), 'the drop to be seen');
      await h.waitFor(() => h.server()?.state === 'live', 'the reconnect');
    }
    expect(h.transitions).toHaveLength(3);
    expectExactlyOnce(h.transitions);
  });

  it('keeps the connection through the 60 s idle cut-off by pinging', async () => {
    sim = await startSimulator({ port: 0, idleTimeoutMs: 500 });
    harness = await follow(sim);
    const h = harness;
    await new Promise((r) => setTimeout(r, 1_500));
    expect(h.states.filter((s) => s.state === 'backoff')).toEqual([]);
    expect(h.server()?.state).toBe('live');
  });

  it('counts and drops malformed frames and goes on', async () => {
    sim = await startSimulator({ port: 0 });
    harness = await follow(sim);
    const h = harness;
    sim.sendMalformed();
    await h.waitFor(() => (h.server()?.badFrames ?? 0) > 0, 'bad frames to be counted');
    expect(h.server()?.state).toBe('live');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: 'after junk' });
    await h.waitFor(() => h.transitions.length === 1, 'a failure after the junk');
    expectExactlyOnce(h.transitions);
  });

  it('survives an oversized frame: reconnects and loses nothing', async () => {
    sim = await startSimulator({ port: 0 });
    harness = await follow(sim);
    const h = harness;
    sim.sendOversized();
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: 'after oversize' });
    await h.waitFor(() => h.transitions.length === 1, 'the failure');
    await h.waitFor(() => h.server()?.state === 'live', 'live again');
    expectExactlyOnce(h.transitions);
  });

  it('detects a silently expired TrueNAS session, signs in again and catches up', async () => {
    sim = await startSimulator({ port: 0 });
    harness = await follow(sim);
    const h = harness;
    const id = sim.startJob({ method: 'cloudsync.sync', durationMs: 60_000, outcome: 'SUCCESS' });
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === id), 'the job');
    sim.expireSessions();
    sim.finishJob(id, 'FAILED', 'while expired');
    await h.waitFor(() => h.transitions.length === 1, 'the catch-up after re-login');
    expect(h.transitions[0]).toMatchObject({ jobId: id, to: 'FAILED', catchUp: true });
    expectExactlyOnce(h.transitions);
  });

  it('stops with a clear reason on a wrong API key and does not retry in a loop', async () => {
    sim = await startSimulator({ port: 0 });
    const h = await startHarness([{ url: sim.url, username: sim.credentials.username, secret: 'wrong-key' }]);
    harness = h;
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    expect(h.server()?.attention?.code).toBe('AUTH_FAILED');
    const attempts = h.states.filter((s) => s.state === 'authenticating').length;
    await new Promise((r) => setTimeout(r, 500));
    expect(h.states.filter((s) => s.state === 'authenticating').length).toBe(attempts);
  });

  it('falls back to the legacy /websocket endpoint of an older server given just host:port', async () => {
    sim = await startSimulator({ port: 0, version: '24.10' });
    const hostPort = new URL(sim.url).host;
    harness = await follow(sim, { url: `http://${hostPort}` });
    const h = harness;
    expect(h.server()?.flavor).toBe('legacy');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] legacy failure' });
    await h.waitFor(() => h.transitions.length === 1, 'the failure over legacy');
    expect(h.transitions[0]).toMatchObject({ to: 'FAILED', error: '[EFAULT] legacy failure' });
  });
});

describe('core ↔ simulator over wss://', () => {
  it('follows a self-signed server through a pinned fingerprint', async () => {
    sim = await startSimulator({ port: 0, tls: true });
    harness = await follow(sim, { fingerprint256: sim.fingerprint256! });
    const h = harness;
    expect(h.server()?.endpoint).toMatch(/^wss:/);
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: 'over tls' });
    await h.waitFor(() => h.transitions.length === 1, 'the failure over TLS');
    const seen = h.states.length;
    sim.dropConnections();
    await h.waitFor(() => h.states.slice(seen).some((s) => s.state === 'backoff'), 'the drop');
    await h.waitFor(() => h.server()?.state === 'live', 'the reconnect');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: 'again' });
    await h.waitFor(() => h.transitions.length === 2, 'the second failure');
    expectExactlyOnce(h.transitions);
  });

  it('refuses an untrusted certificate and a changed one, needing the user', async () => {
    sim = await startSimulator({ port: 0, tls: true });
    const untrusted = await startHarness([{ url: sim.url, username: sim.credentials.username, secret: sim.credentials.apiKey }]);
    await untrusted.waitFor(() => untrusted.server()?.state === 'needs-attention', 'needs-attention');
    expect(untrusted.server()?.attention?.code).toBe('CERT_UNTRUSTED');
    await untrusted.stop();

    const wrongPin = 'AA:' + sim.fingerprint256!.slice(3);
    harness = await startHarness([
      {
        url: sim.url,
        username: sim.credentials.username,
        secret: sim.credentials.apiKey,
        fingerprint256: wrongPin === sim.fingerprint256 ? 'BB:' + sim.fingerprint256.slice(3) : wrongPin,
      },
    ]);
    const h = harness;
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    expect(h.server()?.attention?.code).toBe('CERT_CHANGED');
  });
});
