/**
 * Large snapshots and long event streams cost work proportional to their size (issue 9): 20 000 RUNNING jobs used
 * to take seconds because every eviction rescanned every job. Work is counted through Map/Set operations (see
 * work-counter.ts), never timed; the behaviour checks pin what eviction keeps.
 */
import { describe, expect, it } from 'vitest';
import { JobBook } from '../../../electron/core/jobs';
import { TransitionLedger } from '../../../electron/core/ledger';
import { jobKey, type JobState } from '../../../electron/core/model';
import { jobEvent, wireJob } from './fixtures';
import { countMapWork } from './work-counter';

const S = 'nas';
const T0 = 1_750_000_000_000;

function wireJobs(count: number, state: (id: number) => JobState): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const id = index + 1;
    const jobState = state(id);
    const terminal = jobState === 'SUCCESS' || jobState === 'FAILED' || jobState === 'ABORTED';
    return wireJob({ id, state: jobState, started: T0 + id * 1000, finished: terminal ? T0 + id * 1000 + 500 : null });
  });
}

function newBook(maxJobs: number, recentLimit = 50): JobBook {
  return new JobBook({ server: S, ledger: new TransitionLedger(), maxJobs, recentLimit });
}

/** Work per job for absorbing a snapshot of `count` jobs into a fresh book. */
function snapshotWorkPerJob(count: number, state: (id: number) => JobState): number {
  const jobs = wireJobs(count, state);
  const book = newBook(100);
  return countMapWork(() => book.applySnapshot(jobs)) / count;
}

describe('JobBook snapshot scale', () => {
  it('absorbs a snapshot of RUNNING jobs far over maxJobs in work linear in its length', () => {
    const small = snapshotWorkPerJob(1_000, () => 'RUNNING');
    const large = snapshotWorkPerJob(8_000, () => 'RUNNING');
    // A rescan of every job per eviction made the 8 000-job snapshot cost about 8x more per job.
    expect(large / small).toBeLessThan(1.5);
  });

  it('absorbs a snapshot of mostly RUNNING jobs with a few finished ones in linear work', () => {
    const state = (id: number): JobState => (id % 97 === 0 ? 'FAILED' : 'RUNNING');
    const small = snapshotWorkPerJob(1_000, state);
    const large = snapshotWorkPerJob(8_000, state);
    expect(large / small).toBeLessThan(1.5);
  });

  it('keeps the same jobs as before: finished ones leave first (oldest first), then the oldest running', () => {
    const book = newBook(5, 3);
    const state = (id: number): JobState => (id === 2 || id === 4 || id === 9 ? 'SUCCESS' : 'RUNNING');
    book.applySnapshot(wireJobs(10, state));
    const onServer = book
      .jobs()
      .filter((entry) => entry.onServer)
      .map((entry) => entry.job.id)
      .sort((a, b) => a - b);
    const recent = book
      .jobs()
      .filter((entry) => !entry.onServer)
      .map((entry) => entry.job.id)
      .sort((a, b) => a - b);
    // 10 listed, 5 kept: the three finished go to history, then the two oldest running are dropped.
    expect(onServer).toEqual([5, 6, 7, 8, 10]);
    expect(recent).toEqual([2, 4, 9]);
    expect(book.stats()).toEqual({ jobs: 5, recent: 3, badJobs: 0 });
  });

  it('evicts the finished job listed first, not the one that finished first, event by event', () => {
    const book = newBook(3, 10);
    book.applySnapshot(wireJobs(3, () => 'RUNNING'));
    const finish = (id: number) =>
      book.applyEvent(jobEvent('changed', wireJob({ id, state: 'SUCCESS', started: T0 + id * 1000, finished: T0 + 9000 })));
    finish(3);
    finish(1);
    finish(1); // a duplicate terminal event changes nothing
    const added = (id: number) => book.applyEvent(jobEvent('added', wireJob({ id, state: 'WAITING', started: T0 + id * 1000 })));
    expect(
      added(4)
        .upserts.filter((entry) => !entry.onServer)
        .map((entry) => entry.job.id),
    ).toEqual([1]);
    expect(
      added(5)
        .upserts.filter((entry) => !entry.onServer)
        .map((entry) => entry.job.id),
    ).toEqual([3]);
    // None finished among 2, 4, 5: the oldest listed goes.
    expect(added(6).removals).toEqual([jobKey(S, { id: 2, timeStarted: T0 + 2000, method: 'cloudsync.sync' })]);
    expect(book.stats().jobs).toBe(3);
  });
});

describe('JobBook event scale', () => {
  /** Work per event for `events` new jobs arriving at a book full of RUNNING jobs (each one evicts). */
  function eventWorkPerEvent(maxJobs: number, events: number): number {
    const book = newBook(maxJobs);
    book.applySnapshot(wireJobs(maxJobs, () => 'RUNNING'));
    const frames = Array.from({ length: events }, (_, index) => {
      const id = maxJobs + index + 1;
      return jobEvent('added', wireJob({ id, state: 'WAITING', started: T0 + id * 1000 }));
    });
    return (
      countMapWork(() => {
        for (const frame of frames) book.applyEvent(frame);
      }) / events
    );
  }

  it('applies an event in the same work whether the book holds 100 or 2 000 running jobs', () => {
    const small = eventWorkPerEvent(100, 2_000);
    const large = eventWorkPerEvent(2_000, 2_000);
    // A scan for a finished job on every eviction made it about 20x more per event.
    expect(large / small).toBeLessThan(1.5);
  });

  it('repeated terminal events and churn keep eviction exact and cheap', () => {
    const book = newBook(50);
    book.applySnapshot(wireJobs(50, () => 'RUNNING'));
    let nextId = 51;
    const work = countMapWork(() => {
      for (let round = 0; round < 2_000; round += 1) {
        const id = nextId++;
        book.applyEvent(jobEvent('added', wireJob({ id, state: 'RUNNING', started: T0 + id * 1000 })));
        const done = wireJob({ id, state: 'SUCCESS', started: T0 + id * 1000, finished: T0 + id * 1000 + 1 });
        for (let repeat = 0; repeat < 5; repeat += 1) book.applyEvent(jobEvent('changed', done));
      }
    });
    expect(work / 12_000).toBeLessThan(200);
    expect(book.stats().jobs).toBe(50);
    // Only the first new job found nothing finished to evict (the oldest running went); every later one evicted
    // the finished job before it, so the running jobs of the snapshot stay beside the newest.
    const onServer = book
      .jobs()
      .filter((entry) => entry.onServer)
      .map((entry) => entry.job.id)
      .sort((a, b) => a - b);
    expect(onServer).toEqual([...Array.from({ length: 49 }, (_, index) => index + 2), nextId - 1]);
  });
});
