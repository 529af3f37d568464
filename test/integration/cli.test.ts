/**
 * The real `jobwatch` CLI (bin/jobwatch.js as shipped) as a separate process against the simulator: NDJSON output,
 * a state directory kept across a stop and restart midway (no duplicate, no missing transition or notification),
 * a clean exit with its state saved on SIGINT and SIGTERM, and the exit codes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { CliProcesses, buildCli, byType, until } from './cli-process';

const work = mkdtempSync(join(tmpdir(), 'jobwatch-cli-'));
let built: Awaited<ReturnType<typeof buildCli>> | null = null;
const processes = new CliProcesses(() => built!.launcher);
const run = (args: string[], env: Record<string, string> = {}) => processes.run(args, env);

beforeAll(async () => {
  // Run through bin/jobwatch.js as shipped: the launcher must not stand between the signals and the watcher.
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

describe('jobwatch CLI against the simulator', () => {
  it('keeps state across a restart midway: every failure reported and notified exactly once', async () => {
    sim = await startSimulator({ port: 0 });
    const stateDir = join(work, 'state');
    const env = { JW_KEY: sim.credentials.apiKey };
    const args = ['watch', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--state-dir', stateDir];

    const first = run(args, env);
    await until(() => byType(first, 'connection').some((l) => l['state'] === 'live'), 'live');
    for (let i = 0; i < 3; i++) sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: `[EFAULT] run ${i}` });
    sim.startJob({ method: 'cloudsync.sync', durationMs: 10, outcome: 'SUCCESS' });
    await until(() => byType(first, 'transition').length === 4, 'four transitions');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    // While it is stopped: one more failure.
    sim.startJob({ method: 'pool.scrub.scrub', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] while stopped' });
    await new Promise((r) => setTimeout(r, 200));

    const second = run(args, env);
    await until(() => byType(second, 'transition').length === 1, 'the catch-up');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] after restart' });
    await until(() => byType(second, 'transition').length === 2, 'the live failure after restart');
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);

    const transitions = [...byType(first, 'transition'), ...byType(second, 'transition')];
    const ids = transitions.map((t) => `${t['method']}#${t['jobId']}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      transitions
        .filter((t) => t['to'] === 'FAILED')
        .map((t) => t['error'])
        .sort(),
    ).toEqual(['[EFAULT] after restart', '[EFAULT] run 0', '[EFAULT] run 1', '[EFAULT] run 2', '[EFAULT] while stopped']);
    expect(byType(second, 'transition')[0]).toMatchObject({ error: '[EFAULT] while stopped', catchUp: true });

    // Notifications: every transition's job appears in exactly one notification across both runs.
    const notifications = [...byType(first, 'notification'), ...byType(second, 'notification')];
    const notifiedJobs = notifications.flatMap((n) =>
      (n['jobs'] as Array<Record<string, unknown>>).map((j) => `${j['server']}#${j['jobId']}#${j['method']}#${j['timeStarted']}`),
    );
    expect(new Set(notifiedJobs).size).toBe(notifiedJobs.length);
    expect(notifiedJobs).toHaveLength(transitions.length);
    const failedShown = notifications.filter((n) => n['urgency'] === 'critical' && n['suppressed'] === null);
    expect(failedShown.length).toBeGreaterThanOrEqual(3);
    expect(notifications.find((n) => n['catchUp'] === true)).toMatchObject({ title: expect.stringContaining('While you were away') });
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('node bin/jobwatch.js watch exits 0 on %s and has saved its state by then', async (signal) => {
    sim = await startSimulator({ port: 0 });
    const stateDir = join(work, `state-${signal}`);
    const env = { JW_KEY: sim.credentials.apiKey };
    const r = run(['watch', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--state-dir', stateDir], env);
    await until(() => byType(r, 'connection').some((l) => l['state'] === 'live'), 'live');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: `[EFAULT] before ${signal}` });
    await until(() => byType(r, 'transition').length === 1, 'the failure');
    r.child.kill(signal);
    expect(await r.exit).toBe(0);
    // The failure inbox and the ledger are on disk once the process is gone (no write left pending).
    expect(existsSync(stateDir)).toBe(true);
    const saved = readdirSync(stateDir)
      .map((f) => readFileSync(join(stateDir, f), 'utf8'))
      .join('\n');
    expect(saved).toContain(`[EFAULT] before ${signal}`);
  });

  it('exits 3 on a rejected API key, with the reason on stderr and no secret anywhere', async () => {
    sim = await startSimulator({ port: 0, failDelayMs: 10 });
    const r = run(['watch', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY'], { JW_KEY: 'wrong-key-123' });
    expect(await r.exit).toBe(3);
    const out = r.lines.map((l) => JSON.stringify(l)).join('\n') + r.stderr.join('');
    expect(out).not.toContain('wrong-key-123');
  });

  it('exits 4 on an untrusted certificate and follows the server once its fingerprint is pinned', async () => {
    sim = await startSimulator({ port: 0, tls: true });
    const env = { JW_KEY: sim.credentials.apiKey };
    const untrusted = run(['list', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json'], env);
    expect(await untrusted.exit).toBe(4);
    expect(JSON.stringify(untrusted.lines)).toContain(sim.fingerprint256!);

    sim.startJob({ method: 'cloudsync.sync', durationMs: 60_000, outcome: 'SUCCESS', description: 'Sync to the cloud' });
    const pinned = run(
      ['list', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--fingerprint', sim.fingerprint256!],
      env,
    );
    expect(await pinned.exit).toBe(0);
    expect(byType(pinned, 'job')).toEqual(
      expect.arrayContaining([expect.objectContaining({ method: 'cloudsync.sync', description: 'Sync to the cloud' })]),
    );
  });

  it('list gives up on a server it cannot reach after --timeout, with the last error, exit 1', async () => {
    // A port nobody listens on: every attempt is refused, an error that is retried, never final.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = run(
      ['list', '--url', `ws://127.0.0.1:${port}/api/current`, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--timeout', '1'],
      {
        JW_KEY: 'k',
      },
    );
    expect(await r.exit).toBe(1);
    const errors = byType(r, 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      server: `127.0.0.1:${port}`,
      message: expect.stringMatching(/^Not reached within 1 s; last error: .+--timeout\.$/),
    });
    expect(String(errors[0]!['message'])).not.toMatch(/Connecting…/);
  });

  it('exits 2 with usage on bad arguments', async () => {
    const r = run(['watch', '--url', 'nas', '--api-key', 'abc']);
    expect(await r.exit).toBe(2);
    expect(r.stderr.join('')).toMatch(/--api-key-env/);
  });

  it('answers --version with the package version, alone or beside other options (the short path and the parser agree)', async () => {
    const { version } = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
    for (const args of [['--version'], ['--version', '--json']]) {
      const r = run(args);
      expect(await r.exit).toBe(0);
      expect(r.raw).toEqual([`jobwatch ${version}`]);
    }
  });
});
