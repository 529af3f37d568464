import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import RebootSafetyPanel from '../../renderer/src/components/RebootSafetyPanel.svelte';
import type { RebootSafety } from '../../electron/ipc/contract';
import { fakeApi } from './fake-api';
import { inWindow } from './window-context';

describe('RebootSafetyPanel', () => {
  it('shows the running jobs per server and unknown servers, and asks to be told when it is safe', async () => {
    const api = fakeApi();
    const answer: RebootSafety = {
      safe: false,
      summary: 'Not safe: 1 job running on 1 server; BACKUP unknown (not connected)',
      servers: [
        { id: 'nas', name: 'NAS', status: 'running', detail: null, jobs: [{ key: 'k1', name: 'Replicate tank', percent: 42 }] },
        { id: 'backup', name: 'BACKUP', status: 'unknown', detail: 'Retrying in 8 s', jobs: [] },
      ],
    };
    api.rebootSafety.mockResolvedValue(answer);
    const view = render(RebootSafetyPanel, inWindow({ api }, {}));
    await waitFor(() => expect(view.getByTestId('reboot-safety-summary').textContent).toBe(answer.summary));
    expect(view.getByText('NAS: Replicate tank — 42%')).toBeTruthy();
    expect(view.getByText('BACKUP: unknown (Retrying in 8 s)')).toBeTruthy();
    // The core now says it is watching: the panel asks again after the request and says what it waits for.
    api.rebootSafety.mockResolvedValue({ ...answer, watching: true });
    await fireEvent.click(view.getByRole('button', { name: 'Tell me when it is safe' }));
    expect(api.watchAllServers).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(view.getByTestId('reboot-safety-message').textContent).toBe('Watching all servers.'));
    expect(view.getByTestId('reboot-safety-message')).toHaveAttribute('aria-live', 'polite');
    const watching = await waitFor(() => view.getByTestId('reboot-safety-watching'));
    const text = watching.textContent.replace(/\s+/g, ' ');
    expect(text).toContain('including jobs started since you asked');
    expect(text).toContain('Also waiting for BACKUP to be connected');
    expect(view.queryByRole('button', { name: 'Tell me when it is safe' })).toBeNull();
  });

  it('while watching with every server connected, names no server to wait for', async () => {
    const api = fakeApi();
    api.rebootSafety.mockResolvedValue({
      safe: false,
      summary: 'Not safe: 1 job running on 1 server',
      watching: true,
      servers: [{ id: 'nas', name: 'NAS', status: 'running', detail: null, jobs: [{ key: 'k1', name: 'Replicate tank', percent: 42 }] }],
    });
    const view = render(RebootSafetyPanel, inWindow({ api }, {}));
    const watching = await waitFor(() => view.getByTestId('reboot-safety-watching'));
    expect(watching.textContent).not.toContain('Also waiting');
  });

  it('says nothing is running and offers no button when it is safe', async () => {
    const api = fakeApi();
    const view = render(RebootSafetyPanel, inWindow({ api }, {}));
    await waitFor(() => expect(view.getByTestId('reboot-safety-summary').textContent).toBe('Nothing running on any server'));
    expect(view.queryByRole('button', { name: 'Tell me when it is safe' })).toBeNull();
  });
});
