/**
 * Saved servers. A profile holds everything needed to connect except the secret, which lives in the
 * SecretStore under the profile's id: profiles can be written as plain JSON, shown, exported and logged.
 */
import * as z from './zod';
import type { Clock, Logger, SecretStore, StoragePort } from './ports';
import type { ServerPrefs } from './classification';
import { MethodRulesSchema, type MethodRule } from './settings';
import type { StoreProblem } from './store';
import { VersionedStore } from './store';
import type { ErrorCode } from './errors';

const URL_PROTOCOLS = new Set(['ws:', 'wss:', 'http:', 'https:']);

function isServerUrl(text: string): boolean {
  try {
    const url = new URL(text);
    // Credentials in the URL would end up in a plain file and in logs.
    return URL_PROTOCOLS.has(url.protocol) && url.hostname.length > 0 && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** "ab:cd…", "ABCD…" or "AB CD …" → "AB:CD:…" (the form Node reports), else unchanged (and rejected). */
function normaliseFingerprint(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const hex = value.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return value;
  return hex.match(/../g)?.join(':') ?? value;
}

export const ProfileIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only'));

export const ProfileSchema = z.object({
  id: ProfileIdSchema,
  /** Shown everywhere ("… on nas1"); unique, ignoring case. */
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)),
  /** ws(s):// endpoint or http(s):// address of the server; never with credentials. */
  url: z
    .string()
    .check(z.trim(), z.maxLength(2048), z.refine(isServerUrl, 'a ws://, wss://, http:// or https:// address without credentials')),
  auth: z.object({
    method: z.enum(['api-key', 'password']),
    /** Needed for passwords; optional for API keys (TrueNAS 25.04+ can log in with the key alone). */
    username: z._default(z.nullable(z.string().check(z.trim(), z.maxLength(128))), null),
    /**
     * The person allowed this server's password over plain ws:// to a non-loopback host (anyone on the network can
     * read it). Files from before this setting load as false.
     */
    allowInsecurePassword: z._default(z.boolean(), false),
  }),
  /** The pinned leaf certificate's SHA-256 fingerprint the user confirmed, "AB:CD:…"; null to trust system CAs. */
  fingerprint256: z._default(
    z.nullable(
      z.pipe(z.transform(normaliseFingerprint), z.string().check(z.regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint'))),
    ),
    null,
  ),
  /** Muted servers raise no notifications (failures still reach the inbox). */
  muted: z._default(z.boolean(), false),
  /** With `muted`: when the mute ends (desktop ms), or null for "until unmuted". */
  mutedUntil: z._default(z.nullable(z.number()), null),
  /** This server's rules, checked before the global ones; first match wins. */
  methodRules: z._default(MethodRulesSchema, () => []),
  /**
   * Offer permessage-deflate to this server: for a slow link (VPN, mobile), where fewer bytes matter more than CPU.
   * Files from before this setting load as false, the default.
   */
  compression: z._default(z.boolean(), false),
});
export type Profile = z.infer<typeof ProfileSchema>;
/** What callers pass to `save`: defaults may be left out. */
export type ProfileInput = z.input<typeof ProfileSchema>;

export const ProfilesDataSchema = z.object({ profiles: z._default(z.array(ProfileSchema), () => []) });
export type ProfilesData = z.infer<typeof ProfilesDataSchema>;

export const PROFILES_VERSION = 1;
export const PROFILES_FILE = 'profiles.json';

export function createProfilesStore(storage: StoragePort, options: { clock?: Clock; logger?: Logger } = {}): VersionedStore<ProfilesData> {
  return new VersionedStore<ProfilesData>({
    storage,
    name: PROFILES_FILE,
    schema: ProfilesDataSchema,
    version: PROFILES_VERSION,
    migrations: {},
    defaults: () => ({ profiles: [] }),
    ...options,
  });
}

/** What the notification planner needs of a profile (`planner.setServer(profile.id, profileServerPrefs(profile))`). */
export function profileServerPrefs(profile: Profile): ServerPrefs {
  return { name: profile.name, muted: profile.muted, mutedUntil: profile.mutedUntil, methodRules: profile.methodRules };
}

export type ProfileErrorCode = Extract<ErrorCode, 'INVALID_PROFILE' | 'DUPLICATE_NAME' | 'SECRETS_UNAVAILABLE'>;

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    /** Field paths and messages, for forms. */
    readonly issues: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export class ProfilesRepository {
  private profiles: Profile[] | null = null;
  private loadProblem: StoreProblem | null = null;
  private loading: Promise<Profile[]> | null = null;
  /** Serialises mutations so two saves never read the same list and lose one another's change. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: VersionedStore<ProfilesData>,
    private readonly secrets: SecretStore,
  ) {}

  /** The problem found when loading (already recovered from), or null. Loads on first use. */
  async problem(): Promise<StoreProblem | null> {
    await this.ensureLoaded();
    return this.loadProblem;
  }

  async list(): Promise<Profile[]> {
    return structuredClone(await this.ensureLoaded());
  }

  async get(id: string): Promise<Profile | null> {
    const found = (await this.ensureLoaded()).find((p) => p.id === id);
    return found ? structuredClone(found) : null;
  }

  /** Names are matched ignoring case and surrounding spaces, as uniqueness is. */
  async getByName(name: string): Promise<Profile | null> {
    const wanted = nameKey(name);
    const found = (await this.ensureLoaded()).find((p) => nameKey(p.name) === wanted);
    return found ? structuredClone(found) : null;
  }

  /**
   * Validates, checks the name is unique, then adds or replaces (by id) and persists. `secret`: a string sets it,
   * null deletes it, undefined leaves it as it is. The secret is stored first: a profile is never saved pointing
   * at a secret that failed to save.
   */
  save(input: ProfileInput, secret?: string | null): Promise<Profile> {
    return this.serialised(async () => {
      const parsed = ProfileSchema.safeParse(input);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        throw new ProfileError(
          'INVALID_PROFILE',
          `The server settings are not valid: ${issues.map((i) => `${i.path || 'profile'}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      const profile = parsed.data;
      const current = await this.ensureLoaded();
      const clash = current.find((p) => p.id !== profile.id && nameKey(p.name) === nameKey(profile.name));
      if (clash) {
        throw new ProfileError('DUPLICATE_NAME', `A server named “${clash.name}” already exists; choose another name.`, [
          { path: 'name', message: 'already used' },
        ]);
      }
      if (typeof secret === 'string') {
        if (!this.secrets.available()) {
          throw new ProfileError('SECRETS_UNAVAILABLE', this.secrets.problem() ?? 'Secrets cannot be stored on this system.');
        }
        await this.secrets.set(profile.id, secret);
      } else if (secret === null) {
        await this.secrets.delete(profile.id);
      }
      const next = current.some((p) => p.id === profile.id)
        ? current.map((p) => (p.id === profile.id ? profile : p))
        : [...current, profile];
      await this.store.save({ profiles: next });
      this.profiles = next;
      return structuredClone(profile);
    });
  }

  /**
   * Replaces one profile's method rules (validated as the file is), serialised with every other save so a save of
   * the server's other details never brings back the old rules. Null when there is no such profile.
   */
  setMethodRules(id: string, rules: readonly MethodRule[]): Promise<Profile | null> {
    return this.serialised(async () => {
      const parsed = MethodRulesSchema.safeParse(rules);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: ['methodRules', ...i.path].join('.'), message: i.message }));
        throw new ProfileError(
          'INVALID_PROFILE',
          `The rules are not valid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
          issues,
        );
      }
      const current = await this.ensureLoaded();
      const found = current.find((p) => p.id === id);
      if (!found) return null;
      const profile: Profile = { ...found, methodRules: parsed.data };
      const next = current.map((p) => (p.id === id ? profile : p));
      await this.store.save({ profiles: next });
      this.profiles = next;
      return structuredClone(profile);
    });
  }

  /** Removes the profile and its secret; false when there was no such profile (its secret is deleted anyway). */
  remove(id: string): Promise<boolean> {
    return this.serialised(async () => {
      const current = await this.ensureLoaded();
      const next = current.filter((p) => p.id !== id);
      const existed = next.length !== current.length;
      if (existed) {
        await this.store.save({ profiles: next });
        this.profiles = next;
      }
      await this.secrets.delete(id);
      return existed;
    });
  }

  private serialised<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureLoaded(): Promise<Profile[]> {
    if (this.profiles) return this.profiles;
    this.loading ??= this.store.load().then(({ value, problem }) => {
      this.loadProblem = problem;
      this.profiles = dedupe(value.profiles);
      return this.profiles;
    });
    return this.loading;
  }
}

function nameKey(name: string): string {
  return name.trim().toLocaleLowerCase();
}

/** A hand-edited file may repeat an id or a name: keep the first, so lookups stay unambiguous. */
function dedupe(profiles: Profile[]): Profile[] {
  const ids = new Set<string>();
  const names = new Set<string>();
  return profiles.filter((p) => {
    if (ids.has(p.id) || names.has(nameKey(p.name))) return false;
    ids.add(p.id);
    names.add(nameKey(p.name));
    return true;
  });
}
