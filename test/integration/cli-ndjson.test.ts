/**
 * The NDJSON contract, checked on real output of the CLI (bin/jobwatch.js as shipped) against the simulator:
 * every line validates against the shipped docs/ndjson.schema.json with Ajv (not with the zod schemas it was
 * generated from), carries v and ts, notifications name their jobs as objects matching the transitions, and
 * transient jobs stay out of the stream unless --include-transient.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { CliProcesses, buildCli, byType, until, type CliRun } from './cli-process';

const work = mkdtempSync(join(tmpdir(), 'jobwatch-ndjson-'));
const rules = join(work, 'rules.json');
// A short burst window so notifications follow their transitions quickly.
writeFileSync(rules, JSON.stringify({ burstWindowMs: 50 }));
let built: Awaited<ReturnType<typeof buildCli>> | null = null;
const processes = new CliProcesses(() => built!.launcher);

const ajv = new Ajv2020({ strict: true, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(process.cwd(), 'docs', 'ndjson.schema.json'), 'utf8')) as object);

beforeAll(async () => {
  built = await buildCli();
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  built?.remove();
});

let sim: Simulator | null = null;
afterEach(async () => {
  processes.killAll();
  await sim?.close();
  sim = null;
});

function watch(extra: string[] = []): CliRun {
  return processes.run(
    ['watch', '--url', sim!.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--rules', rules, ...extra],
    {
      JW_KEY: sim!.credentials.apiKey,
    },
  );
}

/** Housekeeping first, then a real failure; a last failure proves everything before it was printed. */
async function housekeepingThenFailures(r: CliRun): Promise<void> {
  await until(() => byType(r, 'connection').some((l) => l['state'] === 'live'), 'live');
  sim!.startJob({ method: 'alert.process_alerts', transient: true, durationMs: 10, outcome: 'SUCCESS' });
  sim!.startJob({ method: 'replication.run', durationMs: 150, outcome: 'FAILED', error: '[EFAULT] first' });
  await until(() => byType(r, 'notification').some((n) => n['urgency'] === 'critical'), 'the failure notification');
  sim!.startJob({ method: 'pool.scrub.scrub', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] last' });
  await until(() => byType(r, 'transition').some((t) => t['error'] === '[EFAULT] last'), 'the last failure');
}

function expectContract(r: CliRun, startedAt: number): void {
  expect(r.raw.length).toBeGreaterThan(0);
  for (const text of r.raw) {
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(validate(line), `${text}\n${JSON.stringify(validate.errors)}`).toBe(true);
    expect(line['v']).toBe(1);
    const ts = Date.parse(String(line['ts']));
    expect(ts).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(ts).toBeLessThanOrEqual(Date.now() + 1000);
  }
}

describe('jobwatch watch --json', () => {
  it('prints only lines the shipped schema accepts, without transient jobs, with notification jobs as objects', async () => {
    sim = await startSimulator({ port: 0 });
    const startedAt = Date.now();
    const r = watch();
    await housekeepingThenFailures(r);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expectContract(r, startedAt);

    const transitions = byType(r, 'transition');
    expect(transitions.map((t) => t['method'])).toEqual(['replication.run', 'pool.scrub.scrub']);
    expect(transitions.every((t) => t['transient'] === false)).toBe(true);
    const notifications = byType(r, 'notification');
    expect(notifications.some((n) => n['suppressed'] === 'transient')).toBe(false);
    // Each job of each notification is one of the printed transitions, by its parts.
    const printed = transitions.map((t) => ({
      server: t['server'],
      jobId: t['jobId'],
      method: t['method'],
      timeStarted: t['timeStarted'],
    }));
    const referenced = notifications.flatMap((n) => n['jobs'] as unknown[]);
    expect(referenced).toEqual(expect.arrayContaining(printed));
    expect(referenced).toHaveLength(printed.length);
    expect(printed[0]).toMatchObject({ server: expect.stringMatching(/^127\.0\.0\.1:\d+$/), timeStarted: expect.stringMatching(/Z$/) });
  });

  it('--include-transient prints housekeeping jobs marked transient, and their suppressed notification', async () => {
    sim = await startSimulator({ port: 0 });
    const startedAt = Date.now();
    const r = watch(['--include-transient']);
    await housekeepingThenFailures(r);
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
    expectContract(r, startedAt);

    const transient = byType(r, 'transition').filter((t) => t['transient'] === true);
    expect(transient).toEqual([expect.objectContaining({ method: 'alert.process_alerts', to: 'SUCCESS' })]);
    const suppressed = byType(r, 'notification').filter((n) => n['suppressed'] === 'transient');
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!['jobs']).toEqual([
      {
        server: transient[0]!['server'],
        jobId: transient[0]!['jobId'],
        method: 'alert.process_alerts',
        timeStarted: transient[0]!['timeStarted'],
      },
    ]);
  });

  it('a missed run is an insight line and a due time while the server was down a schedule-check line, both in the schema', async () => {
    // Two NAS clocks 20 s before a whole minute: every-minute tasks are due soon after jobwatch has read them.
    const EVERY_MINUTE = { minute: '*', hour: '*', dom: '*', month: '*', dow: '*' };
    const skew = (((40_000 - (Date.now() % 60_000)) % 60_000) + 60_000) % 60_000;
    sim = await startSimulator({
      port: 0,
      clockSkewMs: skew,
      timezone: 'Europe/Berlin',
      tasks: [{ kind: 'cloudsync', id: 2, name: 'Never fires', schedule: EVERY_MINUTE, doesNotFire: true }],
    });
    const down = await startSimulator({
      port: 0,
      clockSkewMs: skew,
      timezone: 'Europe/Berlin',
      tasks: [{ kind: 'cloudsync', id: 3, name: 'Photos to B2', schedule: EVERY_MINUTE, durationMs: 300 }],
    });
    try {
      const startedAt = Date.now();
      const r = processes.run(
        [
          ...['watch', '--url', sim.url, '--url', down.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--rules', rules],
          ...['--missed-run-tolerance', '15m'],
        ],
        { JW_KEY: sim.credentials.apiKey },
      );
      await until(() => byType(r, 'connection').filter((l) => l['state'] === 'live').length === 2, 'both live', 20_000);
      // Wait until both have read their tasks (the first check after the read), then take one server down across the due time.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const dueIn = 60_000 - ((Date.now() + skew) % 60_000);
      if (dueIn > 5_000) await new Promise((resolve) => setTimeout(resolve, dueIn - 3_000));
      await down.restartMiddleware({ downtimeMs: 10_000 });
      // Half the one-minute period (30 s: the flag's 15 min is more than that) after the due time, plus a check.
      await until(() => byType(r, 'schedule-check').length > 0 && byType(r, 'insight').length > 0, 'both lines', 90_000);
      r.child.kill('SIGTERM');
      expect(await r.exit).toBe(0);
      expectContract(r, startedAt);
      const missed = byType(r, 'insight');
      expect(missed).toEqual([
        expect.objectContaining({ kind: 'missed-run', task: 'cloudsync.sync [2]', description: 'Never fires', schedule: '* * * * *' }),
      ]);
      expect(missed[0]!['timezone']).toBe('Europe/Berlin');
      const [gap] = byType(r, 'schedule-check');
      expect(gap).toMatchObject({ outcome: 'could-not-check', task: 'cloudsync.sync [3]', name: 'Photos to B2', count: 1 });
      expect(String(gap!['reason'])).toMatch(
        /^Could not check whether Cloud sync "Photos to B2" ran at .*: Jobwatch was not watching the server from /,
      );
      expect(Date.parse(String(gap!['notWatchingTo']))).toBeGreaterThan(Date.parse(String(gap!['notWatchingFrom'])));
      expect(byType(r, 'schedule-check')).toHaveLength(1);
    } finally {
      await down.close();
    }
  }, 150_000);

  it('list --json lines follow the same schema', async () => {
    sim = await startSimulator({ port: 0 });
    sim.startJob({ method: 'cloudsync.sync', durationMs: 60_000, outcome: 'SUCCESS', description: 'Sync to the cloud' });
    const startedAt = Date.now();
    const r = processes.run(['list', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json'], {
      JW_KEY: sim.credentials.apiKey,
    });
    expect(await r.exit).toBe(0);
    expectContract(r, startedAt);
    expect(byType(r, 'job')).toEqual(expect.arrayContaining([expect.objectContaining({ method: 'cloudsync.sync', state: 'RUNNING' })]));
  });
});
