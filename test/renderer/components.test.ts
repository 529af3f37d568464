import { fireEvent, render, waitFor, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import JobDetailView from '../../renderer/src/components/JobDetailView.svelte';
import JobList from '../../renderer/src/components/JobList.svelte';
import JobRow from '../../renderer/src/components/JobRow.svelte';
import ServerForm from '../../renderer/src/components/ServerForm.svelte';
import StateIcon from '../../renderer/src/components/StateIcon.svelte';
import { explainConnectionFailure } from '../../renderer/src/lib/connection-help';
import { diagnosticsText } from '../../renderer/src/lib/diagnostics';
import { JOB_STATES } from '../../electron/ipc/constants';
import type { JobDetail } from '../../electron/ipc/contract';
import { fakeApi } from './fake-api';
import { inWindow } from './window-context';
import { jobView } from './views';

const detailOf = (overrides: Partial<JobDetail> = {}): JobDetail => ({
  ...jobView(),
  arguments: [3, { credentials: '********' }],
  exception: null,
  excType: null,
  logsExcerpt: null,
  credentialsType: null,
  webUiUrl: 'https://nas1',
  ...overrides,
});

describe('StateIcon', () => {
  it('draws a different shape for every state, with its name', () => {
    const shapes = new Set<string>();
    for (const state of JOB_STATES) {
      const { container, unmount } = render(StateIcon, { state });
      const svg = container.querySelector('svg');
      expect(svg).toHaveAttribute('role', 'img');
      expect(svg?.getAttribute('aria-label')).toBeTruthy();
      shapes.add(svg?.innerHTML.replace(/class="[^"]*"/g, '') ?? '');
      unmount();
    }
    expect(shapes.size).toBe(JOB_STATES.length);
  });
});

describe('JobRow', () => {
  it('renders server text as text, never as HTML', () => {
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b>';
    const { container } = render(JobRow, {
      job: jobView({ description: hostile, progressText: hostile, state: 'RUNNING', percent: 5 }),
      serverName: 'nas1',
      now: 0,
      remaining: null,
    });
    expect(container.querySelector('img, b')).toBeNull();
    expect(container.textContent).toContain(hostile);
  });

  it('shows percent and time left while running, indeterminate without percent, error when failed', () => {
    const running = render(JobRow, {
      job: jobView({ percent: 42, progressText: 'Sending' }),
      serverName: 'nas1',
      now: 0,
      remaining: 90_000,
    });
    expect(running.getByRole('progressbar')).toHaveAttribute('value', '42');
    expect(running.getByText('42 %')).toBeInTheDocument();
    expect(running.getByText('1 min 30 s left')).toBeInTheDocument();
    running.unmount();

    const unknown = render(JobRow, { job: jobView({ percent: 0 }), serverName: 'nas1', now: 0, remaining: null });
    expect(unknown.getByRole('progressbar')).not.toHaveAttribute('value');
    unknown.unmount();

    const failed = render(JobRow, {
      job: jobView({ state: 'FAILED', error: '[EFAULT] boom', timeFinished: 2_000 }),
      serverName: 'nas1',
      now: 0,
      remaining: null,
    });
    expect(failed.queryByRole('progressbar')).toBeNull();
    expect(failed.getByText('[EFAULT] boom')).toBeInTheDocument();
  });
});

describe('JobList', () => {
  it('keeps only a window of rows in the DOM, whatever the number of jobs', () => {
    const jobs = Array.from({ length: 5000 }, (_, i) => jobView({ key: `k${i}`, id: i, description: `Job ${i}` }));
    const { getAllByRole, getByRole } = render(JobList, {
      jobs,
      now: 0,
      serverName: (id: string) => id,
      remaining: () => null,
      onopen: () => {},
    });
    const rendered = getAllByRole('option');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(50);
    expect(rendered[0]).toHaveAttribute('aria-setsize', '5000');
    expect(getByRole('listbox')).toHaveAccessibleName('Jobs');
  });

  it('opens the active job with Enter after moving with the arrows', async () => {
    const jobs = [jobView({ key: 'a', description: 'First' }), jobView({ key: 'b', description: 'Second' })];
    const opened: string[] = [];
    const { getByRole } = render(JobList, {
      jobs,
      now: 0,
      serverName: (id: string) => id,
      remaining: () => null,
      onopen: (key: string) => opened.push(key),
    });
    const list = getByRole('listbox');
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'ArrowDown' });
    await fireEvent.keyDown(list, { key: 'Enter' });
    expect(opened).toEqual(['b']);
  });
});

describe('JobDetailView', () => {
  it('offers Abort only for a running, abortable job', async () => {
    const api = fakeApi();
    api.jobDetail.mockResolvedValue(detailOf({ state: 'RUNNING', abortable: true }));
    const running = render(
      JobDetailView,
      inWindow(
        { api },
        { job: jobView({ abortable: true }), jobKey: jobView().key, serverName: 'nas1', unacknowledged: false, now: 0, onclose: () => {} },
      ),
    );
    await waitFor(() => expect(running.getByRole('button', { name: 'Abort…' })).toBeInTheDocument());
    running.unmount();

    api.jobDetail.mockResolvedValue(detailOf({ state: 'RUNNING', abortable: false }));
    const notAbortable = render(
      JobDetailView,
      inWindow({ api }, { job: jobView(), jobKey: jobView().key, serverName: 'nas1', unacknowledged: false, now: 0, onclose: () => {} }),
    );
    await waitFor(() => expect(notAbortable.getByRole('button', { name: 'Copy diagnostics' })).toBeEnabled());
    expect(notAbortable.queryByRole('button', { name: 'Abort…' })).toBeNull();
    notAbortable.unmount();

    api.jobDetail.mockResolvedValue(detailOf({ state: 'SUCCESS', abortable: true }));
    const done = render(
      JobDetailView,
      inWindow(
        { api },
        {
          job: jobView({ state: 'SUCCESS', abortable: true }),
          jobKey: jobView().key,
          serverName: 'nas1',
          unacknowledged: false,
          now: 0,
          onclose: () => {},
        },
      ),
    );
    await waitFor(() => expect(done.getByRole('button', { name: 'Copy diagnostics' })).toBeEnabled());
    expect(done.queryByRole('button', { name: 'Abort…' })).toBeNull();
    expect(done.queryByRole('button', { name: 'Notify me when it finishes' })).toBeNull();
  });

  it('shows the traceback collapsed and the arguments as sent', async () => {
    const api = fakeApi();
    api.jobDetail.mockResolvedValue(
      detailOf({
        state: 'FAILED',
        error: '[EFAULT] boom',
        exception: 'Traceback (most recent call last):\n  File "x"',
        excType: 'CallError',
      }),
    );
    const view = render(
      JobDetailView,
      inWindow(
        { api },
        {
          job: jobView({ state: 'FAILED', error: '[EFAULT] boom' }),
          jobKey: jobView().key,
          serverName: 'nas1',
          unacknowledged: true,
          now: 0,
          onclose: () => {},
        },
      ),
    );
    await waitFor(() => expect(view.getByText('Traceback (CallError)')).toBeInTheDocument());
    expect(view.container.querySelector('details')).not.toHaveAttribute('open');
    expect(view.container.textContent).toContain('"credentials": "********"');
    await fireEvent.click(view.getByRole('button', { name: 'Acknowledge' }));
    expect(api.acknowledge).toHaveBeenCalledWith({ key: jobView().key });
  });
});

describe('ServerForm', () => {
  async function fill(container: HTMLElement, url: string): Promise<void> {
    const view = within(container);
    await fireEvent.input(view.getByRole('textbox', { name: 'Name' }), { target: { value: 'nas1' } });
    await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: url } });
    await fireEvent.input(view.getByLabelText(/^API key/, { selector: 'input[type="password"]' }), { target: { value: '1-secret' } });
  }

  it('explains ws:// with an API key and offers wss:// instead', async () => {
    const api = fakeApi();
    api.testConnection.mockResolvedValue({
      ok: false,
      code: 'INSECURE_TRANSPORT',
      message: 'Jobwatch will not send the API key over ws://.',
    });
    const view = render(ServerForm, inWindow({ api }, { profile: null, onsaved: () => {}, oncancel: () => {} }));
    await fill(view.container, 'ws://nas.lan/api/current');
    await fireEvent.click(view.getByRole('button', { name: 'Test and add' }));
    await waitFor(() => expect(view.getByRole('heading', { name: 'An API key cannot be sent over ws://' })).toBeInTheDocument());
    expect(view.getByText(/TrueNAS revokes an API key/)).toBeInTheDocument();
    expect(api.addServer).not.toHaveBeenCalled();
    await fireEvent.click(view.getByRole('button', { name: 'Use wss://nas.lan/api/current' }));
    expect(view.getByRole('textbox', { name: 'Address' })).toHaveValue('wss://nas.lan/api/current');
  });

  it('refuses a changed certificate and offers no way to trust it', async () => {
    const api = fakeApi();
    api.testConnection.mockResolvedValue({
      ok: false,
      code: 'CERT_CHANGED',
      message: 'The certificate changed.',
      certificate: {
        fingerprint256: 'AA:BB',
        subject: 'CN=nas',
        issuer: 'CN=nas',
        validFrom: '2026-01-01',
        validTo: '2027-01-01',
        selfSigned: true,
        trustedBySystem: false,
      },
    });
    const view = render(ServerForm, inWindow({ api }, { profile: null, onsaved: () => {}, oncancel: () => {} }));
    await fill(view.container, 'nas.lan');
    await fireEvent.click(view.getByRole('button', { name: 'Test and add' }));
    await waitFor(() => expect(view.getByRole('heading', { name: 'The certificate has changed' })).toBeInTheDocument());
    expect(view.getByTestId('certificate-fingerprint')).toHaveTextContent('AA:BB');
    expect(view.queryByRole('button', { name: /Trust/ })).toBeNull();
  });

  it('editing: the saved secret is kept only while address, method and user stay; a change needs it again and a test', async () => {
    const api = fakeApi();
    api.testConnection.mockResolvedValue({ ok: true, flavor: 'jsonrpc', endpoint: 'wss://evil.example/api/current', jobs: 0 });
    const profile = {
      id: 'nas1',
      name: 'nas1',
      url: 'nas.lan',
      auth: { method: 'api-key' as const, username: 'monitor' },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
    };
    const view = render(ServerForm, inWindow({ api }, { profile, onsaved: () => {}, oncancel: () => {} }));
    const save = () => view.getByRole('button', { name: 'Test and save' });
    expect(view.getByText(/leave empty to keep the saved one/)).toBeInTheDocument();
    expect(save()).not.toBeDisabled();
    await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: 'evil.example' } });
    expect(view.getByText(/needed again: the address, sign-in method, user or unencrypted-password choice changed/)).toBeInTheDocument();
    expect(save()).toBeDisabled();
    await fireEvent.click(view.getByLabelText('Password'));
    await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: 'nas.lan' } });
    expect(save()).toBeDisabled();
    await fireEvent.input(view.getByLabelText(/^Password/, { selector: 'input[type="password"]' }), { target: { value: 'pw' } });
    await fireEvent.click(save());
    await waitFor(() => expect(api.updateServer).toHaveBeenCalled());
    expect(api.testConnection).toHaveBeenCalledTimes(1);
    expect(api.updateServer).toHaveBeenCalledWith(expect.objectContaining({ secret: 'pw' }));
  });

  it('adds the server only after the test passed, with the secret going in', async () => {
    const api = fakeApi();
    api.testConnection.mockResolvedValue({ ok: true, flavor: 'jsonrpc', endpoint: 'wss://nas.lan/api/current', jobs: 3 });
    const saved: string[] = [];
    const view = render(ServerForm, inWindow({ api }, { profile: null, onsaved: (m: string) => saved.push(m), oncancel: () => {} }));
    await fill(view.container, 'nas.lan');
    await fireEvent.click(view.getByRole('button', { name: 'Test and add' }));
    await waitFor(() => expect(saved).toEqual(['nas1 added: connected, 3 jobs on the server.']));
    expect(api.addServer).toHaveBeenCalledWith({
      draft: {
        name: 'nas1',
        url: 'nas.lan',
        auth: { method: 'api-key', username: '', allowInsecurePassword: false },
        fingerprint256: null,
      },
      secret: '1-secret',
    });
  });

  async function fillPassword(container: HTMLElement, url: string): Promise<void> {
    const view = within(container);
    await fireEvent.input(view.getByRole('textbox', { name: 'Name' }), { target: { value: 'nas1' } });
    await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: url } });
    await fireEvent.click(view.getByLabelText('Password'));
    await fireEvent.input(view.getByRole('textbox', { name: /^User name/ }), { target: { value: 'admin' } });
    await fireEvent.input(view.getByLabelText(/^Password/, { selector: 'input[type="password"]' }), { target: { value: 'pw' } });
  }

  it('a password over ws:// to another computer: a plain warning, and a choice that is off until ticked', async () => {
    const api = fakeApi();
    api.testConnection.mockResolvedValueOnce({
      ok: false,
      code: 'INSECURE_TRANSPORT',
      message: 'Jobwatch will not send the password of "admin" over ws://.',
    });
    api.testConnection.mockResolvedValueOnce({ ok: true, flavor: 'jsonrpc', endpoint: 'ws://192.168.1.5/api/current', jobs: 1 });
    const view = render(ServerForm, inWindow({ api }, { profile: null, onsaved: () => {}, oncancel: () => {} }));
    await fillPassword(view.container, 'ws://192.168.1.5');
    expect(view.getByTestId('insecure-password')).toHaveTextContent(
      /anyone on the network between this computer and the server can read the password/,
    );
    const allow = view.getByRole('checkbox', { name: /Send the password unencrypted/ });
    expect(allow).not.toBeChecked();
    await fireEvent.click(view.getByRole('button', { name: 'Test and add' }));
    await waitFor(() => expect(view.getByRole('heading', { name: 'The password would be readable on the network' })).toBeInTheDocument());
    expect(api.testConnection).toHaveBeenLastCalledWith(
      expect.objectContaining({
        draft: expect.objectContaining({ auth: { method: 'password', username: 'admin', allowInsecurePassword: false } }),
      }),
    );
    expect(view.getByRole('button', { name: 'Use wss://192.168.1.5' })).toBeInTheDocument();
    await fireEvent.click(allow);
    await fireEvent.click(view.getByRole('button', { name: 'Test and add' }));
    await waitFor(() => expect(api.addServer).toHaveBeenCalled());
    expect(api.addServer).toHaveBeenCalledWith(
      expect.objectContaining({
        draft: expect.objectContaining({ auth: { method: 'password', username: 'admin', allowInsecurePassword: true } }),
      }),
    );
  });

  it('offers no unencrypted-password choice for wss://, this computer, or an API key', async () => {
    const api = fakeApi();
    const view = render(ServerForm, inWindow({ api }, { profile: null, onsaved: () => {}, oncancel: () => {} }));
    await fillPassword(view.container, 'ws://192.168.1.5');
    expect(view.queryByTestId('insecure-password')).not.toBeNull();
    for (const url of ['wss://192.168.1.5', 'nas.lan', 'https://nas.lan', 'ws://127.0.0.1:6000', 'ws://localhost', 'ws://[::1]:6000']) {
      await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: url } });
      expect(view.queryByTestId('insecure-password'), url).toBeNull();
    }
    await fireEvent.input(view.getByRole('textbox', { name: 'Address' }), { target: { value: 'http://nas.localhost' } });
    expect(view.queryByTestId('insecure-password')).not.toBeNull();
    await fireEvent.click(view.getByLabelText('API key'));
    expect(view.queryByTestId('insecure-password')).toBeNull();
  });

  it('editing: changing the unencrypted-password choice needs the password again', async () => {
    const api = fakeApi();
    const profile = {
      id: 'nas1',
      name: 'nas1',
      url: 'ws://192.168.1.5',
      auth: { method: 'password' as const, username: 'admin', allowInsecurePassword: true },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
    };
    const view = render(ServerForm, inWindow({ api }, { profile, onsaved: () => {}, oncancel: () => {} }));
    const allow = view.getByRole('checkbox', { name: /Send the password unencrypted/ });
    expect(allow).toBeChecked();
    expect(view.getByText(/leave empty to keep the saved one/)).toBeInTheDocument();
    await fireEvent.click(allow);
    expect(view.getByText(/needed again/)).toBeInTheDocument();
    expect(view.getByRole('button', { name: 'Test and save' })).toBeDisabled();
    await fireEvent.click(allow);
    expect(view.getByRole('button', { name: 'Test and save' })).not.toBeDisabled();
  });
});

describe('words for people', () => {
  it('explains every connection failure the core reports, with a next step', () => {
    for (const code of [
      'UNREACHABLE',
      'TIMEOUT',
      'ENDPOINT_NOT_FOUND',
      'ACCESS_RESTRICTED',
      'CERT_UNTRUSTED',
      'CERT_CHANGED',
      'INSECURE_TRANSPORT',
      'AUTH_FAILED',
      'AUTH_EXPIRED',
      'AUTH_DENIED',
      'OTP_REQUIRED',
      'RATE_LIMITED',
      'AUTH_REDIRECT',
    ]) {
      const help = explainConnectionFailure(code, 'ws://nas');
      expect(help.title, code).not.toBe('The connection failed');
      expect(help.explanation.length, code).toBeGreaterThan(40);
    }
    expect(explainConnectionFailure('CERT_UNTRUSTED', 'x').next).toBe('trust-certificate');
    expect(explainConnectionFailure('CERT_CHANGED', 'x').next).toBe('none');
    expect(explainConnectionFailure('OTP_REQUIRED', 'x').next).toBe('enter-otp');
    expect(explainConnectionFailure('INSECURE_TRANSPORT', 'ws://nas').explanation).toMatch(/tunnel or TLS proxy/);
    const password = explainConnectionFailure('INSECURE_TRANSPORT', 'ws://nas', 'password');
    expect(password.explanation).toMatch(/anyone on the network/);
    expect(password.explanation).not.toMatch(/API key/);
    expect(password.next).toBe('use-wss');
  });

  it('diagnostics are plain text with everything a helper needs', () => {
    const text = diagnosticsText(
      detailOf({
        state: 'FAILED',
        error: '[EFAULT] boom',
        exception: 'Traceback…',
        logsExcerpt: 'line 1',
        startedBy: 'alice',
        credentialsType: 'API_KEY',
      }),
      'nas1',
      0,
      'en-GB',
    );
    expect(text).toContain('Job 1 on nas1: cloudsync.sync');
    expect(text).toContain('State: Failed');
    expect(text).toContain('Error: [EFAULT] boom');
    expect(text).toContain('Started by: alice (API_KEY)');
    expect(text).toContain('Traceback:\nTraceback…');
    expect(text).toContain('Log excerpt:\nline 1');
  });
});
