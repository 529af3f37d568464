/**
 * The real core (monitor, session, JSON-RPC client over a real socket, job book) against a hostile server: a
 * failure with an impossible date is still reported and listed, memory stays bounded whatever the server sends,
 * floods and junk do not break the session, and the secret never shows in any server view.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../harness';
import { startHostileServer, type HostileOptions, type HostileServer } from './server';
import { JOB_TEXT_LIMITS, MAX_NESTING_DEPTH } from '../../../electron/core/protocol/bounds';
import { jsonLine, humanLine } from '../../../electron/cli/lines';
import type { ServerView } from '../../../electron/core/view';

const USERNAME = 'monitor';
const SECRET = '1-hostileKeyQ7vX93kLmZ0pR4sT8uW2yA5bC';
const LONGEST_TEXT = Math.max(...Object.values(JOB_TEXT_LIMITS));
const MiB = 1024 * 1024;

let server: HostileServer | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await server?.close();
  harness = null;
  server = null;
});

async function follow(options: Partial<HostileOptions> = {}, waitLive = true): Promise<{ s: HostileServer; h: Harness }> {
  server = await startHostileServer({ username: USERNAME, secret: SECRET, ...options });
  harness = await startHarness([{ url: server.url, username: USERNAME, secret: SECRET }]);
  const h = harness;
  if (waitLive) await h.waitFor(() => h.server()?.state === 'live' && server!.subscribers() === 1, 'the session to go live', 20_000);
  return { s: server, h };
}

function job(id: number, state: string, extra: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    id: String(id),
    method: '"replication.run"',
    arguments: '[1]',
    transient: 'false',
    description: 'null',
    abortable: 'true',
    logs_path: 'null',
    logs_excerpt: 'null',
    progress: '{"percent":50,"description":"Sending","extra":null}',
    result: 'null',
    error: state === 'FAILED' ? '"[EFAULT] boom"' : 'null',
    exception: 'null',
    exc_info: 'null',
    state: JSON.stringify(state),
    time_started: `{"$date":${1_750_000_000_000 + id * 1000}}`,
    time_finished: state === 'RUNNING' ? 'null' : `{"$date":${1_750_000_100_000 + id * 1000}}`,
    credentials: 'null',
    ...extra,
  };
  return `{${Object.entries(fields)
    .map(([k, v]) => `${JSON.stringify(k)}:${v}`)
    .join(',')}}`;
}

function measure(value: unknown): { longest: number; depth: number } {
  let longest = 0;
  let depth = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (typeof node === 'string') longest = Math.max(longest, node.length);
    else if (node !== null && typeof node === 'object') {
      depth = Math.max(depth, level + 1);
      for (const [key, member] of Object.entries(node)) {
        longest = Math.max(longest, key.length);
        stack.push([member, level + 1]);
      }
    }
  }
  return { longest, depth };
}

/** Every view the window and the CLI could get: snapshot, each job's detail; bounded and clonable. */
function expectBoundedViews(h: Harness): void {
  const snapshot = h.monitor.snapshot();
  expect(snapshot.jobs.length).toBeLessThanOrEqual(1000 + 200);
  expect(measure(snapshot).longest).toBeLessThanOrEqual(LONGEST_TEXT);
  structuredClone(snapshot);
  for (const view of snapshot.jobs) {
    const detail = h.monitor.jobDetail(view.key)!;
    const { longest } = measure(detail);
    expect(longest).toBeLessThanOrEqual(LONGEST_TEXT);
    expect(measure(detail.arguments).depth).toBeLessThanOrEqual(MAX_NESTING_DEPTH + 1);
    structuredClone(detail);
  }
}

const deep = (levels: number) => `${'['.repeat(levels)}"bottom"${']'.repeat(levels)}`;
const huge = (bytes: number, unit = 'x') => JSON.stringify(unit.repeat(bytes));

/** A garbage collection on demand (the heap is only comparable right after one). */
function collectGarbage(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

describe('core ↔ hostile server', () => {
  it('a FAILED job with {"$date": 1e300} is reported, lands in the failure list, and the CLI prints it', async () => {
    const { s, h } = await follow();
    const bad = job(7, 'FAILED', { time_started: '{"$date":1e300}', time_finished: '{"$date":1e300}' });
    const infinite = job(8, 'FAILED', { time_started: '{"$date":1e400}', time_finished: '-1e400' });
    await s.send([s.jobEvent(bad, 'added'), s.jobEvent(infinite, 'added')]);
    await h.waitFor(() => h.transitions.length >= 2, 'both failures');
    const [first, second] = h.transitions;
    expect(first).toMatchObject({ jobId: 7, to: 'FAILED', timeStarted: null, timeFinished: null, error: '[EFAULT] boom' });
    expect(second).toMatchObject({ jobId: 8, to: 'FAILED', timeStarted: null, timeFinished: null });
    expect(
      h.monitor
        .failures()
        .map((f) => f.jobId)
        .sort(),
    ).toEqual([7, 8]);
    for (const t of h.transitions) {
      const line = JSON.parse(jsonLine({ type: 'transition', transition: t, serverName: 'nas1' })) as Record<string, unknown>;
      expect(line).toMatchObject({ jobId: t.jobId, timeStarted: null, timeFinished: null });
      expect(humanLine({ type: 'transition', transition: t, serverName: 'nas1' })).toContain('FAILED');
    }
    for (const view of h.monitor.snapshot().jobs) expect(() => jsonLine({ type: 'job', job: view, serverName: 'nas1' })).not.toThrow();
  });

  it('a giant snapshot (40 000 jobs, 4 MiB strings, 20 000 levels of nesting) goes live with bounded views', async () => {
    const jobs: string[] = [];
    for (let id = 1; id <= 40_000; id += 1) jobs.push(job(id, id % 10 === 0 ? 'FAILED' : 'SUCCESS'));
    jobs[39_990] = job(39_991, 'SUCCESS', { exception: huge(4 * MiB), logs_excerpt: huge(2 * MiB, 'é'), arguments: `[${deep(20_000)}]` });
    const snapshotText = `[${jobs.join(',')}]`;
    const { s, h } = await follow({ snapshot: () => snapshotText });
    expect(s.snapshotCalls).toBe(1);
    // Seeded silently: finished jobs of the first snapshot are history, not news.
    expect(h.transitions).toEqual([]);
    expectBoundedViews(h);
    const cut = h.monitor.snapshot().jobs.find((j) => j.id === 39_991)!;
    const detail = h.monitor.jobDetail(cut.key)!;
    expect(detail.exception!.slice(-40)).toMatch(/cut: (3\.9|4\.0) MiB from the server\)$/);
    expect(JSON.stringify(detail.arguments)).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);

    // A later failure carrying the same weight is reported and listed, bounded.
    await s.send([
      s.jobEvent(job(50_000, 'FAILED', { error: huge(4 * MiB), exception: huge(4 * MiB), arguments: `[${deep(20_000)}]` }), 'added'),
    ]);
    await h.waitFor(() => h.transitions.find((t) => t.jobId === 50_000), 'the heavy failure');
    const failure = h.monitor.failures().find((f) => f.jobId === 50_000)!;
    expect(failure.error!.length).toBeLessThanOrEqual(JOB_TEXT_LIMITS.error);
    expectBoundedViews(h);
  }, 60_000);

  it('events with 4 MiB strings do not accumulate: what the book keeps of 12 of them stays small', async () => {
    const gc = collectGarbage();
    // A fixed snapshot: the server (in this process) must not keep the 96 MiB itself.
    const { s, h } = await follow({ snapshot: () => '[]' });
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let id = 1; id <= 12; id += 1) {
      await s.send([s.jobEvent(job(id, 'FAILED', { exception: huge(4 * MiB), logs_excerpt: huge(4 * MiB) }), 'added')]);
    }
    await h.waitFor(() => h.transitions.length === 12, 'twelve failures');
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Kept whole, 12 × 8 MiB would be ~96 MiB; bounded, 12 × 128 KiB.
    expect(grown).toBeLessThan(32 * MiB);
    expectBoundedViews(h);
  }, 60_000);

  it('a flood of 10 000 events with junk in between: the end is reported exactly once and listed', async () => {
    const { s, h } = await follow();
    await s.send([s.jobEvent(job(3, 'RUNNING'), 'added')]);
    await h.waitFor(() => h.monitor.snapshot().jobs.some((j) => j.id === 3), 'the running job');
    const frames: string[] = [];
    for (let i = 0; i < 10_000; i += 1) {
      frames.push(s.jobEvent(job(3, 'RUNNING', { progress: `{"percent":${i / 100},"description":"step ${i}","extra":null}` })));
      if (i % 20 === 0) frames.push(i % 40 === 0 ? 'not json {' : deep(5_000));
    }
    frames.push(s.jobEvent(job(3, 'FAILED')), s.jobEvent(job(3, 'FAILED')));
    await s.send(frames);
    // With the harness's 400 ms ping timeout the pong queued behind the flood may come too late and the session
    // reconnect (production waits 10 s); either way the failure is reported once, live or as catch-up.
    await h.waitFor(() => h.transitions.length >= 1 && h.server()?.state === 'live', 'the failure, live');
    await h.waitFor(() => (h.server()?.badFrames ?? 0) >= 1, 'the junk to be counted');
    await s.send([s.jobEvent(job(4, 'FAILED'), 'added')]);
    await h.waitFor(() => h.transitions.some((t) => t.jobId === 4), 'a later failure, after the flood');
    expect(h.transitions.map((t) => [t.jobId, t.to])).toEqual([
      [3, 'FAILED'],
      [4, 'FAILED'],
    ]);
    expect(
      h.monitor
        .failures()
        .map((f) => f.jobId)
        .sort(),
    ).toEqual([3, 4]);
    expectBoundedViews(h);
  }, 60_000);
});

describe('the secret never shows in a server view', () => {
  const leaks = (views: ServerView[]) => {
    const text = JSON.stringify(views);
    return [SECRET, encodeURIComponent(SECRET), SECRET.slice(2)].filter((form) => text.includes(form));
  };

  it('when the login error echoes it (reason and message)', async () => {
    const { s, h } = await follow({ login: 'echo-error' }, false);
    await h.waitFor(
      () => s.logins >= 1 && h.states.some((v) => v.state === 'needs-attention' || v.state === 'backoff'),
      'the refused login',
    );
    expect(leaks(h.states)).toEqual([]);
    expect(leaks(h.monitor.snapshot().servers)).toEqual([]);
  });

  it('when the server closes with it in the close reason', async () => {
    const { s, h } = await follow({ login: 'echo-close' }, false);
    await h.waitFor(() => s.logins >= 2 && h.states.some((v) => v.state === 'backoff'), 'two closed logins');
    expect(h.states.some((v) => v.detail.includes('rejected'))).toBe(true);
    expect(leaks(h.states)).toEqual([]);
  });

  it('when a call after login fails with it in the reason, and a live connection is closed with it', async () => {
    const { s, h } = await follow({ echoSecretInFirstSnapshotError: true });
    expect(s.snapshotCalls).toBe(2);
    const seen = h.states.length;
    s.closeClients(4002, `session ${SECRET} ended`);
    await h.waitFor(() => h.states.slice(seen).some((v) => v.state === 'backoff') && h.server()?.state === 'live', 'the reconnect');
    expect(h.states.some((v) => /closed|ended/i.test(v.detail))).toBe(true);
    expect(leaks(h.states)).toEqual([]);
    expect(leaks(h.monitor.snapshot().servers)).toEqual([]);
  });
});
