/**
 * The NDJSON contract of `jobwatch watch|list --json`: one JSON object per line, each described here by a zod
 * schema. These schemas are the source of the shipped JSON Schema (docs/ndjson.schema.json, regenerated and
 * checked by test/unit/cli/ndjson-schema.test.ts) and of the README's table.
 *
 * Compatibility policy: every line carries `v`. Adding a line type, a field, or a value to an enumeration keeps
 * `v`; consumers must ignore what they do not know. Removing or renaming a field or a line type, or changing a
 * field's meaning or type, bumps `v`.
 */
import { z } from 'zod';
import { JOB_STATES, SESSION_STATES, TERMINAL_STATES } from '../core/model';
import { SUPPRESSION_REASONS } from '../core/classification';
import { INSIGHT_KINDS } from '../core/insights';
import { NDJSON_VERSION } from './ndjson-version';

export { NDJSON_VERSION };

const Version = z.literal(NDJSON_VERSION).describe('Version of this line format; bumped only on removals, renames or changed meanings.');
const Ts = z.iso.datetime().describe('When the line was printed (ISO 8601, UTC).');
const IsoOrNull = z.iso.datetime().nullable();
const ServerName = z.string().describe("The server's name: --profile's name, or the URL's host (host:port when not the default).");

const ConnectionLine = z
  .strictObject({
    v: Version,
    type: z.literal('connection'),
    ts: Ts,
    server: ServerName,
    state: z.enum(SESSION_STATES).describe('The connection state; a line is printed when the state or detail changes.'),
    detail: z.string().describe('For people: "Live", "Retrying in 8 s: connection refused", …'),
  })
  .describe('A server connection changed state.');

const TransitionLine = z
  .strictObject({
    v: Version,
    type: z.literal('transition'),
    ts: Ts,
    server: ServerName,
    jobId: z.number().int().describe("The job's id on the server (ids start again at 1 after a middleware restart)."),
    method: z.string().describe('The middleware method, e.g. replication.run.'),
    description: z.string().nullable(),
    from: z.enum(JOB_STATES).nullable().describe('The last state seen before, or null when first seen finished.'),
    to: z.enum(TERMINAL_STATES),
    error: z.string().nullable(),
    timeStarted: IsoOrNull.describe('Server time, ISO 8601 UTC, or null when unknown.'),
    timeFinished: IsoOrNull.describe('Server time, ISO 8601 UTC, or null when unknown.'),
    catchUp: z.boolean().describe('The job finished while jobwatch was not connected (or not running).'),
    transient: z
      .boolean()
      .describe("The middleware's own housekeeping (e.g. alert.process_alerts); printed only with --include-transient."),
  })
  .describe('A job reached a final state; printed once per job, across restarts with --state-dir.');

const JobRef = z
  .strictObject({
    server: ServerName,
    jobId: z.number().int(),
    method: z.string(),
    timeStarted: IsoOrNull.describe('Server time, ISO 8601 UTC, or null when unknown.'),
  })
  .describe('One job a notification stands for.');

const NotificationLine = z
  .strictObject({
    v: Version,
    type: z.literal('notification'),
    ts: Ts,
    server: ServerName,
    id: z.string().describe('Unique within one run of jobwatch.'),
    title: z.string(),
    body: z.string(),
    urgency: z.enum(['critical', 'normal', 'low']),
    jobs: z.array(JobRef).describe('The transitions this notification folds together (a burst of endings is one notification).'),
    catchUp: z.boolean(),
    suppressed: z
      .enum(SUPPRESSION_REASONS)
      .nullable()
      .describe('Why it was not shown (and not passed to --exec), or null when shown. "transient" only with --include-transient.'),
  })
  .describe('A notification the rules planned: shown, or suppressed with the reason.');

const JobLine = z
  .strictObject({
    v: Version,
    type: z.literal('job'),
    ts: Ts,
    server: ServerName,
    jobId: z.number().int(),
    method: z.string(),
    description: z.string().nullable(),
    state: z.enum(JOB_STATES),
    percent: z.number().nullable(),
    progress: z.string().nullable().describe("The job's progress description."),
    transient: z.boolean(),
    timeStarted: IsoOrNull,
    timeFinished: IsoOrNull,
    error: z.string().nullable(),
  })
  .describe('list only: one job the server holds.');

const ErrorLine = z
  .strictObject({
    v: Version,
    type: z.literal('error'),
    ts: Ts,
    server: ServerName.nullable(),
    message: z.string().describe('For people: what happened and what to do.'),
  })
  .describe('Something went wrong that is not a connection state.');

export const EXEC_STATUSES = ['failed', 'timed-out', 'not-started', 'dropped'] as const;

const ExecLine = z
  .strictObject({
    v: Version,
    type: z.literal('exec'),
    ts: Ts,
    server: ServerName,
    notificationId: z.string().describe("The notification line's id."),
    command: z.string().describe('The program --exec ran (its first word).'),
    status: z
      .enum(EXEC_STATUSES)
      .describe(
        'failed: exited non-zero or was killed; timed-out: killed after --exec-timeout; not-started: could not be run; dropped: too many waiting.',
      ),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    stderr: z.string().describe("The end of the command's standard error (at most 2 KiB), or empty."),
    message: z.string().describe('For people: what happened and what to do.'),
  })
  .describe('watch --exec only: the command for a shown notification did not succeed (nothing is printed when it does).');

/** Insights about one run of a task (core/insights.ts); missed-run lines are the schedule checker's. */
const RunInsightLine = z
  .strictObject({
    v: Version,
    type: z.literal('insight'),
    ts: Ts,
    kind: z.enum(INSIGHT_KINDS.filter((k) => k !== 'missed-run') as ['slower-than-usual', 'stalled', 'fixed', 'still-failing']),
    server: ServerName,
    task: z
      .string()
      .describe(
        'The task: the method and the task id among its arguments ("replication.run [2]"), or the method for jobs that are not tasks.',
      ),
    jobId: z.number().int().nullable(),
    method: z.string(),
    description: z.string().nullable(),
    timeStarted: IsoOrNull.describe('Server time, ISO 8601 UTC, or null when unknown.'),
    catchUp: z.boolean().describe('Decided on catching up with what ended while jobwatch was away.'),
    figures: z
      .record(z.string(), z.number().nullable())
      .describe(
        'The numbers behind the decision (durations in ms). slower-than-usual: elapsedMs, usualMs (median), p90Ms, thresholdMs = max(2 × median, p90 + 10 min), runs. stalled: stalledForMs (live time without progress), thresholdMs, percent. fixed: failedRuns before this success. still-failing: failedRuns in a row, this one included.',
      ),
    detail: z
      .string()
      .nullable()
      .describe("fixed and still-failing: the previous failure's first error line; stalled: the progress text; else null."),
  })
  .describe('An insight about one run, once per run and kind; its notification (if any) follows the rules like any other.');

/** A scheduled run that did not start (core/missed-runs.ts): no job, so no job id or start time. */
const MissedRunInsightLine = z
  .strictObject({
    v: Version,
    type: z.literal('insight'),
    ts: Ts,
    kind: z.literal('missed-run'),
    server: ServerName,
    task: z
      .string()
      .describe(
        'The task, the same string as in every insight line: the method its runs are and the task id ("replication.run [2]"; scrubs by pool name).',
      ),
    jobId: z.null(),
    method: z.string().describe('The job its runs are (pool.snapshottask.run for a periodic snapshot task, which runs as no job).'),
    description: z.string().nullable().describe("The task's name on the server (description, dataset or pool)."),
    timeStarted: z.null(),
    dueAt: z.iso.datetime().describe('The (first) due time that did not run, ISO 8601 UTC (the server clock).'),
    schedule: z.string().describe('The cron expression (minute hour dom month dow), with "(between HH:MM and HH:MM)" for a window.'),
    timezone: z.string().describe("The server's time zone the schedule is read in (IANA)."),
    catchUp: z.boolean(),
    figures: z
      .record(z.string(), z.number().nullable())
      .describe(
        'expectedAt: the due time (server ms); lastExpectedAt and count when several are folded into one line; toleranceMs: how late a run could start and still count; lastRunAt: the last run seen before it (server ms), or null.',
      ),
    detail: z.string().nullable().describe('For people: what was due, in the server time zone, and what to check.'),
  })
  .describe(
    'A scheduled run that produced no job within the tolerance while jobwatch was watching (never for disabled or locked tasks, replications run by their snapshot tasks, or scrubs skipped for their threshold).',
  );

const InsightLine = z.discriminatedUnion('kind', [RunInsightLine, MissedRunInsightLine]);

/**
 * A due time Jobwatch could not judge because it was not watching the server then. Its own line type, not an
 * insight: an insight says something about the server's task (scripts page on them), this says something about
 * Jobwatch's own coverage, and is no fault of the server.
 */
const ScheduleCheckLine = z
  .strictObject({
    v: Version,
    type: z.literal('schedule-check'),
    ts: Ts,
    outcome: z
      .enum(['could-not-check'])
      .describe(
        'could-not-check: no run was seen, but Jobwatch was not watching all the time from the due time to the end of the tolerance.',
      ),
    server: ServerName,
    task: z.string().describe('The task, the same string as in insight lines ("replication.run [2]"; scrubs by pool name).'),
    method: z.string().describe('The job its runs are (pool.snapshottask.run for a periodic snapshot task, which runs as no job).'),
    name: z.string().describe("The task's name on the server (description, dataset, path or pool)."),
    dueAt: z.iso.datetime().describe('The (first) due time not judged, ISO 8601 UTC (the server clock).'),
    lastDueAt: z.iso.datetime().describe('The last due time folded into this line (the same as dueAt when count is 1).'),
    count: z.number().int().positive().describe('Consecutive due times of the task folded into this line.'),
    schedule: z.string().describe('The cron expression, with "(between HH:MM and HH:MM)" for a window.'),
    timezone: z.string().describe("The server's time zone the schedule is read in (IANA)."),
    notWatchingFrom: IsoOrNull.describe(
      'When Jobwatch stopped watching the server (ISO 8601 UTC, server clock), or null if it had not watched before.',
    ),
    notWatchingTo: IsoOrNull.describe('When it watched again, or null if it has not yet.'),
    reason: z.string().describe('For people: "Could not check whether … ran at …: Jobwatch was not watching the server from … to …".'),
  })
  .describe(
    'A scheduled run Jobwatch could not judge, because it was not connected (or not running) around its due time. Calm by design: never a notification, never an insight.',
  );

export const NdjsonLineSchema = z
  .discriminatedUnion('type', [
    ConnectionLine,
    TransitionLine,
    NotificationLine,
    JobLine,
    ErrorLine,
    ExecLine,
    InsightLine,
    ScheduleCheckLine,
  ])
  .meta({
    title: 'jobwatch --json line',
    description: `One line of \`jobwatch watch --json\` or \`jobwatch list --json\`, format version ${NDJSON_VERSION}. Additions keep v; removals, renames and changed meanings bump it. This schema describes one release exactly: consumers should ignore fields and line types they do not know.`,
  });

export type NdjsonLine = z.output<typeof NdjsonLineSchema>;
export type NdjsonJobRef = z.output<typeof JobRef>;
export type ExecStatus = (typeof EXEC_STATUSES)[number];

/** The JSON Schema shipped as docs/ndjson.schema.json (draft 2020-12). */
export function ndjsonJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(NdjsonLineSchema, { target: 'draft-2020-12' });
}
