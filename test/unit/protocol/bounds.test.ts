import { describe, expect, it } from 'vitest';
import {
  ARGUMENTS_MAX_CHARS,
  CUT_KEY,
  LATEST_DATE_MS,
  EARLIEST_DATE_MS,
  MAX_NESTING_DEPTH,
  boundArguments,
  boundText,
  boundValue,
  cutMarker,
  formatSize,
  isCut,
  usableDateMs,
} from '../../../electron/core/protocol/bounds';
import { ejsonDate } from '../../../electron/core/protocol/frames';

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { down: value };
  return value;
}

function depthOf(value: unknown): number {
  let depth = 0;
  let node = value;
  while (node !== null && typeof node === 'object') {
    depth += 1;
    node = Array.isArray(node) ? node[0] : (node as Record<string, unknown>)['down'];
  }
  return depth;
}

describe('boundText', () => {
  it('keeps text within the limit as it is', () => {
    expect(boundText('hello', 64)).toBe('hello');
    expect(boundText('x'.repeat(64), 64)).toBe('x'.repeat(64));
  });

  it('cuts longer text to the limit and says how much the server sent beyond it', () => {
    const text = 'a'.repeat(4 * 1024 * 1024);
    const cut = boundText(text, 1024);
    expect(cut.length).toBeLessThanOrEqual(1024);
    expect(cut.startsWith('a'.repeat(900))).toBe(true);
    expect(isCut(cut)).toBe(true);
    expect(cut).toMatch(/… \(cut: 4\.0 MiB from the server\)$/);
  });

  it('never splits a surrogate pair, and counts the removed part in UTF-8 bytes', () => {
    const text = '😀'.repeat(1000); // 2 code units, 4 bytes each
    for (const max of [64, 65, 100, 101]) {
      const cut = boundText(text, max);
      expect(cut.length).toBeLessThanOrEqual(max);
      const kept = cut.slice(0, cut.indexOf('…'));
      expect(kept.length % 2).toBe(0);
      expect(kept).toBe('😀'.repeat(kept.length / 2));
      expect(cut).toContain(`(cut: ${formatSize(4 * (1000 - kept.length / 2))} from the server)`);
    }
    expect(cutMarker(3)).toBe('… (cut: 3 bytes from the server)');
    expect(cutMarker(1536)).toBe('… (cut: 1.5 KiB from the server)');
  });
});

describe('boundValue / boundArguments', () => {
  it('keeps a value that fits as it is (no copy), and copies one that must be cut', () => {
    const args = [1, 'two', { three: [3, null, true], four: { five: 'x' } }, []];
    expect(boundArguments(args)).toBe(args);
    const proto = JSON.parse('[{"__proto__": {"x": 1}}]') as unknown[];
    expect(boundArguments(proto)).toBe(proto);
    // Cut anywhere (a string, the depth, the budget, a long key): a copy with the marker, the original untouched.
    for (const cut of [['x'.repeat(20_000)], [nested(40)], Array.from({ length: 5000 }, () => 'abcd'), [{ ['k'.repeat(300)]: 1 }]]) {
      const before = JSON.stringify(cut);
      const bounded = boundArguments(cut);
      expect(bounded).not.toBe(cut);
      expect(JSON.stringify(bounded)).toContain('(cut');
      expect(JSON.stringify(cut)).toBe(before);
    }
  });

  it('replaces anything deeper than the limit by a marker (deep enough to break structured clone before)', () => {
    const bounded = boundArguments([nested(20_000)]);
    expect(depthOf(bounded)).toBeLessThanOrEqual(MAX_NESTING_DEPTH);
    expect(JSON.stringify(bounded)).toContain(`nested deeper than ${MAX_NESTING_DEPTH} levels`);
    expect(() => structuredClone(bounded)).not.toThrow();
  });

  it('keeps about the budget of a huge value and says what was left out', () => {
    const args = [Array.from({ length: 100_000 }, (_, i) => ({ index: i, name: `item ${i}` })), 'x'.repeat(4 * 1024 * 1024)];
    const bounded = boundArguments(args);
    const text = JSON.stringify(bounded);
    expect(text.length).toBeLessThanOrEqual(ARGUMENTS_MAX_CHARS + 4 * 1024);
    expect(text).toMatch(/cut: \d+ more items from the server/);
    // The second argument had no room left: it is still there, cut to a marker.
    expect(bounded.length).toBe(2);
    expect(isCut(bounded[1] as string)).toBe(true);
  });

  it('cuts a long object by keys, and long keys like text', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 50_000; i += 1) wide[`key${i}`] = i;
    const bounded = boundValue(wide, { maxChars: 1000, maxDepth: 8 }) as Record<string, unknown>;
    expect(Object.keys(bounded).length).toBeLessThan(200);
    expect(bounded[CUT_KEY]).toMatch(/cut: \d+ more keys from the server/);
    const longKey = boundValue({ ['k'.repeat(100_000)]: 1 }, { maxChars: 1_000_000, maxDepth: 8 }) as Record<string, unknown>;
    expect(Object.keys(longKey)[0]!.length).toBeLessThanOrEqual(256);
  });

  it('keeps __proto__ as an ordinary own key: no prototype is changed, nothing global is polluted', () => {
    const raw = JSON.parse('[{"__proto__": {"polluted": "yes", "isAdmin": true}, "a": {"__proto__": []}}]') as unknown[];
    const bounded = boundArguments(raw) as Array<Record<string, unknown>>;
    const first = bounded[0]!;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(first['polluted']).toBeUndefined();
    expect(Object.keys(first)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(first, '__proto__')?.value).toEqual({ polluted: 'yes', isAdmin: true });
    expect(Array.isArray(first['a'])).toBe(false);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.parse(JSON.stringify(bounded))).toEqual(JSON.parse(JSON.stringify(raw)));
  });
});

describe('usableDateMs / ejsonDate', () => {
  it('keeps every date a real server can send (years 1–9999, CORE 13 milliseconds)', () => {
    for (const ms of [0, 1_600_000_000_123, 1_750_417_200_000, EARLIEST_DATE_MS, LATEST_DATE_MS, 1.5]) {
      expect(usableDateMs(ms)).toBe(ms);
      expect(() => new Date(ms).toISOString()).not.toThrow();
    }
  });

  it('makes impossible dates unknown instead of letting formatting throw later', () => {
    for (const ms of [1e300, -1e300, 8.64e15 + 1, LATEST_DATE_MS + 1, EARLIEST_DATE_MS - 1, Infinity, -Infinity, NaN]) {
      expect(usableDateMs(ms), String(ms)).toBeNull();
    }
    expect(ejsonDate({ $date: 1e300 })).toBeNull();
    expect(ejsonDate(JSON.parse('{"$date": 1e400}'))).toBeNull();
    expect(ejsonDate({ $date: 1_750_417_200_000 })).toBe(1_750_417_200_000);
  });
});

describe('boundValue counts the serialised size', () => {
  it('escapes count: 16 K of control characters is not 96 K of JSON', () => {
    for (const unit of ['\u0000', '"', '\\', '\ud800', '\n', 'é']) {
      const bounded = boundArguments([unit.repeat(200_000), { [unit.repeat(100)]: unit.repeat(50_000) }]);
      expect(JSON.stringify(bounded).length, JSON.stringify(unit)).toBeLessThanOrEqual(ARGUMENTS_MAX_CHARS + 4 * 1024);
    }
  });
});
