/**
 * The simulated TrueNAS server without fault injection: HTTP(S) + WebSocket on one port, JSON-RPC 2.0 at
 * /api/current (25.04+) and the legacy DDP-like protocol at /websocket, following the middleware as
 * docs/protocol.md describes it, with the control methods that start and drive jobs, accounts and tasks.
 *
 * This module composes the parts: ./http-routes (nginx's locations, downloads), ./connection (connection state and
 * frames), ./jsonrpc-protocol and ./legacy-protocol, ./methods (the method table) and ./dispatch (calling it),
 * ./broadcast (job events) and ./tls-certificate. What the parts read of fault injection comes in as a FaultState
 * (./fault-state): ./server plugs in ./faults, the demo server (./demo-entry) the steady state.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Accounts } from './auth';
import { broadcast, type BroadcastTarget } from './broadcast';
import { realClock } from './clock';
import { Connections, ExternalStarter, type Conn } from './connection';
import { Dispatcher, type CallEndpoint } from './dispatch';
import { steadyState, type FaultState, type FaultTarget } from './fault-state';
import { HttpRoutes, type Download } from './http-routes';
import { JobStore, isTerminal } from './jobs';
import { onRpc } from './jsonrpc-protocol';
import { onLegacy } from './legacy-protocol';
import { buildMethods } from './methods';
import { SimScheduler } from './scheduler';
import { SimTasks } from './tasks';
import { certificateFor } from './tls-certificate';
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

/** The simulator without fault injection: addresses, the demo account, and the control API for jobs, keys and tasks. */
export interface CoreSimulator {
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

export class SimulatorCore<F extends FaultState = FaultState> implements CoreSimulator {
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
  private readonly conns = new Connections({
    idleTimeoutMs: () => this.opts.idleTimeoutMs ?? traits(this.version).idleTimeoutMs,
    allowlisted: () => this.faults.isAllowlisted(),
    onText: (conn, text) => this.onText(conn, text),
  });
  private readonly downloads = new Map<number, Download>();
  private readonly pending = new Map<number, Promise<WireJob>>();
  private closed = false;
  protected readonly faults: F;
  private readonly tasks: SimTasks;
  private readonly scheduler: SimScheduler;
  private readonly dispatcher: Dispatcher;
  private readonly endpoint: CallEndpoint;
  private readonly events: BroadcastTarget;
  private readonly http: HttpRoutes;

  constructor(
    private readonly opts: SimulatorOptions,
    private readonly server: HttpServer,
    cert: string | undefined,
    faultsFor: (target: FaultTarget) => F,
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
      emit: (kind, job) => broadcast(this.events, kind, job),
    });
    this.faults = faultsFor({
      conns: this.conns,
      store: this.store,
      restartDowntimeMs: opts.restartDowntimeMs,
      forgetServerState: () => {
        this.pending.clear();
        this.downloads.clear();
        this.dispatcher.clearRateLimits();
      },
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
      down: () => this.faults.down || this.closed,
      startJob: (spec) => this.startJob(spec),
    });
    const methods = buildMethods({
      version: this.version,
      opts,
      store: this.store,
      accounts: this.accounts,
      tasks: this.tasks,
      downloads: this.downloads,
    });
    this.dispatcher = new Dispatcher(methods, this.version, opts);
    this.endpoint = {
      version: this.version,
      send: (conn, msg) => this.conns.send(conn, msg),
      lookup: (method) => this.dispatcher.lookup(method),
      call: (conn, method, params, requestId) => this.dispatcher.call(conn, method, params, requestId),
    };
    this.events = {
      version: this.version,
      store: this.store,
      conns: this.conns,
      send: (conn, msg) => this.conns.send(conn, msg),
      eventsLost: (job) => this.faults.eventsLost(job),
    };
    this.http = new HttpRoutes({
      version: this.version,
      host: this.host,
      tls: this.tls,
      insecureLoopback: opts.insecureLoopback,
      downloads: this.downloads,
      port: () => this.port,
      closed: () => this.closed,
      down: () => this.faults.down,
      accept: (conn) => this.conns.accept(conn),
    });
    this.scheduler.start();
    this.http.attach(server);
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

  private onText(conn: Conn, text: string): void {
    if (conn.kind === 'rpc') void onRpc(this.endpoint, conn, text);
    else void onLegacy(this.endpoint, conn, text);
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
      framesSent: this.conns.framesSent,
      framesReceived: this.conns.framesReceived,
      bytesSent: this.conns.bytesSent,
      privateMethodWarnings: this.dispatcher.privateMethodWarnings,
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
      this.conns.forget(conn);
    }
    this.store.reset();
    this.http.close();
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

/** The HTTP(S) server a simulator listens on, with its certificate when TLS. */
export async function openServer(options: SimulatorOptions): Promise<{ server: HttpServer; cert: string | undefined }> {
  const pems = await certificateFor(options.tls, options.host ?? '127.0.0.1');
  const server = pems ? createHttpsServer({ cert: pems.cert, key: pems.key }) : createHttpServer();
  return { server, cert: pems?.cert };
}

/** Starts a simulated TrueNAS server that never fails: nothing down, every client allowlisted, no event lost. */
export async function startCoreSimulator(options: SimulatorOptions = {}): Promise<CoreSimulator> {
  const { server, cert } = await openServer(options);
  const sim = new SimulatorCore(options, server, cert, () => steadyState);
  await sim.listen(options.port ?? 0);
  return sim;
}
