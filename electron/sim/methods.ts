/**
 * The method table: every middleware method the simulator serves, with whether it needs a session and whether an
 * unauthenticated call counts against the rate limit. What differs between versions comes from traits(version).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { hasRole, type Accounts, type LoginResult } from './auth';
import type { Conn } from './connection';
import { invalidParams, jobNotFound, notAuthenticated, SimCallError } from './errors';
import type { Download } from './http-routes';
import type { JobStore, SimJob } from './jobs';
import { applyQuery, parseQueryParams } from './query';
import type { SimTasks } from './tasks';
import type { SimUser, SimVersion, SimulatorOptions } from './types';
import { traits } from './versions';
import { jobVisible } from './visibility';

export type Handler = (conn: Conn, params: unknown[], requestId: unknown) => unknown;

export interface MethodDef {
  /** Requires an authenticated session. */
  auth: boolean;
  /** Counts against the unauthenticated rate limit when called unauthenticated. */
  rateLimited: boolean;
  run: Handler;
}

/** What the methods read and change: the server's jobs, accounts, tasks and log downloads. */
export interface MethodHost {
  readonly version: SimVersion;
  readonly opts: SimulatorOptions;
  readonly store: JobStore;
  readonly accounts: Accounts;
  readonly tasks: SimTasks;
  readonly downloads: Map<number, Download>;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function buildMethods(host: MethodHost): Map<string, MethodDef> {
  const { version: v, opts, store, accounts, tasks, downloads } = host;

  async function failDelay(): Promise<void> {
    const ms = opts.failDelayMs ?? 1000;
    if (ms > 0) await delay(ms);
  }

  function login(conn: Conn, r: Extract<LoginResult, { response_type: 'SUCCESS' }>): void {
    conn.user = r.user;
    conn.credType = r.credType;
    conn.apiKey = r.apiKey;
    conn.loginId = randomUUID();
    conn.loginAt = store.now();
    conn.pendingOtp = null;
  }

  function uid(user: SimUser): number {
    return 3000 + accounts.users.indexOf(user);
  }

  /** Shapes a login_ex result, logging in on SUCCESS and delaying failures. */
  async function loginExResult(conn: Conn, r: LoginResult, userInfo: boolean): Promise<Record<string, unknown>> {
    switch (r.response_type) {
      case 'SUCCESS': {
        login(conn, r);
        const out: Record<string, unknown> = {
          response_type: 'SUCCESS',
          user_info: userInfo ? accounts.me(r.user, uid(r.user)) : null,
          authenticator: 'LEVEL_1',
        };
        if (traits(v).reconnectToken) out.reconnect_token = null;
        return out;
      }
      case 'OTP_REQUIRED':
        conn.pendingOtp = r.username;
        return { response_type: 'OTP_REQUIRED', username: r.username };
      case 'REDIRECT':
        return { response_type: 'REDIRECT', urls: r.urls };
      default:
        await failDelay();
        return { response_type: r.response_type };
    }
  }

  async function continueOtp(conn: Conn, code: string, userInfo: boolean): Promise<Record<string, unknown>> {
    const pending = conn.pendingOtp;
    if (!pending) throw new SimCallError('EINVAL', 'No authentication in progress');
    conn.pendingOtp = null;
    return loginExResult(conn, accounts.otp(pending, code), userInfo);
  }

  function jobParam(conn: Conn, method: string, params: unknown[]): SimJob {
    const id = params[0];
    if (typeof id !== 'number' || !Number.isInteger(id)) throw invalidParams(`${method}.id`, 'Input should be a valid integer');
    const job = store.get(id);
    if (!job) throw jobNotFound(v, id);
    if (!jobVisible(v, store, conn, job)) {
      throw new SimCallError('EPERM', 'Only users with full administrative privileges can access internally ran jobs');
    }
    return job;
  }

  const m = new Map<string, MethodDef>();
  const def = (name: string, auth: boolean, rateLimited: boolean, run: Handler) => m.set(name, { auth, rateLimited, run });
  const t = traits(v);
  const modern = t.apiVersions !== null;

  def('core.ping', t.pingNeedsLogin, true, () => 'pong');
  def('core.set_options', false, false, (conn, params) => {
    const o = params[0];
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw invalidParams('core.set_options.options', 'Input should be a valid dictionary');
    for (const [k, val] of Object.entries(o)) {
      if (k in conn.options && typeof val === 'boolean') (conn.options as Record<string, boolean>)[k] = val;
    }
    if (t.setOptionsReturnsOptions) return { ...conn.options };
    return null;
  });
  if (modern) {
    def('core.subscribe', true, false, (conn, params) => {
      const name = params[0];
      if (typeof name !== 'string') throw invalidParams('core.subscribe.event', 'Input should be a valid string');
      if (name !== 'core.get_jobs' && !(name === '*' && conn.user?.fullAdmin)) throw new SimCallError('EACCES', 'Not authorized');
      const id = randomUUID();
      conn.subs.add(id);
      return id;
    });
    def('core.unsubscribe', true, false, (conn, params) => {
      conn.subs.delete(String(params[0]));
      return null;
    });
  }
  def('core.get_jobs', true, false, (conn, params) => {
    const { filters, options } = parseQueryParams('core.get_jobs', params);
    const raw = options.extra?.raw_result === true && (conn.user?.fullAdmin ?? false);
    const visible = store.all().filter((j) => jobVisible(v, store, conn, j));
    return applyQuery(
      visible.map((j) => store.wire(j, { raw })),
      filters,
      options,
    );
  });
  def('core.job_abort', true, false, (conn, params) => {
    const job = jobParam(conn, 'core.job_abort', params);
    const user = conn.user;
    if (user && !user.fullAdmin && t.abortChecksOwner) {
      const owner = store.ownerName(job);
      if (owner === null) throw new SimCallError('EPERM', 'Only users with full administrative privileges can access internally ran jobs');
      if (owner !== user.username) throw new SimCallError('EPERM', 'Job is not owned by current session');
    }
    store.abort(job);
    return null;
  });
  // Every log download is a `filesystem.get` job whose output pipe /_download/<job id> serves, once.
  const startLogDownload = (conn: Conn, source: SimJob, filename: string, windowMs: number, requestId: unknown): number => {
    const handle = store.start(
      {
        method: 'filesystem.get',
        arguments: [source.logsPath],
        manual: true,
        messageIds: conn.kind === 'rpc' && requestId !== null ? [requestId as string | number] : [],
      },
      conn,
    );
    const token = randomBytes(36).toString('base64url');
    downloads.set(handle.id, { token, used: false, expiresAt: Date.now() + windowMs, filename, source, handle });
    return handle.id;
  };
  if (t.jobDownloadLogs) {
    // `service/core_service.py` `job_download_logs` (SCALE 24.04+): the URL only.
    def('core.job_download_logs', true, false, (conn, params, requestId) => {
      const job = jobParam(conn, 'core.job_download_logs', params);
      const filename = typeof params[1] === 'string' ? params[1] : `${job.id}.log`;
      if (!job.logsPath) throw new SimCallError('EFAULT', 'This job has no logs');
      const buffered = params[2] === true;
      const id = startLogDownload(conn, job, filename, buffered ? 3_600_000 : (opts.downloadWindowMs ?? 60_000), requestId);
      return `/_download/${id}?auth_token=${downloads.get(id)!.token}`;
    });
  }
  // `core.download(method, args, filename, buffered)` (CORE 13 `service.py`, SCALE `service/core_service.py`): runs
  // a download job and answers [job id, URL]; the URL's token lives 300 s (`auth.generate_token(300, …)`). The
  // simulator serves only `filesystem.get` of a job's logs_path (`plugins/filesystem.py` `get`: a pipe job that
  // fails "<path> is not a file" otherwise).
  def('core.download', true, false, (conn, params, requestId) => {
    const [method, args, filename] = params;
    if (typeof method !== 'string') throw invalidParams('core.download.method', 'Input should be a valid string');
    if (args !== undefined && !Array.isArray(args)) throw invalidParams('core.download.args', 'Input should be a valid list');
    if (typeof filename !== 'string') throw invalidParams('core.download.filename', 'Input should be a valid string');
    if (method !== 'filesystem.get') throw new SimCallError('EINVAL', `The simulator downloads only through filesystem.get, not ${method}`);
    const user = conn.user!;
    if (!user.fullAdmin && !hasRole(user, 'FILESYSTEM_DATA_READ')) throw new SimCallError('EACCES', 'Not authorized');
    const path = (args as unknown[] | undefined)?.[0];
    const source = typeof path === 'string' ? store.all().find((j) => j.logsPath === path) : undefined;
    if (!source) throw new SimCallError('EFAULT', `${String(path)} is not a file`);
    const id = startLogDownload(conn, source, filename, opts.downloadWindowMs ?? 300_000, requestId);
    return [id, `/_download/${id}?auth_token=${downloads.get(id)!.token}`];
  });
  def('filesystem.get', true, false, () => {
    throw new SimCallError('EFAULT', 'filesystem.get writes to an output pipe: call it through core.download');
  });
  if (t.failoverStatus) {
    // `plugins/failover.py` `status` (role FAILOVER_READ): SINGLE without an HA license, BACKUP on the standby.
    def('failover.status', true, false, (conn) => {
      const user = conn.user!;
      if (!user.fullAdmin && !hasRole(user, 'FAILOVER_READ')) throw new SimCallError('EACCES', 'Not authorized');
      return opts.failoverStatus ?? 'SINGLE';
    });
  }

  // Auth.
  const mechanisms = ['API_KEY_PLAIN', 'TOKEN_PLAIN', 'PASSWORD_PLAIN', ...t.extraMechanisms];
  if (modern) {
    def('auth.mechanism_choices', false, true, () => mechanisms);
    def('auth.login_ex', false, true, async (conn, params) => {
      const p = params[0] as Record<string, unknown> | undefined;
      if (!p || typeof p !== 'object' || Array.isArray(p))
        throw invalidParams('auth.login_ex.login_data', 'Input should be a valid dictionary');
      const userInfo = (p.login_options as { user_info?: unknown } | undefined)?.user_info !== false;
      const str = (k: string): string => {
        const val = p[k];
        if (typeof val !== 'string') throw invalidParams(`auth.login_ex.login_data.${k}`, 'Field required');
        return val;
      };
      switch (p.mechanism) {
        case 'API_KEY_PLAIN': {
          const r = accounts.apiKey(str('username'), str('api_key'), conn.secure);
          conn.pendingOtp = null;
          return loginExResult(conn, r, userInfo);
        }
        case 'PASSWORD_PLAIN': {
          const r = accounts.password(str('username'), str('password'));
          conn.pendingOtp = null;
          return loginExResult(conn, r, userInfo);
        }
        case 'OTP_TOKEN':
          return continueOtp(conn, str('otp_token'), userInfo);
        case 'TOKEN_PLAIN':
          str('token');
          await failDelay();
          return { response_type: 'AUTH_ERR' };
        default:
          throw invalidParams(
            'auth.login_ex.login_data.mechanism',
            `Input should be ${mechanisms.map((x) => `'${x}'`).join(', ')} or 'OTP_TOKEN'`,
          );
      }
    });
    def('auth.login_ex_continue', false, true, async (conn, params) => {
      const p = params[0] as Record<string, unknown> | undefined;
      if (!p || p.mechanism !== 'OTP_TOKEN' || typeof p.otp_token !== 'string') {
        throw invalidParams('auth.login_ex_continue.login_data', "Input should be 'OTP_TOKEN' with an otp_token");
      }
      return continueOtp(conn, p.otp_token, true);
    });
  }
  def('auth.login', false, true, async (conn, params) => {
    const [username, password, otp] = params;
    if (typeof username !== 'string' || typeof password !== 'string')
      throw invalidParams('auth.login.username', 'Input should be a valid string');
    let r = accounts.password(username, password);
    if (r.response_type === 'OTP_REQUIRED') r = accounts.otp(username, typeof otp === 'string' ? otp : '');
    if (r.response_type === 'SUCCESS') {
      login(conn, r);
      return true;
    }
    await failDelay();
    return false;
  });
  def('auth.login_with_api_key', false, true, async (conn, params) => {
    const key = params[0];
    if (typeof key !== 'string') throw invalidParams('auth.login_with_api_key.api_key', 'Input should be a valid string');
    const r = accounts.apiKey(null, key, conn.secure);
    if (r.response_type === 'SUCCESS') {
      login(conn, r);
      return true;
    }
    await failDelay();
    return false;
  });
  if (t.authMe) {
    def('auth.me', true, false, (conn) => {
      const user = conn.user;
      if (!user) throw notAuthenticated(v);
      // Where an API key is not tied to a user (≤ 24.10), `plugins/auth.py` `_me` refuses the session.
      if (t.allSeeing === 'api-key' && conn.credType === 'API_KEY') throw new SimCallError('EFAULT', 'You are logged in using API_KEY');
      return accounts.me(user, uid(user));
    });
  }
  for (const [name, run] of tasks.methods()) def(name, true, false, (conn, params) => run(conn.user!, params));
  def('auth.logout', false, false, (conn) => {
    conn.user = null;
    conn.pendingOtp = null;
    return true;
  });
  return m;
}
