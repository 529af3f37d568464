import { describe, expect, it } from 'vitest';
import { EXIT_CODES, USAGE, normaliseFingerprint256, parseCliArgs } from '../../../electron/cli/args';
import type { CliCommand, ParsedArgs } from '../../../electron/cli/args';

const HEX = '0123456789abcdef'.repeat(4);
const COLON = HEX.toUpperCase().match(/../g)!.join(':');

function ok(argv: string[]): CliCommand {
  const result = parseCliArgs(argv);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(argv)} to parse, got: ${result.message}`);
  return result.command;
}

function error(argv: string[]): string {
  const result: ParsedArgs = parseCliArgs(argv);
  if (result.ok) throw new Error(`expected ${JSON.stringify(argv)} to fail, got ${JSON.stringify(result.command)}`);
  expect(result.usage).toBe(USAGE);
  return result.message;
}

describe('watch', () => {
  it('parses every flag', () => {
    expect(
      ok([
        'watch',
        '--url', 'nas1.local',
        '--url', 'https://nas2.local:8443',
        '--profile', 'office',
        '--profile', 'home',
        '--username', 'jobwatch',
        '--api-key-env', 'NAS_KEY',
        '--fingerprint', HEX,
        '--json',
        '--state-dir', '/tmp/state',
        '--rules', 'rules.json',
        '--notify',
        '--otp-env', 'NAS_OTP',
      ]),
    ).toEqual({
      command: 'watch',
      urls: ['nas1.local', 'https://nas2.local:8443'],
      profile: ['office', 'home'],
      username: 'jobwatch',
      secret: { kind: 'api-key-env', variable: 'NAS_KEY' },
      fingerprint: COLON,
      otpEnv: 'NAS_OTP',
      json: true,
      stateDir: '/tmp/state',
      rules: 'rules.json',
      notify: true,
    });
  });

  it('defaults booleans to false and leaves optional flags out', () => {
    expect(ok(['watch', '--url', 'nas'])).toEqual({ command: 'watch', urls: ['nas'], json: false, notify: false });
  });

  it('accepts --flag=value and options before the command', () => {
    expect(ok(['--json', 'watch', '--url=nas', '--api-key-file=/run/key'])).toEqual({
      command: 'watch',
      urls: ['nas'],
      secret: { kind: 'api-key-file', path: '/run/key' },
      json: true,
      notify: false,
    });
  });

  it('keeps repeated --url in order', () => {
    const command = ok(['watch', '--url', 'a', '--url', 'b', '--url', 'ws://127.0.0.1:6000/api/current']);
    expect(command.command === 'watch' && command.urls).toEqual(['a', 'b', 'ws://127.0.0.1:6000/api/current']);
  });

  it('takes --password-env with --username', () => {
    expect(ok(['watch', '--url', 'nas', '--username', 'admin', '--password-env', 'NAS_PASSWORD'])).toMatchObject({
      secret: { kind: 'password-env', variable: 'NAS_PASSWORD' },
      username: 'admin',
    });
  });

  it('needs a --url unless a --profile is given', () => {
    expect(error(['watch'])).toBe('give at least one --url (or --profile NAME)');
    expect(error(['watch', '--json'])).toBe('give at least one --url (or --profile NAME)');
    expect(ok(['watch', '--profile', 'office'])).toEqual({ command: 'watch', urls: [], profile: ['office'], json: false, notify: false });
  });

  it('refuses more than one secret source', () => {
    expect(error(['watch', '--url', 'nas', '--api-key-env', 'A', '--api-key-file', 'f'])).toBe(
      'give only one secret source, not --api-key-env and --api-key-file',
    );
    expect(error(['watch', '--url', 'nas', '--username', 'u', '--api-key-env', 'A', '--password-env', 'B'])).toBe(
      'give only one secret source, not --api-key-env and --password-env',
    );
  });

  it('refuses --password-env without --username', () => {
    expect(error(['watch', '--url', 'nas', '--password-env', 'P'])).toBe('--password-env needs --username');
  });

  it('refuses a secret where a variable name belongs, without repeating it', () => {
    const secret = '1-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    for (const flag of ['--api-key-env', '--password-env']) {
      const message = error(['watch', '--url', 'nas', '--username', 'u', flag, secret]);
      expect(message).toContain('NAME of an environment variable');
      expect(message).not.toContain(secret);
    }
    const otp = error(['watch', '--url', 'nas', '--otp-env', '123 456']);
    expect(otp).toContain('--otp-env takes the NAME');
    expect(otp).not.toContain('123 456');
  });

  it('refuses credentials inside a URL, without repeating them', () => {
    const message = error(['watch', '--url', 'https://root:hunter2@nas.local']);
    expect(message).toMatch(/^--url: must not contain a user name or password/);
    expect(message).not.toContain('hunter2');
  });

  it('refuses bad URLs', () => {
    expect(error(['watch', '--url', ''])).toBe('--url: must not be empty');
    expect(error(['watch', '--url', 'nas local'])).toBe('--url: must not contain spaces');
    expect(error(['watch', '--url', 'ftp://nas'])).toBe('--url: scheme ftp:// is not supported (use https, wss, http or ws)');
    expect(error(['watch', '--url', 'http://[::1'])).toMatch(/^--url: is not a host name or URL/);
  });

  it('refuses empty values', () => {
    expect(error(['watch', '--url', 'nas', '--username', ' '])).toBe('--username: must not be empty');
    expect(error(['watch', '--url', 'nas', '--state-dir='])).toBe('--state-dir must not be empty');
    expect(error(['watch', '--url', 'nas', '--rules='])).toBe('--rules must not be empty');
    expect(error(['watch', '--url', 'nas', '--api-key-file='])).toBe('--api-key-file must not be empty');
    expect(error(['watch', '--profile='])).toBe('--profile: must not be empty');
  });

  it('reports a missing option value', () => {
    expect(error(['watch', '--url'])).toBe("Option '--url' argument missing");
  });
});

describe('secrets are never accepted as arguments', () => {
  const cases: Array<[string[], RegExp]> = [
    [['watch', '--url', 'nas', '--api-key', 'k'], /^--api-key is not accepted: an API key on the command line .* Use --api-key-env VAR or --api-key-file FILE instead\.$/],
    [['watch', '--url', 'nas', '--api-key=k'], /^--api-key is not accepted/],
    [['list', '--url', 'nas', '--apikey', 'k'], /^--apikey is not accepted/],
    [['watch', '--url', 'nas', '--token=k'], /^--token is not accepted/],
    [['watch', '--url', 'nas', '--password', 'p'], /^--password is not accepted: a password .* Use --password-env VAR \(with --username\) instead\.$/],
    [['watch', '--url', 'nas', '--password=p'], /^--password is not accepted/],
    [['watch', '--url', 'nas', '--passwd', 'p'], /^--passwd is not accepted/],
    [['watch', '--url', 'nas', '--otp', '123456'], /^--otp is not accepted: a one-time code .* Use --otp-env VAR instead\.$/],
    [['sim', '--secret', 's'], /^--secret is not accepted/],
  ];
  it.each(cases)('%j', (argv, expected) => {
    const message = error(argv);
    expect(message).toMatch(expected);
    expect(message).toMatch(/other users of this machine .* shell history/);
  });

  it('never echoes the value', () => {
    const message = error(['watch', '--url', 'nas', '--api-key=1-VerySecretKeyValue']);
    expect(message).not.toContain('VerySecret');
  });

  it('refuses them even before the command and alongside valid flags', () => {
    expect(error(['--password', 'x', 'watch', '--url', 'nas', '--api-key-env', 'K'])).toMatch(/^--password is not accepted/);
  });
});

describe('fingerprint', () => {
  it.each([
    [HEX, COLON],
    [HEX.toUpperCase(), COLON],
    [COLON.toLowerCase(), COLON],
    [COLON, COLON],
    [HEX.match(/../g)!.join(' '), COLON],
    [`sha256 Fingerprint=${COLON}`, COLON],
    [`  ${COLON}  `, COLON],
  ])('normalises %s', (input, expected) => {
    expect(normaliseFingerprint256(input)).toEqual({ ok: true, value: expected });
    expect(ok(['watch', '--url', 'nas', '--fingerprint', input])).toMatchObject({ fingerprint: expected });
  });

  it.each([
    ['AB:CD', '--fingerprint: a SHA-256 fingerprint has 32 bytes, this one has 2'],
    ['AB'.repeat(20), '--fingerprint: a SHA-256 fingerprint has 32 bytes, this one has 20 (this looks like a SHA-1 fingerprint)'],
    ['AB'.repeat(33), '--fingerprint: a SHA-256 fingerprint has 32 bytes, this one has 33'],
    [`${HEX.slice(0, -1)}G`, '--fingerprint: a fingerprint is hex digits in pairs: AB:CD:… or ABCD…'],
    [`${HEX}0`, '--fingerprint: a fingerprint is hex digits in pairs: AB:CD:… or ABCD…'],
    [`A:BC${COLON.slice(4)}`, '--fingerprint: a fingerprint is hex digits in pairs: AB:CD:… or ABCD…'],
    ['', '--fingerprint: a fingerprint is hex digits in pairs: AB:CD:… or ABCD…'],
  ])('refuses %s', (input, message) => {
    expect(error(['watch', '--url', 'nas', '--fingerprint', input])).toBe(message);
  });
});

describe('list', () => {
  it('parses its flags', () => {
    expect(ok(['list', '--url', 'a', '--url', 'b', '--username', 'u', '--api-key-file', 'k', '--fingerprint', COLON, '--json'])).toEqual({
      command: 'list',
      urls: ['a', 'b'],
      username: 'u',
      secret: { kind: 'api-key-file', path: 'k' },
      fingerprint: COLON,
      json: true,
    });
  });

  it.each(['--notify', '--state-dir=x', '--rules=x', '--port=1', '--tls'])('refuses %s', (flag) => {
    const name = flag.split('=')[0]!;
    expect(error(['list', '--url', 'nas', flag])).toBe(`${name} does not apply to list`);
  });

  it('needs a --url', () => {
    expect(error(['list'])).toBe('give at least one --url (or --profile NAME)');
  });
});

describe('sim', () => {
  it('has defaults', () => {
    expect(ok(['sim'])).toEqual({ command: 'sim', port: 6000, host: '127.0.0.1', tls: false });
  });

  it('parses every flag', () => {
    expect(ok(['sim', '--port', '0', '--host', '0.0.0.0', '--tls', '--scenario', 'failures'])).toEqual({
      command: 'sim',
      port: 0,
      host: '0.0.0.0',
      tls: true,
      scenario: 'failures',
    });
    expect(ok(['sim', '--port=65535', '--scenario=./my-scenario.json'])).toMatchObject({ port: 65535, scenario: './my-scenario.json' });
  });

  it.each(['65536', '-1', '1.5', 'abc', '', '6000x', '123456'])('refuses --port %j', (port) => {
    expect(error(['sim', `--port=${port}`])).toBe('--port must be a whole number from 0 to 65535');
  });

  it('refuses empty host and scenario', () => {
    expect(error(['sim', '--host='])).toBe('--host must not be empty');
    expect(error(['sim', '--scenario='])).toBe('--scenario must not be empty');
  });

  it.each(['--url=x', '--json', '--notify', '--api-key-env=K', '--fingerprint=x', '--profile=x'])('refuses %s', (flag) => {
    expect(error(['sim', flag])).toBe(`${flag.split('=')[0]} does not apply to sim`);
  });
});

describe('commands', () => {
  it('help and version', () => {
    expect(ok(['help'])).toEqual({ command: 'help' });
    expect(ok(['--help'])).toEqual({ command: 'help' });
    expect(ok(['-h'])).toEqual({ command: 'help' });
    expect(ok(['watch', '--help'])).toEqual({ command: 'help' });
    expect(ok(['--version'])).toEqual({ command: 'version' });
  });

  it('refuses no command, unknown commands, options and extra arguments', () => {
    expect(error([])).toBe('give a command: watch, list or sim');
    expect(error(['follow'])).toBe('unknown command: follow');
    expect(error(['watch', '--url', 'nas', '--verbose'])).toBe('unknown option --verbose');
    expect(error(['watch', '-x'])).toBe('unknown option -x');
    expect(error(['watch', '--url', 'nas', 'extra'])).toBe('unexpected argument after watch: extra');
    expect(error(['watch', '--json=yes', '--url', 'nas'])).toBe("Option '--json' does not take an argument");
  });
});

describe('usage', () => {
  it('lists the commands, the flags and the exit codes', () => {
    for (const word of ['watch', 'list', 'sim', 'help', '--version']) expect(USAGE).toContain(word);
    for (const flag of [
      '--url', '--profile', '--username', '--api-key-env', '--api-key-file', '--password-env', '--otp-env', '--fingerprint',
      '--json', '--state-dir', '--rules', '--notify', '--port', '--host', '--tls', '--scenario',
    ]) {
      expect(USAGE).toContain(flag);
    }
    expect(USAGE).toContain('Exit codes: 0 ok, 1 other error, 2 bad arguments, 3 authentication failed, 4 certificate not trusted.');
    expect(EXIT_CODES).toEqual({ ok: 0, other: 1, badArguments: 2, authenticationFailed: 3, certificateNotTrusted: 4 });
  });
});
