/// <reference lib="dom" />
import type { Locator, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, screenshot, test, useTheme, type JobwatchWindow } from './fixtures';

async function openRules(page: Page, server: string): Promise<void> {
  await page.getByRole('button', { name: 'Servers', exact: true }).click();
  await page.getByRole('button', { name: `Rules for ${server}` }).click();
  await expect(page.getByRole('heading', { name: `Rules for ${server}` })).toBeVisible();
}

/**
 * Scrolls the settings (their own scroll box) so `target` sits just below the sticky bar. Element.scrollIntoView
 * would also scroll the page itself, pushing the window's header out of the screenshot.
 */
async function scrollSettingsTo(target: Locator): Promise<void> {
  await target.evaluate((el) => {
    const box = el.closest('form');
    if (!box) throw new Error('not inside the settings form');
    const bar = box.querySelector('.bar')?.getBoundingClientRect().height ?? 0;
    box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - bar - 8;
  });
}

async function liveServer(jobwatch: JobwatchWindow, name: string) {
  const sim = await jobwatch.simulator();
  await jobwatch.addServer(sim, name);
  await jobwatch.live(name);
  return sim;
}

test('a server’s own rules: added, saved, shown again after reopening, and applied by the core at once', async ({ jobwatch }) => {
  const { page } = jobwatch;
  const sim = await liveServer(jobwatch, 'nas1');
  await jobwatch.open();
  await openRules(page, 'nas1');
  await expect(page.getByText('No rules of its own: the global rules apply.')).toBeVisible();
  await expect(page.getByText(/Checked before the global rules/)).toBeVisible();

  await page.getByRole('button', { name: 'Add a rule' }).click();
  // The new rule's pattern has the focus: type straight away.
  await page.keyboard.type('cloudsync.*');
  await page.getByRole('combobox', { name: 'Action of rule 1' }).selectOption('never');
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByRole('textbox', { name: 'Method pattern of rule 2' }).fill('pool.scrub*');
  await page.getByRole('combobox', { name: 'Action of rule 2' }).selectOption('failures');
  // Reordering by keyboard: focus stays with the moved rule.
  await page.getByRole('button', { name: 'Move rule 2 up' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Move rule 1 down' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Method pattern of rule 1' })).toHaveValue('pool.scrub*');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Method pattern of rule 1' })).toHaveValue('cloudsync.*');
  await page.getByRole('button', { name: 'Save rules' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Rules of nas1 saved; they apply from now on.' })).toBeVisible();

  expect(await jobwatch.bridge.monitor.serverRules.get('nas1')).toEqual([
    { glob: 'cloudsync.*', action: 'never' },
    { glob: 'pool.scrub*', action: 'failures' },
  ]);

  // Reopened, and in a fresh window, the rules are the saved ones.
  await page.getByRole('button', { name: 'Rules for nas1' }).click();
  await expect(page.getByRole('textbox', { name: 'Method pattern of rule 1' })).toHaveValue('cloudsync.*');
  await expect(page.getByRole('combobox', { name: 'Action of rule 1' })).toHaveValue('never');
  await expect(page.getByRole('textbox', { name: 'Method pattern of rule 2' })).toHaveValue('pool.scrub*');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('heading', { name: 'Servers', exact: true })).toBeVisible();
  // Back where the keyboard left: on that server's Rules button.
  await expect(page.getByRole('button', { name: 'Rules for nas1' })).toBeFocused();
  await page.reload();
  await openRules(page, 'nas1');
  await expect(page.getByRole('combobox', { name: 'Action of rule 2' })).toHaveValue('failures');

  // The planner follows at once: a failed cloud sync on nas1 is not notified, by the rule.
  const job = sim.startJob({ method: 'cloudsync.sync', description: 'Sync photos', manual: true });
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().jobs.length).toBe(1);
  sim.finishJob(job, 'FAILED', '[EFAULT] Remote refused the connection.');
  await expect.poll(() => jobwatch.bridge.monitor.snapshot().notifications.map((n) => n.suppressed)).toEqual(['method-rule']);
  await jobwatch.checkHealth();
});

test('an empty or too long pattern is refused beside the rule, and nothing is saved', async ({ jobwatch }) => {
  const { page } = jobwatch;
  await liveServer(jobwatch, 'nas1');
  await jobwatch.open();
  await openRules(page, 'nas1');
  await page.getByRole('button', { name: 'Add a rule' }).click();
  await page.getByRole('button', { name: 'Save rules' }).click();
  const pattern = page.getByRole('textbox', { name: 'Method pattern of rule 1' });
  await expect(pattern).toHaveAccessibleDescription(/Enter a method pattern/);
  await expect(page.getByRole('alert')).toContainText('Not saved');
  await pattern.fill('x'.repeat(201));
  await expect(pattern).toHaveAccessibleDescription('A pattern has at most 200 characters (this one has 201).');
  await page.getByRole('button', { name: 'Save rules' }).click();
  expect(jobwatch.bridge.calls.filter((c) => c.name === 'setServerRules')).toEqual([]);
  expect(await jobwatch.bridge.monitor.serverRules.get('nas1')).toEqual([]);
  await jobwatch.checkHealth();
});

test('sound and language are saved from the settings', async ({ jobwatch }) => {
  const { page } = jobwatch;
  await jobwatch.open();
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  await page.getByRole('checkbox', { name: /Play a sound when a job fails/ }).check();
  const volume = page.getByRole('slider', { name: 'Volume' });
  await volume.focus();
  // The slider by keyboard: 70 % (default) → 60 %.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(volume).toHaveAttribute('aria-valuetext', '60 %');
  await page.getByRole('button', { name: 'Play test sound' }).click();
  await expect.poll(() => jobwatch.bridge.calls.filter((c) => c.name === 'playTestSound').map((c) => c.payload)).toEqual([{ volume: 60 }]);
  await page.getByRole('checkbox', { name: /Repeat until the failure is acknowledged/ }).check();
  await page.getByRole('spinbutton', { name: /Repeat every/ }).fill('600');
  await page.getByRole('combobox', { name: 'Language' }).selectOption('en');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Settings saved.' })).toBeVisible();
  const saved = jobwatch.bridge.monitor.settings.get();
  expect(saved.notifications.sound).toEqual({ enabled: true, volume: 60, repeatUntilAcknowledged: true, repeatIntervalSec: 600 });
  expect(saved.ui.language).toBe('en');
  await jobwatch.checkHealth();
});

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: the per-server rules editor and the sound settings, looked at and checked with axe`, async ({ jobwatch }) => {
    const { page } = jobwatch;
    await liveServer(jobwatch, 'nas1');
    await jobwatch.bridge.monitor.serverRules.set('nas1', [
      { glob: 'cloudsync.*', action: 'failures' },
      { glob: 'pool.scrub*', action: 'never' },
      { glob: 'replication.*', action: 'no-insights' },
    ]);
    await jobwatch.open();
    await useTheme(page, theme);
    await openRules(page, 'nas1');
    await expect(page.getByRole('textbox', { name: 'Method pattern of rule 3' })).toHaveValue('replication.*');
    await screenshot(page, `${theme}-server-rules`);
    await expectNoAxeViolations(page, 'per-server rules');

    // With a problem shown beside a rule.
    await page.getByRole('button', { name: 'Add a rule' }).click();
    await page.getByRole('button', { name: 'Save rules' }).click();
    await expect(page.getByRole('textbox', { name: 'Method pattern of rule 4' })).toHaveAttribute('aria-invalid', 'true');
    await page.getByText(/Enter a method pattern/).scrollIntoViewIfNeeded();
    await screenshot(page, `${theme}-server-rules-invalid`);
    await expectNoAxeViolations(page, 'per-server rules with a problem');

    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Settings', exact: true }).click();
    await page.getByRole('checkbox', { name: /Play a sound when a job fails/ }).check();
    await scrollSettingsTo(page.getByRole('group', { name: 'Sound' }));
    await screenshot(page, `${theme}-settings-sound`);
    await scrollSettingsTo(page.getByRole('combobox', { name: 'Language' }));
    await screenshot(page, `${theme}-settings-language`);
    await expectNoAxeViolations(page, 'settings with sound');
    await jobwatch.checkHealth();
  });
}
