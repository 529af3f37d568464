import { describe, expect, it } from 'vitest';
import { JobBook, canonicalJson, copyFingerprint } from '../../../electron/core/jobs';
import { completeJob } from '../../../electron/core/protocol/job-schema';
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
      jobEvent(
        'changed',
        wireJob({ id: 5, state: 'FAILED', method: 'replication.run', started: restartedAt, finished: restartedAt + 1000 }),
      ),
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
    // It ran without a RUNNING event reaching us: no job goes WAITING → SUCCESS.
    expect(end.transitions.map((t) => [t.key, t.from])).toEqual([[keyOf(3, T0 + 5000), 'RUNNING']]);
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

describe('JobBook transient jobs', () => {
  /** A CORE 13 job object: no transient, description, abortable or credentials fields. */
  function core13Job(
    id: number,
    method: string,
    state: 'WAITING' | 'RUNNING' | 'SUCCESS' | 'FAILED',
    started = T0,
  ): Record<string, unknown> {
    const {
      transient: _t,
      description: _d,
      abortable: _a,
      credentials: _c,
      message_ids: _m,
      result_encoding_error: _r,
      ...rest
    } = wireJob({
      id,
      method,
      state,
      started,
      finished: state === 'SUCCESS' || state === 'FAILED' ? started + 300 : null,
      percent: state === 'SUCCESS' ? 100 : null,
    });
    return rest;
  }

  it('a CORE 13 alert run seen only through its SUCCESS `changed` is transient: reported as such, not kept, not in the ledger', () => {
    const { ledger, book } = newBook();
    book.applySnapshot([]);
    const update = book.applyEvent(jobEvent('changed', core13Job(4, 'alert.process_alerts', 'SUCCESS')));
    expect(update.transitions.map((t) => [t.jobId, t.from, t.to, t.transient])).toEqual([[4, null, 'SUCCESS', true]]);
    expect(update.upserts).toEqual([]);
    expect(book.jobs()).toEqual([]);
    expect(ledger.size(S)).toBe(0);
    expect(book.applyEvent(jobEvent('changed', core13Job(4, 'alert.process_alerts', 'SUCCESS'))).transitions).toEqual([]);
  });

  it('a `changed` for an id never seen, non-transient, is a job seen for the first time', () => {
    const { book } = newBook();
    book.applySnapshot([]);
    const running = book.applyEvent(jobEvent('changed', core13Job(6, 'pool.scrub', 'RUNNING')));
    expect(running.upserts.map((e) => [e.job.id, e.job.state, e.job.transient])).toEqual([[6, 'RUNNING', false]]);
    const end = book.applyEvent(jobEvent('changed', core13Job(7, 'replication.run', 'FAILED')));
    expect(end.transitions.map((t) => [t.jobId, t.from, t.to, t.transient])).toEqual([[7, null, 'FAILED', false]]);
  });

  it('running transient jobs do not count toward the bound, never enter recent history, and have their own bound', () => {
    const { book } = newBook(new TransitionLedger(), { maxJobs: 2, recentLimit: 5 });
    book.applySnapshot([
      wireJob({ id: 1, state: 'SUCCESS', finished: T0 + 1 }),
      wireJob({ id: 2, state: 'SUCCESS', finished: T0 + 2 }),
      core13Job(3, 'alert.process_alerts', 'RUNNING'),
    ]);
    book.applyEvent(jobEvent('added', wireJob({ id: 4, state: 'RUNNING', transient: true, method: 'alert.send_alerts' })));
    expect(book.get(keyOf(1))?.onServer).toBe(true);
    expect(book.get(keyOf(2))?.onServer).toBe(true);
    expect(book.stats()).toEqual({ jobs: 4, recent: 0, badJobs: 0 });
    // A third transient one: the oldest transient goes, the real jobs stay.
    book.applyEvent(jobEvent('added', wireJob({ id: 5, state: 'RUNNING', transient: true, method: 'alert.send_alerts' })));
    expect(book.get(keyOf(3, T0, 'alert.process_alerts'))).toBeUndefined();
    expect(book.get(keyOf(1))?.onServer).toBe(true);
    // The server restarts: the real finished jobs become history, the transient ones just go.
    book.markDisconnected();
    book.applySnapshot([]);
    expect(book.jobs().map((e) => [e.job.id, e.onServer])).toEqual([
      [1, false],
      [2, false],
    ]);
  });

  it('a transient job caught running in a snapshot, then finished, is reported transient and dropped', () => {
    const { ledger, book } = newBook();
    book.applySnapshot([]);
    book.markDisconnected();
    book.applySnapshot([core13Job(8, 'alert.process_alerts', 'RUNNING')]);
    expect(book.jobs().map((e) => e.job.transient)).toEqual([true]);
    const end = book.applyEvent(jobEvent('changed', core13Job(8, 'alert.process_alerts', 'SUCCESS')));
    expect(end.transitions.map((t) => [t.from, t.transient])).toEqual([['RUNNING', true]]);
    expect(end.removals).toEqual([keyOf(8, T0, 'alert.process_alerts')]);
    expect(book.jobs()).toEqual([]);
    expect(ledger.size(S)).toBe(0);
  });
});

describe('JobBook HA job copies', () => {
  const sync = (id: number, started: number, state: 'SUCCESS' | 'FAILED' = 'SUCCESS') =>
    wireJob({ id, method: 'cloudsync.sync', state, started, finished: started + 5000 });

  it('a copy under a new id (same method, arguments, times, state) is settled silently and replaces the original', () => {
    const { ledger, book } = newBook();
    book.applySnapshot([]);
    book.applyEvent(jobEvent('added', wireJob({ id: 5, method: 'cloudsync.sync', state: 'RUNNING' })));
    expect(book.applyEvent(jobEvent('changed', sync(5, T0))).transitions).toHaveLength(1);
    book.markDisconnected();
    // The other controller: ids of its own; the copy of job 5 is its job 2 (wireJob's arguments follow the id).
    const copy = { ...sync(2, T0), arguments: [5], credentials: null, exc_info: null };
    const rerun = { ...sync(3, T0 + 60_000, 'FAILED'), arguments: [5] };
    const update = book.applySnapshot([copy, rerun]);
    expect(update.transitions.map((t) => [t.jobId, t.to, t.catchUp])).toEqual([[3, 'FAILED', true]]);
    expect(update.removals).toEqual([keyOf(5)]);
    expect(book.jobs().map((e) => [e.job.id, e.onServer])).toEqual([
      [2, true],
      [3, true],
    ]);
    expect(ledger.isListed(S, keyOf(2))).toBe(true);
    // Another reconnect reports nothing either.
    book.markDisconnected();
    expect(book.applySnapshot([copy, rerun]).transitions).toEqual([]);
  });

  it('is not fooled by a different state, finish time or arguments, nor by methods that are never copied', () => {
    const { book } = newBook();
    book.applySnapshot([sync(5, T0), wireJob({ id: 6, method: 'pool.scrub.scrub', state: 'SUCCESS', finished: T0 + 5000 })]);
    book.markDisconnected();
    const update = book.applySnapshot([
      { ...sync(1, T0, 'FAILED'), arguments: [5] },
      { ...sync(2, T0), arguments: [5], time_finished: { $date: T0 + 6000 } },
      { ...sync(3, T0), arguments: [4] },
      { ...wireJob({ id: 4, method: 'pool.scrub.scrub', state: 'SUCCESS', finished: T0 + 5000 }), arguments: [6] },
    ]);
    expect(update.transitions.map((t) => t.jobId)).toEqual([1, 2, 3, 4]);
  });

  it('a lookalike is a job of its own when its original is still listed, or when it has exc_info or credentials', () => {
    const { book } = newBook();
    const failed = (id: number) => ({
      ...sync(id, T0, 'FAILED'),
      arguments: [5],
      exc_info: { repr: 'CallError()', type: 'CallError', errno: 14, extra: null },
    });
    book.applySnapshot([sync(5, T0), failed(6)]);
    book.markDisconnected();
    const update = book.applySnapshot([
      sync(5, T0),
      { ...sync(7, T0), arguments: [5] },
      failed(8),
      { ...sync(9, T0), arguments: [5], credentials: { type: 'UNIX_SOCKET', data: { username: 'root' } } },
    ]);
    expect(update.transitions.map((t) => t.jobId).sort()).toEqual([7, 8, 9]);

    // Without the original listed: the one in a copy's shape is the copy, the one with credentials is not.
    const other = newBook();
    other.book.applySnapshot([sync(5, T0)]);
    other.book.markDisconnected();
    const next = other.book.applySnapshot([
      { ...sync(1, T0), arguments: [5] },
      { ...sync(2, T0), arguments: [5], credentials: { type: 'UNIX_SOCKET', data: { username: 'root' } } },
    ]);
    expect(next.transitions.map((t) => t.jobId)).toEqual([2]);
  });

  it('canonical arguments do not depend on key order and stay bounded', () => {
    expect(canonicalJson([{ b: 1, a: [true, null, 'x'] }])).toBe(canonicalJson([{ a: [true, null, 'x'], b: 1 }]));
    expect(canonicalJson([{ b: 1 }])).not.toBe(canonicalJson([{ b: 2 }]));
    expect(canonicalJson(['x'.repeat(100_000)]).length).toBeLessThanOrEqual(4100);
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(canonicalJson(deep).length).toBeLessThan(100);
    const job = (args: unknown[]) => ({
      ...completeJob({ id: 1, method: 'replication.run', arguments: args, state: 'SUCCESS', timeStarted: T0, timeFinished: T0 + 1 }),
    });
    expect(copyFingerprint(job([{ a: 1, b: 2 }]))).toBe(copyFingerprint(job([{ b: 2, a: 1 }])));
    expect(copyFingerprint({ ...job([]), method: 'pool.scrub.scrub' })).toBeNull();
  });
});
