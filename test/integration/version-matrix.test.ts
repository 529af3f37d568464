/**
 * The core's fault run against every TrueNAS version the simulator imitates, each reached from a bare `http://`
 * address as a new user would type it. After seeding, duplicate SUCCESS events, a transient job, a dropped
 * connection, a half-open stall, an expired session, a middleware restart and malformed frames, every job that ended
 * is reported exactly once: nothing missing, nothing twice, nothing that is not one of our jobs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SIM_VERSIONS, startSimulator, type Simulator } from '../../electron/sim/index';
import { traits } from '../../electron/sim/versions';
import type { Transition } from '../../electron/core/model';
import { startHarness, type Harness } from './harness';
import { TestClient } from './sim/client';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

interface Tally {
  expected: number;
  missing: string[];
  duplicated: string[];
  spurious: string[];
}

/** Compares what was reported with the jobs that ended (by id within each middleware generation). */
function tally(transitions: Transition[], expected: Map<string, 'SUCCESS' | 'FAILED'>): Tally {
  const seen = new Map<string, Transition[]>();
  for (const t of transitions) {
    const tag = `${t.method}:${t.error ?? t.to}`;
    seen.set(tag, [...(seen.get(tag) ?? []), t]);
  }
  const missing = [...expected.keys()].filter((tag) => !seen.has(tag));
  const duplicated = [...seen].filter(([, list]) => list.length > 1).map(([tag]) => tag);
  const spurious = [...seen].filter(([tag, list]) => !expected.has(tag) && list.some((t) => !t.transient)).map(([tag]) => tag);
  return { expected: expected.size, missing, duplicated, spurious };
}

describe.each(SIM_VERSIONS)('TrueNAS %s', (version) => {
  it('connects from a bare http:// address, and reports every job ending exactly once through every fault', async () => {
    sim = await startSimulator({ port: 0, version, restartDowntimeMs: 1_100 });
    const s = sim;
    // Finished before we connect: seeded silently, never reported.
    await s.waitForJob(s.startJob({ method: 'pool.snapshottask.run', durationMs: 0, outcome: 'FAILED', error: 'before we looked' }));

    const host = new URL(s.url).host;
    harness = await startHarness([{ url: `http://${host}`, username: s.credentials.username, secret: s.credentials.apiKey }]);
    const h = harness;
    await h.waitFor(() => h.server()?.state === 'live', `live from http://${host}`);
    expect(h.server()?.flavor).toBe(traits(version).apiVersions === null ? 'legacy' : 'jsonrpc');
    expect(h.transitions).toEqual([]);

    // Tags are method:error (or method:SUCCESS); each expected exactly once.
    const expected = new Map<string, 'SUCCESS' | 'FAILED'>();
    const fail = async (method: string, error: string) => {
      expected.set(`${method}:${error}`, 'FAILED');
      return s.startJob({ method, durationMs: 20, outcome: 'FAILED', error });
    };
    const reported = (n: number, what: string) => h.waitFor(() => h.transitions.filter((t) => !t.transient).length >= n, what);

    await fail('replication.run', '[EFAULT] live failure');
    expected.set('cloudsync.sync:SUCCESS', 'SUCCESS');
    s.startJob({ method: 'cloudsync.sync', durationMs: 20, outcome: 'SUCCESS', finalPercent: 40 }); // two SUCCESS events
    s.startJob({ method: 'alert.process_alerts', transient: true, durationMs: 5, outcome: 'SUCCESS' });
    await reported(2, 'a failure and a double SUCCESS');

    let seen = h.states.length;
    s.dropConnections();
    await h.waitFor(() => h.states.slice(seen).some((st) => st.state === 'backoff'), 'the drop');
    await h.waitFor(() => h.server()?.state === 'live', 'the reconnect after the drop');
    await fail('rsynctask.run', '[EFAULT] after a drop');
    await reported(3, 'the failure after the drop');

    const long = s.startJob({ method: 'pool.scrub.scrub', durationMs: 60_000, outcome: 'SUCCESS' });
    // CORE 13 sends no event for WAITING → RUNNING: the job may still look WAITING here.
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === long), 'the long job to be seen');
    s.stall();
    expected.set('pool.scrub.scrub:[EFAULT] while half-open', 'FAILED');
    s.finishJob(long, 'FAILED', '[EFAULT] while half-open');
    seen = h.states.length;
    await h.waitFor(() => h.states.slice(seen).some((st) => st.state === 'backoff'), 'the missed pong');
    s.unstall();
    await reported(4, 'the catch-up after the stall');

    const during = s.startJob({ method: 'cloudsync.sync', arguments: [7], durationMs: 60_000, outcome: 'SUCCESS' });
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === during), 'a job before expiry');
    s.expireSessions();
    expected.set('cloudsync.sync:[EFAULT] while expired', 'FAILED');
    s.finishJob(during, 'FAILED', '[EFAULT] while expired');
    await reported(5, 'the failure around the session expiry');

    seen = h.states.length;
    await s.restartMiddleware();
    await h.waitFor(
      () => h.states.slice(seen).some((st) => st.state === 'backoff') && h.server()?.state === 'live',
      'the reconnect after a restart',
    );
    await fail('replication.run', '[EFAULT] after a restart');
    await reported(6, 'the failure after the restart');

    s.sendMalformed();
    await h.waitFor(() => (h.server()?.badFrames ?? 0) > 0, 'bad frames counted');
    await fail('cloud_backup.sync', '[EFAULT] after junk');
    await reported(7, 'the failure after junk');
    await new Promise((r) => setTimeout(r, 300)); // room for a late duplicate

    const result = tally(h.transitions, expected);
    console.log(
      `version ${version}: http://${host} → ${h.server()?.endpoint?.replace(/^ws:\/\/[^/]+/, '') ?? '?'} (${h.server()?.flavor}); ` +
        `${result.expected} expected transitions, missing ${result.missing.length}, duplicated ${result.duplicated.length}, spurious ${result.spurious.length}`,
    );
    expect(result).toEqual({ expected: 7, missing: [], duplicated: [], spurious: [] });
  });
});

describe('TrueNAS 27: the old login methods are private on /api/current', () => {
  it('the client signs in with auth.login_ex, so the server logs no private-method warning', async () => {
    sim = await startSimulator({ port: 0, version: '27.0' });
    const s = sim;
    harness = await startHarness([{ url: s.url, username: s.credentials.username, secret: s.credentials.apiKey }]);
    const h = harness;
    await h.waitFor(() => h.server()?.state === 'live', 'live on 27');
    expect(s.stats().privateMethodWarnings).toBe(0);
    // The simulator does count such a call (the server still runs it, with a warning).
    const client = await TestClient.open(s.url);
    expect(await client.call('auth.login_with_api_key', [s.credentials.apiKey])).toBe(true);
    await client.close();
    expect(s.stats().privateMethodWarnings).toBe(1);
  });
});
