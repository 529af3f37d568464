/** Subscriptions, job events, dates, eviction, transient jobs, visibility, queries, abort and log download. */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, startSimulator, type Simulator, type SimulatorOptions, type SimUser } from '../../../electron/sim/index';
import { connectLegacy, loginRpc, TestClient, type Frame } from './client';

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
async function login(s: Simulator, username = s.credentials.username, key = s.credentials.apiKey): Promise<TestClient> {
  const c = await loginRpc(s.url, username, key);
  clients.push(c);
  return c;
}
async function subscribed(s: Simulator, username?: string, key?: string): Promise<TestClient> {
  const c = await login(s, username, key);
  await c.call('core.subscribe', ['core.get_jobs']);
  return c;
}
const states = (c: TestClient, id: number) => c.eventsFor(id).map((e) => [e.msg, e.fields.state]);
const pct = (f: Frame) => (f.progress as { percent: number | null }).percent;

function httpGet(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}

describe('subscriptions', () => {
  it('core.subscribe returns a UUID and sends no snapshot; a duplicate subscription does not duplicate events', async () => {
    const s = await sim();
    s.seedFinishedJob({ method: 'pool.snapshottask.run' });
    const c = await login(s);
    const a = await c.call('core.subscribe', ['core.get_jobs']);
    const b = await c.call('core.subscribe', ['core.get_jobs']);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).not.toBe(a);
    await c.call('core.ping');
    expect(c.jobEvents()).toEqual([]);
    const id = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await c.waitTerminal(id, 2);
    expect(states(c, id)).toEqual([
      ['added', 'WAITING'],
      ['changed', 'RUNNING'],
      ['changed', 'SUCCESS'],
      ['changed', 'SUCCESS'],
    ]);
    await c.call('core.unsubscribe', [a]);
    await c.call('core.unsubscribe', [b]);
    const later = s.startJob({ method: 'pool.snapshottask.run', durationMs: 0 });
    await s.waitForJob(later);
    await c.call('core.ping');
    expect(c.eventsFor(later)).toEqual([]);
  });

  it('unauthenticated core.subscribe is ENOTAUTHENTICATED; legacy sub answers ready or EACCES', async () => {
    const s = await sim();
    const c = await TestClient.open(s.url);
    clients.push(c);
    expect((await c.rpc('core.subscribe', ['core.get_jobs'])).error).toMatchObject({ data: { error: 207 } });
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    l.send({ id: 's0', msg: 'sub', name: 'core.get_jobs' });
    expect(await l.next((f) => f.id === 's0')).toMatchObject({ msg: 'result', error: { error: 13, errname: 'EACCES' } });
    await l.legacy('auth.login_with_api_key', [s.credentials.apiKey]);
    l.send({ id: 's1', msg: 'sub', name: 'core.get_jobs' });
    expect(await l.next((f) => f.msg === 'ready')).toEqual({ msg: 'ready', subs: ['s1'] });
    const id = s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 0,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    await l.waitTerminal(id);
    const added = l.frames.find((f) => f.msg === 'added')!;
    expect(added).toMatchObject({ msg: 'added', collection: 'core.get_jobs', id, fields: { id, state: 'WAITING' } });
  });
});

describe('job events', () => {
  it('added WAITING → RUNNING with logs_path → one changed per effective progress change → terminal, full objects', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const id = s.startJob({
      method: 'cloudsync.sync',
      arguments: [3],
      abortable: true,
      logs: true,
      durationMs: 40,
      progress: [
        { percent: 0, description: 'Starting' },
        { percent: 37.6, description: 'Starting' },
        { percent: 37.9, description: 'Starting' },
        { percent: 100, description: '3.3 GiB / 3.3 GiB, 100%' },
      ],
    });
    const last = await c.waitTerminal(id);
    const ev = c.eventsFor(id);
    expect(ev.map((e) => [e.msg, e.fields.state, pct(e.fields), (e.fields.progress as Frame).description])).toEqual([
      ['added', 'WAITING', 0, ''],
      ['changed', 'RUNNING', 0, ''],
      ['changed', 'RUNNING', 0, 'Starting'],
      ['changed', 'RUNNING', 37, 'Starting'],
      ['changed', 'RUNNING', 100, '3.3 GiB / 3.3 GiB, 100%'],
      ['changed', 'SUCCESS', 100, '3.3 GiB / 3.3 GiB, 100%'],
    ]);
    expect(ev[0]!.fields.logs_path).toBeNull();
    expect(ev[1]!.fields.logs_path).toBe(`/var/log/jobs/${id}.log`);
    const keys = Object.keys(ev[0]!.fields);
    expect(keys).toEqual([
      'id',
      'message_ids',
      'method',
      'arguments',
      'transient',
      'description',
      'abortable',
      'logs_path',
      'logs_excerpt',
      'progress',
      'result',
      'result_encoding_error',
      'error',
      'exception',
      'exc_info',
      'state',
      'time_started',
      'time_finished',
      'credentials',
    ]);
    for (const e of ev) expect(Object.keys(e.fields)).toEqual(keys);
    expect(last).toBeTruthy();
    expect(ev.at(-1)!.fields.time_finished).not.toBeNull();
    expect(ev.at(-1)!.fields.logs_excerpt).toContain('INFO');
  });

  it('SUCCESS below 100 % gives two SUCCESS events (time_finished on the first); FAILED and ABORTED one', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const ok = s.startJob({ method: 'pool.snapshottask.run', durationMs: 10, logs: true, finalPercent: 40 });
    const failed = s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 10,
      logs: true,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    const aborted = s.startJob({ method: 'cloudsync.sync', durationMs: 10, outcome: 'ABORTED' });
    await Promise.all([c.waitTerminal(ok, 2), c.waitTerminal(failed), c.waitTerminal(aborted)]);
    await c.call('core.ping');
    const okEv = c.eventsFor(ok).filter((e) => e.fields.state === 'SUCCESS');
    expect(okEv).toHaveLength(2);
    expect(okEv.map((e) => pct(e.fields))).toEqual([100, 100]);
    expect(okEv[0]!.fields.time_finished).toEqual(okEv[1]!.fields.time_finished);
    expect(okEv[0]!.fields.time_finished).not.toBeNull();
    expect(okEv[0]!.fields.logs_excerpt).toBeNull();
    expect(okEv[1]!.fields.logs_excerpt).toEqual(expect.any(String));
    const f = c.eventsFor(failed).filter((e) => e.fields.state === 'FAILED');
    expect(f).toHaveLength(1);
    expect(f[0]!.fields).toMatchObject({
      error: '[EFAULT] Failed to connect to remote host.',
      exception: expect.stringMatching(
        /^Traceback \(most recent call last\):\n[\s\S]*CallError: \[EFAULT\] Failed to connect to remote host\.\n$/,
      ),
      exc_info: { repr: "CallError('Failed to connect to remote host.', 14, None)", type: 'CallError', errno: 14, extra: null },
    });
    const a = c.eventsFor(aborted).filter((e) => e.fields.state === 'ABORTED');
    expect(a).toHaveLength(1);
    expect(a[0]!.fields).toMatchObject({ error: null, exception: null, exc_info: null });
  });

  it('dates are whole seconds on SCALE and keep milliseconds on CORE 13 (which also lacks newer fields)', async () => {
    const clock = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, 0, 123));
    const s = await sim({ clock });
    const id = s.startJob({ method: 'pool.snapshottask.run', durationMs: 2_500 });
    await clock.advance(3_000);
    const j = s.job(id)!;
    expect(j.time_started!.$date).toBe(Date.UTC(2025, 5, 20, 10, 0, 0));
    expect(j.time_finished!.$date % 1000).toBe(0);

    const clock13 = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, 0, 123));
    const s13 = await sim({ clock: clock13, version: 'core13' });
    const id13 = s13.startJob({ method: 'pool.scrub', durationMs: 1000, progress: [{ percent: 12.5 }] });
    await clock13.advance(2_000);
    const j13 = s13.job(id13)!;
    expect(j13.time_started!.$date).toBe(Date.UTC(2025, 5, 20, 10, 0, 0, 123));
    expect(j13).not.toHaveProperty('transient');
    expect(j13).not.toHaveProperty('credentials');
    expect(j13).not.toHaveProperty('description');
    const running = s13.startJob({ method: 'pool.scrub', manual: true });
    await clock13.advance(1);
    s13.progressJob(running, 33.3);
    expect(s13.job(running)!.progress.percent).toBe(33.3);
  });

  it('evicts the oldest finished job above maxJobs, silently (no removed event)', async () => {
    const s = await sim({ maxJobs: 3 });
    const c = await subscribed(s);
    const running = s.startJob({ method: 'long.job', manual: true });
    const done: number[] = [];
    for (let i = 0; i < 4; i++) {
      const id = s.startJob({ method: 'short.job', durationMs: 0 });
      await s.waitForJob(id);
      done.push(id);
    }
    await c.call('core.ping');
    const ids = ((await c.call('core.get_jobs', [[], { order_by: ['id'] }])) as Frame[]).map((j) => j.id);
    expect(ids).toEqual([running, done[2], done[3]]);
    expect(c.jobEvents().some((e) => e.msg === 'removed')).toBe(false);
  });

  it('credentials turn null after the starting connection goes away', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const id = s.startJob({
      method: 'cloudsync.sync',
      arguments: [3],
      startedBy: { username: 'root', type: 'UNIX_SOCKET' },
      durationMs: 0,
    });
    await c.waitTerminal(id, 2);
    const ev = c.eventsFor(id);
    expect(ev[0]!.fields.credentials).toMatchObject({
      type: 'UNIX_SOCKET',
      data: { username: 'root', login_id: expect.any(String), login_at: { $date: expect.any(Number) } },
    });
    expect(ev.slice(1).map((e) => e.fields.credentials)).toEqual([null, null, null]);
  });

  it('transient jobs: events on 25.10, none on 26.0; dropped from core.get_jobs when finished', async () => {
    for (const version of ['25.10', '26.0'] as const) {
      const s = await sim({ version });
      const c = await subscribed(s);
      const id = s.startJob({ method: 'alert.process_alerts', transient: true, manual: true });
      await c.call('core.ping');
      expect(((await c.call('core.get_jobs')) as Frame[]).map((j) => j.id)).toEqual([id]);
      s.finishJob(id, 'SUCCESS');
      await c.call('core.ping');
      expect(await c.call('core.get_jobs')).toEqual([]);
      expect(c.eventsFor(id).length).toBe(version === '25.10' ? 4 : 0);
    }
  });

  it('restartMiddleware: sockets end abnormally (1006), jobs and subscriptions are gone, ids start at 1, upgrades refused meanwhile', async () => {
    const s = await sim({ restartDowntimeMs: 300 });
    const c = await subscribed(s);
    s.startJob({ method: 'a', durationMs: 0 });
    const second = s.startJob({ method: 'b', manual: true });
    expect(second).toBe(2);
    const back = s.restartMiddleware();
    expect((await c.closed).code).toBe(1006);
    await expect(TestClient.open(s.url)).rejects.toThrow('HTTP 502');
    await back;
    const again = await subscribed(s);
    expect(await again.call('core.get_jobs')).toEqual([]);
    expect(s.startJob({ method: 'c', manual: true })).toBe(1);
    expect(s.stats()).toMatchObject({ connections: 1, subscribers: 1, jobs: 1 });
  });
});

describe('visibility', () => {
  const users: SimUser[] = [
    { username: 'demo', apiKeys: ['1-' + 'a'.repeat(64)], fullAdmin: true },
    { username: 'alice', apiKeys: ['2-' + 'b'.repeat(64)], roles: ['CLOUD_SYNC_READ'] },
    { username: 'bob', apiKeys: ['3-' + 'c'.repeat(64)] },
  ];
  it('FULL_ADMIN sees all; others their own jobs and read_roles jobs, in events and core.get_jobs; abort needs ownership', async () => {
    const s = await sim({ users });
    const admin = await subscribed(s, 'demo', '1-' + 'a'.repeat(64));
    const alice = await subscribed(s, 'alice', '2-' + 'b'.repeat(64));
    const bob = await subscribed(s, 'bob', '3-' + 'c'.repeat(64));
    const sync = s.startJob({ method: 'cloudsync.sync', manual: true });
    const scrub = s.startJob({ method: 'pool.scrub.scrub', manual: true });
    const own = s.startJob({ method: 'disk.wipe', manual: true, startedBy: { username: 'bob', type: 'API_KEY', detach: 'never' } });
    const list = async (c: TestClient) => ((await c.call('core.get_jobs', [[], { order_by: ['id'] }])) as Frame[]).map((j) => j.id);
    expect(await list(admin)).toEqual([sync, scrub, own]);
    expect(await list(alice)).toEqual([sync]);
    expect(await list(bob)).toEqual([own]);
    const seen = (c: TestClient) => [...new Set(c.jobEvents().map((e) => e.id))];
    expect(seen(admin)).toEqual([sync, scrub, own]);
    expect(seen(alice)).toEqual([sync]);
    expect(seen(bob)).toEqual([own]);
    expect((await alice.rpc('core.job_abort', [sync])).error).toMatchObject({ code: -32001, data: { errname: 'EPERM' } });
    expect(await bob.call('core.job_abort', [own])).toBeNull();
  });
});

describe('core.get_jobs queries', () => {
  it('filters (= != in nin, dotted keys, OR) and options (order_by -id, limit, offset, count, get)', async () => {
    const s = await sim();
    const c = await login(s);
    const a = s.startJob({ method: 'cloudsync.sync', manual: true });
    const b = s.startJob({ method: 'replication.run', durationMs: 0, outcome: 'FAILED', error: 'x' });
    const d = s.startJob({ method: 'pool.scrub.scrub', manual: true });
    await s.waitForJob(b);
    await new Promise((r) => setTimeout(r, 5));
    s.progressJob(d, 41, 'Scrubbing');
    const ids = async (...p: unknown[]) => ((await c.call('core.get_jobs', p)) as Frame[]).map((j) => j.id);
    expect(await ids([['state', '=', 'RUNNING']])).toEqual([a, d]);
    expect(await ids([['state', '!=', 'RUNNING']])).toEqual([b]);
    expect(await ids([['method', 'in', ['cloudsync.sync', 'pool.scrub.scrub']]])).toEqual([a, d]);
    expect(await ids([['method', 'nin', ['cloudsync.sync']]])).toEqual([b, d]);
    expect(await ids([['progress.percent', '=', 41]])).toEqual([d]);
    expect(
      await ids([
        [
          'OR',
          [
            ['state', '=', 'FAILED'],
            ['progress.description', '=', 'Scrubbing'],
          ],
        ],
      ]),
    ).toEqual([b, d]);
    expect(await ids([], { order_by: ['-id'], limit: 2 })).toEqual([d, b]);
    expect(await ids([], { order_by: ['-id'], offset: 1 })).toEqual([b, a]);
    expect(await c.call('core.get_jobs', [[['state', '=', 'RUNNING']], { count: true }])).toBe(2);
    expect(await c.call('core.get_jobs', [[['id', '=', b]], { get: true }])).toMatchObject({ id: b, state: 'FAILED' });
    expect((await c.rpc('core.get_jobs', [[['state', 'bogus', 1]]])).error).toMatchObject({ code: -32602 });
  });

  it('redacts result in core.get_jobs while events carry it raw', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const id = s.startJob({ method: 'auth.generate_something', durationMs: 0, finalPercent: 100, result: { token: 'abc', count: 2 } });
    await c.waitTerminal(id);
    expect(c.eventsFor(id).at(-1)!.fields.result).toEqual({ token: 'abc', count: 2 });
    expect(await c.call('core.get_jobs', [[['id', '=', id]], { get: true }])).toMatchObject({ result: { token: '********', count: 2 } });
    expect(await c.call('core.get_jobs', [[['id', '=', id]], { get: true, extra: { raw_result: true } }])).toMatchObject({
      result: { token: 'abc' },
    });
  });
});

describe('abort and logs', () => {
  it('aborts RUNNING (abortable or not) and WAITING jobs; unknown ids per version', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const running = s.startJob({ method: 'cloudsync.sync', abortable: true, manual: true });
    const notAbortable = s.startJob({ method: 'pool.scrub.scrub', manual: true });
    const waiting = s.startJob({ method: 'cloudsync.sync', waitMs: 60_000 });
    await c.call('core.ping');
    for (const id of [running, notAbortable, waiting]) expect(await c.call('core.job_abort', [id])).toBeNull();
    await Promise.all([c.waitTerminal(running), c.waitTerminal(notAbortable), c.waitTerminal(waiting)]);
    expect(states(c, waiting)).toEqual([
      ['added', 'WAITING'],
      ['changed', 'ABORTED'],
    ]);
    expect(s.job(running)!.state).toBe('ABORTED');
    expect(s.job(notAbortable)!.state).toBe('ABORTED');
    expect(await c.rpc('core.job_abort', [9999])).toMatchObject({
      error: {
        code: -32602,
        message: 'Invalid params',
        data: {
          error: 22,
          errname: 'EINVAL',
          reason: '[ENOENT] None: Job with id 9999 does not exist',
          extra: [[null, 'Job with id 9999 does not exist', 2]],
        },
      },
    });
    const old = await sim({ version: '25.04' });
    const oc = await login(old);
    expect(await oc.rpc('core.job_abort', [9999])).toMatchObject({
      error: {
        code: -32001,
        message: 'Method call error',
        data: { error: 22, errname: 'EINVAL', reason: '9999', trace: { class: 'KeyError' } },
      },
    });
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    await l.legacy('auth.login_with_api_key', [s.credentials.apiKey]);
    expect((await l.legacy('core.job_abort', [9999])).error).toMatchObject({ error: 2, errname: 'ENOENT', type: 'VALIDATION' });
  });

  it('core.job_download_logs starts a filesystem.get job and serves the log once over HTTP', async () => {
    const s = await sim();
    const c = await subscribed(s);
    const id = s.startJob({
      method: 'replication.run',
      logs: true,
      durationMs: 0,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
      progress: [{ percent: 10, description: 'Sending 1 of 2' }],
    });
    await s.waitForJob(id);
    const path = (await c.call('core.job_download_logs', [id, `${id}.log`])) as string;
    const m = /^\/_download\/(\d+)\?auth_token=([\w-]{48})$/.exec(path);
    expect(m).not.toBeNull();
    const fsJob = Number(m![1]);
    expect(fsJob).toBe(id + 1);
    const http = s.origin.replace(/^ws/, 'http');
    const r = await httpGet(http + path);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${id}.log"`);
    expect(r.body).toContain('Sending 1 of 2');
    expect(r.body).toContain('[EFAULT] Failed to connect to remote host.');
    expect((await httpGet(http + path)).status).toBe(401);
    expect((await httpGet(`${http}/_download/999?auth_token=x`)).status).toBe(404);
    await c.waitTerminal(fsJob);
    expect(c.eventsFor(fsJob)[0]!.fields).toMatchObject({
      method: 'filesystem.get',
      credentials: { type: 'API_KEY', data: { username: 'demo' } },
    });
    const noLogs = s.startJob({ method: 'pool.scrub.scrub', manual: true });
    expect((await c.rpc('core.job_download_logs', [noLogs, 'x.log'])).error).toMatchObject({
      code: -32001,
      data: { errname: 'EFAULT', reason: '[EFAULT] This job has no logs' },
    });
  });
});

describe('CORE 13 job events (TN-13.3-U1.2 job.py, plugins/alert.py)', () => {
  async function subscribedLegacy(s: Simulator): Promise<TestClient> {
    const l = await connectLegacy(s.legacyUrl);
    clients.push(l);
    await l.legacy('auth.login_with_api_key', [s.credentials.apiKey]);
    l.send({ id: 'jobs', msg: 'sub', name: 'core.get_jobs' });
    await l.next((f) => f.msg === 'ready');
    return l;
  }

  it('a transient job sends no added and no final event: one changed SUCCESS on success, nothing on failure', async () => {
    const s = await sim({ version: 'core13' });
    const l = await subscribedLegacy(s);
    const ok = s.startJob({ method: 'alert.process_alerts', transient: true, durationMs: 0 });
    await l.waitTerminal(ok);
    const failed = s.startJob({
      method: 'alert.process_alerts',
      transient: true,
      durationMs: 0,
      outcome: 'FAILED',
      error: '[EFAULT] boom',
    });
    await s.waitForJob(failed);
    const marker = s.startJob({ method: 'pool.scrub', durationMs: 0 });
    await l.waitTerminal(marker, 2);
    expect(states(l, ok)).toEqual([['changed', 'SUCCESS']]);
    expect(l.eventsFor(ok)[0]!.fields).not.toHaveProperty('transient');
    expect(l.eventsFor(ok)[0]!.fields).toMatchObject({ method: 'alert.process_alerts', progress: { percent: 100 } });
    expect(states(l, failed)).toEqual([]);
    expect((await l.legacy('core.get_jobs')).result).toEqual([expect.objectContaining({ id: marker })]);
  });

  it('no changed on WAITING → RUNNING; set_progress sends changed on every call, changed or not', async () => {
    const s = await sim({ version: 'core13' });
    const l = await subscribedLegacy(s);
    const quiet = s.startJob({ method: 'pool.scrub', durationMs: 0 });
    await l.waitTerminal(quiet, 2);
    expect(states(l, quiet)).toEqual([
      ['added', 'WAITING'],
      ['changed', 'SUCCESS'],
      ['changed', 'SUCCESS'],
    ]);
    const manual = s.startJob({ method: 'pool.scrub', manual: true });
    await s.sleep(5);
    expect(s.progressJob(manual, 10)).toBe(true);
    expect(s.progressJob(manual, 10)).toBe(true);
    s.finishJob(manual, 'FAILED', '[EFAULT] scrub failed');
    await l.waitTerminal(manual);
    expect(states(l, manual)).toEqual([
      ['added', 'WAITING'],
      ['changed', 'RUNNING'],
      ['changed', 'RUNNING'],
      ['changed', 'FAILED'],
    ]);
  });
});

describe('HA failover (plugins/failover_/jobs_copy.py, job.py JobsDeque.receive)', () => {
  it('drops every connection, restarts ids, and holds silent copies of the finished HA-copied jobs under new ids', async () => {
    const s = await sim({ restartDowntimeMs: 100 });
    const c = await subscribed(s);
    const sync = s.startJob({ method: 'cloudsync.sync', arguments: [7], logs: true, durationMs: 0, startedBy: { username: 'root' } });
    const repl = s.startJob({
      method: 'replication.run',
      arguments: [2, false],
      durationMs: 0,
      outcome: 'FAILED',
      error: '[EFAULT] Failed to connect to remote host.',
    });
    const scrub = s.startJob({ method: 'pool.scrub.scrub', durationMs: 0 });
    s.startJob({ method: 'rsynctask.run', arguments: [1], manual: true });
    for (const id of [sync, repl, scrub]) await s.waitForJob(id);
    const before = s.jobs();
    const back = s.failover();
    expect((await c.closed).code).toBe(1006);
    await back;
    const after = await subscribed(s);
    const listed = (await after.call('core.get_jobs', [[], { order_by: ['id'] }])) as Frame[];
    expect(listed.map((j) => j.id)).toEqual([1, 2]);
    const original = (id: number) => before.find((j) => j.id === id)!;
    for (const [copy, id] of [
      [listed[0]!, sync],
      [listed[1]!, repl],
    ] as const) {
      const o = original(id);
      expect(copy).toMatchObject({
        method: o.method,
        arguments: o.arguments,
        state: o.state,
        time_started: o.time_started,
        time_finished: o.time_finished,
        error: o.error,
        logs_excerpt: o.logs_excerpt,
      });
      expect(copy).toMatchObject({ exc_info: null, credentials: null, message_ids: [] });
    }
    expect(listed[0]!.logs_path).toBe('/var/log/jobs/1.log');
    await after.call('core.ping');
    expect(after.jobEvents()).toEqual([]);
    const rerun = s.startJob({ method: 'cloudsync.sync', arguments: [7], manual: true });
    expect(rerun).toBe(3);
    s.finishJob(rerun, 'SUCCESS');
    const rerunStarted = s.job(rerun)!.time_started;
    // Failing back: only what finished on this controller is copied; received copies never sent events.
    await s.failover();
    expect(s.jobs().map((j) => [j.id, j.method, j.time_started])).toEqual([[1, 'cloudsync.sync', rerunStarted]]);
  });

  it('CORE 13 has no job copies: a failover is a middleware restart', async () => {
    const s = await sim({ version: 'core13', restartDowntimeMs: 50 });
    await s.waitForJob(s.startJob({ method: 'cloudsync.sync', arguments: [1], durationMs: 0 }));
    await s.failover();
    expect(s.jobs()).toEqual([]);
  });
});
