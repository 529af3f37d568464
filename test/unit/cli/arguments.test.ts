import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../electron/cli/arguments';
import { humanLine, jsonLine } from '../../../electron/cli/lines';
import type { Transition } from '../../../electron/core/model';

const dir = mkdtempSync(join(tmpdir(), 'jobwatch-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { KEY: 'k-123', PASS: 'hunter2', EMPTY: '' };
const FP = 'ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89';

async function parse(args: string) {
  return parseCommandLine(args.split(' ').filter(Boolean), env);
}

describe('command line', () => {
  it('parses watch with repeated --url, an env secret, a fingerprint and every flag', async () => {
    const result = await parse(
      `watch --url nas1 --url wss://nas2:8443/api/current --username monitor --api-key-env KEY --fingerprint ${FP} --json --state-dir /tmp/s --rules r.json --notify`,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        command: 'watch',
        servers: [
          {
            url: 'nas1',
            username: 'monitor',
            authMethod: 'api-key',
            secret: 'k-123',
            fingerprint256: FP.toUpperCase(),
            allowInsecurePassword: false,
          },
          {
            url: 'wss://nas2:8443/api/current',
            username: 'monitor',
            authMethod: 'api-key',
            secret: 'k-123',
            fingerprint256: FP.toUpperCase(),
            allowInsecurePassword: false,
          },
        ],
        json: true,
        stateDir: '/tmp/s',
        rulesFile: 'r.json',
        notify: true,
        otpEnv: undefined,
        includeTransient: false,
      },
    });
  });

  it('list waits 30 s by default for servers it cannot reach; --timeout changes it, only for list', async () => {
    expect(await parse('list --url nas1 --api-key-env KEY')).toMatchObject({ ok: true, value: { command: 'list', timeoutSec: 30 } });
    expect(await parse('list --url nas1 --api-key-env KEY --timeout 2.5')).toMatchObject({ ok: true, value: { timeoutSec: 2.5 } });
    for (const bad of ['0', '-1', 'soon', '90000']) {
      expect(await parse(`list --url nas1 --api-key-env KEY --timeout=${bad}`)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^--timeout: /),
      });
    }
    expect(await parse('watch --url nas1 --api-key-env KEY --timeout 5')).toEqual({
      ok: false,
      message: '--timeout does not apply to watch',
    });
  });

  it('--missed-run-tolerance takes 15m, 90s, 2h or plain minutes, from 1 min to 12 h, for watch only', async () => {
    expect(await parse('watch --url nas1 --api-key-env KEY')).toMatchObject({ ok: true, value: { command: 'watch' } });
    expect(await parse('watch --url nas1 --api-key-env KEY')).not.toMatchObject({ value: { missedRunToleranceMs: expect.anything() } });
    for (const [text, ms] of [
      ['15m', 15 * 60_000],
      ['90s', 90_000],
      ['2h', 2 * 3_600_000],
      ['1.5h', 90 * 60_000],
      ['15', 15 * 60_000],
      ['720min', 720 * 60_000],
    ] as const) {
      expect(await parse(`watch --url nas1 --api-key-env KEY --missed-run-tolerance ${text}`)).toMatchObject({
        ok: true,
        value: { missedRunToleranceMs: ms },
      });
    }
    for (const bad of ['30s', '13h', '0', 'soon', '-5m', '5d']) {
      expect(await parse(`watch --url nas1 --api-key-env KEY --missed-run-tolerance=${bad}`)).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^--missed-run-tolerance: must be/),
      });
    }
    expect(await parse('list --url nas1 --api-key-env KEY --missed-run-tolerance 15m')).toEqual({
      ok: false,
      message: '--missed-run-tolerance does not apply to list',
    });
  });

  it('refuses secrets given as arguments, and says what to use instead', async () => {
    for (const flag of ['--api-key abc', '--password=abc', '--token t']) {
      const result = await parse(`watch --url nas ${flag}`);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.message).toMatch(/--api-key-env/);
        expect(result.message).not.toContain('abc');
      }
    }
  });

  it('reads a password from the environment and needs a username for it', async () => {
    expect(await parse('watch --url nas --password-env PASS')).toMatchObject({ ok: false, message: expect.stringContaining('--username') });
    const ok = await parse('watch --url nas --username admin --password-env PASS');
    expect(ok).toMatchObject({ ok: true, value: { servers: [{ authMethod: 'password', secret: 'hunter2' }] } });
  });

  it('--allow-insecure-password lets a password go over ws://; never an API key', async () => {
    const plain = await parse('watch --url ws://nas.lan --username admin --password-env PASS');
    expect(plain).toMatchObject({ ok: true, value: { servers: [{ authMethod: 'password', allowInsecurePassword: false }] } });
    const allowed = await parse('watch --url ws://nas.lan --username admin --password-env PASS --allow-insecure-password');
    expect(allowed).toMatchObject({ ok: true, value: { servers: [{ authMethod: 'password', allowInsecurePassword: true }] } });
    const key = await parse('watch --url ws://nas.lan --api-key-env KEY --allow-insecure-password');
    expect(key).toMatchObject({ ok: false, message: expect.stringMatching(/passwords only/) });
    expect(await parse('sim --allow-insecure-password')).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not apply to sim'),
    });
  });

  it('rejects bad input with a message that names the flag', async () => {
    const cases: Array<[string, RegExp]> = [
      ['watch', /--url or --profile/],
      ['watch --url nas --fingerprint 12:34', /fingerprint/],
      ['watch --url nas --api-key-env KEY --password-env PASS --username u', /only one/],
      ['watch --url nas --api-key-env EMPTY', /EMPTY is not set or empty/],
      ['watch --url nas --api-key-env NOT-A-NAME', /environment variable name/],
      ['sim --port 70000', /port/],
      ['sim --url nas', /does not apply to sim/],
      ['list --url nas --notify', /does not apply to list/],
      ['frobnicate', /unknown command/],
      ['watch --url nas --bogus', /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const result = await parse(args);
      expect(result.ok, args).toBe(false);
      if (!result.ok) expect(result.message, args).toMatch(message);
    }
  });

  it('reads an API key file only when no one else can read it', async () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'file-key\n');
    chmodSync(file, 0o644);
    const open = await parse(`watch --url nas --api-key-file ${file}`);
    expect(open).toMatchObject({ ok: false, message: expect.stringContaining('chmod 600') });
    chmodSync(file, 0o600);
    expect(await parse(`watch --url nas --api-key-file ${file}`)).toMatchObject({ ok: true, value: { servers: [{ secret: 'file-key' }] } });
    expect(await parse(`watch --url nas --api-key-file ${join(dir, 'missing')}`)).toMatchObject({
      ok: false,
      message: expect.stringContaining('ENOENT'),
    });
  });

  it('parses sim with defaults, help and version', async () => {
    expect(await parse('sim')).toEqual({ ok: true, value: { command: 'sim', port: 6000, host: '127.0.0.1', tls: false } });
    expect(await parse('sim --port 0 --tls --scenario failures')).toMatchObject({
      ok: true,
      value: { port: 0, tls: true, scenario: 'failures' },
    });
    expect(await parse('sim --truenas-version core13')).toMatchObject({ ok: true, value: { 'truenas-version': 'core13' } });
    expect(await parse('sim --truenas-version 28')).toMatchObject({ ok: false, message: expect.stringContaining('--truenas-version') });
    expect(await parse('list --url nas --truenas-version 24.10')).toMatchObject({
      ok: false,
      message: expect.stringContaining('does not apply to list'),
    });
    expect(await parse('')).toEqual({ ok: true, value: { command: 'help' } });
    expect(await parse('--version')).toEqual({ ok: true, value: { command: 'version' } });
  });
});

describe('--profile', () => {
  const appData = join(dir, 'app');
  const envWithApp = { ...env, JOBWATCH_APP_DATA: appData };
  const profile = {
    id: 'nas1',
    name: 'NAS One',
    url: 'https://nas1.lan',
    auth: { method: 'api-key', username: 'monitor' },
    fingerprint256: FP.toUpperCase(),
    muted: false,
    mutedUntil: null,
    methodRules: [],
  };

  it('uses a server saved by the app (address, user, pinned certificate) with the secret from the flags', async () => {
    mkdirSync(appData, { recursive: true });
    // The app's electron-store layout: core-profiles.json holding the versioned document under "blob".
    writeFileSync(join(appData, 'core-profiles.json'), JSON.stringify({ blob: { data: { version: 1, data: { profiles: [profile] } } } }));
    const result = await parseCommandLine(['watch', '--profile', 'nas one', '--api-key-env', 'KEY'], envWithApp);
    expect(result).toMatchObject({
      ok: true,
      value: {
        servers: [
          {
            url: 'https://nas1.lan',
            name: 'NAS One',
            username: 'monitor',
            authMethod: 'api-key',
            secret: 'k-123',
            fingerprint256: FP.toUpperCase(),
          },
        ],
      },
    });
  });

  it('names the saved servers when the profile is unknown, and reports a damaged file', async () => {
    const unknown = await parseCommandLine(['watch', '--profile', 'nas9', '--api-key-env', 'KEY'], envWithApp);
    expect(unknown).toMatchObject({ ok: false, message: expect.stringContaining('saved: NAS One') });
    writeFileSync(join(appData, 'core-profiles.json'), '{ broken');
    const damaged = await parseCommandLine(['watch', '--profile', 'nas1', '--api-key-env', 'KEY'], envWithApp);
    expect(damaged).toMatchObject({ ok: false, message: expect.stringContaining('could not be read') });
  });
});

describe('output lines', () => {
  const transition: Transition = {
    server: 'nas1',
    key: 'k',
    jobId: 120,
    method: 'replication.run',
    description: null,
    transient: false,
    from: 'RUNNING',
    to: 'FAILED',
    error: '[EFAULT] Failed to connect to remote host.\nTraceback…',
    timeStarted: Date.UTC(2025, 5, 20, 11, 0, 0),
    timeFinished: Date.UTC(2025, 5, 20, 11, 0, 5),
    catchUp: true,
  };

  it('prints a transition as one JSON object with the documented fields', () => {
    expect(JSON.parse(jsonLine({ type: 'transition', transition, serverName: 'nas1' }, new Date(Date.UTC(2025, 5, 20, 11, 0, 6))))).toEqual(
      {
        v: 1,
        type: 'transition',
        ts: '2025-06-20T11:00:06.000Z',
        server: 'nas1',
        jobId: 120,
        method: 'replication.run',
        description: null,
        from: 'RUNNING',
        to: 'FAILED',
        error: '[EFAULT] Failed to connect to remote host.\nTraceback…',
        timeStarted: '2025-06-20T11:00:00.000Z',
        timeFinished: '2025-06-20T11:00:05.000Z',
        catchUp: true,
        transient: false,
      },
    );
  });

  it('prints a concise human line with the first line of the error only', () => {
    const line = humanLine({ type: 'transition', transition, serverName: 'nas1' }, new Date(2025, 5, 20, 13, 0, 5));
    expect(line).toBe('13:00:05 nas1 FAILED replication.run #120 [while away] — [EFAULT] Failed to connect to remote host.');
  });

  it('never lets control characters from the network break a human line', () => {
    const line = humanLine(
      { type: 'connection', server: 'nas1', state: 'backoff', detail: 'bad\u001b[31m\nthing' },
      new Date(2025, 0, 1, 1, 2, 3),
    );
    expect(line).toBe('01:02:03 nas1 backoff — bad [31m thing');
  });

  it('prints the whole explanation of a changed certificate, fingerprint included', () => {
    const fingerprint = Array.from({ length: 32 }, () => 'AB').join(':');
    const detail = `${'The certificate of nas1 changed since you trusted it. '.repeat(6)}Certificate SHA-256 fingerprint: ${fingerprint}`;
    expect(humanLine({ type: 'connection', server: 'nas1', state: 'needs-attention', detail })).toContain(fingerprint);
  });

  it('shows server text without terminal escapes, C1 controls, bidi controls or forged lines', () => {
    const hostile: Transition = {
      ...transition,
      method: 'pool.scrub\u001b]0;pwned\u0007\u009b2J\u202Egnp.exe\u2066x\u2069\u200E\u061C\r\n12:00:00 nas1 SUCCESS fake.job #1',
      description: 'Backup\u2028forged\u2029line\u0085next',
      error: '\u009d8;;https://evil\u009cclick\u202D',
      catchUp: false,
    };
    const lines = [
      humanLine({ type: 'transition', transition: hostile, serverName: 'nas\u001b[2J1\u202E' }, new Date(2025, 5, 20, 13, 0, 5)),
      humanLine({
        type: 'job',
        serverName: 'nas1',
        job: {
          id: 1,
          server: 'nas1',
          method: hostile.method,
          description: null,
          state: 'RUNNING',
          percent: null,
          progressText: null,
          transient: false,
          timeStarted: null,
          timeFinished: null,
          error: hostile.error,
        } as never,
      }),
      humanLine({ type: 'error', server: 'nas\u009b1', message: 'lost\r\nforged' }),
    ];
    for (const line of lines) {
      // eslint-disable-next-line no-control-regex
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    }
    expect(lines[0]).toBe(
      '13:00:05 nas [2J1 FAILED Backup forged line next (pool.scrub ]0;pwned 2Jgnp.exex 12:00:00 nas1 SUCCESS fake.job #1 #120) — 8;;https://evil click',
    );
  });
});
