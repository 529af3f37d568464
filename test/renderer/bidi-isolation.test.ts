/**
 * Server text is bidi-isolated in the window: a right-to-left override or RTL characters in a job's method,
 * description, error or a server's name must not reorder the app's own words around it.
 */
import { render, waitFor } from '@testing-library/svelte';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import JobDetailView from '../../renderer/src/components/JobDetailView.svelte';
import JobRow from '../../renderer/src/components/JobRow.svelte';
import ServerChip from '../../renderer/src/components/ServerChip.svelte';
import type { JobDetail } from '../../electron/ipc/contract';
import { fakeApi } from './fake-api';
import { inWindow } from './window-context';
import { jobView, serverView } from './views';

const RLO = '\u202E';
const hostile = {
  method: `pool.scrub${RLO}exe.gnp`,
  description: `Backup ${RLO}txt.exe`,
  error: `[EFAULT] ${RLO}lanigiro`,
  server: `nas${RLO}1`,
};

/** The app stylesheet, loaded into the test document, so computed styles come from the real rules. */
function loadAppCss(): void {
  const style = document.createElement('style');
  style.textContent = readFileSync(join(process.cwd(), 'renderer', 'src', 'app.css'), 'utf8');
  document.head.append(style);
}

function expectIsolated(container: HTMLElement, text: string): void {
  const holders = [...container.querySelectorAll<HTMLElement>('*')].filter((el) =>
    [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').includes(text)),
  );
  expect(holders.length, `an element showing ${JSON.stringify(text)}`).toBeGreaterThan(0);
  for (const el of holders) expect(getComputedStyle(el).unicodeBidi, el.outerHTML).toBe('isolate');
}

describe('bidi isolation of server text', () => {
  loadAppCss();

  it('isolates the method, description, error and server name in a job row', () => {
    const failed = jobView({ state: 'FAILED', method: hostile.method, error: hostile.error, timeFinished: 2_000 });
    const row = render(JobRow, { job: failed, serverName: hostile.server, now: 0, remaining: null });
    expectIsolated(row.container, hostile.method);
    expectIsolated(row.container, hostile.error);
    expectIsolated(row.container, hostile.server);
    row.unmount();

    const described = render(JobRow, { job: jobView({ description: hostile.description }), serverName: 'nas1', now: 0, remaining: null });
    expectIsolated(described.container, hostile.description);
  });

  it('isolates them in the job detail', async () => {
    const job = jobView({
      state: 'FAILED',
      method: hostile.method,
      description: hostile.description,
      error: hostile.error,
      timeFinished: 2_000,
    });
    const api = fakeApi();
    const detail: JobDetail = {
      ...job,
      arguments: [],
      exception: null,
      excType: null,
      logsExcerpt: null,
      credentialsType: null,
      webUiUrl: null,
    };
    api.jobDetail.mockResolvedValue(detail);
    const view = render(
      JobDetailView,
      inWindow({ api }, { job, jobKey: job.key, serverName: hostile.server, unacknowledged: false, now: 0, onclose: () => {} }),
    );
    await waitFor(() => expect(view.getByTestId('job-error')).toBeInTheDocument());
    for (const text of [hostile.method, hostile.description, hostile.error, hostile.server]) expectIsolated(view.container, text);
  });

  it('isolates a server name on its chip', () => {
    const chip = render(ServerChip, { server: serverView({ name: hostile.server }), selected: false, now: 0, onselect: () => {} });
    expectIsolated(chip.container, hostile.server);
  });
});
