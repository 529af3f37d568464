/** What the window shows right now: the view, the open job, the list filter, the clock, the settings and theme. */
import type { JobwatchApi, SettingsView, ViewName } from '../../../electron/ipc/contract';
import { DEFAULT_SETTINGS, type Theme } from '../../../electron/ipc/constants';
import { applyLanguage } from './i18n.svelte';
import type { JobFilter } from './job-filter';

export class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | null = null;

  /** Elapsed times and retry countdowns move once a second; nothing needs more. */
  start(intervalMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => (this.now = Date.now()), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

export class UiState {
  view = $state<ViewName>('jobs');
  /** The job whose detail is open (on the jobs view), by job key. */
  openJobKey = $state<string | null>(null);
  /** The open job's server, as the contract gave it: the window never takes a job key apart. */
  openJobServer = $state<string | null>(null);
  filter = $state<JobFilter>({ tab: 'active', server: null, search: '', showTransient: false });
  settings = $state.raw<SettingsView>(DEFAULT_SETTINGS);
  settingsLoaded = $state(false);

  constructor(private readonly api: JobwatchApi) {}

  async loadSettings(): Promise<void> {
    try {
      this.applySettings(await this.api.getSettings());
    } catch {
      // The defaults stay; the settings view reports the failure when it is opened.
    }
  }

  applySettings(settings: SettingsView): void {
    this.settings = settings;
    this.settingsLoaded = true;
    this.filter.showTransient = settings.ui.showTransient;
    applyTheme(settings.ui.theme);
    applyLanguage(settings.ui.language);
  }

  async saveSettings(next: SettingsView): Promise<SettingsView> {
    const saved = await this.api.setSettings(next);
    this.applySettings(saved);
    return saved;
  }

  show(view: ViewName): void {
    this.view = view;
    if (view !== 'jobs') this.closeJob();
  }

  openJob(key: string, server: string | null): void {
    this.view = 'jobs';
    this.openJobKey = key;
    this.openJobServer = server;
  }

  closeJob(): void {
    this.openJobKey = null;
    this.openJobServer = null;
  }

  /** A notification click or the tray: show a job, or one server's jobs, or a view. */
  focus(target: { server: string | null; jobKey: string | null; view?: ViewName | undefined }): void {
    if (target.view) {
      this.show(target.view);
      return;
    }
    if (target.jobKey) {
      this.openJob(target.jobKey, target.server);
      return;
    }
    this.show('jobs');
    this.closeJob();
    if (target.server) this.filter.server = target.server;
  }
}

/** 'system' follows prefers-color-scheme in CSS; light and dark override it. */
export function applyTheme(theme: Theme): void {
  if (typeof document === 'undefined') return;
  document.documentElement.dataset['theme'] = theme;
}
