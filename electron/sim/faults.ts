/**
 * Fault injection for tests: middleware restarts and HA failover, dropped, stalled and allowlist-refused
 * connections, expired sessions, malformed and oversized frames, and lost events.
 */
import type { FaultState, FaultTarget } from './fault-state';
import type { SimJob } from './jobs';

export class Faults implements FaultState {
  private downUntil: Promise<void> | null = null;
  private allowlisted = true;
  private readonly lost = new WeakSet<SimJob>();

  constructor(private readonly target: FaultTarget) {}

  /** The middleware is restarting (nginx answers 502). */
  get down(): boolean {
    return this.downUntil !== null;
  }

  isAllowlisted(): boolean {
    return this.allowlisted;
  }

  eventsLost(job: SimJob): boolean {
    return this.lost.has(job);
  }

  async restartMiddleware(opts: { downtimeMs?: number } = {}): Promise<void> {
    if (this.downUntil) return this.downUntil;
    const { conns, store } = this.target;
    const downtime = opts.downtimeMs ?? this.target.restartDowntimeMs ?? 2000;
    let release!: () => void;
    this.downUntil = new Promise<void>((r) => (release = r));
    const waiting = this.downUntil;
    for (const conn of [...conns]) {
      conn.open = false;
      conn.socket.resume();
      conn.ws.terminate();
      conns.forget(conn);
    }
    store.reset();
    this.target.forgetServerState();
    setTimeout(() => {
      this.downUntil = null;
      release();
    }, downtime);
    return waiting;
  }

  failover(opts: { downtimeMs?: number } = {}): Promise<void> {
    if (this.downUntil) return this.downUntil;
    const { store } = this.target;
    // The peer received these as each job finished (`plugins/failover_/jobs_copy.py`); taken before the reset.
    const copies = store.finishedCopies();
    const back = this.restartMiddleware(opts);
    for (const job of copies) store.receiveCopy(job);
    return back;
  }

  dropConnections(opts: { code?: number; reason?: string } = {}): void {
    const { conns } = this.target;
    for (const conn of [...conns]) {
      conn.socket.resume();
      if (opts.code !== undefined) {
        conn.stalled = false;
        conns.forget(conn);
        conn.ws.close(opts.code, opts.reason ?? '');
      } else {
        conn.open = false;
        conn.ws.terminate();
        conns.forget(conn);
      }
    }
  }

  stall(): void {
    const { conns } = this.target;
    for (const conn of conns) {
      conn.stalled = true;
      conn.socket.pause();
      conns.armIdle(conn);
    }
  }

  unstall(): void {
    const { conns } = this.target;
    for (const conn of conns) {
      if (!conn.stalled) continue;
      conn.stalled = false;
      conn.socket.resume();
      conns.armIdle(conn);
    }
  }

  expireSessions(): void {
    for (const conn of this.target.conns) {
      conn.user = null;
      conn.pendingOtp = null;
    }
  }

  sendMalformed(): number {
    const { conns } = this.target;
    let n = 0;
    for (const conn of conns) {
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
      if (conns.sendRaw(conn, bad)) n++;
      if (conns.send(conn, invalid)) n++;
    }
    return n;
  }

  sendOversized(chars = 3 * 1024 * 1024): number {
    const { conns } = this.target;
    let n = 0;
    const padding = 'x'.repeat(chars);
    for (const conn of conns) {
      if (conn.subs.size === 0) continue;
      const body = { msg: 'changed', collection: 'sim.oversized', id: 0, fields: { padding } };
      if (conns.send(conn, conn.kind === 'rpc' ? { jsonrpc: '2.0', method: 'collection_update', params: body } : body)) n++;
    }
    return n;
  }

  loseEvents(jobId: number): boolean {
    const job = this.target.store.get(jobId);
    if (!job) return false;
    this.lost.add(job);
    return true;
  }

  setAllowlisted(allowed: boolean): void {
    this.allowlisted = allowed;
  }
}
