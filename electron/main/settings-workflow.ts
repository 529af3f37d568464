/**
 * Saving settings from the window: the shell applies what it owns first (global shortcut, start at login, window
 * pin), so a setting the system refuses is reported and not saved; then the core saves them, and the tray and the
 * live planner follow at once.
 */
import { JobwatchError } from '../core/errors';
import type { DesktopMonitorApi } from '../core/desktop-monitor';
import type { Settings } from '../core/settings';
import type { ShortcutResult } from './shortcut';
import { english, type Translator } from '../core/i18n/i18n';

export interface SettingsWorkflowDeps {
  monitor: Pick<DesktopMonitorApi, 'settings' | 'snapshot' | 'pauseNotifications'>;
  /** Registers the global shortcut (null: none). */
  setShortcut(accelerator: string | null): ShortcutResult;
  setStartAtLogin(enabled: boolean): { ok: boolean; message?: string };
  window: { isAlwaysOnTop(): boolean; setAlwaysOnTop(on: boolean): void };
  /** Redraws the tray from a snapshot. */
  updateTray(): void;
  /** The language of the messages, after the settings are saved (English without it). */
  translator?: () => Translator;
}

export async function saveSettings(next: Settings, deps: SettingsWorkflowDeps): Promise<Settings> {
  const { monitor } = deps;
  const previous = monitor.settings.get();
  if (next.ui.globalShortcut !== previous.ui.globalShortcut) {
    const result = deps.setShortcut(next.ui.globalShortcut || null);
    if (!result.ok) throw new JobwatchError('SHORTCUT_UNAVAILABLE', result.message);
  }
  if (next.ui.startAtLogin !== previous.ui.startAtLogin) {
    const result = deps.setStartAtLogin(next.ui.startAtLogin);
    if (!result.ok) {
      throw new JobwatchError(
        'START_AT_LOGIN_UNAVAILABLE',
        result.message ?? (deps.translator?.() ?? english)('errors.startAtLoginUnavailable'),
      );
    }
  }
  if (next.ui.alwaysOnTop !== deps.window.isAlwaysOnTop()) deps.window.setAlwaysOnTop(next.ui.alwaysOnTop);
  const saved = await monitor.settings.update(next);
  // The tray title and the tray's language follow their settings at once, not at the next change of the jobs.
  if (saved.ui.trayTitleCount !== previous.ui.trayTitleCount || saved.ui.language !== previous.ui.language) deps.updateTray();
  // A pause set from the window goes to the live planner and the tray as well (the settings already hold it).
  if (saved.notifications.pausedUntil !== previous.notifications.pausedUntil) monitor.pauseNotifications(saved.notifications.pausedUntil);
  return saved;
}
