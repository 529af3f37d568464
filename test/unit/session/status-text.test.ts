import { describe, expect, it } from 'vitest';
import { Session, type SessionBook, type SessionStatus } from '../../../electron/core/session';
import type { CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import { JobwatchError, RpcError } from '../../../electron/core/errors';

const KEY = '7-qwertyuiopasdfghjklzxcvbnm0123456789';

/** A connection whose snapshot call fails with what the test says, and that the test can close from the server side. */
class FailingConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  private closeListeners: Array<(i: CloseInfo) => void> = [];
  constructor(private readonly snapshotError: unknown) {}
  async call(method: string): Promise<unknown> {
    if (method === 'core.get_jobs' && this.snapshotError) throw this.snapshotError;
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
  serverClose(code: number, reason: string): void {
    this.closed = true;
    for (const l of this.closeListeners) l({ code, reason, local: false });
  }
}

const nothing = { upserts: [], removals: [], transitions: [] };
const book: SessionBook = { applySnapshot: () => nothing, applyEvent: () => nothing, markDisconnected: () => {} };

async function run(conn: FailingConnection, act?: (c: FailingConnection) => void): Promise<SessionStatus[]> {
  const statuses: SessionStatus[] = [];
  let sent: string | null = null;
  const session = new Session({
    server: 'nas1',
    book,
    connect: async () => conn,
    login: async () => {
      sent = KEY;
    },
    secretForScrubbing: () => sent,
    onUpdate: () => {},
    onStatus: (s) => statuses.push(s),
    timings: { backoffBaseMs: 60_000 },
    random: () => 0.5,
  });
  session.start();
  for (let i = 0; i < 20; i++) await Promise.resolve();
  act?.(conn);
  session.stop();
  return statuses;
}

function texts(statuses: SessionStatus[]): string[] {
  return statuses.flatMap((s) => [s.detail, s.attention?.message ?? '']);
}

describe('status texts from the server', () => {
  it('an error reason that echoes the key: masked, one line, bounded', async () => {
    const reason = `[EINVAL] api_key: invalid value ${KEY}\n${'x'.repeat(5000)}`;
    const statuses = await run(new FailingConnection(new RpcError(`core.get_jobs failed: ${reason}`, -32000, 22, 'EINVAL', reason)));
    const failed = statuses.find((s) => s.state === 'backoff');
    expect(failed?.detail).toMatch(/^core\.get_jobs failed: \[EINVAL\]/);
    expect(failed!.detail.length).toBeLessThanOrEqual(300);
    expect(failed!.detail.endsWith('…')).toBe(true);
    expect(failed!.detail).not.toContain('\n');
    for (const text of texts(statuses)) expect(text).not.toContain(KEY);
  });

  it('a close reason that echoes the key, even split by invisible characters, is masked', async () => {
    const split = `${KEY.slice(0, 10)}\u200B${KEY.slice(10)}`;
    const statuses = await run(new FailingConnection(null), (c) => c.serverClose(4000, `bad key ${split}\u202E`));
    const closed = statuses.find((s) => s.detail.startsWith('Connection closed (4000'));
    expect(closed?.detail).toMatch(/^Connection closed \(4000: bad key \*+\)\.$/);
    for (const text of texts(statuses)) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(KEY.slice(10));
    }
  });

  it('a final error echoing the key: the attention text is masked too', async () => {
    const statuses = await run(new FailingConnection(new JobwatchError('ACCESS_RESTRICTED', `Refused for key ${KEY}.`)));
    const attention = statuses.find((s) => s.state === 'needs-attention')?.attention;
    expect(attention?.code).toBe('ACCESS_RESTRICTED');
    expect(attention?.message).toBe('Refused for key ***.');
  });
});
