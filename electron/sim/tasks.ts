/**
 * Task definitions of the simulated server and the methods that serve them: `pool.snapshottask.query`,
 * `replication.query`, `cloudsync.query`, `cloud_backup.query` (SCALE), `rsynctask.query`, `pool.scrub.query`, plus
 * `system.general.config` and `system.info` for the time zone and clock.
 *
 * Shapes and roles as in truenas/middleware (src/middlewared/middlewared/): `api/v25_10_0/pool_snapshottask.py`,
 * `replication.py`, `cloud.py` / `cloud_sync.py` / `cloud_backup.py`, `rsync_task.py`, `pool_scrub.py`,
 * `system_general.py`, `plugins/system/info.py`; `role_prefix` of each service (`plugins/snapshot.py`
 * SNAPSHOT_TASK, `plugins/rsync.py` also SNAPSHOT_TASK, `plugins/replication.py` REPLICATION_TASK,
 * `plugins/cloud_sync.py` CLOUD_SYNC, `plugins/cloud_backup/crud.py` CLOUD_BACKUP, `plugins/pool_/scrub.py`
 * POOL_SCRUB, `plugins/system_general/update.py` SYSTEM_GENERAL; `system.info` READONLY_ADMIN). CORE 13 checks no
 * roles (only root signs in) and has no cloud backup.
 */
import { hasRole } from './auth';
import { SimCallError } from './errors';
import { applyQuery, parseQueryParams } from './query';
import { traits } from './versions';
import type { EjsonDate, SimTaskSpec, SimUser, SimVersion, WireJob } from './types';

export const SIM_TASK_ROLES: Readonly<Record<SimTaskSpec['kind'], string>> = {
  snapshot: 'SNAPSHOT_TASK_READ',
  replication: 'REPLICATION_TASK_READ',
  cloudsync: 'CLOUD_SYNC_READ',
  cloud_backup: 'CLOUD_BACKUP_READ',
  rsync: 'SNAPSHOT_TASK_READ',
  scrub: 'POOL_SCRUB_READ',
};

const QUERY: Readonly<Record<SimTaskSpec['kind'], string>> = {
  snapshot: 'pool.snapshottask.query',
  replication: 'replication.query',
  cloudsync: 'cloudsync.query',
  cloud_backup: 'cloud_backup.query',
  rsync: 'rsynctask.query',
  scrub: 'pool.scrub.query',
};

/** Default schedules of the database models (`storage_scrub`: 00:00 on Sundays; snapshot tasks: on the hour). */
function defaultSchedule(kind: SimTaskSpec['kind']): NonNullable<SimTaskSpec['schedule']> {
  if (kind === 'scrub') return { minute: '00', hour: '00', dom: '*', month: '*', dow: '7' };
  if (kind === 'snapshot') return { minute: '00', hour: '*', dom: '*', month: '*', dow: '*' };
  return { minute: '00', hour: '00', dom: '*', month: '*', dow: '*' };
}

/** A task with what the scheduler learnt while running it. */
export interface SimTask {
  spec: SimTaskSpec;
  schedule: NonNullable<SimTaskSpec['schedule']> | null;
  /** Due runs still to leave out (the "does not fire" option); Infinity: never fires. */
  skipsLeft: number;
  /** The last job of the task (the `job` field of cloud sync, cloud backup, rsync and replication entries). */
  lastJobId: number | null;
  /** zettarepl's state of a snapshot task or replication: {state, datetime}. */
  state: { state: string; datetime: number | null };
  /** Scrubs: when the pool was last scrubbed (server ms), or null. */
  lastScrubAt: number | null;
}

export interface SimTaskHost {
  version: SimVersion;
  timezone: string;
  now(): number;
  date(ms: number | null): EjsonDate | null;
  job(id: number): WireJob | undefined;
}

export class SimTasks {
  readonly tasks: SimTask[] = [];

  constructor(
    specs: readonly SimTaskSpec[],
    private readonly host: SimTaskHost,
  ) {
    for (const spec of specs) this.add(spec);
  }

  /** Adds a task (replacing one of the same kind and id); null for a kind this version lacks. */
  add(spec: SimTaskSpec): SimTask | null {
    if (spec.kind === 'cloud_backup' && !traits(this.host.version).cloudBackup) return null;
    const task: SimTask = {
      spec,
      schedule: spec.kind === 'replication' && spec.schedule === null ? null : { ...defaultSchedule(spec.kind), ...(spec.schedule ?? {}) },
      skipsLeft: spec.doesNotFire === true ? Number.POSITIVE_INFINITY : typeof spec.doesNotFire === 'number' ? spec.doesNotFire : 0,
      lastJobId: null,
      state: { state: 'PENDING', datetime: null },
      lastScrubAt: spec.lastScrubAgoMs !== undefined ? this.host.now() - spec.lastScrubAgoMs : null,
    };
    const at = this.tasks.findIndex((t) => t.spec.kind === spec.kind && t.spec.id === spec.id);
    if (at >= 0) this.tasks.splice(at, 1, task);
    else this.tasks.push(task);
    return task;
  }

  find(kind: SimTaskSpec['kind'], id: number): SimTask | undefined {
    return this.tasks.find((t) => t.spec.kind === kind && t.spec.id === id);
  }

  /** The methods to add to the server's table: name → handler(user, params). */
  methods(): Array<[string, (user: SimUser, params: unknown[]) => unknown]> {
    const t = traits(this.host.version);
    const allowed = (user: SimUser, role: string) => {
      if (t.methodRoles && !user.fullAdmin && !hasRole(user, role)) throw new SimCallError('EACCES', 'Not authorized');
    };
    const out: Array<[string, (user: SimUser, params: unknown[]) => unknown]> = [];
    for (const kind of Object.keys(QUERY) as Array<SimTaskSpec['kind']>) {
      if (kind === 'cloud_backup' && !t.cloudBackup) continue;
      const method = QUERY[kind];
      out.push([
        method,
        (user, params) => {
          allowed(user, SIM_TASK_ROLES[kind]);
          const { filters, options } = parseQueryParams(method, params);
          return applyQuery(
            this.tasks.filter((x) => x.spec.kind === kind).map((x) => this.entry(x)),
            filters,
            options,
          );
        },
      ]);
    }
    out.push([
      'system.general.config',
      (user) => {
        allowed(user, 'SYSTEM_GENERAL_READ');
        return {
          id: 1,
          ui_port: 80,
          ui_httpsport: 443,
          ui_httpsredirect: false,
          language: 'en',
          kbdmap: 'us',
          timezone: this.host.timezone,
          ui_address: ['0.0.0.0'],
          ui_v6address: ['::'],
        };
      },
    ]);
    out.push([
      'system.info',
      (user) => {
        allowed(user, 'READONLY_ADMIN');
        const now = this.host.now();
        return {
          version: `TrueNAS-SIM-${this.host.version}`,
          hostname: 'truenas-sim',
          uptime_seconds: 86_400,
          boottime: this.host.date(now - 86_400_000),
          datetime: this.host.date(now),
          timezone: this.host.timezone,
          system_product: 'SIMULATOR',
        };
      },
    ]);
    return out;
  }

  private lastJob(task: SimTask): WireJob | null {
    return task.lastJobId === null ? null : (this.host.job(task.lastJobId) ?? null);
  }

  private state(task: SimTask): Record<string, unknown> {
    const s: Record<string, unknown> = { state: task.state.state };
    if (task.state.datetime !== null) s.datetime = this.host.date(task.state.datetime);
    return s;
  }

  /** One entry as the query method answers it. */
  entry(task: SimTask): Record<string, unknown> {
    const { spec } = task;
    const enabled = spec.enabled ?? true;
    const locked = spec.locked ?? false;
    const cron = task.schedule && {
      minute: task.schedule.minute,
      hour: task.schedule.hour,
      dom: task.schedule.dom,
      month: task.schedule.month,
      dow: task.schedule.dow,
    };
    const timeCron = task.schedule && { ...cron, begin: task.schedule.begin ?? '00:00', end: task.schedule.end ?? '23:59' };
    switch (spec.kind) {
      case 'snapshot':
        return {
          id: spec.id,
          dataset: spec.name ?? 'tank/data',
          recursive: false,
          lifetime_value: 2,
          lifetime_unit: 'WEEK',
          enabled,
          exclude: [],
          naming_schema: 'auto-%Y-%m-%d_%H-%M',
          allow_empty: true,
          schedule: timeCron,
          vmware_sync: false,
          state: this.state(task),
        };
      case 'replication': {
        const snapshotTasks = (spec.snapshotTaskIds ?? [])
          .map((id) => this.find('snapshot', id))
          .filter((x): x is SimTask => x !== undefined);
        return {
          id: spec.id,
          name: spec.name ?? `tank/data - backup/data`,
          direction: 'PUSH',
          transport: 'SSH',
          ssh_credentials: { id: 1, name: 'backup-host' },
          source_datasets: ['tank/data'],
          target_dataset: 'backup/data',
          recursive: false,
          exclude: [],
          properties: true,
          periodic_snapshot_tasks: snapshotTasks.map((s) => {
            const e = this.entry(s);
            delete e.vmware_sync;
            return { ...e, state: JSON.stringify(this.state(s)) };
          }),
          naming_schema: [],
          also_include_naming_schema: [],
          name_regex: null,
          auto: spec.auto ?? true,
          schedule: timeCron,
          restrict_schedule: null,
          only_matching_schedule: false,
          allow_from_scratch: false,
          readonly: 'SET',
          hold_pending_snapshots: false,
          retention_policy: 'SOURCE',
          lifetime_value: null,
          lifetime_unit: null,
          lifetimes: [],
          compression: null,
          speed_limit: null,
          large_block: true,
          embed: false,
          compressed: true,
          retries: 5,
          logging_level: null,
          enabled,
          state: this.state(task),
          job: this.lastJob(task),
          has_encrypted_dataset_keys: false,
        };
      }
      case 'cloudsync':
      case 'cloud_backup':
        return {
          id: spec.id,
          description: spec.name ?? '',
          path: '/mnt/tank/data',
          credentials: { id: 1, name: 'Backblaze B2', provider: { type: 'B2', account: 'sim', key: '********' } },
          attributes: { bucket: 'sim-bucket', folder: '' },
          schedule: cron,
          pre_script: '',
          post_script: '',
          snapshot: false,
          include: [],
          exclude: [],
          args: '',
          enabled,
          job: this.lastJob(task),
          locked,
          ...(spec.kind === 'cloudsync'
            ? {
                bwlimit: [],
                transfers: null,
                direction: 'PUSH',
                transfer_mode: 'SYNC',
                encryption: false,
                filename_encryption: false,
                create_empty_src_dirs: false,
                follow_symlinks: false,
              }
            : {
                password: '********',
                keep_last: 14,
                transfer_setting: 'DEFAULT',
                absolute_paths: false,
                cache_path: null,
                rate_limit: null,
              }),
        };
      case 'rsync':
        return {
          id: spec.id,
          path: '/mnt/tank/data',
          user: 'root',
          mode: 'SSH',
          remotehost: 'backup.example',
          remoteport: 22,
          remotemodule: null,
          ssh_credentials: null,
          remotepath: '/backups/data',
          direction: 'PUSH',
          desc: spec.name ?? '',
          schedule: cron,
          recursive: true,
          times: true,
          compress: true,
          archive: false,
          delete: false,
          quiet: false,
          preserveperm: false,
          preserveattr: false,
          delayupdates: true,
          extra: [],
          enabled,
          locked,
          job: this.lastJob(task),
        };
      case 'scrub':
        return {
          id: spec.id,
          pool: spec.id,
          threshold: spec.thresholdDays ?? 35,
          description: '',
          schedule: cron,
          enabled,
          pool_name: spec.name ?? 'tank',
        };
    }
  }
}
