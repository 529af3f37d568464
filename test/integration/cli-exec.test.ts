/**
 * watch --exec against the simulator, with a real hook script (cli-exec/record-hook.mjs): it runs once per shown
 * notification and never for a suppressed one, without a shell, with the notification's line on stdin and its
 * fields in JOBWATCH_*, and without the API key; a failing hook and a hanging one (killed with what it started)
 * are reported as exec lines while the watcher goes on printing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { CliProcesses, buildCli, byType, until, type CliRun } from './cli-process';

const work = mkdtempSync(join(tmpdir(), 'jobwatch-exec-'));
const rules = join(work, 'rules.json');
writeFileSync(rules, JSON.stringify({ burstWindowMs: 50 }));
const hook = join(process.cwd(), 'test', 'integration', 'cli-exec', 'record-hook.mjs');
let built: Awaited<ReturnType<typeof buildCli>> | null = null;
const processes = new CliProcesses(() => built!.launcher);

beforeAll(async () => {
  built = await buildCli();
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  built?.remove();
});

let sim: Simulator | null = null;
/** Hook processes a failed test may leave behind (the hook's own group is killed by jobwatch when it works). */
const hookPids: number[] = [];
afterEach(async () => {
  processes.killAll();
  for (const pid of hookPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await sim?.close();
  sim = null;
});

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function watch(outDir: string, extra: string[] = [], hookArgs = ''): CliRun {
  const exec = `${quote(process.execPath)} ${quote(hook)} ${quote(outDir)}${hookArgs ? ` ${hookArgs}` : ''}`;
  return processes.run(
    ['watch', '--url', sim!.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--rules', rules, '--exec', exec, ...extra],
    {
      JW_KEY: sim!.credentials.apiKey,
      COPY_OF_KEY: sim!.credentials.apiKey,
    },
  );
}

const recorded = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map(
      (f) =>
        JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
          argv: string[];
          env: Record<string, string>;
          stdin: string;
          names: string[];
          pid: number;
          grandchild: number | null;
        },
    );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('jobwatch watch --exec', () => {
  it('runs the command once per shown notification, without a shell, with the line on stdin and fields in the environment', async () => {
    sim = await startSimulator({ port: 0 });
    const out = join(work, 'shown');
    mkdirSync(out);
    const r = watch(out, [], `'$(touch ${join(work, 'pwned')})' '*' "two words"`);
    await until(() => byType(r, 'connection').some((l) => l['state'] === 'live'), 'live');
    // A short success is suppressed (threshold): no command for it.
    sim.startJob({ method: 'cloudsync.sync', durationMs: 10, outcome: 'SUCCESS' });
    sim.startJob({ method: 'replication.run', durationMs: 150, outcome: 'FAILED', error: '[EFAULT] Failed to connect to remote host.' });
    await until(() => recorded(out).length === 1, 'the hook to run');
    sim.startJob({ method: 'pool.scrub.scrub', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] second' });
    await until(() => recorded(out).length === 2, 'the hook for the second failure');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);

    const notifications = byType(r, 'notification');
    const shown = notifications.filter((n) => n['suppressed'] === null);
    expect(notifications.some((n) => n['suppressed'] === 'threshold')).toBe(true);
    expect(
      recorded(out)
        .map((h) => h.env['JOBWATCH_NOTIFICATION_ID'])
        .sort(),
    ).toEqual(shown.map((n) => n['id']).sort());
    const first = recorded(out).find((h) => h.env['JOBWATCH_METHOD'] === 'replication.run')!;
    const line = shown.find((n) => n['id'] === first.env['JOBWATCH_NOTIFICATION_ID'])!;
    expect(JSON.parse(first.stdin)).toEqual(line);
    expect(first.env).toMatchObject({
      JOBWATCH_EVENT: 'notification',
      JOBWATCH_NDJSON_VERSION: '1',
      JOBWATCH_TITLE: line['title'],
      JOBWATCH_BODY: line['body'],
      JOBWATCH_URGENCY: 'critical',
      JOBWATCH_SERVER: line['server'],
      JOBWATCH_CATCH_UP: '0',
      JOBWATCH_JOB_COUNT: '1',
      JOBWATCH_METHOD: 'replication.run',
      JOBWATCH_TS: line['ts'],
    });
    expect(first.env['JOBWATCH_JOB_ID']).toBe(String((line['jobs'] as Array<{ jobId: number }>)[0]!.jobId));
    // No shell: the words arrive as written, nothing is expanded or run.
    expect(first.argv).toEqual([`$(touch ${join(work, 'pwned')})`, '*', 'two words']);
    expect(existsSync(join(work, 'pwned'))).toBe(false);
    // The API key stays with jobwatch, whatever variable holds it.
    expect(first.names).not.toContain('JW_KEY');
    expect(first.names).not.toContain('COPY_OF_KEY');
    expect(byType(r, 'exec')).toEqual([]);
  });

  it('reports a failing and a hanging command as exec lines, kills the hanging one with its children, and keeps watching', async () => {
    sim = await startSimulator({ port: 0 });
    const out = join(work, 'bad');
    mkdirSync(out);
    const r = watch(out, ['--exec-timeout', '3']);
    await until(() => byType(r, 'connection').some((l) => l['state'] === 'live'), 'live');
    sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] hang' });
    await until(() => recorded(out).length === 1, 'the hanging hook to start');
    const hanging = recorded(out)[0]!;
    hookPids.push(hanging.pid, hanging.grandchild!);
    expect(alive(hanging.pid)).toBe(true);

    // While it hangs, the watcher still follows jobs and runs the next command.
    sim.startJob({ method: 'pool.scrub.scrub', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] fail' });
    await until(() => byType(r, 'exec').some((e) => e['status'] === 'failed'), 'the failing hook reported');
    expect(alive(hanging.pid)).toBe(true);
    expect(byType(r, 'transition').map((t) => t['error'])).toEqual(['[EFAULT] hang', '[EFAULT] fail']);
    const failed = byType(r, 'exec').find((e) => e['status'] === 'failed')!;
    expect(failed).toMatchObject({
      exitCode: 3,
      signal: null,
      stderr: 'posting to ntfy failed: no route to host\n',
      command: process.execPath,
    });
    expect(String(failed['message'])).toContain('exited with status 3');

    await until(() => byType(r, 'exec').some((e) => e['status'] === 'timed-out'), 'the hanging hook stopped', 10_000);
    const timedOut = byType(r, 'exec').find((e) => e['status'] === 'timed-out')!;
    expect(timedOut['notificationId']).toBe(hanging.env['JOBWATCH_NOTIFICATION_ID']);
    expect(String(timedOut['message'])).toMatch(/within 3 s.*--exec-timeout/);
    await until(() => !alive(hanging.pid) && !alive(hanging.grandchild!), 'the hook and what it started to be gone');

    sim.startJob({ method: 'cloudsync.sync', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] after' });
    await until(() => byType(r, 'transition').length === 3, 'a transition after the timeout');
    r.child.kill('SIGTERM');
    expect(await r.exit).toBe(0);
  });

  it('refuses a command that needs a shell, or a program that does not exist, before watching', async () => {
    sim = await startSimulator({ port: 0 });
    const piped = processes.run(['watch', '--url', sim.url, '--api-key-env', 'JW_KEY', '--exec', 'notify.sh | mail ops'], { JW_KEY: 'k' });
    expect(await piped.exit).toBe(2);
    expect(piped.stderr.join('')).toMatch(/--exec: contains \| outside quotes, but the command is run without a shell/);
    const missing = processes.run(['watch', '--url', sim.url, '--api-key-env', 'JW_KEY', '--exec', '/nonexistent/notify --to ops'], {
      JW_KEY: 'k',
    });
    expect(await missing.exit).toBe(2);
    expect(missing.stderr.join('')).toMatch(/--exec: cannot find \/nonexistent\/notify/);
  });
});
