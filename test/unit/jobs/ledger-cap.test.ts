/**
 * The ledger's hard cap (issue 9): many keys sharing one time_finished no longer grow it without bound, a settle
 * costs the same whatever the ledger holds, the bound is the app's and never the file's, and the same-second tie
 * rule (see ledger.ts) keeps every evicted key settled. Work is counted through Map/Set operations, never timed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_KEYS_PER_SERVER, TransitionLedger } from '../../../electron/core/ledger';
import { JobBook } from '../../../electron/core/jobs';
import { PersistedLedger, createLedgerStore } from '../../../electron/core/persisted-ledger';
import { MemoryStorage } from '../persistence/memory-storage';
import { countMapWork } from './work-counter';
import { jobEvent, wireJob } from './fixtures';

const S = 'nas';
const T = 1_750_000_000_000;

function settleMany(ledger: TransitionLedger, count: number, timeOf: (i: number) => number, fingerprints = false): void {
  for (let i = 0; i < count; i += 1) ledger.settle(S, `k${i}`, timeOf(i), fingerprints ? `fp${i}` : null);
}

describe('TransitionLedger hard cap', () => {
  it('holds at most twice the bound when every key shares one time_finished, fingerprints included', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 500 });
    settleMany(ledger, 8_000, () => T, true);
    expect(ledger.size(S)).toBeLessThanOrEqual(1_000);
    expect(ledger.size(S)).toBeGreaterThanOrEqual(500);
    const saved = ledger.toJSON().servers[S]!;
    expect(saved.keys.length).toBeLessThanOrEqual(1_000);
    expect(saved.fingerprints!.length).toBeLessThanOrEqual(saved.keys.length);
    // Every key ever settled still counts as settled (evicted ones through the floor): nothing is reported twice.
    for (let i = 0; i < 8_000; i += 1) expect(ledger.isSettled(S, `k${i}`, T)).toBe(true);
    expect(ledger.keyWithFingerprint(S, 'fp0')).toBeUndefined();
    expect(ledger.keyWithFingerprint(S, 'fp7999')).toBe('k7999');
  });

  it('settles in near-constant work: the same per key for 2 000 or 8 000 keys on one time_finished', () => {
    const work = (count: number) => countMapWork(() => settleMany(new TransitionLedger({ maxKeysPerServer: 200 }), count, () => T));
    const small = work(2_000);
    const large = work(8_000);
    // Linear: 4x the keys, about 4x the work (a scan per settle made it about 16x).
    expect(large / small).toBeLessThan(5);
    expect(large / 8_000).toBeLessThan(40);
  });

  it('settles in near-constant work whatever the bound, with distinct times', () => {
    const work = (bound: number) =>
      countMapWork(() => settleMany(new TransitionLedger({ maxKeysPerServer: bound }), 6_000, (i) => T + i * 1000));
    const small = work(100);
    const large = work(2_000);
    // A scan of every key per eviction made the work grow with the bound (about 20x here).
    expect(large / small).toBeLessThan(1.5);
    expect(large / 6_000).toBeLessThan(40);
  });

  it('tie rule: the newest second is kept whole up to the hard cap, then cut, and the floor moves past it', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 3 });
    ledger.settle(S, 'old', T - 5000);
    for (let i = 0; i < 5; i += 1) ledger.settle(S, `t${i}`, T);
    // Over the bound: the older second goes; the newest is kept whole (6 ≤ hard cap 6), nothing at T is under the floor.
    expect(ledger.floor(S)).toBe(T - 5000 + 1);
    expect(ledger.size(S)).toBe(5);
    ledger.settle(S, 't5', T);
    expect(ledger.size(S)).toBe(6);
    expect(ledger.isSettled(S, 'unseen-at-T', T)).toBe(false);
    // One more in that second passes the hard cap: the oldest of the second are evicted down to the bound and the
    // floor moves past the second. Every job finished in it now counts as settled, listed or not.
    ledger.settle(S, 't6', T);
    expect(ledger.size(S)).toBe(3);
    expect(ledger.floor(S)).toBe(T + 1);
    expect(ledger.isListed(S, 't0')).toBe(false);
    expect(ledger.isListed(S, 't6')).toBe(true);
    for (let i = 0; i <= 6; i += 1) expect(ledger.isSettled(S, `t${i}`, T)).toBe(true);
    expect(ledger.isSettled(S, 'unseen-at-T', T)).toBe(true);
    // More in that same second are trimmed one for one; the next second is judged by key again.
    ledger.settle(S, 't7', T);
    expect(ledger.size(S)).toBe(3);
    expect(ledger.floor(S)).toBe(T + 1);
    expect(ledger.isSettled(S, 'unseen-next-second', T + 1000)).toBe(false);
    ledger.settle(S, 'next', T + 1000);
    expect(ledger.isListed(S, 'next')).toBe(true);
    expect(ledger.size(S)).toBe(3);
  });

  it('tie rule in the book: after the cut, a job it watched finishing in that second is reported, an unseen one is not', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 2 });
    const book = new JobBook({ server: S, ledger });
    book.applySnapshot([wireJob({ id: 100, state: 'RUNNING', started: T - 60_000 })]);
    // Five jobs first seen finished in one second (over the hard cap of 4): the ledger cuts that second.
    const reported: number[] = [];
    for (let id = 1; id <= 5; id += 1) {
      const update = book.applyEvent(jobEvent('changed', wireJob({ id, state: 'SUCCESS', started: T - 1000, finished: T })));
      reported.push(...update.transitions.map((t) => t.jobId));
    }
    expect(reported).toEqual([1, 2, 3, 4, 5]);
    expect(ledger.floor(S)).toBe(T + 1);
    // The job the book watched run ends in that same second: judged by its key, so it is reported.
    const watched = book.applyEvent(jobEvent('changed', wireJob({ id: 100, state: 'FAILED', started: T - 60_000, finished: T })));
    expect(watched.transitions.map((t) => t.jobId)).toEqual([100]);
    // Reconnect: the evicted jobs are not reported again; one never seen that ended in the cut second is taken as
    // settled (the price of the cap); one from the next second is caught up.
    book.markDisconnected();
    const snapshot = book.applySnapshot([
      ...[1, 2, 3, 4, 5].map((id) => wireJob({ id, state: 'SUCCESS', started: T - 1000, finished: T })),
      wireJob({ id: 100, state: 'FAILED', started: T - 60_000, finished: T }),
      wireJob({ id: 6, state: 'SUCCESS', started: T - 1000, finished: T }),
      wireJob({ id: 7, state: 'SUCCESS', started: T - 1000, finished: T + 1000 }),
    ]);
    expect(snapshot.transitions.map((t) => [t.jobId, t.catchUp])).toEqual([[7, true]]);
  });
});

describe('TransitionLedger bound on restore', () => {
  const bigFile = (bound: number, count: number, timeOf: (i: number) => number) => ({
    version: 1 as const,
    maxKeysPerServer: bound,
    servers: {
      [S]: {
        seeded: true,
        floor: null,
        watermark: null,
        keys: Array.from({ length: count }, (_, i): [string, number] => [`k${i}`, timeOf(i)]),
        fingerprints: Array.from({ length: count }, (_, i): [string, string] => [`k${i}`, `fp${i}`]),
      },
    },
  });

  it('never takes the bound from the file: a file claiming a huge one is trimmed to the default, raising the floor', () => {
    const restored = TransitionLedger.fromJSON(bigFile(1_000_000_000, 20_000, (i) => T + i * 1000));
    expect(restored.maxKeysPerServer).toBe(DEFAULT_MAX_KEYS_PER_SERVER);
    expect(restored.toJSON().maxKeysPerServer).toBe(DEFAULT_MAX_KEYS_PER_SERVER);
    expect(restored.size(S)).toBe(DEFAULT_MAX_KEYS_PER_SERVER);
    expect(restored.floor(S)).toBe(T + (20_000 - DEFAULT_MAX_KEYS_PER_SERVER - 1) * 1000 + 1);
    // What was trimmed stays settled.
    expect(restored.isSettled(S, 'k0', T)).toBe(true);
    expect(restored.isListed(S, 'k19999')).toBe(true);
    expect(restored.keyWithFingerprint(S, 'fp0')).toBeUndefined();
    expect(restored.keyWithFingerprint(S, 'fp19999')).toBe('k19999');
  });

  it('caps a file whose keys all share one time_finished', () => {
    const restored = TransitionLedger.fromJSON(
      bigFile(1_000_000_000, 40_000, () => T),
      { maxKeysPerServer: 1_000 },
    );
    expect(restored.size(S)).toBeLessThanOrEqual(2_000);
    expect(restored.isSettled(S, 'k0', T)).toBe(true);
    expect(restored.toJSON().servers[S]!.fingerprints!.length).toBeLessThanOrEqual(2_000);
  });

  it('PersistedLedger loads with its own bound, not the saved one, and saves the trimmed ledger', async () => {
    const storage = new MemoryStorage();
    await createLedgerStore(storage).save(bigFile(1_000_000_000, 3_000, (i) => T + i * 1000));
    const persisted = new PersistedLedger(createLedgerStore(storage), undefined, 1_000, { maxKeysPerServer: 1_000 });
    await persisted.load();
    const ledger = persisted.current();
    expect(ledger.maxKeysPerServer).toBe(1_000);
    expect(ledger.size(S)).toBe(1_000);
    expect(ledger.isSettled(S, 'k0', T)).toBe(true);
    await persisted.flush();
    const saved = (await createLedgerStore(storage).load()).value!;
    expect(saved.maxKeysPerServer).toBe(1_000);
    expect(saved.servers[S]!.keys).toHaveLength(1_000);
  });

  it('PersistedLedger without options uses the default bound, whatever the file says', async () => {
    const storage = new MemoryStorage();
    await createLedgerStore(storage).save(bigFile(1_000_000_000, 6_000, (i) => T + i * 1000));
    const persisted = new PersistedLedger(createLedgerStore(storage));
    await persisted.load();
    expect(persisted.current().maxKeysPerServer).toBe(DEFAULT_MAX_KEYS_PER_SERVER);
    expect(persisted.current().size(S)).toBe(DEFAULT_MAX_KEYS_PER_SERVER);
  });
});
