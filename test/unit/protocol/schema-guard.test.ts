/**
 * compileGuard (electron/core/protocol/schema-guard.ts) must answer exactly as zod's safeParse: for the two schemas
 * the pipeline checks with it, on valid, hostile and junk jobs and frames, on every field of a valid job replaced by
 * a value of another type, and kind by kind; and it must refuse a schema it cannot check exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from '../../../electron/core/zod';
import { compileGuard } from '../../../electron/core/protocol/schema-guard';
import { WireJobSchema } from '../../../electron/core/protocol/job-schema';
import { collectionUpdateSchema } from '../../../electron/core/protocol/frames';
import { anyState, hostileJob, junkJob } from '../fuzz/hostile-frames';

const isWireJob = compileGuard(WireJobSchema);
const isCollectionUpdate = compileGuard(collectionUpdateSchema);

function agreesWithZod(schema: z.core.$ZodType, guard: (value: unknown) => boolean, value: unknown): void {
  expect({ value, accepted: guard(value) }).toEqual({ value, accepted: z.safeParse(schema, value).success });
}

/** Any JSON value, plus what JSON.parse can also give: ±Infinity (1e400) and -0. */
const anyJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(Infinity, -Infinity, -0, 1.5, 2 ** 53, '', [], {}, { $date: 1 }, { $date: Infinity }, { $date: '1' }),
);

const VALID_JOB = {
  id: 7,
  method: 'replication.run',
  arguments: [1, { recursive: true }],
  transient: false,
  description: null,
  abortable: true,
  logs_path: null,
  logs_excerpt: null,
  progress: { percent: 40, description: 'sending', extra: null },
  result: null,
  error: null,
  exception: null,
  exc_info: { type: 'CallError', repr: 'x', errno: 14, extra: null },
  state: 'RUNNING',
  time_started: { $date: 1_750_000_000_000 },
  time_finished: null,
  credentials: { type: 'LOGIN_PASSWORD', data: { username: 'root' } },
};

/** Every path into VALID_JOB (objects only; arrays are `arguments`, which takes anything). */
function paths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(value).flatMap(([key, member]) =>
    member !== null && typeof member === 'object' && !Array.isArray(member)
      ? [[...prefix, key], ...paths(member as Record<string, unknown>, [...prefix, key])]
      : [[...prefix, key]],
  );
}

function replaced(path: string[], by: unknown): Record<string, unknown> {
  const copy = structuredClone(VALID_JOB) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (by === undefined) delete target[path.at(-1)!];
  else target[path.at(-1)!] = by;
  return copy;
}

describe('compileGuard(WireJobSchema)', () => {
  it('accepts a full job and the partial and all-null shapes older servers send', () => {
    expect(isWireJob(VALID_JOB)).toBe(true);
    expect(isWireJob({ id: 3 })).toBe(true);
    expect(isWireJob({ id: 3, progress: { percent: null, description: null }, exc_info: null, credentials: null })).toBe(true);
    expect(isWireJob({ id: 3, time_started: 1_750_000_000_000, time_finished: { $date: Infinity } })).toBe(true);
  });

  it('rejects what zod rejects, field by field', () => {
    expect(isWireJob({ ...VALID_JOB, id: '7' })).toBe(false);
    expect(isWireJob({ ...VALID_JOB, id: 1.5 })).toBe(false);
    expect(isWireJob({ ...VALID_JOB, state: 'DONE' })).toBe(false);
    expect(isWireJob({ ...VALID_JOB, progress: { percent: Infinity } })).toBe(false);
    expect(isWireJob({ ...VALID_JOB, arguments: {} })).toBe(false);
    expect(isWireJob({ ...VALID_JOB, time_started: { $date: '1' } })).toBe(false);
    expect(isWireJob([VALID_JOB])).toBe(false);
    expect(isWireJob(null)).toBe(false);
  });

  it('agrees with zod when any one field, at any depth, is replaced or removed', () => {
    const everyPath = paths(VALID_JOB);
    fc.assert(
      fc.property(fc.constantFrom(...everyPath), fc.oneof(anyJsonValue, fc.constant(undefined)), (path, by) =>
        agreesWithZod(WireJobSchema, isWireJob, replaced(path, by)),
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with zod on hostile and junk jobs as JSON.parse gives them', () => {
    fc.assert(
      fc.property(fc.oneof(hostileJob(5, anyState), junkJob), (text) => agreesWithZod(WireJobSchema, isWireJob, JSON.parse(text))),
      { numRuns: 400 },
    );
  });
});

describe('compileGuard(collectionUpdateSchema)', () => {
  const frame = (params: unknown, rest: Record<string, unknown> = {}) => ({ jsonrpc: '2.0', method: 'collection_update', params, ...rest });

  it('agrees with zod on envelopes with any params', () => {
    const params = fc.record(
      {
        msg: fc.oneof(fc.constantFrom('added', 'changed', 'removed'), anyJsonValue),
        collection: fc.oneof(fc.constant('core.get_jobs'), anyJsonValue),
        id: anyJsonValue,
        fields: fc.oneof(fc.constant(VALID_JOB), anyJsonValue),
        extra: anyJsonValue,
      },
      { requiredKeys: [] },
    );
    const envelope = fc.oneof(
      params.map((p) => frame(p)),
      fc.tuple(params, anyJsonValue).map(([p, jsonrpc]) => frame(p, { jsonrpc })),
      anyJsonValue,
    );
    fc.assert(
      fc.property(envelope, (value) => agreesWithZod(collectionUpdateSchema, isCollectionUpdate, value)),
      { numRuns: 3000 },
    );
    expect(isCollectionUpdate(frame({ msg: 'changed', collection: 'core.get_jobs', id: 1, fields: [] }))).toBe(false);
    expect(isCollectionUpdate(frame({ msg: 'changed', collection: 'core.get_jobs', id: 1, fields: {} }))).toBe(true);
  });
});

describe('compileGuard, kind by kind', () => {
  const cases: [string, z.core.$ZodType, unknown[]][] = [
    ['string', z.string(), ['', 'a', 1, null, undefined, {}]],
    ['number', z.number(), [0, -0, 1.5, Infinity, -Infinity, Number.NaN, '1', null]],
    // z.int() is its own safe-integer check; z.number().check(z.int()) lists it in def.checks, as zod classic's .int().
    ['int', z.int(), [0, 3, 1.5, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, Infinity, '3']],
    ['int as a check', z.number().check(z.int()), [0, 3, 1.5, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, Infinity, '3']],
    ['boolean', z.boolean(), [true, false, 0, 'true']],
    ['null', z.null(), [null, undefined, 0]],
    ['literal', z.literal(['a', 1, Infinity]), ['a', 1, Infinity, 'b', 2]],
    ['enum', z.enum(['A', 'B']), ['A', 'B', 'C', 0]],
    ['optional', z.optional(z.string()), [undefined, 'a', null]],
    ['nullable', z.nullable(z.string()), [null, 'a', undefined]],
    ['nullish', z.nullish(z.string()), [null, 'a', undefined, 1]],
    ['union', z.union([z.string(), z.number()]), ['a', 1, true, null]],
    ['array of unknown', z.array(z.unknown()), [[], [1, 'a'], {}, 'a']],
    ['array of numbers', z.array(z.number()), [[], [1, 2], [1, 'a'], [Infinity]]],
    [
      'object',
      z.object({ a: z.string(), b: z.optional(z.number()) }),
      [{ a: 'x' }, { a: 'x', b: 1 }, { a: 'x', b: 'y' }, { b: 1 }, [], null],
    ],
    ['loose object', z.looseObject({ a: z.string() }), [{ a: 'x', c: 1 }, { c: 1 }]],
    ['custom', z.custom<string>((value) => typeof value === 'string' && value.length > 1), ['ab', 'a', 3]],
    ['unknown', z.unknown(), [undefined, null, 1, {}]],
  ];
  it.each(cases)('%s answers as zod', (_name, schema, values) => {
    const guard = compileGuard(schema);
    for (const value of values) agreesWithZod(schema, guard, value);
  });

  it('refuses a schema it cannot answer exactly, when compiled', () => {
    expect(() => compileGuard(z.string().check(z.maxLength(3)))).toThrow(/not supported/);
    expect(() => compileGuard(z.number().check(z.gte(0)))).toThrow(/not supported/);
    expect(() => compileGuard(z.int().check(z.gte(0)))).toThrow(/not supported/);
    expect(() => compileGuard(z.int32())).toThrow(/not supported/);
    expect(() => compileGuard(z.email())).toThrow(/not supported/);
    expect(() => compileGuard(z.object({ a: z.string() }).check(z.refine(() => false)))).toThrow(/not supported/);
    expect(() => compileGuard(z.strictObject({ a: z.string() }))).toThrow(/not supported/);
    const length = z.transform((value: string) => value.length);
    expect(() => compileGuard(z.pipe(z.string(), length))).toThrow(/not supported/);
    expect(() => compileGuard(z.optional(z._default(z.string(), 'a')))).toThrow(/not supported/);
    expect(() => compileGuard(z.array(z.string()).check(z.minLength(1)))).toThrow(/not supported/);
    expect(() => compileGuard(z.date())).toThrow(/not supported/);
  });
});
