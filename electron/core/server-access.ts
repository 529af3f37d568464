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
import { z } from 'zod';
import type { RpcConnection } from './protocol/connection';
import { JobwatchError, RpcError } from './errors';

export interface ServerAccess {
  /** Sees every job on the server. */
  fullAdmin: boolean;
  /** The account's roles as the server expanded them (at most MAX_ROLES, sorted). */
  roles: string[];
  /** One or two sentences for people: what this account can and cannot see. */
  summary: string;
}

const MAX_ROLES = 64;
const MAX_ROLE_LENGTH = 64;
const CALL_TIMEOUT_MS = 10_000;

/** `privilege.roles` is a Python set, sent as {"$set": [...]}; accept a plain list too. */
const rolesSchema = z.union([z.object({ $set: z.array(z.unknown()) }).transform((s) => s.$set), z.array(z.unknown())]);
const meSchema = z.object({
  pw_name: z.string().max(256).optional(),
  privilege: z.object({ roles: rolesSchema.optional() }).passthrough().nullish(),
});

const READ_ROLE_JOBS: readonly { role: string; what: string }[] = [
  { role: 'CLOUD_SYNC_READ', what: 'cloud sync' },
  { role: 'REPLICATION_TASK_READ', what: 'replication' },
];

export const FULL_ACCESS_SUMMARY = 'Full administrator: sees every job on this server.';

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

/** What a restricted account sees, in words, from its roles. */
export function restrictedSummary(roles: readonly string[]): string {
  const readable = READ_ROLE_JOBS.filter((r) => roles.includes(r.role) || roles.includes('READONLY_ADMIN')).map((r) => r.what);
  const named = roles.includes('READONLY_ADMIN')
    ? 'READONLY_ADMIN'
    : roles.length > 0
      ? roles.slice(0, 3).join(', ') + (roles.length > 3 ? '…' : '')
      : 'no roles';
  const sees = readable.length > 0 ? `jobs it started itself, and every ${readable.join(' and ')} job` : 'only jobs it started itself';
  return (
    `Restricted account (${named}): sees ${sees}; other jobs (scrubs, snapshots, jobs the system runs) are hidden. ` +
    'From TrueNAS 25.10, a job started from another connection of this account disappears once that connection ' +
    'closes, and how it ended cannot be seen here. Use an account with FULL_ADMIN to see every job.'
  );
}

function accessFromRoles(roles: string[]): ServerAccess {
  if (roles.includes('FULL_ADMIN')) return { fullAdmin: true, roles, summary: FULL_ACCESS_SUMMARY };
  return { fullAdmin: false, roles, summary: restrictedSummary(roles) };
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
    if (isMethodMissing(err))
      return { fullAdmin: true, roles: [], summary: 'Signed in as root (TrueNAS CORE): sees every job on this server.' };
    if (err instanceof RpcError && /logged in using API_KEY/i.test(err.reason ?? err.message)) {
      return {
        fullAdmin: true,
        roles: [],
        summary: 'API key not tied to a user (TrueNAS 24.10 and older): sees every job on this server.',
      };
    }
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
