/**
 * Desktop notifications for `jobwatch watch --notify` on Linux: `org.freedesktop.Notifications.Notify` on the
 * session bus, through dbus-next's low-level Message API (no introspection round trip, and no decorators).
 *
 * Best effort by design: the CLI's printed lines are the product, a desktop popup is extra. When there is no
 * session bus, or no notification server on it, one line is written through `warn` (once for the notifier's
 * lifetime) and every notify() resolves to null; nothing here throws or rejects.
 */
import type * as DbusNext from 'dbus-next';
import type { Message, MessageBus } from 'dbus-next';

/** dbus-next (about 12 MiB once loaded) is loaded only when --notify sends its first notification. */
let dbusNext: Promise<typeof DbusNext> | null = null;
function loadDbusNext(): Promise<typeof DbusNext> {
  return (dbusNext ??= import('dbus-next'));
}
import type { NotificationView } from '../core/view';
import { LINE_BREAK, escapeMarkup, stripUnsafe, truncate } from '../core/notification-text';

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

export const NOTIFICATIONS_NAME = 'org.freedesktop.Notifications';
export const NOTIFICATIONS_PATH = '/org/freedesktop/Notifications';
export const APP_NAME = 'Jobwatch';

/** The spec's urgency levels (hint `urgency`, a byte). */
export const URGENCY_BYTE: Record<NotificationView['urgency'], number> = { low: 0, normal: 1, critical: 2 };

const ICON_BY_URGENCY: Record<NotificationView['urgency'], string> = {
  low: 'dialog-information',
  normal: 'dialog-information',
  critical: 'dialog-error',
};

/** Servers truncate anyway; bounding here keeps a hostile job description from growing the message. */
export const MAX_SUMMARY_CHARS = 120;
export const MAX_BODY_CHARS = 600;
const DEFAULT_CALL_TIMEOUT_MS = 5_000;
/** Server ids kept for replaces_id, so a re-sent notification replaces its popup instead of stacking. */
const MAX_REMEMBERED_IDS = 200;

export { escapeMarkup };

/** At most `max` characters, safe to show (see stripUnsafe); line breaks kept as '\n' when `keepNewlines`. */
export function boundText(text: string, max: number, keepNewlines: boolean): string {
  const lines = text
    .slice(0, max * 4)
    .split(LINE_BREAK)
    .map((line) => stripUnsafe(line, ' '));
  return truncate(lines.join(keepNewlines ? '\n' : ' ').trim(), max);
}

/**
 * The address entries dbus-next can reach, or null when none. `unix:abstract=` sockets need a native addon of
 * dbus-next's that is not built here, and Node's net module pads abstract names, so it cannot reach them either
 * (tried: ECONNREFUSED). Desktop sessions normally use `unix:path=/run/user/UID/bus`, which works.
 */
export function usableAddress(address: string): string | null {
  const entries = address
    .split(';')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !/^unix:(?:[^,]*,)*abstract=/.test(entry));
  return entries.length === 0 ? null : entries.join(';');
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const type = (err as { type?: unknown }).type;
    if (typeof type === 'string') return type.replace(/^org\.freedesktop\.DBus\.Error\./, '');
    return code ?? err.message.split('\n')[0] ?? 'error';
  }
  return String(err);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
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
}

export function createDbusNotifier(options: DbusNotifierOptions = {}): DbusNotifier {
  const warn = options.warn ?? ((line: string) => process.stderr.write(`${line}\n`));
  const timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const env = options.env ?? process.env;

  let warned = false;
  let closed = false;
  let bus: MessageBus | null = null;
  /** null until the first notify; then the one connection attempt, shared by concurrent callers. */
  let connecting: Promise<MessageBus | null> | null = null;
  /** Learnt once per connection; unknown until GetCapabilities answers. */
  let bodyMarkup: boolean | null = null;
  const serverIds = new Map<string, number>();
  /** Rejects when the connected bus fails, so calls in flight end at once rather than at their timeout. */
  let busLost: Promise<never> = new Promise<never>(() => undefined);
  /** Set by connect() before any bus exists, so every use below has it. */
  let dbus: typeof DbusNext | null = null;

  function warnOnce(reason: string): void {
    if (warned) return;
    warned = true;
    warn(`jobwatch: desktop notifications not shown: ${reason}; lines are still printed`);
  }

  async function connect(): Promise<MessageBus | null> {
    const address = options.busAddress ?? env.DBUS_SESSION_BUS_ADDRESS;
    if (address === undefined || address.trim() === '') {
      warnOnce('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)');
      return Promise.resolve(null);
    }
    const usable = usableAddress(address);
    if (usable === null) {
      warnOnce('the session bus is on an abstract socket (unix:abstract=…), which jobwatch cannot reach');
      return Promise.resolve(null);
    }
    try {
      dbus = await loadDbusNext();
    } catch (err) {
      warnOnce(`the D-Bus library could not be loaded (${describe(err)})`);
      return null;
    }
    let candidate: MessageBus;
    try {
      candidate = dbus.sessionBus({ busAddress: usable });
    } catch (err) {
      // dbus-next throws synchronously for addresses it cannot parse.
      warnOnce(`cannot use D-Bus address ${JSON.stringify(address)} (${describe(err)})`);
      return Promise.resolve(null);
    }
    // Attached at once and never removed: an EventEmitter 'error' without a listener would crash the CLI.
    let reportLost: (err: unknown) => void = () => undefined;
    const lost = new Promise<never>((_resolve, reject) => (reportLost = reject));
    lost.catch(() => undefined); // observed through busLost; never an unhandled rejection
    candidate.on('error', (err: unknown) => {
      // Errors before the connection is up are reported by the connect step below.
      if (bus !== candidate) return;
      bus = null;
      reportLost(err);
      if (!closed) warnOnce(`lost the D-Bus session bus (${describe(err)})`);
    });
    const connected = new Promise<MessageBus>((resolve, reject) => {
      candidate.once('connect', () => resolve(candidate));
      candidate.once('error', reject);
    });
    return withTimeout(connected, timeoutMs, 'connecting to the session bus').then(
      (ready) => {
        if (closed) {
          ready.disconnect();
          return null;
        }
        bus = ready;
        busLost = lost;
        return ready;
      },
      (err: unknown) => {
        warnOnce(`cannot connect to the D-Bus session bus (${describe(err)})`);
        try {
          candidate.disconnect();
        } catch {
          // the stream may never have opened
        }
        return null;
      },
    );
  }

  async function call(target: MessageBus, member: string, signature: string, body: unknown[]): Promise<Message> {
    const message = new dbus!.Message({
      destination: NOTIFICATIONS_NAME,
      path: NOTIFICATIONS_PATH,
      interface: NOTIFICATIONS_NAME,
      member,
      signature,
      body,
    });
    const reply = await withTimeout(Promise.race([target.call(message), busLost]), timeoutMs, member);
    if (reply === null) throw new Error(`${member}: no reply`);
    return reply;
  }

  async function learnCapabilities(target: MessageBus): Promise<void> {
    if (bodyMarkup !== null) return;
    try {
      const reply = await call(target, 'GetCapabilities', '', []);
      const capabilities: unknown = reply.body[0];
      bodyMarkup = Array.isArray(capabilities) && capabilities.includes('body-markup');
    } catch {
      // Unknown: notify() escapes, which is safe either way (at worst a literal &amp; on a plain-text server).
    }
  }

  async function notify(notification: NotificationView): Promise<number | null> {
    // The rules decided not to show it (quiet hours, mute, pause): it is printed, not popped up.
    if (closed || notification.suppressed !== null) return null;
    if (connecting === null) connecting = connect();
    const target = bus ?? (await connecting);
    if (target === null || closed || bus === null) return null;
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
        { urgency: new dbus!.Variant('y', URGENCY_BYTE[notification.urgency]) },
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
        reason === 'ServiceUnknown' || reason === 'NameHasNoOwner'
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
    const current = bus;
    bus = null;
    if (current !== null) {
      try {
        current.disconnect();
      } catch {
        // already gone
      }
    }
  }

  return { notify, close };
}
