/**
 * The command line, parsed with node:util and validated with zod into one typed command. Secrets never come from
 * the command line (it is visible to every user in the process list and kept in shell history): only from an
 * environment variable or a file.
 */
import { parseArgs } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import * as z from '../core/zod';
import { normaliseFingerprint } from '../core/tls';
import { UI_LANGUAGES } from '../core/i18n/i18n';
import { SIM_VERSIONS } from '../sim/types';
import type { CliCommand } from './command';
import type { CliServer } from './watch';
import { appDataDir, findProfile, loadAppProfiles } from './app-profiles';
import { DEFAULT_EXEC_TIMEOUT_SEC, parseExecCommand } from './exec';

export const USAGE = `Usage:
  jobwatch watch --url URL [--url URL …] | --profile NAME [auth] [--fingerprint SHA256] [--json]
                 [--compression on|off] [--state-dir DIR] [--rules FILE] [--notify] [--otp-env VAR]
                 [--include-transient] [--exec CMD [--exec-timeout SECONDS]] [--missed-run-tolerance DURATION]
                 [--language en|de]
  jobwatch list  --url URL [--url URL …] [auth] [--fingerprint SHA256] [--json] [--timeout SECONDS]
  jobwatch sim   [--port N] [--host ADDR] [--tls] [--scenario NAME|FILE] [--truenas-version V]
  jobwatch help | --version

--profile NAME (repeatable): a server saved by the desktop app (its address, user and trusted certificate);
the secret still comes from the flags below. JOBWATCH_APP_DATA overrides where the app's data is looked for.
URL: a host (nas.local), host:port, https://…, or an explicit ws(s)://…/api/current or …/websocket.
A bare host means wss://host/api/current, falling back to the legacy /websocket endpoint.

auth (secrets are never accepted as arguments):
  --username USER          the user the API key belongs to, or to log in with a password
  --api-key-env VAR        read the API key from environment variable VAR
  --api-key-file FILE      read the API key from FILE (must not be readable by others)
  --password-env VAR       read the password from environment variable VAR
  --otp-env VAR            a one-time password from VAR, when the account needs one
  --allow-insecure-password  send the password even over plain ws:// to another computer, where anyone on the
                           network can read it (refused otherwise; an API key is never sent that way)

watch:
  --json                   one JSON object per line (connection, transition, notification, error, exec, insight,
                           schedule-check), each
                           with "v" (format version) and "ts"; schema: docs/ndjson.schema.json
  --include-transient      also print the middleware's own housekeeping jobs (e.g. alert.process_alerts),
                           marked "transient": true; left out by default
  --exec CMD               run CMD for each shown notification, without a shell: its JSON line on stdin, its
                           fields in JOBWATCH_TITLE, JOBWATCH_BODY, JOBWATCH_URGENCY, JOBWATCH_SERVER…; CMD is
                           split into words with '…' and "…" quoting, or given as a JSON array of strings
  --exec-timeout SECONDS   stop a command still running after this long (default 30); failures print an exec line
  --missed-run-tolerance DURATION
                           how late a scheduled run may start before it is a missed run: 15m, 90s, 2h or plain
                           minutes, 1 min to 12 h (default: --rules' missedRunToleranceMin, else 10 min)
  --language en|de         the language of notification titles and bodies (default en); field names, codes
                           and every other line stay as they are
  --state-dir DIR          remember reported transitions and unacknowledged failures in DIR
  --rules FILE             notification rules (JSON: the app's settings, or their "notifications" part)
  --notify                 also show desktop notifications (D-Bus, Linux)
  --fingerprint SHA256     trust the server's self-signed certificate with this SHA-256 fingerprint
  --compression on|off     offer permessage-deflate (default off, or the saved server's setting): fewer bytes
                           on a slow link, several times the CPU on a LAN

list:
  --timeout SECONDS        give up on servers not reached by then (default 30): prints the last error, exits 1

sim: runs a simulated TrueNAS server (demo scenario by default) and prints how to connect.
  --port N (default 6000), --host ADDR (default 127.0.0.1), --tls, --scenario demo|failures|restart|faults|stress|FILE,
  --truenas-version core13|24.10|25.04|25.10|26.0|27.0 (default 25.10): which release it behaves like

Exit codes: 0 done, 1 other error, 2 bad arguments, 3 authentication failed, 4 certificate not trusted.`;

export type ParseResult = { ok: true; value: CliCommand } | { ok: false; message: string };

const OPTIONS = {
  url: { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  username: { type: 'string' },
  'api-key-env': { type: 'string' },
  'api-key-file': { type: 'string' },
  'password-env': { type: 'string' },
  'otp-env': { type: 'string' },
  'allow-insecure-password': { type: 'boolean' },
  fingerprint: { type: 'string' },
  compression: { type: 'string' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  rules: { type: 'string' },
  notify: { type: 'boolean' },
  'include-transient': { type: 'boolean' },
  exec: { type: 'string' },
  'exec-timeout': { type: 'string' },
  'missed-run-tolerance': { type: 'string' },
  language: { type: 'string' },
  timeout: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  scenario: { type: 'string' },
  'truenas-version': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Flags people try for secrets, refused with the alternative. */
const SECRET_FLAGS = new Set(['--api-key', '--password', '--key', '--secret', '--token', '--otp']);

/** How long `list` waits for servers it cannot reach (one that keeps failing would otherwise keep it forever). */
export const DEFAULT_LIST_TIMEOUT_SEC = 30;

/** The bounds of notifications.missedRunToleranceMin (core/settings.ts), in ms. */
const TOLERANCE_MIN_MS = 60_000;
const TOLERANCE_MAX_MS = 720 * 60_000;
const DURATION_UNITS: Readonly<Record<string, number>> = { '': 60_000, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** A duration as people write it: "15m", "90s", "2h", "1.5h" or plain minutes ("15"), into ms; null when not one. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,6}(?:\.\d{1,3})?)\s*(s|m|min|h)?$/i.exec(text.trim());
  if (!match) return null;
  const ms = Number(match[1]) * DURATION_UNITS[(match[2] ?? '').toLowerCase()]!;
  return Number.isFinite(ms) ? Math.round(ms) : null;
}

/** A string flag read into its value by `read`, which reports what is wrong with z.addIssue. */
function stringFlag<T>(read: (value: string, ctx: z.core.ParsePayload) => T) {
  return z.pipe(z.string(), z.transform(read));
}

const ToleranceFlag = stringFlag((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    z.addIssue(ctx, 'must be a duration such as 15m, 90s or 2h (plain numbers are minutes)');
    return z.NEVER;
  }
  if (ms < TOLERANCE_MIN_MS || ms > TOLERANCE_MAX_MS) {
    z.addIssue(ctx, 'must be from 1 min to 12 h (720 min)');
    return z.NEVER;
  }
  return ms;
});

const EnvName = z.string().check(z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name'));

const WatchFlags = z
  .object({
    url: z._default(z.array(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(2048))), () => []),
    profile: z._default(z.array(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(64))), () => []),
    username: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(128))),
    'api-key-env': z.optional(EnvName),
    'api-key-file': z.optional(z.string().check(z.minLength(1))),
    'password-env': z.optional(EnvName),
    'otp-env': z.optional(EnvName),
    'allow-insecure-password': z._default(z.boolean(), false),
    fingerprint: z.optional(
      stringFlag((value, ctx) => {
        const normalised = normaliseFingerprint(value);
        if (!normalised) z.addIssue(ctx, 'must be a SHA-256 fingerprint (64 hex digits, colons optional)');
        return normalised ?? value;
      }),
    ),
    compression: z.optional(z.enum(['on', 'off'], { message: 'must be on or off' })),
    json: z._default(z.boolean(), false),
    'state-dir': z.optional(z.string().check(z.minLength(1))),
    rules: z.optional(z.string().check(z.minLength(1))),
    notify: z._default(z.boolean(), false),
    'include-transient': z._default(z.boolean(), false),
    exec: z.optional(
      stringFlag((value, ctx) => {
        const parsed = parseExecCommand(value);
        if (!parsed.ok) {
          z.addIssue(ctx, parsed.message);
          return z.NEVER;
        }
        return parsed.argv;
      }),
    ),
    'exec-timeout': z._default(
      z.coerce
        .number({ message: 'must be a number of seconds' })
        .check(z.positive('must be more than 0 seconds'), z.lte(3600, 'must be at most 3600 seconds (an hour)')),
      DEFAULT_EXEC_TIMEOUT_SEC,
    ),
    'missed-run-tolerance': z.optional(ToleranceFlag),
    language: z.optional(z.enum(UI_LANGUAGES, { message: 'must be en or de' })),
    timeout: z._default(
      z.coerce
        .number({ message: 'must be a number of seconds' })
        .check(z.positive('must be more than 0 seconds'), z.lte(86_400, 'must be at most 86400 seconds (a day)')),
      DEFAULT_LIST_TIMEOUT_SEC,
    ),
  })
  .check(
    z.superRefine((flags, ctx) => {
      const sources = ['api-key-env', 'api-key-file', 'password-env'].filter((k) => flags[k as keyof typeof flags] !== undefined);
      if (sources.length > 1) ctx.addIssue({ code: 'custom', message: `give only one of --${sources.join(', --')}` });
      if (flags.url.length + flags.profile.length === 0) ctx.addIssue({ code: 'custom', message: 'give at least one --url or --profile' });
      if (flags['password-env'] && !flags.username && flags.profile.length === 0) {
        ctx.addIssue({ code: 'custom', message: '--password-env needs --username' });
      }
      if (flags['exec-timeout'] !== DEFAULT_EXEC_TIMEOUT_SEC && !flags.exec)
        ctx.addIssue({ code: 'custom', message: '--exec-timeout needs --exec' });
      if (flags['allow-insecure-password'] && (flags['api-key-env'] || flags['api-key-file'])) {
        ctx.addIssue({
          code: 'custom',
          message: '--allow-insecure-password is for passwords only: TrueNAS revokes an API key sent over ws://',
        });
      }
    }),
  );

const SimFlags = z.object({
  port: z._default(z.coerce.number().check(z.int('must be a whole number'), z.gte(0), z.lte(65535)), 6000),
  host: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  tls: z._default(z.boolean(), false),
  scenario: z.optional(z.string().check(z.minLength(1))),
  'truenas-version': z.optional(z.enum(SIM_VERSIONS)),
});

function issues(error: z.core.$ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `--${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Reads the secret from where the flags say; errors name the source, never the secret. */
export async function readSecret(
  flags: { 'api-key-env'?: string | undefined; 'api-key-file'?: string | undefined; 'password-env'?: string | undefined },
  env: Record<string, string | undefined>,
): Promise<{ ok: true; secret: string | null } | { ok: false; message: string }> {
  const envName = flags['api-key-env'] ?? flags['password-env'];
  if (envName) {
    const value = env[envName]?.trim();
    if (!value) return { ok: false, message: `environment variable ${envName} is not set or empty` };
    return { ok: true, secret: value };
  }
  const file = flags['api-key-file'];
  if (file) {
    try {
      const info = await stat(file);
      // Like ssh with private keys: a key file others can read is refused, not just warned about.
      if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
        return { ok: false, message: `${file} can be read by other users; run: chmod 600 ${file}` };
      }
      const value = (await readFile(file, 'utf8')).trim();
      if (!value) return { ok: false, message: `${file} is empty` };
      return { ok: true, secret: value };
    } catch (err) {
      return { ok: false, message: `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
  }
  return { ok: true, secret: null };
}

export async function parseCommandLine(argv: string[], env: Record<string, string | undefined>): Promise<ParseResult> {
  const refused = argv.find((arg) => SECRET_FLAGS.has(arg.split('=')[0]!));
  if (refused) {
    const flag = refused.split('=')[0];
    return {
      ok: false,
      message: `${flag} is not accepted: a secret on the command line is visible to other users and kept in shell history. Use --api-key-env VAR, --api-key-file FILE or --password-env VAR.`,
    };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.version) return { ok: true, value: { command: 'version' } };
  const [command, ...extra] = positionals;
  if (values.help || command === 'help' || command === undefined) return { ok: true, value: { command: 'help' } };
  if (extra.length > 0) return { ok: false, message: `unexpected argument: ${extra[0]}` };

  const given = (names: string[]) => names.filter((n) => values[n as keyof typeof values] !== undefined);
  if (command === 'sim') {
    const misplaced = given([
      'url',
      'profile',
      'username',
      'api-key-env',
      'api-key-file',
      'password-env',
      'otp-env',
      'allow-insecure-password',
      'fingerprint',
      'compression',
      'json',
      'state-dir',
      'rules',
      'notify',
      'timeout',
      'include-transient',
      'exec',
      'exec-timeout',
      'missed-run-tolerance',
      'language',
    ]);
    if (misplaced.length > 0) return { ok: false, message: `--${misplaced[0]} does not apply to sim` };
    const sim = SimFlags.safeParse(values);
    if (!sim.success) return { ok: false, message: issues(sim.error) };
    return { ok: true, value: { command: 'sim', ...sim.data } };
  }
  if (command !== 'watch' && command !== 'list') return { ok: false, message: `unknown command: ${command}` };
  const misplaced = given([
    'port',
    'host',
    'tls',
    'scenario',
    'truenas-version',
    ...(command === 'list'
      ? ['state-dir', 'rules', 'notify', 'include-transient', 'exec', 'exec-timeout', 'missed-run-tolerance', 'language']
      : ['timeout']),
  ]);
  if (misplaced.length > 0) return { ok: false, message: `--${misplaced[0]} does not apply to ${command}` };
  const flags = WatchFlags.safeParse(values);
  if (!flags.success) return { ok: false, message: issues(flags.error) };
  const secret = await readSecret(flags.data, env);
  if (!secret.ok) return secret;
  const authMethod = flags.data['password-env'] ? 'password' : 'api-key';
  const compression = flags.data.compression === undefined ? undefined : flags.data.compression === 'on';
  const fromProfiles: CliServer[] = [];
  if (flags.data.profile.length > 0) {
    const dir = appDataDir(env);
    const { profiles, problem } = await loadAppProfiles(dir);
    if (problem) return { ok: false, message: `the app's saved servers in ${dir} could not be read: ${problem}` };
    for (const name of flags.data.profile) {
      const profile = findProfile(profiles, name);
      if (!profile) {
        const known = profiles.map((p) => p.name).join(', ');
        return { ok: false, message: `no saved server named "${name}" in ${dir}${known ? ` (saved: ${known})` : ' (none saved)'}` };
      }
      fromProfiles.push({
        url: profile.url,
        name: profile.name,
        username: flags.data.username ?? profile.auth.username,
        authMethod: flags.data['password-env'] ? 'password' : profile.auth.method,
        secret: secret.secret,
        fingerprint256: flags.data.fingerprint ?? profile.fingerprint256,
        allowInsecurePassword: flags.data['allow-insecure-password'] || profile.auth.allowInsecurePassword,
        compression: compression ?? profile.compression,
      });
    }
  }
  const servers: CliServer[] = flags.data.url.map((url) => ({
    url,
    username: flags.data.username ?? null,
    authMethod,
    secret: secret.secret,
    fingerprint256: flags.data.fingerprint ?? null,
    allowInsecurePassword: flags.data['allow-insecure-password'],
    ...(compression !== undefined ? { compression } : {}),
  }));
  return {
    ok: true,
    value: {
      command,
      servers: [...fromProfiles, ...servers],
      json: flags.data.json,
      stateDir: flags.data['state-dir'],
      rulesFile: flags.data.rules,
      notify: flags.data.notify,
      otpEnv: flags.data['otp-env'],
      ...(command === 'list' ? { timeoutSec: flags.data.timeout } : {}),
      ...(command === 'watch' ? { includeTransient: flags.data['include-transient'] } : {}),
      ...(command === 'watch' && flags.data.exec ? { exec: { argv: flags.data.exec, timeoutSec: flags.data['exec-timeout'] } } : {}),
      ...(command === 'watch' && flags.data.language ? { language: flags.data.language } : {}),
      ...(command === 'watch' && flags.data['missed-run-tolerance'] !== undefined
        ? { missedRunToleranceMs: flags.data['missed-run-tolerance'] }
        : {}),
    },
  };
}
