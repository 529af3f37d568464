import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Session, type SessionBook, type SessionStatus } from '../../../electron/core/session';
import type { CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import { JobwatchError } from '../../../electron/core/errors';

/** A scriptable connection: records calls, lets the test push events and closes. */
class FakeConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  calls: Array<{ method: string; params: unknown[] }> = [];
  subscribed: string[] = [];
  stats = { framesIn: 0, badFrames: 0 };
  snapshot: unknown[] = [];
  /** Resolves the snapshot call only when the test says so (to inject events during the sync). */
  holdSnapshot: Promise<void> | null = null;
  pingBehaviour: 'ok' | 'hang' = 'ok';
  authCheck: 'ok' | 'expired' = 'ok';
  private eventListeners: Array<(e: CollectionEvent) => void> = [];
  private closeListeners: Array<(i: CloseInfo) => void> = [];

  async call(method: string, params: unknown[] = []): Promise<unknown> {
    this.calls.push({ method, params });
    if (method === 'core.get_jobs') {
      const filters = params[0] as unknown[];
      if (filters.length > 0) {
        if (this.authCheck === 'expired') throw new JobwatchError('NOT_AUTHENTICATED', 'Not authenticated');
        return [];
      }
      if (this.holdSnapshot) await this.holdSnapshot;
      return this.snapshot;
    }
    return null;
  }
  async subscribe(collection: string): Promise<void> {
    this.subscribed.push(collection);
  }
  ping(timeoutMs: number): Promise<void> {
    if (this.pingBehaviour === 'ok') return Promise.resolve();
    return new Promise((_, reject) => setTimeout(() => reject(new JobwatchError('TIMEOUT', 'ping timeout')), timeoutMs));
  }
  onEvent(listener: (e: CollectionEvent) => void) {
    this.eventListeners.push(listener);
    return () => {};
  }
  onClose(listener: (i: CloseInfo) => void) {
    this.closeListeners.push(listener);
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close(code = 1000, reason = ''): void {
    if (this.closed) return;
    this.closed = true;
    for (const l of this.closeListeners) l({ code, reason, local: true });
  }
  emit(event: CollectionEvent): void {
    for (const l of this.eventListeners) l(event);
  }
  serverClose(code = 1006): void {
    this.closed = true;
    for (const l of this.closeListeners) l({ code, reason: '', local: false });
  }
}

class RecordingBook implements SessionBook {
  log: string[] = [];
  applySnapshot(raw: unknown[]) {
    this.log.push(`snapshot:${raw.length}`);
    return { upserts: [], removals: [], transitions: [] };
  }
  applyEvent(event: CollectionEvent) {
    this.log.push(`event:${event.msg}:${String(event.id)}`);
    return { upserts: [], removals: [], transitions: [] };
  }
  markDisconnected() {
    this.log.push('disconnected');
  }
}

function event(id: number, msg: 'added' | 'changed' = 'changed'): CollectionEvent {
  return { msg, collection: 'core.get_jobs', id, fields: { id } };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe('Session', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(connections: FakeConnection[], login?: (c: RpcConnection) => Promise<void>) {
    const book = new RecordingBook();
    const statuses: SessionStatus[] = [];
    const queue = [...connections];
    let opened = 0;
    const session = new Session({
      server: 'nas1',
      book,
      connect: async () => {
        opened += 1;
        const next = queue.shift();
        if (!next) throw new JobwatchError('UNREACHABLE', 'connection refused');
        return next;
      },
      login: login ?? (async () => {}),
      onUpdate: () => {},
      onStatus: (s) => statuses.push(s),
      random: () => 0.5,
    });
    return { session, book, statuses, opened: () => opened };
  }

  it('subscribes before taking the snapshot and replays events buffered during the sync', async () => {
    const conn = new FakeConnection();
    let release!: () => void;
    conn.holdSnapshot = new Promise((r) => (release = r));
    conn.snapshot = [{ id: 1 }, { id: 2 }];
    const { session, book } = setup([conn]);
    session.start();
    await settle();
    expect(conn.subscribed).toEqual(['core.get_jobs']);
    expect(session.current().state).toBe('syncing');
    conn.emit(event(3, 'added'));
    expect(book.log).toEqual([]); // buffered, not applied before the snapshot
    release();
    await settle();
    expect(book.log).toEqual(['snapshot:2', 'event:added:3']);
    expect(session.current().state).toBe('live');
    conn.emit(event(3));
    expect(book.log.at(-1)).toBe('event:changed:3');
    session.stop();
  });

  it('goes through every state in order', async () => {
    const { session, statuses } = setup([new FakeConnection()]);
    session.start();
    await settle();
    const states = statuses.map((s) => s.state).filter((s, i, all) => s !== all[i - 1]);
    expect(states).toEqual(['connecting', 'authenticating', 'subscribing', 'syncing', 'live']);
    session.stop();
  });

  it('reconnects with backoff after an abrupt close and resyncs', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    const { session, book } = setup([first, second]);
    session.start();
    await settle();
    first.serverClose(1006);
    expect(session.current().state).toBe('backoff');
    // The problem's code goes with the backoff (views say it in the reader's language), and only with it.
    expect(session.current().problemCode).toBe('CONNECTION_CLOSED');
    expect(book.log).toContain('disconnected');
    const retryAt = session.current().retryAt!;
    expect(retryAt).toBeGreaterThanOrEqual(Date.now());
    await vi.advanceTimersByTimeAsync(retryAt - Date.now() + 1);
    expect(session.current().state).toBe('live');
    expect(session.current().problemCode).toBeNull();
    expect(second.subscribed).toEqual(['core.get_jobs']);
    expect(book.log.filter((l) => l.startsWith('snapshot'))).toHaveLength(2);
    session.stop();
  });

  it('grows the backoff ceiling and caps it', async () => {
    const { session } = setup([]);
    const delays: number[] = [];
    session.start();
    await settle();
    for (let i = 0; i < 10; i++) {
      delays.push(session.current().retryAt! - Date.now());
      await vi.advanceTimersByTimeAsync(delays.at(-1)!);
    }
    // random() = 0.5 → half the ceiling: 500, 1000, 2000 … capped at 30 000.
    expect(delays.slice(0, 4)).toEqual([500, 1000, 2000, 4000]);
    expect(Math.max(...delays)).toBe(30_000);
    session.stop();
  });

  it('stops in needs-attention on a final error and does not retry', async () => {
    const conn = new FakeConnection();
    const { session, opened } = setup([conn, new FakeConnection()], async () => {
      throw new JobwatchError('AUTH_FAILED', 'The API key was not accepted.');
    });
    session.start();
    await settle();
    expect(session.current().state).toBe('needs-attention');
    expect(session.current().attention).toEqual({ code: 'AUTH_FAILED', message: 'The API key was not accepted.' });
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(opened()).toBe(1);
    session.stop();
  });

  it('replaces a half-open socket when a ping gets no answer', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    const { session } = setup([first, second]);
    session.start();
    await settle();
    first.pingBehaviour = 'hang';
    await vi.advanceTimersByTimeAsync(20_000 + 10_000 + 1);
    expect(first.closed).toBe(true);
    expect(session.current().state).toBe('backoff');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.current().state).toBe('live');
    expect(second.subscribed).toHaveLength(1);
    session.stop();
  });

  it('detects a silently expired TrueNAS session with an authenticated call', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    const { session } = setup([first, second]);
    session.start();
    await settle();
    first.authCheck = 'expired';
    await vi.advanceTimersByTimeAsync(5 * 60_000 + 20_000);
    expect(first.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(session.current().state).toBe('live');
    session.stop();
  });

  it('wake() reconnects at once, also out of backoff', async () => {
    const { session, opened } = setup([new FakeConnection()]);
    session.start();
    await settle();
    expect(session.current().state).toBe('live');
    session.wake();
    await settle();
    // the queue is empty now: the immediate reconnect fails and backs off
    expect(opened()).toBe(2);
    expect(session.current().state).toBe('backoff');
    session.wake();
    await settle();
    expect(opened()).toBe(3);
    session.stop();
  });

  it('ignores events and closes from an abandoned connection', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    const { session, book } = setup([first, second]);
    session.start();
    await settle();
    session.wake();
    await settle();
    const before = book.log.length;
    first.emit(event(9));
    first.serverClose();
    expect(book.log.length).toBe(before);
    expect(session.current().state).toBe('live');
    session.stop();
  });
});
