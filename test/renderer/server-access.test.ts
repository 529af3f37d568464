import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ServersView from '../../renderer/src/components/ServersView.svelte';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import type { ProfileView } from '../../electron/ipc/contract';
import { emptySnapshot, fakeApi } from './fake-api';
import { inWindow } from './window-context';
import { serverView } from './views';

const profile: ProfileView = {
  id: 'nas1',
  name: 'nas1',
  url: 'wss://nas1',
  auth: { method: 'api-key', username: 'watcher', allowInsecurePassword: false },
  fingerprint256: null,
  muted: false,
  mutedUntil: null,
};

async function serversViewWith(server: ReturnType<typeof serverView>) {
  const api = fakeApi();
  api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [server] });
  api.listProfiles.mockResolvedValue([profile]);
  const monitor = new MonitorState(api);
  await monitor.connect();
  return render(ServersView, inWindow({ api, monitor }, { now: 0, onstartdemo: () => {}, demoStarting: false }));
}

describe('ServersView: what the account can see', () => {
  it('shows the access summary and a lost-job notice of a restricted account', async () => {
    const view = await serversViewWith(
      serverView({
        access: {
          fullAdmin: false,
          roles: ['READONLY_ADMIN'],
          summary: 'Restricted account (READONLY_ADMIN): sees jobs it started itself.',
          lostJobs: 1,
          lostNotice: 'Lost sight of "pool.scrub.scrub" (job 5) before it finished.',
        },
      }),
    );
    expect((await view.findByTestId('server-access')).textContent).toContain('Restricted account (READONLY_ADMIN)');
    expect(view.getByTestId('server-access-lost').textContent).toContain('Lost sight of "pool.scrub.scrub" (job 5)');
  });

  it('shows no access line while it is unknown, and no notice when nothing was lost', async () => {
    const unknown = await serversViewWith(serverView({ access: null }));
    await unknown.findByText('nas1');
    expect(unknown.queryByTestId('server-access')).toBeNull();
    unknown.unmount();
    const admin = await serversViewWith(
      serverView({
        access: {
          fullAdmin: true,
          roles: ['FULL_ADMIN'],
          summary: 'Full administrator: sees every job on this server.',
          lostJobs: 0,
          lostNotice: null,
        },
      }),
    );
    expect((await admin.findByTestId('server-access')).textContent).toContain('Full administrator');
    expect(admin.queryByTestId('server-access-lost')).toBeNull();
  });
});
