/**
 * One interface over both TrueNAS wire protocols (JSON-RPC 2.0 on /api/current, and the legacy DDP-like
 * /websocket). The session layer talks only to this; it never sees frames.
 */

export type ApiFlavor = 'jsonrpc' | 'legacy';

/** A job-collection event after frame parsing (not yet validated as a job). */
export interface CollectionEvent {
  msg: 'added' | 'changed' | 'removed';
  collection: string;
  id: unknown;
  fields: Record<string, unknown> | undefined;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** True when we closed it ourselves (close() called). */
  local: boolean;
}

export interface CallOptions {
  /** Defaults to the connection's call timeout (30 s). */
  timeoutMs?: number;
}

export interface RpcConnection {
  readonly flavor: ApiFlavor;
  /** The exact ws:// or wss:// URL connected to. */
  readonly url: string;
  /** wss://, or a loopback host: where TrueNAS treats the transport as secure. */
  readonly secureTransport: boolean;
  /**
   * Calls a method. Rejects with RpcError for server errors, JobwatchError TIMEOUT / CONNECTION_CLOSED /
   * TOO_MANY_CALLS (at most 20 in flight: the 21st is refused locally, never sent).
   */
  call(method: string, params?: unknown[], options?: CallOptions): Promise<unknown>;
  /** Subscribes to an event collection (core.subscribe on JSON-RPC, msg:"sub" on legacy). */
  subscribe(collection: string, options?: CallOptions): Promise<void>;
  /**
   * Proves the server is alive: core.ping on JSON-RPC and on legacy 25.04+; msg:"ping" on legacy servers that
   * answer it. Rejects on timeout.
   */
  ping(timeoutMs: number): Promise<void>;
  onEvent(listener: (event: CollectionEvent) => void): () => void;
  onClose(listener: (info: CloseInfo) => void): () => void;
  /** A frame that could not be parsed or failed validation: counted and dropped, the connection goes on. */
  onBadFrame(listener: (reason: string) => void): () => void;
  readonly stats: { readonly framesIn: number; readonly badFrames: number };
  readonly closed: boolean;
  close(code?: number, reason?: string): void;
}
