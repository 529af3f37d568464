import { describe, expect, it } from 'vitest';
import { LedgerFormatError, TransitionLedger } from '../../../electron/core/ledger';

const S = 'nas';

describe('TransitionLedger', () => {
  it('settles keys per server and reports whether a key was new', () => {
    const ledger = new TransitionLedger();
    expect(ledger.isSettled(S, 'a', 1000)).toBe(false);
    expect(ledger.settle(S, 'a', 1000)).toBe(true);
    expect(ledger.settle(S, 'a', 1000)).toBe(false);
    expect(ledger.isSettled(S, 'a', 1000)).toBe(true);
    expect(ledger.isSettled('other', 'a', 1000)).toBe(false);
    expect(ledger.watermark(S)).toBe(1000);
    expect(ledger.watermark('other')).toBeNull();
  });

  it('tracks seeding per server', () => {
    const ledger = new TransitionLedger();
    expect(ledger.isSeeded(S)).toBe(false);
    ledger.markSeeded(S);
    expect(ledger.isSeeded(S)).toBe(true);
    expect(ledger.isSeeded('other')).toBe(false);
  });

  it('when over the bound, evicts the whole oldest timestamp group and raises the floor past it', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 4 });
    ledger.settle(S, 'a1', 1000);
    ledger.settle(S, 'a2', 1000);
    ledger.settle(S, 'b', 2000);
    ledger.settle(S, 'c', 3000);
    expect(ledger.floor(S)).toBeNull();
    ledger.settle(S, 'd', 4000);
    // a1 and a2 share 1000: both go, and everything finished before 1001 counts as settled.
    expect(ledger.size(S)).toBe(3);
    expect(ledger.floor(S)).toBe(1001);
    expect(ledger.isListed(S, 'a1')).toBe(false);
    expect(ledger.isSettled(S, 'a1', 1000)).toBe(true);
    expect(ledger.isSettled(S, 'never-seen', 999)).toBe(true);
    // At or above the floor only listed keys are settled.
    expect(ledger.isSettled(S, 'never-seen', 1001)).toBe(false);
    expect(ledger.isSettled(S, 'b', 2000)).toBe(true);
    // Null timeFinished is judged by key only.
    expect(ledger.isSettled(S, 'never-seen', null)).toBe(false);
  });

  it('never evicts the newest timestamp group, so a job ending later in the same second is not under the floor', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 2 });
    ledger.settle(S, 'x1', 5000);
    ledger.settle(S, 'x2', 5000);
    ledger.settle(S, 'x3', 5000);
    expect(ledger.size(S)).toBe(3);
    expect(ledger.floor(S)).toBeNull();
    expect(ledger.isSettled(S, 'x4', 5000)).toBe(false);
    ledger.settle(S, 'y', 6000);
    expect(ledger.floor(S)).toBe(5001);
    expect(ledger.size(S)).toBe(1);
  });

  it('lists a key settled below the floor, and never lowers the floor', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 2 });
    ledger.settle(S, 'a', 1000);
    ledger.settle(S, 'b', 2000);
    ledger.settle(S, 'c', 3000);
    expect(ledger.floor(S)).toBe(1001);
    // The NAS clock went back: the new key is the oldest group and is evicted first, the floor stays where it was.
    ledger.settle(S, 'clock-went-back', 500);
    expect(ledger.floor(S)).toBe(1001);
    expect(ledger.isSettled(S, 'clock-went-back', 500)).toBe(true);
    expect(ledger.isListed(S, 'b')).toBe(true);
    // Below the bound, such a key stays listed (a duplicate terminal event must still be recognised).
    const roomy = new TransitionLedger({ maxKeysPerServer: 10 });
    roomy.settle(S, 'a', 1000);
    roomy.settle(S, 'late', 500);
    expect(roomy.isListed(S, 'late')).toBe(true);
  });

  it('bounds keys without time_finished too, oldest first', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 10 });
    for (let i = 0; i < 30; i += 1) ledger.settle(S, `u${i}`, null);
    expect(ledger.size(S)).toBeLessThanOrEqual(10);
    expect(ledger.isListed(S, 'u29')).toBe(true);
    expect(ledger.isListed(S, 'u0')).toBe(false);
    expect(ledger.floor(S)).toBeNull();
  });

  it('notifies listeners on every change and stops after unsubscribe', () => {
    const ledger = new TransitionLedger();
    let changes = 0;
    const off = ledger.onChange(() => (changes += 1));
    ledger.settle(S, 'a', 1);
    ledger.settle(S, 'a', 1);
    ledger.markSeeded(S);
    ledger.markSeeded(S);
    expect(changes).toBe(2);
    off();
    ledger.settle(S, 'b', 2);
    expect(changes).toBe(2);
  });

  it('round-trips through JSON', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 3 });
    ledger.markSeeded(S);
    for (const [key, time] of [
      ['a', 1000],
      ['b', 2000],
      ['c', 3000],
      ['d', 4000],
    ] as const)
      ledger.settle(S, key, time);
    ledger.settle('other', 'z', null);
    // The bound is the app's, not the file's (see ledger-cap.test.ts).
    const restored = TransitionLedger.fromJSON(JSON.parse(JSON.stringify(ledger)), { maxKeysPerServer: 3 });
    expect(restored.toJSON()).toEqual(ledger.toJSON());
    expect(restored.isSeeded(S)).toBe(true);
    expect(restored.isSeeded('other')).toBe(false);
    expect(restored.floor(S)).toBe(1001);
    expect(restored.isSettled(S, 'a', 1000)).toBe(true);
    expect(restored.isSettled(S, 'd', 4000)).toBe(true);
    expect(restored.isSettled(S, 'e', 4000)).toBe(false);
    expect(restored.isListed('other', 'z')).toBe(true);
    expect(restored.watermark(S)).toBe(4000);
    expect(restored.maxKeysPerServer).toBe(3);
  });

  it('keeps content fingerprints with their keys: found, persisted, evicted together, absent in older files', () => {
    const ledger = new TransitionLedger({ maxKeysPerServer: 2 });
    ledger.settle(S, 'a', 1000, 'fp-a');
    ledger.settle(S, 'b', 2000);
    expect(ledger.keyWithFingerprint(S, 'fp-a')).toBe('a');
    expect(ledger.keyWithFingerprint('other', 'fp-a')).toBeUndefined();
    const restored = TransitionLedger.fromJSON(JSON.parse(JSON.stringify(ledger)), { maxKeysPerServer: 2 });
    expect(restored.keyWithFingerprint(S, 'fp-a')).toBe('a');
    expect(restored.toJSON()).toEqual(ledger.toJSON());
    restored.settle(S, 'c', 3000, 'fp-c');
    expect(restored.isListed(S, 'a')).toBe(false);
    expect(restored.keyWithFingerprint(S, 'fp-a')).toBeUndefined();
    expect(restored.keyWithFingerprint(S, 'fp-c')).toBe('c');
    expect(restored.toJSON().servers[S]?.fingerprints).toEqual([['c', 'fp-c']]);

    const older = {
      version: 1,
      maxKeysPerServer: 5,
      servers: { [S]: { seeded: true, floor: null, watermark: 1000, keys: [['a', 1000]] } },
    };
    expect(TransitionLedger.fromJSON(older).isListed(S, 'a')).toBe(true);
    const orphan = { ...older, servers: { [S]: { ...older.servers[S], fingerprints: [['gone', 'fp-gone']] } } };
    expect(TransitionLedger.fromJSON(orphan).keyWithFingerprint(S, 'fp-gone')).toBeUndefined();
  });

  it('applies a smaller bound when restoring with one', () => {
    const ledger = new TransitionLedger();
    for (let i = 1; i <= 10; i += 1) ledger.settle(S, `k${i}`, i * 1000);
    const restored = TransitionLedger.fromJSON(ledger.toJSON(), { maxKeysPerServer: 4 });
    expect(restored.size(S)).toBe(4);
    expect(restored.floor(S)).toBe(6001);
  });

  it('rejects invalid JSON with a clear error', () => {
    const bad: unknown[] = [
      null,
      'ledger',
      {},
      { version: 2, maxKeysPerServer: 5, servers: {} },
      { version: 1, maxKeysPerServer: 0, servers: {} },
      { version: 1, maxKeysPerServer: 5, servers: { nas: { seeded: 'yes', floor: null, watermark: null, keys: [] } } },
      { version: 1, maxKeysPerServer: 5, servers: { nas: { seeded: true, floor: null, watermark: null, keys: [['a']] } } },
      { version: 1, maxKeysPerServer: 5, servers: { nas: { seeded: true, floor: '1', watermark: null, keys: [] } } },
    ];
    for (const input of bad) {
      expect(() => TransitionLedger.fromJSON(input), JSON.stringify(input)).toThrow(LedgerFormatError);
    }
    expect(() => TransitionLedger.fromJSON({ version: 2 })).toThrow(/Invalid transition ledger at version/);
  });
});
