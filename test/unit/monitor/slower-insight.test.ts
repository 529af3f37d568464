/**
 * The slower-than-usual insight of a running job once its threshold is kept per job (insights.ts TaskBaselines):
 * a run of the same task that ends while the job runs must move the threshold (and the usual duration in the job
 * view), and the insight still fires once, at the first look past the new threshold.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Monitor,
  type FailureList,
  type NotificationPolicy,
  type ServerConnector,
  type ServerTarget,
} from '../../../electron/core/monitor';
import { TransitionLedger } from '../../../electron/core/ledger';
import type { CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import type { Insight } from '../../../electron/core/insights';

const SECOND = 1000;
/** When the watched job (id 10) started, server time; the desktop clock agrees with the server's here. */
const START = 1_750_000_010_000;

/** A replication.run [1] job as core.get_jobs lists it; times in server ms. */
function wireJob(id: number, state: string, startedAt: number, finishedAt: number | null = null, percent = 0) {
  return {
    id,
    method: 'replication.run',
    arguments: [1],
    transient: false,
    description: null,
    abortable: true,
    logs_path: null,
    logs_excerpt: null,
    progress: { percent, description: `${percent}%`, extra: null },
    result: null,
    error: null,
    exception: null,
    exc_info: null,
    state,
    time_started: { $date: startedAt },
    time_finished: finishedAt === null ? null : { $date: finishedAt },
    credentials: null,
  };
}

class FakeConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  private events: Array<(e: CollectionEvent) => void> = [];
  constructor(private readonly snapshot: unknown[]) {}
  async call(method: string) {
    return method === 'core.get_jobs' ? this.snapshot : null;
  }
  async subscribe() {}
  async ping() {}
  onEvent(l: (e: CollectionEvent) => void) {
    this.events.push(l);
    return () => {};
  }
  onClose() {
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close() {
    this.closed = true;
  }
  push(job: Record<string, unknown>) {
    for (const l of this.events) l({ msg: 'changed', collection: 'core.get_jobs', id: job['id'], fields: job });
  }
}

const quietPolicy: NotificationPolicy = {
  push() {},
  due: () => [],
  nextDueAt: () => null,
  watchJob() {},
  watchServer() {},
  setPausedUntil() {},
  pausedUntil: () => null,
  setServerMute() {},
};

const noFailures: FailureList = {
  add() {},
  acknowledge() {},
  acknowledgeServer() {},
  acknowledgeAll() {},
  list: () => [],
  onChange: () => () => {},
};

const target: ServerTarget = {
  id: 'nas1',
  name: 'nas1',
  url: 'nas1.example',
  auth: { method: 'api-key', username: 'monitor' },
  fingerprint256: null,
  muted: false,
  mutedUntil: null,
};

async function settle() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Monitor: slower than usual while the task history changes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('a run of the task that ends meanwhile moves the threshold: the insight fires once, past the new one', async () => {
    // Five earlier runs of 100, 100, 100, 200 and 200 s: usual 100 s, threshold max(2 × 100, p90 200 + 0) = 200 s.
    const earlier = [100, 100, 100, 200, 200].map((s, i) =>
      wireJob(i + 1, 'SUCCESS', START - 1_000_000 + i * SECOND, START - 1_000_000 + i * SECOND + s * SECOND),
    );
    const connection = new FakeConnection([...earlier, wireJob(10, 'RUNNING', START)]);
    const connector: ServerConnector = {
      connect: async () => connection,
      login: async () => {},
      probe: async () => {
        throw new Error('not used');
      },
      download: async () => '',
    };
    vi.setSystemTime(START);
    const monitor = new Monitor({
      connector,
      directory: { list: async () => [target], secret: async () => 'the-secret', save: async () => {}, remove: async () => {} },
      ledger: new TransitionLedger(),
      policy: quietPolicy,
      failures: noFailures,
      // The periodic look comes every 10 s of the desktop's clock; it alone judges elapsed time (events do not).
      insights: { checkIntervalMs: 10 * SECOND, slowMarginMs: 0 },
    });
    const insights: Insight[] = [];
    monitor.onInsight((i) => insights.push(i));
    await monitor.start();
    await settle();
    const key = monitor.snapshot().jobs.find((j) => j.id === 10)!.key;
    const usual = () => monitor.snapshot().jobs.find((j) => j.id === 10)!.usualDurationMs;
    const progress = async (elapsedSeconds: number) => {
      await vi.advanceTimersByTimeAsync(START + elapsedSeconds * SECOND - Date.now());
      connection.push(wireJob(10, 'RUNNING', START, null, elapsedSeconds / 10));
      await settle();
    };

    await progress(150);
    expect(usual()).toBe(100 * SECOND);
    expect(insights).toEqual([]);

    // At 199 s job 8 of the same task, started 101 s before job 10, ends after 300 s: six runs, usual
    // (100 + 200) / 2 = 150 s, threshold max(2 × 150, p90 300 + 0) = 300 s.
    await progress(199);
    expect(insights).toEqual([]);
    connection.push(wireJob(8, 'SUCCESS', START - 101 * SECOND, START + 199 * SECOND));
    await settle();
    expect(usual()).toBe(150 * SECOND);

    // Past the old threshold of 200 s, at the periodic looks in between: nothing yet.
    await progress(250);
    await progress(299);
    expect(insights).toEqual([]);

    // Past the new one: the next periodic look (within 10 s) raises it.
    await progress(305);
    await vi.advanceTimersByTimeAsync(10 * SECOND);
    expect(insights).toHaveLength(1);
    expect(insights[0]).toMatchObject({
      kind: 'slower-than-usual',
      key,
      task: 'replication.run [1]',
      figures: { usualMs: 150 * SECOND, p90Ms: 300 * SECOND, thresholdMs: 300 * SECOND, runs: 6 },
    });
    expect(insights[0]!.figures.elapsedMs).toBeGreaterThan(300 * SECOND);
    expect(insights[0]!.figures.elapsedMs).toBeLessThanOrEqual(315 * SECOND);

    // Once per run: later events and looks add nothing.
    await progress(320);
    await vi.advanceTimersByTimeAsync(60 * SECOND);
    expect(insights).toHaveLength(1);
    await monitor.stop();
  });
});
