import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaBatcher } from '../../electron/main/delta-batcher';
import type { MonitorDelta } from '../../electron/core/view';
import { failure, job, notification, server } from './fixtures';

describe('delta batcher', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('sends at most 10 messages a second whatever the event rate, and loses nothing', () => {
    const sent: MonitorDelta[] = [];
    const batcher = new DeltaBatcher({ send: (d) => sent.push(d), now: () => Date.now() });
    // 1000 progress events in one second, on 5 jobs
    for (let i = 0; i < 1000; i++) {
      batcher.push({ upserts: [job(`k${i % 5}`, { percent: i / 10 })], removals: [] });
      vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(200);
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.length).toBeLessThanOrEqual(11); // 10 per second, plus the trailing flush
    const last = new Map<string, number | null>();
    for (const d of sent) for (const u of d.upserts) last.set(u.key, u.percent);
    expect(last.get('k4')).toBe(99.9);
    expect(last.get('k0')).toBe(99.5);
  });

  it('sends the first change after a quiet spell at once', () => {
    const sent: MonitorDelta[] = [];
    const batcher = new DeltaBatcher({ send: (d) => sent.push(d), now: () => Date.now() });
    batcher.push({ upserts: [job('a')], removals: [] });
    vi.advanceTimersByTime(0);
    expect(sent).toHaveLength(1);
  });

  it('merges by identity: upsert then removal is a removal, removal then upsert an upsert; servers, failures, pause last wins; notifications kept', () => {
    const sent: MonitorDelta[] = [];
    const batcher = new DeltaBatcher({ send: (d) => sent.push(d), now: () => Date.now() });
    batcher.push({ upserts: [job('a'), job('b')], removals: [], servers: [server('nas', { running: 1 })] });
    batcher.push({ upserts: [], removals: ['a', 'c'], failures: [failure('x')] });
    batcher.push({
      upserts: [job('c', { percent: 50 })],
      removals: [],
      servers: [server('nas', { running: 2 })],
      notifications: [notification()],
    });
    batcher.push({ upserts: [], removals: [], failures: [], pausedUntil: 5, notifications: [notification({ id: 'n2' })] });
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(1);
    const d = sent[0]!;
    expect(d.upserts.map((u) => u.key).sort()).toEqual(['b', 'c']);
    expect(d.removals).toEqual(['a']);
    expect(d.servers).toEqual([server('nas', { running: 2 })]);
    expect(d.failures).toEqual([]);
    expect(d.pausedUntil).toBe(5);
    expect(d.notifications?.map((n) => n.id)).toEqual(['n1', 'n2']);
  });

  it('discards pending changes when a full snapshot replaces them', () => {
    const sent: MonitorDelta[] = [];
    const batcher = new DeltaBatcher({ send: (d) => sent.push(d), now: () => Date.now() });
    batcher.push({ upserts: [job('a')], removals: [] });
    batcher.discard();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(0);
  });
});
