/// <reference lib="dom" />
/**
 * The task history chart in the job detail and the "why was I (not) notified?" view, in both themes, with axe.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, screenshot, test, useTheme } from './fixtures';

async function expectNoAxeViolations(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${view}`).toEqual([]);
}

const replication = { method: 'replication.run', arguments: [2, {}], description: 'Replicate tank/data', logs: true };
const MIN = 60_000;

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: task history chart and notification history`, async ({ jobwatch }) => {
    const { page } = jobwatch;
    const sim = await jobwatch.simulator();
    // Twelve earlier runs of one replication task: mostly about 35 min, two failures, one slow success.
    const minutes = [34, 36, 35, 2, 37, 33, 35, 58, 36, 1, 35, 34];
    minutes.forEach((m, i) => {
      const failed = i === 3 || i === 9;
      sim.seedFinishedJob(
        {
          ...replication,
          ...(failed ? { outcome: 'FAILED' as const, error: '[EFAULT] Failed to connect to backup.lan: Connection refused.' } : {}),
        },
        { startedAgoMs: (minutes.length - i) * 24 * 60 * MIN, durationMs: m * MIN },
      );
    });
    await jobwatch.addServer(sim, 'nas1');
    await jobwatch.live('nas1');
    // Something for the notification history: a failure (shown), then a short success (below the threshold).
    const failed = sim.startJob({
      method: 'cloudsync.sync',
      arguments: [4],
      description: 'Sync documents to S3',
      durationMs: 50,
      outcome: 'FAILED',
      error: '[EFAULT] Bucket not found.',
    });
    await expect.poll(() => jobwatch.bridge.monitor.failures().some((f) => f.jobId === failed)).toBe(true);
    sim.startJob({ method: 'cloudsync.sync', arguments: [4], description: 'Sync documents to S3', durationMs: 50 });
    await expect.poll(() => jobwatch.bridge.monitor.snapshot().notifications.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    await jobwatch.open();
    await useTheme(page, theme);
    await page.getByRole('radio', { name: /^All/ }).click();
    await page.getByTestId('job-row').filter({ hasText: 'Replicate tank/data' }).last().click();
    const history = page.getByTestId('run-history');
    await expect(history).toBeVisible();
    await expect(page.getByTestId('run-history-summary')).toHaveText('12 runs · 83 % succeeded · usually takes 35 min');
    await expect(history.getByRole('img')).toHaveAttribute('aria-label', /Durations of the last 12 runs, 2 failed/);
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, `${theme}-task-history`);
    await expectNoAxeViolations(page, 'job detail with task history');
    await history.getByText('Runs as a table').click();
    await expect(history.getByRole('table')).toBeVisible();
    await expectNoAxeViolations(page, 'task history table');
    await page.keyboard.press('Escape');

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Notifications' }).click();
    const entries = page.getByTestId('notification-entry');
    await expect(entries.first()).toBeVisible();
    await expect(
      page.getByTestId('notification-reason').filter({ hasText: 'Not shown: it ran shorter than the success threshold' }),
    ).toBeVisible();
    await expect(
      page
        .getByTestId('notification-reason')
        .filter({ hasText: /^Shown$/ })
        .first(),
    ).toBeVisible();
    await screenshot(page, `${theme}-notification-history`);
    await expectNoAxeViolations(page, 'notification history');
    await entries
      .filter({ hasText: 'failed' })
      .first()
      .getByRole('button', { name: /^Open cloudsync\.sync/ })
      .click();
    await expect(page.getByTestId('job-detail')).toBeVisible();
  });
}
