/**
 * What the signed-in account may see on a server, and whether the server is an HA standby, read once after each
 * login. Both are best effort: a call that fails (an old server without the method, a role that does not allow it)
 * leaves the answer unknown and never stops the session.
 *
 * Job visibility (`job.py` `credential_access_error`, `utils/privilege.py` `credential_is_limited_to_own_jobs`,
 * `service/core_service.py` `get_jobs` → `jobs.for_credential`, at TS-24.10.2.4, TS-25.10.6 and the 27 head):
 * - FULL_ADMIN (and, up to 24.10, an API key not tied to a user) sees every job.
 * - Any other account sees only jobs started under its own user name, plus `cloudsync.sync` (CLOUD_SYNC_READ) and
 *   `replication.run` (REPLICATION_TASK_READ) through `@job(read_roles=…)`; READONLY_ADMIN includes every *_READ
 *   role. Events and `core.get_jobs` apply the same check.
 * - From 25.10 a logout, and so a closed connection, clears that connection's credentials (`plugins/auth.py`
 *   `logout`, commit a744267c26): a job it started becomes "internally ran" and disappears for such an account —
 *   no more events, not listed, not found by id. Its outcome cannot be learnt with this account.
 */
import * as z from './zod';
import type { RpcConnection } from './protocol/connection';
import { JobwatchError, RpcError } from './errors';
import type { ServerAccessView } from './view';
import { english, listIn, type Translator } from './i18n/i18n';

/** Why the account sees what it sees: the summary is worded from this (and the roles) in the reader's language. */
export type AccessBasis = 'full-admin' | 'core-root' | 'unbound-api-key' | 'restricted';

export interface ServerAccess {
  /** Sees every job on the server. */
  fullAdmin: boolean;
  /** The account's roles as the server expanded them (at most MAX_ROLES, sorted). */
  roles: string[];
  basis: AccessBasis;
  /** One or two sentences for people: what this account can and cannot see (in English; see accessSummary). */
  summary: string;
}

const MAX_ROLES = 64;
const MAX_ROLE_LENGTH = 64;
const CALL_TIMEOUT_MS = 10_000;

/** `privilege.roles` is a Python set, sent as {"$set": [...]}; accept a plain list too. */
const rolesSchema = z.union([
  z.pipe(
    z.object({ $set: z.array(z.unknown()) }),
    z.transform((s) => s.$set),
  ),
  z.array(z.unknown()),
]);
const meSchema = z.object({
  pw_name: z.optional(z.string().check(z.maxLength(256))),
  privilege: z.nullish(z.looseObject({ roles: z.optional(rolesSchema) })),
});

const READ_ROLE_JOBS: readonly { role: string; what: 'cloudSync' | 'replication' }[] = [
  { role: 'CLOUD_SYNC_READ', what: 'cloudSync' },
  { role: 'REPLICATION_TASK_READ', what: 'replication' },
];

export const FULL_ACCESS_SUMMARY = english('access.fullAdmin');

/** The method does not exist on this server (JSON-RPC −32601, ENOMETHOD 201 on legacy, "… not found"). */
export function isMethodMissing(err: unknown): boolean {
  if (!(err instanceof RpcError)) return false;
  if (err.rpcCode === -32601) return true;
  if (err.errno === 201 || err.errname === 'ENOMETHOD') return true;
  return err.rpcCode === null && /not found/i.test(err.reason ?? err.message);
}

function cleanRoles(raw: unknown[]): string[] {
  const roles = new Set<string>();
  for (const role of raw) {
    if (typeof role !== 'string' || role.length === 0 || role.length > MAX_ROLE_LENGTH) continue;
    if (!/^[A-Z0-9_]+$/.test(role)) continue;
    roles.add(role);
    if (roles.size >= MAX_ROLES) break;
  }
  return [...roles].sort();
}

/** What a restricted account sees, in words (`t`'s language), from its roles. */
export function restrictedSummary(roles: readonly string[], t: Translator = english): string {
  const readable = READ_ROLE_JOBS.filter((r) => roles.includes(r.role) || roles.includes('READONLY_ADMIN')).map((r) =>
    t(`access.readableJobs.${r.what}`),
  );
  const named = roles.includes('READONLY_ADMIN')
    ? 'READONLY_ADMIN'
    : roles.length > 0
      ? roles.slice(0, 3).join(', ') + (roles.length > 3 ? '…' : '')
      : t('access.noRoles');
  const sees = readable.length > 0 ? t('access.seesOwnAnd', { kinds: listIn(readable, t) }) : t('access.seesOwnOnly');
  return t('access.restricted', { roles: named, sees });
}

/** The summary of an account's access in `t`'s language (English: exactly `ServerAccess.summary`). */
export function accessSummary(access: Pick<ServerAccess, 'basis' | 'roles'>, t: Translator = english): string {
  switch (access.basis) {
    case 'full-admin':
      return t('access.fullAdmin');
    case 'core-root':
      return t('access.coreRoot');
    case 'unbound-api-key':
      return t('access.unboundApiKey');
    case 'restricted':
      return restrictedSummary(access.roles, t);
  }
}

/**
 * The access as the window gets it (view.ts), its summary in `t`'s language. Without a basis (a view made
 * elsewhere) the summary stays as it came.
 */
export function accessViewIn(access: ServerAccessView & { basis?: AccessBasis }, t: Translator = english): ServerAccessView {
  const { fullAdmin, roles, lostJobs, lostNotice } = access;
  const summary = access.basis === undefined ? access.summary : accessSummary({ basis: access.basis, roles }, t);
  return { fullAdmin, roles, summary, lostJobs, lostNotice };
}

function accessFromRoles(roles: string[]): ServerAccess {
  if (roles.includes('FULL_ADMIN')) return { fullAdmin: true, roles, basis: 'full-admin', summary: FULL_ACCESS_SUMMARY };
  return { fullAdmin: false, roles, basis: 'restricted', summary: restrictedSummary(roles) };
}

/**
 * Reads the account's roles with `auth.me` (`plugins/auth.py` `me`: the user object plus `privilege.roles`).
 * CORE 13 has no `auth.me`, and only root signs in there: full access. Up to 24.10, an API key is not a user session
 * (`auth.me` answers "You are logged in using API_KEY") and is not limited to its own jobs. Null when unknown.
 */
export async function readServerAccess(connection: RpcConnection): Promise<ServerAccess | null> {
  let reply: unknown;
  try {
    reply = await connection.call('auth.me', [], { timeoutMs: CALL_TIMEOUT_MS });
  } catch (err) {
    if (isMethodMissing(err)) return { fullAdmin: true, roles: [], basis: 'core-root', summary: english('access.coreRoot') };
    if (err instanceof RpcError && /logged in using API_KEY/i.test(err.reason ?? err.message))
      return { fullAdmin: true, roles: [], basis: 'unbound-api-key', summary: english('access.unboundApiKey') };
    if (err instanceof JobwatchError && (err.code === 'CONNECTION_CLOSED' || err.code === 'TIMEOUT')) throw err;
    return null;
  }
  const parsed = meSchema.safeParse(reply);
  if (!parsed.success) return null;
  return accessFromRoles(cleanRoles(parsed.data.privilege?.roles ?? []));
}

export const STANDBY_MESSAGE =
  'This is the standby controller of an HA pair; connect to the virtual IP or the active controller. A standby runs ' +
  'no tasks, so there is nothing to watch here.';

/**
 * Throws AUTH_REDIRECT (final: the person must change the address) when `failover.status` says BACKUP. A standby
 * answers REDIRECT at login only while it reaches its active peer (`plugins/auth.py` login_ex); otherwise the login
 * succeeds and only this tells. Any failure — no such method (CORE 13), no FAILOVER_READ role, a timeout — means
 * "not known to be a standby" and is ignored. A non-HA system answers SINGLE.
 */
export async function rejectStandby(connection: RpcConnection): Promise<void> {
  let status: unknown;
  try {
    status = await connection.call('failover.status', [], { timeoutMs: CALL_TIMEOUT_MS });
  } catch (err) {
    if (err instanceof JobwatchError && err.code === 'CONNECTION_CLOSED') throw err;
    return;
  }
  if (status === 'BACKUP') throw new JobwatchError('AUTH_REDIRECT', STANDBY_MESSAGE, { failoverStatus: 'BACKUP' });
}
