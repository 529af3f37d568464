/**
 * The TrueNAS job object at the edge: one zod schema that accepts every server generation from CORE 13 to 27
 * (docs/protocol.md §5.1 field history) and a normaliser that turns it into a *patch* of model.ts's Job.
 *
 * Why a patch: events carry full objects today, but clients must still shallow-merge (docs/protocol.md §4.2), and older
 * servers omit fields. Only the fields present on the wire appear in the patch; `completeJob` fills the rest for
 * a job seen for the first time.
 *
 * Hot path (a cloud sync sends an event per second per job; snapshots hold 1000 jobs): the schema uses only
 * built-in checks (no refinements, no transforms, no unions on per-field paths except dates), so zod 4's
 * compiled object parser does the validation, and the renaming to camelCase is a plain function afterwards.
 *
 * Bounds (./bounds): the renaming also cuts every string to its limit (saying so at its end), copies `arguments`
 * within 16 KiB and 32 levels, and turns dates no real server can send into null. `result`, `progress.extra` and
 * `exc_info.extra` are never kept at all (stripped by the schema without being walked), so their size costs only
 * the JSON parse. Wrong *types* still reject the job (the field names the problem); impossible *values* do not.
 */
import { z } from 'zod';
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
const EjsonDateSchema = z.union([z.object({ $date: DateNumberSchema }), DateNumberSchema]).nullable();

const ProgressSchema = z
  .object({
    // CORE 13 and SCALE ≤23.10 send floats; CORE 13 sends all-null progress.
    percent: z.number().nullable().optional(),
    description: z.string().nullable().optional(),
  })
  .nullable();

const ExcInfoSchema = z
  .object({
    // `repr` since SCALE 22.12, `errno` since 24.10; CORE 13 has only type and extra.
    type: z.string().nullable().optional(),
    repr: z.string().nullable().optional(),
    errno: z.number().nullable().optional(),
  })
  .nullable();

const CredentialsSchema = z
  .object({
    type: z.string(),
    // Only the username is kept; login ids, API key names and token parents are not needed by a monitor.
    data: z.object({ username: z.string().nullable().optional() }).nullable().optional(),
  })
  .nullable();

/**
 * The wire job object. Every field but `id` is optional (older servers and partial events omit them); unknown
 * fields (`message_ids`, `result`, `result_encoding_error`, future additions) are stripped, so `result` never
 * gets past this point.
 */
export const WireJobSchema = z.object({
  id: z.number().int(),
  method: z.string().optional(),
  arguments: z.array(z.unknown()).optional(),
  transient: z.boolean().optional(),
  description: z.string().nullable().optional(),
  abortable: z.boolean().optional(),
  logs_path: z.string().nullable().optional(),
  logs_excerpt: z.string().nullable().optional(),
  progress: ProgressSchema.optional(),
  error: z.string().nullable().optional(),
  exception: z.string().nullable().optional(),
  exc_info: ExcInfoSchema.optional(),
  state: z.enum(JOB_STATES).optional(),
  time_started: EjsonDateSchema.optional(),
  time_finished: EjsonDateSchema.optional(),
  credentials: CredentialsSchema.optional(),
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

/** The fields of a Job present in one wire object, already normalised; `id` is always there. */
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

/** Renames and normalises a validated wire job into a patch holding only the fields that were present. */
export function toJobPatch(wire: WireJob): JobPatch {
  const patch: JobPatch = { id: wire.id };
  if (wire.method !== undefined) patch.method = boundText(wire.method, LIMITS.method);
  if (wire.arguments !== undefined) patch.arguments = boundArguments(wire.arguments);
  if (wire.transient !== undefined) patch.transient = wire.transient;
  else if (wire.method !== undefined && TRANSIENT_METHODS_WITHOUT_FLAG.has(wire.method)) patch.transient = true;
  if (wire.description !== undefined) patch.description = boundOptionalText(wire.description, LIMITS.description);
  if (wire.abortable !== undefined) patch.abortable = wire.abortable;
  if (wire.logs_path !== undefined) patch.logsPath = boundOptionalText(wire.logs_path, LIMITS.logsPath);
  if (wire.logs_excerpt !== undefined) patch.logsExcerpt = boundOptionalText(wire.logs_excerpt, LIMITS.logsExcerpt);
  if (wire.progress !== undefined) patch.progress = toProgress(wire.progress);
  if (wire.error !== undefined) patch.error = boundOptionalText(wire.error, LIMITS.error);
  if (wire.exception !== undefined) patch.exception = boundOptionalText(wire.exception, LIMITS.exception);
  if (wire.exc_info !== undefined) patch.excInfo = toExcInfo(wire.exc_info);
  if (wire.state !== undefined) patch.state = wire.state;
  if (wire.time_started !== undefined) patch.timeStarted = dateToMs(wire.time_started);
  if (wire.time_finished !== undefined) patch.timeFinished = dateToMs(wire.time_finished);
  if (wire.credentials !== undefined) patch.credentials = toCredentials(wire.credentials);
  return patch;
}

function describeIssue(error: z.ZodError): string {
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
    method: '',
    arguments: [],
    transient: false,
    description: null,
    abortable: false,
    logsPath: null,
    logsExcerpt: null,
    progress: { percent: null, description: null },
    error: null,
    exception: null,
    excInfo: null,
    state: 'WAITING',
    timeStarted: null,
    timeFinished: null,
    credentials: null,
    ...patch,
  };
}
