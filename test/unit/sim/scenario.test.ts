/** Scenario format validation, loading, running on a manual clock, and the seeded demo. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  demoScenario,
  loadScenario,
  ManualClock,
  parseScenario,
  runScenario,
  ScenarioError,
  startSimulator,
  type Simulator,
} from '../../../electron/sim/index';

const sims: Simulator[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});
async function sim(clock: ManualClock, speed = 1): Promise<Simulator> {
  const s = await startSimulator({ clock, speed, failDelayMs: 0 });
  sims.push(s);
  return s;
}

describe('scenario validation', () => {
  it('accepts a valid scenario', () => {
    const s = parseScenario({
      name: 'x',
      steps: [
        { type: 'job', job: { method: 'pool.scrub.scrub', arguments: ['tank'], progress: [{ percent: 10, description: 'Scrubbing' }] } },
        { type: 'wait', ms: 100 },
        { type: 'fault', fault: 'restart', downtimeMs: 10 },
        { type: 'repeat', times: 2, steps: [{ type: 'wait', ms: 1 }] },
      ],
    });
    expect(s.steps).toHaveLength(4);
  });

  it('lists every issue with its path', () => {
    let err: unknown;
    try {
      parseScenario({
        name: '',
        steps: [
          { type: 'job', job: { method: 3 } },
          { type: 'fault', fault: 'explode' },
          { type: 'wait', ms: -1 },
          { type: 'teleport' },
          { type: 'repeat', times: 1, steps: [{ type: 'job', job: { method: 'a', outcome: 'MAYBE' } }] },
        ],
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    const paths = (err as ScenarioError).issues.map((i) => i.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining(['name', 'steps.0.job.method', 'steps.1.fault', 'steps.2.ms', 'steps.3.type', 'steps.4.steps.0.job.outcome']),
    );
  });

  it('rejects unknown keys (typos) in job specs', () => {
    expect(() => parseScenario({ name: 'x', steps: [{ type: 'job', job: { method: 'a', duration: 5 } }] })).toThrow(/steps\.0\.job/);
  });
});

describe('loadScenario', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('loads named scenarios', async () => {
    for (const name of ['demo', 'failures', 'restart', 'faults']) expect((await loadScenario(name)).name).toBe(name);
  });

  it('loads a file, and reports bad JSON, invalid content and unknown names', async () => {
    dir = await mkdtemp(join(tmpdir(), 'jobwatch-sim-'));
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ name: 'file', steps: [{ type: 'wait', ms: 1 }] }));
    expect(await loadScenario(good)).toMatchObject({ name: 'file' });
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{ "name": ');
    await expect(loadScenario(bad)).rejects.toThrow(/not valid JSON/);
    const invalid = join(dir, 'invalid.json');
    await writeFile(invalid, JSON.stringify({ name: 'x', steps: [{ type: 'wait' }] }));
    await expect(loadScenario(invalid)).rejects.toThrow(/steps\.0\.ms/);
    await expect(loadScenario('no-such-scenario')).rejects.toThrow(/Unknown scenario/);
  });
});

describe('runScenario', () => {
  it('runs steps on the simulator clock, scaled by speed', async () => {
    const clock = new ManualClock();
    const s = await sim(clock, 10);
    const scenario = parseScenario({
      name: 't',
      steps: [
        { type: 'job', job: { method: 'a', durationMs: 1000 }, count: 2, await: true },
        { type: 'wait', ms: 5000 },
        { type: 'job', job: { method: 'b', durationMs: 0, outcome: 'FAILED', error: '[EFAULT] boom' } },
      ],
    });
    let finished = false;
    const run = runScenario(s, scenario).then(() => (finished = true));
    await clock.advance(100); // 1000 ms at speed 10
    expect(s.jobs().map((j) => [j.method, j.state])).toEqual([
      ['a', 'SUCCESS'],
      ['a', 'SUCCESS'],
    ]);
    await clock.advance(499);
    expect(s.jobs()).toHaveLength(2);
    await clock.advance(1);
    await clock.advance(0);
    await run;
    expect(finished).toBe(true);
    expect(s.jobs().at(-1)).toMatchObject({ method: 'b', state: 'FAILED', error: '[EFAULT] boom' });
  });

  it('stops quietly when aborted', async () => {
    const clock = new ManualClock();
    const s = await sim(clock);
    const ac = new AbortController();
    const run = runScenario(
      s,
      parseScenario({
        name: 'loop',
        loop: true,
        steps: [
          { type: 'wait', ms: 1000 },
          { type: 'job', job: { method: 'a', durationMs: 0 } },
        ],
      }),
      { signal: ac.signal },
    );
    await clock.advance(3500);
    expect(s.jobs()).toHaveLength(3);
    ac.abort();
    await expect(run).resolves.toBeUndefined();
  });
});

describe('demo', () => {
  async function runDemo(seed: number, ms: number) {
    const clock = new ManualClock();
    const s = await sim(clock, 1);
    const ac = new AbortController();
    const run = runScenario(s, demoScenario(), { signal: ac.signal, seed });
    const initial = s.jobs();
    for (let t = 0; t < ms; t += 60_000) await clock.advance(60_000);
    const jobs = s.jobs();
    ac.abort();
    await run;
    return { initial, jobs };
  }

  it('starts with finished jobs and produces realistic activity', async () => {
    const { initial, jobs } = await runDemo(7, 20 * 60_000);
    expect(initial.filter((j) => ['SUCCESS', 'FAILED'].includes(j.state)).length).toBeGreaterThanOrEqual(5);
    expect(initial.filter((j) => j.state === 'FAILED')).toHaveLength(1);
    expect(jobs.length).toBeGreaterThan(initial.length + 10);
    const methods = new Set(jobs.map((j) => j.method));
    for (const m of ['pool.scrub.scrub', 'cloudsync.sync', 'replication.run', 'pool.snapshottask.run']) expect(methods).toContain(m);
    const scrub =
      jobs.find((j) => j.method === 'pool.scrub.scrub' && j.state !== 'WAITING' && j.time_finished === null) ??
      jobs.find((j) => j.method === 'pool.scrub.scrub')!;
    expect(scrub).toMatchObject({ arguments: ['tank'], description: "Scrub of pool 'tank'" });
    const sync = jobs.find((j) => j.method === 'cloudsync.sync' && j.state === 'SUCCESS' && j.logs_excerpt !== null);
    expect(sync?.abortable).toBe(true);
    expect(sync?.logs_excerpt).toMatch(/\d+\.\d (MiB|GiB) \/ \d+\.\d (MiB|GiB), \d+%, \d+\.\d MiB\/s, ETA \d+s/);
    const failed = jobs.find((j) => j.method === 'replication.run' && j.state === 'FAILED');
    expect(failed).toMatchObject({ error: '[EFAULT] Failed to connect to remote host.', exc_info: { type: 'CallError', errno: 14 } });
    expect(failed?.exception).toMatch(/^Traceback/);
  });

  it('is reproducible with a seed, and differs with another', async () => {
    const a = await runDemo(42, 15 * 60_000);
    const b = await runDemo(42, 15 * 60_000);
    const c = await runDemo(43, 15 * 60_000);
    expect(a.jobs.length).toBeGreaterThan(15);
    expect(b.jobs).toEqual(a.jobs);
    expect(c.jobs).not.toEqual(a.jobs);
  });
});
