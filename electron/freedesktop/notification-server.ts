/**
 * A client of the desktop's notification server for notifications with actions: Notify with an action list, the
 * server's capabilities, and its ActionInvoked / NotificationClosed signals. The desktop app uses it on Linux,
 * where Electron's Notification has no actions (electron/main/notifications.ts).
 *
 * Never throws or rejects: without a bus or a server, capabilities() and notify() answer null and the caller falls
 * back to what it did before. Signals are taken only from the current owner of org.freedesktop.Notifications, and
 * their bodies are checked before use (any peer on the session bus can send a signal).
 */
import type { Message } from 'dbus-next';
import { z } from 'zod';
import {
  NOTIFICATIONS_NAME,
  NOTIFICATIONS_PATH,
  callNotifications,
  describeBusError,
  getCapabilities,
  openSessionBus,
  withTimeout,
  type OpenedBus,
} from './session-bus';

export interface NotifyRequest {
  appName: string;
  appIcon: string;
  summary: string;
  body: string;
  /** [key, label] pairs, in order; the key `default` is the click on the notification itself (spec, "Actions"). */
  actions: Array<{ key: string; label: string }>;
  urgency: number;
  /** The .desktop file's name without `.desktop`, so the server can group and theme the app's notifications. */
  desktopEntry?: string;
  /** Milliseconds; 0 never expires, -1 the server's default. */
  expireTimeout: number;
}

export type ServerSignal = { kind: 'action'; id: number; key: string } | { kind: 'closed'; id: number; reason: number };

export interface NotificationServer {
  /** The server's capabilities (`actions`, `body-markup`…), or null without a bus or a server. Never rejects. */
  capabilities(): Promise<string[] | null>;
  /** Shows a notification; its server id, or null when it was not shown. Never rejects. */
  notify(request: NotifyRequest): Promise<number | null>;
  /** Takes a notification off the screen (CloseNotification); not every server closes one when an action is picked. */
  closeNotification(id: number): Promise<void>;
  /** Listens to the server's signals; returns the unsubscribe function. */
  onSignal(listener: (signal: ServerSignal) => void): () => void;
  close(): void;
}

const ActionInvokedSchema = z.tuple([z.number().int().nonnegative(), z.string().max(200)]);
const NotificationClosedSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

/** The signals this client listens to (added on the bus daemon as match rules). */
const MATCH_RULES = ['ActionInvoked', 'NotificationClosed'].map(
  (member) => `type='signal',interface='${NOTIFICATIONS_NAME}',path='${NOTIFICATIONS_PATH}',member='${member}'`,
);

/** A signal's meaning, or null when it is not one of the server's notification signals or is malformed. */
export function parseServerSignal(message: Pick<Message, 'interface' | 'path' | 'member' | 'body'>): ServerSignal | null {
  if (message.interface !== NOTIFICATIONS_NAME || message.path !== NOTIFICATIONS_PATH) return null;
  if (message.member === 'ActionInvoked') {
    const parsed = ActionInvokedSchema.safeParse(message.body);
    return parsed.success ? { kind: 'action', id: parsed.data[0], key: parsed.data[1] } : null;
  }
  if (message.member === 'NotificationClosed') {
    const parsed = NotificationClosedSchema.safeParse(message.body);
    return parsed.success ? { kind: 'closed', id: parsed.data[0], reason: parsed.data[1] } : null;
  }
  return null;
}

export interface NotificationServerOptions {
  /** DBUS_SESSION_BUS_ADDRESS. */
  address: string | undefined;
  /** Where the one line about a missing bus or server goes. */
  log: (message: string) => void;
  callTimeoutMs?: number;
}

export function connectNotificationServer(options: NotificationServerOptions): NotificationServer {
  const timeoutMs = options.callTimeoutMs ?? 5_000;
  const listeners = new Set<(signal: ServerSignal) => void>();
  let closed = false;
  let reported = false;
  let opened: OpenedBus | null = null;
  let connecting: Promise<OpenedBus | null> | null = null;
  /** The unique name (":1.23") owning org.freedesktop.Notifications: the only sender whose signals count. */
  let serverOwner: string | null = null;

  function report(reason: string): void {
    if (reported) return;
    reported = true;
    options.log(`Notification actions are not offered: ${reason}.`);
  }

  async function ownerOf(target: OpenedBus): Promise<string | null> {
    const message = new target.dbus.Message({
      destination: 'org.freedesktop.DBus',
      path: '/org/freedesktop/DBus',
      interface: 'org.freedesktop.DBus',
      member: 'GetNameOwner',
      signature: 's',
      body: [NOTIFICATIONS_NAME],
    });
    try {
      const reply = await withTimeout(Promise.race([target.bus.call(message), target.lost]), timeoutMs, 'GetNameOwner');
      const owner: unknown = reply?.body[0];
      return typeof owner === 'string' ? owner : null;
    } catch {
      return null;
    }
  }

  async function connect(): Promise<OpenedBus | null> {
    const result = await openSessionBus(options.address, timeoutMs);
    if (!result.ok) {
      report(result.reason);
      return null;
    }
    if (closed) {
      result.bus.disconnect();
      return null;
    }
    result.onLost((reason) => {
      opened = null;
      connecting = null;
      serverOwner = null;
      if (!closed) options.log(`Lost the D-Bus session bus (${reason}); notifications go through Electron until it is back.`);
    });
    result.bus.on('message', (message: Message) => {
      if (message.type !== result.dbus.MessageType.SIGNAL || serverOwner === null || message.sender !== serverOwner) return;
      const signal = parseServerSignal(message);
      if (signal) for (const listener of listeners) listener(signal);
    });
    for (const rule of MATCH_RULES) {
      const add = new result.dbus.Message({
        destination: 'org.freedesktop.DBus',
        path: '/org/freedesktop/DBus',
        interface: 'org.freedesktop.DBus',
        member: 'AddMatch',
        signature: 's',
        body: [rule],
      });
      try {
        await withTimeout(Promise.race([result.bus.call(add), result.lost]), timeoutMs, 'AddMatch');
      } catch (err) {
        report(`the session bus refused to pass on the server's signals (${describeBusError(err)})`);
        result.bus.disconnect();
        return null;
      }
    }
    opened = result;
    return result;
  }

  async function bus(): Promise<OpenedBus | null> {
    if (closed) return null;
    connecting ??= connect();
    const target = opened ?? (await connecting);
    // Tried again at the next notification: a desktop session may get its bus or server after the app started.
    if (target === null) connecting = null;
    return target;
  }

  return {
    async capabilities() {
      // Asked again for each notification (failures are rare; both calls are local): a notification server that
      // was restarted or replaced has new capabilities and a new unique name, whose signals are the ones to take.
      const target = await bus();
      if (target === null) return null;
      try {
        const capabilities = await getCapabilities(target, timeoutMs);
        serverOwner = await ownerOf(target);
        return capabilities;
      } catch (err) {
        report(`no notification server answers on the session bus (${describeBusError(err)})`);
        return null;
      }
    },
    async notify(request) {
      const target = await bus();
      if (target === null) return null;
      try {
        const reply = await callNotifications(
          target,
          'Notify',
          'susssasa{sv}i',
          [
            request.appName,
            0,
            request.appIcon,
            request.summary,
            request.body,
            request.actions.flatMap((action) => [action.key, action.label]),
            {
              urgency: new target.dbus.Variant('y', request.urgency),
              ...(request.desktopEntry ? { 'desktop-entry': new target.dbus.Variant('s', request.desktopEntry) } : {}),
            },
            request.expireTimeout,
          ],
          timeoutMs,
        );
        const id: unknown = reply.body[0];
        return typeof id === 'number' ? id : null;
      } catch (err) {
        options.log(`The notification server did not show a notification (${describeBusError(err)}).`);
        return null;
      }
    },
    async closeNotification(id) {
      const target = opened;
      if (target === null) return;
      try {
        await callNotifications(target, 'CloseNotification', 'u', [id], timeoutMs);
      } catch {
        // Already closed, or the server went away: nothing left on screen to close.
      }
    },
    onSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      const current = opened;
      opened = null;
      try {
        current?.bus.disconnect();
      } catch {
        // already gone
      }
    },
  };
}
