/** Pure parts of the simulator: query filters, log excerpts, failure shapes, progress text, the CLI helper. */
import { describe, expect, it } from 'vitest';
import { applyQuery, parseQueryParams } from '../../../electron/sim/query';
import { describeFailure, excerpt } from '../../../electron/sim/jobs';
import { cloudSyncProgress, runSimCommand, seededRandom } from '../../../electron/sim/index';
import WebSocket from 'ws';

const rows = [
  { id: 1, state: 'SUCCESS', method: 'a.b', progress: { percent: 100 }, time_started: { $date: Date.UTC(2025, 0, 1) } },
  { id: 2, state: 'FAILED', method: 'cloudsync.sync', progress: { percent: null }, time_started: { $date: Date.UTC(2025, 0, 2) } },
  { id: 3, state: 'RUNNING', method: 'pool.scrub.scrub', progress: { percent: 41 }, time_started: { $date: Date.UTC(2025, 0, 3) } },
];
const q = (filters: unknown[], options: object = {}) => {
  const p = parseQueryParams('core.get_jobs', [filters, options]);
  return applyQuery(rows, p.filters, p.options);
};
const ids = (r: unknown) => (r as Array<{ id: number }>).map((x) => x.id);

describe('query filters', () => {
  it('supports comparison, string, case-insensitive and date operators', () => {
    expect(ids(q([['progress.percent', '>=', 41]]))).toEqual([1, 3]);
    expect(ids(q([['method', '^', 'cloud']]))).toEqual([2]);
    expect(ids(q([['method', '$', '.scrub']]))).toEqual([3]);
    expect(ids(q([['method', 'C=', 'CLOUDSYNC.SYNC']]))).toEqual([2]);
    expect(ids(q([['method', '~', 'scr.b']]))).toEqual([3]);
    expect(ids(q([['time_started.$date', '>', '2025-01-01T12:00:00Z']]))).toEqual([2, 3]);
    expect(ids(q([['progress.percent', '=', null]]))).toEqual([2]);
  });
  it('orders with nulls placement and selects fields', () => {
    expect(ids(q([], { order_by: ['nulls_first:progress.percent'] }))).toEqual([2, 3, 1]);
    expect(ids(q([], { order_by: ['-progress.percent'] }))).toEqual([1, 3, 2]);
    expect(q([['id', '=', 3]], { select: ['id', 'state'] })).toEqual([{ id: 3, state: 'RUNNING' }]);
  });
  it('rejects bad filters and options', () => {
    expect(() => q([['id', '=']])).toThrow(/Invalid filter/);
    expect(() => q([['id', 'in', 3]])).toThrow(/iterable/);
    expect(() => q([], { limit: -1 })).toThrow(/integer/);
    expect(() => q([], { bogus: true })).toThrow(/Extra inputs/);
    expect(() => q([['id', '=', 99]], { get: true })).toThrow(/not found/);
  });
});

describe('job text', () => {
  it('logs_excerpt keeps the first and last 10 lines', () => {
    const lines = Array.from({ length: 25 }, (_, i) => `line ${i}`);
    const e = excerpt(lines).split('\n');
    expect(e.slice(0, 10)).toEqual(lines.slice(0, 10));
    expect(e[10]).toBe('... 5 more lines ...');
    expect(e.slice(11, 21)).toEqual(lines.slice(15));
    expect(excerpt(['a', 'b'])).toBe('a\nb\n');
  });
  it('shapes CallError and validation failures like the middleware', () => {
    expect(describeFailure('[EFAULT] Failed to connect to remote host.').excInfo).toEqual({
      repr: "CallError('Failed to connect to remote host.', 14, None)",
      type: 'CallError',
      errno: 14,
      extra: null,
    });
    expect(describeFailure('disk on fire')).toMatchObject({
      error: 'disk on fire',
      excInfo: { type: 'Exception', errno: null, repr: "Exception('disk on fire')" },
    });
    const v = describeFailure('[EINVAL] cloud_sync_update.path: Path does not exist');
    expect(v.error).toBe('[EINVAL] cloud_sync_update.path: Path does not exist\n');
    expect(v.excInfo).toMatchObject({ type: 'VALIDATION', errno: 22, extra: [['cloud_sync_update.path', 'Path does not exist', 22]] });
  });
  it('cloud sync progress reads like rclone, one step per second', () => {
    const { steps } = cloudSyncProgress(3.3 * 1024 ** 3, 41 * 1024 ** 2);
    expect(steps[0]).toMatchObject({ percent: 0, description: 'Starting' });
    expect(steps[30]!.description).toBe('1.2 GiB / 3.3 GiB, 36%, 41.0 MiB/s, ETA 53s');
    expect(steps.at(-1)!.percent).toBe(100);
  });
  it('seededRandom is deterministic', () => {
    const a = seededRandom(5);
    const b = seededRandom(5);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('runSimCommand', () => {
  it('prints URLs, fake demo credentials and the fingerprint, runs the scenario and closes', async () => {
    const lines: string[] = [];
    const cmd = await runSimCommand({ port: 0, tls: true, scenario: 'demo' }, (l) => lines.push(l));
    const text = lines.join('\n');
    const sim = cmd.simulator;
    expect(text).toContain(sim.url);
    expect(text).toContain(sim.legacyUrl);
    expect(text).toContain(`Username:    ${sim.credentials.username}`);
    expect(text).toContain(sim.credentials.apiKey);
    expect(text).toContain(sim.credentials.password);
    expect(text).toMatch(/fake demo credentials/);
    expect(text).toContain(sim.fingerprint256!);
    expect(sim.jobs().length).toBeGreaterThan(0);
    const ws = new WebSocket(sim.url, { ca: sim.certificate });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    ws.close();
    await cmd.close();
    await expect(
      new Promise((r, j) => {
        const w = new WebSocket(sim.url, { ca: sim.certificate });
        w.once('open', r);
        w.once('error', j);
      }),
    ).rejects.toThrow();
  });
});
