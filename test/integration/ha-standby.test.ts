/**
 * HA standby over real sockets. A standby answers REDIRECT at login only while it reaches its active peer
 * (`plugins/auth.py` login_ex, 25.04.2 / 25.10.6); with the peer unreachable the login succeeds, and only
 * `failover.status` (BACKUP) tells. A standby runs no tasks: the client must not present it as a healthy live server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator, type SimUser } from '../../electron/sim/index';
import { followServer, type AccessHarness } from './access-harness';

let sim: Simulator | null = null;
let harness: AccessHarness | null = null;
afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

const ADMIN_KEY = '1-' + 'a'.repeat(64);
const SYNC_KEY = '2-' + 'b'.repeat(64);
const USERS: SimUser[] = [
  { username: 'demo', apiKeys: [ADMIN_KEY], fullAdmin: true },
  // No FAILOVER_READ: failover.status answers "Not authorized".
  { username: 'syncer', apiKeys: [SYNC_KEY], roles: ['CLOUD_SYNC_READ'] },
];

describe('HA standby controller', () => {
  it('a standby whose peer is unreachable (login succeeds, failover.status BACKUP) needs attention with what to do', async () => {
    sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0, failoverStatus: 'BACKUP' });
    harness = await followServer({ url: sim.url, username: 'demo', secret: ADMIN_KEY });
    const h = harness;
    const server = await h.waitFor(() => (h.server().state === 'needs-attention' ? h.server() : null), 'needs-attention');
    expect(server.attention).toMatchObject({ code: 'AUTH_REDIRECT' });
    expect(server.attention!.message).toMatch(/standby controller of an HA pair; connect to the virtual IP or the active controller/);
    expect(h.states.some((s) => s.state === 'live')).toBe(false);
    // Final: no reconnect loop against the standby.
    await new Promise((r) => setTimeout(r, 400));
    expect(h.server().state).toBe('needs-attention');
  });

  it('the REDIRECT user of the simulator still answers REDIRECT at login', async () => {
    sim = await startSimulator({
      version: '25.10',
      users: [{ username: 'demo', apiKeys: [ADMIN_KEY], fullAdmin: true, haStandby: true }],
      failDelayMs: 0,
    });
    harness = await followServer({ url: sim.url, username: 'demo', secret: ADMIN_KEY });
    const h = harness;
    const server = await h.waitFor(() => (h.server().state === 'needs-attention' ? h.server() : null), 'needs-attention');
    expect(server.attention).toMatchObject({ code: 'AUTH_REDIRECT' });
  });

  it('SINGLE and MASTER are live; a failing failover.status (no FAILOVER_READ, CORE 13 without the method) is harmless', async () => {
    for (const [status, user, key] of [
      ['SINGLE', 'demo', ADMIN_KEY],
      ['MASTER', 'demo', ADMIN_KEY],
      ['BACKUP', 'syncer', SYNC_KEY],
    ] as const) {
      sim = await startSimulator({ version: '25.10', users: USERS, failDelayMs: 0, failoverStatus: status });
      harness = await followServer({ url: sim.url, username: user, secret: key });
      const h = harness;
      await h.waitFor(() => h.server().state === 'live', `live with ${status} as ${user}`);
      await harness.stop();
      await sim.close();
      harness = null;
      sim = null;
    }
    sim = await startSimulator({ version: 'core13', failDelayMs: 0 });
    harness = await followServer({ url: sim.legacyUrl, username: sim.credentials.username, secret: sim.credentials.apiKey });
    const h = harness;
    await h.waitFor(() => h.server().state === 'live', 'live on CORE 13');
    expect(h.server().access).toMatchObject({ fullAdmin: true });
  });
});
