/**
 * The built `jobwatch` CLI, used as a new user would against an older TrueNAS (24.10, CORE 13): only the host is
 * given, over http://. nginx there redirects /api/current to the web UI (302); the CLI must find /websocket.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';

const run = promisify(execFile);
// Inside the project, so the bundle's packages resolve from its node_modules (ESM ignores NODE_PATH).
const cli = join(process.cwd(), 'node_modules', '.cache', 'jobwatch-cli-test', `cli-legacy-${process.pid}.mjs`);

beforeAll(async () => {
  await build({
    entryPoints: ['electron/cli.ts'],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
});
afterAll(() => rmSync(cli, { force: true }));

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('jobwatch list --url http://HOST on servers without /api/current', () => {
  it.each(['24.10', 'core13'] as const)('%s: finds the legacy endpoint and lists the jobs', async (version) => {
    sim = await startSimulator({ port: 0, version });
    const id = sim.startJob({ method: 'replication.run', durationMs: 0, outcome: 'FAILED', error: '[EFAULT] legacy failure' });
    await sim.waitForJob(id);
    const host = new URL(sim.url).host;
    const { stdout } = await run(
      process.execPath,
      [cli, 'list', '--url', `http://${host}`, '--username', sim.credentials.username, '--api-key-env', 'JW_KEY', '--json'],
      { env: { ...process.env, JW_KEY: sim.credentials.apiKey }, timeout: 20_000 },
    );
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l['method'] === 'replication.run' && l['state'] === 'FAILED')).toBe(true);
  });
});
