/**
 * Schemas for every frame a TrueNAS server sends, for both wire protocols (docs/protocol.md §2.3, §2.4, §10),
 * and the ejson helpers for the typed values TrueNAS encodes as objects (§5.2).
 *
 * Everything from the network is untrusted: `parseJsonRpcFrame` / `parseLegacyFrame` never throw; a frame that
 * is not JSON or does not match a schema comes back as `{ ok: false, reason }` so the connection can count and
 * drop it and carry on.
 */
import * as z from '../zod';
import { usableDateMs } from './bounds';
import { compileGuard } from './schema-guard';

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/**
 * TrueNAS error details (`format_truenas_error`, and the legacy `result.error` object). Lenient on purpose:
 * CORE 13 omits `errname`, `trace` changed shape across releases and clients must not depend on it.
 */
export const truenasErrorDataSchema = z.object({
  error: z.nullish(z.number()),
  errname: z.nullish(z.string()),
  type: z.nullish(z.string()),
  reason: z.nullish(z.string()),
  trace: z.optional(z.unknown()),
  extra: z.optional(z.unknown()),
});
export type TruenasErrorData = z.infer<typeof truenasErrorDataSchema>;

const collectionEventMsgSchema = z.enum(['added', 'changed', 'removed']);
/**
 * Any JSON object, passed on as parsed: the job schema checks the fields themselves. (A z.record copied every key of
 * every event into a new object, a fifth of the pipeline's time, for nothing the job schema does not check again.)
 */
const fieldsSchema = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
  message: 'fields must be an object',
});

// ---------------------------------------------------------------------------------------------------------------
// JSON-RPC 2.0 (/api/current)

/** The server echoes our id verbatim; `null` marks a connection-level error (bad JSON, batch). */
const rpcIdSchema = z.union([z.string(), z.number(), z.null()]);

export const jsonRpcErrorObjectSchema = z.object({
  code: z.int(),
  message: z.string(),
  data: z.nullish(truenasErrorDataSchema),
});
export type JsonRpcErrorObject = z.infer<typeof jsonRpcErrorObjectSchema>;

export const jsonRpcErrorResponseSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: rpcIdSchema,
  error: jsonRpcErrorObjectSchema,
});

export const jsonRpcResultResponseSchema = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: rpcIdSchema,
    result: z.unknown(),
  })
  // zod accepts a missing key for z.unknown(); a response must carry `result` (which may be null).
  .check(z.refine((frame) => Object.hasOwn(frame, 'result'), { message: 'response has neither result nor error' }));

export const collectionUpdateSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.literal('collection_update'),
  params: z.object({
    msg: collectionEventMsgSchema,
    collection: z.string(),
    id: z.optional(z.unknown()),
    fields: z.optional(fieldsSchema),
    extra: z.optional(z.unknown()),
  }),
});

/** collectionUpdateSchema's answer without zod's output copy of the envelope (schema-guard.ts): one per event. */
const isCollectionUpdate = compileGuard(collectionUpdateSchema);
type CollectionUpdate = z.infer<typeof collectionUpdateSchema>;

export const notifyUnsubscribedSchema = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.literal('notify_unsubscribed'),
  params: z.object({
    collection: z.string(),
    error: z.nullish(truenasErrorDataSchema),
  }),
});

export type JsonRpcFrame =
  | { kind: 'result'; id: string | number | null; result: unknown }
  | { kind: 'error'; id: string | number | null; error: JsonRpcErrorObject }
  | {
      kind: 'event';
      msg: 'added' | 'changed' | 'removed';
      collection: string;
      id: unknown;
      fields: Record<string, unknown> | undefined;
    }
  | { kind: 'unsubscribed'; collection: string; error: TruenasErrorData | null };

export type ParsedFrame<T> = { ok: true; frame: T } | { ok: false; reason: string };

/** Parses and validates one JSON-RPC text frame. Never throws. */
export function parseJsonRpcFrame(text: string): ParsedFrame<JsonRpcFrame> {
  const json = parseJson(text);
  if (!json.ok) return json;
  const value = json.value;
  if (!isPlainObject(value)) return bad('frame is not a JSON object');

  // Dispatch rule (§11): a frame with `method` is a notification, anything else a response matched by id.
  if ('method' in value) {
    if (value['method'] === 'collection_update') {
      let params: CollectionUpdate['params'];
      if (isCollectionUpdate(value)) params = (value as CollectionUpdate).params;
      else {
        // Rejected: zod says why.
        const parsed = collectionUpdateSchema.safeParse(value);
        if (!parsed.success) return bad(`invalid collection_update: ${summarise(parsed.error)}`);
        params = parsed.data.params;
      }
      const { msg, collection, id, fields } = params;
      return { ok: true, frame: { kind: 'event', msg, collection, id, fields } };
    }
    if (value['method'] === 'notify_unsubscribed') {
      const parsed = notifyUnsubscribedSchema.safeParse(value);
      if (!parsed.success) return bad(`invalid notify_unsubscribed: ${summarise(parsed.error)}`);
      const { collection, error } = parsed.data.params;
      return { ok: true, frame: { kind: 'unsubscribed', collection, error: error ?? null } };
    }
    // String() of a server object can throw ({"toString": 1}): only a string is named.
    const method = value['method'];
    return bad(`unknown notification method ${typeof method === 'string' ? JSON.stringify(method.slice(0, 80)) : `(${typeof method})`}`);
  }
  if ('error' in value) {
    const parsed = jsonRpcErrorResponseSchema.safeParse(value);
    if (!parsed.success) return bad(`invalid error response: ${summarise(parsed.error)}`);
    return { ok: true, frame: { kind: 'error', id: parsed.data.id, error: parsed.data.error } };
  }
  const parsed = jsonRpcResultResponseSchema.safeParse(value);
  if (!parsed.success) return bad(`invalid response: ${summarise(parsed.error)}`);
  return { ok: true, frame: { kind: 'result', id: parsed.data.id, result: parsed.data.result } };
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy DDP-like protocol (/websocket)

const legacyIdSchema = z.union([z.string(), z.number()]);

export const legacyConnectedSchema = z.object({ msg: z.literal('connected'), session: z.optional(z.string()) });
export const legacyFailedSchema = z.object({ msg: z.literal('failed'), version: z.optional(z.unknown()) });
export const legacyResultSchema = z.object({
  msg: z.literal('result'),
  id: legacyIdSchema,
  result: z.optional(z.unknown()),
  error: z.nullish(truenasErrorDataSchema),
});
export const legacyReadySchema = z.object({ msg: z.literal('ready'), subs: z.array(legacyIdSchema) });
export const legacyNosubSchema = z.object({
  msg: z.literal('nosub'),
  id: z.optional(legacyIdSchema),
  collection: z.optional(z.string()),
  error: z.nullish(truenasErrorDataSchema),
});
export const legacyCollectionEventSchema = z.object({
  msg: collectionEventMsgSchema,
  collection: z.string(),
  id: z.optional(z.unknown()),
  fields: z.optional(fieldsSchema),
  // CORE 13 may add `cleared` on changed events of other collections: accepted and ignored.
  cleared: z.optional(z.unknown()),
});
export const legacyPongSchema = z.object({ msg: z.literal('pong'), id: z.optional(legacyIdSchema) });

export const legacyFrameSchema = z.discriminatedUnion('msg', [
  legacyConnectedSchema,
  legacyFailedSchema,
  legacyResultSchema,
  legacyReadySchema,
  legacyNosubSchema,
  z.extend(legacyCollectionEventSchema, { msg: z.literal('added') }),
  z.extend(legacyCollectionEventSchema, { msg: z.literal('changed') }),
  z.extend(legacyCollectionEventSchema, { msg: z.literal('removed') }),
  legacyPongSchema,
]);
export type LegacyFrame = z.infer<typeof legacyFrameSchema>;

/** Parses and validates one legacy text frame. Never throws. */
export function parseLegacyFrame(text: string): ParsedFrame<LegacyFrame> {
  const json = parseJson(text);
  if (!json.ok) return json;
  if (!isPlainObject(json.value)) return bad('frame is not a JSON object');
  const parsed = legacyFrameSchema.safeParse(json.value);
  if (!parsed.success) return bad(`invalid legacy frame: ${summarise(parsed.error)}`);
  return { ok: true, frame: parsed.data };
}

// ---------------------------------------------------------------------------------------------------------------
// ejson: TrueNAS encodes dates as {"$date": ms} and sets as {"$set": [...]} (§5.2)

/**
 * Milliseconds since the epoch from `{"$date": ms}`, or null when the value is not an ejson date or not a date a
 * real server can send (outside years 1–9999, see bounds.ts).
 */
export function ejsonDate(value: unknown): number | null {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return null;
  const ms = value['$date'];
  return typeof ms === 'number' ? usableDateMs(ms) : null;
}

/** The members of `{"$set": [...]}`, or null when the value is not an ejson set. */
export function ejsonSet(value: unknown): unknown[] | null {
  if (!isPlainObject(value) || Object.keys(value).length !== 1) return null;
  const members = value['$set'];
  return Array.isArray(members) ? members : null;
}

/**
 * Decodes ejson recursively: `$date` → epoch milliseconds (a number, so the result stays structured-clonable and
 * JSON-safe), `$set` → array. Other values are copied as they are.
 */
export function decodeEjson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeEjson);
  if (!isPlainObject(value)) return value;
  const date = ejsonDate(value);
  if (date !== null) return date;
  const set = ejsonSet(value);
  if (set !== null) return set.map(decodeEjson);
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) out[key] = decodeEjson(member);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return bad(`not JSON: ${err instanceof Error ? err.message.slice(0, 120) : 'parse error'}`);
  }
}

function bad(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of what failed validation (paths and messages, never the frame's values). */
function summarise(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
