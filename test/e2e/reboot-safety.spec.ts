/// <reference lib="dom" />
/**
 * The safe-to-restart panel in the Servers view, in both themes, with axe: the answer while a job runs, "Tell me
 * when it is safe" waiting also for a job started after the request, and the answer (and its one notification)
 * once nothing runs.
 */
import { expect, expectNoAxeViolations, screenshot, test, useTheme } from './fixtures';

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: safe to restart, with running jobs, while watching, and with nothing running`, async ({ jobwatch }) => {
    const { page } = jobwatch;
    const sim = await jobwatch.simulator();
    await jobwatch.addServer(sim, 'nas1');
    await jobwatch.live('nas1');
    const first = sim.startJob({ method: 'replication.run', arguments: [1, {}], description: 'Replicate tank/data', manual: true });
    await expect.poll(() => jobwatch.bridge.monitor.rebootSafety().servers[0]?.jobs.length).toBe(1);
    sim.progressJob(first, 40, 'Sending tank/data@auto-2025-06-20');
    await expect.poll(() => jobwatch.bridge.monitor.rebootSafety().servers[0]?.jobs[0]?.percent).toBe(40);

    await jobwatch.open();
    await useTheme(page, theme);
    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Servers', exact: true }).click();
    const panel = page.getByTestId('reboot-safety');
    await expect(page.getByTestId('reboot-safety-summary')).toHaveText('Not safe: 1 job running on 1 server');
    await expect(panel.getByText('nas1: Replicate tank/data — 40%')).toBeVisible();
    await screenshot(page, `${theme}-reboot-safety-running`);
    await expectNoAxeViolations(page, 'safe to restart, a job running');

    await panel.getByRole('button', { name: 'Tell me when it is safe' }).click();
    await expect(page.getByTestId('reboot-safety-watching')).toContainText('including jobs started since you asked');
    await expect(page.getByTestId('reboot-safety-message')).toHaveText('Watching all servers.');
    // A job started after the request, then the first one ends: still not safe, still watching.
    const second = sim.startJob({ method: 'cloudsync.sync', arguments: [3, {}], description: 'Photos to B2', manual: true });
    await expect(panel.getByText(/^nas1: Photos to B2/)).toBeVisible();
    sim.finishJob(first, 'SUCCESS');
    await expect(page.getByTestId('reboot-safety-summary')).toHaveText('Not safe: 1 job running on 1 server');
    await expect(panel.getByText('nas1: Replicate tank/data — 40%')).toHaveCount(0);
    await expect(page.getByTestId('reboot-safety-watching')).toBeVisible();
    await screenshot(page, `${theme}-reboot-safety-watching`);
    await expectNoAxeViolations(page, 'safe to restart, watching');

    sim.finishJob(second, 'SUCCESS');
    await expect(page.getByTestId('reboot-safety-summary')).toHaveText('Nothing running on any server');
    await expect(panel.getByRole('button', { name: 'Tell me when it is safe' })).toHaveCount(0);
    // The watch is over: no "watching" left behind.
    await expect(page.getByTestId('reboot-safety-watching')).toHaveCount(0);
    await expect(page.getByTestId('reboot-safety-message')).toHaveText('');
    await expect
      .poll(() => jobwatch.bridge.monitor.snapshot().notifications.filter((n) => n.title === 'Safe to restart').length, { timeout: 15_000 })
      .toBe(1);
    await screenshot(page, `${theme}-reboot-safety-safe`);
    await expectNoAxeViolations(page, 'safe to restart, nothing running');
    await jobwatch.checkHealth();
  });
}
