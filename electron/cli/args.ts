/**
 * The `jobwatch` command line: tokenised with node:util's parseArgs, validated with zod into one typed command.
 *
 * Secrets are never accepted as argument values: a command line is visible to every user of the machine (`ps`,
 * /proc/PID/cmdline) and is kept in shell history. Only the *name* of an environment variable or the *path* of a
 * private file is accepted, and values given to those flags are never echoed back in error messages (people paste
 * the key where the variable name should go).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';

export const EXIT_CODES = { ok: 0, other: 1, badArguments: 2, authenticationFailed: 3, certificateNotTrusted: 4 } as const;

export const USAGE = `Usage:
  jobwatch watch (--url URL)… [--profile NAME]… [AUTH] [--fingerprint SHA256] [--json]
                 [--state-dir DIR] [--rules FILE] [--notify]
  jobwatch list  (--url URL)… [--profile NAME]… [AUTH] [--fingerprint SHA256] [--json]
  jobwatch sim   [--port N] [--host ADDR] [--tls] [--scenario NAME|FILE]
  jobwatch help | --help | --version

Commands:
  watch   follow jobs on one or more servers until Ctrl-C; prints connections, transitions, notifications
  list    print the current jobs of each server and exit
  sim     run a simulated TrueNAS server and print its URL and demo credentials

Servers:
  --url URL              nas.local, nas.local:8443, https://…, or an explicit ws(s)://… URL; repeatable
  --profile NAME         a server profile saved by the app (repeatable; replaces --url)
  --fingerprint SHA256   trust a self-signed certificate with this SHA-256 fingerprint (AB:CD:… or hex)

AUTH (at most one secret source; secrets are never accepted as arguments):
  --username USER        the API key's user, or the user to log in as with a password
  --api-key-env VAR      read the API key from environment variable VAR
  --api-key-file FILE    read the API key from FILE (must not be readable by group or others)
  --password-env VAR     read the password from environment variable VAR (needs --username)
  --otp-env VAR          read a one-time code from VAR when the account asks for one

watch only:
  --json                 one JSON object per line (connection, transition, notification, error)
  --state-dir DIR        remember reported jobs and unacknowledged failures across runs
  --rules FILE           notification rules (JSON)
  --notify               also show desktop notifications (D-Bus, Linux)

sim only:
  --port N (default 6000)  --host ADDR (default 127.0.0.1)  --tls  --scenario NAME|FILE (default demo)

Exit codes: 0 ok, 1 other error, 2 bad arguments, 3 authentication failed, 4 certificate not trusted.`;

// ── schemas ──────────────────────────────────────────────────────────────────────────────────────────────────

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * An environment variable's name. The message never repeats the value: when it is not a valid name it is most
 * likely the secret itself.
 */
const EnvNameSchema = (flag: string) =>
  z.string().regex(ENV_NAME, {
    message: `${flag} takes the NAME of an environment variable (letters, digits, _), not the secret itself`,
  });

/** Where a secret comes from; resolved later by secrets.ts, so parsing never touches the environment or disk. */
export const SecretSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('api-key-env'), variable: z.string() }),
  z.object({ kind: z.literal('api-key-file'), path: z.string() }),
  z.object({ kind: z.literal('password-env'), variable: z.string() }),
]);
export type SecretSource = z.infer<typeof SecretSourceSchema>;

/** Separators seen in the wild: `AB:CD:…` (browsers, openssl), plain hex, or hex in pairs with spaces. */
const FINGERPRINT_HEX = /^[0-9A-F]+$/;
const OPENSSL_PREFIX = /^sha-?256\s+fingerprint\s*=\s*/i;

/**
 * Normalises a SHA-256 certificate fingerprint to the upper-case colon form Node reports
 * (`X509Certificate.fingerprint256`), or explains what is wrong with it.
 */
export function normaliseFingerprint256(input: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = input.trim().replace(OPENSSL_PREFIX, '');
  const pairs = trimmed.includes(':') ? trimmed.split(':') : trimmed.includes(' ') ? trimmed.split(/\s+/) : null;
  if (pairs !== null && pairs.some((pair) => pair.length !== 2)) {
    return { ok: false, message: 'a fingerprint is hex digits in pairs: AB:CD:… or ABCD…' };
  }
  const hex = (pairs === null ? trimmed : pairs.join('')).toUpperCase();
  if (!FINGERPRINT_HEX.test(hex) || hex.length % 2 !== 0) {
    return { ok: false, message: 'a fingerprint is hex digits in pairs: AB:CD:… or ABCD…' };
  }
  const bytes = hex.length / 2;
  if (bytes !== 32) {
    const hint = bytes === 20 ? ' (this looks like a SHA-1 fingerprint)' : '';
    return { ok: false, message: `a SHA-256 fingerprint has 32 bytes, this one has ${bytes}${hint}` };
  }
  return { ok: true, value: hex.match(/../g)!.join(':') };
}

const FingerprintSchema = z.string().transform((value, ctx) => {
  const result = normaliseFingerprint256(value);
  if (result.ok) return result.value;
  ctx.addIssue({ code: 'custom', message: result.message });
  return z.NEVER;
});

const ALLOWED_URL_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** Light checks only (the connector resolves hosts and endpoints); mainly: no credentials inside the URL. */
const ServerUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2048, 'is too long')
  .superRefine((value, ctx) => {
    if (value === '' || value.length > 2048) return; // already reported by min/max
    if (/\s/.test(value)) {
      ctx.addIssue({ code: 'custom', message: 'must not contain spaces' });
      return;
    }
    const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value);
    let url: URL;
    try {
      url = new URL(hasScheme ? value : `wss://${value}`);
    } catch {
      ctx.addIssue({ code: 'custom', message: `is not a host name or URL: ${value}` });
      return;
    }
    if (url.username !== '' || url.password !== '') {
      // Not echoed: the part before @ may hold a password.
      ctx.addIssue({
        code: 'custom',
        message: 'must not contain a user name or password (user:pass@…); use --username and --api-key-env / --password-env',
      });
      return;
    }
    if (hasScheme && !ALLOWED_URL_SCHEMES.has(url.protocol)) {
      ctx.addIssue({ code: 'custom', message: `scheme ${url.protocol}// is not supported (use https, wss, http or ws)` });
    }
  });

const ProfileNameSchema = z.string().trim().min(1, 'must not be empty').max(128, 'is too long');

const ServerFlagsShape = {
  urls: z.array(ServerUrlSchema),
  profile: z.array(ProfileNameSchema).min(1).optional(),
  username: z.string().trim().min(1, 'must not be empty').max(128, 'is too long').optional(),
  secret: SecretSourceSchema.optional(),
  fingerprint: FingerprintSchema.optional(),
  otpEnv: EnvNameSchema('--otp-env').optional(),
  json: z.boolean(),
};

type ServerFlags = {
  urls: string[];
  profile?: string[] | undefined;
  secret?: SecretSource | undefined;
  username?: string | undefined;
};

function checkServerFlags(flags: ServerFlags, ctx: z.RefinementCtx): void {
  if (flags.urls.length === 0 && flags.profile === undefined) {
    ctx.addIssue({ code: 'custom', message: 'give at least one --url (or --profile NAME)' });
  }
  if (flags.secret?.kind === 'password-env' && flags.username === undefined) {
    ctx.addIssue({ code: 'custom', message: '--password-env needs --username' });
  }
}

export const WatchCommandSchema = z
  .object({
    command: z.literal('watch'),
    ...ServerFlagsShape,
    stateDir: z.string().min(1, '--state-dir must not be empty').optional(),
    rules: z.string().min(1, '--rules must not be empty').optional(),
    notify: z.boolean(),
  })
  .superRefine(checkServerFlags);

export const ListCommandSchema = z
  .object({ command: z.literal('list'), ...ServerFlagsShape })
  .superRefine(checkServerFlags);

export const SimCommandSchema = z.object({
  command: z.literal('sim'),
  port: z
    .string()
    .regex(/^\d{1,5}$/, '--port must be a whole number from 0 to 65535')
    .transform(Number)
    .pipe(z.number().max(65535, '--port must be a whole number from 0 to 65535'))
    .default(6000),
  host: z.string().trim().min(1, '--host must not be empty').default('127.0.0.1'),
  tls: z.boolean(),
  scenario: z.string().trim().min(1, '--scenario must not be empty').optional(),
});

export const CliCommandSchema = z.discriminatedUnion('command', [
  WatchCommandSchema,
  ListCommandSchema,
  SimCommandSchema,
  z.object({ command: z.literal('help') }),
  z.object({ command: z.literal('version') }),
]);

export type WatchCommand = z.infer<typeof WatchCommandSchema>;
export type ListCommand = z.infer<typeof ListCommandSchema>;
export type SimCommand = z.infer<typeof SimCommandSchema>;
export type CliCommand = z.infer<typeof CliCommandSchema>;

/** On failure the entry prints `message`, then `usage`, to stderr and exits with EXIT_CODES.badArguments. */
export type ParsedArgs = { ok: true; command: CliCommand } | { ok: false; message: string; usage: string };

// ── tokenising ───────────────────────────────────────────────────────────────────────────────────────────────

const OPTIONS = {
  url: { type: 'string', multiple: true },
  profile: { type: 'string', multiple: true },
  username: { type: 'string' },
  'api-key-env': { type: 'string' },
  'api-key-file': { type: 'string' },
  'password-env': { type: 'string' },
  'otp-env': { type: 'string' },
  fingerprint: { type: 'string' },
  json: { type: 'boolean' },
  'state-dir': { type: 'string' },
  rules: { type: 'string' },
  notify: { type: 'boolean' },
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  scenario: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;

const SERVER_OPTIONS: readonly OptionName[] = [
  'url',
  'profile',
  'username',
  'api-key-env',
  'api-key-file',
  'password-env',
  'otp-env',
  'fingerprint',
  'json',
];
const OPTIONS_BY_COMMAND: Record<'watch' | 'list' | 'sim', ReadonlySet<OptionName>> = {
  watch: new Set<OptionName>([...SERVER_OPTIONS, 'state-dir', 'rules', 'notify', 'help']),
  list: new Set<OptionName>([...SERVER_OPTIONS, 'help']),
  sim: new Set<OptionName>(['port', 'host', 'tls', 'scenario', 'help']),
};

/** Flags people reach for to pass a secret directly; refused with the reason and the alternative. */
const PLAIN_SECRET_FLAGS = new Map<string, string>([
  ['api-key', 'an API key'],
  ['apikey', 'an API key'],
  ['key', 'an API key'],
  ['token', 'an API key'],
  ['secret', 'a secret'],
  ['password', 'a password'],
  ['pass', 'a password'],
  ['passwd', 'a password'],
  ['otp', 'a one-time code'],
]);

function plainSecretMessage(flag: string, what: string): string {
  const instead =
    what === 'a password'
      ? '--password-env VAR (with --username)'
      : what === 'a one-time code'
        ? '--otp-env VAR'
        : '--api-key-env VAR or --api-key-file FILE';
  return (
    `--${flag} is not accepted: ${what} on the command line can be read by other users of this machine ` +
    `(ps, /proc) and stays in your shell history. Use ${instead} instead.`
  );
}

const SECRET_SOURCE_FLAGS = ['api-key-env', 'api-key-file', 'password-env'] as const;

function isCommandName(value: string): value is 'watch' | 'list' | 'sim' {
  return value === 'watch' || value === 'list' || value === 'sim';
}

function fail(message: string): ParsedArgs {
  return { ok: false, message, usage: USAGE };
}

function describeIssues(error: z.ZodError): string {
  const FIELD_FLAGS: Record<string, string> = { urls: '--url', profile: '--profile', username: '--username', fingerprint: '--fingerprint' };
  return error.issues
    .map((issue) => {
      const field = issue.path[0];
      const flag = typeof field === 'string' ? FIELD_FLAGS[field] : undefined;
      return flag !== undefined && !issue.message.startsWith('--') ? `${flag}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Parses `process.argv.slice(2)`. Pure: reads neither the environment nor files. */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  // First pass, lenient, only to see every option name as typed, including ones parseArgs would reject with a
  // message that might quote the value (`--api-key=…`).
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.filter((token) => token.kind === 'positional').map((token) => token.value);
  const command = positionals[0];

  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const what = PLAIN_SECRET_FLAGS.get(token.name);
    if (what !== undefined) return fail(plainSecretMessage(token.name, what));
  }
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    if (!(token.name in OPTIONS)) return fail(`unknown option ${token.rawName}`);
    const name = token.name as OptionName;
    if (name === 'help' || name === 'version') continue;
    if (command !== undefined && isCommandName(command) && !OPTIONS_BY_COMMAND[command].has(name)) {
      return fail(`--${name} does not apply to ${command}`);
    }
  }

  let values: ReturnType<typeof parseStrict>['values'];
  try {
    values = parseStrict(argv).values;
  } catch (err) {
    // Node's messages quote only option names, never values; keep their first line.
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    return fail(message.replace(/ <value>/, ''));
  }

  if (values.version === true) return { ok: true, command: { command: 'version' } };
  if (values.help === true || command === 'help') return { ok: true, command: { command: 'help' } };
  if (command === undefined) return fail('give a command: watch, list or sim');
  if (!isCommandName(command)) return fail(`unknown command: ${command}`);
  if (positionals.length > 1) return fail(`unexpected argument after ${command}: ${positionals[1]}`);

  let candidate: unknown;
  if (command === 'sim') {
    candidate = { command, port: values.port, host: values.host, tls: values.tls ?? false, scenario: values.scenario };
  } else {
    const sources = SECRET_SOURCE_FLAGS.filter((flag) => values[flag] !== undefined);
    if (sources.length > 1) return fail(`give only one secret source, not --${sources.join(' and --')}`);
    for (const flag of ['api-key-env', 'password-env'] as const) {
      const variable = values[flag];
      if (variable !== undefined && !ENV_NAME.test(variable)) {
        return fail(`${`--${flag}`} takes the NAME of an environment variable (letters, digits, _), not the secret itself`);
      }
    }
    const apiKeyFile = values['api-key-file'];
    if (apiKeyFile !== undefined && apiKeyFile.trim() === '') return fail('--api-key-file must not be empty');
    const secret: SecretSource | undefined =
      values['api-key-env'] !== undefined
        ? { kind: 'api-key-env', variable: values['api-key-env'] }
        : apiKeyFile !== undefined
          ? { kind: 'api-key-file', path: apiKeyFile }
          : values['password-env'] !== undefined
            ? { kind: 'password-env', variable: values['password-env'] }
            : undefined;
    candidate = {
      command,
      urls: values.url ?? [],
      profile: values.profile,
      username: values.username,
      secret,
      fingerprint: values.fingerprint,
      otpEnv: values['otp-env'],
      json: values.json ?? false,
      ...(command === 'watch'
        ? { stateDir: values['state-dir'], rules: values.rules, notify: values.notify ?? false }
        : {}),
    };
  }

  const parsed = CliCommandSchema.safeParse(candidate);
  if (!parsed.success) return fail(describeIssues(parsed.error));
  return { ok: true, command: withoutUndefined(parsed.data) };
}

function parseStrict(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** Drops keys whose value is undefined, so results compare and print cleanly. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
