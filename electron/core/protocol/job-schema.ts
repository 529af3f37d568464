/**
 * The TrueNAS job object at the edge: one zod schema that accepts every server generation from CORE 13 to 27
 * (docs/protocol.md §5.1 field history) and a normaliser that turns it into a *patch* of model.ts's Job.
 *
 * Why a patch: events carry full objects today, but clients must still shallow-merge (docs/protocol.md §4.2), and older
 * servers omit fields. Only the fields present on the wire have a value in the patch; `completeJob` fills the rest
 * for a job seen for the first time.
 *
 * Hot path (a cloud sync sends an event per second per job; snapshots hold 1000 jobs): the schema uses only
 * built-in checks (no refinements, no transforms, no unions on per-field paths except dates), so a guard compiled
 * from it (schema-guard.ts) answers without zod's output copy, and the renaming to camelCase is a plain function
 * afterwards.
 *
 * Bounds (./bounds): the renaming also cuts every string to its limit (saying so at its end), keeps `arguments`
 * within 16 KiB and 32 levels, and turns dates no real server can send into null. `result`, `progress.extra` and
 * `exc_info.extra` are never kept at all (stripped by the schema without being walked), so their size costs only
 * the JSON parse. Wrong *types* still reject the job (the field names the problem); impossible *values* do not.
 */
import * as z from '../zod';
import { JOB_STATES } from '../model';
import type { Job, JobCredentials, JobExcInfo, JobProgress } from '../model';
import { JOB_TEXT_LIMITS as LIMITS, boundArguments, boundOptionalText, boundText, usableDateMs } from './bounds';
import { compileGuard } from './schema-guard';

/**
 * Any JSON number, ±Infinity included (JSON.parse turns 1e400 into Infinity): the range is checked afterwards, so
 * an impossible date makes the date unknown instead of losing the whole job (and with it a failure).
 */
const DateNumberSchema = z.union([z.number(), z.literal([Infinity, -Infinity])]);

/** `{"$date": ms}` as sent by every version; a bare number is tolerated in case a decoder already unwrapped it. */
const EjsonDateSchema = z.nullable(z.union([z.object({ $date: DateNumberSchema }), DateNumberSchema]));

const ProgressSchema = z.nullable(
  z.object({
    // CORE 13 and SCALE ≤23.10 send floats; CORE 13 sends all-null progress.
    percent: z.optional(z.nullable(z.number())),
    description: z.optional(z.nullable(z.string())),
  }),
);

const ExcInfoSchema = z.nullable(
  z.object({
    // `repr` since SCALE 22.12, `errno` since 24.10; CORE 13 has only type and extra.
    type: z.optional(z.nullable(z.string())),
    repr: z.optional(z.nullable(z.string())),
    errno: z.optional(z.nullable(z.number())),
  }),
);

const CredentialsSchema = z.nullable(
  z.object({
    type: z.string(),
    // Only the username is kept; login ids, API key names and token parents are not needed by a monitor.
    data: z.optional(z.nullable(z.object({ username: z.optional(z.nullable(z.string())) }))),
  }),
);

/**
 * The wire job object. Every field but `id` is optional (older servers and partial events omit them); unknown
 * fields (`message_ids`, `result`, `result_encoding_error`, future additions) are stripped, so `result` never
 * gets past this point.
 */
export const WireJobSchema = z.object({
  id: z.int(),
  method: z.optional(z.string()),
  arguments: z.optional(z.array(z.unknown())),
  transient: z.optional(z.boolean()),
  description: z.optional(z.nullable(z.string())),
  abortable: z.optional(z.boolean()),
  logs_path: z.optional(z.nullable(z.string())),
  logs_excerpt: z.optional(z.nullable(z.string())),
  progress: z.optional(ProgressSchema),
  error: z.optional(z.nullable(z.string())),
  exception: z.optional(z.nullable(z.string())),
  exc_info: z.optional(ExcInfoSchema),
  state: z.optional(z.enum(JOB_STATES)),
  time_started: z.optional(EjsonDateSchema),
  time_finished: z.optional(EjsonDateSchema),
  credentials: z.optional(CredentialsSchema),
});
export type WireJob = z.infer<typeof WireJobSchema>;

/**
 * Methods that run as transient jobs on servers whose job objects have no `transient` field: CORE 13's
 * `@job(transient=True)` methods (TN-13.3-U1.2 `plugins/alert.py`; `alert.process_alerts` runs every 60 s). SCALE
 * sends the field itself. Without this, each of them would look like a finished non-transient job.
 */
export const TRANSIENT_METHODS_WITHOUT_FLAG: ReadonlySet<string> = new Set([
  'alert.process_alerts',
  'alert.send_alerts',
  'alert.oneshot_create',
  'alert.oneshot_delete',
]);

/**
 * The fields of a Job present in one wire object, already normalised; `id` is always there. A field the wire did not
 * carry is `undefined` (never a value of its own: the Job has no undefined fields), so merging checks `!== undefined`.
 */
export type JobPatch = Partial<Job> & { id: number };

export type ParsedJobFields = { ok: true; patch: JobPatch } | { ok: false; reason: string };

/** Epoch ms, or null when absent or impossible (see bounds.ts usableDateMs). */
function dateToMs(value: { $date: number } | number | null): number | null {
  if (value === null) return null;
  return usableDateMs(typeof value === 'number' ? value : value.$date);
}

function toProgress(value: NonNullable<WireJob['progress']> | null): JobProgress {
  if (value === null) return { percent: null, description: null };
  return {
    percent: value.percent ?? null,
    description: boundOptionalText(value.description ?? null, LIMITS.progressDescription),
  };
}

function toExcInfo(value: NonNullable<WireJob['exc_info']> | null): JobExcInfo | null {
  if (value === null) return null;
  return {
    type: boundOptionalText(value.type ?? null, LIMITS.excType),
    repr: boundOptionalText(value.repr ?? null, LIMITS.excRepr),
    errno: value.errno ?? null,
  };
}

function toCredentials(value: NonNullable<WireJob['credentials']> | null): JobCredentials | null {
  if (value === null) return null;
  return {
    type: boundText(value.type, LIMITS.credentialsType),
    username: boundOptionalText(value.data?.username ?? null, LIMITS.username),
  };
}

/**
 * Renames and normalises a validated wire job into a patch. One object literal with every field (absent ones
 * undefined), once per event: adding only the present fields one by one grew the object through a chain of shapes
 * and backing stores, the pipeline's largest allocation after JSON.parse (`npm run bench`, cli-e2e).
 */
export function toJobPatch(wire: WireJob): JobPatch {
  const method = wire.method;
  return {
    id: wire.id,
    method: method === undefined ? undefined : boundText(method, LIMITS.method),
    arguments: wire.arguments === undefined ? undefined : boundArguments(wire.arguments),
    transient:
      wire.transient !== undefined ? wire.transient : method !== undefined && TRANSIENT_METHODS_WITHOUT_FLAG.has(method) ? true : undefined,
    description: wire.description === undefined ? undefined : boundOptionalText(wire.description, LIMITS.description),
    abortable: wire.abortable,
    logsPath: wire.logs_path === undefined ? undefined : boundOptionalText(wire.logs_path, LIMITS.logsPath),
    logsExcerpt: wire.logs_excerpt === undefined ? undefined : boundOptionalText(wire.logs_excerpt, LIMITS.logsExcerpt),
    progress: wire.progress === undefined ? undefined : toProgress(wire.progress),
    error: wire.error === undefined ? undefined : boundOptionalText(wire.error, LIMITS.error),
    exception: wire.exception === undefined ? undefined : boundOptionalText(wire.exception, LIMITS.exception),
    excInfo: wire.exc_info === undefined ? undefined : toExcInfo(wire.exc_info),
    state: wire.state,
    timeStarted: wire.time_started === undefined ? undefined : dateToMs(wire.time_started),
    timeFinished: wire.time_finished === undefined ? undefined : dateToMs(wire.time_finished),
    credentials: wire.credentials === undefined ? undefined : toCredentials(wire.credentials),
  };
}

function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid job object';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(job)';
  return `${path}: ${issue.message}`;
}

/** WireJobSchema's answer without zod's output copy (schema-guard.ts): toJobPatch reads only the schema's fields. */
const isWireJob = compileGuard(WireJobSchema);

/** Validates one job object from a snapshot or an event's `fields`; never throws. */
export function parseJobFields(fields: unknown): ParsedJobFields {
  if (isWireJob(fields)) return { ok: true, patch: toJobPatch(fields as WireJob) };
  // Rejected: zod says why.
  const result = WireJobSchema.safeParse(fields);
  if (!result.success) return { ok: false, reason: describeIssue(result.error) };
  return { ok: true, patch: toJobPatch(result.data) };
}

/** A whole Job from the patch of a job seen for the first time: absent fields get the oldest servers' defaults. */
export function completeJob(patch: JobPatch): Job {
  return {
    method: patch.method !== undefined ? patch.method : '',
    arguments: patch.arguments !== undefined ? patch.arguments : [],
    transient: patch.transient !== undefined ? patch.transient : false,
    description: patch.description !== undefined ? patch.description : null,
    abortable: patch.abortable !== undefined ? patch.abortable : false,
    logsPath: patch.logsPath !== undefined ? patch.logsPath : null,
    logsExcerpt: patch.logsExcerpt !== undefined ? patch.logsExcerpt : null,
    progress: patch.progress !== undefined ? patch.progress : { percent: null, description: null },
    error: patch.error !== undefined ? patch.error : null,
    exception: patch.exception !== undefined ? patch.exception : null,
    excInfo: patch.excInfo !== undefined ? patch.excInfo : null,
    state: patch.state !== undefined ? patch.state : 'WAITING',
    timeStarted: patch.timeStarted !== undefined ? patch.timeStarted : null,
    timeFinished: patch.timeFinished !== undefined ? patch.timeFinished : null,
    credentials: patch.credentials !== undefined ? patch.credentials : null,
    id: patch.id,
  };
}
