/**
 * The scheduled tasks a TrueNAS server runs on its own, read from their `*.query` methods, and how each run shows
 * up as a job. Everything from the network is validated here with bounded zod schemas; an entry that does not fit
 * is dropped and counted, never fatal.
 *
 * Read in truenas/middleware (paths under src/middlewared/middlewared/, TN-13.3-U1.2 … the 27 head):
 * - `etc_files/cron.d/middlewared.mako`: cron starts `rsynctask.run <id>`, `cloudsync.sync <id>`,
 *   `cloud_backup.sync <id>` (SCALE only) and `pool.scrub.run <pool> <threshold>` for every task that is enabled
 *   and not `locked` (a locked dataset gets an alert instead of a cron line), at minute/hour/dom/month/dow only.
 * - `plugins/zettarepl.py`: periodic snapshot tasks and replications run in zettarepl's own scheduler, with the
 *   `begin`/`end` window and the time zone of `system.general.config`. A snapshot task makes no job at all
 *   (`pool.snapshottask.run` only queues it); its `state.datetime` tells its last run. A replication run is the job
 *   `replication.run [id, false]` (`ReplicationTaskStart` → `replication.run(id, False)`). A replication with
 *   `auto` and no `schedule` runs after its `periodic_snapshot_tasks`, not on a clock of its own.
 * - `plugins/pool_/scrub.py`: up to 25.10 `pool.scrub.run` is no job; it starts the job `pool.scrub.scrub [pool]`
 *   only when the last scrub is at least `threshold - 1` days old. From 26 it starts `zpool.scrub.run
 *   [{pool_name, threshold}]` (`plugins/zpool/scrub.py`), a job that returns at once when the threshold is not met.
 * - Roles (`role_prefix`): SNAPSHOT_TASK_READ for snapshot *and* rsync tasks (`plugins/rsync.py`), REPLICATION_TASK,
 *   CLOUD_SYNC, CLOUD_BACKUP, POOL_SCRUB; a refused query answers EACCES "Not authorized".
 */
import * as z from './zod';
import { JobwatchError, RpcError } from './errors';
import { isMethodMissing } from './server-access';
import { english, listIn, type Translator } from './i18n/i18n';
import type { CronSchedule, DayRule } from './schedules';

export const TASK_KINDS = ['snapshot', 'replication', 'cloudsync', 'cloud_backup', 'rsync', 'scrub'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** How a task is started: on its own schedule, after snapshot tasks (replication `auto` without a schedule), or by hand. */
export type TaskTrigger = 'schedule' | 'snapshot-task' | 'manual';

export interface TaskDefinition {
  /** "<kind>:<id>", the key runs are filed under. */
  key: string;
  kind: TaskKind;
  id: number;
  /** What a person calls it: the description, or the dataset/path/pool when there is none. */
  name: string;
  enabled: boolean;
  /** The dataset is locked (encrypted and not unlocked): cron leaves the task out. */
  locked: boolean;
  trigger: TaskTrigger;
  schedule: CronSchedule | null;
  /** Which scheduler reads the schedule: cron (Vixie day rule) or zettarepl (croniter). */
  dayRule: DayRule;
  /** Scrubs: the pool, and the days that must pass since the last scrub before a scheduled one starts. */
  poolName: string | null;
  thresholdDays: number | null;
  /** The last run the definition itself tells of (snapshot `state.datetime`, the task's `job.time_started`), server ms. */
  lastRunAt: number | null;
}

/** Why a kind could not be read: the account may not, the call failed otherwise, or the answer was no list. */
export type TaskReadProblem = 'not-allowed' | 'unreadable' | 'not-a-list';

export interface TaskReadNote {
  kind: TaskKind;
  method: string;
  problem: TaskReadProblem;
  /** What happened, for the person (English; taskReadText words one or several kinds in any language). */
  message: string;
}

export interface TaskDefinitionsRead {
  tasks: TaskDefinition[];
  /** Kinds that could not be read (not allowed, not on this version, a bad answer). */
  notes: TaskReadNote[];
  /** Entries dropped because they did not have the expected shape. */
  rejected: number;
  /** The same, per kind read. */
  rejectedByKind: Partial<Record<TaskKind, number>>;
}

export const MAX_TASKS_PER_KIND = 500;
const MAX_FIELD = 100; // the schedule columns are String(100) in the database models
const MAX_NAME = 200;
const CALL_TIMEOUT_MS = 15_000;

const cronField = z.string().check(z.minLength(1), z.maxLength(MAX_FIELD));
const timeOfDay = z.string().check(z.regex(/^([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/));
/** `api/v25_10_0/common.py` CronModel / TimeCronModel: every field defaults to "*", the window to 00:00–23:59. */
const scheduleSchema = z.object({
  minute: z._default(cronField, '*'),
  hour: z._default(cronField, '*'),
  dom: z._default(cronField, '*'),
  month: z._default(cronField, '*'),
  dow: z._default(cronField, '*'),
  begin: z.nullish(timeOfDay),
  end: z.nullish(timeOfDay),
});

const dateSchema = z.union([
  z.pipe(
    z.object({ $date: z.number() }),
    z.transform((d) => d.$date),
  ),
  z.number(),
  z.pipe(
    z.string().check(z.maxLength(64)),
    z.transform((s: string, ctx) => {
      const ms = Date.parse(s);
      if (Number.isNaN(ms)) z.addIssue(ctx, 'not a date');
      return ms;
    }),
  ),
]);
/** The `job` field of a task entry: its last job, or null. Only its start time is used. */
const lastJobSchema = z.catch(z.nullish(z.object({ time_started: z.nullish(dateSchema) })), null);
const text = z.pipe(
  z.string().check(z.maxLength(4096)),
  z.transform((s: string) => s.slice(0, MAX_NAME)),
);
const id = z.int().check(z.nonnegative(), z.lte(Number.MAX_SAFE_INTEGER));

const snapshotSchema = z.object({
  id,
  dataset: text,
  enabled: z.boolean(),
  schedule: scheduleSchema,
  // `plugins/snapshot.py` extend: zettarepl's task state {state, datetime, …}, or an error string for all of them.
  state: z.catch(z.nullish(z.object({ state: z.optional(z.string().check(z.maxLength(32))), datetime: z.nullish(dateSchema) })), null),
});
const replicationSchema = z.object({
  id,
  name: text,
  enabled: z.boolean(),
  auto: z.boolean(),
  schedule: z.nullish(scheduleSchema),
  periodic_snapshot_tasks: z._default(z.array(z.unknown()).check(z.maxLength(10_000)), []),
  job: lastJobSchema,
});
const cloudSchema = z.object({
  id,
  description: z._default(text, ''),
  path: z._default(text, ''),
  enabled: z.boolean(),
  locked: z._default(z.boolean(), false),
  schedule: scheduleSchema,
  job: lastJobSchema,
});
const rsyncSchema = z.object({
  id,
  desc: z._default(text, ''),
  path: z._default(text, ''),
  enabled: z.boolean(),
  locked: z._default(z.boolean(), false),
  schedule: scheduleSchema,
  job: lastJobSchema,
});
const scrubSchema = z.object({
  id,
  pool_name: z.string().check(z.minLength(1), z.maxLength(256)),
  description: z._default(text, ''),
  threshold: z.int().check(z.gte(0), z.lte(100_000)),
  enabled: z.boolean(),
  schedule: scheduleSchema,
});

type Schedule = z.infer<typeof scheduleSchema>;

function toSchedule(s: Schedule, window: boolean): CronSchedule {
  const out: CronSchedule = { minute: s.minute, hour: s.hour, dom: s.dom, month: s.month, dow: s.dow };
  if (window) {
    out.begin = (s.begin ?? '00:00').slice(0, 5);
    out.end = (s.end ?? '23:59').slice(0, 5);
  }
  return out;
}

function base(kind: TaskKind, id: number, name: string): Pick<TaskDefinition, 'key' | 'kind' | 'id' | 'name'> {
  return { key: `${kind}:${id}`, kind, id, name: name || `${kind} task ${id}` };
}

/** One entry of a `*.query` answer, or null when it does not have the expected shape. */
export function parseTaskEntry(kind: TaskKind, raw: unknown): TaskDefinition | null {
  switch (kind) {
    case 'snapshot': {
      const r = snapshotSchema.safeParse(raw);
      if (!r.success) return null;
      const t = r.data;
      return {
        ...base(kind, t.id, t.dataset),
        enabled: t.enabled,
        locked: false,
        trigger: 'schedule',
        schedule: toSchedule(t.schedule, true),
        dayRule: 'croniter',
        poolName: null,
        thresholdDays: null,
        lastRunAt: t.state?.datetime ?? null,
      };
    }
    case 'replication': {
      const r = replicationSchema.safeParse(raw);
      if (!r.success) return null;
      const t = r.data;
      // zettarepl runs a replication on its schedule when it has one; `auto` without one means "after the
      // snapshot tasks it is bound to"; without `auto` it only runs by hand (`plugins/zettarepl.py` definition).
      const trigger: TaskTrigger = !t.auto ? 'manual' : t.schedule ? 'schedule' : 'snapshot-task';
      return {
        ...base(kind, t.id, t.name),
        enabled: t.enabled,
        locked: false,
        trigger,
        schedule: t.schedule ? toSchedule(t.schedule, true) : null,
        dayRule: 'croniter',
        poolName: null,
        thresholdDays: null,
        lastRunAt: t.job?.time_started ?? null,
      };
    }
    case 'cloudsync':
    case 'cloud_backup': {
      const r = cloudSchema.safeParse(raw);
      if (!r.success) return null;
      const t = r.data;
      return {
        ...base(kind, t.id, t.description || t.path),
        enabled: t.enabled,
        locked: t.locked,
        trigger: 'schedule',
        schedule: toSchedule(t.schedule, false),
        dayRule: 'vixie',
        poolName: null,
        thresholdDays: null,
        lastRunAt: t.job?.time_started ?? null,
      };
    }
    case 'rsync': {
      const r = rsyncSchema.safeParse(raw);
      if (!r.success) return null;
      const t = r.data;
      return {
        ...base(kind, t.id, t.desc || t.path),
        enabled: t.enabled,
        locked: t.locked,
        trigger: 'schedule',
        schedule: toSchedule(t.schedule, false),
        dayRule: 'vixie',
        poolName: null,
        thresholdDays: null,
        lastRunAt: t.job?.time_started ?? null,
      };
    }
    case 'scrub': {
      const r = scrubSchema.safeParse(raw);
      if (!r.success) return null;
      const t = r.data;
      return {
        ...base(kind, t.id, t.description || `scrub of ${t.pool_name}`),
        enabled: t.enabled,
        locked: false,
        trigger: 'schedule',
        schedule: toSchedule(t.schedule, false),
        dayRule: 'vixie',
        poolName: t.pool_name,
        thresholdDays: t.threshold,
        lastRunAt: null,
      };
    }
  }
}

export const QUERY_METHODS: Readonly<Record<TaskKind, string>> = {
  snapshot: 'pool.snapshottask.query',
  replication: 'replication.query',
  cloudsync: 'cloudsync.query',
  cloud_backup: 'cloud_backup.query',
  rsync: 'rsynctask.query',
  scrub: 'pool.scrub.query',
};

/**
 * Kinds that could not be read for the same reason, in one sentence in `t`'s language ("This account may not read the
 * periodic snapshot, replication and rsync tasks (…)"); kinds in the order given, their query methods in brackets.
 */
export function taskReadText(problem: TaskReadProblem, kinds: readonly TaskKind[], t: Translator = english): string {
  const values = {
    count: kinds.length,
    kinds: listIn(
      kinds.map((kind) => t(`schedules.kindWords.${kind}`)),
      t,
    ),
    methods: kinds.map((kind) => QUERY_METHODS[kind]).join(', '),
  };
  if (problem === 'not-allowed') return t('schedules.notAllowed', values);
  if (problem === 'unreadable') return t('schedules.unreadable', values);
  return t('schedules.notAList', values);
}

function readNote(kind: TaskKind, problem: TaskReadProblem): TaskReadNote {
  return { kind, method: QUERY_METHODS[kind], problem, message: taskReadText(problem, [kind]) };
}

export type TaskCall = (method: string, params: unknown[], options?: { timeoutMs?: number }) => Promise<unknown>;

function isNotAllowed(err: unknown): boolean {
  if (!(err instanceof RpcError)) return false;
  return err.errno === 13 || err.errname === 'EACCES' || err.errname === 'EPERM' || /not authori[sz]ed/i.test(err.reason ?? err.message);
}

/**
 * Reads every kind of task (or only `kinds`). A kind the account may not read, or that this version lacks (cloud
 * backup on CORE 13), becomes a note; a lost connection is thrown so the caller tries again on the next refresh.
 */
export async function readTaskDefinitions(call: TaskCall, kinds: readonly TaskKind[] = TASK_KINDS): Promise<TaskDefinitionsRead> {
  const tasks: TaskDefinition[] = [];
  const notes: TaskReadNote[] = [];
  const rejectedByKind: Partial<Record<TaskKind, number>> = {};
  for (const kind of TASK_KINDS) {
    if (!kinds.includes(kind)) continue;
    const method = QUERY_METHODS[kind];
    let reply: unknown;
    try {
      reply = await call(method, [], { timeoutMs: CALL_TIMEOUT_MS });
    } catch (err) {
      if (err instanceof JobwatchError && (err.code === 'CONNECTION_CLOSED' || err.code === 'TIMEOUT')) throw err;
      if (isMethodMissing(err)) continue; // not on this version (cloud backup before SCALE 24.04)
      notes.push(readNote(kind, isNotAllowed(err) ? 'not-allowed' : 'unreadable'));
      continue;
    }
    if (!Array.isArray(reply)) {
      notes.push(readNote(kind, 'not-a-list'));
      continue;
    }
    let rejected = Math.max(0, reply.length - MAX_TASKS_PER_KIND);
    for (const raw of reply.slice(0, MAX_TASKS_PER_KIND)) {
      const task = parseTaskEntry(kind, raw);
      if (task) tasks.push(task);
      else rejected += 1;
    }
    rejectedByKind[kind] = rejected;
  }
  const rejected = Object.values(rejectedByKind).reduce((n, r) => n + r, 0);
  return { tasks, notes, rejected, rejectedByKind };
}

const tzSchema = z.object({
  timezone: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_+\-/]+$/)),
});
const infoSchema = z.object({
  timezone: z.optional(z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_+\-/]+$/))),
  datetime: z.optional(dateSchema),
});

export interface ServerClockRead {
  /** IANA time zone the server's cron and zettarepl use, or null when it could not be read. */
  timezone: string | null;
  /** Desktop clock minus server clock from `system.info` `datetime` (ms), or null. */
  clockOffsetMs: number | null;
}

/** The canonical zone names, read once: far cheaper than a formatter (see validZone). */
let canonicalZones: ReadonlySet<string> | null = null;

function validZone(zone: string): boolean {
  // A DateTimeFormat loads ICU's date patterns (about 8 MiB resident, measured by `npm run bench`, cli-e2e) that a
  // watcher needs only once a schedule is checked; the list of canonical names answers for almost every server, and
  // the formatter still decides for aliases and other spellings it accepts.
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (zone === 'UTC' || canonicalZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The server's time zone: `system.general.config` `timezone` (SYSTEM_GENERAL_READ; every version), else
 * `system.info` `timezone` (READONLY_ADMIN on SCALE). `system.info` `datetime` also gives the server's clock.
 */
export async function readServerClock(call: TaskCall, now: () => number): Promise<ServerClockRead> {
  let timezone: string | null = null;
  let clockOffsetMs: number | null = null;
  try {
    const r = tzSchema.safeParse(await call('system.general.config', [], { timeoutMs: CALL_TIMEOUT_MS }));
    if (r.success && validZone(r.data.timezone)) timezone = r.data.timezone;
  } catch (err) {
    if (err instanceof JobwatchError && err.code === 'CONNECTION_CLOSED') throw err;
  }
  try {
    const sent = now();
    const r = infoSchema.safeParse(await call('system.info', [], { timeoutMs: CALL_TIMEOUT_MS }));
    const received = now();
    if (r.success) {
      if (timezone === null && r.data.timezone && validZone(r.data.timezone)) timezone = r.data.timezone;
      // The answer was made somewhere between sending and receiving: take the midpoint.
      if (r.data.datetime !== undefined && received - sent < 10_000) clockOffsetMs = Math.round((sent + received) / 2 - r.data.datetime);
    }
  } catch (err) {
    if (err instanceof JobwatchError && err.code === 'CONNECTION_CLOSED') throw err;
  }
  return { timezone, clockOffsetMs };
}

/** Which task a job is a run of: "<kind>:<id>", or "scrub-pool:<pool>" for scrubs (their jobs name the pool). */
export function taskRunKey(method: string, args: readonly unknown[]): string | null {
  const first = args[0];
  const intId = typeof first === 'number' && Number.isInteger(first) && first >= 0 ? first : null;
  switch (method) {
    case 'replication.run':
      return intId === null ? null : `replication:${intId}`;
    case 'cloudsync.sync':
      return intId === null ? null : `cloudsync:${intId}`;
    case 'cloud_backup.sync':
      return intId === null ? null : `cloud_backup:${intId}`;
    case 'rsynctask.run':
      return intId === null ? null : `rsync:${intId}`;
    case 'pool.scrub.scrub':
      return typeof first === 'string' && first.length > 0 && first.length <= 256 && (args[1] === undefined || args[1] === 'START')
        ? `scrub-pool:${first}`
        : null;
    case 'zpool.scrub.run': {
      if (typeof first !== 'object' || first === null) return null;
      const pool = (first as { pool_name?: unknown; action?: unknown }).pool_name;
      const action = (first as { action?: unknown }).action;
      return typeof pool === 'string' && pool.length > 0 && pool.length <= 256 && (action === undefined || action === 'START')
        ? `scrub-pool:${pool}`
        : null;
    }
    default:
      return null;
  }
}

/** The key a task's runs are filed under (scrubs by pool, as their jobs name it). */
export function runKeyOfTask(task: Pick<TaskDefinition, 'key' | 'kind' | 'poolName'>): string {
  return task.kind === 'scrub' && task.poolName ? `scrub-pool:${task.poolName}` : task.key;
}

/** Whether an account without full admin sees the jobs of this kind (`@job(read_roles=…)` in `job.py`). */
export function runsVisibleTo(kind: TaskKind, roles: readonly string[]): boolean {
  const readonly = roles.includes('READONLY_ADMIN');
  if (kind === 'cloudsync') return readonly || roles.includes('CLOUD_SYNC_READ');
  if (kind === 'replication') return readonly || roles.includes('REPLICATION_TASK_READ');
  return false;
}
