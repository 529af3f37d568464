/**
 * The desktop app's Linux notification client (electron/freedesktop/notification-server.ts) against a real
 * dbus-daemon on a private bus, with a stand-in notification server that lists `actions`, records Notify and sends
 * ActionInvoked / NotificationClosed as a desktop's server does when the user picks a button.
 * Without dbus-daemon the suite reports itself skipped, with the reason; it never passes vacuously.
 */
import { Message } from 'dbus-next';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectNotificationServer, type NotificationServer, type ServerSignal } from '../../electron/freedesktop/notification-server';
import { dbusDaemonUnavailable, startPrivateBus, type PrivateBus } from './cli-dbus/private-bus';
import { NOTIFICATIONS, NOTIFICATIONS_OBJECT, connected, startActionServer, type ActionServer } from './action-server';

const unavailable = dbusDaemonUnavailable();
/** Resolves with the next signal the client passes on. */
function nextSignal(client: NotificationServer): Promise<ServerSignal> {
  return new Promise((resolve) => {
    const off = client.onSignal((signal) => {
      off();
      resolve(signal);
    });
  });
}

if (unavailable !== null) {
  describe('notification actions over D-Bus', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
} else {
  describe('notification actions over D-Bus', () => {
    let bus: PrivateBus;
    let server: ActionServer;
    const clients: NotificationServer[] = [];
    const client = (logged: string[] = []) => {
      const made = connectNotificationServer({ address: bus.address, log: (m) => logged.push(m), callTimeoutMs: 3_000 });
      clients.push(made);
      return made;
    };

    beforeAll(async () => {
      bus = await startPrivateBus();
      server = await startActionServer(bus.address);
    });
    afterEach(() => {
      for (const made of clients.splice(0)) made.close();
      server.calls.length = 0;
      server.capabilities = ['actions', 'body', 'body-markup'];
    });
    afterAll(async () => {
      server?.bus.disconnect();
      await bus?.stop();
    });

    it("reads the server's capabilities and sends the actions as key/label pairs with the hints", async () => {
      const c = client();
      expect(await c.capabilities()).toEqual(['actions', 'body', 'body-markup']);
      const id = await c.notify({
        appName: 'Jobwatch for TrueNAS',
        appIcon: 'dialog-error',
        summary: 'NAS: Backup failed',
        body: 'Failed.',
        actions: [
          { key: 'default', label: 'Open' },
          { key: 'acknowledge', label: 'Acknowledge' },
          { key: 'open', label: 'Open' },
        ],
        urgency: 2,
        desktopEntry: 'jobwatch',
        expireTimeout: 0,
      });
      expect(id).toBe(7);
      expect(server.calls).toEqual([
        {
          summary: 'NAS: Backup failed',
          actions: ['default', 'Open', 'acknowledge', 'Acknowledge', 'open', 'Open'],
          hints: { urgency: expect.objectContaining({ value: 2 }), 'desktop-entry': expect.objectContaining({ value: 'jobwatch' }) },
          expire: 0,
        },
      ]);
    });

    it("passes on the server's ActionInvoked and NotificationClosed signals", async () => {
      const c = client();
      await c.capabilities();
      const action = nextSignal(c);
      server.signal('ActionInvoked', 'us', [7, 'acknowledge']);
      expect(await action).toEqual({ kind: 'action', id: 7, key: 'acknowledge' });
      const closed = nextSignal(c);
      server.signal('NotificationClosed', 'uu', [7, 2]);
      expect(await closed).toEqual({ kind: 'closed', id: 7, reason: 2 });
    });

    it('ignores the same signal from another peer on the bus, and a malformed one', async () => {
      const c = client();
      await c.capabilities();
      const seen: ServerSignal[] = [];
      c.onSignal((signal) => seen.push(signal));
      const impostor = await connected(bus.address);
      try {
        impostor.send(Message.newSignal(NOTIFICATIONS_OBJECT, NOTIFICATIONS, 'ActionInvoked', 'us', [7, 'acknowledge']));
        server.signal('ActionInvoked', 'ss', ['7', 'acknowledge']);
        // The server's genuine signal after both: when it arrives, the two before it were already dropped.
        const genuine = nextSignal(c);
        server.signal('ActionInvoked', 'us', [8, 'open']);
        await genuine;
        expect(seen).toEqual([{ kind: 'action', id: 8, key: 'open' }]);
      } finally {
        impostor.disconnect();
      }
    });

    it('follows a notification server that was restarted: its new signals count, the old owner is forgotten', async () => {
      const c = client();
      await c.capabilities();
      server.bus.disconnect();
      server = await startActionServer(bus.address);
      await c.capabilities();
      const action = nextSignal(c);
      server.signal('ActionInvoked', 'us', [9, 'open']);
      expect(await action).toEqual({ kind: 'action', id: 9, key: 'open' });
    });

    it('answers null without a server on the bus and says so once', async () => {
      const other = await startPrivateBus();
      try {
        const logged: string[] = [];
        const c = connectNotificationServer({ address: other.address, log: (m) => logged.push(m), callTimeoutMs: 3_000 });
        clients.push(c);
        expect(await c.capabilities()).toBeNull();
        expect(await c.capabilities()).toBeNull();
        expect(logged).toEqual([
          'Notification actions are not offered: no notification server answers on the session bus (ServiceUnknown).',
        ]);
      } finally {
        await other.stop();
      }
    });

    it('answers null without a session bus', async () => {
      const logged: string[] = [];
      const c = connectNotificationServer({ address: undefined, log: (m) => logged.push(m) });
      clients.push(c);
      expect(await c.capabilities()).toBeNull();
      expect(await c.notify({ appName: 'x', appIcon: '', summary: 's', body: 'b', actions: [], urgency: 1, expireTimeout: -1 })).toBeNull();
      expect(logged).toEqual(['Notification actions are not offered: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set).']);
    });
  });
}
