/**
 * Native notifications for what the rules decided: Electron's Notification, built from the core's
 * NotificationView as is (the core writes the text, names the server and never puts a secret in it).
 * A click opens the window on the job, or on the list for a folded (several-job) notification.
 */
import { escapeMarkup } from '../core/notification-text';
import type { NotificationView } from '../core/view';

export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
}

export interface NotificationOptions {
  title: string;
  body: string;
  urgency: 'critical' | 'normal' | 'low';
  silent: boolean;
  timeoutType: 'default' | 'never';
  icon?: string;
}

export interface NotificationElectron {
  Notification: { new (options: never): NotificationLike; isSupported(): boolean };
}

/** Where the window opens: one job's detail (jobKey), a server's list, everything (server null), or the settings. */
export type OpenTarget = { server: string | null; jobKey: string | null; view?: 'settings' };

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
  };
}

export function clickTarget(view: NotificationView): OpenTarget {
  return { server: view.server, jobKey: view.jobs.length === 1 ? (view.jobs[0] ?? null) : null };
}

/** Electron drops a notification's click handler once the object is garbage-collected; keep the last few alive. */
const KEEP_ALIVE = 32;

export class DesktopNotifier {
  private readonly live = new Set<NotificationLike>();

  constructor(
    private readonly electron: NotificationElectron,
    private readonly open: (target: OpenTarget) => void,
    private readonly iconPath?: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Shows the notification unless the rules marked it suppressed (paused, muted…); returns whether it was shown. */
  show(view: NotificationView): boolean {
    if (view.suppressed !== null) return false;
    if (!this.electron.Notification.isSupported()) return false;
    const notification = new this.electron.Notification(notificationOptions(view, this.iconPath, this.platform) as never);
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.open(clickTarget(view));
    });
    notification.on('close', release);
    notification.on('failed', release);
    this.live.add(notification);
    if (this.live.size > KEEP_ALIVE) {
      const oldest = this.live.values().next().value;
      if (oldest) this.live.delete(oldest);
    }
    notification.show();
    return true;
  }

  /** How many notifications are held for their click handlers (bounded). */
  get held(): number {
    return this.live.size;
  }
}
