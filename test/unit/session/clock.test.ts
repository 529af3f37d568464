import { describe, expect, it } from 'vitest';
import { ClockOffsetEstimator, Session, type SessionBook } from '../../../electron/core/session';
import type { CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';

/** Just enough of a connection to go live and receive events. */
class EventConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  private listeners: Array<(e: CollectionEvent) => void> = [];
  async call(): Promise<unknown> {
    return [];
  }
  async subscribe(): Promise<void> {}
  async ping(): Promise<void> {}
  onEvent(listener: (e: CollectionEvent) => void) {
    this.listeners.push(listener);
    return () => {};
  }
  onClose(_listener: (i: CloseInfo) => void) {
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close(): void {
    this.closed = true;
  }
  added(id: number, timeStartedMs: number): void {
    for (const l of this.listeners)
      l({ msg: 'added', collection: 'core.get_jobs', id, fields: { id, time_started: { $date: timeStartedMs } } });
  }
}

const nothing = { upserts: [], removals: [], transitions: [] };
const book: SessionBook = { applySnapshot: () => nothing, applyEvent: () => nothing, markDisconnected: () => {} };

async function liveSession(now: () => number): Promise<{ session: Session; conn: EventConnection }> {
  const conn = new EventConnection();
  const session = new Session({ server: 'nas1', book, connect: async () => conn, login: async () => {}, onUpdate: () => {}, now });
  session.start();
  for (let i = 0; i < 20 && session.current().state !== 'live'; i++) await Promise.resolve();
  expect(session.current().state).toBe('live');
  return { session, conn };
}

const MINUTE = 60_000;

describe('server clock offset', () => {
  it('one added event with a bogus time_started does not move the offset', async () => {
    let desktop = 1_000_000_000;
    const { session, conn } = await liveSession(() => desktop);
    // The server runs 30 s behind the desktop.
    for (let id = 1; id <= 4; id++) {
      desktop += 1_000;
      conn.added(id, desktop - 30_000);
    }
    expect(session.current().clockOffsetMs).toBe(30_000);
    desktop += 1_000;
    conn.added(5, desktop - 2 * 3600_000); // an HA copy or a re-added job: started two hours ago
    expect(session.current().clockOffsetMs).toBe(30_000);
    desktop += 1_000;
    conn.added(6, desktop + 365 * 24 * 3600_000); // nonsense from the future
    expect(session.current().clockOffsetMs).toBe(30_000);
    session.stop();
  });

  it('follows the server clock when several samples in a row agree that it changed', async () => {
    let desktop = 2_000_000_000;
    const { session, conn } = await liveSession(() => desktop);
    conn.added(1, desktop - 10_000);
    expect(session.current().clockOffsetMs).toBe(10_000);
    for (let id = 2; id <= 4; id++) {
      desktop += 1_000;
      conn.added(id, desktop + 20 * MINUTE); // NTP moved the server 20 min ahead
    }
    expect(session.current().clockOffsetMs).toBe(-20 * MINUTE);
    session.stop();
  });
});

describe('ClockOffsetEstimator', () => {
  it('keeps the median of the recent samples, to whole seconds', () => {
    const clock = new ClockOffsetEstimator();
    expect(clock.add(4_200)).toBe(4_000);
    clock.add(5_100);
    expect(clock.add(4_900)).toBe(5_000);
    expect(clock.add(60_000)).toBe(5_000); // within the tolerance but the median ignores a single odd one
  });

  it('needs the outliers to agree with one another, not just to be far away', () => {
    const clock = new ClockOffsetEstimator();
    clock.add(0);
    clock.add(-10 * MINUTE);
    clock.add(10 * MINUTE);
    expect(clock.add(30 * MINUTE)).toBe(0);
  });

  it('a sample near the estimate breaks a run of outliers', () => {
    const clock = new ClockOffsetEstimator();
    clock.add(0);
    clock.add(10 * MINUTE);
    clock.add(10 * MINUTE);
    clock.add(1_000);
    expect(clock.add(10 * MINUTE)).toBeLessThanOrEqual(1_000);
  });
});
