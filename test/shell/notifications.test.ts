import { beforeEach, describe, expect, it } from 'vitest';
import { DesktopNotifier, clickTarget, notificationOptions, type OpenTarget } from '../../electron/main/notifications';
import { electronDouble, FakeNotification, resetElectronDouble } from './electron-double';
import { notification } from './fixtures';

describe('desktop notifications', () => {
  beforeEach(() => resetElectronDouble());

  function notifier() {
    const opened: OpenTarget[] = [];
    return { notifier: new DesktopNotifier(electronDouble, (t) => opened.push(t), '/icons/icon.png'), opened };
  }

  it("shows the core's title and body with its urgency", () => {
    const { notifier: n } = notifier();
    expect(n.show(notification())).toBe(true);
    const shown = FakeNotification.shownOnes();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.options).toEqual({
      title: 'NAS: Cloud sync to B2 failed',
      body: 'Failed to connect to remote host.',
      urgency: 'critical',
      silent: false,
      timeoutType: 'never',
      icon: '/icons/icon.png',
    });
    expect(notificationOptions(notification({ urgency: 'low' })).silent).toBe(true);
    expect(notificationOptions(notification({ urgency: 'normal' })).timeoutType).toBe('default');
  });

  it('escapes markup in the body on Linux only, where notification servers may parse it', () => {
    const view = notification({ title: 'Backup <b>&</b> sync failed', body: 'rsync: <a href="x">quota</a> & limits' });
    const linux = new DesktopNotifier(electronDouble, () => {}, undefined, 'linux');
    linux.show(view);
    expect(FakeNotification.shownOnes()[0]!.options).toMatchObject({
      // The summary is plain text by the freedesktop spec: shown as typed.
      title: 'Backup <b>&</b> sync failed',
      body: 'rsync: &lt;a href="x"&gt;quota&lt;/a&gt; &amp; limits',
    });
    for (const platform of ['darwin', 'win32'] as const) {
      expect(notificationOptions(view, undefined, platform)).toMatchObject({ title: view.title, body: view.body });
    }
  });

  it('opens the window on the job when clicked', () => {
    const { notifier: n, opened } = notifier();
    n.show(notification());
    FakeNotification.shownOnes()[0]!.click();
    expect(opened).toEqual([{ server: 'nas', jobKey: 'nas\u00007\u00001750000000000\u0000cloudsync.sync' }]);
  });

  it('opens the list for a folded notification of several jobs', () => {
    const { notifier: n, opened } = notifier();
    n.show(notification({ jobs: ['a', 'b', 'c'], title: 'NAS: 3 jobs failed' }));
    FakeNotification.shownOnes()[0]!.click();
    expect(opened).toEqual([{ server: 'nas', jobKey: null }]);
    expect(clickTarget(notification({ jobs: [] }))).toEqual({ server: 'nas', jobKey: null });
  });

  it('shows nothing for a notification the rules suppressed, or where notifications are unsupported', () => {
    const { notifier: n } = notifier();
    expect(n.show(notification({ suppressed: 'paused' }))).toBe(false);
    FakeNotification.supported = false;
    expect(n.show(notification())).toBe(false);
    expect(FakeNotification.shownOnes()).toHaveLength(0);
  });

  it('holds a bounded number of notifications for their click handlers', () => {
    const { notifier: n } = notifier();
    for (let i = 0; i < 100; i++) n.show(notification({ id: `n${i}` }));
    expect(n.held).toBeLessThanOrEqual(32);
    FakeNotification.shownOnes().at(-1)!.close();
    expect(n.held).toBe(31);
  });
});
