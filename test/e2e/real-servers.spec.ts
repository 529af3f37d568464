/// <reference lib="dom" />
/**
 * What a person sees in the servers view for the real-server cases: an account without full admin rights, the
 * standby controller of an HA pair, and an API key that was revoked. Both themes, with axe, and screenshots.
 */
import { expect, expectNoAxeViolations, screenshot, test, useTheme } from './fixtures';

const KEY = '7-restrictedWatcherKeyNotASecret00000000000000000000000000000000000000';

for (const theme of ['light', 'dark'] as const) {
  test(`${theme}: restricted account, standby controller and revoked key in the servers view`, async ({ jobwatch }) => {
    const { page, bridge } = jobwatch;
    const restricted = await jobwatch.simulator({ users: [{ username: 'watcher', apiKeys: [KEY], roles: ['READONLY_ADMIN'] }] });
    await bridge.monitor.addServer(
      { name: 'office', url: restricted.url, auth: { method: 'api-key', username: 'watcher' }, fingerprint256: null },
      KEY,
    );
    const standby = await jobwatch.simulator({ failoverStatus: 'BACKUP' });
    await jobwatch.addServer(standby, 'nas-b');
    const revoked = await jobwatch.simulator({ version: '26.0' });
    revoked.revokeApiKey(revoked.credentials.apiKey);
    await jobwatch.addServer(revoked, 'old-key');
    await jobwatch.live('office');
    await expect.poll(() => bridge.monitor.snapshot().servers.filter((s) => s.state === 'needs-attention').length).toBe(2);

    await jobwatch.open();
    await useTheme(page, theme);
    await page.getByRole('button', { name: 'Servers', exact: true }).click();
    const items = page.getByTestId('server-item');
    await expect(items).toHaveCount(3);
    await expect(items.filter({ hasText: 'office' })).toContainText(/Restricted account \(READONLY_ADMIN\)/);
    await expect(items.filter({ hasText: 'nas-b' })).toContainText(/standby controller/);
    await expect(items.filter({ hasText: 'old-key' })).toContainText(/revoked/);
    await screenshot(page, `${theme}-servers-real-cases`);
    await items.filter({ hasText: 'old-key' }).scrollIntoViewIfNeeded();
    await screenshot(page, `${theme}-servers-revoked-key`);
    await expectNoAxeViolations(page, 'the servers view');
    await jobwatch.checkHealth();
  });
}
