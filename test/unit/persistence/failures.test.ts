import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FailureInbox, createFailureStore } from '../../../electron/core/failures';
import type { FailureInboxChange } from '../../../electron/core/failures';
import type { FailureList } from '../../../electron/core/monitor';
import { transition } from '../rules/fixtures';
import { MemoryStorage } from './memory-storage';

function setup(limit?: number, storage = new MemoryStorage()) {
  const inbox = new FailureInbox({ store: createFailureStore(storage), ...(limit ? { limit } : {}) });
  return { storage, inbox };
}

describe('FailureInbox', () => {
  it('fits the monitor’s FailureList port', () => {
    const list: FailureList = setup().inbox;
    expect(list.list()).toEqual([]);
  });

  it('holds FAILED transitions only, once per key', () => {
    const { inbox } = setup();
    const t = transition();
    inbox.add(t, 1);
    inbox.add(t, 2);
    inbox.add(transition({ to: 'SUCCESS', error: null }), 3);
    inbox.add(transition({ to: 'ABORTED', error: null }), 4);
    expect(inbox.list()).toEqual([
      {
        key: t.key,
        server: 'nas1',
        jobId: t.jobId,
        method: 'replication.run',
        description: null,
        error: '[EFAULT] Failed to connect to remote host.',
        timeFinished: t.timeFinished,
        reportedAt: 1,
      },
    ]);
  });

  it('lists newest first, even when reports arrive out of order', () => {
    const { inbox } = setup();
    const [a, b, c] = [transition(), transition(), transition()];
    inbox.add(a, 10);
    inbox.add(b, 30);
    inbox.add(c, 20);
    expect(inbox.list().map((e) => e.key)).toEqual([b.key, c.key, a.key]);
  });

  it('acknowledges one, one server, or all; counts total and per server', () => {
    const { inbox } = setup();
    const a = transition({ server: 'nas1' });
    const b = transition({ server: 'nas1' });
    const c = transition({ server: 'nas2' });
    const d = transition({ server: 'nas3' });
    for (const t of [a, b, c, d]) inbox.add(t, 1);
    expect(inbox.count()).toBe(4);
    expect(inbox.countByServer()).toEqual({ nas1: 2, nas2: 1, nas3: 1 });
    expect(inbox.acknowledge(a.key)).toBe(true);
    expect(inbox.acknowledge(a.key)).toBe(false);
    expect(inbox.countFor('nas1')).toBe(1);
    expect(inbox.acknowledgeServer('nas1')).toBe(1);
    expect(inbox.acknowledgeServer('nas1')).toBe(0);
    expect(inbox.countByServer()).toEqual({ nas2: 1, nas3: 1 });
    expect(inbox.acknowledgeAll()).toBe(2);
    expect(inbox.count()).toBe(0);
  });

  it('emits a change for each add and acknowledgement, and none for no-ops', () => {
    const { inbox } = setup();
    const changes: FailureInboxChange[] = [];
    const off = inbox.onChange((c) => changes.push(c));
    const t = transition();
    inbox.add(t, 1);
    inbox.add(t, 1);
    inbox.acknowledge('missing');
    inbox.acknowledge(t.key);
    inbox.acknowledgeAll();
    off();
    inbox.add(transition(), 2);
    expect(changes).toEqual([
      { kind: 'added', keys: [t.key] },
      { kind: 'acknowledged', keys: [t.key] },
    ]);
  });

  it('past the bound, drops the oldest from the list but keeps counting them per server', () => {
    const { inbox } = setup(3);
    const ts = [transition({ server: 'a' }), transition({ server: 'b' }), transition({ server: 'a' }), transition(), transition()];
    ts.forEach((t, i) => inbox.add(t, i));
    expect(inbox.list()).toHaveLength(3);
    expect(inbox.list().map((e) => e.key)).toEqual([ts[4]?.key, ts[3]?.key, ts[2]?.key]);
    expect(inbox.overflow()).toBe(2);
    expect(inbox.overflow('a')).toBe(1);
    expect(inbox.count()).toBe(5);
    expect(inbox.countByServer()).toEqual({ a: 2, b: 1, nas1: 2 });
    expect(inbox.acknowledgeServer('b')).toBe(1);
    expect(inbox.count()).toBe(4);
    expect(inbox.acknowledgeAll()).toBe(4);
    expect(inbox.overflow()).toBe(0);
  });

  it('truncates very long errors', () => {
    const { inbox } = setup();
    inbox.add(transition({ error: 'e'.repeat(10_000) }), 1);
    expect(inbox.list()[0]?.error).toHaveLength(2000);
  });

  it('persists and reloads, overflow included', async () => {
    const storage = new MemoryStorage();
    const first = setup(2, storage).inbox;
    const ts = [transition(), transition(), transition({ server: 'nas2' })];
    ts.forEach((t, i) => first.add(t, i));
    first.acknowledge(ts[2]?.key ?? '');
    await first.flush();
    const second = setup(2, storage).inbox;
    const loaded: FailureInboxChange[] = [];
    second.onChange((c) => loaded.push(c));
    expect(await second.load()).toBeNull();
    expect(second.list()).toEqual(first.list());
    expect(second.count()).toBe(2);
    expect(loaded[0]?.kind).toBe('loaded');
  });

  it('merges what was added before loading with what was on disk', async () => {
    const storage = new MemoryStorage();
    const first = setup(undefined, storage).inbox;
    const old = transition();
    first.add(old, 1);
    await first.flush();
    const second = setup(undefined, storage).inbox;
    const early = transition();
    second.add(early, 5);
    second.add(old, 6);
    await second.load();
    expect(second.list().map((e) => e.key)).toEqual([old.key, early.key]);
  });

  it('reports a corrupt file and recovers the last good copy', async () => {
    const storage = new MemoryStorage();
    const first = setup(undefined, storage).inbox;
    const [a, b] = [transition(), transition()];
    first.add(a, 1);
    await first.flush();
    first.add(b, 2);
    await first.flush();
    storage.files.set('failures.json', '{"version":1,"data":{"entries":[{"key":1}]}}');
    const second = setup(undefined, storage).inbox;
    expect(await second.load()).toMatchObject({ kind: 'invalid', recoveredFrom: 'backup' });
    expect(second.list().map((e) => e.key)).toEqual([a.key]);
  });

  it('a failed save is reported, not thrown, and retried on the next change', async () => {
    const { storage, inbox } = setup();
    storage.failWrites = () => true;
    inbox.add(transition(), 1);
    await inbox.flush();
    expect(inbox.saveError()?.message).toContain('failed');
    storage.failWrites = null;
    inbox.add(transition(), 2);
    await inbox.flush();
    expect(inbox.saveError()).toBeNull();
    expect(JSON.parse(storage.files.get('failures.json') ?? '').data.entries).toHaveLength(2);
  });

  it('property: every FAILED transition stays in the inbox until acknowledged, across save and load', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        server: fc.constantFrom('a', 'b', 'c'),
        to: fc.constantFrom('FAILED' as const, 'SUCCESS' as const, 'ABORTED' as const),
      }),
      fc.record({ kind: fc.constant('ack' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('ackServer' as const), server: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ kind: fc.constant('ackAll' as const) }),
      fc.record({ kind: fc.constant('reload' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 60 }), async (ops) => {
        const storage = new MemoryStorage();
        let inbox = setup(undefined, storage).inbox;
        await inbox.load();
        const expected = new Map<string, string>(); // key → server, in the model
        let now = 0;
        for (const o of ops) {
          now += 1;
          if (o.kind === 'add') {
            const t = transition({ server: o.server, to: o.to });
            inbox.add(t, now);
            if (o.to === 'FAILED') expected.set(t.key, o.server);
          } else if (o.kind === 'ack') {
            const keys = [...expected.keys()];
            const key = keys.length ? keys[o.pick % keys.length] : 'none';
            if (key) {
              inbox.acknowledge(key);
              expected.delete(key);
            }
          } else if (o.kind === 'ackServer') {
            inbox.acknowledgeServer(o.server);
            for (const [key, server] of expected) if (server === o.server) expected.delete(key);
          } else if (o.kind === 'ackAll') {
            inbox.acknowledgeAll();
            expected.clear();
          } else {
            await inbox.flush();
            inbox = setup(undefined, storage).inbox;
            expect(await inbox.load()).toBeNull();
          }
          expect(new Set(inbox.list().map((e) => e.key))).toEqual(new Set(expected.keys()));
          expect(inbox.count()).toBe(expected.size);
        }
      }),
      { numRuns: 200 },
    );
  });
});
