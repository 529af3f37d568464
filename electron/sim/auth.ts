/** Accounts, API keys and login outcomes (docs/protocol.md §1.4, §3). */
import type { SimCredentials, SimUser, SimVersion } from './types';
import { traits } from './versions';

/** Fake demo credentials (not secrets): the default FULL_ADMIN account of every simulator. */
export const DEMO_USER = 'demo';
export const DEMO_PASSWORD = 'demo-password';
export const DEMO_API_KEY = '1-' + 'jobwatchDemoKeyNotASecret'.padEnd(64, '0');

export const DEFAULT_USERS: SimUser[] = [{ username: DEMO_USER, password: DEMO_PASSWORD, apiKeys: [DEMO_API_KEY], fullAdmin: true }];

export type LoginResult =
  | { response_type: 'SUCCESS'; user: SimUser; credType: string; apiKey?: { id: number; name: string } }
  | { response_type: 'AUTH_ERR' }
  | { response_type: 'EXPIRED' }
  | { response_type: 'DENIED' }
  | { response_type: 'OTP_REQUIRED'; username: string }
  | { response_type: 'REDIRECT'; urls: string[] };

export class Accounts {
  readonly users: SimUser[];
  private readonly revoked = new Set<string>();
  /** Keys removed from the server for now (deleted, or their account's directory service is down). */
  private readonly deleted = new Set<string>();
  /** Accounts that cannot sign in for now (disabled, or their directory service is down). */
  private readonly disabled = new Set<string>();
  /** Every API-key and password sign-in attempt, answered or not: lets tests prove a client did not resend. */
  loginAttempts = 0;

  constructor(
    users: SimUser[] | undefined,
    private readonly version: SimVersion,
  ) {
    this.users = (users ?? DEFAULT_USERS).map((u) => ({ ...u }));
  }

  credentials(): SimCredentials {
    const demo = this.users.find((u) => u.fullAdmin && u.password && u.apiKeys?.length) ?? this.users[0];
    return { username: demo?.username ?? '', password: demo?.password ?? '', apiKey: demo?.apiKeys?.[0] ?? '' };
  }

  find(username: string): SimUser | undefined {
    return this.users.find((u) => u.username === username);
  }

  ownerOfKey(key: string): SimUser | undefined {
    return this.users.find((u) => u.apiKeys?.includes(key));
  }

  isRevoked(key: string): boolean {
    return this.revoked.has(key);
  }

  /** Revokes one key, or every key of a user. */
  revoke(keyOrUser: string): void {
    const user = this.find(keyOrUser);
    if (user) for (const k of user.apiKeys ?? []) this.revoked.add(k);
    else this.revoked.add(keyOrUser);
  }

  /** Deletes one key, or every key of a user: logins with it answer AUTH_ERR (as for a key that never existed). */
  delete(keyOrUser: string): void {
    for (const k of this.keysOf(keyOrUser)) this.deleted.add(k);
  }

  /** Brings deleted or revoked keys back as they were, as restoring a configuration backup would. */
  restore(keyOrUser: string): void {
    for (const k of this.keysOf(keyOrUser)) {
      this.deleted.delete(k);
      this.revoked.delete(k);
    }
  }

  /** A disabled account (or one whose directory service is down) fails every sign-in with AUTH_ERR. */
  setDisabled(username: string, disabled: boolean): void {
    if (disabled) this.disabled.add(username);
    else this.disabled.delete(username);
  }

  private keysOf(keyOrUser: string): string[] {
    const user = this.find(keyOrUser);
    return user ? [...(user.apiKeys ?? [])] : [keyOrUser];
  }

  private finalize(user: SimUser, credType: string, apiKey?: { id: number; name: string }): LoginResult {
    if (user.haStandby) return { response_type: 'REDIRECT', urls: user.redirectUrls ?? ['wss://192.0.2.10/api/current'] };
    if (user.expired) return { response_type: 'EXPIRED' };
    if (user.noApiAccess) return traits(this.version).deniedResult ? { response_type: 'DENIED' } : { response_type: 'AUTH_ERR' };
    return { response_type: 'SUCCESS', user, credType, ...(apiKey ? { apiKey } : {}) };
  }

  /**
   * API_KEY_PLAIN. `secure` false on 25.04+ revokes a valid key and answers EXPIRED (§1.4). A key that is already
   * revoked answers EXPIRED before 26 and AUTH_ERR ("API key is revoked") from 26: `plugins/auth_/login_ex_impl.py`
   * `login_ex_api_key_plain` maps an expired key to PAM_CRED_EXPIRED but a revoked one to PAM_AUTH_ERR.
   */
  apiKey(username: string | null, key: string, secure: boolean): LoginResult {
    this.loginAttempts += 1;
    const user = username === null ? this.ownerOfKey(key) : this.find(username);
    if (!user || !user.apiKeys?.includes(key) || this.deleted.has(key) || this.disabled.has(user.username))
      return { response_type: 'AUTH_ERR' };
    if (this.revoked.has(key)) return { response_type: traits(this.version).revokedKeyAnswer };
    if (!secure && traits(this.version).revokesInsecureKey) {
      this.revoked.add(key);
      return { response_type: 'EXPIRED' };
    }
    const id = Number.parseInt(key.split('-')[0] ?? '0', 10) || 0;
    return this.finalize(user, 'API_KEY', { id, name: `${user.username}-key-${id}` });
  }

  password(username: string, password: string): LoginResult {
    this.loginAttempts += 1;
    const user = this.find(username);
    if (!user || user.password === undefined || user.password !== password || this.disabled.has(username))
      return { response_type: 'AUTH_ERR' };
    if (user.otp !== undefined) return { response_type: 'OTP_REQUIRED', username };
    return this.finalize(user, 'LOGIN_PASSWORD');
  }

  otp(username: string, code: string): LoginResult {
    const user = this.find(username);
    if (!user || user.otp === undefined || user.otp !== code) return { response_type: 'AUTH_ERR' };
    return this.finalize(user, 'LOGIN_TWOFACTOR');
  }

  /**
   * `auth.me` output (§3.1); roles are a Python set on the wire. `privilege.roles` is the expanded set
   * (`plugins/account_/privilege.py` `compose_privilege` with `role.py` `roles_for_role`): READONLY_ADMIN itself plus
   * every *_READ role, a *_WRITE role also its *_READ role. FULL_ADMIN stays FULL_ADMIN alone, as root's
   * `full_privilege` has it (a privilege with FULL_ADMIN would list every role besides).
   */
  me(user: SimUser, uid: number): Record<string, unknown> {
    const roles = expandRoles(user.fullAdmin ? ['FULL_ADMIN', ...(user.roles ?? [])] : (user.roles ?? []));
    return {
      pw_name: user.username,
      pw_gecos: user.username,
      pw_dir: `/home/${user.username}`,
      pw_shell: '/usr/bin/zsh',
      pw_uid: uid,
      pw_gid: uid,
      grouplist: [uid],
      sid: null,
      source: 'LOCAL',
      local: true,
      attributes: {},
      two_factor_config: { secret_configured: user.otp !== undefined },
      privilege: { roles: { $set: roles }, allowlist: [], web_shell: user.fullAdmin ?? false, webui_access: true },
      account_attributes: ['LOCAL'],
    };
  }
}

const READ_ROLES: Record<string, string> = { 'cloudsync.sync': 'CLOUD_SYNC_READ', 'replication.run': 'REPLICATION_TASK_READ' };

/** A representative part of `role.py`'s *_READ roles (READONLY_ADMIN includes every one of them). */
const ALL_READ_ROLES = [
  'ACCOUNT_READ',
  'ALERT_LIST_READ',
  'ALERT_READ',
  'API_KEY_READ',
  'APPS_READ',
  'CLOUD_BACKUP_READ',
  'CLOUD_SYNC_READ',
  'DATASET_READ',
  'DISK_READ',
  'FAILOVER_READ',
  'FILESYSTEM_ATTRS_READ',
  'FILESYSTEM_DATA_READ',
  'NETWORK_GENERAL_READ',
  'POOL_READ',
  'POOL_SCRUB_READ',
  'REPLICATION_TASK_READ',
  'REPORTING_READ',
  'SERVICE_READ',
  'SHARING_READ',
  'SNAPSHOT_READ',
  'SNAPSHOT_TASK_READ',
  'SYSTEM_GENERAL_READ',
  'VM_READ',
];

/** Whether the user's expanded roles include `role` (what a method's `roles=[…]` check asks). */
export function hasRole(user: SimUser, role: string): boolean {
  return expandRoles(user.fullAdmin ? ['FULL_ADMIN', ...(user.roles ?? [])] : (user.roles ?? [])).includes(role);
}

function expandRoles(granted: readonly string[]): string[] {
  const out = new Set<string>();
  for (const role of granted) {
    out.add(role);
    if (role === 'READONLY_ADMIN') for (const r of ALL_READ_ROLES) out.add(r);
    else if (role.endsWith('_WRITE')) out.add(role.replace(/_WRITE$/, '_READ'));
  }
  return [...out];
}

/** Whether a session of `user` may see a job of `method` started by `ownerName` (§3.3). */
export function canSee(user: SimUser, legacyAllSeeing: boolean, method: string, ownerName: string | null): boolean {
  if (user.fullAdmin || legacyAllSeeing) return true;
  if (ownerName !== null && ownerName === user.username) return true;
  const need = READ_ROLES[method];
  if (!need) return false;
  const roles = user.roles ?? [];
  return roles.includes(need) || roles.includes('READONLY_ADMIN');
}
