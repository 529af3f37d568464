/**
 * What the outside world (the CLI, the Electron shell, the window) sees of the monitor: plain, serialisable
 * views with zod schemas, so the IPC contract can validate them in both directions. Never holds a secret or a
 * job's raw result.
 */
import { z } from 'zod';
import { JOB_STATES, SESSION_STATES, TERMINAL_STATES } from './model';
import { ERROR_CODES } from './errors';
import { INSIGHT_KINDS } from './insights';

export const ServerAccessViewSchema = z.object({
  /** Sees every job (FULL_ADMIN; CORE 13's root; an API key not tied to a user up to 24.10). */
  fullAdmin: z.boolean(),
  /** The account's roles as the server expanded them. */
  roles: z.array(z.string().max(64)).max(64),
  /** For people: what this account can and cannot see. */
  summary: z.string().max(1000),
  /** Running jobs this account lost sight of before they ended (their outcome is unknown here). */
  lostJobs: z.number().int().nonnegative(),
  /** For people: the last such job and what to do; null when none. */
  lostNotice: z.string().max(1000).nullable(),
});
export type ServerAccessView = z.infer<typeof ServerAccessViewSchema>;

/** A stretch of a task's schedule Jobwatch could not check because it was not watching the server (server ms). */
export const ScheduleGapViewSchema = z.object({
  /** The task as every insight names it ("replication.run [2]"). */
  task: z.string().max(400),
  name: z.string().max(200),
  dueAt: z.number(),
  lastDueAt: z.number(),
  count: z.number().int().positive(),
  /** The stretch not watched; null ends: before Jobwatch first watched, or not yet over. */
  notWatchingFrom: z.number().nullable(),
  notWatchingTo: z.number().nullable(),
  timezone: z.string().max(64),
  /** For people, in the server's time zone. */
  message: z.string().max(1000),
});
export type ScheduleGapView = z.infer<typeof ScheduleGapViewSchema>;

/** What the schedule check of a server can tell the window. */
export const ScheduleViewSchema = z.object({
  /** Tasks whose schedules are being checked. */
  checkedTasks: z.number().int().nonnegative(),
  timezone: z.string().max(64).nullable(),
  /** For people: kinds this account may not read, no time zone, a bad schedule… */
  notes: z.array(z.string().max(1000)).max(40),
  /** The latest stretches that could not be checked, newest last. */
  couldNotCheck: z.array(ScheduleGapViewSchema).max(20),
});
export type ScheduleView = z.infer<typeof ScheduleViewSchema>;

export const ServerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  state: z.enum(SESSION_STATES),
  /** One line for people: "Live", "Retrying in 8 s: connection refused", "Certificate not trusted"… */
  detail: z.string(),
  /** When the next reconnect attempt happens (desktop time, ms), while backing off. */
  retryAt: z.number().nullable(),
  /** Set when the session stopped for something only the user can fix (credentials, certificate…). */
  attention: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
  flavor: z.enum(['jsonrpc', 'legacy']).nullable(),
  /** The exact ws(s):// URL in use, once connected. */
  endpoint: z.string().nullable(),
  running: z.number().int().nonnegative(),
  unacknowledged: z.number().int().nonnegative(),
  mutedUntil: z.number().nullable(),
  muted: z.boolean(),
  /** Frames dropped because they failed to parse or validate. */
  badFrames: z.number().int().nonnegative(),
  /** What the signed-in account can see (from auth.me after login); null or absent while unknown. */
  access: ServerAccessViewSchema.nullable().optional(),
  /** Missed-run checking: notes and "could not check" stretches; absent from older producers. */
  schedules: ScheduleViewSchema.optional(),
});
export type ServerView = z.infer<typeof ServerViewSchema>;

export const JobViewSchema = z.object({
  key: z.string(),
  server: z.string(),
  id: z.number().int(),
  method: z.string(),
  description: z.string().nullable(),
  state: z.enum(JOB_STATES),
  percent: z.number().nullable(),
  progressText: z.string().nullable(),
  transient: z.boolean(),
  abortable: z.boolean(),
  hasLogs: z.boolean(),
  /** Server time (ms). */
  timeStarted: z.number().nullable(),
  timeFinished: z.number().nullable(),
  /** Desktop minus server clock (ms), so the window can show elapsed time correctly. */
  clockOffsetMs: z.number(),
  error: z.string().nullable(),
  startedBy: z.string().nullable(),
  /** Still on the server (false: kept in recent history after the server dropped it). */
  onServer: z.boolean(),
  /** The task it is a run of (`replication.run [2]`, or the method); absent from older producers. */
  task: z.string().optional(),
  /** While running: the task's usual duration from its history (ms), to estimate time left without a percent. */
  usualDurationMs: z.number().nonnegative().nullable().optional(),
});
export type JobView = z.infer<typeof JobViewSchema>;

/** A task's last runs, for the job detail's chart. */
export const TaskHistoryViewSchema = z.object({
  task: z.string(),
  label: z.string().nullable(),
  /** Oldest first, at most 50. */
  runs: z
    .array(
      z.object({
        jobKey: z.string(),
        jobId: z.number().int(),
        startedAt: z.number().nullable(),
        durationMs: z.number().nullable(),
        outcome: z.enum(TERMINAL_STATES),
        error: z.string().nullable(),
      }),
    )
    .max(1000),
  /** Successes among succeeded and failed runs, 0–1; null with none. */
  successRate: z.number().min(0).max(1).nullable(),
  /** Median duration of successful runs (ms); null with none. */
  usualMs: z.number().nullable(),
});
export type TaskHistoryView = z.infer<typeof TaskHistoryViewSchema>;

/** Everything about one job that the detail view shows; fetched on demand, not streamed. */
export const JobDetailSchema = JobViewSchema.extend({
  arguments: z.array(z.unknown()),
  exception: z.string().nullable(),
  excType: z.string().nullable(),
  logsExcerpt: z.string().nullable(),
  credentialsType: z.string().nullable(),
  webUiUrl: z.string().nullable(),
  /** The task's last runs; absent from older producers, null when none are known. */
  history: TaskHistoryViewSchema.nullable().optional(),
});
export type JobDetail = z.infer<typeof JobDetailSchema>;

export const FailureViewSchema = z.object({
  key: z.string(),
  server: z.string(),
  jobId: z.number().int(),
  method: z.string(),
  description: z.string().nullable(),
  error: z.string().nullable(),
  timeFinished: z.number().nullable(),
  reportedAt: z.number(),
  /** The task whose failures fold into this entry ("still failing"); absent when not known. */
  task: z.string().optional(),
  /** Failures folded into this entry, this one included; absent means 1. */
  count: z.number().int().positive().optional(),
});
export type FailureView = z.infer<typeof FailureViewSchema>;

/**
 * One job a notification stands for, as its parts (the key in `jobs` is the same identity, serialised). Job keys
 * are opaque outside the core: the window takes a job's server from JobView.server, FailureView.server,
 * FocusJob.server or these refs (`jobRefs[i]` is `jobs[i]`), never by taking a key apart.
 */
export const NotificationJobRefSchema = z.object({
  server: z.string(),
  jobId: z.number().int(),
  method: z.string(),
  /** Server time (ms), or null when the server did not say. */
  timeStarted: z.number().nullable(),
});
export type NotificationJobRef = z.infer<typeof NotificationJobRefSchema>;

export const NotificationViewSchema = z.object({
  id: z.string(),
  server: z.string(),
  title: z.string(),
  body: z.string(),
  urgency: z.enum(['critical', 'normal', 'low']),
  jobs: z.array(z.string()),
  /** The same jobs as `jobs`, in the same order, as parts; absent from producers older than this field. */
  jobRefs: z.array(NotificationJobRefSchema).optional(),
  catchUp: z.boolean(),
  suppressed: z.string().nullable(),
  createdAt: z.number(),
  /** The insights it tells of (slower-than-usual, stalled…); absent when it tells only of job endings. */
  insights: z.array(z.enum(INSIGHT_KINDS)).optional(),
});
export type NotificationView = z.infer<typeof NotificationViewSchema>;

/** The full state a window receives when it (re)subscribes. */
export const MonitorSnapshotSchema = z.object({
  servers: z.array(ServerViewSchema),
  jobs: z.array(JobViewSchema),
  failures: z.array(FailureViewSchema),
  notifications: z.array(NotificationViewSchema),
  pausedUntil: z.number().nullable(),
});
export type MonitorSnapshot = z.infer<typeof MonitorSnapshotSchema>;

/** A coalesced change set: upserts and removals keyed by job identity, plus whatever else changed. */
export const MonitorDeltaSchema = z.object({
  servers: z.array(ServerViewSchema).optional(),
  removedServers: z.array(z.string()).optional(),
  upserts: z.array(JobViewSchema),
  removals: z.array(z.string()),
  failures: z.array(FailureViewSchema).optional(),
  notifications: z.array(NotificationViewSchema).optional(),
  pausedUntil: z.number().nullable().optional(),
});
export type MonitorDelta = z.infer<typeof MonitorDeltaSchema>;
