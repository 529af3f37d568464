/// <reference lib="dom" />
/**
 * Frame time of the window with 5 servers × 1 000 jobs while 100 progress events/s arrive (25 running jobs, one
 * event each every 250 ms), read from the browser's performance timeline, and how many IPC messages per second
 * reach the page. Prints one line per figure; it asserts only that the measurement happened.
 *
 * Per frame: the interval between animation frames (what the eye sees: 16.7 ms at 60 Hz is no dropped frame) and the
 * main thread's work for the frame (from its start to the task after its rendering). Long animation frames (> 50 ms)
 * and long tasks come from PerformanceObserver.
 */
import { expect, test } from '../../e2e/fixtures';
import type { SimJobHandle } from '../../../electron/sim/types';

const SERVERS = 5;
const JOBS = 1000;
const RUNNING = 5;
const EVENTS_PER_SECOND = 100;
const SECONDS = Number(process.env['JOBWATCH_BENCH_WINDOW_SECONDS'] ?? 20);

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

test('window frame time: 5 servers × 1 000 jobs, 100 progress events/s', async ({ jobwatch }) => {
  const { page, bridge } = jobwatch;
  const running: SimJobHandle[] = [];
  for (let s = 1; s <= SERVERS; s++) {
    const sim = await jobwatch.simulator({ maxJobs: JOBS });
    for (let i = 0; i < JOBS - RUNNING; i++) {
      sim.seedFinishedJob(
        {
          method: i % 3 === 0 ? 'replication.run' : 'pool.snapshottask.run',
          description: `Job ${i} on server ${s}`,
          outcome: i % 50 === 0 ? 'FAILED' : 'SUCCESS',
          error: 'boom',
        },
        { startedAgoMs: 10_000_000 - i * 5_000, durationMs: 1_000 },
      );
    }
    for (let r = 0; r < RUNNING; r++)
      running.push(sim.startJobHandle({ method: 'cloudsync.sync', description: `Cloud sync ${r} on server ${s}`, manual: true }));
    await jobwatch.addServer(sim, `nas${s}`);
  }
  for (let s = 1; s <= SERVERS; s++) await jobwatch.live(`nas${s}`);
  await expect.poll(() => bridge.monitor.snapshot().jobs.length, { timeout: 60_000 }).toBe(SERVERS * JOBS);

  // Every main → page message, counted where main's IPC would send it.
  const sent: number[] = [];
  const emit = bridge.emit.bind(bridge);
  bridge.emit = (event, payload) => {
    sent.push(performance.now());
    return emit(event, payload);
  };

  await jobwatch.open();
  await page.getByRole('radio', { name: /^All/ }).click();
  await expect(page.getByRole('listbox', { name: 'All jobs' }).getByRole('option').first()).toBeVisible();

  await page.evaluate(() => {
    const w = window as unknown as { __frames: { intervals: number[]; work: number[]; loaf: number[]; longTasks: number[] } };
    const frames: typeof w.__frames = { intervals: [], work: [], loaf: [], longTasks: [] };
    w.__frames = frames;
    let last = 0;
    const channel = new MessageChannel();
    let pending: number | null = null;
    // The task after a frame's rendering: its start marks the end of the frame's main-thread work.
    channel.port1.onmessage = () => {
      if (pending !== null) frames.work.push(performance.now() - pending);
      pending = null;
    };
    const onFrame = (time: number) => {
      if (last) frames.intervals.push(time - last);
      last = time;
      pending = time;
      channel.port2.postMessage(0);
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
    new PerformanceObserver((list) => list.getEntries().forEach((e) => frames.loaf.push(e.duration))).observe({
      type: 'long-animation-frame',
      buffered: false,
    });
    new PerformanceObserver((list) => list.getEntries().forEach((e) => frames.longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: false,
    });
  });

  const started = performance.now();
  const sentBefore = sent.length;
  let step = 0;
  const percent = new Map<SimJobHandle, number>();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * EVENTS_PER_SECOND);
      while (step < due) {
        const job = running[step % running.length]!;
        const next = ((percent.get(job) ?? 0) + 1) % 100;
        percent.set(job, next);
        job.progress(next, `Transferred ${step} MiB, step ${step}`);
        step++;
      }
      if (performance.now() - started >= SECONDS * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const elapsed = (performance.now() - started) / 1000;
  const messages = sent.length - sentBefore;
  const frames = await page.evaluate(
    () => (window as unknown as { __frames: { intervals: number[]; work: number[]; loaf: number[]; longTasks: number[] } }).__frames,
  );

  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `window 5 servers × 1 000 jobs, ${(step / elapsed).toFixed(0)} progress events/s for ${elapsed.toFixed(0)} s: ` +
      `frame work p50 ${fmt(percentile(frames.work, 50))} ms, p95 ${fmt(percentile(frames.work, 95))} ms, max ${fmt(Math.max(...frames.work))} ms (goal p95 < 16 ms: ${percentile(frames.work, 95) < 16 ? 'met' : 'NOT met'}); ` +
      `frame interval p50 ${fmt(percentile(frames.intervals, 50))} ms, p95 ${fmt(percentile(frames.intervals, 95))} ms over ${frames.intervals.length} frames; ` +
      `long animation frames (> 50 ms) ${frames.loaf.length}, long tasks ${frames.longTasks.length}`,
  );
  console.log(
    `window IPC messages to the page: ${(messages / elapsed).toFixed(1)}/s (goal ≤ 10: ${messages / elapsed <= 10 ? 'met' : 'NOT met'})`,
  );
  expect(frames.intervals.length).toBeGreaterThan(0);
  expect(step).toBeGreaterThan(0);
});
