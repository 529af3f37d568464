/**
 * The D-Bus notifier against a real dbus-daemon on a private bus, with a recording notification server.
 * Without dbus-daemon the suite reports itself skipped, with the reason; it never passes vacuously.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDbusNotifier, usableAddress } from '../../../electron/cli/dbus-notifier';
import type { DbusNotifier } from '../../../electron/cli/dbus-notifier';
import type { NotificationView } from '../../../electron/core/view';
import { dbusDaemonUnavailable, startFakeNotificationServer, startPrivateBus } from './private-bus';
import type { FakeNotificationServer, PrivateBus } from './private-bus';

const unavailable = dbusDaemonUnavailable();

function view(overrides: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'n1',
    server: 'nas1',
    title: 'Replication failed on nas1',
    body: 'replication.run: [EFAULT] Failed to connect to remote host.',
    urgency: 'critical',
    jobs: [],
    catchUp: false,
    suppressed: null,
    createdAt: 0,
    ...overrides,
  };
}

/** Notifiers made by a test, closed after it so no bus connection outlives its test. */
const opened: DbusNotifier[] = [];
function notifier(options: Parameters<typeof createDbusNotifier>[0]): { notifier: DbusNotifier; warnings: string[] } {
  const warnings: string[] = [];
  const made = createDbusNotifier({ warn: (line) => warnings.push(line), ...options });
  opened.push(made);
  return { notifier: made, warnings };
}
afterEach(() => {
  for (const made of opened.splice(0)) made.close();
});

if (unavailable !== null) {
  describe('D-Bus notifier on a private session bus', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
} else {
  describe('D-Bus notifier with a notification server', () => {
    let bus: PrivateBus;
    let server: FakeNotificationServer;

    beforeAll(async () => {
      bus = await startPrivateBus();
      server = await startFakeNotificationServer(bus.address);
    });
    afterAll(async () => {
      server?.stop();
      await bus?.stop();
    });
    afterEach(() => {
      server.calls.length = 0;
      server.capabilities = ['body', 'body-markup'];
    });

    it('sends summary, escaped body, urgency hint and the app name', async () => {
      const { notifier: n, warnings } = notifier({ busAddress: bus.address });
      const id = await n.notify(view({ body: 'cloudsync.sync: <b>quota</b> & "limits"' }));

      expect(typeof id).toBe('number');
      expect(server.calls).toHaveLength(1);
      const call = server.calls[0]!;
      expect(call).toMatchObject({
        appName: 'Jobwatch',
        replacesId: 0,
        icon: 'dialog-error',
        summary: 'Replication failed on nas1',
        body: 'cloudsync.sync: &lt;b&gt;quota&lt;/b&gt; &amp; "limits"',
        actions: [],
        expireTimeout: -1,
      });
      expect(call.hints.urgency).toMatchObject({ signature: 'y', value: 2 });
      expect(warnings).toEqual([]);
    });

    it('maps every urgency to its byte', async () => {
      const { notifier: n } = notifier({ busAddress: bus.address });
      await n.notify(view({ id: 'a', urgency: 'low' }));
      await n.notify(view({ id: 'b', urgency: 'normal' }));
      await n.notify(view({ id: 'c', urgency: 'critical' }));
      expect(server.calls.map((call) => call.hints.urgency?.value)).toEqual([0, 1, 2]);
      expect(server.calls.map((call) => call.icon)).toEqual(['dialog-information', 'dialog-information', 'dialog-error']);
    });

    it('sends the body as plain text to a server without body-markup', async () => {
      server.capabilities = ['body'];
      const { notifier: n } = notifier({ busAddress: bus.address });
      await n.notify(view({ body: 'a < b & c > d' }));
      expect(server.calls[0]?.body).toBe('a < b & c > d');
    });

    it('bounds and flattens the texts', async () => {
      const { notifier: n } = notifier({ busAddress: bus.address });
      await n.notify(view({ title: `two\nlines ${'t'.repeat(300)}`, body: `first\nsecond\u001b[31m ${'b'.repeat(1000)}` }));
      const call = server.calls[0]!;
      expect(call.summary).toMatch(/^two lines t+…$/);
      expect(call.summary).toHaveLength(120);
      expect(call.body).toMatch(/^first\nsecond \[31m b+…$/);
      expect(call.body).toHaveLength(600);
    });

    it('replaces its own earlier popup when the same notification is sent again', async () => {
      const { notifier: n } = notifier({ busAddress: bus.address });
      const first = await n.notify(view({ id: 'same' }));
      const second = await n.notify(view({ id: 'same', body: 'updated' }));
      const other = await n.notify(view({ id: 'other' }));
      expect(server.calls.map((call) => call.replacesId)).toEqual([0, first, 0]);
      expect(second).toBe(first);
      expect(other).not.toBe(first);
    });

    it('does not pop up what the rules suppressed', async () => {
      const { notifier: n, warnings } = notifier({ busAddress: bus.address });
      expect(await n.notify(view({ suppressed: 'quiet-hours' }))).toBeNull();
      expect(await n.notify(view({ id: 'shown' }))).not.toBeNull();
      expect(server.calls.map((call) => call.summary)).toEqual(['Replication failed on nas1']);
      expect(warnings).toEqual([]);
    });

    it('handles concurrent notifications over one connection', async () => {
      const { notifier: n } = notifier({ busAddress: bus.address });
      const ids = await Promise.all([1, 2, 3, 4, 5].map((i) => n.notify(view({ id: `c${i}`, title: `t${i}` }))));
      expect(new Set(ids).size).toBe(5);
      expect(server.calls.map((call) => call.summary).sort()).toEqual(['t1', 't2', 't3', 't4', 't5']);
    });

    it('sends nothing after close', async () => {
      const { notifier: n } = notifier({ busAddress: bus.address });
      await n.notify(view());
      n.close();
      n.close();
      expect(await n.notify(view({ id: 'late' }))).toBeNull();
      expect(server.calls).toHaveLength(1);
    });

    it('uses DBUS_SESSION_BUS_ADDRESS when no address is given', async () => {
      const { notifier: n } = notifier({ env: { DBUS_SESSION_BUS_ADDRESS: bus.address } });
      expect(await n.notify(view())).not.toBeNull();
      expect(server.calls).toHaveLength(1);
    });
  });

  describe('D-Bus notifier without a notification server', () => {
    let bus: PrivateBus;
    beforeAll(async () => {
      bus = await startPrivateBus();
    });
    afterAll(async () => {
      await bus?.stop();
    });

    it('warns once and goes on', async () => {
      const { notifier: n, warnings } = notifier({ busAddress: bus.address });
      expect(await n.notify(view())).toBeNull();
      expect(await n.notify(view({ id: 'again' }))).toBeNull();
      expect(warnings).toEqual([
        'jobwatch: desktop notifications not shown: no notification server on the session bus (org.freedesktop.Notifications); lines are still printed',
      ]);
    });

    it('shows notifications once a server appears later', async () => {
      const { notifier: n, warnings } = notifier({ busAddress: bus.address });
      expect(await n.notify(view())).toBeNull();
      const server = await startFakeNotificationServer(bus.address);
      try {
        expect(await n.notify(view({ id: 'later' }))).not.toBeNull();
        expect(server.calls).toHaveLength(1);
        expect(warnings).toHaveLength(1);
      } finally {
        server.stop();
      }
    });
  });
}

describe('D-Bus notifier without a bus', () => {
  it('warns once when the bus is unreachable, and never throws', async () => {
    const { notifier: n, warnings } = notifier({ busAddress: 'unix:path=/nonexistent/jobwatch-test/bus' });
    await expect(n.notify(view())).resolves.toBeNull();
    await expect(n.notify(view({ id: 'again' }))).resolves.toBeNull();
    expect(warnings).toEqual([
      'jobwatch: desktop notifications not shown: cannot connect to the D-Bus session bus (ENOENT); lines are still printed',
    ]);
  });

  it('warns when there is no session bus at all', async () => {
    const { notifier: n, warnings } = notifier({ env: {} });
    await expect(n.notify(view())).resolves.toBeNull();
    expect(warnings).toEqual([
      'jobwatch: desktop notifications not shown: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set); lines are still printed',
    ]);
  });

  it('warns on an address it cannot parse', async () => {
    const { notifier: n, warnings } = notifier({ busAddress: 'garbage' });
    await expect(n.notify(view())).resolves.toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^jobwatch: desktop notifications not shown: cannot use D-Bus address "garbage" \(/);
  });

  it('explains an abstract-socket-only bus address, which it cannot reach', async () => {
    const { notifier: n, warnings } = notifier({ busAddress: 'unix:abstract=/tmp/dbus-x,guid=abc' });
    await expect(n.notify(view())).resolves.toBeNull();
    expect(warnings).toEqual([
      'jobwatch: desktop notifications not shown: the session bus is on an abstract socket (unix:abstract=…), which jobwatch cannot reach; lines are still printed',
    ]);
  });

  it('keeps only the address entries it can reach', () => {
    expect(usableAddress('unix:abstract=/tmp/dbus-x,guid=abc')).toBeNull();
    expect(usableAddress('unix:guid=abc,abstract=/tmp/dbus-x')).toBeNull();
    expect(usableAddress('unix:path=/run/user/1000/bus')).toBe('unix:path=/run/user/1000/bus');
    expect(usableAddress('unix:abstract=a;unix:path=/b')).toBe('unix:path=/b');
    expect(usableAddress(' ; ')).toBeNull();
  });
});

if (unavailable === null) {
  describe('D-Bus notifier when the bus goes away', () => {
    it('warns once, returns null and does not throw', async () => {
      const bus = await startPrivateBus();
      const server = await startFakeNotificationServer(bus.address);
      // A call timeout far beyond the test's own: a null here means the loss was noticed, not timed out.
      const { notifier: n, warnings } = notifier({ busAddress: bus.address, callTimeoutMs: 60_000 });
      try {
        expect(await n.notify(view())).not.toBeNull();
        await bus.stop();
        expect(await n.notify(view({ id: 'after' }))).toBeNull();
        expect(await n.notify(view({ id: 'after-2' }))).toBeNull();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(
          /^jobwatch: desktop notifications not shown: lost the D-Bus session bus \(.+\); lines are still printed$/,
        );
      } finally {
        server.stop();
        await bus.stop();
      }
    });
  });
}
