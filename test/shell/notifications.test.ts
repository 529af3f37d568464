import { beforeEach, describe, expect, it } from 'vitest';
import { failureKeysOf } from '../../electron/core/sound-policy';
import type { NotificationServer, NotifyRequest, ServerSignal } from '../../electron/freedesktop/notification-server';
import { DesktopNotifier, clickTarget, notificationOptions, type FailureActions, type OpenTarget } from '../../electron/main/notifications';
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

/** An in-memory stand-in for the desktop's notification server on D-Bus: records Notify, emits its signals. */
class FakeNotificationServer implements NotificationServer {
  capabilityList: string[] | null = ['actions', 'body', 'body-markup'];
  readonly notified: NotifyRequest[] = [];
  /** What the next Notify answers: an id, or null for a failure. */
  failNotify = false;
  private readonly listeners = new Set<(signal: ServerSignal) => void>();
  private nextId = 40;
  async capabilities(): Promise<string[] | null> {
    return this.capabilityList;
  }
  async notify(request: NotifyRequest): Promise<number | null> {
    if (this.failNotify) return null;
    this.notified.push(request);
    return this.nextId++;
  }
  readonly closedByApp: number[] = [];
  async closeNotification(id: number): Promise<void> {
    this.closedByApp.push(id);
  }
  onSignal(listener: (signal: ServerSignal) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(): void {}
  /** Test control: the user chose action `key` on notification `id`. */
  invoke(id: number, key: string): void {
    for (const listener of this.listeners) listener({ kind: 'action', id, key });
  }
  closed(id: number): void {
    for (const listener of this.listeners) listener({ kind: 'closed', id, reason: 2 });
  }
}

describe('notification actions for failures', () => {
  beforeEach(() => resetElectronDouble());

  const JOB = 'nas\u00007\u00001750000000000\u0000cloudsync.sync';
  const unacknowledged = new Set([JOB, 'a', 'b', 'c']);

  function setup(platform: NodeJS.Platform, server: NotificationServer | null = null) {
    const opened: OpenTarget[] = [];
    const acknowledged: string[][] = [];
    const actions: FailureActions = {
      failureKeys: (view) => failureKeysOf(view, unacknowledged),
      acknowledge: (keys) => acknowledged.push(keys),
      notificationServer: server,
    };
    const notifier = new DesktopNotifier(electronDouble, (t) => opened.push(t), '/icons/icon.png', platform, actions);
    return { notifier, opened, acknowledged };
  }

  for (const platform of ['darwin', 'win32'] as const) {
    it(`${platform}: a failure notification has Acknowledge and Open buttons; Acknowledge acknowledges exactly its job`, () => {
      const { notifier, acknowledged, opened } = setup(platform);
      notifier.show(notification());
      const shown = FakeNotification.shownOnes()[0]!;
      expect(shown.actionLabels()).toEqual(['Acknowledge', 'Open']);
      shown.action(0);
      expect(acknowledged).toEqual([[JOB]]);
      expect(opened).toEqual([]);
    });

    it(`${platform}: Open opens the job, a click still opens it, and a folded one acknowledges all its failures`, () => {
      const { notifier, acknowledged, opened } = setup(platform);
      notifier.show(notification());
      FakeNotification.shownOnes()[0]!.action(1);
      expect(opened).toEqual([{ server: 'nas', jobKey: JOB }]);
      notifier.show(notification({ id: 'n2' }));
      FakeNotification.shownOnes()[1]!.click();
      expect(opened).toHaveLength(2);
      notifier.show(notification({ id: 'n3', jobs: ['a', 'ok-job', 'b'], title: 'NAS: 3 jobs finished, 2 failed' }));
      FakeNotification.shownOnes()[2]!.action(0);
      expect(acknowledged).toEqual([['a', 'b']]);
    });
  }

  it('no buttons for a notification without unacknowledged failures (a success, an insight, already acknowledged)', () => {
    const { notifier } = setup('darwin');
    notifier.show(notification({ jobs: ['ok-job'], urgency: 'normal', title: 'NAS: Backup finished' }));
    notifier.show(notification({ jobs: [] }));
    for (const shown of FakeNotification.shownOnes()) {
      expect(shown.options['actions']).toBeUndefined();
    }
  });

  it('labels come from the catalogue function when given', () => {
    const { notifier } = {
      notifier: new DesktopNotifier(electronDouble, () => {}, undefined, 'win32', {
        failureKeys: () => [JOB],
        acknowledge: () => {},
        labels: () => ({ acknowledge: 'Bestätigen', open: 'Öffnen' }),
      }),
    };
    notifier.show(notification());
    expect(FakeNotification.shownOnes()[0]!.actionLabels()).toEqual(['Bestätigen', 'Öffnen']);
  });

  it('Linux without a D-Bus notification server: Electron notification, no buttons, the click still opens', async () => {
    const { notifier, opened } = setup('linux', null);
    notifier.show(notification());
    await notifier.idle();
    const shown = FakeNotification.shownOnes()[0]!;
    expect(shown.options['actions']).toBeUndefined();
    shown.click();
    expect(opened).toEqual([{ server: 'nas', jobKey: JOB }]);
  });

  it('Linux: a server that lists "actions" shows the failure with Acknowledge and Open; ActionInvoked acts on it', async () => {
    const server = new FakeNotificationServer();
    const { notifier, opened, acknowledged } = setup('linux', server);
    expect(notifier.show(notification({ body: 'rsync: <b>quota</b> & limits' }))).toBe(true);
    await notifier.idle();
    expect(FakeNotification.shownOnes()).toHaveLength(0);
    expect(server.notified).toHaveLength(1);
    expect(server.notified[0]).toMatchObject({
      appName: 'Jobwatch for TrueNAS',
      summary: 'NAS: Cloud sync to B2 failed',
      body: 'rsync: &lt;b&gt;quota&lt;/b&gt; &amp; limits',
      urgency: 2,
      expireTimeout: 0,
      desktopEntry: 'jobwatch',
      actions: [
        { key: 'default', label: 'Open' },
        { key: 'acknowledge', label: 'Acknowledge' },
        { key: 'open', label: 'Open' },
      ],
    });
    server.invoke(40, 'acknowledge');
    expect(acknowledged).toEqual([[JOB]]);
    // Taken off the screen once dealt with.
    expect(server.closedByApp).toEqual([40]);
    // Each notification acts once; an id the app did not show is ignored.
    server.invoke(40, 'open');
    server.invoke(99, 'acknowledge');
    expect(opened).toEqual([]);
    expect(acknowledged).toHaveLength(1);

    notifier.show(notification({ id: 'n2' }));
    notifier.show(notification({ id: 'n3' }));
    await notifier.idle();
    server.invoke(41, 'open');
    server.invoke(42, 'default');
    expect(opened).toEqual([
      { server: 'nas', jobKey: JOB },
      { server: 'nas', jobKey: JOB },
    ]);
  });

  it('Linux: a closed notification forgets its actions; a plain-text server gets the body unescaped', async () => {
    const server = new FakeNotificationServer();
    server.capabilityList = ['actions', 'body'];
    const { notifier, acknowledged } = setup('linux', server);
    notifier.show(notification({ body: 'a & b' }));
    await notifier.idle();
    expect(server.notified[0]!.body).toBe('a & b');
    server.closed(40);
    server.invoke(40, 'acknowledge');
    expect(acknowledged).toEqual([]);
  });

  it('Linux: a server without "actions", or one that fails, leaves the failure to Electron as before', async () => {
    const server = new FakeNotificationServer();
    server.capabilityList = ['body', 'body-markup'];
    const { notifier } = setup('linux', server);
    notifier.show(notification());
    await notifier.idle();
    expect(server.notified).toHaveLength(0);
    expect(FakeNotification.shownOnes()).toHaveLength(1);
    server.capabilityList = ['actions'];
    server.failNotify = true;
    notifier.show(notification({ id: 'n2' }));
    await notifier.idle();
    expect(FakeNotification.shownOnes()).toHaveLength(2);
    expect(FakeNotification.shownOnes()[1]!.options['actions']).toBeUndefined();
  });

  it('Linux: only failures go to the D-Bus server; other notifications stay with Electron', async () => {
    const server = new FakeNotificationServer();
    const { notifier } = setup('linux', server);
    notifier.show(notification({ jobs: ['ok-job'], urgency: 'normal' }));
    await notifier.idle();
    expect(server.notified).toHaveLength(0);
    expect(FakeNotification.shownOnes()).toHaveLength(1);
  });
});
