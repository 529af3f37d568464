/** Fault injection: idle cut-off, stalls, drops, expired sessions, malformed and oversized frames, allowlist, TLS. */
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../electron/sim/index';
import { loginRpc, TestClient } from './client';

const sims: Simulator[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(opts: SimulatorOptions = {}): Promise<Simulator> {
  const s = await startSimulator({ failDelayMs: 0, ...opts });
  sims.push(s);
  return s;
}
async function subscribed(s: Simulator, opts = {}): Promise<TestClient> {
  const c = await loginRpc(s.url, s.credentials.username, s.credentials.apiKey, opts);
  clients.push(c);
  await c.call('core.subscribe', ['core.get_jobs']);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('idle cut-off (nginx, ≤25.10)', () => {
  it('cuts a silent connection abruptly (1006), and keeps one that gets answers', async () => {
    const s = await sim({ idleTimeoutMs: 300 });
    const silent = await TestClient.open(s.url);
    clients.push(silent);
    const pinging = await TestClient.open(s.url);
    clients.push(pinging);
    const closed = silent.closed;
    for (let i = 0; i < 10; i++) {
      await pinging.call('core.ping');
      await sleep(50);
    }
    expect((await closed).code).toBe(1006);
    expect(await pinging.call('core.ping')).toBe('pong');
  });
});

describe('half-open stall', () => {
  it('neither reads nor writes while stalled; events of that time are lost; answers after unstall', async () => {
    const s = await sim();
    const c = await subscribed(s);
    s.stall();
    const during = s.startJob({ method: 'replication.run', durationMs: 0, outcome: 'FAILED', error: 'x' });
    await s.waitForJob(during);
    const pong = c.rpc('core.ping');
    await sleep(50);
    expect(c.frames.some((f) => 'result' in f && f.result === 'pong')).toBe(false);
    s.unstall();
    expect((await pong).result).toBe('pong');
    expect(c.eventsFor(during)).toEqual([]);
    const after = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await c.waitTerminal(after, 2);
  });
});

describe('drops and closes', () => {
  it('dropConnections terminates (1006) or closes with a given code', async () => {
    const s = await sim();
    const a = await subscribed(s);
    s.dropConnections();
    expect((await a.closed).code).toBe(1006);
    const b = await subscribed(s);
    s.dropConnections({ code: 1000, reason: 'session terminated' });
    expect(await b.closed).toEqual({ code: 1000, reason: 'session terminated' });
    expect(s.stats().connections).toBe(0);
  });

  it('closes with 1008 when the peer is not in the UI allowlist', async () => {
    const s = await sim();
    s.setAllowlisted(false);
    const c = await TestClient.open(s.url);
    clients.push(c);
    expect(await c.closed).toEqual({ code: 1008, reason: 'You are not allowed to access this resource' });
  });
});

describe('expired sessions', () => {
  it('25.10: events stop for an expired session; 25.04: the leftover subscriber keeps receiving them', async () => {
    for (const [version, expected] of [
      ['25.10', 0],
      ['25.04', 4],
    ] as const) {
      const s = await sim({ version });
      const c = await subscribed(s);
      s.expireSessions();
      const id = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
      await s.waitForJob(id);
      await c.rpc('core.set_options', [{}]);
      expect(c.eventsFor(id)).toHaveLength(expected);
      expect((await c.rpc('core.get_jobs')).error).toMatchObject({ data: { error: 207 } });
    }
  });
});

describe('malformed and oversized frames', () => {
  it('sends invalid JSON and a schema-invalid event to subscribers only', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const idle = await TestClient.open(s.url);
    clients.push(idle);
    expect(s.sendMalformed()).toBe(2);
    await c.next(() => c.raw.length >= 4);
    expect(() => JSON.parse(c.raw[2]!)).toThrow();
    expect(JSON.parse(c.raw[3]!)).toMatchObject({ params: { id: 'not-a-job-id', fields: 'garbage' } });
    expect(idle.raw).toEqual([]);
  });

  it('sends one oversized frame per subscriber', async () => {
    const s = await sim();
    const c = await subscribed(s);
    expect(s.sendOversized(100_000)).toBe(1);
    const f = await c.next((x) => x.method === 'collection_update');
    expect(JSON.stringify(f).length).toBeGreaterThan(100_000);
  });
});

describe('TLS', () => {
  it('serves wss:// with a self-signed certificate whose SHA-256 fingerprint is exposed', async () => {
    const s = await sim({ tls: true });
    expect(s.url).toMatch(/^wss:\/\//);
    expect(s.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    const seen = await new Promise<string>((resolve, reject) => {
      const sock = tlsConnect({ host: '127.0.0.1', port: s.port, rejectUnauthorized: false }, () => {
        resolve(sock.getPeerCertificate().fingerprint256);
        sock.end();
      });
      sock.on('error', reject);
    });
    expect(seen).toBe(s.fingerprint256);
    await expect(TestClient.open(s.url)).rejects.toThrow(/self.signed|certificate/i);
    const c = await subscribed(s, { ca: s.certificate });
    expect(await c.call('core.ping')).toBe('pong');
  });
});
