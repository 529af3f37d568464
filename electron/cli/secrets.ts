/**
 * Resolves the CLI's secret (API key or password) from where the arguments point: an environment variable or a
 * private file. Errors are values, and name the variable or the file, never their contents.
 *
 * Key files that the group or other users can access are REFUSED, not warned about (as ssh does with private
 * keys): a warning scrolls away in a long-running `watch`, and an API key grants full middleware access.
 * On Windows the POSIX mode bits mean nothing, so the check is skipped there.
 */
import { open } from 'node:fs/promises';
import type { Credentials } from '../core/auth';
import type { SecretSource } from './args';

export type ResolvedSecret = { kind: 'api-key'; value: string } | { kind: 'password'; value: string };

export type SecretResult = { ok: true; secret: ResolvedSecret } | { ok: false; message: string };

export interface SecretEnvironment {
  env: Readonly<Record<string, string | undefined>>;
  /** process.platform; decides whether file modes are checked. */
  platform?: NodeJS.Platform;
}

/** An API key is about 70 characters; anything much larger is the wrong file. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

export async function resolveSecret(source: SecretSource, environment: SecretEnvironment): Promise<SecretResult> {
  switch (source.kind) {
    case 'api-key-env': {
      const value = readEnv(source.variable, environment.env);
      if (value === null) return { ok: false, message: emptyEnvMessage(source.variable, 'the API key') };
      // Keys never contain whitespace; a trailing newline from `$(cat key)`-style exports is trimmed.
      return { ok: true, secret: { kind: 'api-key', value: value.trim() } };
    }
    case 'password-env': {
      const value = readEnv(source.variable, environment.env);
      if (value === null) return { ok: false, message: emptyEnvMessage(source.variable, 'the password') };
      // Passwords are taken exactly as given: leading or trailing spaces may be part of them.
      return { ok: true, secret: { kind: 'password', value } };
    }
    case 'api-key-file': {
      const read = await readPrivateFile(source.path, environment.platform ?? process.platform);
      if (!read.ok) return read;
      return { ok: true, secret: { kind: 'api-key', value: read.value } };
    }
  }
}

/** The core's login credentials for a resolved secret. */
export function toCredentials(secret: ResolvedSecret, username: string | undefined): Credentials | { error: string } {
  if (secret.kind === 'api-key') {
    return username === undefined ? { kind: 'api-key', apiKey: secret.value } : { kind: 'api-key', username, apiKey: secret.value };
  }
  if (username === undefined) return { error: 'a password needs --username' };
  return { kind: 'password', username, password: secret.value };
}

/**
 * A one-time code from `--otp-env VAR`, read when the server asks for it (codes expire within seconds, so the
 * variable is read late, not at start-up). Null when unset or empty.
 */
export function readOtp(variable: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const value = readEnv(variable, env);
  return value === null ? null : value.replace(/\s+/g, '');
}

function readEnv(variable: string, env: Readonly<Record<string, string | undefined>>): string | null {
  const value = env[variable];
  return value === undefined || value.trim() === '' ? null : value;
}

function emptyEnvMessage(variable: string, what: string): string {
  return `environment variable ${variable} is not set or is empty; export ${what} in it before running jobwatch`;
}

type FileRead = { ok: true; value: string } | { ok: false; message: string };

async function readPrivateFile(path: string, platform: NodeJS.Platform): Promise<FileRead> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    return { ok: false, message: `cannot read API key file ${path}: ${describeFsError(err)}` };
  }
  try {
    // fstat on the opened handle, so the file checked is the file read.
    const info = await handle.stat();
    if (info.isDirectory()) return { ok: false, message: `API key file ${path} is a directory` };
    if (platform !== 'win32' && (info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
      return {
        ok: false,
        message: `API key file ${path} is accessible by other users (mode ${mode}); restrict it with: chmod 600 ${shellQuote(path)}`,
      };
    }
    // Read in chunks rather than trusting st_size: a pipe (`--api-key-file <(pass show nas)`) reports size 0.
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_SECRET_FILE_BYTES) {
        return { ok: false, message: `API key file ${path} is larger than ${MAX_SECRET_FILE_BYTES / 1024} KiB; it should hold only the key` };
      }
    }
    const value = buffer.subarray(0, length).toString('utf8').trim();
    buffer.fill(0);
    if (value === '') return { ok: false, message: `API key file ${path} is empty` };
    if (/[\r\n]/.test(value)) return { ok: false, message: `API key file ${path} has more than one line; it should hold only the key` };
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: `cannot read API key file ${path}: ${describeFsError(err)}` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code ?? 'unknown error';
  }
}

function shellQuote(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}
