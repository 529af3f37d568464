/**
 * Credentials over real sockets against the simulator: a revoked key on 26+ (AUTH_ERR, not EXPIRED), a key or
 * account that stops working for a while (slow retry, then catch-up), one that never worked (no retry), and wake()
 * never resending a refused credential.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimVersion } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';
import type { ServerView } from '../../electron/core/view';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function simulator(version: SimVersion): Promise<Simulator> {
  sim = await startSimulator({ port: 0, version, failDelayMs: 0 });
  return sim;
}

async function follow(s: Simulator, auth: 'api-key' | 'password' = 'api-key'): Promise<Harness> {
  harness = await startHarness([
    {
      url: s.url,
      username: s.credentials.username,
      secret: auth === 'api-key' ? s.credentials.apiKey : s.credentials.password,
      authMethod: auth,
    },
  ]);
  return harness;
}

/** Waits until the simulator has seen `n` more login attempts than `from`. */
function loginsAfter(h: Harness, s: Simulator, from: number, n: number): Promise<number> {
  return h.waitFor(() => s.loginAttempts() >= from + n && s.loginAttempts(), `${n} more login attempts`);
}

describe('an already revoked API key', () => {
  it.each([
    ['26.0', 'AUTH_FAILED'],
    ['27.0', 'AUTH_FAILED'],
    ['25.10', 'AUTH_EXPIRED'],
  ] as const)('%s: needs attention with %s, saying the key may be revoked and how to replace it', async (version, code) => {
    const s = await simulator(version);
    s.revokeApiKey(s.credentials.apiKey);
    const h = await follow(s);
    const server = await h.waitFor(() => h.server()?.state === 'needs-attention' && h.server(), 'needs-attention');
    expect(server.attention?.code).toBe(code);
    expect(server.attention?.message).toMatch(/revoked/);
    expect(server.attention?.message).toMatch(/Create a new API key in TrueNAS \(Credentials → API Keys/);
    expect(server.attention?.message).toMatch(/https:\/\/ \/ wss:\/\//);
    expect(server.attention?.message).toMatch(/http\/ws:\/\//);
    expect(server.retryAt).toBeNull();
  });
});

describe('a credential that worked, then is refused for a while', () => {
  it('needs attention at once, retries slowly, and when the key is restored goes live and reports a job that failed meanwhile exactly once', async () => {
    const s = await simulator('26.0');
    const h = await follow(s);
    await h.waitFor(() => h.server()?.state === 'live', 'live');
    const id = s.startJob({ method: 'replication.run', durationMs: 60_000, outcome: 'SUCCESS' });
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === id), 'the running job');

    s.deleteApiKey(s.credentials.apiKey);
    const seen = h.states.length;
    s.dropConnections();
    const refused = await h.waitFor(
      () => h.states.slice(seen).find((v) => v.state === 'needs-attention'),
      'needs-attention after the refusal',
    );
    expect(refused.attention?.code).toBe('AUTH_FAILED');
    expect(refused.attention?.message).toMatch(/^Worked before, now refused/);
    expect(refused.attention?.message).toMatch(/revoked, deleted/);
    expect(refused.attention?.message).toMatch(/directory service/);
    expect(refused.attention?.message).toMatch(/Create a new API key/);
    expect(refused.retryAt).not.toBeNull();
    // No live/backoff state came between the refusal and the first needs-attention: attention at once.
    expect(h.states.slice(seen, h.states.indexOf(refused)).map((v) => v.state)).not.toContain('live');

    s.finishJob(id, 'FAILED', '[EFAULT] failed while the key was refused');
    // Still refused: it keeps trying (slowly), each time back in needs-attention with a new retry time.
    const before = s.loginAttempts();
    await loginsAfter(h, s, before, 2);
    const attentionViews = h.states.slice(seen).filter((v): v is ServerView => v.state === 'needs-attention');
    expect(new Set(attentionViews.map((v) => v.retryAt)).size).toBeGreaterThanOrEqual(2);
    expect(h.transitions).toEqual([]);

    s.restoreApiKey(s.credentials.apiKey);
    await h.waitFor(() => h.server()?.state === 'live', 'live again after the key is restored');
    await h.waitFor(() => h.transitions.length === 1, 'the catch-up');
    expect(h.transitions[0]).toMatchObject({ jobId: id, to: 'FAILED', catchUp: true });
    expect(h.server()).toMatchObject({ attention: null, retryAt: null });

    // A later failure is reported live; the caught-up one is not reported again.
    const later = s.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: 'later' });
    await h.waitFor(() => h.transitions.some((t) => t.jobId === later), 'the later failure');
    expect(h.transitions.filter((t) => t.jobId === id)).toHaveLength(1);
  });

  it('a password account whose directory service is down comes back by itself', async () => {
    const s = await simulator('25.10');
    const h = await follow(s, 'password');
    await h.waitFor(() => h.server()?.state === 'live', 'live');
    s.setAccountDisabled(s.credentials.username, true);
    s.dropConnections();
    const refused = await h.waitFor(() => h.server()?.state === 'needs-attention' && h.server(), 'needs-attention');
    expect(refused.attention?.message).toMatch(/^Worked before, now refused: the server accepted this password earlier/);
    await loginsAfter(h, s, s.loginAttempts(), 1);
    s.setAccountDisabled(s.credentials.username, false);
    await h.waitFor(() => h.server()?.state === 'live', 'live again');
  });
});

describe('a credential that never worked', () => {
  it('is not retried, wake() sends no login, and editing the server reconnects at once', async () => {
    const s = await simulator('26.0');
    s.deleteApiKey(s.credentials.apiKey);
    const h = await follow(s);
    const server = await h.waitFor(() => h.server()?.state === 'needs-attention' && h.server(), 'needs-attention');
    expect(server).toMatchObject({ retryAt: null, attention: { code: 'AUTH_FAILED' } });
    expect(server.attention?.message).not.toMatch(/Worked before/);
    const logins = s.loginAttempts();
    expect(logins).toBe(1);

    // Resume, unlock, network change: nothing is sent.
    h.monitor.wake();
    h.monitor.networkChanged();
    expect(h.server()?.state).toBe('needs-attention');
    // Several slow-retry caps (FAST_TIMINGS) and ordinary backoff caps pass without a login.
    await new Promise((r) => setTimeout(r, 1_000));
    h.monitor.wake();
    await new Promise((r) => setTimeout(r, 300));
    expect(s.loginAttempts()).toBe(logins);
    expect(h.server()?.state).toBe('needs-attention');

    // The person acts: the key is restored and the server edited — that reconnects at once.
    s.restoreApiKey(s.credentials.apiKey);
    await h.monitor.updateServer(
      'nas1',
      { name: 'nas1', url: s.url, auth: { method: 'api-key', username: s.credentials.username }, fingerprint256: null },
      null,
    );
    await h.waitFor(() => h.server()?.state === 'live', 'live after the edit');
    expect(s.loginAttempts()).toBe(logins + 1);
  });
});

describe('no saved secret (a keychain that lost it)', () => {
  it('needs attention with a clear reason, sends nothing and schedules no retry', async () => {
    sim = await startSimulator({ port: 0 });
    const s = sim;
    harness = await startHarness([{ url: s.url, username: s.credentials.username, secret: '' }]);
    const h = harness;
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    expect(h.server()?.attention?.code).toBe('SECRET_REQUIRED');
    expect(h.server()?.attention?.message).toMatch(/No API key is saved for nas1/);
    expect(h.server()?.retryAt).toBeNull();
    expect(s.loginAttempts()).toBe(0);
  });
});
