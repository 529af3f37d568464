/**
 * The freedesktop notification protocol on the D-Bus session bus, shared by both faces: the CLI's `watch --notify`
 * (electron/cli/dbus-notifier.ts) and the desktop app's Linux notifications with actions
 * (electron/main/linux-notifications.ts). Plain Node and dbus-next's low-level Message API (no introspection round
 * trip, no decorators); it imports nothing of Electron, main or cli (.dependency-cruiser.cjs, `freedesktop-is-shared`).
 *
 * The specification: org.freedesktop.Notifications (Notify, GetCapabilities, CloseNotification; the signals
 * ActionInvoked and NotificationClosed), as implemented by GNOME Shell, KDE Plasma, dunst, mako and others.
 */
import type * as DbusNext from 'dbus-next';
import type { Message, MessageBus } from 'dbus-next';
import { LINE_BREAK, stripUnsafe, truncate } from '../core/notification-text';
import type { NotificationView } from '../core/view';

export const NOTIFICATIONS_NAME = 'org.freedesktop.Notifications';
export const NOTIFICATIONS_PATH = '/org/freedesktop/Notifications';
export const APP_NAME = 'Jobwatch';

/** The spec's urgency levels (hint `urgency`, a byte). */
export const URGENCY_BYTE: Record<NotificationView['urgency'], number> = { low: 0, normal: 1, critical: 2 };

/** Servers truncate anyway; bounding here keeps a hostile job description from growing the message. */
export const MAX_SUMMARY_CHARS = 120;
export const MAX_BODY_CHARS = 600;

/** dbus-next (about 12 MiB once loaded) is loaded only when a first notification needs it. */
let dbusNext: Promise<typeof DbusNext> | null = null;
export function loadDbusNext(): Promise<typeof DbusNext> {
  return (dbusNext ??= import('dbus-next'));
}

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

/** A short reason for a bus error: the D-Bus error name without its prefix, an errno code, or the first line. */
export function describeBusError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const type = (err as { type?: unknown }).type;
    if (typeof type === 'string') return type.replace(/^org\.freedesktop\.DBus\.Error\./, '');
    return code ?? err.message.split('\n')[0] ?? 'error';
  }
  return String(err);
}

/** The error names meaning nobody owns org.freedesktop.Notifications on the bus. */
export function isNoServer(reason: string): boolean {
  return reason === 'ServiceUnknown' || reason === 'NameHasNoOwner';
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
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

export interface OpenedBus {
  ok: true;
  bus: MessageBus;
  dbus: typeof DbusNext;
  /** Rejects when the connected bus fails, so calls in flight end at once rather than at their timeout. */
  lost: Promise<never>;
  /** Called once when the connected bus fails, with a short reason. */
  onLost(listener: (reason: string) => void): void;
}

/**
 * Connects to the session bus at `address` (DBUS_SESSION_BUS_ADDRESS). Never rejects: without a bus, an unusable
 * address, the library or a connection, it answers why, in words fit for a log line.
 */
export async function openSessionBus(address: string | undefined, timeoutMs: number): Promise<OpenedBus | { ok: false; reason: string }> {
  if (address === undefined || address.trim() === '') {
    return { ok: false, reason: 'no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)' };
  }
  const usable = usableAddress(address);
  if (usable === null) {
    return { ok: false, reason: 'the session bus is on an abstract socket (unix:abstract=…), which jobwatch cannot reach' };
  }
  let dbus: typeof DbusNext;
  try {
    dbus = await loadDbusNext();
  } catch (err) {
    return { ok: false, reason: `the D-Bus library could not be loaded (${describeBusError(err)})` };
  }
  let candidate: MessageBus;
  try {
    candidate = dbus.sessionBus({ busAddress: usable });
  } catch (err) {
    // dbus-next throws synchronously for addresses it cannot parse.
    return { ok: false, reason: `cannot use D-Bus address ${JSON.stringify(address)} (${describeBusError(err)})` };
  }
  let connected = false;
  let lostListener: (reason: string) => void = () => undefined;
  let reportLost: (err: unknown) => void = () => undefined;
  const lost = new Promise<never>((_resolve, reject) => (reportLost = reject));
  lost.catch(() => undefined); // observed by the calls that race it; never an unhandled rejection
  // Attached at once and never removed: an EventEmitter 'error' without a listener would crash the process.
  candidate.on('error', (err: unknown) => {
    // Errors before the connection is up are reported by the connect step below.
    if (!connected) return;
    connected = false;
    reportLost(err);
    lostListener(describeBusError(err));
  });
  const ready = new Promise<MessageBus>((resolve, reject) => {
    candidate.once('connect', () => resolve(candidate));
    candidate.once('error', reject);
  });
  try {
    await withTimeout(ready, timeoutMs, 'connecting to the session bus');
  } catch (err) {
    try {
      candidate.disconnect();
    } catch {
      // the stream may never have opened
    }
    return { ok: false, reason: `cannot connect to the D-Bus session bus (${describeBusError(err)})` };
  }
  connected = true;
  return { ok: true, bus: candidate, dbus, lost, onLost: (listener) => (lostListener = listener) };
}

/** One method call on the notification server; rejects on an error reply, a lost bus or the timeout. */
export async function callNotifications(
  opened: OpenedBus,
  member: string,
  signature: string,
  body: unknown[],
  timeoutMs: number,
): Promise<Message> {
  const message = new opened.dbus.Message({
    destination: NOTIFICATIONS_NAME,
    path: NOTIFICATIONS_PATH,
    interface: NOTIFICATIONS_NAME,
    member,
    signature,
    body,
  });
  const reply = await withTimeout(Promise.race([opened.bus.call(message), opened.lost]), timeoutMs, member);
  if (reply === null) throw new Error(`${member}: no reply`);
  return reply;
}

/** GetCapabilities: the server's list, or null when it did not answer with one. */
export async function getCapabilities(opened: OpenedBus, timeoutMs: number): Promise<string[] | null> {
  const reply = await callNotifications(opened, 'GetCapabilities', '', [], timeoutMs);
  const capabilities: unknown = reply.body[0];
  return Array.isArray(capabilities) ? capabilities.filter((c): c is string => typeof c === 'string') : null;
}
