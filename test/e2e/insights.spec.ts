/// <reference lib="dom" />
/**
 * The task history chart in the job detail and the "why was I (not) notified?" view, in both themes, with axe.
 */
import { expect, expectNoAxeViolations, screenshot, test, useTheme } from './fixtures';

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

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: the notification history says which schedules this account cannot check`, async ({ jobwatch }) => {
    const { page } = jobwatch;
    const EVERY_HOUR = { minute: '0', hour: '*', dom: '*', month: '*', dow: '*' };
    const viewerKey = '2-' + 'b'.repeat(64);
    const sim = await jobwatch.simulator({
      users: [
        { username: 'demo', apiKeys: ['1-' + 'a'.repeat(64)], fullAdmin: true },
        { username: 'viewer', apiKeys: [viewerKey], roles: ['CLOUD_SYNC_READ', 'SYSTEM_GENERAL_READ'] },
      ],
      tasks: [
        { kind: 'cloudsync', id: 1, name: 'Photos to B2', schedule: EVERY_HOUR },
        { kind: 'rsync', id: 2, name: 'Mirror', schedule: EVERY_HOUR },
      ],
    });
    await jobwatch.bridge.monitor.addServer(
      { name: 'nas1', url: sim.url, auth: { method: 'api-key', username: 'viewer' }, fingerprint256: null },
      viewerKey,
    );
    await jobwatch.live('nas1');
    await expect.poll(() => jobwatch.bridge.monitor.snapshot().servers[0]?.schedules?.notes.length ?? 0).toBeGreaterThan(0);

    await jobwatch.open();
    await useTheme(page, theme);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Notifications' }).click();
    const section = page.getByTestId('schedule-checks');
    await expect(section.getByRole('heading', { name: 'Scheduled runs not checked' })).toBeVisible();
    await expect(
      section
        .getByTestId('schedule-note')
        .filter({ hasText: 'may not read the periodic snapshot, replication, cloud backup, rsync and scrub tasks' }),
    ).toBeVisible();
    await expect(section.getByTestId('schedule-note').filter({ hasText: 'cloud sync' })).toHaveCount(0);
    await section.scrollIntoViewIfNeeded();
    await screenshot(page, `${theme}-schedule-notes`);
    await expectNoAxeViolations(page, 'notification history with schedule notes');

    // In German (chosen in Settings, applied on Save): the core words the note and the account's access again.
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'de');
    await page.getByRole('button', { name: 'Meldungen', exact: true }).click();
    const german = page.getByTestId('schedule-checks');
    await expect(
      german.getByTestId('schedule-note').filter({
        hasText: 'Dieses Konto darf die Aufgaben für periodische Snapshots, Replikation, Cloud-Backup, Rsync und Scrubs nicht lesen',
      }),
    ).toBeVisible();
    await expect(german.getByTestId('schedule-note').filter({ hasText: 'may not read' })).toHaveCount(0);
    await german.scrollIntoViewIfNeeded();
    await screenshot(page, `de-${theme}-schedule-notes`);
    await expectNoAxeViolations(page, 'notification history with schedule notes (de)');
    await page.getByRole('button', { name: 'Server', exact: true }).click();
    await expect(page.getByTestId('server-access')).toHaveText(
      /^Eingeschränktes Konto \(CLOUD_SYNC_READ, SYSTEM_GENERAL_READ\): sieht die selbst gestarteten Jobs sowie alle Jobs der Cloud-Synchronisierung; /,
    );
    await screenshot(page, `de-${theme}-servers-restricted`);
    await jobwatch.checkHealth();
  });
}
