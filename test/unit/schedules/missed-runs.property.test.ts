import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_GAPS_KEPT,
  MissedRunWatch,
  notWatchingAround,
  scheduleViewOf,
  type ScheduleCheck,
  type ScheduleCheckStatus,
} from '../../../electron/core/missed-runs';
import { addInterval, covered, dueTimes, type Interval } from '../../../electron/core/schedules';
import { parseTaskEntry } from '../../../electron/core/task-definitions';
import { ScheduleViewSchema } from '../../../electron/core/view';
import { translator } from '../../../electron/core/i18n/i18n';

const MIN = 60_000;
const START = Date.UTC(2025, 5, 1, 0, 0, 0);
const EVERY_5 = { minute: '*/5', hour: '*', dom: '*', month: '*', dow: '*' };

interface World {
  desktopNow: number;
  /** The session's estimate of desktop minus server clock. */
  offset: number;
  /** The real difference (what system.info shows); the estimate when absent. */
  serverOffset?: number;
  /** The server's time zone as system.general.config answers it. */
  zone: string;
  tasks: Record<string, unknown[]>;
  tellsClock: boolean;
  /** Every method called, in order, when given. */
  calls?: string[];
}

function watchFor(world: World, insights: ScheduleCheck[], restrictedRoles: string[] | null = null): MissedRunWatch {
  return new MissedRunWatch({
    server: 'nas',
    now: () => world.desktopNow,
    sessionClockOffsetMs: () => world.offset,
    restrictedRoles: () => restrictedRoles,
    onCheck: (i) => insights.push(i),
    timings: { toleranceMs: 2 * MIN, earlyMs: 30_000, checkMs: 1e9, refreshMs: 1e9 },
    call: async (method) => {
      world.calls?.push(method);
      if (method === 'system.general.config') return { timezone: world.zone };
      if (method === 'system.info')
        return world.tellsClock
          ? { timezone: world.zone, datetime: { $date: world.desktopNow - (world.serverOffset ?? world.offset) } }
          : { timezone: world.zone };
      return world.tasks[method] ?? [];
    },
  });
}

const cloud = (id: number, extra: Record<string, unknown>) => ({
  id,
  description: `task ${id}`,
  path: '/mnt/x',
  enabled: true,
  locked: false,
  schedule: EVERY_5,
  job: null,
  ...extra,
});

describe('missed runs of a server', () => {
  it('never report disabled, locked, manual or snapshot-triggered tasks, whatever the clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -86_400, max: 86_400 }).map((s) => s * 1000),
        fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata'),
        async (offset, zone) => {
          const world: World = {
            desktopNow: START + offset,
            offset,
            zone,
            tellsClock: false,
            tasks: {
              'cloudsync.query': [cloud(1, { enabled: false }), cloud(2, { locked: true })],
              'rsynctask.query': [{ id: 3, desc: 'r', path: '/mnt/r', enabled: false, locked: false, schedule: EVERY_5, job: null }],
              'replication.query': [
                { id: 4, name: 'by snapshot', enabled: true, auto: true, schedule: null, periodic_snapshot_tasks: [{ id: 1 }], job: null },
                {
                  id: 5,
                  name: 'by hand',
                  enabled: true,
                  auto: false,
                  schedule: { ...EVERY_5, begin: '00:00', end: '23:59' },
                  periodic_snapshot_tasks: [],
                  job: null,
                },
              ],
              'pool.snapshottask.query': [
                { id: 6, dataset: 'tank', enabled: false, schedule: { ...EVERY_5, begin: '00:00', end: '23:59' }, state: null },
              ],
            },
          };
          const insights: ScheduleCheck[] = [];
          const watch = watchFor(world, insights);
          watch.live();
          await watch.refresh();
          for (let step = 0; step < 12; step++) {
            world.desktopNow += 10 * MIN;
            watch.check();
          }
          watch.stop();
          expect(insights).toEqual([]);
          expect(watch.status().checkedTasks).toBe(0);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('never report a run that happened on the server clock, whatever the offset between the clocks and the zone', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -3 * 86_400, max: 3 * 86_400 }).map((s) => s * 1000),
        fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'),
        fc.boolean(),
        fc.integer({ min: 0, max: 60 }),
        async (offset, zone, tellsClock, lateSeconds) => {
          const hourly = { minute: '17', hour: '*', dom: '*', month: '*', dow: '*' };
          const world: World = {
            desktopNow: START + offset,
            offset: tellsClock ? 0 : offset,
            serverOffset: offset,
            zone,
            tellsClock,
            tasks: { 'cloudsync.query': [cloud(1, { schedule: hourly })] },
          };
          // With tellsClock the session's estimate is wrong (0) and system.info must be used; the server is really `offset` behind.
          const realOffset = offset;
          const insights: ScheduleCheck[] = [];
          const watch = watchFor(world, insights);
          watch.live();
          await watch.refresh();
          let served = START;
          for (let step = 0; step < 16; step++) {
            world.desktopNow += 20 * MIN;
            const serverNow = world.desktopNow - realOffset;
            // The server runs each due time, a little late (cron starts on the minute; midclt takes a moment).
            const parsed = parseTaskEntry('cloudsync', cloud(1, { schedule: hourly }))!;
            for (const due of dueTimes(parsed.schedule!, zone, 'vixie', served, serverNow).times) {
              watch.observe({
                method: 'cloudsync.sync',
                arguments: [1],
                timeStarted: due + lateSeconds * 1000,
                timeFinished: due + lateSeconds * 1000 + MIN,
                state: 'SUCCESS',
              });
            }
            served = serverNow;
            watch.check();
          }
          watch.stop();
          expect(insights.filter((i) => i.outcome === 'missed')).toEqual([]);
          expect(watch.status().judged.ran).toBeGreaterThan(0);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('says "could not check" for due times while it was not watching, and "missed" only when it was', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 40 })), { minLength: 1, maxLength: 10 }),
        async (phases) => {
          const world: World = {
            desktopNow: START,
            offset: 0,
            zone: 'UTC',
            tellsClock: false,
            tasks: { 'cloudsync.query': [cloud(1, {})] },
          };
          const insights: ScheduleCheck[] = [];
          const watch = watchFor(world, insights);
          const liveSpans: Array<[number, number]> = [];
          watch.live();
          await watch.refresh();
          let liveSince: number | null = world.desktopNow;
          const goLive = () => {
            watch.live();
            if (liveSince === null) liveSince = world.desktopNow;
          };
          const goAway = () => {
            if (liveSince !== null) liveSpans.push([liveSince, world.desktopNow]);
            liveSince = null;
            watch.notLive();
          };
          for (const [live, minutes] of phases) {
            if (live) goLive();
            else goAway();
            world.desktopNow += minutes * MIN;
            watch.check();
          }
          goLive();
          world.desktopNow += 5 * MIN;
          watch.check();
          goAway();
          for (const i of insights) {
            const from = i.dueAt;
            const to = i.lastDueAt + 2 * MIN;
            const watchedAll = liveSpans.some(([a, b]) => a <= from && b >= to);
            if (i.outcome === 'missed') expect(watchedAll).toBe(true);
            else expect(liveSpans.some(([a, b]) => a <= from && b >= i.dueAt + 2 * MIN)).toBe(false);
          }
          // Every due time since the first read is accounted for exactly once.
          const judged = watch.status().judged;
          const total = judged.missed + judged['could-not-check'] + judged.ran + judged.skipped;
          const expected = dueTimes(EVERY_5, 'UTC', 'vixie', START, world.desktopNow - 2 * MIN).times.length;
          expect(total).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('uses only the definition for runs this account cannot see, and notes what it may not read', async () => {
    const world: World = {
      desktopNow: START,
      offset: 0,
      zone: 'UTC',
      tellsClock: false,
      tasks: { 'rsynctask.query': [{ id: 3, desc: 'r', path: '/mnt/r', enabled: true, locked: false, schedule: EVERY_5, job: null }] },
      calls: [],
    };
    const calls = world.calls!;
    const insights: ScheduleCheck[] = [];
    const watch = watchFor(world, insights, ['READONLY_ADMIN']);
    watch.live();
    await watch.refresh();
    world.desktopNow += 30 * MIN;
    world.tasks['rsynctask.query'] = [
      {
        id: 3,
        desc: 'r',
        path: '/mnt/r',
        enabled: true,
        locked: false,
        schedule: EVERY_5,
        job: { time_started: { $date: world.desktopNow - MIN } },
      },
    ];
    const reads = calls.length;
    watch.check();
    // Its evidence is as fresh as the last read of its kind: nothing is judged from the old one, and that kind
    // alone is read again at once, without waiting for the slow refresh.
    expect(insights).toEqual([]);
    expect(watch.status().judged.ran).toBe(0);
    expect(calls.slice(reads)).toEqual(['rsynctask.query']);
    await watch.refresh();
    watch.stop();
    expect(insights.filter((i) => i.outcome === 'missed')).toEqual([]);
    expect(watch.status().judged.ran).toBeGreaterThan(0);
  });
});

describe('tolerance', () => {
  it('is half the period of a schedule that fires more often than the setting (at least 30 s)', async () => {
    const world: World = {
      desktopNow: START + 10_000,
      offset: 0,
      zone: 'UTC',
      tellsClock: false,
      tasks: { 'cloudsync.query': [cloud(1, { schedule: { minute: '*', hour: '*', dom: '*', month: '*', dow: '*' } })] },
    };
    const insights: ScheduleCheck[] = [];
    const watch = new MissedRunWatch({
      server: 'nas',
      now: () => world.desktopNow,
      sessionClockOffsetMs: () => 0,
      restrictedRoles: () => null,
      onCheck: (i) => insights.push(i),
      timings: { checkMs: 1e9, refreshMs: 1e9 },
      call: async (method) => (method === 'system.general.config' ? { timezone: 'UTC' } : (world.tasks[method] ?? [])),
    });
    watch.live();
    await watch.refresh();
    world.desktopNow = START + MIN + 29_000;
    watch.check();
    expect(insights).toEqual([]);
    world.desktopNow = START + MIN + 31_000;
    watch.check();
    watch.stop();
    expect(insights.map((i) => [i.outcome, i.dueAt, i.toleranceMs])).toEqual([['missed', START + MIN, 30_000]]);
    expect(insights[0]!.message).toMatch(/did not start within 30 s/);
  });

  it("is the user's setting when no timing is given, asked at each check; a given timing wins", async () => {
    const hourly = { minute: '0', hour: '*', dom: '*', month: '*', dow: '*' };
    const make = (timings: { toleranceMs?: number }, setting: () => number) => {
      const world = { desktopNow: START + 10_000 };
      const checks: ScheduleCheck[] = [];
      const watch = new MissedRunWatch({
        server: 'nas',
        now: () => world.desktopNow,
        sessionClockOffsetMs: () => 0,
        restrictedRoles: () => null,
        onCheck: (c) => checks.push(c),
        timings: { checkMs: 1e9, refreshMs: 1e9, ...timings },
        toleranceMs: setting,
        call: async (method) =>
          method === 'system.general.config' ? { timezone: 'UTC' } : method === 'cloudsync.query' ? [cloud(1, { schedule: hourly })] : [],
      });
      return { world, checks, watch };
    };
    let chosen = 15 * MIN;
    const user = make({}, () => chosen);
    user.watch.live();
    await user.watch.refresh();
    user.world.desktopNow = START + 60 * MIN + 14 * MIN;
    user.watch.check();
    expect(user.checks).toEqual([]);
    user.world.desktopNow = START + 60 * MIN + 16 * MIN;
    user.watch.check();
    expect(user.checks.map((c) => [c.outcome, c.dueAt, c.toleranceMs])).toEqual([['missed', START + 60 * MIN, 15 * MIN]]);
    // Changed in the settings: the next due time is judged with the new value.
    chosen = 5 * MIN;
    user.world.desktopNow = START + 120 * MIN + 6 * MIN;
    user.watch.check();
    user.watch.stop();
    expect(user.checks.map((c) => c.toleranceMs)).toEqual([15 * MIN, 5 * MIN]);

    const flag = make({ toleranceMs: 2 * MIN }, () => 30 * MIN);
    flag.watch.live();
    await flag.watch.refresh();
    flag.world.desktopNow = START + 60 * MIN + 3 * MIN;
    flag.watch.check();
    flag.watch.stop();
    expect(flag.checks.map((c) => c.toleranceMs)).toEqual([2 * MIN]);
  });
});

describe('the stretch not watched', () => {
  it('is a true gap between watched intervals that reaches into the due time and its tolerance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 30 }),
        fc.integer({ min: 0, max: 1100 }),
        fc.integer({ min: 0, max: 30 }),
        (adds, at, tolerance) => {
          let watched: Interval[] = [];
          for (const [from, len] of adds) watched = addInterval(watched, from, from + len);
          fc.pre(!covered(watched, at, at + tolerance));
          const gap = notWatchingAround(watched, at);
          const from = gap.from ?? Number.NEGATIVE_INFINITY;
          const to = gap.to ?? Number.POSITIVE_INFINITY;
          // Its ends are the edges of watched intervals, and nothing watched lies strictly inside it.
          if (gap.from !== null) expect(watched.some((iv) => iv.to === gap.from)).toBe(true);
          if (gap.to !== null) expect(watched.some((iv) => iv.from === gap.to)).toBe(true);
          for (const iv of watched) expect(iv.to <= from || iv.from >= to).toBe(true);
          // And it is the gap that left [at, at + tolerance] uncovered.
          expect(from).toBeLessThanOrEqual(at + tolerance);
          expect(to).toBeGreaterThan(at);
        },
      ),
    );
  });
});

describe('what the window is shown', () => {
  it('is bounded: the newest stretches, long texts cut', () => {
    const gap = (i: number): ScheduleCheck => ({
      outcome: 'could-not-check',
      server: 'nas',
      task: 'cloudsync.sync [1]',
      method: 'cloudsync.sync',
      taskKind: 'cloudsync',
      taskId: 1,
      name: 'x'.repeat(500),
      dueAt: i,
      lastDueAt: i,
      count: 1,
      schedule: '* * * * *',
      timezone: 'UTC',
      toleranceMs: 30_000,
      lastRunAt: null,
      notWatching: { from: i - 1, to: null },
      message: 'm'.repeat(5000),
      ts: i,
    });
    const status: ScheduleCheckStatus = {
      checkedTasks: 1,
      timezone: 'UTC',
      notes: Array.from({ length: 60 }, () => 'n'.repeat(3000)),
      noteItems: Array.from({ length: 60 }, () => ({
        note: 'bad-schedule' as const,
        taskKind: 'rsync' as const,
        name: 'n'.repeat(3000),
        pattern: '* * * * *',
        zone: 'UTC',
        detail: 'd',
      })),
      judged: { ran: 0, missed: 0, 'could-not-check': 30, skipped: 0 },
      checkedThrough: null,
      couldNotCheck: Array.from({ length: 30 }, (_, i) => gap(i)),
    };
    const view = scheduleViewOf(status);
    expect(view.couldNotCheck.map((g) => g.dueAt)).toEqual(Array.from({ length: MAX_GAPS_KEPT }, (_, i) => 30 - MAX_GAPS_KEPT + i));
    expect(view.couldNotCheck[0]).toMatchObject({ notWatchingFrom: 9, notWatchingTo: null });
    expect(Math.max(...view.couldNotCheck.map((g) => g.message.length + g.name.length))).toBeLessThanOrEqual(1200);
    expect(view.notes).toHaveLength(40);
    expect(Math.max(...view.notes.map((n) => n.length))).toBe(1000);
    // What the IPC contract checks on the way to the window.
    expect(ScheduleViewSchema.safeParse(view).success).toBe(true);
    // Worded in German from the notes' data and the stretches' fields: bounded the same way.
    const german = scheduleViewOf(status, translator('de'));
    expect(german.notes).toHaveLength(40);
    expect(german.notes[0]).toMatch(/^Rsync-Aufgabe „n+/);
    expect(Math.max(...german.notes.map((n) => n.length))).toBe(1000);
    expect(german.couldNotCheck[0]!.message).toMatch(/^Ob Cloud-Synchronisierung „x+/);
    expect(ScheduleViewSchema.safeParse(german).success).toBe(true);
  });
});
