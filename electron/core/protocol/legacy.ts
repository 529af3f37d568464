/**
 * RpcConnection over the legacy DDP-like `/websocket` protocol (CORE 13, SCALE ≤ 24.10, still served by 25.04+;
 * docs/protocol.md §10): `connect` → `connected`, `method` → `result`, `sub` → `ready`, `added`/`changed` events.
 *
 * Ping: CORE and SCALE ≤ 24.10 answer `{"msg":"ping"}` with a pong; 25.04+ ignore it. Each connection decides once:
 * the first ping() sends `msg:"ping"` and waits a short probe time (`pingProbeTimeoutMs`, at most half the ping's
 * timeout). A pong → keep using `msg:"ping"` (cheap, needs no login). Silence → use `core.ping` through
 * `msg:"method"` for the rest of the ping's budget and for every later ping. Guessing wrong is harmless:
 * `core.ping` exists on every version, and we are logged in by the time pings start (25.04 requires it).
 */
import type WebSocket from 'ws';
import type { CallOptions, CloseInfo } from './connection';
import { JobwatchError } from '../errors';
import { parseLegacyFrame } from './frames';
import { SocketConnection, errorForClose, formatMs, rpcErrorFrom } from './jsonrpc';
import type { SocketConnectionInfo, SocketConnectionOptions } from './jsonrpc';

export const DEFAULT_PING_PROBE_TIMEOUT_MS = 2_000;
export const DEFAULT_LEGACY_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface LegacyConnectionOptions extends SocketConnectionOptions {
  pingProbeTimeoutMs?: number;
}

export type LegacyPingMode = 'unknown' | 'msg-ping' | 'core.ping';

interface PendingPing {
  resolve: () => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

interface Handshake {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class LegacyConnection extends SocketConnection {
  readonly flavor = 'legacy' as const;
  private nextId = 1;
  private nextPingId = 1;
  private readonly pings = new Map<string, PendingPing>();
  private readonly pingProbeTimeoutMs: number;
  private mode: LegacyPingMode = 'unknown';
  private handshake: Handshake | null = null;
  private sessionId: string | null = null;

  /**
   * Wraps an open socket and performs the `connect` handshake. Rejects with TIMEOUT, ENDPOINT_NOT_FOUND (`failed`)
   * or the close error (ACCESS_RESTRICTED on 1008) and closes the socket on failure.
   */
  static async open(
    socket: WebSocket,
    info: SocketConnectionInfo,
    options: LegacyConnectionOptions & { handshakeTimeoutMs?: number } = {},
  ): Promise<LegacyConnection> {
    const connection = new LegacyConnection(socket, info, options);
    await connection.performHandshake(options.handshakeTimeoutMs ?? DEFAULT_LEGACY_HANDSHAKE_TIMEOUT_MS);
    return connection;
  }

  private constructor(socket: WebSocket, info: SocketConnectionInfo, options: LegacyConnectionOptions) {
    super(socket, info, options);
    this.pingProbeTimeoutMs = options.pingProbeTimeoutMs ?? DEFAULT_PING_PROBE_TIMEOUT_MS;
  }

  /** The server's session id from `connected`. */
  get session(): string | null {
    return this.sessionId;
  }

  /** How this connection pings, once decided (see the module comment). */
  get pingMode(): LegacyPingMode {
    return this.mode;
  }

  call(method: string, params: unknown[] = [], options?: CallOptions): Promise<unknown> {
    const id = String(this.nextId++);
    return this.sendTracked(id, method, JSON.stringify({ id, msg: 'method', method, params }), options);
  }

  async subscribe(collection: string, options?: CallOptions): Promise<void> {
    const id = String(this.nextId++);
    await this.sendTracked(id, `subscribe ${collection}`, JSON.stringify({ id, msg: 'sub', name: collection }), options);
  }

  async ping(timeoutMs: number): Promise<void> {
    if (this.mode === 'core.ping') {
      await this.call('core.ping', [], { timeoutMs });
      return;
    }
    if (this.mode === 'msg-ping') {
      await this.msgPing(timeoutMs);
      return;
    }
    const probeMs = Math.max(1, Math.min(this.pingProbeTimeoutMs, Math.floor(timeoutMs / 2)));
    try {
      await this.msgPing(probeMs);
      this.mode = 'msg-ping';
      return;
    } catch (err) {
      if (!(err instanceof JobwatchError) || err.code !== 'TIMEOUT') throw err;
    }
    this.mode = 'core.ping';
    await this.call('core.ping', [], { timeoutMs: Math.max(1, timeoutMs - probeMs) });
  }

  protected handleText(text: string): void {
    const parsed = parseLegacyFrame(text);
    if (!parsed.ok) {
      this.reportBadFrame(parsed.reason);
      return;
    }
    const frame = parsed.frame;
    switch (frame.msg) {
      case 'connected':
        this.sessionId = frame.session ?? null;
        this.handshake?.resolve();
        return;
      case 'failed':
        this.handshake?.reject(
          new JobwatchError('ENDPOINT_NOT_FOUND', 'The server refused the legacy /websocket handshake (protocol version not supported).'),
        );
        return;
      case 'result': {
        const id = String(frame.id);
        const method = this.pendingMethod(id) ?? 'call';
        const outcome = frame.error ? { error: rpcErrorFrom(method, null, null, frame.error) } : { result: frame.result };
        if (!this.settle(id, outcome) && !this.wasIssued(id)) this.reportBadFrame(`result for unknown call id ${id}`);
        return;
      }
      case 'ready':
        for (const sub of frame.subs) this.settle(String(sub), { result: undefined });
        return;
      case 'nosub':
        // Event-source termination (§10). If it names a subscription still waiting for `ready`, that sub failed.
        if (frame.id !== undefined) {
          const id = String(frame.id);
          const method = this.pendingMethod(id) ?? 'subscribe';
          this.settle(id, { error: rpcErrorFrom(method, null, 'subscription ended', frame.error) });
        }
        return;
      case 'added':
      case 'changed':
      case 'removed':
        this.emitEvent({ msg: frame.msg, collection: frame.collection, id: frame.id, fields: frame.fields });
        return;
      case 'pong': {
        const ping = frame.id === undefined ? undefined : this.pings.get(String(frame.id));
        if (ping && frame.id !== undefined) {
          this.pings.delete(String(frame.id));
          clearTimeout(ping.timer);
          ping.resolve();
        }
        return;
      }
    }
  }

  protected override onClosed(info: CloseInfo): void {
    for (const [id, ping] of this.pings) {
      this.pings.delete(id);
      clearTimeout(ping.timer);
      ping.reject(errorForClose(info));
    }
  }

  private performHandshake(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new JobwatchError('TIMEOUT', `The server did not answer the /websocket handshake within ${formatMs(timeoutMs)}.`));
      }, timeoutMs);
      const stopWatchingClose = this.onClose((info) => fail(errorForClose(info)));
      const done = () => {
        clearTimeout(timer);
        stopWatchingClose();
        this.handshake = null;
      };
      const fail = (error: Error) => {
        done();
        if (!this.closed) this.close(1000, 'handshake failed');
        reject(error);
      };
      this.handshake = {
        resolve: () => {
          done();
          resolve();
        },
        reject: fail,
      };
      this.sendUntracked(JSON.stringify({ msg: 'connect', version: '1', support: ['1'] }));
    });
  }

  private msgPing(timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new JobwatchError('CONNECTION_CLOSED', 'The connection to the server is closed.'));
    const id = `ping-${this.nextPingId++}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pings.delete(id)) {
          reject(new JobwatchError('TIMEOUT', `The server did not answer a ping within ${formatMs(timeoutMs)}.`, { timeoutMs }));
        }
      }, timeoutMs);
      this.pings.set(id, { resolve, reject, timer });
      this.sendUntracked(JSON.stringify({ msg: 'ping', id }));
    });
  }

  private wasIssued(id: string): boolean {
    const n = Number(id);
    return Number.isInteger(n) && n >= 1 && n < this.nextId;
  }
}
