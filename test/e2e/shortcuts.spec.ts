/// <reference lib="dom" />
import type { Page } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test, useTheme } from './fixtures';

function currentView(page: Page) {
  return page.getByRole('navigation', { name: 'Views' }).locator('[aria-current="page"]');
}

test('single keys switch views, and not while typing or with a modifier', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();
  await expect(currentView(page)).toHaveText('Jobs');

  for (const [key, view] of [
    ['f', 'Failures'],
    ['n', 'Notifications'],
    ['s', 'Servers'],
    [',', 'Settings'],
    ['j', 'Jobs'],
  ] as const) {
    await page.keyboard.press(key);
    await expect(currentView(page)).toHaveText(view);
  }

  const search = page.getByRole('searchbox', { name: /Search jobs/ });
  await search.fill('');
  await search.pressSequentially('fs,n?');
  await expect(search).toHaveValue('fs,n?');
  await expect(currentView(page)).toHaveText('Jobs');
  await expect(page.getByTestId('help-overlay')).toBeHidden();

  await page.getByRole('button', { name: 'Jobs', exact: true }).focus();
  await page.keyboard.press('Alt+f');
  await page.keyboard.press('Control+s');
  await expect(currentView(page)).toHaveText('Jobs');
  await jobwatch.checkHealth();
});

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: ? opens the help overlay, Escape closes it and returns focus`, async ({ jobwatch }) => {
    const { page, bridge } = jobwatch;
    await jobwatch.open();
    await useTheme(page, theme);
    const failures = page.getByRole('button', { name: 'Failures', exact: true });
    await failures.focus();

    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    await expect(dialog.locator('kbd')).toHaveText(['j', 'f', 'n', 's', ',', '?', 'Esc']);
    await expect(dialog.getByRole('button', { name: 'Close', exact: true })).toBeFocused();
    await screenshot(page, `${theme}-shortcuts-help`);
    await expectNoAxeViolations(page, 'the help overlay');

    // Keys belong to the overlay while it is open.
    await page.keyboard.press('s');
    await expect(currentView(page)).toHaveText('Jobs');

    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    await expect(failures).toBeFocused();
    expect(bridge.hideRequests).toBe(0);

    // With the overlay gone, Escape hides the window as before.
    await page.keyboard.press('Escape');
    await expect.poll(() => bridge.hideRequests).toBe(1);
    await jobwatch.checkHealth();
  });
}
