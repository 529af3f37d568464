/**
 * Calling a method of the table for a connection, as both protocols do: the in-flight count, the session check,
 * the unauthenticated rate limit, and the warning for methods private on this version's /api/current.
 */
import type { Conn } from './connection';
import { notAuthenticated, SimCallError } from './errors';
import type { MethodDef } from './methods';
import type { SimVersion, SimulatorOptions } from './types';
import { traits } from './versions';

export const MAX_IN_FLIGHT = 20;
const OLD_LOGIN_METHODS = new Set(['auth.login', 'auth.login_with_api_key']);

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What a protocol needs of the server: sending a message and calling a method. */
export interface CallEndpoint {
  readonly version: SimVersion;
  send(conn: Conn, msg: unknown): boolean;
  lookup(method: string): MethodDef | undefined;
  call(conn: Conn, method: string, params: unknown[], requestId: unknown): Promise<unknown>;
}

export class Dispatcher {
  /** Calls of methods private on this version's /api/current (the server logs a warning and runs them). */
  privateMethodWarnings = 0;
  private readonly rateHits = new Map<string, number[]>();

  constructor(
    private readonly methods: Map<string, MethodDef>,
    private readonly version: SimVersion,
    private readonly opts: SimulatorOptions,
  ) {}

  lookup(method: string): MethodDef | undefined {
    return this.methods.get(method);
  }

  async call(conn: Conn, method: string, params: unknown[], requestId: unknown): Promise<unknown> {
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

  /** A middleware restart forgets the rate-limit windows. */
  clearRateLimits(): void {
    this.rateHits.clear();
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
}
