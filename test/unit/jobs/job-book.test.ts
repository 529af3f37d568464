import { describe, expect, it } from 'vitest';
import { JobBook } from '../../../electron/core/jobs';
import { TransitionLedger } from '../../../electron/core/ledger';
import { jobKey } from '../../../electron/core/model';
import { jobEvent, wireJob } from './fixtures';

const S = 'nas';
const T0 = 1_750_000_000_000;

function newBook(ledger = new TransitionLedger(), options: { maxJobs?: number; recentLimit?: number } = {}) {
  return { ledger, book: new JobBook({ server: S, ledger, ...options }) };
}

function keyOf(id: number, started = T0, method = 'cloudsync.sync') {
  return jobKey(S, { id, timeStarted: started, method });
}

describe('JobBook seeding', () => {
  it('reports nothing for jobs already finished in the first snapshot ever, then marks the ledger seeded', () => {
    const { ledger, book } = newBook();
    const update = book.applySnapshot([
      wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 }),
      wireJob({ id: 2, state: 'FAILED', finished: T0 + 2000 }),
      wireJob({ id: 3, state: 'RUNNING' }),
    ]);
    expect(update.transitions).toEqual([]);
    expect(update.upserts.map((entry) => entry.job.id)).toEqual([1, 2, 3]);
    expect(ledger.isSeeded(S)).toBe(true);
    expect(ledger.isSettled(S, keyOf(2), T0 + 2000)).toBe(true);
    expect(book.stats()).toEqual({ jobs: 3, recent: 0, badJobs: 0 });
    expect(book.get(keyOf(3))?.job.state).toBe('RUNNING');
  });
});

describe('JobBook live events', () => {
  it('reports a live failure once, from the last known state, with the error', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    expect(book.applyEvent(jobEvent('added', wireJob({ id: 10, state: 'WAITING' }))).transitions).toEqual([]);
    expect(book.applyEvent(jobEvent('changed', wireJob({ id: 10, state: 'RUNNING' }))).transitions).toEqual([]);
    const update = book.applyEvent(
      jobEvent('changed', wireJob({ id: 10, state: 'FAILED', finished: T0 + 5000, error: '[EFAULT] remote down' })),
    );
    expect(update.transitions).toEqual([
      {
        server: S,
        key: keyOf(10),
        jobId: 10,
        method: 'cloudsync.sync',
        description: null,
        transient: false,
        from: 'RUNNING',
        to: 'FAILED',
        error: '[EFAULT] remote down',
        timeStarted: T0,
        timeFinished: T0 + 5000,
        catchUp: false,
      },
    ]);
    expect(update.upserts).toHaveLength(1);
    expect(update.upserts[0]?.job.state).toBe('FAILED');
  });

  it('reports a double SUCCESS once and still merges the second event (logs excerpt)', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 4, state: 'RUNNING', percent: 60 })]);
    const first = book.applyEvent(jobEvent('changed', wireJob({ id: 4, state: 'SUCCESS', finished: T0 + 9000, percent: 100 })));
    const second = book.applyEvent(
      jobEvent('changed', wireJob({ id: 4, state: 'SUCCESS', finished: T0 + 9000, percent: 100, logsExcerpt: 'done\n' })),
    );
    expect(first.transitions.map((t) => [t.from, t.to])).toEqual([['RUNNING', 'SUCCESS']]);
    expect(second.transitions).toEqual([]);
    expect(book.get(keyOf(4))?.job.logsExcerpt).toBe('done\n');
  });

  it('ignores a stale progress event that arrives after the job finished, and never moves RUNNING back to WAITING', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    book.applyEvent(jobEvent('changed', wireJob({ id: 6, state: 'RUNNING', percent: 50 })));
    book.applyEvent(jobEvent('changed', wireJob({ id: 6, state: 'WAITING', percent: 55 })));
    expect(book.get(keyOf(6))?.job.state).toBe('RUNNING');
    expect(book.get(keyOf(6))?.job.progress.percent).toBe(55);
    book.applyEvent(jobEvent('changed', wireJob({ id: 6, state: 'ABORTED', finished: T0 + 1000 })));
    const stale = book.applyEvent(jobEvent('changed', wireJob({ id: 6, state: 'RUNNING', percent: 70 })));
    expect(stale).toEqual({ upserts: [], removals: [], transitions: [] });
    expect(book.get(keyOf(6))?.job.state).toBe('ABORTED');
  });

  it('shallow-merges partial events into the stored job without changing its identity', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 2, state: 'RUNNING' })]);
    const update = book.applyEvent({
      msg: 'changed',
      collection: 'core.get_jobs',
      id: 2,
      fields: { progress: { percent: 42, description: 'copying', extra: null } },
    });
    expect(update.upserts[0]?.key).toBe(keyOf(2));
    expect(update.upserts[0]?.job.progress).toEqual({ percent: 42, description: 'copying' });
    expect(update.upserts[0]?.job.method).toBe('cloudsync.sync');
  });

  it('drops a partial event for a job it does not know (no identity to file it under)', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    const update = book.applyEvent({ msg: 'changed', collection: 'core.get_jobs', id: 77, fields: { id: 77, state: 'FAILED' } });
    expect(update).toEqual({ upserts: [], removals: [], transitions: [] });
    expect(book.stats()).toEqual({ jobs: 0, recent: 0, badJobs: 1 });
  });

  it('ignores other collections, counts invalid jobs and goes on', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 1 }), { id: 'x' }, null, wireJob({ id: 2 })]);
    expect(book.stats()).toEqual({ jobs: 2, recent: 0, badJobs: 2 });
    expect(book.applyEvent(jobEvent('changed', { id: 1, state: 'SUCCESS' }, 'alert.list')).upserts).toEqual([]);
    expect(book.applyEvent(jobEvent('changed', { id: 1, state: 'BROKEN' })).upserts).toEqual([]);
    expect(book.stats().badJobs).toBe(3);
    expect(book.applyEvent(jobEvent('changed', wireJob({ id: 1, state: 'FAILED', finished: T0 + 1 }))).transitions).toHaveLength(1);
  });

  it('handles a removed event (never sent for jobs) as the server dropping the job', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 1, state: 'RUNNING' }), wireJob({ id: 2, state: 'SUCCESS', finished: T0 + 1000 })]);
    expect(book.applyEvent({ msg: 'removed', collection: 'core.get_jobs', id: 1, fields: undefined })).toEqual({
      upserts: [],
      removals: [keyOf(1)],
      transitions: [],
    });
    const finished = book.applyEvent({ msg: 'removed', collection: 'core.get_jobs', id: 2, fields: undefined });
    expect(finished.upserts.map((entry) => entry.onServer)).toEqual([false]);
    expect(book.stats()).toEqual({ jobs: 0, recent: 1, badJobs: 0 });
  });
});

describe('JobBook reconnects and restarts', () => {
  it('does not repeat anything when buffered events replayed after the snapshot duplicate it', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    book.applyEvent(jobEvent('added', wireJob({ id: 1, state: 'RUNNING' })));
    book.markDisconnected();
    // Reconnect: the job finished while we were away (catch-up), and the buffer repeats its terminal event.
    const snapshot = book.applySnapshot([wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 2000 })]);
    expect(snapshot.transitions.map((t) => [t.from, t.to, t.catchUp])).toEqual([['RUNNING', 'SUCCESS', true]]);
    const replayRunning = book.applyEvent(jobEvent('changed', wireJob({ id: 1, state: 'RUNNING', percent: 90 })));
    const replayTerminal = book.applyEvent(jobEvent('changed', wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 2000 })));
    expect([...replayRunning.transitions, ...replayTerminal.transitions]).toEqual([]);
  });

  it('reports jobs that both started and finished while disconnected as catch-up, and only once', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 })]);
    book.markDisconnected();
    const update = book.applySnapshot([
      wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 }),
      wireJob({ id: 2, state: 'FAILED', started: T0 + 5000, finished: T0 + 6000 }),
    ]);
    expect(update.transitions.map((t) => [t.jobId, t.from, t.to, t.catchUp])).toEqual([[2, null, 'FAILED', true]]);
    book.markDisconnected();
    expect(
      book.applySnapshot([
        wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 }),
        wireJob({ id: 2, state: 'FAILED', started: T0 + 5000, finished: T0 + 6000 }),
      ]).transitions,
    ).toEqual([]);
  });

  it('judges every catch-up job against the ledger as it was before the snapshot (settling one must not hide another)', () => {
    // A tiny ledger: settling the jobs of this snapshot one by one would evict and raise the floor past job 5.
    const { book } = newBook(new TransitionLedger({ maxKeysPerServer: 2 }));
    book.applySnapshot([]);
    book.applyEvent(jobEvent('changed', wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 })));
    book.markDisconnected();
    const update = book.applySnapshot([
      wireJob({ id: 2, state: 'SUCCESS', finished: T0 + 9000 }),
      wireJob({ id: 3, state: 'SUCCESS', finished: T0 + 5000 }),
      wireJob({ id: 4, state: 'SUCCESS', finished: T0 + 7000 }),
      wireJob({ id: 5, state: 'FAILED', finished: T0 + 5000 }),
    ]);
    expect(update.transitions.map((t) => t.jobId)).toEqual([2, 3, 4, 5]);
  });

  it('keeps the old job 5 and the new job 5 apart across a middleware restart', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    book.applyEvent(jobEvent('changed', wireJob({ id: 5, state: 'RUNNING', method: 'replication.run' })));
    const oldFailure = book.applyEvent(
      jobEvent('changed', wireJob({ id: 5, state: 'FAILED', method: 'replication.run', finished: T0 + 1000 })),
    );
    book.markDisconnected();
    const restartedAt = T0 + 60_000;
    const snapshot = book.applySnapshot([wireJob({ id: 5, state: 'RUNNING', method: 'replication.run', started: restartedAt })]);
    expect(snapshot.transitions).toEqual([]);
    const newFailure = book.applyEvent(
      jobEvent('changed', wireJob({ id: 5, state: 'FAILED', method: 'replication.run', started: restartedAt, finished: restartedAt + 1000 })),
    );
    const transitions = [...oldFailure.transitions, ...newFailure.transitions];
    expect(transitions.map((t) => [t.jobId, t.from, t.to])).toEqual([
      [5, 'RUNNING', 'FAILED'],
      [5, 'RUNNING', 'FAILED'],
    ]);
    expect(new Set(transitions.map((t) => t.key)).size).toBe(2);
    // The old job stays as recent history, no longer on the server.
    expect(book.get(keyOf(5, T0, 'replication.run'))?.onServer).toBe(false);
    expect(book.get(keyOf(5, restartedAt, 'replication.run'))?.onServer).toBe(true);
  });

  it('treats a reused id in a live added event as a new job', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 3, state: 'SUCCESS', finished: T0 + 1000 })]);
    const update = book.applyEvent(jobEvent('added', wireJob({ id: 3, state: 'WAITING', started: T0 + 5000 })));
    expect(update.upserts.map((entry) => [entry.key, entry.onServer])).toEqual([
      [keyOf(3), false],
      [keyOf(3, T0 + 5000), true],
    ]);
    const end = book.applyEvent(jobEvent('changed', wireJob({ id: 3, state: 'SUCCESS', started: T0 + 5000, finished: T0 + 6000 })));
    expect(end.transitions.map((t) => [t.key, t.from])).toEqual([[keyOf(3, T0 + 5000), 'WAITING']]);
  });

  it('removes a running job that is absent from the snapshot after a restart, without a transition', () => {
    const { book } = newBook();
    book.applySnapshot([wireJob({ id: 8, state: 'RUNNING' })]);
    book.markDisconnected();
    const update = book.applySnapshot([wireJob({ id: 1, state: 'RUNNING', started: T0 + 90_000, method: 'pool.scrub.scrub' })]);
    expect(update.transitions).toEqual([]);
    expect(update.removals).toEqual([keyOf(8)]);
    expect(book.get(keyOf(8))).toBeUndefined();
    expect(book.stats().jobs).toBe(1);
  });

  it('reports across an app restart only what was not reported before (ledger through JSON)', () => {
    const ledger = new TransitionLedger();
    const first = new JobBook({ server: S, ledger });
    first.applySnapshot([wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 }), wireJob({ id: 2, state: 'RUNNING' })]);
    expect(first.applyEvent(jobEvent('changed', wireJob({ id: 2, state: 'FAILED', finished: T0 + 2000 }))).transitions).toHaveLength(1);
    const saved = JSON.parse(JSON.stringify(ledger.toJSON())) as unknown;

    const second = new JobBook({ server: S, ledger: TransitionLedger.fromJSON(saved) });
    const update = second.applySnapshot([
      wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1000 }),
      wireJob({ id: 2, state: 'FAILED', finished: T0 + 2000 }),
      wireJob({ id: 3, state: 'ABORTED', started: T0 + 3000, finished: T0 + 4000 }),
    ]);
    expect(update.transitions.map((t) => [t.jobId, t.from, t.to, t.catchUp])).toEqual([[3, null, 'ABORTED', true]]);
  });
});

describe('JobBook memory', () => {
  it('drops finished transient jobs right after their transition, and their duplicate terminal event reports nothing', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    book.applyEvent(jobEvent('added', wireJob({ id: 9, state: 'RUNNING', transient: true, method: 'alert.process_alerts' })));
    const end = book.applyEvent(
      jobEvent('changed', wireJob({ id: 9, state: 'SUCCESS', transient: true, method: 'alert.process_alerts', finished: T0 + 1000 })),
    );
    expect(end.transitions.map((t) => [t.transient, t.to])).toEqual([[true, 'SUCCESS']]);
    expect(end.removals).toEqual([keyOf(9, T0, 'alert.process_alerts')]);
    expect(end.upserts).toEqual([]);
    const again = book.applyEvent(
      jobEvent('changed', wireJob({ id: 9, state: 'SUCCESS', transient: true, method: 'alert.process_alerts', finished: T0 + 1000 })),
    );
    expect(again.transitions).toEqual([]);
    expect(book.stats()).toEqual({ jobs: 0, recent: 0, badJobs: 0 });
  });

  it('keeps at most maxJobs on-server jobs (oldest finished moves to history) and recentLimit history entries', () => {
    const { book } = newBook(new TransitionLedger(), { maxJobs: 3, recentLimit: 2 });
    book.applySnapshot([
      wireJob({ id: 1, state: 'RUNNING' }),
      wireJob({ id: 2, state: 'SUCCESS', finished: T0 + 1 }),
      wireJob({ id: 3, state: 'SUCCESS', finished: T0 + 2 }),
    ]);
    const update = book.applyEvent(jobEvent('added', wireJob({ id: 4, state: 'WAITING' })));
    expect(update.upserts.map((entry) => [entry.job.id, entry.onServer])).toEqual([
      [4, true],
      [2, false],
    ]);
    for (let id = 5; id <= 8; id += 1) {
      book.applyEvent(jobEvent('added', wireJob({ id, state: 'WAITING' })));
      book.applyEvent(jobEvent('changed', wireJob({ id, state: 'SUCCESS', finished: T0 + id })));
    }
    const stats = book.stats();
    expect(stats.jobs).toBeLessThanOrEqual(3);
    expect(stats.recent).toBeLessThanOrEqual(2);
    expect(book.jobs()).toHaveLength(stats.jobs + stats.recent);
    // The running job 1 is never the victim while finished ones exist.
    expect(book.get(keyOf(1))?.onServer).toBe(true);
  });

  it('drops the oldest job when none has finished and the bound is reached', () => {
    const { book } = newBook(new TransitionLedger(), { maxJobs: 2 });
    book.applySnapshot([wireJob({ id: 1 }), wireJob({ id: 2 })]);
    const update = book.applyEvent(jobEvent('added', wireJob({ id: 3, state: 'WAITING' })));
    expect(update.removals).toEqual([keyOf(1)]);
    expect(book.stats().jobs).toBe(2);
  });
});
