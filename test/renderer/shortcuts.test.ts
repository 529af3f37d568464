import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import App from '../../renderer/src/App.svelte';
import { emptySnapshot, fakeApi } from './fake-api';
import { jobView, serverView } from './views';

async function renderApp(api = fakeApi()): Promise<ReturnType<typeof fakeApi>> {
  render(App, { props: { api } });
  await waitFor(() => expect(api.subscribe).toHaveBeenCalled());
  return api;
}

function currentView(): string {
  return screen.getByRole('navigation', { name: 'Views' }).querySelector('[aria-current="page"]')?.textContent?.trim() ?? '';
}

function helpOverlay(): HTMLDialogElement {
  return screen.getByTestId<HTMLDialogElement>('help-overlay');
}

describe('single-key shortcuts', () => {
  it.each([
    ['f', 'Failures'],
    ['n', 'Notifications'],
    ['s', 'Servers'],
    [',', 'Settings'],
  ])('%s shows %s, and j goes back to Jobs', async (key, label) => {
    await renderApp();
    expect(currentView()).toBe('Jobs');
    await fireEvent.keyDown(document.body, { key });
    expect(currentView()).toBe(label);
    await fireEvent.keyDown(document.body, { key: 'j' });
    expect(currentView()).toBe('Jobs');
  });

  it('does nothing while typing in an input, a textarea, a select or a contenteditable', async () => {
    await renderApp();
    const fields = [
      document.createElement('input'),
      document.createElement('textarea'),
      document.createElement('select'),
      Object.assign(document.createElement('div'), { contentEditable: 'true' }),
    ];
    for (const field of fields) {
      document.body.append(field);
      for (const key of ['f', 's', ',', 'n', '?']) await fireEvent.keyDown(field, { key });
      field.remove();
    }
    expect(currentView()).toBe('Jobs');
    expect(helpOverlay().open).toBe(false);
  });

  it('does nothing in the jobs search field', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), jobs: [jobView()], servers: [serverView()] });
    await renderApp(api);
    const search = await screen.findByRole('searchbox', { name: /Search jobs/ });
    await fireEvent.keyDown(search, { key: 's' });
    await fireEvent.keyDown(search, { key: '?' });
    expect(currentView()).toBe('Jobs');
    expect(helpOverlay().open).toBe(false);
  });

  it('does nothing with Ctrl, Meta or Alt held', async () => {
    await renderApp();
    await fireEvent.keyDown(document.body, { key: 'f', ctrlKey: true });
    await fireEvent.keyDown(document.body, { key: 's', metaKey: true });
    await fireEvent.keyDown(document.body, { key: ',', altKey: true });
    await fireEvent.keyDown(document.body, { key: '?', ctrlKey: true });
    expect(currentView()).toBe('Jobs');
    expect(helpOverlay().open).toBe(false);
  });

  it('does nothing while a menu is open', async () => {
    await renderApp();
    const pause = screen.getByRole('button', { name: 'Pause notifications' });
    await fireEvent.click(pause);
    expect(pause).toHaveAttribute('aria-expanded', 'true');
    await fireEvent.keyDown(document.body, { key: 'f' });
    expect(currentView()).toBe('Jobs');
  });

  it('keeps Escape hiding the window when no overlay is open', async () => {
    const api = await renderApp();
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(api.hideWindow).toHaveBeenCalledTimes(1);
  });
});

describe('the help overlay', () => {
  it('opens on ?, lists the keys, moves focus in; Escape closes it, returns focus and keeps the window', async () => {
    const api = await renderApp();
    const servers = screen.getByRole('button', { name: 'Servers' });
    servers.focus();
    expect(helpOverlay().open).toBe(false);

    await fireEvent.keyDown(servers, { key: '?', shiftKey: true });
    const dialog = helpOverlay();
    expect(dialog.open).toBe(true);
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    const heading = within(dialog).getByRole('heading', { name: 'Keyboard shortcuts' });
    expect(dialog.getAttribute('aria-labelledby')).toBe(heading.id);
    const keys = [...dialog.querySelectorAll('kbd')].map((k) => k.textContent);
    expect(keys).toEqual(['j', 'f', 'n', 's', ',', '?', 'Esc']);
    expect(within(dialog).getByText('Show failures')).toBeInTheDocument();
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));

    // Shortcuts stay quiet while the overlay is open.
    await fireEvent.keyDown(document.activeElement ?? dialog, { key: 'f' });
    expect(currentView()).toBe('Jobs');

    await fireEvent.keyDown(document.activeElement ?? dialog, { key: 'Escape' });
    expect(dialog.open).toBe(false);
    expect(api.hideWindow).not.toHaveBeenCalled();
    await waitFor(() => expect(document.activeElement).toBe(servers));
  });

  it('closes with its Close button', async () => {
    await renderApp();
    await fireEvent.keyDown(document.body, { key: '?' });
    await fireEvent.click(within(helpOverlay()).getByRole('button', { name: 'Close' }));
    expect(helpOverlay().open).toBe(false);
  });

  it('Escape over a job detail closes only the overlay', async () => {
    const api = fakeApi();
    const job = jobView();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), jobs: [job] });
    await renderApp(api);
    api.emit('focusJob', { server: job.server, jobKey: job.key });
    await waitFor(() => expect(screen.getByTestId('job-detail')).toBeInTheDocument());
    await fireEvent.keyDown(document.body, { key: '?' });
    await fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' });
    expect(helpOverlay().open).toBe(false);
    expect(screen.getByTestId('job-detail')).toBeInTheDocument();
    expect(api.hideWindow).not.toHaveBeenCalled();
  });
});
