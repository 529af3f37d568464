import { describe, expect, it } from 'vitest';
import { RpcError } from '../../../electron/core/errors';
import {
  MAX_TASKS_PER_KIND,
  parseTaskEntry,
  readServerClock,
  readTaskDefinitions,
  taskRunKey,
} from '../../../electron/core/task-definitions';

const cron = { minute: '0', hour: '3', dom: '*', month: '*', dow: '7' };

describe('task entries', () => {
  it('reads a periodic snapshot task with its window and zettarepl state', () => {
    const t = parseTaskEntry('snapshot', {
      id: 4,
      dataset: 'tank/data',
      recursive: true,
      enabled: true,
      naming_schema: 'auto-%Y-%m-%d_%H-%M',
      schedule: { ...cron, begin: '09:00', end: '18:00' },
      state: { state: 'FINISHED', datetime: { $date: 1_750_000_000_000 }, last_snapshot: 'tank/data@auto-x' },
      vmware_sync: false,
    });
    expect(t).toMatchObject({
      key: 'snapshot:4',
      name: 'tank/data',
      trigger: 'schedule',
      dayRule: 'croniter',
      lastRunAt: 1_750_000_000_000,
    });
    expect(t?.schedule).toEqual({ ...cron, begin: '09:00', end: '18:00' });
  });

  it('reads a last job started at a date string, and takes an unreadable one for no last run (the task stays)', () => {
    const cloud = (time_started: unknown) =>
      parseTaskEntry('cloudsync', {
        id: 3,
        description: 'Photos to B2',
        path: '/mnt/tank/photos',
        enabled: true,
        locked: false,
        schedule: cron,
        job: { id: 9, time_started },
      });
    expect(cloud('2026-01-02T03:04:05Z')?.lastRunAt).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    const unreadable = cloud('not a time');
    expect(unreadable).toMatchObject({ key: 'cloudsync:3', name: 'Photos to B2' });
    expect(unreadable?.lastRunAt ?? null).toBeNull();
  });

  it('tells a scheduled replication from one run by its snapshot tasks or by hand', () => {
    const base = { id: 2, name: 'tank/data → backup', enabled: true, periodic_snapshot_tasks: [{ id: 4 }], job: null };
    expect(parseTaskEntry('replication', { ...base, auto: true, schedule: { ...cron, begin: '00:00', end: '23:59' } })?.trigger).toBe(
      'schedule',
    );
    expect(parseTaskEntry('replication', { ...base, auto: true, schedule: null })?.trigger).toBe('snapshot-task');
    expect(parseTaskEntry('replication', { ...base, auto: false, schedule: null })?.trigger).toBe('manual');
  });

  it('reads cloud sync, cloud backup and rsync tasks (cron, no window) with locked and the last job', () => {
    const cloud = parseTaskEntry('cloudsync', {
      id: 3,
      description: 'Photos to B2',
      path: '/mnt/tank/photos',
      enabled: true,
      locked: true,
      schedule: cron,
      job: { id: 9, time_started: { $date: 5 } },
    });
    expect(cloud).toMatchObject({ key: 'cloudsync:3', name: 'Photos to B2', locked: true, dayRule: 'vixie', lastRunAt: 5 });
    expect(cloud?.schedule?.begin).toBeUndefined();
    expect(
      parseTaskEntry('cloud_backup', {
        id: 1,
        description: '',
        path: '/mnt/tank/x',
        enabled: true,
        locked: false,
        schedule: cron,
        job: null,
      })?.name,
    ).toBe('/mnt/tank/x');
    expect(
      parseTaskEntry('rsync', { id: 7, desc: '', path: '/mnt/tank/r', enabled: false, locked: false, schedule: cron, job: null }),
    ).toMatchObject({ key: 'rsync:7', enabled: false });
  });

  it('reads a scrub task with its pool and threshold', () => {
    expect(
      parseTaskEntry('scrub', {
        id: 1,
        pool: 1,
        pool_name: 'tank',
        threshold: 35,
        description: '',
        enabled: true,
        schedule: { minute: '00', hour: '00', dom: '*', month: '*', dow: '7' },
      }),
    ).toMatchObject({
      key: 'scrub:1',
      poolName: 'tank',
      thresholdDays: 35,
    });
  });

  it('drops entries of the wrong shape and bounds what it keeps', () => {
    expect(parseTaskEntry('rsync', { id: 'x', enabled: true, schedule: cron })).toBeNull();
    expect(parseTaskEntry('cloudsync', { id: 1, enabled: true, schedule: { ...cron, minute: 'x'.repeat(101) } })).toBeNull();
    expect(parseTaskEntry('scrub', null)).toBeNull();
    const long = parseTaskEntry('cloudsync', { id: 1, description: 'd'.repeat(4000), enabled: true, schedule: cron, job: 'garbage' });
    expect(long?.name.length).toBe(200);
    expect(long?.lastRunAt).toBeNull();
  });
});

describe('reading every kind', () => {
  it('notes a kind the account may not read, skips one the version lacks, and keeps the rest', async () => {
    const calls: string[] = [];
    const read = await readTaskDefinitions(async (method) => {
      calls.push(method);
      if (method === 'rsynctask.query') throw new RpcError('Not authorized', null, 13, 'EACCES', 'Not authorized');
      if (method === 'cloud_backup.query') throw new RpcError("Method 'cloud_backup.query' not found", -32601, null, null, null);
      if (method === 'cloudsync.query')
        return [{ id: 3, description: 'a', enabled: true, locked: false, schedule: cron, job: null }, { bad: true }];
      if (method === 'pool.scrub.query')
        return Array.from({ length: MAX_TASKS_PER_KIND + 5 }, (_, i) => ({
          id: i,
          pool_name: 'p',
          threshold: 1,
          enabled: true,
          schedule: cron,
        }));
      return [];
    });
    expect(calls).toEqual([
      'pool.snapshottask.query',
      'replication.query',
      'cloudsync.query',
      'cloud_backup.query',
      'rsynctask.query',
      'pool.scrub.query',
    ]);
    expect(read.notes).toHaveLength(1);
    expect(read.notes[0]!.message).toMatch(/may not read the rsync tasks/);
    expect(read.tasks.filter((t) => t.kind === 'scrub')).toHaveLength(MAX_TASKS_PER_KIND);
    expect(read.rejected).toBe(1 + 5);
  });

  it('reads the time zone and the server clock', async () => {
    const clock = await readServerClock(
      async (method) => {
        if (method === 'system.general.config') return { timezone: 'Europe/Berlin', ui_port: 80 };
        return { timezone: 'UTC', datetime: { $date: 1_000 } };
      },
      () => 61_000,
    );
    expect(clock).toEqual({ timezone: 'Europe/Berlin', clockOffsetMs: 60_000 });
    const fallback = await readServerClock(
      async (method) => {
        if (method === 'system.general.config') throw new RpcError('Not authorized', null, 13, 'EACCES', 'Not authorized');
        return { timezone: 'Not/AZone', datetime: { $date: 1_000 } };
      },
      () => 1_000,
    );
    expect(fallback.timezone).toBeNull();
  });

  it('accepts every zone name the formatter accepts, aliases and spellings outside the canonical list included', async () => {
    const zoneOf = async (timezone: string) =>
      (
        await readServerClock(
          async () => ({ timezone }),
          () => 0,
        )
      ).timezone;
    // Not in Intl.supportedValuesOf('timeZone'), yet valid time zones for a server to report.
    for (const zone of ['UTC', 'Etc/UTC', 'US/Pacific', 'europe/berlin', 'America/Los_Angeles']) expect(await zoneOf(zone)).toBe(zone);
    expect(await zoneOf('Mars/Olympus_Mons')).toBeNull();
  });
});

describe('runs of tasks', () => {
  it('files jobs under their task', () => {
    expect(taskRunKey('replication.run', [2, false])).toBe('replication:2');
    expect(taskRunKey('replication.run', [2, { really_run: false }])).toBe('replication:2');
    expect(taskRunKey('cloudsync.sync', [3])).toBe('cloudsync:3');
    expect(taskRunKey('cloud_backup.sync', [1])).toBe('cloud_backup:1');
    expect(taskRunKey('rsynctask.run', [7])).toBe('rsync:7');
    expect(taskRunKey('pool.scrub.scrub', ['tank'])).toBe('scrub-pool:tank');
    expect(taskRunKey('pool.scrub.scrub', ['tank', 'STOP'])).toBeNull();
    expect(taskRunKey('zpool.scrub.run', [{ pool_name: 'tank', threshold: 35 }])).toBe('scrub-pool:tank');
    expect(taskRunKey('cloudsync.sync', ['3'])).toBeNull();
    expect(taskRunKey('core.get_jobs', [])).toBeNull();
  });
});
