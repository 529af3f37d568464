/** The --exec runner's bounds with real processes: a full queue drops (reported), stop drops what waits, a missing program is reported. */
import { describe, expect, it } from 'vitest';
import { ExecRunner, type ExecOutcome } from '../../../electron/cli/exec';

const line = (id: string) => ({
  v: 1 as const,
  type: 'notification' as const,
  ts: '2026-01-01T00:00:00.000Z',
  server: 'nas',
  id,
  title: 't',
  body: 'b',
  urgency: 'critical' as const,
  jobs: [],
  catchUp: false,
  suppressed: null,
});

async function waitFor(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((r) => setTimeout(r, 10));
}

describe('ExecRunner', () => {
  it('runs at most maxRunning, queues maxWaiting, drops and reports the rest, and drops the queue on close', async () => {
    const outcomes: ExecOutcome[] = [];
    const runner = new ExecRunner({
      argv: [process.execPath, '-e', 'setTimeout(() => {}, 60_000)'],
      timeoutMs: 60_000,
      env: {},
      secrets: [],
      report: (o) => outcomes.push(o),
      maxRunning: 1,
      maxWaiting: 1,
    });
    runner.submit(line('n1'), '{}');
    runner.submit(line('n2'), '{}');
    runner.submit(line('n3'), '{}');
    expect(outcomes).toEqual([
      expect.objectContaining({ notificationId: 'n3', status: 'dropped', message: expect.stringContaining('--exec-timeout') }),
    ]);
    await runner.close(50);
    // n2 never ran (dropped at stop); n1 was killed after the grace period.
    expect(outcomes.map((o) => [o.notificationId, o.status])).toEqual([
      ['n3', 'dropped'],
      ['n2', 'dropped'],
      ['n1', 'failed'],
    ]);
    expect(outcomes[2]).toMatchObject({ signal: 'SIGKILL', exitCode: null });
  });

  it('reports a program that cannot be started, and goes on with the next', async () => {
    const outcomes: ExecOutcome[] = [];
    const runner = new ExecRunner({
      argv: ['/nonexistent/jobwatch-hook'],
      timeoutMs: 5000,
      env: {},
      secrets: [],
      report: (o) => outcomes.push(o),
      maxRunning: 1,
    });
    runner.submit(line('a'), '{}');
    runner.submit(line('b'), '{}');
    await waitFor(() => outcomes.length === 2);
    expect(outcomes.map((o) => [o.notificationId, o.status])).toEqual([
      ['a', 'not-started'],
      ['b', 'not-started'],
    ]);
    expect(outcomes[0]!.message).toMatch(/could not run \/nonexistent\/jobwatch-hook \(ENOENT\)\. Check that it exists/);
    await runner.close();
  });

  it('passes on neither a secret-valued variable nor the hidden names, whatever they are called', async () => {
    const outcomes: ExecOutcome[] = [];
    const runner = new ExecRunner({
      argv: [
        process.execPath,
        '-e',
        'process.exit(process.env.A || process.env.B || process.env.OTP ? 9 : (process.env.KEEP === "yes" ? 0 : 8))',
      ],
      timeoutMs: 5000,
      env: { A: 'k-secret', B: ' k-secret ', OTP: '123456', KEEP: 'yes', PATH: process.env['PATH'] },
      secrets: ['k-secret'],
      hiddenNames: ['OTP'],
      report: (o) => outcomes.push(o),
    });
    runner.submit(line('x'), '{}');
    await runner.close(5000);
    expect(outcomes).toEqual([]);
  });
});
