/**
 * Desktop notifications for `jobwatch watch --notify` on Linux: `org.freedesktop.Notifications.Notify` on the
 * session bus, through dbus-next's low-level Message API (no introspection round trip, and no decorators).
 *
 * Best effort by design: the CLI's printed lines are the product, a desktop popup is extra. When there is no
 * session bus, or no notification server on it, one line is written through `warn` (once for the notifier's
 * lifetime) and every notify() resolves to null; nothing here throws or rejects.
 */
import type { Message } from 'dbus-next';
import type { NotificationView } from '../core/view';
import { escapeMarkup } from '../core/notification-text';
import {
  APP_NAME,
  MAX_BODY_CHARS,
  MAX_SUMMARY_CHARS,
  NOTIFICATIONS_NAME,
  NOTIFICATIONS_PATH,
  URGENCY_BYTE,
  boundText,
  callNotifications,
  describeBusError as describe,
  getCapabilities,
  isNoServer,
  openSessionBus,
  usableAddress,
  type OpenedBus,
} from '../freedesktop/session-bus';

export interface DbusNotifierOptions {
  /** A D-Bus address (`unix:path=…`); the session bus of the environment when omitted. */
  busAddress?: string;
  /** Where the one warning goes; stderr when omitted. */
  warn?: (line: string) => void;
  /** How long one bus call may take before it counts as failed. */
  callTimeoutMs?: number;
  /** Looked up for DBUS_SESSION_BUS_ADDRESS when no busAddress is given; process.env when omitted. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface DbusNotifier {
  /**
   * Shows one notification; resolves to the server's notification id, or null when it was not shown (suppressed
   * by the rules, no bus, no notification server, closed). Never rejects.
   */
  notify(notification: NotificationView): Promise<number | null>;
  /** Disconnects from the bus. Idempotent. */
  close(): void;
}

// The protocol's constants and helpers live in electron/freedesktop/session-bus.ts, shared with the desktop app.
export {
  APP_NAME,
  MAX_BODY_CHARS,
  MAX_SUMMARY_CHARS,
  NOTIFICATIONS_NAME,
  NOTIFICATIONS_PATH,
  URGENCY_BYTE,
  boundText,
  escapeMarkup,
  usableAddress,
};

const ICON_BY_URGENCY: Record<NotificationView['urgency'], string> = {
  low: 'dialog-information',
  normal: 'dialog-information',
  critical: 'dialog-error',
};

const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/** Server ids kept for replaces_id, so a re-sent notification replaces its popup instead of stacking. */
const MAX_REMEMBERED_IDS = 200;

export function createDbusNotifier(options: DbusNotifierOptions = {}): DbusNotifier {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const env = options.env ?? process.env;

  let warned = false;
  let closed = false;
  /** The connected bus; null before the first notify, after a failure and after close. */
  let opened: OpenedBus | null = null;
  /** null until the first notify; then the one connection attempt, shared by concurrent callers. */
  let connecting: Promise<OpenedBus | null> | null = null;
  /** Learnt once per connection; unknown until GetCapabilities answers. */
  let bodyMarkup: boolean | null = null;
  const serverIds = new Map<string, number>();

  function warnOnce(reason: string): void {
    if (warned) return;
    warned = true;
    warn(`jobwatch: desktop notifications not shown: ${reason}; lines are still printed`);
  }

  async function connect(): Promise<OpenedBus | null> {
    const result = await openSessionBus(options.busAddress ?? env.DBUS_SESSION_BUS_ADDRESS, timeoutMs);
    if (!result.ok) {
      warnOnce(result.reason);
      return null;
    }
    if (closed) {
      result.bus.disconnect();
      return null;
    }
    result.onLost((reason) => {
      opened = null;
      if (!closed) warnOnce(`lost the D-Bus session bus (${reason})`);
    });
    opened = result;
    return result;
  }

  function call(target: OpenedBus, member: string, signature: string, body: unknown[]): Promise<Message> {
    return callNotifications(target, member, signature, body, timeoutMs);
  }

  async function learnCapabilities(target: OpenedBus): Promise<void> {
    if (bodyMarkup !== null) return;
    try {
      const capabilities = await getCapabilities(target, timeoutMs);
      bodyMarkup = capabilities !== null && capabilities.includes('body-markup');
    } catch {
      // Unknown: notify() escapes, which is safe either way (at worst a literal &amp; on a plain-text server).
    }
  }

  async function notify(notification: NotificationView): Promise<number | null> {
    // The rules decided not to show it (quiet hours, mute, pause): it is printed, not popped up.
    if (closed || notification.suppressed !== null) return null;
    if (connecting === null) connecting = connect();
    const target = opened ?? (await connecting);
    if (target === null || closed || opened === null) return null;
    await learnCapabilities(target);

    const summary = boundText(notification.title, MAX_SUMMARY_CHARS, false);
    const plainBody = boundText(notification.body, MAX_BODY_CHARS, true);
    const body = bodyMarkup === false ? plainBody : escapeMarkup(plainBody);
    const replacesId = serverIds.get(notification.id) ?? 0;
    try {
      const reply = await call(target, 'Notify', 'susssasa{sv}i', [
        APP_NAME,
        replacesId,
        ICON_BY_URGENCY[notification.urgency],
        summary,
        body,
        [],
        { urgency: new target.dbus.Variant('y', URGENCY_BYTE[notification.urgency]) },
        -1, // the server's default expiry (critical ones stay until dismissed, per the spec)
      ]);
      const id: unknown = reply.body[0];
      if (typeof id !== 'number') return null;
      serverIds.delete(notification.id);
      serverIds.set(notification.id, id);
      if (serverIds.size > MAX_REMEMBERED_IDS) {
        const oldest = serverIds.keys().next();
        if (oldest.done !== true) serverIds.delete(oldest.value);
      }
      return id;
    } catch (err) {
      const reason = describe(err);
      warnOnce(
        isNoServer(reason)
          ? `no notification server on the session bus (${NOTIFICATIONS_NAME})`
          : `the notification server failed (${reason})`,
      );
      // Capabilities may differ if another server starts later.
      bodyMarkup = null;
      return null;
    }
  }

  function close(): void {
    if (closed) return;
    closed = true;
    const current = opened;
    opened = null;
    if (current !== null) {
      try {
        current.bus.disconnect();
      } catch {
        // already gone
      }
    }
  }

  return { notify, close };
}
