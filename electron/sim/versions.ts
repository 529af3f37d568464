/**
 * Every behaviour in which the simulated TrueNAS releases differ, in one table. Code elsewhere in the simulator
 * asks `traits(version).<trait>` and never compares version names itself.
 *
 * Sources (paths under src/middlewared/middlewared/ in truenas/middleware, at the tags named in
 * docs/protocol.md: TN-13.3-U1.2, TS-24.10.2.4, TS-25.04.2, TS-25.10.6, TS-26.0.0-BETA.3 and
 * the 27.0.0-BETA.1 head):
 * - nginx (`etc_files/local/nginx/nginx.conf.mako`, CORE 13 `etc_files/local/nginx/nginx.conf`): `location /api`
 *   only from 25.04 (`apiVersions` null before); on every version `location /` rewrites every path no other
 *   location takes to /ui/ with a 302, WebSocket upgrades included, so /api/current is a 302 on ≤ 24.10. `proxy_read_timeout` 60 s until 26.0.0-BETA.1, 3600 s on /api and /websocket from BETA.2.
 * - `job.py` `send_job_event`: no events for transient jobs from 26.0.0-BETA.1; `should_send_job_event`: no job
 *   events to a logged-out session from 25.10.1.
 * - `plugins/auth_/login_ex_impl.py`: DENIED and `reconnect_token` from 26; an already revoked key answers
 *   AUTH_ERR from 26 ("API key is revoked"), EXPIRED before.
 * - `plugins/auth.py`: 27 marks `auth.login` / `auth.login_with_api_key` `removed_in='v27'` (private on /api/current).
 * - `api/v*_*`: the API versions listed by /api/versions.
 */
import type { SimVersion } from './types';

export interface VersionTraits {
  /** What /api/versions lists and the name of /api/current's version; null: no JSON-RPC endpoint (≤ 24.10). */
  apiVersions: readonly string[] | null;
  /** nginx proxy_read_timeout on the API locations. */
  idleTimeoutMs: number;
  /** The legacy `ping` message gets a `pong` (≤ 24.10). */
  legacyPong: boolean;
  /**
   * `core.ping` needs a login (24.10 and 25.04). `service/core_service.py` ping: 24.10 `@no_authz_required` waives
   * only the role check (`service/decorators.py`; `main.py` asks for a login unless `_no_auth_required`), 25.04
   * `authorization_required=False` likewise; 25.10 `authentication_required=False` waives the login.
   */
  pingNeedsLogin: boolean;
  /** `core.set_options` returns the options (25.10+). */
  setOptionsReturnsOptions: boolean;
  /** A non-admin's core.job_abort is checked against the job's owner (SCALE). */
  abortChecksOwner: boolean;
  /** Extra login_ex mechanisms beyond API_KEY_PLAIN, TOKEN_PLAIN, PASSWORD_PLAIN. */
  extraMechanisms: readonly string[];
  /** login_ex SUCCESS carries reconnect_token (26+). */
  reconnectToken: boolean;
  /** Who sees every job regardless of role: everyone (CORE 13), API-key logins (24.10), nobody (25.04+). */
  allSeeing: 'everyone' | 'api-key' | 'nobody';
  /**
   * Which events a transient job sends. SCALE ≤ 25.10: all of them. 26+: none (`job.py` `send_job_event`).
   * CORE 13 (`job.py` `JobsQueue.add`, `Job.run`): no ADDED and no final CHANGED, so only its set_progress calls
   * are seen: on success one CHANGED with state SUCCESS (set_progress(100, '')), on failure nothing.
   */
  transientEventShape: 'every-event' | 'core13-success-changed-only' | 'none';
  /** WAITING → RUNNING sends a CHANGED event (not on CORE 13, `job.py` `Job.run`). */
  runningEvent: boolean;
  /** set_progress sends CHANGED on every call, changed or not (CORE 13); SCALE only when something changed. */
  progressEventEveryCall: boolean;
  /** Finished cloud sync, cloud backup, rsync and replication jobs are copied to the HA peer (SCALE, `plugins/failover_/jobs_copy.py`). */
  haJobCopies: boolean;
  /** A subscriber whose session is not authenticated gets no job events (25.10.1+). */
  eventsNeedLogin: boolean;
  /** `$date` precision: CORE 13 milliseconds, SCALE whole seconds. */
  dateMilliseconds: boolean;
  /** The job object shape: CORE 13 (no transient, description, abortable, credentials) or SCALE. */
  jobShape: 'core13' | 'scale';
  /** `message_ids` on job objects (25.10+). */
  messageIds: boolean;
  /** Shape of `credentials.data`. */
  credentialsShape: 'v24.10' | 'v25.04' | 'modern';
  /** Error traces carry `frames` (dropped in 26.0.0-BETA.3). */
  traceFrames: boolean;
  /** Errors carry `errname` (not on CORE 13). */
  errname: boolean;
  /** Not-authenticated errors: CORE 13 EACCES "Not authenticated", SCALE ENOTAUTHENTICATED. */
  notAuthenticated: 'EACCES' | 'ENOTAUTHENTICATED';
  /** Unknown job id: a validation error (25.10+) or a plain CallError. */
  jobNotFound: 'validation' | 'call-error';
  /** login_ex answers DENIED for a valid credential without API access (26+); AUTH_ERR before. */
  deniedResult: boolean;
  /** An API key used over an insecure transport is revoked (25.04+). */
  revokesInsecureKey: boolean;
  /** What an already revoked key answers. */
  revokedKeyAnswer: 'EXPIRED' | 'AUTH_ERR';
  /** `core.job_download_logs` exists (SCALE 24.04+). */
  jobDownloadLogs: boolean;
  /** `auth.login` and `auth.login_with_api_key` are private on /api/current (27): they run, with a warning. */
  oldLoginMethodsPrivate: boolean;
  /**
   * A logout (and so a closed connection) clears the connection's credentials, so a job it started has none from
   * then on: to an account without full admin it becomes an "internally ran" job, hidden from its events and from
   * `core.get_jobs` (25.10-RC.1+, middleware commit a744267c26 in `plugins/auth.py` `logout`; `job.py`
   * `credential_access_error`). Before, the job keeps its starter's credentials and stays visible to that user.
   */
  logoutClearsCredentials: boolean;
  /** `auth.me` exists (SCALE; CORE 13 has none, only root signs in). */
  authMe: boolean;
  /** `failover.status` exists (SCALE `plugins/failover.py`, role FAILOVER_READ); not in CORE 13's open middleware. */
  failoverStatus: boolean;
  /** `cloud_backup.*` exists (SCALE 24.04+; CORE 13 has none). */
  cloudBackup: boolean;
  /** Methods check the caller's roles (`api_method(roles=…)`, `role_prefix`; SCALE). CORE 13 lets only root sign in. */
  methodRoles: boolean;
  /** A scheduled scrub is the job `zpool.scrub.run`, run even when skipped (26+, `plugins/zpool/scrub.py`); before, `pool.scrub.scrub` only when due. */
  scrubRunJob: boolean;
}

const SCALE_25: VersionTraits = {
  apiVersions: ['v25.04.0'],
  idleTimeoutMs: 60_000,
  legacyPong: false,
  pingNeedsLogin: true,
  setOptionsReturnsOptions: false,
  abortChecksOwner: true,
  extraMechanisms: [],
  reconnectToken: false,
  allSeeing: 'nobody',
  transientEventShape: 'every-event',
  runningEvent: true,
  progressEventEveryCall: false,
  haJobCopies: true,
  eventsNeedLogin: false,
  dateMilliseconds: false,
  jobShape: 'scale',
  messageIds: false,
  credentialsShape: 'v25.04',
  traceFrames: true,
  errname: true,
  notAuthenticated: 'ENOTAUTHENTICATED',
  jobNotFound: 'call-error',
  deniedResult: false,
  revokesInsecureKey: true,
  revokedKeyAnswer: 'EXPIRED',
  jobDownloadLogs: true,
  oldLoginMethodsPrivate: false,
  logoutClearsCredentials: false,
  authMe: true,
  failoverStatus: true,
  cloudBackup: true,
  methodRoles: true,
  scrubRunJob: false,
};

const TS_24_10: VersionTraits = {
  ...SCALE_25,
  apiVersions: null,
  legacyPong: true,
  allSeeing: 'api-key',
  credentialsShape: 'v24.10',
  revokesInsecureKey: false,
};

const TS_25_10: VersionTraits = {
  ...SCALE_25,
  apiVersions: ['v25.04.0', 'v25.10.0'],
  pingNeedsLogin: false,
  setOptionsReturnsOptions: true,
  eventsNeedLogin: true,
  messageIds: true,
  credentialsShape: 'modern',
  jobNotFound: 'validation',
  logoutClearsCredentials: true,
};

const TS_26: VersionTraits = {
  ...TS_25_10,
  apiVersions: ['v25.04.0', 'v25.10.0', 'v26.0.0'],
  idleTimeoutMs: 3_600_000,
  extraMechanisms: ['SCRAM'],
  reconnectToken: true,
  transientEventShape: 'none',
  traceFrames: false,
  deniedResult: true,
  revokedKeyAnswer: 'AUTH_ERR',
  scrubRunJob: true,
};

export const VERSION_TRAITS: Readonly<Record<SimVersion, VersionTraits>> = {
  core13: {
    ...TS_24_10,
    allSeeing: 'everyone',
    abortChecksOwner: false,
    dateMilliseconds: true,
    jobShape: 'core13',
    transientEventShape: 'core13-success-changed-only',
    runningEvent: false,
    progressEventEveryCall: true,
    haJobCopies: false,
    errname: false,
    notAuthenticated: 'EACCES',
    jobDownloadLogs: false,
    authMe: false,
    failoverStatus: false,
    cloudBackup: false,
    methodRoles: false,
  },
  '24.10': TS_24_10,
  '25.04': SCALE_25,
  '25.10': TS_25_10,
  '26.0': TS_26,
  '27.0': {
    ...TS_26,
    apiVersions: ['v25.04.0', 'v25.10.0', 'v26.0.0', 'v27.0.0'],
    extraMechanisms: ['SCRAM', 'SCRAM_PLUS'],
    oldLoginMethodsPrivate: true,
  },
};

export function traits(version: SimVersion): VersionTraits {
  return VERSION_TRAITS[version];
}
