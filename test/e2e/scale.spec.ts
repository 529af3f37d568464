/// <reference lib="dom" />
import { expect, test } from './fixtures';

test('5 servers × 1000 jobs: the list stays windowed and responsive', async ({ jobwatch }) => {
  test.setTimeout(120_000);
  const { page } = jobwatch;
  const PER_SERVER = 1000;
  for (let s = 1; s <= 5; s++) {
    const sim = await jobwatch.simulator({ maxJobs: PER_SERVER });
    for (let i = 0; i < PER_SERVER - 2; i++) {
      sim.seedFinishedJob(
        {
          method: i % 3 === 0 ? 'replication.run' : 'pool.snapshottask.run',
          description: `Job ${i} on server ${s}`,
          outcome: i % 50 === 0 ? 'FAILED' : 'SUCCESS',
          error: 'boom',
        },
        { startedAgoMs: 10_000_000 - i * 5_000, durationMs: 1_000 },
      );
    }
    for (let r = 0; r < 2; r++) sim.startJob({ method: 'cloudsync.sync', description: `Running ${r} on server ${s}`, manual: true });
    await jobwatch.addServer(sim, `nas${s}`);
  }
  for (let s = 1; s <= 5; s++) await jobwatch.live(`nas${s}`);
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().jobs.length).toBe(5 * PER_SERVER);
  await jobwatch.open();

  await page.getByRole('radio', { name: /^All/ }).click();
  await expect(page.getByRole('radio', { name: /^All/ })).toContainText(String(5 * PER_SERVER));
  const list = page.getByRole('listbox', { name: 'All jobs' });
  const rows = list.getByRole('option');
  const bounded = async () => {
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    // A 600 px window shows ~7 rows; with overscan a windowed list stays far below the 5000 jobs.
    expect(count).toBeLessThan(40);
  };
  await bounded();
  await expect(rows.first()).toHaveAttribute('aria-setsize', String(5 * PER_SERVER));

  // Keyboard to the very end: the last job is rendered, still with a bounded DOM.
  await list.focus();
  await page.keyboard.press('End');
  await expect(list.locator('[aria-posinset="5000"]')).toBeVisible();
  await bounded();
  await page.keyboard.press('Home');
  await expect(list.locator('[aria-posinset="1"]')).toBeVisible();

  // Scrolling by wheel renders the rows in view.
  await list.hover();
  for (let i = 0; i < 10; i++) await page.mouse.wheel(0, 2_000);
  await expect(list.locator('[aria-posinset="1"]')).toHaveCount(0);
  await bounded();

  // Search and filters still answer with 5000 jobs behind them.
  await page.getByRole('searchbox', { name: /Search jobs/ }).fill('Job 997 on server 4');
  await expect(rows).toHaveCount(1);
  await rows.first().click();
  await expect(page.getByTestId('job-detail').getByRole('heading', { name: 'Job 997 on server 4' })).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('searchbox', { name: /Search jobs/ }).fill('');
  await page.getByRole('radio', { name: /^Failed/ }).click();
  await expect(page.getByRole('radio', { name: /^Failed/ })).toContainText(String(5 * 20));
  await page.getByRole('radio', { name: /^Active/ }).click();
  await expect(page.getByRole('listbox', { name: 'Active jobs' }).getByRole('option')).toHaveCount(10);
  await jobwatch.checkHealth();
});
