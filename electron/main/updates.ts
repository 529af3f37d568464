/**
 * Updates: electron-updater (injected, so this module loads without Electron) checked at start and daily, its
 * progress as a small state machine the tray shows, and "Restart to update" once a release is downloaded.
 * Off in development builds and where the packaging has no in-place update: deb and rpm are the system package
 * manager's job (electron-updater could only install them through pkexec/sudo), and an unpacked folder has
 * nothing to replace. AppImage, NSIS (Windows) and dmg/zip (macOS) update in place.
 */
import type { Logger } from '../core/ports';
import { english, type Translator } from '../core/i18n/i18n';

export const UPDATE_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** Update texts come from the network (release feed, HTTP errors): one short line. */
const UPDATE_TEXT_MAX = 200;

/**
 * Why a build cannot update itself, for the menu to say in its language (`reason` says it in English, for the log
 * and the diagnostics). `platform:<name>` for an OS without an updater at all.
 */
export type UpdateOffCause = 'development' | 'snap' | 'package' | `platform:${string}`;

export type UpdateState =
  | { status: 'off'; reason: string; cause?: UpdateOffCause }
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'up-to-date'; checkedAt: number }
  | { status: 'downloading'; version: string; percent: number }
  | { status: 'ready'; version: string }
  | { status: 'error'; message: string; at: number };

/** The part of electron-updater's AppUpdater used here (structurally; the real one satisfies it). */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: unknown;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available' | 'update-not-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export type UpdateSupport = { supported: true } | { supported: false; reason: string; cause?: UpdateOffCause };

function off(cause: UpdateOffCause): UpdateSupport {
  return { supported: false, reason: offReason(cause, english), cause };
}

function offReason(cause: UpdateOffCause, t: Translator): string {
  if (cause === 'development') return t('updates.offDevelopment');
  if (cause === 'snap') return t('updates.offSnap');
  if (cause === 'package') return t('updates.offPackage');
  return t('updates.offPlatform', { platform: cause.slice('platform:'.length) });
}

/** Whether this build can update itself, and if not, why (shown in the tray menu and the diagnostics). */
export function updateSupport(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, isPackaged: boolean): UpdateSupport {
  if (!isPackaged) return off('development');
  if (platform === 'win32' || platform === 'darwin') return { supported: true };
  if (platform === 'linux') {
    if (env['SNAP']) return off('snap');
    // electron-updater knows an AppImage by this variable, set by the AppImage runtime.
    if (env['APPIMAGE']) return { supported: true };
    return off('package');
  }
  return off(`platform:${platform}`);
}

function short(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > UPDATE_TEXT_MAX ? `${line.slice(0, UPDATE_TEXT_MAX - 1)}…` : line;
}

/** A release version from the feed, bounded (it is only ever shown). */
function versionText(info: { version?: unknown } | null | undefined): string {
  return typeof info?.version === 'string' && info.version.length > 0 ? short(info.version).slice(0, 64) : 'unknown';
}

function percentOf(progress: { percent?: unknown } | null | undefined): number {
  const p = typeof progress?.percent === 'number' && Number.isFinite(progress.percent) ? progress.percent : 0;
  return Math.max(0, Math.min(100, Math.floor(p)));
}

/** For people: why an update failed and what happens next. */
export function updateErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = short(message.split('\n')[0] ?? '');
  return `The update check failed (${first || 'no reason given'}). Jobwatch tries again tomorrow; a new release can also be downloaded by hand.`;
}

export interface UpdateControllerOptions {
  support: UpdateSupport;
  /** Builds the updater; called only when updates are supported (so development never loads electron-updater). */
  createUpdater: () => UpdaterLike;
  logger: Logger;
  onChange: (state: UpdateState) => void;
  intervalMs?: number;
  now?: () => number;
}

export class UpdateController {
  private current: UpdateState;
  private updater: UpdaterLike | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: UpdateControllerOptions) {
    this.now = options.now ?? Date.now;
    const support = options.support;
    this.current = support.supported
      ? { status: 'idle' }
      : { status: 'off', reason: support.reason, ...(support.cause ? { cause: support.cause } : {}) };
  }

  get state(): UpdateState {
    return this.current;
  }

  /** Checks now and then every day. Does nothing where updates are off. */
  start(): void {
    if (this.current.status === 'off' || this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? UPDATE_CHECK_INTERVAL_MS);
    this.timer.unref?.();
    void this.check();
  }

  /** One check; resolves when the updater answered (the download, if any, goes on in the background). */
  async check(): Promise<void> {
    if (this.current.status === 'off' || this.current.status === 'downloading' || this.current.status === 'ready') return;
    const updater = this.ensureUpdater();
    if (!updater) return;
    try {
      const result = (await updater.checkForUpdates()) as { downloadPromise?: Promise<unknown> | null } | null;
      // The download runs on; its failure (bad checksum, lost connection) would otherwise be an unhandled rejection.
      result?.downloadPromise?.catch((err: unknown) => this.fail(err));
    } catch (err) {
      // The updater also emits 'error'; whichever comes first sets the state, the second is the same text.
      this.fail(err);
    }
  }

  /** "Restart to update": only once a release is downloaded. */
  restartToUpdate(): boolean {
    if (this.current.status !== 'ready' || !this.updater) return false;
    this.options.logger.info(`Restarting to install ${this.current.version}`);
    this.updater.quitAndInstall(false, true);
    return true;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private ensureUpdater(): UpdaterLike | null {
    if (this.updater) return this.updater;
    let updater: UpdaterLike;
    try {
      updater = this.options.createUpdater();
    } catch (err) {
      this.fail(err);
      return null;
    }
    updater.autoDownload = true;
    // Installing only when the user agrees ("Restart to update"), or at the next quit: the user chose to quit.
    updater.autoInstallOnAppQuit = true;
    updater.logger = this.options.logger;
    updater.on('checking-for-update', () => this.set({ status: 'checking' }));
    updater.on('update-not-available', () => this.set({ status: 'up-to-date', checkedAt: this.now() }));
    updater.on('update-available', (info) => this.set({ status: 'downloading', version: versionText(info), percent: 0 }));
    updater.on('download-progress', (progress) => {
      const version = this.current.status === 'downloading' ? this.current.version : 'unknown';
      const percent = percentOf(progress);
      if (this.current.status !== 'downloading' || this.current.percent !== percent) this.set({ status: 'downloading', version, percent });
    });
    updater.on('update-downloaded', (info) => this.set({ status: 'ready', version: versionText(info) }));
    updater.on('error', (error) => this.fail(error));
    this.updater = updater;
    return updater;
  }

  private fail(error: unknown): void {
    const message = updateErrorText(error);
    if (this.current.status === 'error' && this.current.message === message) return;
    this.options.logger.warn(message);
    this.set({ status: 'error', message, at: this.now() });
  }

  private set(next: UpdateState): void {
    this.current = next;
    this.options.onChange(next);
  }
}

/** One line for the tray tooltip, or null when there is nothing worth saying there. */
export function updateTooltipLine(state: UpdateState, t: Translator = english): string | null {
  if (state.status === 'downloading') return t('updates.tooltipDownloading', { version: state.version, percent: state.percent });
  if (state.status === 'ready') return t('updates.tooltipReady', { version: state.version });
  return null;
}

/** The tray menu's update item: a label, and whether clicking it restarts into the new version. */
export function updateMenuItem(state: UpdateState, t: Translator = english): { label: string; restart: boolean } {
  switch (state.status) {
    case 'off':
      // A state without a cause (made by hand) has only its English reason to show.
      return { label: state.cause ? offReason(state.cause, t) : state.reason, restart: false };
    case 'idle':
    case 'checking':
      return { label: t('updates.checking'), restart: false };
    case 'up-to-date':
      return { label: t('updates.upToDate'), restart: false };
    case 'downloading':
      return { label: t('updates.downloading', { version: state.version, percent: state.percent }), restart: false };
    case 'ready':
      return { label: t('updates.restartToUpdate', { version: state.version }), restart: true };
    case 'error':
      return { label: t('updates.failed'), restart: false };
  }
}

/** One line for the diagnostics report. */
export function updateSummary(state: UpdateState): string {
  if (state.status === 'error') return state.message;
  return updateMenuItem(state).label;
}
