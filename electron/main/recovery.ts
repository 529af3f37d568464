/**
 * The window's renderer recovers by itself: when its process dies (`render-process-gone`) or it hangs
 * (`unresponsive` for longer than a grace period), main reloads it. Nothing is lost: the monitor lives in main,
 * and the reloaded page subscribes again and gets a snapshot. A renderer that keeps failing is not reloaded in a
 * loop: after a few reloads in a short time recovery stops and the person is told, once, what happened.
 */
import { english, type Translator } from '../core/i18n/i18n';

export const MAX_RELOADS = 3;
export const RELOAD_WINDOW_MS = 60_000;
/** A page busy this long without answering is taken as hung (a long layout of a big list can take a second or two). */
export const HANG_GRACE_MS = 10_000;

export const GAVE_UP_TITLE = english('recovery.gaveUpTitle');
export function gaveUpMessage(reloads: number, windowMs: number, t: Translator = english): string {
  return t('recovery.gaveUpMessage', { count: reloads, seconds: Math.round(windowMs / 1000) });
}

export interface RecoverableWindow {
  readonly webContents: {
    on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode?: number }) => void): unknown;
    reload(): void;
    forcefullyCrashRenderer(): void;
    isDestroyed(): boolean;
  };
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  isDestroyed(): boolean;
}

export interface RendererRecoveryOptions {
  /** Before a reload: the old page is gone, stop sending it events. */
  onReload(reason: string): void;
  /** Recovery stopped; tell the person. */
  onGiveUp(title: string, message: string): void;
  log(message: string): void;
  /** The language of the message to the person (the language setting), read when it is shown; English without it. */
  translator?: () => Translator;
  now?: () => number;
  maxReloads?: number;
  windowMs?: number;
  hangGraceMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class RendererRecovery {
  private readonly reloadTimes: number[] = [];
  private hangTimer: unknown = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(
    private readonly window: RecoverableWindow,
    private readonly options: RendererRecoveryOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    window.webContents.on('render-process-gone', (_event, details) => {
      // 'clean-exit' is the window closing at quit, not a failure.
      if (details.reason === 'clean-exit') return;
      this.cancelHang();
      this.reload(`the renderer process is gone (${details.reason})`);
    });
    window.on('unresponsive', () => {
      if (this.hangTimer !== null || this.stopped) return;
      this.hangTimer = this.setTimer(() => {
        this.hangTimer = null;
        // A hung renderer does not reload on request; end its process first, the reload starts a new one.
        if (!window.webContents.isDestroyed()) window.webContents.forcefullyCrashRenderer();
        this.reload('the window stopped responding');
      }, options.hangGraceMs ?? HANG_GRACE_MS);
    });
    window.on('responsive', () => this.cancelHang());
  }

  /** Reloads in this run (for diagnostics). */
  reloads = 0;

  /** Whether recovery stopped after too many reloads. */
  get gaveUp(): boolean {
    return this.stopped;
  }

  /** The person asked for the window again (tray): one more round of recovery, starting with a reload. */
  retry(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.reloadTimes.length = 0;
    this.reload('the window was opened again after recovery had stopped');
  }

  dispose(): void {
    this.cancelHang();
  }

  private reload(reason: string): void {
    if (this.stopped || this.window.isDestroyed() || this.window.webContents.isDestroyed()) return;
    const now = this.now();
    const windowMs = this.options.windowMs ?? RELOAD_WINDOW_MS;
    while (this.reloadTimes.length > 0 && now - (this.reloadTimes[0] as number) > windowMs) this.reloadTimes.shift();
    if (this.reloadTimes.length >= (this.options.maxReloads ?? MAX_RELOADS)) {
      this.stopped = true;
      this.options.log(`Window recovery stopped: ${reason}, after ${this.reloadTimes.length} reloads within ${windowMs} ms`);
      const t = this.options.translator?.() ?? english;
      this.options.onGiveUp(t('recovery.gaveUpTitle'), gaveUpMessage(this.reloadTimes.length + 1, windowMs, t));
      return;
    }
    this.reloadTimes.push(now);
    this.reloads += 1;
    this.options.log(`Reloading the window: ${reason}`);
    this.options.onReload(reason);
    this.window.webContents.reload();
  }

  private cancelHang(): void {
    if (this.hangTimer !== null) this.clearTimer(this.hangTimer);
    this.hangTimer = null;
  }
}
