import { describe, expect, it } from 'vitest';
import {
  scheduleCheckText,
  scheduleNoteText,
  scheduleViewOf,
  type ScheduleCheck,
  type ScheduleCheckStatus,
} from '../../../electron/core/missed-runs';
import { readTaskDefinitions, taskReadText } from '../../../electron/core/task-definitions';
import { translator } from '../../../electron/core/i18n/i18n';
import { JobwatchError, RpcError } from '../../../electron/core/errors';

const de = translator('de');
const DUE = Date.UTC(2026, 11, 2, 1, 0);
const HOUR = 3_600_000;

function check(overrides: Partial<ScheduleCheck> = {}): ScheduleCheck {
  return {
    outcome: 'could-not-check',
    server: 'nas',
    task: 'cloudsync.sync [1]',
    method: 'cloudsync.sync',
    taskKind: 'cloudsync',
    taskId: 1,
    name: 'nightly',
    dueAt: DUE,
    lastDueAt: DUE,
    count: 1,
    schedule: '0 1 * * *',
    timezone: 'UTC',
    toleranceMs: 600_000,
    lastRunAt: null,
    notWatching: { from: DUE - HOUR, to: DUE + HOUR },
    message: '',
    ts: 0,
    ...overrides,
  };
}

describe('schedule check messages', () => {
  it('are worded in English as the core always wrote them', () => {
    expect(scheduleCheckText(check())).toBe(
      'Could not check whether Cloud sync "nightly" ran at 2 Dec 2026, 01:00: Jobwatch was not watching the server from ' +
        '2 Dec 2026, 00:00 to 2 Dec 2026, 02:00 (UTC). This is no fault of the server.',
    );
    expect(scheduleCheckText(check({ count: 3, lastDueAt: DUE + 2 * HOUR, notWatching: { from: null, to: null } }))).toBe(
      'Could not check 3 scheduled runs of Cloud sync "nightly" from 2 Dec 2026, 01:00 to 2 Dec 2026, 03:00: Jobwatch was not ' +
        'watching the server before it started (UTC). This is no fault of the server.',
    );
    expect(scheduleCheckText(check({ notWatching: { from: null, to: DUE + HOUR } }))).toContain(
      'Jobwatch was not watching the server before it started to 2 Dec 2026, 02:00 (UTC).',
    );
    expect(scheduleCheckText(check({ notWatching: { from: DUE - HOUR, to: null } }))).toContain(
      'Jobwatch was not watching the server from 2 Dec 2026, 00:00 (UTC).',
    );
    expect(scheduleCheckText(check({ outcome: 'missed', taskKind: 'rsync', name: 'photos', notWatching: null }))).toBe(
      'Rsync task "photos" was due at 2 Dec 2026, 01:00 (UTC) and did not start within 10 min. Check the task and the ' +
        "server's alerts in the TrueNAS web interface.",
    );
    expect(
      scheduleCheckText(
        check({ outcome: 'missed', taskKind: 'snapshot', name: 'tank', count: 2, lastDueAt: DUE + HOUR, toleranceMs: 30_000 }),
      ),
    ).toBe(
      'Periodic snapshot "tank" missed 2 scheduled runs from 2 Dec 2026, 01:00 to 2 Dec 2026, 02:00 (UTC). Check the task and ' +
        "the server's alerts in the TrueNAS web interface.",
    );
  });

  it('are worded in German, dates as German write them', () => {
    expect(scheduleCheckText(check(), de)).toBe(
      'Ob Cloud-Synchronisierung „nightly“ am 02.12.2026, 01:00 gelaufen ist, ließ sich nicht prüfen: Jobwatch hat den Server ' +
        'vom 02.12.2026, 00:00 bis 02.12.2026, 02:00 nicht beobachtet (UTC). Das ist kein Fehler des Servers.',
    );
    expect(scheduleCheckText(check({ count: 3, lastDueAt: DUE + 2 * HOUR, notWatching: { from: null, to: DUE + 3 * HOUR } }), de)).toBe(
      '3 geplante Läufe von Cloud-Synchronisierung „nightly“ vom 02.12.2026, 01:00 bis 02.12.2026, 03:00 ließen sich nicht ' +
        'prüfen: Jobwatch hat den Server bis 02.12.2026, 04:00 noch nicht beobachtet (UTC). Das ist kein Fehler des Servers.',
    );
    expect(
      scheduleCheckText(check({ outcome: 'missed', taskKind: 'rsync', name: 'photos', notWatching: null, toleranceMs: 30_000 }), de),
    ).toBe(
      'Rsync-Aufgabe „photos“ war für 02.12.2026, 01:00 (UTC) geplant und hat nicht innerhalb von 30 s begonnen. Prüfen Sie ' +
        'die Aufgabe und die Warnungen des Servers in der TrueNAS-Weboberfläche.',
    );
  });
});

describe('schedule notes', () => {
  it('say one kind as before, and several kinds in one sentence with the language’s list', () => {
    expect(taskReadText('not-allowed', ['rsync'])).toBe(
      'This account may not read the rsync tasks (rsynctask.query), so missed runs of them are not checked. Give it the ' +
        'matching read role, or READONLY_ADMIN, to have them checked.',
    );
    expect(taskReadText('unreadable', ['snapshot'])).toBe(
      'The periodic snapshot tasks could not be read (pool.snapshottask.query), so missed runs of them are not checked for now; ' +
        'Jobwatch tries again later.',
    );
    expect(taskReadText('not-a-list', ['scrub'])).toBe(
      'The server answered pool.scrub.query with something that is not a list; its scrub tasks are not checked for now.',
    );
    expect(taskReadText('not-allowed', ['snapshot', 'replication', 'rsync'])).toMatch(
      /^This account may not read the periodic snapshot, replication and rsync tasks \(pool\.snapshottask\.query, replication\.query, rsynctask\.query\), .* read roles, /,
    );
    expect(taskReadText('not-allowed', ['snapshot', 'replication', 'rsync'], de)).toBe(
      'Dieses Konto darf die Aufgaben für periodische Snapshots, Replikation und Rsync nicht lesen (pool.snapshottask.query, ' +
        'replication.query, rsynctask.query), daher werden ihre verpassten Läufe nicht geprüft. Geben Sie ihm die passenden ' +
        'Leserollen oder READONLY_ADMIN, damit sie geprüft werden.',
    );
  });

  it('word the other notes in German, keeping the error’s meaning and the schedule’s own text', () => {
    expect(scheduleNoteText({ note: 'no-time-zone' }, de)).toMatch(/^Dieses Konto darf die Zeitzone des Servers nicht lesen/);
    expect(scheduleNoteText({ note: 'rejected', count: 1 })).toBe('1 task definition had an unexpected shape and is not checked.');
    expect(scheduleNoteText({ note: 'rejected', count: 2 }, de)).toBe(
      '2 Aufgabendefinitionen hatten eine unerwartete Form und werden nicht geprüft.',
    );
    const timeout = new JobwatchError('TIMEOUT', 'cloudsync.query timed out after 15 s');
    const readError = { note: 'read-error' as const, code: timeout.code, detail: timeout.message };
    expect(scheduleNoteText(readError)).toBe(
      'The task definitions could not be read (cloudsync.query timed out after 15 s); Jobwatch tries again later.',
    );
    expect(scheduleNoteText(readError, de)).toBe(
      'Die Aufgabendefinitionen konnten nicht gelesen werden (Der Server hat nicht rechtzeitig geantwortet; Jobwatch versucht ' +
        'es erneut.); Jobwatch versucht es später erneut.',
    );
    const bad = {
      note: 'bad-schedule' as const,
      taskKind: 'scrub' as const,
      name: 'tank',
      pattern: '99 * * * *',
      zone: 'UTC',
      detail: 'bad minute',
    };
    expect(scheduleNoteText(bad)).toBe('Scrub "tank": The schedule "99 * * * *" in time zone UTC could not be read: bad minute');
    expect(scheduleNoteText(bad, de)).toBe('Scrub „tank“: Der Zeitplan „99 * * * *“ in der Zeitzone UTC ließ sich nicht lesen: bad minute');
  });

  it('reach the window in its language: notes from their data, stretches from their fields', async () => {
    const refused = new RpcError('Not authorized', null, 13, 'EACCES', 'Not authorized');
    const read = await readTaskDefinitions(async (method) => {
      if (method === 'cloudsync.query') return [];
      throw refused;
    });
    expect(read.notes.map((n) => [n.kind, n.problem])).toEqual([
      ['snapshot', 'not-allowed'],
      ['replication', 'not-allowed'],
      ['cloud_backup', 'not-allowed'],
      ['rsync', 'not-allowed'],
      ['scrub', 'not-allowed'],
    ]);
    const gap = check();
    gap.message = scheduleCheckText(gap);
    const status: ScheduleCheckStatus = {
      checkedTasks: 1,
      timezone: 'UTC',
      notes: ['the English note'],
      noteItems: [{ note: 'tasks-unread', problem: 'not-allowed', kinds: ['snapshot', 'rsync'] }],
      judged: { ran: 0, missed: 0, 'could-not-check': 1, skipped: 0 },
      checkedThrough: null,
      couldNotCheck: [gap],
    };
    expect(scheduleViewOf(status)).toMatchObject({ notes: ['the English note'], couldNotCheck: [{ message: gap.message }] });
    const german = scheduleViewOf(status, de);
    expect(german.notes).toEqual([taskReadText('not-allowed', ['snapshot', 'rsync'], de)]);
    expect(german.notes[0]).toMatch(/^Dieses Konto darf die Aufgaben für periodische Snapshots und Rsync nicht lesen/);
    expect(german.couldNotCheck[0]!.message).toBe(scheduleCheckText(gap, de));
    expect(german.couldNotCheck[0]!.message).toMatch(/^Ob Cloud-Synchronisierung „nightly“ am /);
  });
});
