import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';
import { emptySnapshot, fakeApi } from './fake-api';
import { jobView } from './views';

describe('Escape in the window', () => {
  it('hides the window to the tray from a list view', async () => {
    const api = fakeApi();
    render(App, { props: { api } });
    await waitFor(() => expect(api.subscribe).toHaveBeenCalled());
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.hideWindow).toHaveBeenCalledTimes(1);
    await fireEvent.keyDown(window, { key: 'Enter' });
    expect(api.hideWindow).toHaveBeenCalledTimes(1);
  });

  it('closes an open job detail first instead of hiding the window', async () => {
    const api = fakeApi();
    const job = jobView();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), jobs: [job] });
    render(App, { props: { api } });
    await waitFor(() => expect(api.subscribe).toHaveBeenCalled());
    api.emit('focusJob', { server: job.server, jobKey: job.key });
    await waitFor(() => expect(document.querySelector('[data-testid="job-detail"], .detail, article')).not.toBeNull());
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.hideWindow).not.toHaveBeenCalled();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.hideWindow).toHaveBeenCalledTimes(1);
  });
});
