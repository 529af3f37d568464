import { fireEvent, render, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import RunHistoryChart from '../../renderer/src/components/RunHistoryChart.svelte';
import NotificationsView from '../../renderer/src/components/NotificationsView.svelte';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import { historyRemaining } from '../../renderer/src/lib/history-eta';
import type { JobDetail, NotificationView } from '../../electron/ipc/contract';
import { emptySnapshot, fakeApi } from './fake-api';
import { inWindow } from './window-context';
import { jobView, serverView } from './views';

const MIN = 60_000;
const history: NonNullable<JobDetail['history']> = {
  task: 'replication.run [2]',
  label: 'tank/data',
  runs: [
    { jobKey: 'a', jobId: 1, startedAt: 1_000, durationMs: 35 * MIN, outcome: 'SUCCESS', error: null },
    { jobKey: 'b', jobId: 2, startedAt: 2_000, durationMs: 2 * MIN, outcome: 'FAILED', error: '[EFAULT] <b>refused</b>' },
    { jobKey: 'c', jobId: 3, startedAt: 3_000, durationMs: 36 * MIN, outcome: 'SUCCESS', error: null },
  ],
  successRate: 2 / 3,
  usualMs: 35 * MIN,
};

describe('RunHistoryChart', () => {
  it('draws one bar per run, marks failures with a cross, and says what it shows', () => {
    const { container, getByTestId } = render(RunHistoryChart, { history, currentKey: 'c' });
    const svg = container.querySelector('svg')!;
    expect(svg).toHaveAttribute('role', 'img');
    expect(svg.getAttribute('aria-label')).toBe(
      'Durations of the last 3 runs, 1 failed (marked with a cross); usually 35 min. The same runs are listed in the table below.',
    );
    expect(container.querySelectorAll('rect.bar')).toHaveLength(3);
    expect(container.querySelectorAll('rect.bar.failed')).toHaveLength(1);
    expect(container.querySelectorAll('path.cross')).toHaveLength(1);
    expect(container.querySelector('rect.current')).not.toBeNull();
    expect(getByTestId('run-history-summary').textContent).toMatch(/3 runs · 67 % succeeded · usually takes 35 min/);
  });

  it('lists the same runs as a table, newest first, server text as text', () => {
    const { container } = render(RunHistoryChart, { history, currentKey: 'c' });
    const rows = [...container.querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelectorAll('td')[2]?.textContent?.trim())).toEqual([
      'succeeded',
      'failed: [EFAULT] <b>refused</b>',
      'succeeded',
    ]);
    expect(container.querySelector('tbody b')).toBeNull();
  });
});

describe('historyRemaining', () => {
  it('estimates from the usual duration only without a percent, and never below zero', () => {
    const job = jobView({ state: 'RUNNING', percent: null, timeStarted: 0, usualDurationMs: 35 * MIN });
    expect(historyRemaining(job, 10 * MIN)).toBe(25 * MIN);
    expect(historyRemaining({ ...job, percent: 40 }, 10 * MIN)).toBeNull();
    expect(historyRemaining(job, 40 * MIN)).toBeNull();
    expect(historyRemaining({ ...job, usualDurationMs: null }, 10 * MIN)).toBeNull();
  });
});

const note = (over: Partial<NotificationView>): NotificationView => ({
  id: 'n1',
  server: 'nas1',
  title: 'Replication failed on nas1',
  body: '[EFAULT] refused',
  urgency: 'critical',
  jobs: ['k1'],
  jobRefs: [{ server: 'nas1', jobId: 4, method: 'replication.run', timeStarted: 1_000 }],
  catchUp: false,
  suppressed: null,
  createdAt: 5_000,
  ...over,
});

describe('NotificationsView', () => {
  it('lists every planned notification with why it was or was not shown, and opens its jobs', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({
      ...emptySnapshot(),
      servers: [serverView()],
      notifications: [
        note({
          id: 'n3',
          title: 'tank/data is slower than usual on nas1',
          suppressed: 'quiet-hours',
          insights: ['slower-than-usual'],
          jobs: ['k3'],
        }),
        note({ id: 'n2', title: '3 jobs finished on nas1', suppressed: 'threshold', jobs: ['a', 'b', 'c'], jobRefs: undefined }),
        note({ id: 'n1' }),
      ],
    });
    const monitor = new MonitorState(api);
    await monitor.connect();
    const onopen = vi.fn();
    const { getAllByTestId, getByRole } = render(NotificationsView, inWindow({ api, monitor }, { now: 10_000, onopen }));
    const entries = getAllByTestId('notification-entry');
    expect(entries.map((e) => within(e).getByTestId('notification-reason').textContent)).toEqual([
      'Not shown: quiet hours',
      'Not shown: it ran shorter than the success threshold',
      'Shown',
    ]);
    expect(entries[0]!.textContent).toContain('insight: slower than usual');
    expect(entries[1]!.textContent).toContain('folds 3 jobs into one summary');
    await fireEvent.click(within(entries[2]!).getByRole('button', { name: 'Open replication.run #4' }));
    expect(onopen).toHaveBeenCalledWith('k1');

    await fireEvent.click(within(getByRole('group', { name: 'Show' })).getByRole('button', { name: 'Not shown' }));
    expect(getAllByTestId('notification-entry')).toHaveLength(2);
  });

  it('lists, per server, the scheduled runs it could not check and what keeps it from checking, calmly and bounded', async () => {
    const api = fakeApi();
    const gap = (i: number) => ({
      task: 'cloudsync.sync [3]',
      name: 'Photos to B2',
      dueAt: 1_000_000 + i * MIN,
      lastDueAt: 1_000_000 + i * MIN,
      count: 1,
      notWatchingFrom: 900_000,
      notWatchingTo: null,
      timezone: 'Europe/Berlin',
      message: `Could not check whether Cloud sync "Photos to B2" ran at run ${i}: Jobwatch was not watching the server then.`,
    });
    api.subscribe.mockResolvedValue({
      ...emptySnapshot(),
      servers: [
        serverView({
          schedules: {
            checkedTasks: 2,
            timezone: 'Europe/Berlin',
            notes: ['This account may not read the rsync tasks (rsynctask.query), so missed runs of them are not checked.'],
            couldNotCheck: Array.from({ length: 8 }, (_, i) => gap(i)),
          },
        }),
        serverView({ id: 'nas2', name: 'nas2', schedules: { checkedTasks: 1, timezone: 'UTC', notes: [], couldNotCheck: [] } }),
      ],
    });
    const monitor = new MonitorState(api);
    await monitor.connect();
    const { getByTestId, getAllByTestId, getByRole } = render(
      NotificationsView,
      inWindow({ api, monitor }, { now: 10_000, onopen: vi.fn() }),
    );
    const section = getByTestId('schedule-checks');
    expect(getByRole('heading', { name: 'Scheduled runs not checked' })).toBeTruthy();
    expect(section.textContent.replace(/\s+/g, ' ')).toContain('none of it is a failure of the server');
    // Only the server with something to say; the newest five gaps first, the rest counted.
    expect(
      within(section)
        .getAllByRole('heading', { level: 4 })
        .map((h) => h.textContent),
    ).toEqual(['nas1']);
    expect(getAllByTestId('schedule-gap').map((g) => g.textContent)).toEqual([7, 6, 5, 4, 3].map((i) => gap(i).message));
    expect(section.textContent).toContain('and 3 earlier');
    expect(getByTestId('schedule-note').textContent).toMatch(/may not read the rsync tasks/);
    // Not cards like the notifications: nothing in it is a notification entry.
    expect(within(section).queryAllByTestId('notification-entry')).toEqual([]);
  });

  it('shows no schedule section when every server checks all it can', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [serverView()] });
    const monitor = new MonitorState(api);
    await monitor.connect();
    const { queryByTestId } = render(NotificationsView, inWindow({ api, monitor }, { now: 10_000, onopen: vi.fn() }));
    expect(queryByTestId('schedule-checks')).toBeNull();
  });
});
