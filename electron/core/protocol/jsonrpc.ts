/**
 * RpcConnection over JSON-RPC 2.0 (`/api/current`, TrueNAS 25.04+): no handshake, integer ids, responses matched
 * by id, `collection_update` notifications routed by collection name (docs/protocol.md §2).
 *
 * `SocketConnection` holds what both wire protocols share (pending calls with the 20-in-flight cap and timeouts,
 * listeners, bad-frame counting, close handling); the legacy client in ./legacy extends it too.
 */
import type WebSocket from 'ws';
import type { ApiFlavor, CallOptions, CloseInfo, CollectionEvent, RpcConnection } from './connection';
import type { JobwatchErrorCode } from '../errors';
import { JobwatchError, RpcError } from '../errors';
import type { TruenasErrorData } from './frames';
import { parseJsonRpcFrame } from './frames';

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** TrueNAS allows 20 calls in flight per connection and answers the 21st with −32000 (§2.5). */
export const MAX_CALLS_IN_FLIGHT = 20;
/** Incoming frames above this end the connection; a `core.get_jobs` snapshot of ~1000 jobs is a few MB. */
export const MAX_INCOMING_FRAME_BYTES = 64 * 1024 * 1024;

/** Close code `ws` uses (and we report) when an incoming frame exceeds maxPayload. */
const CLOSE_MESSAGE_TOO_BIG = 1009;
/** Close code TrueNAS uses when the peer is not in the UI allowlist (§2.1). */
const CLOSE_POLICY_VIOLATION = 1008;
/** A local close() that the peer does not acknowledge (half-open socket) is cut after this long. */
const LOCAL_CLOSE_GRACE_MS = 1_000;

export interface SocketConnectionInfo {
  url: string;
  secureTransport: boolean;
}

export interface SocketConnectionOptions {
  callTimeoutMs?: number;
  /** Mostly for tests; the server's limit is 20. */
  maxCallsInFlight?: number;
  /** The socket's maxPayload, only to name it in the close reason. */
  maxPayloadBytes?: number;
}

interface PendingCall {
  method: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

type Listener<T> = (value: T) => void;

/** The error a pending call gets when the connection goes away. */
export function errorForClose(info: CloseInfo): JobwatchError {
  if (info.code === CLOSE_POLICY_VIOLATION) {
    return new JobwatchError(
      'ACCESS_RESTRICTED',
      'The server refused this computer: its address is not in the TrueNAS UI allowlist ' + '(System → General → Allowed IP addresses).',
      { closeCode: info.code, closeReason: info.reason },
    );
  }
  const why = info.reason ? `: ${info.reason}` : '';
  return new JobwatchError('CONNECTION_CLOSED', `The connection to the server closed (${info.code}${why}).`, {
    closeCode: info.code,
    closeReason: info.reason,
    local: info.local,
  });
}

/**
 * Maps a TrueNAS error (errno/errname/reason) to the Jobwatch code a caller branches on. The same mapping serves
 * JSON-RPC `error.data` and the legacy `result.error` object.
 */
export function codeForTruenasError(data: TruenasErrorData | null | undefined, rpcCode: number | null): JobwatchErrorCode {
  if (rpcCode === -32000) return 'TOO_MANY_CALLS';
  if (!data) return 'RPC_ERROR';
  const reason = data.reason ?? '';
  if (data.error === 207 || data.errname === 'ENOTAUTHENTICATED') return 'NOT_AUTHENTICATED';
  // CORE 13 reports "Not authenticated" as errno 13 (EACCES) without errname; EACCES alone means "Not authorized".
  if (data.error === 13 && /not authenticated/i.test(reason)) return 'NOT_AUTHENTICATED';
  if (data.errname === 'EBUSY' || (data.error === 16 && !data.errname)) return 'RATE_LIMITED';
  // Legacy /websocket reports the concurrency limit as ETOOMANYREFS (§10).
  if (data.errname === 'ETOOMANYREFS' || data.error === 109) return 'TOO_MANY_CALLS';
  return 'RPC_ERROR';
}

export function rpcErrorFrom(
  method: string,
  rpcCode: number | null,
  message: string | null,
  data: TruenasErrorData | null | undefined,
): RpcError {
  const reason = data?.reason ?? null;
  const code = codeForTruenasError(data, rpcCode);
  const text =
    code === 'NOT_AUTHENTICATED'
      ? `Not signed in to the server (${method}); the session may have expired.`
      : code === 'RATE_LIMITED'
        ? `The server is rate limiting this computer (${method}); try again in a minute.`
        : code === 'TOO_MANY_CALLS'
          ? `The server refused ${method}: too many calls in flight.`
          : `${method} failed: ${reason ?? message ?? 'unknown server error'}`;
  return new RpcError(text, rpcCode, data?.error ?? null, data?.errname ?? null, reason, code);
}

/** The socket plumbing both flavors share. The socket handed in must already be open. */
export abstract class SocketConnection implements RpcConnection {
  abstract readonly flavor: ApiFlavor;
  readonly url: string;
  readonly secureTransport: boolean;

  protected readonly socket: WebSocket;
  protected readonly callTimeoutMs: number;
  private readonly maxCallsInFlight: number;
  private readonly pending = new Map<string, PendingCall>();
  private readonly eventListeners = new Set<Listener<CollectionEvent>>();
  private readonly closeListeners = new Set<Listener<CloseInfo>>();
  private readonly badFrameListeners = new Set<Listener<string>>();
  private readonly counters = { framesIn: 0, badFrames: 0 };
  private closeInfo: CloseInfo | null = null;
  private oversizeFrame = false;
  private readonly maxPayloadBytes: number;

  constructor(socket: WebSocket, info: SocketConnectionInfo, options: SocketConnectionOptions = {}) {
    this.socket = socket;
    this.url = info.url;
    this.secureTransport = info.secureTransport;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.maxCallsInFlight = options.maxCallsInFlight ?? MAX_CALLS_IN_FLIGHT;
    this.maxPayloadBytes = options.maxPayloadBytes ?? MAX_INCOMING_FRAME_BYTES;

    socket.on('message', (data, isBinary) => {
      this.counters.framesIn += 1;
      // Nothing may throw out of the socket handler: a bad frame or a failing listener must not end the connection.
      try {
        if (isBinary) {
          this.reportBadFrame('binary frame');
          return;
        }
        this.handleText(rawDataToString(data));
      } catch (err) {
        this.reportBadFrame(`frame handler failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    socket.on('error', (err: Error & { code?: string }) => {
      // `ws` closes with 1009 after this error; remember it so the close reason says what happened.
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.oversizeFrame = true;
    });
    socket.on('close', (code, reasonBuffer) => {
      if (this.oversizeFrame) {
        this.finish({
          code: CLOSE_MESSAGE_TOO_BIG,
          reason: `a message from the server was larger than the ${formatBytes(this.maxPayloadBytes)} limit`,
          local: false,
        });
      } else {
        this.finish({ code, reason: reasonBuffer.toString('utf8'), local: false });
      }
    });
  }

  get stats(): { readonly framesIn: number; readonly badFrames: number } {
    return { framesIn: this.counters.framesIn, badFrames: this.counters.badFrames };
  }

  get closed(): boolean {
    return this.closeInfo !== null;
  }

  /** Number of calls awaiting a reply (for diagnostics and tests). */
  get callsInFlight(): number {
    return this.pending.size;
  }

  abstract call(method: string, params?: unknown[], options?: CallOptions): Promise<unknown>;
  abstract subscribe(collection: string, options?: CallOptions): Promise<void>;
  abstract ping(timeoutMs: number): Promise<void>;
  protected abstract handleText(text: string): void;

  onEvent(listener: (event: CollectionEvent) => void): () => void {
    return addListener(this.eventListeners, listener);
  }

  onClose(listener: (info: CloseInfo) => void): () => void {
    return addListener(this.closeListeners, listener);
  }

  onBadFrame(listener: (reason: string) => void): () => void {
    return addListener(this.badFrameListeners, listener);
  }

  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    // Report the close at once: a caller replacing a half-open socket must not wait for the peer.
    this.finish({ code, reason, local: true });
    try {
      this.socket.close(code, reason);
    } catch {
      this.socket.terminate();
    }
    setTimeout(() => this.socket.terminate(), LOCAL_CLOSE_GRACE_MS).unref();
  }

  /**
   * Registers a pending call under `id` and sends `frame`. The in-flight cap is checked before anything is sent,
   * so the 21st call never reaches the server.
   */
  protected sendTracked(id: string, method: string, frame: string, options?: CallOptions): Promise<unknown> {
    if (this.closeInfo) return Promise.reject(errorForClose(this.closeInfo));
    if (this.pending.size >= this.maxCallsInFlight) {
      return Promise.reject(
        new JobwatchError('TOO_MANY_CALLS', `Not sending ${method}: ${this.maxCallsInFlight} calls are already waiting for the server.`, {
          method,
        }),
      );
    }
    const timeoutMs = options?.timeoutMs ?? this.callTimeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) {
          reject(new JobwatchError('TIMEOUT', `The server did not answer ${method} within ${formatMs(timeoutMs)}.`, { method, timeoutMs }));
        }
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      this.socket.send(frame, (err) => {
        // While the socket is closing, its 'close' event settles the call with the real reason (e.g. 1008).
        if (err && this.socket.readyState === this.socket.OPEN) {
          this.settle(id, { error: new JobwatchError('CONNECTION_CLOSED', `Could not send ${method}: ${err.message}`, { method }) });
        }
      });
    });
  }

  protected pendingMethod(id: string): string | undefined {
    return this.pending.get(id)?.method;
  }

  /** Settles the pending call `id`; false when there is none (late reply after a timeout, or an unknown id). */
  protected settle(id: string, outcome: { result: unknown } | { error: Error }): boolean {
    const call = this.pending.get(id);
    if (!call) return false;
    this.pending.delete(id);
    clearTimeout(call.timer);
    if ('error' in outcome) call.reject(outcome.error);
    else call.resolve(outcome.result);
    return true;
  }

  protected sendUntracked(frame: string): void {
    if (!this.closed) this.socket.send(frame, () => undefined);
  }

  protected emitEvent(event: CollectionEvent): void {
    for (const listener of this.eventListeners) callSafely(listener, event);
  }

  protected reportBadFrame(reason: string): void {
    this.counters.badFrames += 1;
    for (const listener of this.badFrameListeners) callSafely(listener, reason);
  }

  private finish(info: CloseInfo): void {
    if (this.closeInfo) return;
    this.closeInfo = info;
    const error = errorForClose(info);
    for (const id of [...this.pending.keys()]) this.settle(id, { error });
    this.onClosed(info);
    for (const listener of this.closeListeners) callSafely(listener, info);
  }

  /** Hook for subclasses to drop their own waiting state (e.g. legacy pings). */
  protected onClosed(_info: CloseInfo): void {}
}

/** JSON-RPC 2.0 client for `/api/current` (or a pinned `/api/vX`). */
export class JsonRpcConnection extends SocketConnection {
  readonly flavor = 'jsonrpc' as const;
  private nextId = 1;

  constructor(socket: WebSocket, info: SocketConnectionInfo, options: SocketConnectionOptions = {}) {
    super(socket, info, options);
  }

  call(method: string, params: unknown[] = [], options?: CallOptions): Promise<unknown> {
    const id = this.nextId++;
    const frame = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    return this.sendTracked(String(id), method, frame, options);
  }

  async subscribe(collection: string, options?: CallOptions): Promise<void> {
    await this.call('core.subscribe', [collection], options);
  }

  async ping(timeoutMs: number): Promise<void> {
    await this.call('core.ping', [], { timeoutMs });
  }

  protected handleText(text: string): void {
    const parsed = parseJsonRpcFrame(text);
    if (!parsed.ok) {
      this.reportBadFrame(parsed.reason);
      return;
    }
    const frame = parsed.frame;
    switch (frame.kind) {
      case 'event':
        this.emitEvent({ msg: frame.msg, collection: frame.collection, id: frame.id, fields: frame.fields });
        return;
      case 'unsubscribed':
        // Only event sources send this, never core.get_jobs (§2.4); nothing to route it to.
        return;
      case 'result':
        if (frame.id === null || !this.settle(String(frame.id), { result: frame.result })) {
          // A late reply to a call that already timed out is normal; an id we never issued is not.
          if (!this.wasIssued(frame.id)) this.reportBadFrame(`response for unknown call id ${String(frame.id)}`);
        }
        return;
      case 'error': {
        if (frame.id === null) {
          // Connection-level error (bad JSON we sent, batch): no call to fail.
          this.reportBadFrame(`server error without id: ${frame.error.message}`);
          return;
        }
        const id = String(frame.id);
        const method = this.pendingMethod(id) ?? 'call';
        const error = rpcErrorFrom(method, frame.error.code, frame.error.message, frame.error.data);
        if (!this.settle(id, { error }) && !this.wasIssued(frame.id)) this.reportBadFrame(`error for unknown call id ${id}`);
        return;
      }
    }
  }

  private wasIssued(id: string | number | null): boolean {
    return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id < this.nextId;
  }
}

function addListener<T>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** A throwing listener must not break frame dispatch for the others; surface it as a process warning. */
function callSafely<T>(listener: Listener<T>, value: T): void {
  try {
    listener(value);
  } catch (err) {
    process.emitWarning(`Jobwatch connection listener failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export function formatMs(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}
