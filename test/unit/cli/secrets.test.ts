import { chmod, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SECRET_FILE_BYTES, readOtp, resolveSecret, toCredentials } from '../../../electron/cli/secrets';

const KEY = '1-qwertyuiopASDFGHJKLzxcvbnm0123456789QWERTYUIOPasdfghjklZXCVBNM01';
const posix = process.platform !== 'win32';
/** Root reads files whatever their mode, so the "permission denied" case only exists for other users. */
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobwatch-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function keyFile(name: string, content: string, mode = 0o600): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content, { mode });
  await chmod(path, mode); // writeFile's mode is filtered by the umask
  return path;
}

describe('environment variables', () => {
  it('reads an API key, trimmed', async () => {
    expect(await resolveSecret({ kind: 'api-key-env', variable: 'K' }, { env: { K: `${KEY}\n` } })).toEqual({
      ok: true,
      secret: { kind: 'api-key', value: KEY },
    });
  });

  it('reads a password exactly as given', async () => {
    expect(await resolveSecret({ kind: 'password-env', variable: 'P' }, { env: { P: ' pass word ' } })).toEqual({
      ok: true,
      secret: { kind: 'password', value: ' pass word ' },
    });
  });

  it.each([
    ['unset', {}],
    ['empty', { K: '' }],
    ['blank', { K: ' \n' }],
  ])('refuses an %s variable with its name', async (_label, env) => {
    expect(await resolveSecret({ kind: 'api-key-env', variable: 'K' }, { env })).toEqual({
      ok: false,
      message: 'environment variable K is not set or is empty; export the API key in it before running jobwatch',
    });
    expect(await resolveSecret({ kind: 'password-env', variable: 'K' }, { env })).toEqual({
      ok: false,
      message: 'environment variable K is not set or is empty; export the password in it before running jobwatch',
    });
  });
});

describe('API key file', () => {
  it('reads a private file, trimmed', async () => {
    const path = await keyFile('good', `  ${KEY}\n`);
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {} })).toEqual({ ok: true, secret: { kind: 'api-key', value: KEY } });
  });

  it.skipIf(!posix).each([0o644, 0o640, 0o604, 0o660, 0o606, 0o610, 0o601])('refuses mode %o, naming the fix and not the key', async (mode) => {
    const path = await keyFile(`open-${mode.toString(8)}`, KEY, mode);
    const result = await resolveSecret({ kind: 'api-key-file', path }, { env: {} });
    expect(result).toEqual({
      ok: false,
      message: `API key file ${path} is accessible by other users (mode ${mode.toString(8)}); restrict it with: chmod 600 ${path}`,
    });
  });

  it.skipIf(!posix)('quotes a path with spaces in the chmod hint', async () => {
    const path = await keyFile("it's my key", KEY, 0o644);
    const result = await resolveSecret({ kind: 'api-key-file', path }, { env: {} });
    expect(result.ok === false && result.message).toContain(`chmod 600 '${dir}/it'\\''s my key'`);
  });

  it('accepts any mode on Windows, where POSIX modes mean nothing', async () => {
    const path = await keyFile('windows', KEY, 0o644);
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {}, platform: 'win32' })).toEqual({
      ok: true,
      secret: { kind: 'api-key', value: KEY },
    });
  });

  it('explains a missing file', async () => {
    const path = join(dir, 'missing');
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {} })).toEqual({
      ok: false,
      message: `cannot read API key file ${path}: no such file`,
    });
  });

  it.skipIf(!posix || isRoot)('explains an unreadable file', async () => {
    const path = await keyFile('unreadable', KEY, 0o000);
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {} })).toEqual({
      ok: false,
      message: `cannot read API key file ${path}: permission denied`,
    });
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'a-directory');
    await mkdir(path, { mode: 0o700 });
    const result = await resolveSecret({ kind: 'api-key-file', path }, { env: {} });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.message).toMatch(new RegExp(`^(API key file ${path} is a directory|cannot read API key file ${path}: it is a directory)$`));
  });

  it('refuses an empty file', async () => {
    const path = await keyFile('empty', ' \n');
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {} })).toEqual({ ok: false, message: `API key file ${path} is empty` });
  });

  it('refuses a file of several lines without printing any of them', async () => {
    const path = await keyFile('config', `{"apiKey":\n"${KEY}"}\n`);
    const result = await resolveSecret({ kind: 'api-key-file', path }, { env: {} });
    expect(result).toEqual({ ok: false, message: `API key file ${path} has more than one line; it should hold only the key` });
  });

  it('refuses a file that is far too large for a key', async () => {
    const path = await keyFile('huge', 'x'.repeat(MAX_SECRET_FILE_BYTES + 1));
    expect(await resolveSecret({ kind: 'api-key-file', path }, { env: {} })).toEqual({
      ok: false,
      message: `API key file ${path} is larger than 64 KiB; it should hold only the key`,
    });
    const limit = await keyFile('at-limit', 'y'.repeat(MAX_SECRET_FILE_BYTES));
    expect((await resolveSecret({ kind: 'api-key-file', path: limit }, { env: {} })).ok).toBe(true);
  });
});

describe('credentials and one-time codes', () => {
  it('builds the core credentials', () => {
    expect(toCredentials({ kind: 'api-key', value: KEY }, undefined)).toEqual({ kind: 'api-key', apiKey: KEY });
    expect(toCredentials({ kind: 'api-key', value: KEY }, 'jobwatch')).toEqual({ kind: 'api-key', username: 'jobwatch', apiKey: KEY });
    expect(toCredentials({ kind: 'password', value: 'pw' }, 'admin')).toEqual({ kind: 'password', username: 'admin', password: 'pw' });
    expect(toCredentials({ kind: 'password', value: 'pw' }, undefined)).toEqual({ error: 'a password needs --username' });
  });

  it('reads a one-time code late, without spaces', () => {
    expect(readOtp('OTP', { OTP: '123 456\n' })).toBe('123456');
    expect(readOtp('OTP', { OTP: '' })).toBeNull();
    expect(readOtp('OTP', {})).toBeNull();
  });
});
