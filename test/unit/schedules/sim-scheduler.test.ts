import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../electron/sim/clock';
import { startSimulator, type Simulator } from '../../../electron/sim/server';
import type { SimTaskSpec, SimVersion } from '../../../electron/sim/types';

const EVERY_MINUTE = { minute: '*', hour: '*', dom: '*', month: '*', dow: '*' };
let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function simWith(tasks: SimTaskSpec[], version: SimVersion = '25.10'): Promise<{ sim: Simulator; clock: ManualClock }> {
  const clock = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, 30));
  sim = await startSimulator({ clock, version, tasks, timezone: 'Europe/Berlin' });
  return { sim, clock };
}

const methods = (s: Simulator) => s.jobs().map((j) => `${j.method} ${JSON.stringify(j.arguments)}`);

describe('the simulator scheduler', () => {
  it('starts each enabled task on its schedule, as cron and zettarepl do', async () => {
    const { sim, clock } = await simWith([
      { kind: 'cloudsync', id: 3, schedule: EVERY_MINUTE, durationMs: 100 },
      { kind: 'rsync', id: 7, schedule: EVERY_MINUTE, durationMs: 100 },
      { kind: 'cloud_backup', id: 1, schedule: EVERY_MINUTE, durationMs: 100 },
      { kind: 'replication', id: 2, schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' }, durationMs: 100 },
      { kind: 'cloudsync', id: 4, schedule: EVERY_MINUTE, enabled: false },
      { kind: 'cloudsync', id: 5, schedule: EVERY_MINUTE, locked: true },
      { kind: 'replication', id: 6, schedule: null, auto: true, snapshotTaskIds: [9] },
      { kind: 'snapshot', id: 9, schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' } },
    ]);
    await clock.advance(60_000);
    expect(methods(sim).sort()).toEqual([
      'cloud_backup.sync [1]',
      'cloudsync.sync [3]',
      'replication.run [2,false]',
      'replication.run [6,false]',
      'rsynctask.run [7]',
    ]);
    expect(sim.jobs().find((j) => j.method === 'replication.run')?.credentials).toBeNull();
  });

  it('leaves a run out when told the task does not fire, and honours the begin/end window in the server zone', async () => {
    // 10:00:30 UTC is 12:00:30 in Berlin (summer time); the window 12:00–12:01 takes two runs.
    const { sim, clock } = await simWith([
      { kind: 'cloudsync', id: 3, schedule: EVERY_MINUTE, durationMs: 100, doesNotFire: 1 },
      { kind: 'replication', id: 2, schedule: { ...EVERY_MINUTE, begin: '12:00', end: '12:02' }, durationMs: 100 },
    ]);
    await clock.advance(5 * 60_000);
    expect(methods(sim).filter((m) => m.startsWith('cloudsync'))).toHaveLength(4);
    expect(methods(sim).filter((m) => m.startsWith('replication'))).toHaveLength(2);
  });

  it('skips a scrub whose last run is recent up to 25.10, and runs zpool.scrub.run anyway from 26', async () => {
    const tasks: SimTaskSpec[] = [
      { kind: 'scrub', id: 1, name: 'tank', thresholdDays: 35, schedule: EVERY_MINUTE, lastScrubAgoMs: 86_400_000, durationMs: 100 },
    ];
    const old = await simWith(tasks, '25.10');
    await old.clock.advance(60_000);
    expect(methods(old.sim)).toEqual([]);
    await old.sim.close();
    const modern = await simWith(tasks, '26.0');
    await modern.clock.advance(60_000);
    expect(methods(modern.sim)).toEqual(['zpool.scrub.run [{"pool_name":"tank","threshold":35}]']);
  });

  it('runs a due scrub as pool.scrub.scrub [pool] up to 25.10', async () => {
    const { sim, clock } = await simWith(
      [{ kind: 'scrub', id: 1, name: 'tank', thresholdDays: 35, schedule: EVERY_MINUTE, lastScrubAgoMs: 40 * 86_400_000, durationMs: 100 }],
      'core13',
    );
    await clock.advance(60_000);
    expect(methods(sim)).toEqual(['pool.scrub.scrub ["tank"]']);
  });
});

describe('the insights scenario', () => {
  it('leaves out exactly one replication run in its first two minutes, and runs the rest every minute', async () => {
    const { runScenario, loadScenario } = await import('../../../electron/sim/scenario');
    for (const second of [10, 50]) {
      const clock = new ManualClock(Date.UTC(2025, 5, 20, 10, 0, second));
      const s = await startSimulator({ clock, version: '25.10' });
      const done = runScenario(s, await loadScenario('insights'));
      await clock.advance(3 * 60_000);
      await done;
      const started = (method: string, id: number) =>
        s
          .jobs()
          .filter((j) => j.method === method && j.arguments[0] === id && j.time_started!.$date > Date.UTC(2025, 5, 20, 10, 0, second));
      expect(started('cloudsync.sync', 3)).toHaveLength(3);
      expect(started('replication.run', 2)).toHaveLength(2);
      // After each snapshot: the replication bound to it.
      expect(started('replication.run', 5)).toHaveLength(3);
      expect(s.jobs().filter((j) => ['rsynctask.run', 'cloud_backup.sync', 'pool.scrub.scrub'].includes(j.method))).toEqual([]);
      // Seeded history of the tasks.
      expect(s.jobs().filter((j) => j.method === 'cloudsync.sync' && j.state === 'SUCCESS').length).toBeGreaterThanOrEqual(5);
      await s.close();
    }
  });
});
