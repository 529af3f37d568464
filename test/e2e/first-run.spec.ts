/// <reference lib="dom" />
import { expect, screenshot, test } from './fixtures';

test('first run: no server yet → start the demo server → jobs appear and progress', async ({ jobwatch }) => {
  const { page } = jobwatch;
  await jobwatch.open();
  await expect(page.getByRole('heading', { name: 'No server yet' })).toBeVisible();
  await screenshot(page, 'empty-first-run');

  await page.getByRole('button', { name: 'Start the demo server' }).click();
  const chip = page.getByTestId('server-chip').filter({ hasText: 'Demo server' });
  await expect(chip).toContainText('Live');

  // The demo starts with running work; the Active tab lists it.
  const rows = page.getByTestId('job-row');
  await expect(rows.first()).toBeVisible();
  const progress = page.getByRole('progressbar').first();
  await expect(progress).toBeVisible();

  // Progress moves: some running job's percent changes while we watch (no timing asserted, only the change).
  const percents = async () =>
    await page.getByRole('progressbar').evaluateAll((bars) => bars.map((b) => (b as HTMLProgressElement).value).join(','));
  const before = await percents();
  await expect.poll(percents, { timeout: 30_000 }).not.toBe(before);
  await screenshot(page, 'jobs-demo-active');

  // History is there too.
  await page.getByRole('radio', { name: /^All/ }).click();
  await expect(rows.filter({ hasText: "Scrub of pool 'tank'" }).first()).toBeVisible();
  await jobwatch.checkHealth();
});
