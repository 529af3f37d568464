/**
 * A yes/no check compiled from a zod schema, for the two schemas every event goes through (the collection_update
 * envelope and the job object): `compileGuard(schema)(value)` is true exactly when `schema.safeParse(value).success`.
 *
 * Why: zod's parse builds an output copy of every object level and a result object per field, for an answer this
 * code then reads field by field anyway (job-schema.ts toJobPatch). On the stress stream that was a third of all
 * allocation and most of the optimising compiler's work (`npm run bench`, cli-e2e). The guard reads the same zod
 * definition (`schema._zod.def`, which zod documents for library authors), so the schema stays the one description of
 * what is accepted, and zod itself still explains every rejection.
 *
 * Only the kinds those schemas use are supported, with zod's semantics (zod/v4/core/schemas.js): a schema holding
 * anything else (a refinement, a transform, a default, a length check, a strict object…) throws at compile time
 * instead of being checked loosely. test/unit/protocol/schema-guard.test.ts holds the guards to zod's answers.
 */
import type * as z from '../zod';

export type Guard = (value: unknown) => boolean;

interface ZodDef {
  type: string;
  /** Set when the schema is itself a check: zod/mini's `z.int()`, any `z.custom`, a string format (`z.email()`). */
  check?: string;
  format?: string;
  checks?: { _zod: { def: { check: string; format?: string } } }[];
  innerType?: z.core.$ZodType;
  options?: readonly z.core.$ZodType[];
  element?: z.core.$ZodType;
  shape?: Record<string, z.core.$ZodType>;
  catchall?: z.core.$ZodType;
  entries?: Record<string, unknown>;
  values?: readonly unknown[];
  fn?: (value: unknown) => unknown;
  inclusive?: boolean;
}

function defOf(schema: z.core.$ZodType): ZodDef {
  return (schema as unknown as { _zod: { def: ZodDef } })._zod.def;
}

function unsupported(def: ZodDef, what: string): never {
  throw new Error(`compileGuard: ${what} (${def.type}) is not supported; check it with safeParse instead`);
}

/** zod's own object test (zod/v4/core/util.js isObject). */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** z.int(): the safe-integer number format, whichever build made it. */
function isSafeInt(check: { check?: string; format?: string }): boolean {
  return check.check === 'number_format' && check.format === 'safeint';
}

export function compileGuard(schema: z.core.$ZodType): Guard {
  const def = defOf(schema);
  const checks = def.checks ?? [];
  const only = (allowed: (check: { check: string; format?: string }) => boolean) => {
    for (const check of checks) if (!allowed(check._zod.def)) unsupported(def, `the check ${check._zod.def.check}`);
  };
  // A schema that is itself a check runs that check before `def.checks` (zod/v4/core/schemas.js $ZodType): only the
  // kinds below that read it (the int format, a custom function) may have one; any other (a string format…) is refused.
  if (def.check !== undefined && !(def.type === 'number' && isSafeInt(def)) && def.type !== 'custom') {
    unsupported(def, `the check ${def.check}`);
  }
  switch (def.type) {
    case 'string':
      only(() => false);
      return (value) => typeof value === 'string';
    case 'boolean':
      only(() => false);
      return (value) => typeof value === 'boolean';
    case 'number': {
      // z.number() refuses NaN and ±Infinity. The safe-integer format is either the schema's own check (z.int(), the
      // form zod/mini builds) or an entry of its checks (zod classic's z.number().int(), zod/mini's
      // z.number().check(z.int())).
      only(isSafeInt);
      if (isSafeInt(def) || checks.length > 0) return (value) => typeof value === 'number' && Number.isSafeInteger(value);
      return (value) => typeof value === 'number' && Number.isFinite(value);
    }
    case 'unknown':
    case 'any':
      only(() => false);
      return () => true;
    case 'null':
      return (value) => value === null;
    case 'literal': {
      const values = new Set(def.values);
      return (value) => values.has(value);
    }
    case 'enum': {
      // As zod/v4/core/util.js getEnumValues: a numeric TypeScript enum's reverse-mapped names are not values.
      const entries = def.entries ?? {};
      const numeric = Object.values(entries).filter((value) => typeof value === 'number');
      const values = new Set(
        Object.entries(entries)
          .filter(([key]) => !numeric.includes(Number(key)))
          .map(([, value]) => value),
      );
      return (value) => values.has(value);
    }
    case 'optional': {
      const inner = def.innerType!;
      // A default inside would substitute a value for absence: not a yes/no question any more.
      if (defOf(inner).type === 'default') unsupported(def, 'an optional default');
      const check = compileGuard(inner);
      return (value) => value === undefined || check(value);
    }
    case 'nullable': {
      const check = compileGuard(def.innerType!);
      return (value) => value === null || check(value);
    }
    case 'union': {
      if (def.inclusive === false) unsupported(def, 'an exclusive union');
      only(() => false);
      const options = def.options!.map(compileGuard);
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case 'array': {
      only(() => false);
      if (defOf(def.element!).type === 'unknown') return (value) => Array.isArray(value);
      const element = compileGuard(def.element!);
      return (value) => Array.isArray(value) && value.every((member) => element(member));
    }
    case 'object': {
      only(() => false);
      // Unknown keys are stripped (the default) or passed (z.looseObject): either way they do not decide validity.
      if (def.catchall !== undefined && defOf(def.catchall).type !== 'unknown') unsupported(def, 'a catchall');
      const fields = Object.entries(def.shape!)
        .filter(([key]) => key !== '__proto__')
        .map(([key, field]) => ({ key, check: compileGuard(field) }));
      return (value) => {
        if (!isObject(value)) return false;
        for (const field of fields) if (!field.check(value[field.key])) return false;
        return true;
      };
    }
    case 'custom': {
      const fn = def.fn!;
      if (checks.length > 0) unsupported(def, 'a custom schema with checks');
      return (value) => {
        const result = fn(value);
        if (result instanceof Promise) throw new Error('compileGuard: an async custom check cannot be a guard');
        return Boolean(result);
      };
    }
    default:
      return unsupported(def, 'this kind of schema');
  }
}
