/// <reference lib="dom" />
import { expect, screenshot, test, useTheme } from './fixtures';

test('settings: copy diagnostics shows the report (versions, server state and host, no key); open log folder', async ({ jobwatch }) => {
  const { page, bridge } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'Office NAS');
  await jobwatch.live('Office NAS');
  // A warning that carries the key, as a server echoing it would produce: the report must not show it.
  bridge.log.warn(`login answer echoed ${sim.credentials.apiKey}`);
  await jobwatch.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('button', { name: 'Copy diagnostics' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Diagnostics copied to the clipboard.' })).toBeVisible();
  const report = page.getByTestId('diagnostics-report');
  await expect(report).toContainText('App 0.1.0 · Electron 45.5.0');
  await expect(report).toContainText(`#1: live · jsonrpc · host 127.0.0.1:${new URL(sim.url).port}`);
  await expect(report).toContainText('warn: login answer echoed ***');
  expect(bridge.clipboard).toContain('Jobwatch for TrueNAS diagnostics');
  expect(bridge.clipboard).not.toContain(sim.credentials.apiKey);
  expect(await report.textContent()).not.toContain(sim.credentials.apiKey);

  await page.getByRole('button', { name: 'Open log folder' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Log folder opened.' })).toBeVisible();
  expect(bridge.openedLogFolders).toBe(1);

  await report.scrollIntoViewIfNeeded();
  for (const theme of ['light', 'dark'] as const) {
    await useTheme(page, theme);
    await screenshot(page, `diagnostics-${theme}`);
  }
  await jobwatch.checkHealth();
});
