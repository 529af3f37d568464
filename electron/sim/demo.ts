/**
 * The endless demo: realistic TrueNAS activity (scrubs, cloud syncs with per-second progress, replications that
 * sometimes fail, snapshot tasks, transient alert jobs every minute, an occasional update download), with a few
 * finished jobs present at start. Each activity track has its own seeded RNG, so a run is reproducible (exactly so
 * on a ManualClock).
 */
import { unlessAborted, type ProgramScenario, type ScenarioContext } from './program-scenario';
import type { CoreSimulator } from './simulator-core';
import type { ProgressStep } from './types';

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const between = (rng: Rng, lo: number, hi: number) => lo + rng() * (hi - lo);
const intBetween = (rng: Rng, lo: number, hi: number) => Math.floor(between(rng, lo, hi + 1));

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Progress of an rclone transfer, one step per second: "1.2 GiB / 3.3 GiB, 37%, 41 MiB/s, ETA 52s". */
export function cloudSyncProgress(totalBytes: number, bytesPerSecond: number): { steps: ProgressStep[]; durationMs: number } {
  const seconds = Math.max(2, Math.ceil(totalBytes / bytesPerSecond));
  const steps: ProgressStep[] = [{ percent: 0, description: 'Starting', atMs: 0 }];
  for (let s = 1; s <= seconds; s++) {
    const done = Math.min(totalBytes, s * bytesPerSecond);
    const pct = Math.floor((done / totalBytes) * 100);
    const eta = Math.max(0, seconds - s);
    steps.push({
      percent: pct,
      description: `${formatBytes(done)} / ${formatBytes(totalBytes)}, ${pct}%, ${formatBytes(bytesPerSecond)}/s, ETA ${eta}s`,
      atMs: s * 1000,
    });
  }
  return { steps, durationMs: seconds * 1000 + 500 };
}

const REMOTE_FAILURE = '[EFAULT] Failed to connect to remote host.';
const CRON = { username: 'root', type: 'UNIX_SOCKET' } as const;

async function track(ctx: ScenarioContext, body: () => Promise<void>): Promise<void> {
  while (!ctx.signal.aborted) {
    try {
      await body();
    } catch (e) {
      if (ctx.signal.aborted) return;
      throw e;
    }
  }
}

function seedHistory(sim: CoreSimulator, rng: Rng): void {
  const hour = 3_600_000;
  sim.seedFinishedJob(
    {
      method: 'pool.scrub.scrub',
      arguments: ['tank'],
      description: "Scrub of pool 'tank'",
      progress: [{ percent: 100, description: 'Scrub finished' }],
    },
    { startedAgoMs: 26 * hour, durationMs: 3 * hour },
  );
  sim.seedFinishedJob(
    {
      method: 'replication.run',
      arguments: [2, false],
      logs: true,
      outcome: 'FAILED',
      error: REMOTE_FAILURE,
      progress: [{ percent: 0, description: 'Connecting to backup-nas' }],
    },
    { startedAgoMs: 5 * hour, durationMs: 12_000 },
  );
  sim.seedFinishedJob(
    {
      method: 'cloudsync.sync',
      arguments: [3],
      abortable: true,
      logs: true,
      progress: [{ percent: 100, description: '3.3 GiB / 3.3 GiB, 100%, 41.0 MiB/s, ETA 0s' }],
    },
    { startedAgoMs: 3 * hour, durationMs: 82_000 },
  );
  for (let i = 0; i < 3; i++) {
    sim.seedFinishedJob(
      { method: 'pool.snapshottask.run', arguments: [intBetween(rng, 1, 3)] },
      { startedAgoMs: (2 - i * 0.5) * hour, durationMs: 2000 },
    );
  }
}

/** The demo scenario; `seed` in runScenario's options (or here) makes it reproducible. It injects no faults. */
export function demoScenario(opts: { seed?: number } = {}): ProgramScenario<CoreSimulator> {
  return {
    name: 'demo',
    description: 'Endless realistic activity: scrubs, cloud syncs, replications (some failing), snapshots, alerts, updates.',
    async run(sim, ctx) {
      const seed = opts.seed ?? ctx.seed;
      const rng = (n: number) => seededRandom(seed * 1009 + n);
      seedHistory(sim, rng(0));
      const { signal } = ctx;
      const sleep = (ms: number) => sim.sleep(ms, signal);
      const wait = async (id: number) => {
        await unlessAborted(sim.waitForJob(id), signal);
      };

      const scrubs = rng(1);
      const syncs = rng(2);
      const repl = rng(3);
      const snaps = rng(4);
      const updates = rng(6);

      await Promise.all([
        // Pool scrub: hours scaled down to ~2 minutes; one event per integer percent.
        track(ctx, async () => {
          const seconds = intBetween(scrubs, 90, 150);
          const start = intBetween(scrubs, 0, 40);
          const steps: ProgressStep[] = [];
          for (let p = start; p <= 99; p++)
            steps.push({ percent: p, description: 'Scrubbing', atMs: ((p - start) / (100 - start)) * seconds * 1000 });
          steps.push({ percent: 100, description: 'Scrub finished', atMs: seconds * 1000 });
          const id = sim.startJob({
            method: 'pool.scrub.scrub',
            arguments: ['tank'],
            description: "Scrub of pool 'tank'",
            durationMs: seconds * 1000 + 200,
            progress: steps,
          });
          await wait(id);
          await sleep(between(scrubs, 300_000, 600_000));
        }),
        // Cloud sync (cron via midclt): abortable, logs, progress every second.
        track(ctx, async () => {
          await sleep(between(syncs, 5_000, 40_000));
          const total = between(syncs, 0.4, 4) * 1024 ** 3;
          const rate = between(syncs, 20, 90) * 1024 ** 2;
          const { steps, durationMs } = cloudSyncProgress(total, rate);
          const fails = syncs() < 0.1;
          const id = sim.startJob({
            method: 'cloudsync.sync',
            arguments: [intBetween(syncs, 1, 4)],
            abortable: true,
            logs: true,
            startedBy: CRON,
            durationMs: fails ? durationMs / 2 : durationMs,
            progress: fails ? steps.slice(0, Math.ceil(steps.length / 2)) : steps,
            ...(fails
              ? { outcome: 'FAILED' as const, error: '[EFAULT] rclone failed with exit code 1: Failed to copy: 403 Forbidden' }
              : {}),
          });
          await wait(id);
        }),
        // Replication: sometimes fails to reach the remote host.
        track(ctx, async () => {
          await sleep(between(repl, 20_000, 90_000));
          const fails = repl() < 0.3;
          const snapshots = intBetween(repl, 1, 4);
          const steps: ProgressStep[] = [{ percent: 0, description: 'Connecting to backup-nas', atMs: 0 }];
          if (!fails) {
            for (let i = 1; i <= snapshots; i++) {
              steps.push({
                percent: Math.floor(((i - 1) / snapshots) * 100),
                description: `Sending ${i} of ${snapshots}: tank/data@auto-2025-06-20_10-0${i} (${i * 12} MiB / ${snapshots * 12} MiB)`,
              });
            }
          }
          const id = sim.startJob({
            method: 'replication.run',
            arguments: [intBetween(repl, 1, 2), false],
            logs: true,
            durationMs: between(repl, 4_000, 15_000),
            progress: steps,
            ...(fails ? { outcome: 'FAILED' as const, error: REMOTE_FAILURE } : {}),
          });
          await wait(id);
        }),
        // Periodic snapshot tasks.
        track(ctx, async () => {
          await sleep(between(snaps, 30_000, 90_000));
          const id = sim.startJob({
            method: 'pool.snapshottask.run',
            arguments: [intBetween(snaps, 1, 3)],
            durationMs: between(snaps, 500, 3_000),
          });
          await wait(id);
        }),
        // Transient alert processing every 60 s.
        track(ctx, async () => {
          await sleep(60_000);
          sim.startJob({ method: 'alert.process_alerts', transient: true, durationMs: 800 });
        }),
        // An occasional update download.
        track(ctx, async () => {
          await sleep(between(updates, 480_000, 900_000));
          const steps: ProgressStep[] = [];
          for (let p = 0; p <= 100; p += 10) steps.push({ percent: p, description: 'Downloading update' });
          const id = sim.startJob({ method: 'update.download', durationMs: between(updates, 30_000, 60_000), progress: steps });
          await wait(id);
        }),
      ]);
    },
  };
}
