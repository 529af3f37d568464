/**
 * A credential that worked and is then refused (AUTH_ERR: key deleted, directory service down) is retried slowly;
 * one that never worked is not; wake() never resends a refused credential.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TIMINGS, Session, type SessionBook, type SessionStatus } from '../../../electron/core/session';
import type { CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import { JobwatchError } from '../../../electron/core/errors';

class FakeConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  private closeListeners: Array<(i: CloseInfo) => void> = [];
  async call(): Promise<unknown> {
    return [];
  }
  async subscribe(): Promise<void> {}
  async ping(): Promise<void> {}
  onEvent(_listener: (e: CollectionEvent) => void) {
    return () => {};
  }
  onClose(listener: (i: CloseInfo) => void) {
    this.closeListeners.push(listener);
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close(): void {
    this.closed = true;
  }
  serverClose(): void {
    this.closed = true;
    for (const l of this.closeListeners) l({ code: 1006, reason: '', local: false });
  }
}

const book: SessionBook = {
  applySnapshot: () => ({ upserts: [], removals: [], transitions: [] }),
  applyEvent: () => ({ upserts: [], removals: [], transitions: [] }),
  markDisconnected: () => {},
};

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

const MINUTE = 60_000;

/** A server whose answer to a login the test decides; counts logins and keeps every connection it handed out. */
function setup(random = 1) {
  const state = { refuse: null as JobwatchError | null, logins: 0, lastLoginAt: 0, connections: [] as FakeConnection[] };
  const statuses: SessionStatus[] = [];
  const session = new Session({
    server: 'nas1',
    book,
    connect: async () => {
      const c = new FakeConnection();
      state.connections.push(c);
      return c;
    },
    login: async () => {
      state.logins += 1;
      state.lastLoginAt = Date.now();
      if (state.refuse) throw state.refuse;
    },
    onUpdate: () => {},
    onStatus: (s) => statuses.push(s),
    random: () => random,
  });
  return { session, state, statuses, last: () => state.connections[state.connections.length - 1]! };
}

const refused = () =>
  new JobwatchError('AUTH_FAILED', 'Sign-in failed: the server did not accept the API key.', {
    credential: 'api-key',
    advice: 'Create a new API key.',
  });

describe('Session: a credential refused after it worked', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows needs-attention at once with the next retry time, retries slowly (2 min doubling to 30 min) and goes live when accepted again', async () => {
    const { session, state, last } = setup(1);
    session.start();
    await settle();
    expect(session.current().state).toBe('live');
    expect(state.logins).toBe(1);

    state.refuse = refused();
    last().serverClose();
    // the ordinary backoff reconnects within a second; that login is refused
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffBaseMs);
    expect(state.logins).toBe(2);
    const status = session.current();
    expect(status.state).toBe('needs-attention');
    expect(status.attention?.code).toBe('AUTH_FAILED');
    expect(status.attention?.message).toMatch(/^Worked before, now refused/);
    expect(status.attention?.message).toMatch(/revoked/);
    expect(status.attention?.message).toMatch(/directory service/);
    expect(status.attention?.message).toContain('Create a new API key.');
    expect(status.retryAt).toBe(state.lastLoginAt + 2 * MINUTE);

    // the next logins come 2, 4, 8, 16, 30, 30 minutes apart: never sooner
    const gaps = [2, 4, 8, 16, 30, 30];
    for (const [i, gap] of gaps.entries()) {
      await vi.advanceTimersByTimeAsync(gap * MINUTE - 1);
      expect(state.logins).toBe(2 + i);
      await vi.advanceTimersByTimeAsync(1);
      expect(state.logins).toBe(3 + i);
      expect(session.current().state).toBe('needs-attention');
    }

    state.refuse = null;
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(session.current()).toMatchObject({ state: 'live', attention: null, retryAt: null });
    session.stop();
  });

  it('jitters each wait within ¾–1 of its ceiling', async () => {
    const { session, state, last } = setup(0);
    session.start();
    await settle();
    state.refuse = refused();
    last().serverClose();
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffBaseMs);
    expect(session.current().retryAt).toBe(state.lastLoginAt + 1.5 * MINUTE);
    session.stop();
  });

  it('starts the slow schedule from 2 minutes again once the credential was accepted in between', async () => {
    const { session, state, last } = setup(1);
    session.start();
    await settle();
    state.refuse = refused();
    last().serverClose();
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffBaseMs);
    await vi.advanceTimersByTimeAsync(2 * MINUTE); // refused again: next in 4 min
    expect(session.current().retryAt).toBe(state.lastLoginAt + 4 * MINUTE);
    state.refuse = null;
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(session.current().state).toBe('live');
    state.refuse = refused();
    last().serverClose();
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffCapMs);
    expect(session.current().state).toBe('needs-attention');
    expect(session.current().retryAt).toBe(state.lastLoginAt + 2 * MINUTE);
    session.stop();
  });

  it('wake() sends no login while the credential is refused, and the slow retry keeps its time', async () => {
    const { session, state, last } = setup(1);
    session.start();
    await settle();
    state.refuse = refused();
    last().serverClose();
    await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffBaseMs);
    const logins = state.logins;
    const connections = state.connections.length;
    const retryAt = session.current().retryAt;

    session.wake();
    session.wake();
    await settle();
    expect(state.logins).toBe(logins);
    expect(state.connections.length).toBe(connections);
    expect(session.current()).toMatchObject({ state: 'needs-attention', retryAt });

    await vi.advanceTimersByTimeAsync(retryAt! - Date.now());
    expect(state.logins).toBe(logins + 1);
    session.stop();
  });

  it('does not slow-retry an expired or revoked key (EXPIRED), a missing API role (DENIED) or a wrong one-time code', async () => {
    for (const err of [
      new JobwatchError('AUTH_EXPIRED', 'expired'),
      new JobwatchError('AUTH_DENIED', 'denied'),
      new JobwatchError('AUTH_FAILED', 'The server did not accept the one-time code.', { oneTimeCode: true }),
    ]) {
      const { session, state, last } = setup(1);
      session.start();
      await settle();
      state.refuse = err;
      last().serverClose();
      await vi.advanceTimersByTimeAsync(DEFAULT_TIMINGS.backoffBaseMs);
      expect(session.current()).toMatchObject({
        state: 'needs-attention',
        retryAt: null,
        attention: { code: err.code, message: err.message },
      });
      const logins = state.logins;
      session.wake();
      await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE);
      expect(state.logins).toBe(logins);
      session.stop();
    }
  });
});

describe('Session: a credential that never worked', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('stays in needs-attention without retrying, and wake() does not resend it', async () => {
    const { session, state } = setup(1);
    state.refuse = refused();
    session.start();
    await settle();
    expect(session.current()).toMatchObject({
      state: 'needs-attention',
      retryAt: null,
      attention: { code: 'AUTH_FAILED', message: refused().message },
    });
    session.wake();
    await vi.advanceTimersByTimeAsync(2 * 60 * MINUTE);
    session.wake();
    await settle();
    expect(state.logins).toBe(1);
    expect(state.connections).toHaveLength(1);
    session.stop();
  });

  it('wake() still reconnects out of needs-attention for errors that are not about the credential', async () => {
    const { session, state } = setup(1);
    state.refuse = new JobwatchError('CERT_CHANGED', 'The certificate changed.');
    session.start();
    await settle();
    expect(session.current().state).toBe('needs-attention');
    state.refuse = null;
    session.wake(); // e.g. after the person trusted the new certificate
    await settle();
    expect(session.current().state).toBe('live');
    expect(state.logins).toBe(2);
    session.stop();
  });
});
