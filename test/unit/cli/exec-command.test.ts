/** --exec CMD split into argv without a shell, and the JOBWATCH_* environment a command gets. */
import { describe, expect, it } from 'vitest';
import { execEnvironment, findProgram, parseExecCommand } from '../../../electron/cli/exec';
import { parseCommandLine } from '../../../electron/cli/arguments';

describe('parseExecCommand', () => {
  it('splits words like a shell, with quotes and backslashes, but expands nothing', () => {
    expect(parseExecCommand(`/usr/local/bin/notify --to 'ops team' "say \\"hi\\"" a\\ b '*' "~"`)).toEqual({
      ok: true,
      argv: ['/usr/local/bin/notify', '--to', 'ops team', 'say "hi"', 'a b', '*', '~'],
    });
    expect(parseExecCommand(`curl -d '$BODY' https://ntfy.sh/x`)).toEqual({ ok: true, argv: ['curl', '-d', '$BODY', 'https://ntfy.sh/x'] });
    expect(parseExecCommand(`notify ''`)).toEqual({ ok: true, argv: ['notify', ''] });
  });

  it('takes a JSON array of strings as the argv itself', () => {
    expect(parseExecCommand('["/bin/notify", "a b", "$X"]')).toEqual({ ok: true, argv: ['/bin/notify', 'a b', '$X'] });
    for (const bad of ['[]', '[1]', '["a", 2]', '[""]', '[oops']) expect(parseExecCommand(bad)).toMatchObject({ ok: false });
  });

  it('refuses shell syntax that would otherwise be passed as text, with advice', () => {
    for (const cmd of [
      'notify | mail',
      'notify > log',
      'notify; rm x',
      'notify $HOME',
      'notify `id`',
      'notify && x',
      'notify (x)',
      '~/bin/notify',
    ]) {
      const result = parseExecCommand(cmd);
      expect(result, cmd).toMatchObject({ ok: false, message: expect.stringContaining('without a shell') });
    }
    expect(parseExecCommand('notify "open')).toEqual({ ok: false, message: 'has an unclosed "' });
    expect(parseExecCommand('   ')).toMatchObject({ ok: false, message: 'names no program' });
    expect(parseExecCommand('notify \\')).toMatchObject({ ok: false });
    expect(parseExecCommand('x'.repeat(20_000))).toMatchObject({ ok: false });
  });

  it('is what --exec gives watch; list and sim refuse it; --exec-timeout needs --exec', async () => {
    const env = { KEY: 'k' };
    expect(
      await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY', '--exec', "notify 'a b'", '--exec-timeout', '5'], env),
    ).toMatchObject({
      ok: true,
      value: { exec: { argv: ['notify', 'a b'], timeoutSec: 5 } },
    });
    expect(await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY', '--exec', 'a|b'], env)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^--exec: contains \|/),
    });
    expect(await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY', '--exec-timeout', '5'], env)).toEqual({
      ok: false,
      message: '--exec-timeout needs --exec',
    });
    expect(await parseCommandLine(['list', '--url', 'nas', '--api-key-env', 'KEY', '--exec', 'notify'], env)).toEqual({
      ok: false,
      message: '--exec does not apply to list',
    });
    expect(await parseCommandLine(['list', '--url', 'nas', '--api-key-env', 'KEY', '--include-transient'], env)).toEqual({
      ok: false,
      message: '--include-transient does not apply to list',
    });
  });
});

describe('the command environment', () => {
  it('carries the notification fields, without NUL', () => {
    const env = execEnvironment({
      v: 1,
      type: 'notification',
      ts: '2026-01-01T00:00:00.000Z',
      server: 'nas',
      id: 'n1',
      title: 'nas: 2 jobs failed',
      body: 'a\u0000b\nsecond line',
      urgency: 'critical',
      jobs: [
        { server: 'nas', jobId: 7, method: 'replication.run', timeStarted: null },
        { server: 'nas', jobId: 8, method: 'pool.scrub.scrub', timeStarted: null },
      ],
      catchUp: true,
      suppressed: null,
    });
    expect(env).toMatchObject({
      JOBWATCH_BODY: 'ab\nsecond line',
      JOBWATCH_JOB_COUNT: '2',
      JOBWATCH_JOB_ID: '7',
      JOBWATCH_METHOD: 'replication.run',
      JOBWATCH_CATCH_UP: '1',
    });
  });

  it('finds programs as execvp would', async () => {
    expect(await findProgram('node', { PATH: `/nonexistent:${process.execPath.replace(/\/[^/]+$/, '')}` })).toBe(process.execPath);
    expect(await findProgram('no-such-program-here', { PATH: '/usr/bin' })).toBeNull();
    expect(await findProgram(process.execPath, {})).toBe(process.execPath);
  });
});
