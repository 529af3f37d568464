/// <reference lib="dom" />
import { expect, test } from './fixtures';

test('a server restart: the list recovers without duplicates', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator({ restartDowntimeMs: 500 });
  sim.seedFinishedJob({ method: 'pool.snapshottask.run', description: 'Snapshot tank/home' }, { startedAgoMs: 600_000, durationMs: 2_000 });
  sim.startJob({ method: 'cloudsync.sync', description: 'Sync before restart', manual: true });
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  await page.getByRole('radio', { name: /^All/ }).click();
  const rows = page.getByTestId('job-row');
  await expect(rows).toHaveCount(2);

  await sim.restartMiddleware();
  // Ids restart at 1 after a middleware restart: a new job reuses id 1 and must not replace or double an old row.
  await jobwatch.live('nas1');
  sim.startJob({ method: 'cloudsync.sync', description: 'Sync after restart', manual: true });
  await expect(rows.filter({ hasText: 'Sync after restart' })).toHaveCount(1);
  await expect(page.getByTestId('server-chip').filter({ hasText: 'nas1' })).toContainText('Live');

  const keys = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-job-key')));
  expect(new Set(keys).size).toBe(keys.length);
  const titles = await rows.locator('.title').allTextContents();
  expect(titles.filter((t) => t === 'Snapshot tank/home')).toHaveLength(1);
  expect(titles.filter((t) => t === 'Sync after restart')).toHaveLength(1);
  expect(titles.filter((t) => t === 'Sync before restart').length).toBeLessThanOrEqual(1);
  // The window's list is the core's list, no more, no less.
  expect(keys.sort()).toEqual(
    jobwatch.bridge.monitor
      .snapshot()
      .jobs.filter((j) => !j.transient)
      .map((j) => j.key)
      .sort(),
  );
  await jobwatch.checkHealth();
});

test('all servers offline: the window says so and where to look', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await sim.close();
  await jobwatch.open();
  await expect(page.getByTestId('server-chip')).not.toContainText('Live');
  await expect(page.getByRole('heading', { name: 'All servers are offline' })).toBeVisible();
  await expect(page.getByText(/^nas1:/)).toBeVisible();
  await page.getByRole('button', { name: 'Check the servers' }).click();
  await expect(page.getByRole('heading', { name: 'Servers', exact: true })).toBeVisible();
});

test('a window that reloads gets the full state again', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  sim.startJob({ method: 'cloudsync.sync', description: 'Long sync', manual: true });
  await jobwatch.open();
  await expect(page.getByTestId('job-row')).toHaveCount(1);
  await page.reload();
  await expect(page.getByTestId('job-row').filter({ hasText: 'Long sync' })).toHaveCount(1);
  await jobwatch.checkHealth();
});
