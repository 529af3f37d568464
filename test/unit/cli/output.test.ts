import { describe, expect, it } from 'vitest';
import { jobKey } from '../../../electron/core/model';
import type { Transition } from '../../../electron/core/model';
import type { JobView, NotificationView, ServerView } from '../../../electron/core/view';
import {
  connectionRecord,
  connectionRecordFromView,
  duration,
  errorRecord,
  formatJobTable,
  formatRecord,
  jobRecord,
  notificationRecord,
  plainText,
  toHumanLine,
  toJsonLine,
  transitionRecord,
} from '../../../electron/cli/output';

const NOW = Date.UTC(2026, 10, 28, 12, 3, 4);
const HUMAN = { now: NOW, timeZone: 'UTC' };
const STARTED = Date.UTC(2026, 10, 28, 11, 58, 0);

function transition(overrides: Partial<Transition> = {}): Transition {
  const base: Transition = {
    server: 'nas1',
    key: jobKey('nas1', { id: 120, timeStarted: STARTED, method: 'replication.run' }),
    jobId: 120,
    method: 'replication.run',
    description: null,
    transient: false,
    from: 'RUNNING',
    to: 'FAILED',
    error: '[EFAULT] Failed to connect to remote host.\nTraceback (most recent call last): …',
    timeStarted: STARTED,
    timeFinished: STARTED + 133_000,
    catchUp: false,
  };
  return { ...base, ...overrides };
}

function notification(overrides: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'n1',
    server: 'nas1',
    title: 'Replication failed on nas1',
    body: 'replication.run: [EFAULT] Failed to connect to remote host.',
    urgency: 'critical',
    jobs: [jobKey('nas1', { id: 120, timeStarted: STARTED, method: 'replication.run' })],
    catchUp: false,
    suppressed: null,
    createdAt: NOW,
    ...overrides,
  };
}

function job(overrides: Partial<JobView> = {}): JobView {
  return {
    key: 'k',
    server: 'nas1',
    id: 118,
    method: 'pool.scrub',
    description: 'Scrub of pool tank',
    state: 'RUNNING',
    percent: 42.7,
    progressText: 'Scrubbing',
    transient: false,
    abortable: true,
    hasLogs: false,
    timeStarted: STARTED,
    timeFinished: null,
    clockOffsetMs: 0,
    error: null,
    startedBy: 'root',
    onServer: true,
    ...overrides,
  };
}

describe('JSON lines', () => {
  it('connection', () => {
    expect(toJsonLine(connectionRecord({ server: 'nas1', state: 'backoff', detail: 'Retrying in 8 s: connection refused' }))).toBe(
      '{"type":"connection","server":"nas1","state":"backoff","detail":"Retrying in 8 s: connection refused"}',
    );
  });

  it('connection from a server view uses its name', () => {
    const view = { id: 'office', name: 'Office NAS', state: 'live', detail: 'Live' } as ServerView;
    expect(toJsonLine(connectionRecordFromView(view))).toBe('{"type":"connection","server":"Office NAS","state":"live","detail":"Live"}');
  });

  it('transition, with ISO times in UTC and every field in a fixed order', () => {
    expect(toJsonLine(transitionRecord(transition()))).toBe(
      '{"type":"transition","server":"nas1","jobId":120,"method":"replication.run","description":null,"from":"RUNNING","to":"FAILED",' +
        '"error":"[EFAULT] Failed to connect to remote host.\\nTraceback (most recent call last): …",' +
        '"timeStarted":"2026-11-28T11:58:00.000Z","timeFinished":"2026-11-28T12:00:13.000Z","catchUp":false}',
    );
  });

  it('transition with unknown times and a display name', () => {
    const line = toJsonLine(transitionRecord(transition({ timeStarted: null, timeFinished: null, from: null, catchUp: true, error: null, to: 'SUCCESS' }), 'Home'));
    expect(JSON.parse(line)).toEqual({
      type: 'transition',
      server: 'Home',
      jobId: 120,
      method: 'replication.run',
      description: null,
      from: null,
      to: 'SUCCESS',
      error: null,
      timeStarted: null,
      timeFinished: null,
      catchUp: true,
    });
  });

  it('notification, with its jobs as readable references', () => {
    expect(toJsonLine(notificationRecord(notification({ suppressed: 'quiet-hours' })))).toBe(
      '{"type":"notification","title":"Replication failed on nas1","body":"replication.run: [EFAULT] Failed to connect to remote host.",' +
        '"urgency":"critical","server":"nas1","jobs":[{"jobId":120,"method":"replication.run","timeStarted":"2026-11-28T11:58:00.000Z"}],' +
        '"catchUp":false,"suppressed":"quiet-hours"}',
    );
  });

  it('notification job references survive odd keys', () => {
    const record = notificationRecord(notification({ jobs: [jobKey('nas1', { id: 7, timeStarted: null, method: 'a.b' })] }));
    expect(record.jobs).toEqual([{ jobId: 7, method: 'a.b', timeStarted: null }]);
    expect(toJsonLine(record)).not.toContain('\\u0000');
  });

  it('job', () => {
    expect(toJsonLine(jobRecord(job()))).toBe(
      '{"type":"job","server":"nas1","jobId":118,"method":"pool.scrub","description":"Scrub of pool tank","state":"RUNNING",' +
        '"percent":42.7,"progress":"Scrubbing","timeStarted":"2026-11-28T11:58:00.000Z","timeFinished":null,"error":null,"transient":false}',
    );
  });

  it('error', () => {
    expect(toJsonLine(errorRecord('The API key was rejected.', { server: 'nas1', code: 'AUTH_FAILED' }))).toBe(
      '{"type":"error","server":"nas1","code":"AUTH_FAILED","message":"The API key was rejected."}',
    );
    expect(toJsonLine(errorRecord('boom'))).toBe('{"type":"error","server":null,"code":null,"message":"boom"}');
  });

  it('one line, whatever the input; terminal controls and bidi overrides escaped, values unchanged', () => {
    const hostile = 'a\nb\u001b[31mc\u009b2Jd\u202eevil\u2028x';
    const line = toJsonLine(transitionRecord(transition({ description: hostile })));
    expect(line).not.toMatch(/[\n\u001b\u009b\u202e\u2028]/);
    expect(line).toContain('\\u009b');
    expect(line).toContain('\\u202e');
    expect(JSON.parse(line).description).toBe(hostile);
  });
});

describe('human lines', () => {
  it('transition: the example from the issue, with duration', () => {
    expect(toHumanLine(transitionRecord(transition()), HUMAN)).toBe(
      '12:03:04 nas1 FAILED replication.run (#120, 2m 13s) — [EFAULT] Failed to connect to remote host.',
    );
  });

  it('transition with a description, caught up, no error, no times', () => {
    expect(
      toHumanLine(
        transitionRecord(transition({ description: 'Scrub of pool tank', method: 'pool.scrub', jobId: 118, to: 'SUCCESS', error: null, catchUp: true, timeFinished: null })),
        HUMAN,
      ),
    ).toBe('12:03:04 nas1 SUCCESS Scrub of pool tank (pool.scrub #118) [while away]');
  });

  it('transition error: first non-empty line only', () => {
    expect(toHumanLine(transitionRecord(transition({ error: '\n\n  second\nthird', timeStarted: null })), HUMAN)).toBe(
      '12:03:04 nas1 FAILED replication.run (#120) — second',
    );
  });

  it('connection: detail shown unless it only repeats the state', () => {
    expect(toHumanLine(connectionRecord({ server: 'nas1', state: 'backoff', detail: 'Retrying in 8 s: connection refused' }), HUMAN)).toBe(
      '12:03:04 nas1 backoff — Retrying in 8 s: connection refused',
    );
    expect(toHumanLine(connectionRecord({ server: 'nas1', state: 'live', detail: 'Live' }), HUMAN)).toBe('12:03:04 nas1 live');
    expect(toHumanLine(connectionRecord({ server: 'nas1', state: 'connecting', detail: '' }), HUMAN)).toBe('12:03:04 nas1 connecting');
  });

  it('notification: shown and suppressed; multi-line bodies joined', () => {
    expect(toHumanLine(notificationRecord(notification()), HUMAN)).toBe(
      '12:03:04 nas1 notify critical: Replication failed on nas1 — replication.run: [EFAULT] Failed to connect to remote host.',
    );
    expect(
      toHumanLine(
        notificationRecord(notification({ title: 'While you were away', body: '2 failed\n5 finished\n', urgency: 'normal', suppressed: 'quiet-hours', catchUp: true })),
        HUMAN,
      ),
    ).toBe('12:03:04 nas1 notify normal: While you were away — 2 failed · 5 finished (not shown: quiet-hours)');
  });

  it('job', () => {
    expect(toHumanLine(jobRecord(job()), HUMAN)).toBe('nas1 #118 RUNNING 42% Scrub of pool tank (pool.scrub) started 2026-11-28 11:58');
    expect(toHumanLine(jobRecord(job({ description: null, percent: null, timeStarted: null, state: 'FAILED', error: 'boom\nmore' })), HUMAN)).toBe(
      'nas1 #118 FAILED pool.scrub — boom',
    );
  });

  it('error, with and without a server', () => {
    expect(toHumanLine(errorRecord('The API key was rejected.', { server: 'nas1', code: 'AUTH_FAILED' }), HUMAN)).toBe(
      '12:03:04 nas1 error: The API key was rejected.',
    );
    expect(toHumanLine(errorRecord('cannot read rules.json'), HUMAN)).toBe('12:03:04 error: cannot read rules.json');
  });

  it('follows the given time zone', () => {
    expect(toHumanLine(errorRecord('x'), { now: NOW, timeZone: 'Asia/Kolkata' })).toBe('17:33:04 error: x');
  });

  it('never lets network text break the line or drive the terminal', () => {
    const line = toHumanLine(transitionRecord(transition({ description: 'evil\n12:00:00 nas1 SUCCESS fake\u001b[2J\u202eabc', error: 'x\u0007y' })), HUMAN);
    expect(line).toBe('12:03:04 nas1 FAILED evil 12:00:00 nas1 SUCCESS fake [2J abc (replication.run #120, 2m 13s) — x y');
  });

  it('bounds long texts', () => {
    const line = toHumanLine(transitionRecord(transition({ description: 'd'.repeat(500), error: 'e'.repeat(500) })), HUMAN);
    expect(line).toBe(`12:03:04 nas1 FAILED ${'d'.repeat(79)}… (replication.run #120, 2m 13s) — ${'e'.repeat(199)}…`);
  });

  it('formatRecord picks the mode', () => {
    const record = errorRecord('x');
    expect(formatRecord(record, true, HUMAN)).toBe(toJsonLine(record));
    expect(formatRecord(record, false, HUMAN)).toBe(toHumanLine(record, HUMAN));
  });
});

describe('job table', () => {
  it('pads columns, no trailing spaces', () => {
    const rows = formatJobTable(
      [
        jobRecord(job()),
        jobRecord(job({ id: 7, method: 'cloudsync.sync', description: null, state: 'WAITING', percent: null, timeStarted: null }), 'office-nas'),
        jobRecord(job({ id: 1203, method: 'replication.run', description: null, state: 'FAILED', percent: 100, timeStarted: STARTED + 60_000 })),
      ],
      { timeZone: 'UTC' },
    );
    expect(rows).toEqual([
      'ID    STATE    %     JOB                              STARTED           SERVER',
      '118   RUNNING  42%   Scrub of pool tank (pool.scrub)  2026-11-28 11:58  nas1',
      '7     WAITING        cloudsync.sync                                     office-nas',
      '1203  FAILED   100%  replication.run                  2026-11-28 11:59  nas1',
    ]);
  });

  it('says so when there are no jobs', () => {
    expect(formatJobTable([])).toEqual(['No jobs.']);
  });
});

describe('helpers', () => {
  it('duration', () => {
    expect([0, 45_000, 133_000, 3_720_000, 86_400_000 + 4 * 3_600_000].map(duration)).toEqual(['0s', '45s', '2m 13s', '1h 02m', '1d 4h']);
  });

  it('plainText', () => {
    expect(plainText('  a\r\n\tb  ', 10)).toBe('a b');
    expect(plainText('abcdef', 4)).toBe('abc…');
  });
});
