/// <reference lib="dom" />
import { expect, screenshot, test } from './fixtures';

test('a job fails → the failure appears with its error, the count rises, acknowledge clears it', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  const count = page.getByTestId('failure-count');
  await expect(count).toHaveAccessibleName('0 unacknowledged failures');

  const id = sim.startJob({
    method: 'replication.run',
    arguments: [7],
    description: 'Replicate tank/data to backup',
    logs: true,
    manual: true,
  });
  const row = page.getByTestId('job-row').filter({ hasText: 'Replicate tank/data to backup' });
  await expect(row).toBeVisible();
  sim.finishJob(id, 'FAILED', '[EFAULT] Failed to connect to remote host.');

  await expect(count).toHaveAccessibleName('1 unacknowledged failure');
  // Screen readers are told, without looking for the count.
  await expect(page.getByTestId('failure-announcement')).toHaveText('Failed: Replicate tank/data to backup on nas1. 1 unacknowledged.');
  // The Failed tab is one arrow key away from the Active tab (radio group keys).
  await page.getByRole('radio', { name: /^Active/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /^Failed/ })).toBeFocused();
  await expect(page.getByRole('radio', { name: /^Failed/ })).toHaveAttribute('aria-checked', 'true');
  await expect(row).toContainText('[EFAULT] Failed to connect to remote host.');
  await expect(row.getByRole('img', { name: 'Failed' })).toBeVisible();

  await count.click();
  const failure = page.getByTestId('failure').filter({ hasText: 'Replicate tank/data to backup' });
  await expect(failure).toContainText('[EFAULT] Failed to connect to remote host.');
  await expect(failure).toContainText('nas1');
  await screenshot(page, 'failures-one');

  // The detail shows the error and offers Acknowledge.
  await failure.getByRole('button', { name: 'Replicate tank/data to backup', exact: true }).click();
  const detail = page.getByTestId('job-detail');
  await expect(detail.getByTestId('job-error')).toHaveText('[EFAULT] Failed to connect to remote host.');
  await expect(detail.getByTestId('job-state')).toContainText('Failed');
  await expect(detail.getByRole('button', { name: /^Abort/ })).toHaveCount(0);
  await detail.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(count).toHaveAccessibleName('0 unacknowledged failures');
  await expect.poll(() => jobwatch.bridge.monitor.failures().length).toBe(0);
  await jobwatch.checkHealth();
});

test('acknowledge all clears every failure', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  for (const n of [1, 2, 3])
    sim.startJob({
      method: 'cloudsync.sync',
      arguments: [n],
      description: `Cloud sync ${n}`,
      outcome: 'FAILED',
      error: `[EFAULT] sync ${n} failed`,
      durationMs: 10,
    });
  await expect(page.getByTestId('failure-count')).toHaveAccessibleName('3 unacknowledged failures');
  await page.getByRole('button', { name: /^Failures/ }).click();
  await expect(page.getByTestId('failure')).toHaveCount(3);
  // Newest first.
  await expect(page.getByTestId('failure').first()).toContainText(/Cloud sync \d/);
  await page.getByRole('button', { name: 'Acknowledge all' }).click();
  await expect(page.getByRole('heading', { name: 'No unacknowledged failures' })).toBeVisible();
  await expect(page.getByTestId('failure-count')).toHaveAccessibleName('0 unacknowledged failures');
  await jobwatch.checkHealth();
});

test('abort a running job → confirmation names it → it ends ABORTED', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  const id = sim.startJob({
    method: 'cloudsync.sync',
    arguments: [3],
    description: 'Sync photos to B2',
    abortable: true,
    logs: true,
    manual: true,
  });
  const row = page.getByTestId('job-row').filter({ hasText: 'Sync photos to B2' });
  await expect(row).toBeVisible();
  expect(sim.progressJob(id, 42, '1.4 GiB / 3.3 GiB, 42%')).toBe(true);
  await expect(row).toContainText('42 %');
  await expect(row).toContainText('1.4 GiB / 3.3 GiB, 42%');
  await row.click();

  const detail = page.getByTestId('job-detail');
  await expect(detail.getByRole('heading', { name: 'Sync photos to B2' })).toBeFocused();
  await screenshot(page, 'detail-running');
  await detail.getByRole('button', { name: 'Abort…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Abort this job?' });
  await expect(dialog).toContainText('Sync photos to B2');
  await expect(dialog).toContainText('nas1');
  // Escape closes the dialog without aborting.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(sim.job(id)?.state).toBe('RUNNING');

  await detail.getByRole('button', { name: 'Abort…' }).click();
  await dialog.getByRole('button', { name: 'Abort job' }).click();
  await expect(detail.getByTestId('job-state')).toContainText('Aborted');
  expect(sim.job(id)?.state).toBe('ABORTED');
  await expect(detail.getByRole('button', { name: 'Abort…' })).toHaveCount(0);

  // Escape goes back to the list, where the row now shows the aborted state.
  await page.keyboard.press('Escape');
  await page.getByRole('radio', { name: /^All/ }).click();
  await expect(row.getByRole('img', { name: 'Aborted' })).toBeVisible();
  await jobwatch.checkHealth();
});

test('job detail actions: download the log, copy diagnostics, open in the web UI, notify when it finishes', async ({
  jobwatch,
  context,
}) => {
  const { page } = jobwatch;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  const id = sim.startJob({
    method: 'cloudsync.sync',
    arguments: [3, { credentials: '********' }],
    description: 'Sync photos to B2',
    abortable: true,
    logs: true,
    manual: true,
    startedBy: { username: 'alice', type: 'LOGIN_PASSWORD', detach: 'never' },
  });
  sim.progressJob(id, 10, 'Starting');
  await page.getByTestId('job-row').filter({ hasText: 'Sync photos to B2' }).click();
  const detail = page.getByTestId('job-detail');
  await expect(detail).toContainText('alice');
  await expect(detail).toContainText('********');

  await detail.getByRole('button', { name: 'Notify me when it finishes' }).click();
  await expect(detail.getByRole('button', { name: 'Will notify when it finishes' })).toBeDisabled();
  expect(jobwatch.bridge.calls.some((c) => c.name === 'watchJob')).toBe(true);

  await detail.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(detail.getByRole('status')).toHaveText('Diagnostics copied to the clipboard.');
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain('Method: cloudsync.sync');
  expect(copied).toContain('Started by: alice');

  await detail.getByRole('button', { name: 'Open in web UI' }).click();
  await expect.poll(() => jobwatch.bridge.openedUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+/)]);

  await detail.getByRole('button', { name: 'Download log' }).click();
  await expect(detail.getByRole('status')).toContainText('Log saved to');
  jobwatch.bridge.saveDialog = 'cancel';
  await detail.getByRole('button', { name: 'Download log' }).click();
  await expect(detail.getByRole('status')).toHaveText('Download cancelled.');
  await jobwatch.checkHealth();
});

test('search, server filter and transient jobs', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const one = await jobwatch.simulator();
  const two = await jobwatch.simulator();
  await jobwatch.addServer(one, 'alpha');
  await jobwatch.addServer(two, 'beta');
  await jobwatch.live('alpha');
  await jobwatch.live('beta');
  await jobwatch.open();
  one.startJob({ method: 'pool.scrub.scrub', description: "Scrub of pool 'tank'", manual: true });
  two.startJob({ method: 'cloudsync.sync', description: 'Sync photos', manual: true });
  two.startJob({ method: 'alert.process_alerts', transient: true, manual: true });
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(2);

  await page.getByRole('searchbox', { name: /Search jobs/ }).fill('scrub');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("Scrub of pool 'tank'");
  await page.getByRole('searchbox', { name: /Search jobs/ }).fill('');

  await page.getByRole('combobox', { name: 'Server' }).selectOption({ label: 'beta' });
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('Sync photos');

  await page.getByRole('checkbox', { name: 'Transient' }).check();
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'alert.process_alerts' })).toBeVisible();

  // A server chip filters too, and pressing it again clears the filter.
  await page.getByTestId('server-chip').filter({ hasText: 'alpha' }).click();
  await expect(rows).toHaveCount(1);
  await page.getByTestId('server-chip').filter({ hasText: 'alpha' }).click();
  await expect(rows).toHaveCount(3);
  await jobwatch.checkHealth();
});

test('keyboard: Tab reaches the list, arrows move, Enter opens, Escape returns', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  for (const n of [1, 2, 3]) sim.startJob({ method: 'cloudsync.sync', description: `Sync ${n}`, manual: true });
  const list = page.getByRole('listbox', { name: 'Active jobs' });
  await expect(list.getByRole('option')).toHaveCount(3);
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const active = await list.getAttribute('aria-activedescendant');
  expect(active).toBeTruthy();
  const title = await page.locator(`#${active}`).locator('.title').textContent();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-detail').getByRole('heading', { level: 2 })).toHaveText(title ?? 'missing');
  await page.keyboard.press('Escape');
  await expect(list).toBeVisible();
});

test('time left appears once the progress rate means something', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  // The page's clock stands still unless the test moves it: no real waiting, and exact arithmetic.
  await page.clock.install();
  await jobwatch.open();
  await page.clock.pauseAt(Date.now() + 60_000);
  const id = sim.startJob({ method: 'cloudsync.sync', description: 'Sync photos', manual: true });
  const row = page.getByTestId('job-row').filter({ hasText: 'Sync photos' });
  await expect(row).toBeVisible();
  sim.progressJob(id, 10, 'Sending');
  await expect(row).toContainText('10 %');
  await page.clock.fastForward(5_000);
  sim.progressJob(id, 12, 'Sending');
  await expect(row).toContainText('12 %');
  // Five seconds of observation is too little to extrapolate from.
  await expect(row).not.toContainText('left');
  await page.clock.fastForward(15_000);
  sim.progressJob(id, 30, 'Sending');
  await expect(row).toContainText('30 %');
  // Seen from 0 % (when it appeared) to 30 % in 20 s: 70 % to go at 1.5 % a second is 46.7 s.
  await expect(row).toContainText('46 s left');
});
