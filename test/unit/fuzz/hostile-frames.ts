/**
 * Generators of hostile server text for the fuzz suites: raw JSON *text* (not values), so a frame can hold what
 * JSON.stringify never writes — 1e400, duplicate keys, `__proto__` keys, nesting deeper than any recursive
 * serialiser survives.
 */
import fc from 'fast-check';

/** A JSON value written as text. */
export type RawJson = string;

export function rawObject(entries: ReadonlyArray<readonly [string, RawJson]>): RawJson {
  return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`;
}

/** Nesting written directly as text: `[[[…1…]]]` or `{"a":{"a":…}}`. */
export function rawDeep(depth: number, kind: 'array' | 'object'): RawJson {
  return kind === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Methods the job book treats as transient on CORE 13: failures of those never reach the inbox, by design. */
const TRANSIENT_NAMES = new Set(['alert.process_alerts', 'alert.send_alerts', 'alert.oneshot_create', 'alert.oneshot_delete']);

/** Long text of several kinds of characters (ASCII, 2-byte, astral, bidi control, line breaks). */
export const hugeString: fc.Arbitrary<RawJson> = fc
  .tuple(fc.constantFrom(70_000, 140_000, 300_000), fc.constantFrom('x', 'é', '😀', '\u202e', '\n', '\u0000'))
  .map(([length, unit]) => JSON.stringify(unit.repeat(Math.ceil(length / unit.length))));

export const anyString: fc.Arbitrary<RawJson> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.constantFrom('"__proto__"', '"constructor"', '"toString"', '"********"', '"\\ud800"') },
);

export const nullableString: fc.Arbitrary<RawJson> = fc.oneof(fc.constant('null'), anyString);

/** A method name that is not one of the transient ones. */
export const methodName: fc.Arbitrary<RawJson> = fc.oneof(
  fc.constantFrom('"replication.run"', '"cloudsync.sync"', '"pool.scrub.run"', '"__proto__"', '""'),
  anyString.filter((raw) => !TRANSIENT_NAMES.has(JSON.parse(raw) as string)),
);

const absurdNumbers = [
  '1e300',
  '-1e300',
  '1e400',
  '-1e400',
  '8640000000000001',
  '-8640000000000001',
  '253402300800000',
  '-62135596800001',
  '1e-300',
];

export const anyDate: fc.Arbitrary<RawJson> = fc.oneof(
  fc.constant('null'),
  fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => `{"$date":${ms}}`),
  fc.constantFrom(...absurdNumbers).map((n) => `{"$date":${n}}`),
  fc.constantFrom(...absurdNumbers),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => `{"$date":${JSON.stringify(n)}}`),
);

export const deepValue: fc.Arbitrary<RawJson> = fc
  .tuple(fc.integer({ min: 33, max: 12_000 }), fc.constantFrom('array' as const, 'object' as const))
  .map(([depth, kind]) => rawDeep(depth, kind));

/** Anything a server may put where a structured value goes (arguments' items, result, progress.extra). */
export const anyValue: fc.Arbitrary<RawJson> = fc.oneof(
  { weight: 4, arbitrary: fc.json({ maxDepth: 4 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => `[${'7,'.repeat(n)}7]`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('{"__proto__":{"polluted":true,"isAdmin":true},"x":1}', '{"constructor":{"prototype":{"polluted":1}}}'),
  },
);

export const anyArguments: fc.Arbitrary<RawJson> = fc.array(anyValue, { maxLength: 4 }).map((items) => `[${items.join(',')}]`);

/**
 * A job object that is hostile in content but of the right types: what a server may send that must never cost
 * a failure. `__proto__` and duplicate keys try to change what the parser sees.
 */
export function hostileJob(id: number, state: fc.Arbitrary<string>): fc.Arbitrary<RawJson> {
  return fc
    .record({
      method: methodName,
      arguments: anyArguments,
      description: nullableString,
      logs_path: nullableString,
      logs_excerpt: nullableString,
      progress: fc.record({
        percent: fc.oneof(fc.constant('null'), fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)),
        description: nullableString,
        extra: anyValue,
      }),
      result: anyValue,
      error: nullableString,
      exception: nullableString,
      excInfo: fc.record({ type: nullableString, repr: nullableString, extra: anyValue }),
      state,
      timeStarted: anyDate,
      timeFinished: anyDate,
      credentials: fc.option(fc.record({ type: anyString, username: nullableString }), { nil: null }),
      protoFirst: fc.boolean(),
      duplicateState: fc.boolean(),
      unknown: fc.option(anyValue, { nil: null }),
    })
    .map((j) => {
      const entries: Array<readonly [string, RawJson]> = [];
      if (j.protoFirst) entries.push(['__proto__', '{"state":"SUCCESS","transient":true,"id":"x"}']);
      if (j.duplicateState) entries.push(['state', '"SUCCESS"']);
      entries.push(
        ['id', String(id)],
        ['method', j.method],
        ['arguments', j.arguments],
        ['transient', 'false'],
        ['description', j.description],
        ['abortable', 'true'],
        ['logs_path', j.logs_path],
        ['logs_excerpt', j.logs_excerpt],
        [
          'progress',
          rawObject([
            ['percent', j.progress.percent],
            ['description', j.progress.description],
            ['extra', j.progress.extra],
          ]),
        ],
        ['result', j.result],
        ['error', j.error],
        ['exception', j.exception],
        [
          'exc_info',
          rawObject([
            ['type', j.excInfo.type],
            ['repr', j.excInfo.repr],
            ['errno', '14'],
            ['extra', j.excInfo.extra],
          ]),
        ],
        ['state', JSON.stringify(j.state)],
        ['time_started', j.timeStarted],
        ['time_finished', j.timeFinished],
        [
          'credentials',
          j.credentials === null
            ? 'null'
            : rawObject([
                ['type', j.credentials.type],
                ['data', rawObject([['username', j.credentials.username]])],
              ]),
        ],
      );
      if (j.unknown !== null) entries.push(['some_field_from_28', j.unknown]);
      if (!j.protoFirst) entries.push(['__proto__', '{"state":"SUCCESS"}']);
      return rawObject(entries);
    });
}

export const anyState = fc.constantFrom('WAITING', 'RUNNING', 'SUCCESS', 'FAILED', 'ABORTED');

/** Ids of every kind, as text; integers only below 1 000 000 (the fuzz keeps higher ones for failures it checks). */
export const junkId: fc.Arbitrary<RawJson> = fc.oneof(
  fc.integer({ min: 0, max: 999_999 }).map(String),
  fc.double().map((n) => JSON.stringify(n)),
  fc.constantFrom(
    '"7"',
    'null',
    '1e400',
    '9007199254740993',
    '-0',
    '1.5',
    '"c7a3e0f2-1f0b-4c61-8d2e-2b8f3a9d4e10"',
    'true',
    '{}',
    '[]',
    '"__proto__"',
  ),
);

/** A job-like object with wrong types, junk ids or missing fields: may be dropped, must never break anything. */
export const junkJob: fc.Arbitrary<RawJson> = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc
    .record({
      id: junkId,
      state: fc.oneof(
        anyState.map((s) => JSON.stringify(s)),
        fc.json({ maxDepth: 1 }),
      ),
      method: fc.oneof(anyString, fc.json({ maxDepth: 1 })),
      date: anyDate,
      args: fc.oneof(anyArguments, fc.json({ maxDepth: 2 })),
    })
    .map((j) =>
      rawObject([
        ['id', j.id],
        ['state', j.state],
        ['method', j.method],
        ['time_started', j.date],
        ['time_finished', j.date],
        ['arguments', j.args],
      ]),
    ),
  fc.integer({ min: 0, max: 999_999 }).chain((id) => hostileJob(id, anyState)),
);

export function eventFrame(msg: string, collection: string, id: RawJson, fields: RawJson | null): string {
  const params: Array<readonly [string, RawJson]> = [
    ['msg', JSON.stringify(msg)],
    ['collection', JSON.stringify(collection)],
    ['id', id],
  ];
  if (fields !== null) params.push(['fields', fields]);
  return rawObject([
    ['jsonrpc', '"2.0"'],
    ['method', '"collection_update"'],
    ['params', rawObject(params)],
  ]);
}

/** Frames a broken or hostile server may send at any time. */
export const junkFrame: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('added', 'changed', 'removed', 'gone'),
        fc.constantFrom('core.get_jobs', 'alert.list'),
        junkId,
        fc.option(junkJob, { nil: null }),
      )
      .map(([msg, collection, id, fields]) => eventFrame(msg, collection, id, fields)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: junkId.map((id) => `{"jsonrpc":"2.0","id":${id},"result":${'['.repeat(50)}${']'.repeat(50)}}`) },
  {
    weight: 1,
    arbitrary: junkId.map((id) => `{"jsonrpc":"2.0","id":${id},"error":{"code":-32000,"message":"nope","data":{"reason":"x"}}}`),
  },
  {
    weight: 1,
    arbitrary: fc.constant('{"jsonrpc":"2.0","method":"notify_unsubscribed","params":{"collection":"core.get_jobs","error":null}}'),
  },
);

/**
 * Counterexamples hold megabytes of text: report the seed and path to replay (fc.assert's `seed` and `path`)
 * and the first part of the error, not the value. No shrinking for the same reason.
 */
export const COMPACT: fc.Parameters<unknown> = {
  endOnFailure: true,
  reporter: (details) => {
    if (!details.failed) return;
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`property failed (replay with seed ${details.seed}, path "${details.counterexamplePath}"): ${error.slice(0, 2000)}`);
  },
};
