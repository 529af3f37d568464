/**
 * `jobwatch watch --notify`: the rules engine's notifications as real desktop notifications over D-Bus
 * (org.freedesktop.Notifications on the session bus, which every Linux desktop's notification daemon serves).
 * When there is no bus or no notification daemon, one clear warning, and the CLI goes on printing lines.
 */
import dbus from 'dbus-next';
import type { NotificationView } from '../core/view';

const SERVICE = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';
const APP_NAME = 'Jobwatch';
const URGENCY: Record<NotificationView['urgency'], number> = { low: 0, normal: 1, critical: 2 };

export interface DesktopNotifier {
  /** The notification id the daemon gave, or null when it could not be shown. */
  notify(notification: NotificationView): Promise<number | null>;
  close(): Promise<void>;
}

export interface DesktopNotifierOptions {
  /** A D-Bus address; default: the session bus from DBUS_SESSION_BUS_ADDRESS. */
  busAddress?: string;
  warn: (message: string) => void;
  /** Give up on a call after this long (a daemon that never answers must not pile up calls). */
  timeoutMs?: number;
}

/** Notification daemons may interpret a subset of HTML in the body: show text as text. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface NotificationsInterface {
  Notify(
    appName: string,
    replacesId: number,
    appIcon: string,
    summary: string,
    body: string,
    actions: string[],
    hints: Record<string, dbus.Variant>,
    expireTimeout: number,
  ): Promise<number>;
}

export function createDesktopNotifier(options: DesktopNotifierOptions): DesktopNotifier {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let warned = false;
  let bus: dbus.MessageBus | null = null;
  let iface: Promise<NotificationsInterface> | null = null;

  const warnOnce = (reason: string) => {
    if (warned) return;
    warned = true;
    options.warn(`desktop notifications are off: ${reason}. Notifications are still printed.`);
  };

  const connect = (): Promise<NotificationsInterface> => {
    if (!iface) {
      iface = (async () => {
        if (!options.busAddress && !process.env['DBUS_SESSION_BUS_ADDRESS']) throw new Error('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)');
        bus = dbus.sessionBus(options.busAddress ? { busAddress: options.busAddress } : {});
        // A bus that cannot be reached emits 'error' instead of rejecting: turn it into a warning, not a crash.
        bus.on('error', (err: Error) => warnOnce(`the D-Bus session bus is unreachable (${err.message})`));
        const proxy = await bus.getProxyObject(SERVICE, PATH);
        return proxy.getInterface(SERVICE) as unknown as NotificationsInterface;
      })();
    }
    return iface;
  };

  const withTimeout = <T>(promise: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });

  return {
    async notify(notification) {
      if (warned) return null;
      try {
        const notifications = await withTimeout(connect());
        return await withTimeout(
          notifications.Notify(
            APP_NAME,
            0,
            'dialog-information',
            notification.title,
            escapeMarkup(notification.body),
            [],
            { urgency: new dbus.Variant('y', URGENCY[notification.urgency]) },
            // Failures stay until dismissed; the rest use the daemon's default timeout.
            notification.urgency === 'critical' ? 0 : -1,
          ),
        );
      } catch (err) {
        warnOnce(`no notification service answered on D-Bus (${(err as Error).message})`);
        return null;
      }
    },
    async close() {
      bus?.disconnect();
      bus = null;
    },
  };
}
