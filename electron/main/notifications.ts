/**
 * Native notifications for what the rules decided: Electron's Notification, built from the core's
 * NotificationView as is (the core writes the text, names the server and never puts a secret in it).
 * A click opens the window on the job, or on the list for a folded (several-job) notification.
 *
 * A failure notification (one standing for unacknowledged failures) also offers "Acknowledge" and "Open" where the
 * platform has notification actions: Electron's `actions` on macOS and Windows (macOS shows them only for a signed
 * app whose alert style is "alert": electron-builder.yml mac.extendInfo); on Linux, where Electron's Notification
 * has none, the freedesktop notification server over D-Bus (electron/freedesktop/notification-server.ts) when it
 * lists the `actions` capability, and Electron's Notification as before when it does not or is not there.
 */
import { escapeMarkup } from '../core/notification-text';
import type { NotificationView } from '../core/view';
import { MAX_BODY_CHARS, MAX_SUMMARY_CHARS, URGENCY_BYTE, boundText } from '../freedesktop/session-bus';
import type { NotificationServer, ServerSignal } from '../freedesktop/notification-server';

export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  on(event: 'action', listener: (details: { actionIndex?: number } | undefined, actionIndex?: number) => void): unknown;
}

export interface NotificationOptions {
  title: string;
  body: string;
  urgency: 'critical' | 'normal' | 'low';
  silent: boolean;
  timeoutType: 'default' | 'never';
  icon?: string;
  actions?: Array<{ type: 'button'; text: string }>;
}

export interface NotificationElectron {
  Notification: { new (options: never): NotificationLike; isSupported(): boolean };
}

/** Where the window opens: one job's detail (jobKey), a server's list, everything (server null), or the settings. */
export type OpenTarget = { server: string | null; jobKey: string | null; view?: 'settings' };

/** The words on the action buttons; the message catalogues (electron/core/i18n/) supply them in the user's language. */
export interface NotificationActionLabels {
  acknowledge: string;
  open: string;
}
export const NOTIFICATION_ACTION_LABELS: NotificationActionLabels = { acknowledge: 'Acknowledge', open: 'Open' };

/** What the actions need from the app: which failures a notification stands for, and acknowledging them. */
export interface FailureActions {
  /** The unacknowledged failures among the notification's jobs (core/sound-policy.ts failureKeysOf); empty: no actions. */
  failureKeys(view: NotificationView): string[];
  /** The core's acknowledge, as the window's `acknowledge` request does, for each key. */
  acknowledge(keys: string[]): void;
  /** Read at each notification, so a change of language applies to the next one. */
  labels?: () => NotificationActionLabels;
  /** Linux: the desktop's notification server, or null when the app does not use D-Bus. */
  notificationServer?: NotificationServer | null;
  /** Where a fallback to Electron's Notification is noted. */
  log?: (message: string) => void;
}

/** Platforms where Electron's Notification shows `actions` buttons. */
const ELECTRON_ACTIONS: ReadonlySet<NodeJS.Platform> = new Set(['darwin', 'win32']);
const ACKNOWLEDGE_INDEX = 0;
const OPEN_INDEX = 1;

/** D-Bus action keys; `default` is the click on the notification itself (freedesktop spec, "Actions"). */
export const ACTION_KEYS = { click: 'default', acknowledge: 'acknowledge', open: 'open' } as const;
/** The .desktop file electron-builder writes for the Linux packages (executableName in electron-builder.yml). */
export const DESKTOP_ENTRY = 'jobwatch';
export const LINUX_APP_NAME = 'Jobwatch for TrueNAS';

/**
 * On Linux, Electron hands the body to libnotify as is, and notification servers with `body-markup` parse it as
 * a small subset of HTML: a job's `<b>` or `&` from the server must show as typed, so it is escaped (a
 * plain-text server then shows a literal `&amp;` at worst, as the CLI accepts too). The title is left alone: the
 * freedesktop spec makes the summary plain text (GNOME and dunst show it literally, an escape would show as
 * `&amp;`). macOS and Windows show both literally.
 */
export function notificationOptions(
  view: NotificationView,
  iconPath?: string,
  platform: NodeJS.Platform = process.platform,
  actionLabels?: NotificationActionLabels,
): NotificationOptions {
  return {
    title: view.title,
    body: platform === 'linux' ? escapeMarkup(view.body) : view.body,
    // Linux honours urgency; a critical one stays until dismissed there. Elsewhere failures simply stay in the
    // notification centre.
    urgency: view.urgency,
    silent: view.urgency === 'low',
    timeoutType: view.urgency === 'critical' ? 'never' : 'default',
    ...(iconPath ? { icon: iconPath } : {}),
    // Index 0 is Acknowledge, 1 is Open (the 'action' event answers with the index).
    ...(actionLabels
      ? {
          actions: [
            { type: 'button' as const, text: actionLabels.acknowledge },
            { type: 'button' as const, text: actionLabels.open },
          ],
        }
      : {}),
  };
}

export function clickTarget(view: NotificationView): OpenTarget {
  return { server: view.server, jobKey: view.jobs.length === 1 ? (view.jobs[0] ?? null) : null };
}

/** Electron drops a notification's click handler once the object is garbage-collected; keep the last few alive. */
const KEEP_ALIVE = 32;

export class DesktopNotifier {
  private readonly live = new Set<NotificationLike>();
  /** Notifications shown through the D-Bus server, by its id, for its ActionInvoked signals (bounded as `live`). */
  private readonly onServer = new Map<number, { view: NotificationView; keys: string[] }>();
  private pending: Promise<unknown> = Promise.resolve();
  private readonly unsubscribe: (() => void) | null;

  constructor(
    private readonly electron: NotificationElectron,
    private readonly open: (target: OpenTarget) => void,
    private readonly iconPath?: string,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly actions?: FailureActions,
  ) {
    this.unsubscribe = actions?.notificationServer?.onSignal((signal) => this.serverSignal(signal)) ?? null;
  }

  /**
   * Shows the notification unless the rules marked it suppressed (paused, muted…); returns whether it was shown.
   * On Linux a failure notification may go to the D-Bus server first, which answers later: `idle()` settles then.
   */
  show(view: NotificationView): boolean {
    if (view.suppressed !== null) return false;
    const keys = this.actions?.failureKeys(view) ?? [];
    const server = this.actions?.notificationServer ?? null;
    if (keys.length > 0 && this.platform === 'linux' && server !== null) {
      const supported = this.electron.Notification.isSupported();
      this.pending = this.showOnServer(server, view, keys).then((shownThere) => {
        if (!shownThere && supported) this.showWithElectron(view, []);
      });
      return true;
    }
    if (!this.electron.Notification.isSupported()) return false;
    this.showWithElectron(view, ELECTRON_ACTIONS.has(this.platform) ? keys : []);
    return true;
  }

  /** Settles when the last notification handed to the D-Bus server is shown (or fell back to Electron). */
  idle(): Promise<void> {
    return this.pending.then(() => undefined);
  }

  /** How many notifications are held for their click handlers (bounded). */
  get held(): number {
    return this.live.size;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.onServer.clear();
  }

  private labels(): NotificationActionLabels {
    return this.actions?.labels?.() ?? NOTIFICATION_ACTION_LABELS;
  }

  private showWithElectron(view: NotificationView, keys: string[]): void {
    const labels = keys.length > 0 ? this.labels() : undefined;
    const notification = new this.electron.Notification(notificationOptions(view, this.iconPath, this.platform, labels) as never);
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.open(clickTarget(view));
    });
    if (keys.length > 0) {
      notification.on('action', (details, index) => {
        release();
        // Electron 45 passes { actionIndex } first; the positional index is the deprecated older form.
        const chosen = typeof details?.actionIndex === 'number' ? details.actionIndex : index;
        if (chosen === ACKNOWLEDGE_INDEX) this.actions?.acknowledge(keys);
        else if (chosen === OPEN_INDEX) this.open(clickTarget(view));
      });
    }
    notification.on('close', release);
    notification.on('failed', release);
    this.live.add(notification);
    if (this.live.size > KEEP_ALIVE) {
      const oldest = this.live.values().next().value;
      if (oldest) this.live.delete(oldest);
    }
    notification.show();
  }

  /** True when the D-Bus server showed it with actions; false to fall back to Electron's Notification. */
  private async showOnServer(server: NotificationServer, view: NotificationView, keys: string[]): Promise<boolean> {
    const capabilities = await server.capabilities();
    if (capabilities === null || !capabilities.includes('actions')) return false;
    const labels = this.labels();
    const plainBody = boundText(view.body, MAX_BODY_CHARS, true);
    const id = await server.notify({
      appName: LINUX_APP_NAME,
      // The app icon lives inside app.asar, which the server cannot read; a themed icon always resolves.
      appIcon: 'dialog-error',
      summary: boundText(view.title, MAX_SUMMARY_CHARS, false),
      body: capabilities.includes('body-markup') ? escapeMarkup(plainBody) : plainBody,
      actions: [
        { key: ACTION_KEYS.click, label: labels.open },
        { key: ACTION_KEYS.acknowledge, label: labels.acknowledge },
        { key: ACTION_KEYS.open, label: labels.open },
      ],
      urgency: URGENCY_BYTE[view.urgency],
      desktopEntry: DESKTOP_ENTRY,
      // As Electron's timeoutType 'never' for critical ones: it stays until dismissed.
      expireTimeout: view.urgency === 'critical' ? 0 : -1,
    });
    if (id === null) {
      this.actions?.log?.('A failure notification went through Electron, without actions.');
      return false;
    }
    this.onServer.delete(id);
    this.onServer.set(id, { view, keys });
    if (this.onServer.size > KEEP_ALIVE) {
      const oldest = this.onServer.keys().next();
      if (oldest.done !== true) this.onServer.delete(oldest.value);
    }
    return true;
  }

  private serverSignal(signal: ServerSignal): void {
    const shown = this.onServer.get(signal.id);
    if (!shown) return;
    this.onServer.delete(signal.id);
    if (signal.kind === 'closed') return;
    if (signal.key === ACTION_KEYS.acknowledge) this.actions?.acknowledge(shown.keys);
    else if (signal.key === ACTION_KEYS.open || signal.key === ACTION_KEYS.click) this.open(clickTarget(shown.view));
    else {
      // Not a key this app offered: ignored.
      this.onServer.set(signal.id, shown);
      return;
    }
    // Dealt with: off the screen, as Electron's notifications go when their button is pressed (dunst keeps them).
    void this.actions?.notificationServer?.closeNotification(signal.id);
  }
}
