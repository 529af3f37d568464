/**
 * A server that echoes the secret back, over real sockets: the simulator closes the connection with a reason that
 * contains the API key (as a proxy or a buggy middleware might: "bad key 1-…"). The key must appear nowhere the
 * status goes: the monitor's server views and snapshot (and from there IPC and the tray), and the CLI's NDJSON.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';

let sim: Simulator | null = null;
let harness: Harness | null = null;
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

/** A close reason carrying the key, with a forged line and a bidi override as well (kept under 123 bytes). */
function echoingReason(key: string): string {
  return `bad key ${key}\n12:00 forged\u202Eline`;
}

describe('a close reason that echoes the API key', () => {
  it('is masked in every server view and in the snapshot, and shown as one clean line', async () => {
    const s = await startSimulator({ port: 0, failDelayMs: 0 });
    sim = s;
    const key = s.credentials.apiKey;
    expect(Buffer.byteLength(echoingReason(key))).toBeLessThanOrEqual(123);
    const h = await startHarness([{ url: s.url, username: s.credentials.username, secret: key }]);
    harness = h;
    await h.waitFor(() => h.server()?.state === 'live', 'live');
    s.dropConnections({ code: 4000, reason: echoingReason(key) });
    const echoed = await h.waitFor(
      () => h.states.find((v) => v.detail.includes('Connection closed (4000')),
      'the close reason in a status',
    );
    expect(echoed.detail).toContain('bad key');
    expect(echoed.detail).not.toMatch(/[\n\u202E]/);
    await h.waitFor(() => h.server()?.state === 'live', 'live again');
    for (const view of h.states) expect(JSON.stringify(view)).not.toContain(key);
    expect(JSON.stringify(h.monitor.snapshot())).not.toContain(key);
  });
});

describe('the CLI', () => {
  // Inside the project, so the bundle's packages resolve from its node_modules (ESM ignores NODE_PATH).
  const cli = join(process.cwd(), 'node_modules', '.cache', 'jobwatch-cli-test', `cli-secret-echo-${process.pid}.mjs`);
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

  it('never prints the echoed key in its NDJSON', async () => {
    const s = await startSimulator({ port: 0, failDelayMs: 0 });
    sim = s;
    const key = s.credentials.apiKey;
    const child = spawn(
      process.execPath,
      [cli, 'watch', '--url', s.url, '--username', s.credentials.username, '--api-key-env', 'SIM_KEY', '--json'],
      {
        cwd: process.cwd(),
        env: { ...process.env, SIM_KEY: key },
      },
    );
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (out += chunk));
    const until = async (probe: () => boolean, what: string) => {
      const deadline = Date.now() + 15_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const lines = () =>
      out
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const live = () => lines().filter((l) => l['type'] === 'connection' && l['state'] === 'live').length;
    await until(() => live() >= 1, 'live');
    s.dropConnections({ code: 4000, reason: echoingReason(key) });
    await until(() => out.includes('Connection closed (4000'), 'the close reason');
    await until(() => live() >= 2, 'live again');
    expect(out).toContain('bad key');
    expect(out).not.toContain(key);
  });
});
