/// <reference lib="dom" />
import { expect, expectNoAxeViolations, screenshot, test, useTheme, type JobwatchWindow } from './fixtures';

/** One server with something in every state the views show. */
async function populate(jobwatch: JobwatchWindow): Promise<void> {
  const sim = await jobwatch.simulator();
  sim.seedFinishedJob(
    { method: 'pool.scrub.scrub', arguments: ['tank'], description: "Scrub of pool 'tank'" },
    { startedAgoMs: 7_200_000, durationMs: 3_600_000 },
  );
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  const sync = sim.startJob({
    method: 'cloudsync.sync',
    arguments: [3],
    description: 'Sync photos to B2',
    abortable: true,
    logs: true,
    manual: true,
  });
  sim.startJob({ method: 'replication.run', arguments: [2], description: 'Replicate tank/data', manual: true });
  const failed = sim.startJob({ method: 'cloudsync.sync', arguments: [4], description: 'Sync documents to S3', logs: true, manual: true });
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().jobs.filter((j) => j.state === 'RUNNING').length).toBe(3);
  sim.progressJob(sync, 42, '1.4 GiB / 3.3 GiB, 42%, 41 MiB/s, ETA 47s');
  sim.finishJob(failed, 'FAILED', '[EFAULT] Failed to connect to remote host: Connection timed out.');
  await expect.poll(() => jobwatch.bridge.monitor.failures().length).toBe(1);
}

for (const theme of ['light', 'dark'] as const) {
  test.describe(`${theme} theme`, () => {
    test('first run (no server yet)', async ({ jobwatch }) => {
      await jobwatch.open();
      await useTheme(jobwatch.page, theme);
      await expect(jobwatch.page.getByRole('heading', { name: 'No server yet' })).toBeVisible();
      await screenshot(jobwatch.page, `${theme}-empty`);
      await expectNoAxeViolations(jobwatch.page, 'first run');
    });

    test('nothing running, and all servers offline', async ({ jobwatch }) => {
      const { page } = jobwatch;
      const sim = await jobwatch.simulator();
      await jobwatch.addServer(sim, 'nas1');
      await jobwatch.live('nas1');
      await jobwatch.open();
      await useTheme(page, theme);
      await expect(page.getByRole('heading', { name: 'Nothing running' })).toBeVisible();
      await screenshot(page, `${theme}-nothing-running`);
      await expectNoAxeViolations(page, 'nothing running');
      await sim.close();
      await expect(page.getByRole('heading', { name: 'All servers are offline' })).toBeVisible();
      await screenshot(page, `${theme}-all-offline`);
      await expectNoAxeViolations(page, 'all offline');
    });

    test('every view', async ({ jobwatch }) => {
      const { page } = jobwatch;
      await populate(jobwatch);
      await jobwatch.open();
      await useTheme(page, theme);

      await expect(page.getByTestId('job-row').filter({ hasText: 'Sync photos to B2' })).toContainText('42 %');
      await screenshot(page, `${theme}-jobs-active`);
      await expectNoAxeViolations(page, 'jobs (active)');

      await page.getByRole('radio', { name: /^All/ }).click();
      await expect(page.getByTestId('job-row').filter({ hasText: "Scrub of pool 'tank'" })).toBeVisible();
      await screenshot(page, `${theme}-jobs-all`);
      await expectNoAxeViolations(page, 'jobs (all)');

      await page.getByTestId('job-row').filter({ hasText: 'Sync documents to S3' }).click();
      await expect(page.getByTestId('job-error')).toBeVisible();
      await screenshot(page, `${theme}-detail-failed`);
      await expectNoAxeViolations(page, 'job detail (failed)');
      await page.keyboard.press('Escape');

      await page.getByTestId('job-row').filter({ hasText: 'Sync photos to B2' }).click();
      await page.getByRole('button', { name: 'Abort…' }).click();
      await expect(page.getByRole('dialog', { name: 'Abort this job?' })).toBeVisible();
      await screenshot(page, `${theme}-detail-abort-confirm`);
      await expectNoAxeViolations(page, 'abort confirmation');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: /^Failures/ }).click();
      await expect(page.getByTestId('failure')).toHaveCount(1);
      await screenshot(page, `${theme}-failures`);
      await expectNoAxeViolations(page, 'failures');

      await page.getByRole('button', { name: 'Servers', exact: true }).click();
      await expect(page.getByTestId('server-item')).toHaveCount(1);
      await screenshot(page, `${theme}-servers`);
      await expectNoAxeViolations(page, 'servers');

      await page.getByRole('button', { name: 'Add a server' }).click();
      await screenshot(page, `${theme}-server-form`);
      await expectNoAxeViolations(page, 'add server form');
      await page.keyboard.press('Escape');

      await page.getByRole('button', { name: 'Settings', exact: true }).click();
      await page.getByRole('button', { name: 'Add a rule' }).click();
      await screenshot(page, `${theme}-settings`);
      await page.getByRole('heading', { name: 'Settings' }).evaluate((h) => h.closest('form')?.scrollTo(0, 10_000));
      await screenshot(page, `${theme}-settings-bottom`);
      await expectNoAxeViolations(page, 'settings');

      await page.getByRole('button', { name: 'Pause' }).click();
      await expect(page.getByRole('button', { name: 'Pause for 1 hour' })).toBeFocused();
      await expectNoAxeViolations(page, 'pause menu');
      await jobwatch.checkHealth();
    });
  });
}

test('readable at 200 % zoom: no sideways scrolling, content reflows', async ({ jobwatch, browser }) => {
  await populate(jobwatch);
  // 200 % zoom of a 420×600 window is a 210×300 CSS-pixel viewport at twice the pixel density.
  const { page } = jobwatch;
  await page.setViewportSize({ width: 210, height: 300 });
  await jobwatch.open();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(await overflow()).toBeLessThanOrEqual(0);
  await screenshot(page, 'zoom200-jobs');
  await page.getByTestId('job-row').first().click();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await screenshot(page, 'zoom200-detail');
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await screenshot(page, 'zoom200-settings');
  void browser;
});

test('follows the OS theme when set to "system"', async ({ jobwatch }) => {
  const { page } = jobwatch;
  await page.emulateMedia({ colorScheme: 'dark' });
  await jobwatch.open();
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('system');
  const dark = await background();
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  expect(dark).not.toBe(light);
  expect(light).toBe('rgb(246, 247, 249)');
});

test('reduced motion stops the indeterminate progress animation', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  sim.startJob({ method: 'replication.run', description: 'Replicate tank/data', manual: true });
  await jobwatch.open();
  const bar = page.getByRole('progressbar', { name: /unknown/ });
  await expect(bar).toBeVisible();
  const duration = () => bar.evaluate((el) => parseFloat(getComputedStyle(el).animationDuration));
  expect(await duration()).toBeGreaterThan(1);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await duration()).toBeLessThan(0.01);
});
