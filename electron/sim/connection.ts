/**
 * One WebSocket connection's state (its session, subscriptions, options, in-flight calls) and the set of open
 * connections: accepting, idle time-out, sending and receiving frames with the middleware's message-size limits.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RawData, WebSocket } from 'ws';
import type { JobOwner } from './jobs';
import type { SimUser } from './types';

const UNAUTH_LIMIT = 8192;
const AUTH_LIMIT = 65536;

/** A fake external starter (e.g. cron's midclt over the unix socket). */
export class ExternalStarter implements JobOwner {
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

export class Conn implements JobOwner {
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

export function isLoopback(addr: string): boolean {
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}

export interface ConnectionsOptions {
  /** nginx proxy_read_timeout for this server (0: none), read at each arming. */
  idleTimeoutMs(): number;
  /** false: new connections are closed with 1008 as by the UI allowlist. */
  allowlisted(): boolean;
  /** A text frame within the size limits, from a connection that is neither stalled nor closed. */
  onText(conn: Conn, text: string): void;
}

/** The open connections, with the frame counters stats() reports. */
export class Connections implements Iterable<Conn> {
  private readonly conns = new Set<Conn>();
  framesSent = 0;
  framesReceived = 0;
  bytesSent = 0;

  constructor(private readonly opts: ConnectionsOptions) {}

  get size(): number {
    return this.conns.size;
  }

  [Symbol.iterator](): Iterator<Conn> {
    return this.conns[Symbol.iterator]();
  }

  accept(conn: Conn): void {
    this.conns.add(conn);
    const { ws } = conn;
    if (!this.opts.allowlisted()) {
      ws.close(1008, 'You are not allowed to access this resource');
      return;
    }
    this.armIdle(conn);
    ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
    ws.on('close', () => this.forget(conn));
    ws.on('error', () => this.forget(conn));
  }

  forget(conn: Conn): void {
    conn.open = false;
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    this.conns.delete(conn);
  }

  armIdle(conn: Conn): void {
    if (conn.idleTimer) clearTimeout(conn.idleTimer);
    conn.idleTimer = undefined;
    const ms = this.opts.idleTimeoutMs();
    if (ms > 0 && !conn.stalled && conn.open) {
      // nginx proxy_read_timeout: the connection is cut without a close frame.
      conn.idleTimer = setTimeout(() => conn.ws.terminate(), ms);
    }
  }

  sendRaw(conn: Conn, text: string): boolean {
    if (!conn.open || conn.stalled || conn.ws.readyState !== conn.ws.OPEN) return false;
    conn.ws.send(text);
    this.framesSent++;
    this.bytesSent += Buffer.byteLength(text);
    this.armIdle(conn);
    return true;
  }

  send(conn: Conn, msg: unknown): boolean {
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
    this.opts.onText(conn, text);
  }
}
