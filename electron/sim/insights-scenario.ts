/**
 * The `insights` scenario: scheduled tasks that fire every minute on the simulator's clock, with history seeded so
 * that each insight kind shows within about two minutes of `jobwatch sim --scenario insights`. Each kind is one
 * part, run side by side; a part prepares its own tasks and history.
 *
 * Missed run: a replication and a periodic snapshot task due every minute each leave out one run. If the first due
 * time is at least 20 s away it is that one, else the next, so a client that connects within those seconds judges
 * it (half the one-minute period, 30 s, after it is due) within two minutes. The snapshot makes no job (zettarepl
 * only updates its `state`, `plugins/zettarepl.py`): a client must read its definition again after the due time. Around it, tasks that must never be reported: a disabled rsync task, a
 * locked cloud backup, a replication started by its snapshot task, and a scrub skipped for its threshold.
 */
import type { ProgramScenario, ScenarioContext } from './program-scenario';
import type { Simulator } from './server';
import type { SimTaskSpec } from './types';

const EVERY_MINUTE = { minute: '*', hour: '*', dom: '*', month: '*', dow: '*' };
const DAY_MS = 86_400_000;

export type ScenarioPart = (sim: Simulator, ctx: ScenarioContext) => Promise<void>;

/** Tasks of the missed-run part (ids kept clear of the other parts' tasks). */
export const MISSED_RUN_TASKS: readonly SimTaskSpec[] = [
  { kind: 'cloudsync', id: 3, name: 'Photos to B2', schedule: EVERY_MINUTE, durationMs: 4_000 },
  {
    kind: 'replication',
    id: 2,
    name: 'tank/data - backup/data',
    schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' },
    durationMs: 3_000,
  },
  { kind: 'snapshot', id: 1, name: 'tank/data', schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' } },
  { kind: 'snapshot', id: 7, name: 'tank/vm', schedule: { ...EVERY_MINUTE, begin: '00:00', end: '23:59' } },
  {
    kind: 'replication',
    id: 5,
    name: 'tank/data - offsite (after snapshots)',
    schedule: null,
    auto: true,
    snapshotTaskIds: [1],
    durationMs: 2_000,
  },
  { kind: 'rsync', id: 4, name: 'Mirror to old NAS (disabled)', schedule: EVERY_MINUTE, enabled: false },
  { kind: 'cloud_backup', id: 6, name: 'Encrypted dataset (locked)', schedule: EVERY_MINUTE, locked: true },
  { kind: 'scrub', id: 1, name: 'tank', thresholdDays: 35, schedule: EVERY_MINUTE, lastScrubAgoMs: 3 * DAY_MS, durationMs: 5_000 },
];

/** Waits on the simulator's clock without the speed factor (cron does not run faster). */
function wallSleep(sim: Simulator, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const h = sim.clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      sim.clock.clearTimeout(h);
      resolve();
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export const missedRunPart: ScenarioPart = async (sim, ctx) => {
  // Earlier runs, so the tasks have a history (and a usual duration) before the first scheduled one.
  for (let i = 5; i >= 1; i--) {
    sim.seedFinishedJob({ method: 'cloudsync.sync', arguments: [3], logs: true }, { startedAgoMs: i * 60_000 + 30_000, durationMs: 4_000 });
    sim.seedFinishedJob(
      { method: 'replication.run', arguments: [2, false], logs: true },
      { startedAgoMs: i * 60_000 + 25_000, durationMs: 3_000 },
    );
  }
  sim.addTasks([...MISSED_RUN_TASKS]);
  const toNextMinute = 60_000 - (sim.serverTime() % 60_000);
  const leaveOut = () => {
    sim.skipTaskRuns('replication', 2, 1);
    sim.skipTaskRuns('snapshot', 7, 1);
  };
  if (toNextMinute >= 20_000) {
    leaveOut();
    return;
  }
  // Too close to be seen by a client that is still connecting: leave out the next one instead.
  await wallSleep(sim, toNextMinute + 1_000, ctx.signal);
  if (!ctx.signal.aborted) leaveOut();
};

/** The scenario: every part at once; ends when they have all done their setup (the tasks keep firing). */
export function insightsScenario(parts: readonly ScenarioPart[] = [missedRunPart]): ProgramScenario {
  return {
    name: 'insights',
    description:
      'Scheduled tasks every minute with seeded history: a missed scheduled run within two minutes, and none for disabled, locked, snapshot-triggered or threshold-skipped tasks.',
    async run(sim, ctx) {
      await Promise.all(parts.map((part) => part(sim, ctx)));
    },
  };
}
