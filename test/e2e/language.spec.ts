/// <reference lib="dom" />
/**
 * The window in German: chosen in the settings, it takes effect on Save without a restart, in every view; the views
 * pass the same axe rules as in English (accessibility.spec.ts), and screenshots of both themes are saved for people
 * to look at (test-results/screenshots/de-*.png).
 */
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test, useTheme, type JobwatchWindow } from './fixtures';

/** One server with a running job (with progress), a waiting one, a finished one and a failure. */
async function populate(jobwatch: JobwatchWindow): Promise<void> {
  const sim = await jobwatch.simulator();
  sim.seedFinishedJob(
    { method: 'pool.scrub.scrub', arguments: ['tank'], description: "Scrub of pool 'tank'" },
    { startedAgoMs: 7_200_000, durationMs: 3_600_000 },
  );
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  const sync = sim.startJob({ method: 'cloudsync.sync', arguments: [3], description: 'Sync photos to B2', abortable: true, manual: true });
  const failed = sim.startJob({ method: 'cloudsync.sync', arguments: [4], description: 'Sync documents to S3', manual: true });
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().jobs.filter((j) => j.state === 'RUNNING').length).toBe(2);
  sim.progressJob(sync, 42, '1.4 GiB / 3.3 GiB');
  sim.finishJob(failed, 'FAILED', '[EFAULT] Failed to connect to remote host: Connection timed out.');
  await expect.poll(() => jobwatch.bridge.monitor.failures().length).toBe(1);
}

/** Chooses German in the settings (in English: the window starts in the browser's language) and saves. */
async function switchToGerman(page: Page): Promise<void> {
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('combobox', { name: 'Language' }).selectOption('de');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
}

test("the browser here is English, so 'system' shows English", async ({ jobwatch }) => {
  await jobwatch.open();
  expect(await jobwatch.page.evaluate(() => navigator.languages[0])).toMatch(/^en/);
  await expect(jobwatch.page.getByRole('heading', { name: 'No server yet' })).toBeVisible();
  await expect(jobwatch.page.locator('html')).toHaveAttribute('lang', 'en');
});

for (const theme of ['light', 'dark'] as const) {
  test(`German window, ${theme} theme: every view in German, without axe findings`, async ({ jobwatch }) => {
    const { page } = jobwatch;
    await populate(jobwatch);
    await jobwatch.open();
    await useTheme(page, theme);
    await switchToGerman(page);

    // Settings, right after the switch: the form itself is German now.
    await expect(page.getByRole('heading', { name: 'Einstellungen' })).toBeVisible();
    await expect(page.getByRole('combobox', { name: 'Sprache' })).toHaveValue('de');
    await screenshot(page, `de-${theme}-settings`);
    await page.getByRole('button', { name: 'Regel hinzufügen' }).click();
    await expect(page.getByRole('textbox', { name: 'Methodenmuster von Regel 1' })).toBeFocused();
    await screenshot(page, `de-${theme}-settings-rules`);
    await page.getByRole('combobox', { name: 'Sprache' }).scrollIntoViewIfNeeded();
    await expect(page.getByRole('combobox', { name: 'Sprache' }).locator('option:checked')).toHaveText('Deutsch');
    await screenshot(page, `de-${theme}-settings-window`);
    await expectNoAxeViolations(page, 'settings (de)');

    await page.getByRole('button', { name: 'Jobs', exact: true }).click();
    const sync = page.getByTestId('job-row').filter({ hasText: 'Sync photos to B2' });
    await expect(sync).toContainText('42 %');
    await expect(sync.getByRole('img', { name: 'Läuft' })).toBeVisible();
    await expect(page.getByRole('radio', { name: /^Aktiv/ })).toBeChecked();
    await expect(page.getByPlaceholder('Jobs suchen')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Pause/ })).toBeVisible();
    await expect(page.getByTestId('server-chip')).toContainText('Verbunden');
    await screenshot(page, `de-${theme}-jobs`);
    await expectNoAxeViolations(page, 'jobs (de)');

    await page.getByRole('radio', { name: /^Alle/ }).click();
    await expect(page.getByTestId('job-row').filter({ hasText: "Scrub of pool 'tank'" })).toContainText('Beendet');
    await screenshot(page, `de-${theme}-jobs-all`);

    await page.getByTestId('job-row').filter({ hasText: 'Sync documents to S3' }).click();
    await expect(page.getByTestId('job-error')).toBeVisible();
    await screenshot(page, `de-${theme}-detail-failed`);
    await expectNoAxeViolations(page, 'job detail (de)');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: /^Fehler/ }).click();
    await expect(page.getByRole('heading', { name: /^Fehler/ })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Alle bestätigen' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sync documents to S3 auf nas1 bestätigen' })).toBeVisible();
    await screenshot(page, `de-${theme}-failures`);
    await expectNoAxeViolations(page, 'failures (de)');

    await page.getByRole('button', { name: 'Server', exact: true }).click();
    await expect(page.getByTestId('server-item')).toHaveCount(1);
    await expect(page.getByRole('button', { name: 'Server hinzufügen' })).toBeVisible();
    await screenshot(page, `de-${theme}-servers`);
    await expectNoAxeViolations(page, 'servers (de)');

    await page.getByRole('button', { name: 'Meldungen', exact: true }).click();
    await screenshot(page, `de-${theme}-notifications`);
    await expectNoAxeViolations(page, 'notifications (de)');

    await page.keyboard.press('?');
    await expect(page.getByRole('dialog', { name: 'Tastenkürzel' })).toBeVisible();
    await screenshot(page, `de-${theme}-help`);
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: /^Pause/ }).click();
    await expect(page.getByRole('button', { name: '1 Stunde pausieren' })).toBeFocused();
    await screenshot(page, `de-${theme}-pause-menu`);
    await expectNoAxeViolations(page, 'pause menu (de)');
    await jobwatch.checkHealth();
  });
}
