/**
 * The simulated TrueNAS server: HTTP(S) + WebSocket on one port, JSON-RPC 2.0 at /api/current (25.04+) and the
 * legacy DDP-like protocol at /websocket, following the middleware as docs/protocol.md describes it. Control methods let tests
 * start jobs and inject faults.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Accounts, canSee, hasRole } from './auth';
import type { LoginResult } from './auth';
import { realClock } from './clock';
import { invalidParams, jobNotFound, legacyErrorData, notAuthenticated, rpcErrorData, SimCallError } from './errors';
import { JobStore, isTerminal, type JobOwner, type SimJob } from './jobs';
import { applyQuery, parseQueryParams } from './query';
import { SimScheduler } from './scheduler';
import { SimTasks } from './tasks';
import { traits } from './versions';
import type {
  JobSpec,
  Outcome,
  SimClock,
  SimCredentials,
  SimJobHandle,
  SimStats,
  SimTaskSpec,
  SimUser,
  SimVersion,
  SimulatorOptions,
  WireJob,
} from './types';

const MAX_IN_FLIGHT = 20;
const OLD_LOGIN_METHODS = new Set(['auth.login', 'auth.login_with_api_key']);
const UNAUTH_LIMIT = 8192;
const AUTH_LIMIT = 65536;

export interface Simulator {
  readonly url: string;
  readonly legacyUrl: string;
  readonly origin: string;
  readonly port: number;
  readonly host: string;
  readonly version: SimVersion;
  readonly tls: boolean;
  /** SHA-256 fingerprint of the certificate (colon-separated upper hex), when TLS. */
  readonly fingerprint256: string | undefined;
  /** PEM of the certificate, when TLS (for tests that trust it as a CA). */
  readonly certificate: string | undefined;
  /** The demo account (fake credentials). */
  readonly credentials: SimCredentials;
  readonly users: readonly SimUser[];
  readonly clock: SimClock;
  readonly speed: number;

  /** Starts a job (its `added` event goes out at once) and returns its id. */
  startJob(spec: JobSpec): number;
  /** Like startJob, with a handle to drive the job and a `done` promise. */
  startJobHandle(spec: JobSpec): SimJobHandle;
  /** Resolves with the job's wire state once it is terminal (or lost in a restart); at once if already terminal or unknown (undefined). */
  waitForJob(id: number): Promise<WireJob | undefined>;
  /** Ends a job now; `error` is the error text for FAILED (or pass {error, result}). Returns false if unknown or already terminal. */
  finishJob(id: number, outcome: Outcome, error?: string | { error?: string; result?: unknown }): boolean;
  progressJob(id: number, percent: number | null, description?: string): boolean;
  /** Adds an already finished job (history), without events. */
  seedFinishedJob(spec: JobSpec, opts?: { startedAgoMs?: number; durationMs?: number }): number;
  /** Every stored job as a FULL_ADMIN sees it (raw result). */
  jobs(): WireJob[];
  job(id: number): WireJob | undefined;

  /** Abrupt middleware restart: sockets terminated (1006), jobs and subscriptions gone, ids from 1, upgrades refused (502) for the downtime. Resolves when it accepts connections again. */
  restartMiddleware(opts?: { downtimeMs?: number }): Promise<void>;
  /**
   * HA failover (TrueNAS Enterprise): like restartMiddleware (the virtual IP now reaches the other controller, whose
   * ids are its own), and that controller holds a copy of every finished cloud sync, cloud backup, rsync and
   * replication job under a new id, without events. Resolves when it accepts connections again.
   */
  failover(opts?: { downtimeMs?: number }): Promise<void>;
  /** Terminates every socket (1006), or closes them with `code` when given. */
  dropConnections(opts?: { code?: number; reason?: string }): void;
  /** Half-open: existing sockets neither read nor write (nor idle-time-out) until unstall(). */
  stall(): void;
  unstall(): void;
  /** Silently logs every session out; sockets stay open. */
  expireSessions(): void;
  /** Sends an invalid-JSON frame and a schema-invalid event to every subscriber; returns the number of frames. */
  sendMalformed(): number;
  /** Sends one frame of about `chars` characters (default 3 MiB) to every subscriber; returns the number of frames. */
  sendOversized(chars?: number): number;
  /** Revokes one API key, or every key of a user (by username). */
  revokeApiKey(userOrKey: string): void;
  isApiKeyRevoked(key: string): boolean;
  /** Deletes one API key, or every key of a user: its logins answer AUTH_ERR until restoreApiKey. */
  deleteApiKey(userOrKey: string): void;
  /** Brings a deleted or revoked key back (as a configuration restore would). */
  restoreApiKey(userOrKey: string): void;
  /** A disabled account (or a directory service that is down): every login answers AUTH_ERR until enabled again. */
  setAccountDisabled(username: string, disabled: boolean): void;
  /** API-key and password login attempts received so far (login_ex and the old methods). */
  loginAttempts(): number;
  /** false: new connections are closed with 1008 as by the UI allowlist. */
  setAllowlisted(allowed: boolean): void;
  /**
   * Every further event of this job is lost for every subscriber, as when `main.py` `send_event` fails to send to a
   * client (it logs "Failed to send event" and goes on); `core.get_jobs` still lists the job.
   */
  loseEvents(jobId: number): boolean;
  stats(): SimStats;
  /** Waits `ms` of scenario time (divided by speed, on the simulator's clock). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The NAS clock now (the simulator's clock plus its skew), ms. */
  serverTime(): number;
  /** Adds scheduled tasks while running (replacing any of the same kind and id); they run from their next due time. */
  addTasks(specs: SimTaskSpec[]): void;
  /** The task leaves out its next `count` due runs (cron or zettarepl failing to start them). False if unknown. */
  skipTaskRuns(kind: SimTaskSpec['kind'], id: number, count?: number): boolean;
  close(): Promise<void>;
}

interface Download {
  token: string;
  used: boolean;
  expiresAt: number;
  filename: string;
  source: SimJob;
  handle: SimJobHandle;
}

/** A fake external starter (e.g. cron's midclt over the unix socket). */
class ExternalStarter implements JobOwner {
  private live = true;
  private readonly loginId = randomUUID();
  constructor(
    private readonly username: string,
    private readonly type: string,
    private readonly at: number,
    /** Its credentials go with its connection (25.10+, traits().logoutClearsCredentials); before, they stay. */
    private readonly clearsOnClose = true,
  ) {}
  detach(): void {
    this.live = false;
  }
  credentials() {
    if (!this.live && this.clearsOnClose) return null;
    return { type: this.type, username: this.username, data: { login_id: this.loginId, login_at: this.at } };
  }
}

class Conn implements JobOwner {
  user: SimUser | null = null;
  credType = '';
  apiKey: { id: number; name: string } | undefined;
  loginId = '';
  loginAt = 0;
  legacyConnected = false;
  pendingOtp: string | null = null;
  readonly subs = new Set<string>();
  inflight = 0;
  stalled = false;
  open = true;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  options = { legacy_jobs: true, private_methods: false, py_exceptions: false };
  /** Closing clears the credentials its jobs report (25.10+, traits().logoutClearsCredentials). */
  clearsCredentialsOnClose = true;

  constructor(
    readonly ws: WebSocket,
    readonly socket: Socket,
    readonly kind: 'rpc' | 'legacy',
    readonly peer: string,
    readonly secure: boolean,
  ) {}

  credentials() {
    if (!this.user || (!this.open && this.clearsCredentialsOnClose)) return null;
    return {
      type: this.credType,
      username: this.user.username,
      data: { login_id: this.loginId, login_at: this.loginAt, ...(this.apiKey ? { api_key: this.apiKey } : {}) },
    };
  }
}

type Handler = (conn: Conn, params: unknown[], requestId: unknown) => unknown;

interface MethodDef {
  /** Requires an authenticated session. */
  auth: boolean;
  /** Counts against the unauthenticated rate limit when called unauthenticated. */
  rateLimited: boolean;
  run: Handler;
}

function isLoopback(addr: string): boolean {
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class SimulatorImpl implements Simulator {
  readonly version: SimVersion;
  readonly clock: SimClock;
  readonly speed: number;
  readonly host: string;
  readonly tls: boolean;
  readonly fingerprint256: string | undefined;
  readonly certificate: string | undefined;
  port = 0;
  private readonly accounts: Accounts;
  private readonly store: JobStore;
  private readonly conns = new Set<Conn>();
  // aiohttp's WebSocketResponse (compress=True by default) accepts permessage-deflate and compresses every frame,
  // whatever its size (`main.py`, `api/base/server/ws_handler/base.py`); nginx passes the extension through.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024, perMessageDeflate: { threshold: 0 } });
  private readonly downloads = new Map<number, Download>();
  private readonly pending = new Map<number, Promise<WireJob>>();
  private readonly rateHits = new Map<string, number[]>();
  private downUntil: Promise<void> | null = null;
  private allowlisted = true;
  private closed = false;
  private framesSent = 0;
  private framesReceived = 0;
  private bytesSent = 0;
  /** Calls of methods private on this version's /api/current (the server logs a warning and runs them). */
  private privateMethodWarnings = 0;
  private readonly methods: Map<string, MethodDef>;
  private readonly eventsLost = new WeakSet<SimJob>();
  private readonly tasks: SimTasks;
  private readonly scheduler: SimScheduler;

  constructor(
    private readonly opts: SimulatorOptions,
    private readonly server: HttpServer,
    cert: string | undefined,
  ) {
    this.version = opts.version ?? '25.10';
    this.clock = opts.clock ?? realClock;
    this.speed = opts.speed && opts.speed > 0 ? opts.speed : 1;
    this.host = opts.host ?? '127.0.0.1';
    this.tls = cert !== undefined;
    this.certificate = cert;
    this.fingerprint256 = cert ? new X509Certificate(cert).fingerprint256 : undefined;
    this.accounts = new Accounts(opts.users, this.version);
    this.store = new JobStore({
      version: this.version,
      clock: this.clock,
      speed: this.speed,
      maxJobs: opts.maxJobs ?? 1000,
      clockSkewMs: opts.clockSkewMs ?? 0,
      emit: (kind, job) => this.broadcast(kind, job),
    });
    // Scheduled tasks (./tasks, ./scheduler): served by their query methods, run on this server's clock.
    const timezone = opts.timezone ?? 'America/Los_Angeles';
    this.tasks = new SimTasks(opts.tasks ?? [], {
      version: this.version,
      timezone,
      now: () => this.store.now(),
      date: (ms) => this.store.date(ms),
      job: (id) => this.job(id),
    });
    this.scheduler = new SimScheduler(this.tasks, {
      version: this.version,
      timezone,
      clock: this.clock,
      now: () => this.store.now(),
      down: () => this.downUntil !== null || this.closed,
      startJob: (spec) => this.startJob(spec),
    });
    this.methods = this.buildMethods();
    this.scheduler.start();
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  // ---------------------------------------------------------------- addresses

  get origin(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `${this.tls ? 'wss' : 'ws'}://${h}:${this.port}`;
  }
  get url(): string {
    return `${this.origin}/api/current`;
  }
  get legacyUrl(): string {
    return `${this.origin}/websocket`;
  }
  get credentials(): SimCredentials {
    return this.accounts.credentials();
  }
  get users(): readonly SimUser[] {
    return this.accounts.users;
  }

  private get hasJsonRpc(): boolean {
    return traits(this.version).apiVersions !== null;
  }
  private get idleTimeoutMs(): number {
    return this.opts.idleTimeoutMs ?? traits(this.version).idleTimeoutMs;
  }

  // ---------------------------------------------------------------- HTTP

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.closed) return refuse('503 Service Unavailable');
    if (this.downUntil) return refuse('502 Bad Gateway');
    const route = this.route(path);
    if (route === 'ui-redirect') {
      socket.end(`HTTP/1.1 302 Moved Temporarily\r\nLocation: ${this.uiUrl(req)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (route !== 'rpc' && route !== 'legacy') return refuse('404 Not Found');
    const kind = route;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = req.socket.remoteAddress ?? '';
      const secure = this.tls || (isLoopback(peer) && !this.opts.insecureLoopback);
      const conn = new Conn(ws, req.socket, kind, peer, secure);
      conn.clearsCredentialsOnClose = traits(this.version).logoutClearsCredentials;
      this.accept(conn);
    });
  }

  /**
   * nginx's locations (`etc_files/local/nginx/nginx.conf.mako`): /websocket, /_download, and from 25.04 /api (the
   * middleware answers 404 for an /api path it does not serve); `location /` sends everything else to the web UI
   * with a 302 (`rewrite ^.* $scheme://$http_host/ui/ redirect`), WebSocket upgrades included.
   */
  private route(path: string): 'rpc' | 'legacy' | 'versions' | 'download' | 'ui' | 'ui-redirect' | 'not-found' {
    if (path === '/websocket') return 'legacy';
    if (path.startsWith('/_download')) return 'download';
    if (path === '/ui' || path.startsWith('/ui/')) return 'ui';
    if (this.hasJsonRpc && (path === '/api' || path.startsWith('/api/'))) {
      if (path === '/api/current' || /^\/api\/v\d+\.\d+(\.\d+)*$/.test(path)) return 'rpc';
      if (path === '/api/versions') return 'versions';
      return 'not-found';
    }
    return 'ui-redirect';
  }

  private uiUrl(req: IncomingMessage): string {
    return `${this.tls ? 'https' : 'http'}://${req.headers.host ?? `${this.host}:${this.port}`}/ui/`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (this.downUntil) {
      res.writeHead(502).end();
      return;
    }
    const dl = /^\/_download\/(\d+)$/.exec(url.pathname);
    if (dl && req.method === 'GET') return this.serveDownload(Number(dl[1]), url.searchParams.get('auth_token'), res);
    if (this.route(url.pathname) === 'ui-redirect') {
      res.writeHead(302, { Location: this.uiUrl(req), 'Content-Type': 'text/html' }).end('<html><body>302 Found</body></html>');
      return;
    }
    if (this.route(url.pathname) === 'versions') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(traits(this.version).apiVersions));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404: Not Found');
  }

  private serveDownload(id: number, token: string | null, res: ServerResponse): void {
    const d = this.downloads.get(id);
    if (!d) return void res.writeHead(404).end('404: Not Found');
    if (d.used || token !== d.token) return void res.writeHead(401).end('401: Unauthorized');
    if (Date.now() > d.expiresAt) return void res.writeHead(410).end('410: Gone');
    d.used = true;
    const body = d.source.logLines.map((l) => `${l}\n`).join('');
    res
      .writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${d.filename}"`,
      })
      .end(body);
    d.handle.finish('SUCCESS');
  }

  // ---------------------------------------------------------------- connections

  private accept(conn: Conn): void {
    this.conns.add(conn);
    const { ws } = conn;
    if (!this.allowlisted) {
      ws.close(1008, 'You are not allowed to access this resource');
      return;
    }
    this.armIdle(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
  }

  private forget(conn: Conn): void {
    conn.open = false;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    this.conns.delete(conn);
  }

  private armIdle(conn: Conn): void {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
    const ms = this.idleTimeoutMs;
    if (ms > 0 && !conn.stalled && conn.open) {
      // nginx proxy_read_timeout: the connection is cut without a close frame.
      conn.idleTimer = setTimeout(() => conn.ws.terminate(), ms);
    }
  }

  private sendRaw(conn: Conn, text: string): boolean {
    if (!conn.open || conn.stalled || conn.ws.readyState !== conn.ws.OPEN) return false;
    conn.ws.send(text);
    this.framesSent++;
    this.bytesSent += Buffer.byteLength(text);
    this.armIdle(conn);
    return true;
  }

  private send(conn: Conn, msg: unknown): boolean {
    return this.sendRaw(conn, JSON.stringify(msg));
  }

  private onMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    if (conn.stalled || !conn.open) return;
    this.framesReceived++;
    if (isBinary) {
      conn.ws.close(1003, 'Invalid websocket message type: BINARY');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (conn.user) {
      if (text.length > AUTH_LIMIT) return void conn.ws.close(1009, 'Max message length is 64 kB');
    } else if (text.length > UNAUTH_LIMIT) {
      return void conn.ws.close(1007, 'Anonymous connection max message length is 8 kB');
    }
    if (conn.kind === 'rpc') void this.onRpc(conn, text);
    else void this.onLegacy(conn, text);
  }

  // ---------------------------------------------------------------- JSON-RPC

  private async onRpc(conn: Conn, text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      this.send(conn, { jsonrpc: '2.0', error: { code: -32700, message: (e as Error).message }, id: null });
      return;
    }
    if (Array.isArray(msg)) {
      this.send(conn, { jsonrpc: '2.0', error: { code: -32700, message: 'Batch messages are not supported at this time' }, id: null });
      return;
    }
    if (msg === null || typeof msg !== 'object') {
      this.send(conn, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
      return;
    }
    const m = msg as Record<string, unknown>;
    const hasId = 'id' in m;
    if (!hasId) {
      // A notification: executed, never answered.
      if (m.jsonrpc === '2.0' && typeof m.method === 'string' && (m.params === undefined || Array.isArray(m.params))) {
        await this.call(conn, m.method, (m.params as unknown[] | undefined) ?? [], null).catch(() => undefined);
      }
      return;
    }
    const id = m.id;
    const reject = (code: number, message: string, replyId: unknown = id) =>
      this.send(conn, { jsonrpc: '2.0', error: { code, message }, id: replyId });
    if (!(id === null || typeof id === 'string' || Number.isInteger(id))) {
      return void reject(-32600, "'id' member must be of type string, integer or null", null);
    }
    if (m.jsonrpc !== '2.0') return void reject(-32600, "Missing 'jsonrpc' member");
    if (typeof m.method !== 'string') return void reject(-32600, "Missing 'method' member");
    if (m.params !== undefined && !Array.isArray(m.params)) return void reject(-32600, "'params' member must be of type array");
    if (!this.lookup(m.method)) return void reject(-32601, 'Method does not exist');
    if (conn.inflight >= MAX_IN_FLIGHT) return void reject(-32000, `Maximum number of concurrent calls (${MAX_IN_FLIGHT}) has exceeded`);
    try {
      const result = await this.call(conn, m.method, (m.params as unknown[] | undefined) ?? [], id);
      this.send(conn, { jsonrpc: '2.0', result: result ?? null, id });
    } catch (e) {
      const err =
        e instanceof SimCallError ? e : new SimCallError('EFAULT', (e as Error).message, { traceClass: 'Exception', reason: String(e) });
      const code = err.opts.code ?? -32001;
      const message = code === -32602 ? 'Invalid params' : 'Method call error';
      this.send(conn, { jsonrpc: '2.0', error: { code, message, data: rpcErrorData(this.version, err) }, id });
    }
  }

  // ---------------------------------------------------------------- legacy /websocket

  private async onLegacy(conn: Conn, text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // the legacy server logs and ignores undecodable frames [inferred]
    }
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return;
    const m = msg as Record<string, unknown>;
    if (!conn.legacyConnected) {
      const support = Array.isArray(m.support) ? m.support : [];
      if (m.msg === 'connect' && (m.version === '1' || support.includes('1'))) {
        conn.legacyConnected = true;
        this.send(conn, { msg: 'connected', session: randomUUID() });
      } else {
        this.send(conn, { msg: 'failed', version: '1' });
      }
      return;
    }
    switch (m.msg) {
      case 'ping':
        if (traits(this.version).legacyPong) this.send(conn, m.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: m.id });
        return;
      case 'sub': {
        const id = m.id;
        if (m.name === 'core.get_jobs' && conn.user) {
          conn.subs.add(String(id));
          this.send(conn, { msg: 'ready', subs: [id] });
        } else {
          const e = new SimCallError('EACCES', 'Not authorized');
          this.send(conn, { msg: 'result', id, error: legacyErrorData(this.version, e) });
        }
        return;
      }
      case 'unsub':
        conn.subs.delete(String(m.id));
        return;
      case 'method': {
        const id = m.id;
        if (id === undefined || typeof m.method !== 'string') return;
        const params = Array.isArray(m.params) ? m.params : [];
        try {
          if (!this.lookup(m.method)) {
            const dot = m.method.lastIndexOf('.');
            throw new SimCallError(
              'ENOMETHOD',
              `Method '${m.method.slice(dot + 1)}' not found in '${m.method.slice(0, Math.max(0, dot))}'`,
            );
          }
          if (conn.inflight >= MAX_IN_FLIGHT)
            throw new SimCallError('ETOOMANYREFS', `Maximum number of concurrent calls (${MAX_IN_FLIGHT}) has exceeded`);
          const result = await this.call(conn, m.method, params, id);
          this.send(conn, { id, msg: 'result', result: result ?? null });
        } catch (e) {
          const err = e instanceof SimCallError ? e : new SimCallError('EFAULT', String(e));
          this.send(conn, { id, msg: 'result', error: legacyErrorData(this.version, err) });
        }
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- methods

  private lookup(method: string): MethodDef | undefined {
    return this.methods.get(method);
  }

  private async call(conn: Conn, method: string, params: unknown[], requestId: unknown): Promise<unknown> {
    const def = this.lookup(method);
    if (!def) throw new SimCallError('ENOMETHOD', `Method '${method}' not found`);
    conn.inflight++;
    try {
      // 27: `removed_in='v27'` makes the old login methods private; rpc.py only logs a warning for such a call.
      if (
        conn.kind === 'rpc' &&
        !conn.options.private_methods &&
        traits(this.version).oldLoginMethodsPrivate &&
        OLD_LOGIN_METHODS.has(method)
      ) {
        this.privateMethodWarnings++;
      }
      if (def.auth && !conn.user) throw notAuthenticated(this.version);
      if (!conn.user && def.rateLimited) await this.rateLimit(conn, method);
      return await def.run(conn, params, requestId);
    } finally {
      conn.inflight--;
    }
  }

  private async rateLimit(conn: Conn, method: string): Promise<void> {
    const cfg = this.opts.rateLimit === undefined ? { calls: 20, windowMs: 60_000 } : this.opts.rateLimit;
    if (cfg === false) return;
    const key = `${method}|${conn.peer}`;
    const now = Date.now();
    const hits = (this.rateHits.get(key) ?? []).filter((t) => now - t < cfg.windowMs);
    if (hits.length >= cfg.calls) {
      this.rateHits.set(key, hits);
      await delay(this.opts.rateLimitDelayMs ?? 1000);
      throw new SimCallError('EBUSY', 'Rate Limit Exceeded');
    }
    hits.push(now);
    this.rateHits.set(key, hits);
  }

  private async failDelay(): Promise<void> {
    const ms = this.opts.failDelayMs ?? 1000;
    if (ms > 0) await delay(ms);
  }

  private login(conn: Conn, r: Extract<LoginResult, { response_type: 'SUCCESS' }>): void {
    conn.user = r.user;
    conn.credType = r.credType;
    conn.apiKey = r.apiKey;
    conn.loginId = randomUUID();
    conn.loginAt = this.store.now();
    conn.pendingOtp = null;
  }

  private uid(user: SimUser): number {
    return 3000 + this.accounts.users.indexOf(user);
  }

  /** Shapes a login_ex result, logging in on SUCCESS and delaying failures. */
  private async loginExResult(conn: Conn, r: LoginResult, userInfo: boolean): Promise<Record<string, unknown>> {
    switch (r.response_type) {
      case 'SUCCESS': {
        this.login(conn, r);
        const out: Record<string, unknown> = {
          response_type: 'SUCCESS',
          user_info: userInfo ? this.accounts.me(r.user, this.uid(r.user)) : null,
          authenticator: 'LEVEL_1',
        };
        if (traits(this.version).reconnectToken) out.reconnect_token = null;
        return out;
      }
      case 'OTP_REQUIRED':
        conn.pendingOtp = r.username;
        return { response_type: 'OTP_REQUIRED', username: r.username };
      case 'REDIRECT':
        return { response_type: 'REDIRECT', urls: r.urls };
      default:
        await this.failDelay();
        return { response_type: r.response_type };
    }
  }

  private buildMethods(): Map<string, MethodDef> {
    const v = this.version;
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
      const visible = this.store.all().filter((j) => this.visible(conn, j));
      return applyQuery(
        visible.map((j) => this.store.wire(j, { raw })),
        filters,
        options,
      );
    });
    def('core.job_abort', true, false, (conn, params) => {
      const job = this.jobParam(conn, 'core.job_abort', params);
      const user = conn.user;
      if (user && !user.fullAdmin && t.abortChecksOwner) {
        const owner = this.store.ownerName(job);
        if (owner === null)
          throw new SimCallError('EPERM', 'Only users with full administrative privileges can access internally ran jobs');
        if (owner !== user.username) throw new SimCallError('EPERM', 'Job is not owned by current session');
      }
      this.store.abort(job);
      return null;
    });
    // Every log download is a `filesystem.get` job whose output pipe /_download/<job id> serves, once.
    const startLogDownload = (conn: Conn, source: SimJob, filename: string, windowMs: number, requestId: unknown): number => {
      const handle = this.store.start(
        {
          method: 'filesystem.get',
          arguments: [source.logsPath],
          manual: true,
          messageIds: conn.kind === 'rpc' && requestId !== null ? [requestId as string | number] : [],
        },
        conn,
      );
      const token = randomBytes(36).toString('base64url');
      this.downloads.set(handle.id, { token, used: false, expiresAt: Date.now() + windowMs, filename, source, handle });
      return handle.id;
    };
    if (t.jobDownloadLogs) {
      // `service/core_service.py` `job_download_logs` (SCALE 24.04+): the URL only.
      def('core.job_download_logs', true, false, (conn, params, requestId) => {
        const job = this.jobParam(conn, 'core.job_download_logs', params);
        const filename = typeof params[1] === 'string' ? params[1] : `${job.id}.log`;
        if (!job.logsPath) throw new SimCallError('EFAULT', 'This job has no logs');
        const buffered = params[2] === true;
        const id = startLogDownload(conn, job, filename, buffered ? 3_600_000 : (this.opts.downloadWindowMs ?? 60_000), requestId);
        return `/_download/${id}?auth_token=${this.downloads.get(id)!.token}`;
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
      if (method !== 'filesystem.get')
        throw new SimCallError('EINVAL', `The simulator downloads only through filesystem.get, not ${method}`);
      const user = conn.user!;
      if (!user.fullAdmin && !hasRole(user, 'FILESYSTEM_DATA_READ')) throw new SimCallError('EACCES', 'Not authorized');
      const path = (args as unknown[] | undefined)?.[0];
      const source = typeof path === 'string' ? this.store.all().find((j) => j.logsPath === path) : undefined;
      if (!source) throw new SimCallError('EFAULT', `${String(path)} is not a file`);
      const id = startLogDownload(conn, source, filename, this.opts.downloadWindowMs ?? 300_000, requestId);
      return [id, `/_download/${id}?auth_token=${this.downloads.get(id)!.token}`];
    });
    def('filesystem.get', true, false, () => {
      throw new SimCallError('EFAULT', 'filesystem.get writes to an output pipe: call it through core.download');
    });
    if (t.failoverStatus) {
      // `plugins/failover.py` `status` (role FAILOVER_READ): SINGLE without an HA license, BACKUP on the standby.
      def('failover.status', true, false, (conn) => {
        const user = conn.user!;
        if (!user.fullAdmin && !hasRole(user, 'FAILOVER_READ')) throw new SimCallError('EACCES', 'Not authorized');
        return this.opts.failoverStatus ?? 'SINGLE';
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
            const r = this.accounts.apiKey(str('username'), str('api_key'), conn.secure);
            conn.pendingOtp = null;
            return this.loginExResult(conn, r, userInfo);
          }
          case 'PASSWORD_PLAIN': {
            const r = this.accounts.password(str('username'), str('password'));
            conn.pendingOtp = null;
            return this.loginExResult(conn, r, userInfo);
          }
          case 'OTP_TOKEN':
            return this.continueOtp(conn, str('otp_token'), userInfo);
          case 'TOKEN_PLAIN':
            str('token');
            await this.failDelay();
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
        return this.continueOtp(conn, p.otp_token, true);
      });
    }
    def('auth.login', false, true, async (conn, params) => {
      const [username, password, otp] = params;
      if (typeof username !== 'string' || typeof password !== 'string')
        throw invalidParams('auth.login.username', 'Input should be a valid string');
      let r = this.accounts.password(username, password);
      if (r.response_type === 'OTP_REQUIRED') r = this.accounts.otp(username, typeof otp === 'string' ? otp : '');
      if (r.response_type === 'SUCCESS') {
        this.login(conn, r);
        return true;
      }
      await this.failDelay();
      return false;
    });
    def('auth.login_with_api_key', false, true, async (conn, params) => {
      const key = params[0];
      if (typeof key !== 'string') throw invalidParams('auth.login_with_api_key.api_key', 'Input should be a valid string');
      const r = this.accounts.apiKey(null, key, conn.secure);
      if (r.response_type === 'SUCCESS') {
        this.login(conn, r);
        return true;
      }
      await this.failDelay();
      return false;
    });
    if (t.authMe) {
      def('auth.me', true, false, (conn) => {
        const user = conn.user;
        if (!user) throw notAuthenticated(v);
        // Where an API key is not tied to a user (≤ 24.10), `plugins/auth.py` `_me` refuses the session.
        if (t.allSeeing === 'api-key' && conn.credType === 'API_KEY') throw new SimCallError('EFAULT', 'You are logged in using API_KEY');
        return this.accounts.me(user, this.uid(user));
      });
    }
    for (const [name, run] of this.tasks.methods()) def(name, true, false, (conn, params) => run(conn.user!, params));
    def('auth.logout', false, false, (conn) => {
      conn.user = null;
      conn.pendingOtp = null;
      return true;
    });
    return m;
  }

  private async continueOtp(conn: Conn, code: string, userInfo: boolean): Promise<Record<string, unknown>> {
    const pending = conn.pendingOtp;
    if (!pending) throw new SimCallError('EINVAL', 'No authentication in progress');
    conn.pendingOtp = null;
    return this.loginExResult(conn, this.accounts.otp(pending, code), userInfo);
  }

  private jobParam(conn: Conn, method: string, params: unknown[]): SimJob {
    const id = params[0];
    if (typeof id !== 'number' || !Number.isInteger(id)) throw invalidParams(`${method}.id`, 'Input should be a valid integer');
    const job = this.store.get(id);
    if (!job) throw jobNotFound(this.version, id);
    if (!this.visible(conn, job)) {
      throw new SimCallError('EPERM', 'Only users with full administrative privileges can access internally ran jobs');
    }
    return job;
  }

  private visible(conn: Conn, job: SimJob): boolean {
    const user = conn.user;
    if (!user) return false;
    const { allSeeing } = traits(this.version);
    const legacyAllSeeing = allSeeing === 'everyone' || (allSeeing === 'api-key' && conn.credType === 'API_KEY');
    return canSee(user, legacyAllSeeing, job.method, this.store.ownerName(job));
  }

  // ---------------------------------------------------------------- events

  private broadcast(kind: 'added' | 'changed', job: SimJob): void {
    if (job.transient && traits(this.version).transientEventShape === 'none') return;
    if (this.eventsLost.has(job)) return;
    let fields: WireJob | undefined;
    for (const conn of this.conns) {
      if (!conn.open || conn.stalled || conn.subs.size === 0) continue;
      if (conn.user) {
        if (!this.visible(conn, job)) continue;
      } else if (traits(this.version).eventsNeedLogin) {
        continue; // logged-out / expired sessions get no job events (25.10.2+)
      }
      fields ??= this.store.wire(job, { raw: true });
      if (conn.kind === 'rpc') {
        this.send(conn, {
          jsonrpc: '2.0',
          method: 'collection_update',
          params: { msg: kind, collection: 'core.get_jobs', id: job.id, fields },
        });
      } else {
        this.send(conn, { msg: kind, collection: 'core.get_jobs', id: job.id, fields });
      }
    }
  }

  // ---------------------------------------------------------------- control API

  startJob(spec: JobSpec): number {
    return this.startJobHandle(spec).id;
  }

  startJobHandle(spec: JobSpec): SimJobHandle {
    const by = spec.startedBy;
    const owner = by
      ? new ExternalStarter(by.username, by.type ?? 'UNIX_SOCKET', this.store.now(), traits(this.version).logoutClearsCredentials)
      : null;
    const handle = this.store.start(spec, owner);
    this.pending.set(handle.id, handle.done);
    void handle.done.then(() => {
      if (this.pending.get(handle.id) === handle.done) this.pending.delete(handle.id);
    });
    return handle;
  }

  async waitForJob(id: number): Promise<WireJob | undefined> {
    const p = this.pending.get(id);
    if (p) return p;
    return this.job(id);
  }

  finishJob(id: number, outcome: Outcome, error?: string | { error?: string; result?: unknown }): boolean {
    const job = this.store.get(id);
    if (!job || isTerminal(job.state)) return false;
    this.store.finish(job, outcome, typeof error === 'string' ? { error } : error);
    return true;
  }

  progressJob(id: number, percent: number | null, description?: string): boolean {
    const job = this.store.get(id);
    if (!job || job.state !== 'RUNNING') return false;
    this.store.setProgress(job, percent, description);
    return true;
  }

  seedFinishedJob(spec: JobSpec, opts: { startedAgoMs?: number; durationMs?: number } = {}): number {
    const now = this.store.now();
    const started = now - (opts.startedAgoMs ?? 3_600_000);
    const finished = Math.min(now, started + (opts.durationMs ?? spec.durationMs ?? 60_000));
    return this.store.seedFinished(spec, started, finished).id;
  }

  jobs(): WireJob[] {
    return this.store.all().map((j) => this.store.wire(j, { raw: true }));
  }

  job(id: number): WireJob | undefined {
    const j = this.store.get(id);
    return j && this.store.wire(j, { raw: true });
  }

  async restartMiddleware(opts: { downtimeMs?: number } = {}): Promise<void> {
    if (this.downUntil) return this.downUntil;
    const downtime = opts.downtimeMs ?? this.opts.restartDowntimeMs ?? 2000;
    let release!: () => void;
    this.downUntil = new Promise<void>((r) => (release = r));
    const waiting = this.downUntil;
    for (const conn of [...this.conns]) {
      conn.open = false;
      conn.socket.resume();
      conn.ws.terminate();
      this.forget(conn);
    }
    this.store.reset();
    this.pending.clear();
    this.downloads.clear();
    this.rateHits.clear();
    setTimeout(() => {
      this.downUntil = null;
      release();
    }, downtime);
    return waiting;
  }

  failover(opts: { downtimeMs?: number } = {}): Promise<void> {
    if (this.downUntil) return this.downUntil;
    // The peer received these as each job finished (`plugins/failover_/jobs_copy.py`); taken before the reset.
    const copies = this.store.finishedCopies();
    const back = this.restartMiddleware(opts);
    for (const job of copies) this.store.receiveCopy(job);
    return back;
  }

  dropConnections(opts: { code?: number; reason?: string } = {}): void {
    for (const conn of [...this.conns]) {
      conn.socket.resume();
      if (opts.code !== undefined) {
        conn.stalled = false;
        this.forget(conn);
        conn.ws.close(opts.code, opts.reason ?? '');
      } else {
        conn.open = false;
        conn.ws.terminate();
        this.forget(conn);
      }
    }
  }

  stall(): void {
    for (const conn of this.conns) {
      conn.stalled = true;
      conn.socket.pause();
      this.armIdle(conn);
    }
  }

  unstall(): void {
    for (const conn of this.conns) {
      if (!conn.stalled) continue;
      conn.stalled = false;
      conn.socket.resume();
      this.armIdle(conn);
    }
  }

  expireSessions(): void {
    for (const conn of this.conns) {
      conn.user = null;
      conn.pendingOtp = null;
    }
  }

  sendMalformed(): number {
    let n = 0;
    for (const conn of this.conns) {
      if (conn.subs.size === 0) continue;
      const bad =
        conn.kind === 'rpc'
          ? '{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"changed","collection":"core.get_jobs","id":'
          : '{"msg":"changed","collection":"core.get_jobs","id":';
      const invalid =
        conn.kind === 'rpc'
          ? {
              jsonrpc: '2.0',
              method: 'collection_update',
              params: { msg: 'changed', collection: 'core.get_jobs', id: 'not-a-job-id', fields: 'garbage' },
            }
          : { msg: 'changed', collection: 'core.get_jobs', id: 'not-a-job-id', fields: 'garbage' };
      if (this.sendRaw(conn, bad)) n++;
      if (this.send(conn, invalid)) n++;
    }
    return n;
  }

  sendOversized(chars = 3 * 1024 * 1024): number {
    let n = 0;
    const padding = 'x'.repeat(chars);
    for (const conn of this.conns) {
      if (conn.subs.size === 0) continue;
      const body = { msg: 'changed', collection: 'sim.oversized', id: 0, fields: { padding } };
      if (this.send(conn, conn.kind === 'rpc' ? { jsonrpc: '2.0', method: 'collection_update', params: body } : body)) n++;
    }
    return n;
  }

  revokeApiKey(userOrKey: string): void {
    this.accounts.revoke(userOrKey);
  }

  isApiKeyRevoked(key: string): boolean {
    return this.accounts.isRevoked(key);
  }

  deleteApiKey(userOrKey: string): void {
    this.accounts.delete(userOrKey);
  }

  restoreApiKey(userOrKey: string): void {
    this.accounts.restore(userOrKey);
  }

  setAccountDisabled(username: string, disabled: boolean): void {
    this.accounts.setDisabled(username, disabled);
  }

  loginAttempts(): number {
    return this.accounts.loginAttempts;
  }

  loseEvents(jobId: number): boolean {
    const job = this.store.get(jobId);
    if (!job) return false;
    this.eventsLost.add(job);
    return true;
  }

  setAllowlisted(allowed: boolean): void {
    this.allowlisted = allowed;
  }

  stats(): SimStats {
    let authenticated = 0;
    let subscribers = 0;
    for (const c of this.conns) {
      if (c.user) authenticated++;
      if (c.subs.size > 0) subscribers++;
    }
    return {
      connections: this.conns.size,
      authenticated,
      subscribers,
      jobs: this.store.size,
      framesSent: this.framesSent,
      framesReceived: this.framesReceived,
      bytesSent: this.bytesSent,
      privateMethodWarnings: this.privateMethodWarnings,
      nextJobId: this.store.peekNextId,
    };
  }

  serverTime(): number {
    return this.store.now();
  }

  addTasks(specs: SimTaskSpec[]): void {
    for (const spec of specs) this.scheduler.add(spec);
  }

  skipTaskRuns(kind: SimTaskSpec['kind'], id: number, count = 1): boolean {
    const task = this.tasks.find(kind, id);
    if (!task) return false;
    task.skipsLeft += count;
    return true;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const onAbort = () => {
        this.clock.clearTimeout(h);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const h = this.clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms / this.speed);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    for (const conn of [...this.conns]) {
      conn.socket.resume();
      conn.ws.terminate();
      this.forget(conn);
    }
    this.store.reset();
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections?.();
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }
}

async function certificateFor(tls: SimulatorOptions['tls'], host: string): Promise<{ cert: string; key: string } | undefined> {
  if (!tls) return undefined;
  if (tls !== true) return tls;
  const { generate } = await import('selfsigned');
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const pems = await generate([{ name: 'commonName', value: 'truenas_default' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Starts a simulated TrueNAS server. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const pems = await certificateFor(options.tls, host);
  const server = pems ? createHttpsServer({ cert: pems.cert, key: pems.key }) : createHttpServer();
  const sim = new SimulatorImpl(options, server, pems?.cert);
  await sim.listen(options.port ?? 0);
  return sim;
}
