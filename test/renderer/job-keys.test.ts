// The window never takes a job key apart: which server a job is on comes from the fields the contract sends.
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import { jobKey } from '../../electron/core/model';
import type { FailureView, JobDetail, NotificationView } from '../../electron/ipc/contract';
import { emptySnapshot, fakeApi } from './fake-api';
import { jobView, serverView } from './views';

// A key in no particular format: the renderer must not care what it looks like.
const KEY = 'opaque-key-7';

const failure: FailureView = {
  key: KEY,
  server: 'nas1',
  jobId: 7,
  method: 'replication.run',
  description: 'Nightly replication',
  error: 'boom',
  timeFinished: 2_000,
  reportedAt: 2_000,
};

const notification = (overrides: Partial<NotificationView> = {}): NotificationView => ({
  id: 'n1',
  server: 'nas1',
  title: 'Failed',
  body: '',
  urgency: 'critical',
  jobs: [KEY],
  catchUp: false,
  suppressed: null,
  createdAt: 2_000,
  ...overrides,
});

const detail = (): JobDetail => ({
  ...jobView({ key: KEY, id: 7, method: 'replication.run', state: 'FAILED', timeFinished: 2_000 }),
  arguments: [],
  exception: null,
  excType: null,
  logsExcerpt: null,
  credentialsType: null,
  webUiUrl: null,
});

describe('the server of an open job', () => {
  it('comes from the failure when the job has left the list', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [serverView({ name: 'Main NAS' })], failures: [failure] });
    api.jobDetail.mockResolvedValue(detail());
    const view = render(App, { props: { api } });
    await waitFor(() => expect(api.subscribe).toHaveBeenCalled());
    await fireEvent.click(view.getByRole('button', { name: /^Failures/ }));
    await fireEvent.click(await view.findByRole('button', { name: 'Nightly replication' }));
    const detailView = await view.findByTestId('job-detail');
    await waitFor(() => expect(detailView.querySelector('dd')?.textContent).toBe('Main NAS'));
  });

  it('comes from the focus event (a notification click)', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [serverView({ name: 'Main NAS' })] });
    api.jobDetail.mockResolvedValue(detail());
    const view = render(App, { props: { api } });
    await waitFor(() => expect(api.subscribe).toHaveBeenCalled());
    api.emit('focusJob', { server: 'nas1', jobKey: KEY });
    const detailView = await view.findByTestId('job-detail');
    await waitFor(() => expect(detailView.querySelector('dd')?.textContent).toBe('Main NAS'));
  });
});

describe('MonitorState.serverOfJob', () => {
  it('reads the job, then a failure, then a notification job reference, else null', () => {
    const state = new MonitorState(fakeApi());
    state.applySnapshot({
      ...emptySnapshot(),
      jobs: [jobView({ key: 'listed', server: 'nas2' })],
      failures: [{ ...failure, key: 'failed', server: 'nas3' }],
      notifications: [
        notification({
          server: 'nas4',
          jobs: ['a', 'b'],
          jobRefs: [
            { server: 'nas4', jobId: 1, method: 'm', timeStarted: null },
            { server: 'nas5', jobId: 2, method: 'm', timeStarted: null },
          ],
        }),
        notification({ id: 'n2', server: 'nas6', jobs: ['older'] }),
      ],
    });
    expect(state.serverOfJob('listed')).toBe('nas2');
    expect(state.serverOfJob('failed')).toBe('nas3');
    expect(state.serverOfJob('b')).toBe('nas5');
    expect(state.serverOfJob('older')).toBe('nas6');
    // A well-formed key of a job the window was not told about: not taken apart to guess its server.
    expect(state.serverOfJob(jobKey('nas1', { id: 1, timeStarted: null, method: 'm' }))).toBeNull();
  });
});
