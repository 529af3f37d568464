/**
 * Run history and insights over real sockets: the real monitor, notification planner and failure inbox against
 * the simulator. The history is seeded from what the server lists on first connection; then a slow run, a stalled
 * run, a still-failing and a fixed task each produce their insight once, notified through the rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { Monitor, type ServerDirectory, type ServerTarget } from '../../electron/core/monitor';
import { createServerConnector } from '../../electron/core/connector';
import { TransitionLedger } from '../../electron/core/ledger';
import { NotificationPlanner } from '../../electron/core/planner';
import { FailureInbox } from '../../electron/core/failures';
import { NotificationSettingsSchema } from '../../electron/core/settings';
import type { Insight } from '../../electron/core/insights';
import type { NotificationView } from '../../electron/core/view';
import { FAST_TIMINGS } from './harness';

let sim: Simulator | null = null;
let monitor: Monitor | null = null;

afterEach(async () => {
  await monitor?.stop();
  await sim?.close();
  monitor = null;
  sim = null;
});

async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function follow(s: Simulator, methodRules: { glob: string; action: 'no-insights' }[] = []) {
  const target: ServerTarget = {
    id: 'nas1',
    name: 'nas1',
    url: s.url,
    auth: { method: 'api-key', username: s.credentials.username },
    fingerprint256: null,
    muted: false,
    mutedUntil: null,
  };
  const directory: ServerDirectory = {
    list: async () => [target],
    secret: async () => s.credentials.apiKey,
    save: async () => {},
    remove: async () => {},
  };
  const policy = new NotificationPlanner({
    settings: NotificationSettingsSchema.parse({ burstWindowMs: 0, successThresholdSec: 0, methodRules }),
  });
  const failures = new FailureInbox({ store: null });
  const m = new Monitor({
    connector: createServerConnector({ connectTimeoutMs: 3_000, callTimeoutMs: 5_000 }),
    directory,
    ledger: new TransitionLedger(),
    policy,
    failures,
    timings: FAST_TIMINGS,
    insights: { checkIntervalMs: 50, stalledAfterMs: 800, slowMarginMs: 0 },
  });
  monitor = m;
  const insights: Insight[] = [];
  const notifications: NotificationView[] = [];
  m.onInsight((i) => insights.push(i));
  m.onNotification((n) => notifications.push(n));
  await m.start();
  await waitFor(() => m.snapshot().servers[0]?.state === 'live', 'the session to go live');
  return { m, insights, notifications, failures };
}

const replication = { method: 'replication.run', arguments: [2, {}], description: 'tank/data', logs: true };

describe('insights against the simulator', () => {
  it('seeds the history from the server list, then flags a slow run once and estimates time left from history', async () => {
    sim = await startSimulator();
    // Five earlier successful runs of 1 s (SCALE dates are whole seconds), one of another task.
    for (let i = 0; i < 5; i++) sim.seedFinishedJob(replication, { startedAgoMs: 3_600_000 - i * 60_000, durationMs: 1_000 });
    sim.seedFinishedJob({ ...replication, arguments: [5, {}] }, { startedAgoMs: 100_000, durationMs: 1_000 });
    const { m, insights, notifications } = await follow(sim);

    const seeded = m.snapshot().jobs.find((j) => j.task === 'replication.run [2]')!;
    const detail = m.jobDetail(seeded.key)!;
    expect(detail.history?.runs).toHaveLength(5);
    expect(detail.history).toMatchObject({ task: 'replication.run [2]', successRate: 1, usualMs: 1_000, label: 'tank/data' });

    const id = sim.startJob({ ...replication, manual: true });
    const running = await waitFor(() => m.snapshot().jobs.find((j) => j.id === id && j.state === 'RUNNING'), 'the run to start');
    // No percent from this job: the window estimates from the usual duration.
    expect(running.usualDurationMs).toBe(1_000);
    for (let step = 0; step < 40 && !insights.some((i) => i.kind === 'slower-than-usual'); step++) {
      sim.progressJob(id, null, `step ${step}`); // keeps it from looking stalled
      await new Promise((r) => setTimeout(r, 100));
    }
    const slow = await waitFor(() => insights.find((i) => i.kind === 'slower-than-usual'), 'a slower-than-usual insight');
    expect(slow).toMatchObject({ task: 'replication.run [2]', jobId: id, figures: { usualMs: 1_000, thresholdMs: 2_000, runs: 5 } });
    expect(slow.figures['elapsedMs']).toBeGreaterThan(2_000);
    const shown = await waitFor(() => notifications.find((n) => n.insights?.includes('slower-than-usual')), 'its notification');
    expect(shown).toMatchObject({ title: 'tank/data is slower than usual on nas1', suppressed: null, jobs: [slow.key] });
    // Once per run, however long it goes on.
    await new Promise((r) => setTimeout(r, 300));
    expect(insights.filter((i) => i.kind === 'slower-than-usual')).toHaveLength(1);
    sim.finishJob(id, 'SUCCESS');
    await waitFor(() => m.jobDetail(slow.key!)?.history?.runs.length === 6, 'the run to join the history');
  });

  it('flags a run whose progress stands still while the server is live', async () => {
    sim = await startSimulator();
    const { insights, notifications } = await follow(sim);
    const id = sim.startJob({ method: 'cloudsync.sync', arguments: [3, {}], description: 'Photos to B2', manual: true });
    await waitFor(() => monitor!.snapshot().jobs.some((j) => j.id === id && j.state === 'RUNNING'), 'the sync to run');
    sim.progressJob(id, 40, 'Sending photos');
    const stalled = await waitFor(() => insights.find((i) => i.kind === 'stalled'), 'a stalled insight');
    expect(stalled).toMatchObject({
      task: 'cloudsync.sync [3]',
      jobId: id,
      figures: { percent: 40, thresholdMs: 800 },
      detail: 'Sending photos',
    });
    expect(stalled.figures['stalledForMs']).toBeGreaterThanOrEqual(800);
    await waitFor(() => notifications.find((n) => n.title === 'Photos to B2 seems stalled on nas1'), 'its notification');
    await new Promise((r) => setTimeout(r, 300));
    expect(insights.filter((i) => i.kind === 'stalled')).toHaveLength(1);
  });

  it('still failing folds into the earlier failure with a count; a success after it is fixed; a no-insights rule silences only insights', async () => {
    sim = await startSimulator();
    sim.seedFinishedJob(
      { method: 'rsynctask.run', arguments: [4], description: 'Mirror', outcome: 'FAILED', error: '[EFAULT] rsync: connection refused' },
      { startedAgoMs: 600_000, durationMs: 1_000 },
    );
    const { insights, notifications, failures } = await follow(sim, [{ glob: 'cloudsync.*', action: 'no-insights' }]);

    const first = sim.startJob({
      method: 'rsynctask.run',
      arguments: [4],
      description: 'Mirror',
      durationMs: 50,
      outcome: 'FAILED',
      error: '[EFAULT] rsync: host down',
    });
    const still = await waitFor(() => insights.find((i) => i.kind === 'still-failing'), 'a still-failing insight');
    expect(still).toMatchObject({
      jobId: first,
      task: 'rsynctask.run [4]',
      figures: { failedRuns: 2 },
      detail: '[EFAULT] rsync: connection refused',
    });
    const failure = await waitFor(() => notifications.find((n) => n.jobs.some((k) => k === still.key)), 'the failure notification');
    expect(failure.title).toBe('Mirror is still failing on nas1');

    const second = sim.startJob({
      method: 'rsynctask.run',
      arguments: [4],
      description: 'Mirror',
      durationMs: 50,
      outcome: 'FAILED',
      error: '[EFAULT] rsync: host down again',
    });
    await waitFor(() => failures.list().some((f) => f.jobId === second), 'the second failure in the inbox');
    // One entry for the task, the newest error, counted: the tray says 1, not 2.
    expect(failures.count()).toBe(1);
    expect(failures.list()[0]).toMatchObject({
      jobId: second,
      count: 2,
      error: '[EFAULT] rsync: host down again',
      task: 'rsynctask.run [4]',
    });

    const fixedRun = sim.startJob({ method: 'rsynctask.run', arguments: [4], description: 'Mirror', durationMs: 50 });
    const fixed = await waitFor(() => insights.find((i) => i.kind === 'fixed'), 'a fixed insight');
    expect(fixed).toMatchObject({ jobId: fixedRun, figures: { failedRuns: 3 } });
    const fixedNote = await waitFor(() => notifications.find((n) => n.insights?.includes('fixed')), 'its notification');
    expect(fixedNote).toMatchObject({ title: 'Mirror is fixed on nas1', suppressed: null });
    // It stands in for the success's own "finished": the job is in one notification only.
    expect(notifications.filter((n) => n.jobs.includes(fixed.key!))).toHaveLength(1);

    // cloudsync.* has a no-insights rule: its stall is decided (NDJSON still tells it) but not shown.
    const sync = sim.startJob({ method: 'cloudsync.sync', arguments: [3, {}], manual: true });
    await waitFor(() => monitor!.snapshot().jobs.some((j) => j.id === sync && j.state === 'RUNNING'), 'the sync to run');
    sim.progressJob(sync, 10, 'Sending');
    const quiet = await waitFor(() => notifications.find((n) => n.insights?.includes('stalled')), 'the stalled notification');
    expect(quiet.suppressed).toBe('method-rule');
  });
});
