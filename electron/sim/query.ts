/** TrueNAS query-filters and query-options over plain objects (docs/protocol.md §4.4). */
import { invalidParams, SimCallError } from './errors';

type Filter = unknown[];

const OPS = new Set(['=', '!=', '>', '>=', '<', '<=', '~', 'in', 'nin', 'rin', 'rnin', '^', '!^', '$', '!$']);

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function norm(v: unknown, ci: boolean): unknown {
  return ci && typeof v === 'string' ? v.toLowerCase() : v;
}

function compare(a: unknown, b: unknown): number {
  // A date sub-key compared with an ISO-8601 string.
  if (typeof a === 'number' && typeof b === 'string') {
    const t = Date.parse(b);
    if (!Number.isNaN(t)) b = t;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return Number.NaN;
}

function matchOne(obj: unknown, f: Filter): boolean {
  if (f[0] === 'OR') {
    const alts = f[1] as unknown[];
    return alts.some((alt) => (Array.isArray(alt) && Array.isArray(alt[0]) ? matches(obj, alt as Filter[]) : matchOne(obj, alt as Filter)));
  }
  const [key, rawOp, rawValue] = f as [string, string, unknown];
  const ci = rawOp.startsWith('C') && OPS.has(rawOp.slice(1));
  const op = ci ? rawOp.slice(1) : rawOp;
  const actual = norm(getPath(obj, key), ci);
  const value = Array.isArray(rawValue) ? rawValue.map((v) => norm(v, ci)) : norm(rawValue, ci);
  switch (op) {
    case '=':
      return actual === value || (actual === undefined && value === null);
    case '!=':
      return !(actual === value || (actual === undefined && value === null));
    case '>':
      return compare(actual, value) > 0;
    case '>=':
      return compare(actual, value) >= 0;
    case '<':
      return compare(actual, value) < 0;
    case '<=':
      return compare(actual, value) <= 0;
    case '~':
      return typeof actual === 'string' && typeof value === 'string' && new RegExp(value).test(actual);
    case 'in':
      return Array.isArray(value) && value.includes(actual);
    case 'nin':
      return Array.isArray(value) && !value.includes(actual);
    case 'rin':
      return Array.isArray(actual)
        ? actual.includes(value)
        : typeof actual === 'string' && typeof value === 'string' && actual.includes(value);
    case 'rnin':
      return !(Array.isArray(actual)
        ? actual.includes(value)
        : typeof actual === 'string' && typeof value === 'string' && actual.includes(value));
    case '^':
      return typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value);
    case '!^':
      return !(typeof actual === 'string' && typeof value === 'string' && actual.startsWith(value));
    case '$':
      return typeof actual === 'string' && typeof value === 'string' && actual.endsWith(value);
    case '!$':
      return !(typeof actual === 'string' && typeof value === 'string' && actual.endsWith(value));
    default:
      return false;
  }
}

export function matches(obj: unknown, filters: Filter[]): boolean {
  return filters.every((f) => matchOne(obj, f));
}

function validateFilter(f: unknown, where: string): void {
  if (!Array.isArray(f)) throw invalidParams(where, 'Input should be a valid list');
  if (f[0] === 'OR') {
    if (f.length !== 2 || !Array.isArray(f[1])) throw invalidParams(where, 'OR filter must be ["OR", [filters...]]');
    (f[1] as unknown[]).forEach((alt, i) => {
      if (Array.isArray(alt) && Array.isArray(alt[0])) (alt as unknown[]).forEach((g, j) => validateFilter(g, `${where}.${i}.${j}`));
      else validateFilter(alt, `${where}.${i}`);
    });
    return;
  }
  if (f.length !== 3 || typeof f[0] !== 'string' || typeof f[1] !== 'string') throw invalidParams(where, 'Invalid filter');
  const op = f[1];
  if (!OPS.has(op) && !(op.startsWith('C') && OPS.has(op.slice(1)))) throw invalidParams(where, `Invalid operation: ${op}`);
  if ((op === 'in' || op === 'nin') && !Array.isArray(f[2])) throw invalidParams(where, `"${op}" must be used with an iterable`);
}

export interface QueryOptions {
  order_by?: string[];
  limit?: number;
  offset?: number;
  count?: boolean;
  get?: boolean;
  select?: string[];
  extra?: Record<string, unknown>;
}

const OPTION_KEYS = new Set(['order_by', 'limit', 'offset', 'count', 'get', 'select', 'extra', 'relationships', 'force_sql_filters']);

export function parseQueryParams(method: string, params: unknown[]): { filters: Filter[]; options: QueryOptions } {
  const [filters = [], options = {}] = params;
  if (!Array.isArray(filters)) throw invalidParams(`${method}.filters`, 'Input should be a valid list');
  filters.forEach((f, i) => validateFilter(f, `${method}.filters.${i}`));
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidParams(`${method}.options`, 'Input should be a valid dictionary');
  }
  const o = options as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) throw invalidParams(`${method}.options.${k}`, 'Extra inputs are not permitted');
  if (o.order_by !== undefined && !(Array.isArray(o.order_by) && o.order_by.every((s) => typeof s === 'string'))) {
    throw invalidParams(`${method}.options.order_by`, 'Input should be a valid list');
  }
  for (const k of ['limit', 'offset'] as const) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= 0))
      throw invalidParams(`${method}.options.${k}`, 'Input should be a valid integer');
  }
  return { filters: filters as Filter[], options: o };
}

export function applyQuery<T extends object>(items: T[], filters: Filter[], options: QueryOptions): T[] | T | number {
  let out = items.filter((it) => matches(it, filters));
  for (const spec of [...(options.order_by ?? [])].reverse()) {
    let key = spec;
    let nulls: 'first' | 'last' | null = null;
    if (key.startsWith('nulls_first:')) {
      nulls = 'first';
      key = key.slice(12);
    } else if (key.startsWith('nulls_last:')) {
      nulls = 'last';
      key = key.slice(11);
    }
    const desc = key.startsWith('-');
    if (desc) key = key.slice(1);
    out = [...out].sort((a, b) => {
      const va = getPath(a, key);
      const vb = getPath(b, key);
      const na = va === null || va === undefined;
      const nb = vb === null || vb === undefined;
      if (na || nb) {
        if (na && nb) return 0;
        const first = nulls === 'first' ? -1 : 1;
        return na ? first : -first;
      }
      const c = compare(va, vb);
      const r = Number.isNaN(c) ? sortText(va).localeCompare(sortText(vb)) : c;
      return desc ? -r : r;
    });
  }
  if (options.offset) out = out.slice(options.offset);
  if (options.limit) out = out.slice(0, options.limit);
  if (options.select) {
    const sel = options.select;
    out = out.map((it) => Object.fromEntries(sel.map((k) => [k, getPath(it, k)])) as T);
  }
  if (options.count) return out.length;
  if (options.get) {
    const first = out[0];
    if (first === undefined) throw new SimCallError('ENOENT', 'Object not found', { traceClass: 'MatchNotFound' });
    return first;
  }
  return out;
}

/** Values of mixed types still sort deterministically: by their JSON text. */
function sortText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}
