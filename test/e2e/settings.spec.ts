/// <reference lib="dom" />
import { expect, test } from './fixtures';

test('settings: defaults shown, rules, quiet hours and theme saved to the core', async ({ jobwatch }) => {
  const { page } = jobwatch;
  await jobwatch.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByText('Default 60 s (1 min).')).toBeVisible();
  await expect(page.getByRole('spinbutton', { name: /Notify about a success/ })).toHaveValue('60');

  await page.getByRole('spinbutton', { name: /Notify about a success/ }).fill('300');
  await page.getByRole('spinbutton', { name: /Fold changes/ }).fill('10');
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByRole('textbox', { name: 'Method pattern of rule 1' }).fill('cloudsync.*');
  await page.getByRole('combobox', { name: 'Action of rule 1' }).selectOption('never');
  await page.getByRole('checkbox', { name: /Quiet hours/ }).check();
  await page.getByLabel('From').fill('23:00');
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();

  const saved = jobwatch.bridge.monitor.settings.get();
  expect(saved.notifications.successThresholdSec).toBe(300);
  expect(saved.notifications.burstWindowMs).toBe(10_000);
  expect(saved.notifications.methodRules).toEqual([{ glob: 'cloudsync.*', action: 'never' }]);
  expect(saved.notifications.quietHours).toMatchObject({ enabled: true, start: '23:00', end: '07:00' });
  expect(saved.ui.theme).toBe('dark');
  expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');

  // A fresh window reads them back.
  await page.reload();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await expect(page.getByRole('spinbutton', { name: /Notify about a success/ })).toHaveValue('300');
  await expect(page.getByRole('textbox', { name: 'Method pattern of rule 1' })).toHaveValue('cloudsync.*');
  expect(await page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
  await jobwatch.checkHealth();
});

test('pause notifications for an hour, then resume; mute a server', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  await jobwatch.open();

  await page.getByRole('button', { name: /^Pause/ }).click();
  await page.getByRole('button', { name: 'Pause for 1 hour' }).click();
  await expect(page.getByRole('button', { name: /^Paused until/ })).toBeVisible();
  expect(jobwatch.bridge.monitor.snapshot().pausedUntil).toBeGreaterThan(Date.now());
  await page.getByRole('button', { name: /^Paused until/ }).click();
  // Escape closes the menu and leaves the pause as it was.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Resume notifications' })).toBeHidden();
  // Clicking elsewhere closes it too.
  await page.getByRole('button', { name: /^Paused until/ }).click();
  await expect(page.getByRole('button', { name: 'Resume notifications' })).toBeVisible();
  await page.mouse.click(10, 500);
  await expect(page.getByRole('button', { name: 'Resume notifications' })).toBeHidden();
  await page.getByRole('button', { name: /^Paused until/ }).click();
  await page.getByRole('button', { name: 'Resume notifications' }).click();
  await expect(page.getByRole('button', { name: /^Pause notifications$/ })).toBeVisible();
  expect(jobwatch.bridge.monitor.snapshot().pausedUntil).toBeNull();

  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('checkbox', { name: 'Mute nas1' }).check();
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().servers[0]?.muted).toBe(true);
  await expect(page.getByRole('checkbox', { name: 'Mute nas1' })).toBeChecked();
  await jobwatch.checkHealth();
});

test('a focus request (notification click) opens that job', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, 'nas1');
  await jobwatch.live('nas1');
  sim.startJob({ method: 'cloudsync.sync', description: 'Sync photos', manual: true });
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().jobs.length).toBe(1);
  await jobwatch.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const key = jobwatch.bridge.monitor.snapshot().jobs[0]?.key ?? '';
  await jobwatch.bridge.emit('focusJob', { server: 'nas1', jobKey: key });
  await expect(page.getByTestId('job-detail').getByRole('heading', { name: 'Sync photos' })).toBeVisible();
  await jobwatch.bridge.emit('openView', { view: 'servers' });
  await expect(page.getByRole('heading', { name: 'Servers', exact: true })).toBeVisible();
  await jobwatch.bridge.emit('focusJob', { server: null, jobKey: null, view: 'settings' });
  await expect(page.getByRole('heading', { name: 'Settings', exact: true })).toBeVisible();
  await jobwatch.checkHealth();
});
