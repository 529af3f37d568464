/**
 * The job window: small, always-on-top by default (toggle), placed next to the tray icon where the platform tells
 * us where that is, a normal window where it cannot (Wayland gives no positions), hidden rather than closed,
 * and its size remembered.
 */
import { RendererRecovery, type RecoverableWindow, type RendererRecoveryOptions } from './recovery';
import { APP_URL, guardWebContents, isAppUrl, secureWebPreferences, type GuardedWebContents, type SecureWebPreferences } from './security';

export interface Size {
  width: number;
  height: number;
}
export interface Rectangle extends Size {
  x: number;
  y: number;
}

export const DEFAULT_WINDOW_SIZE: Size = { width: 420, height: 600 };
export const MIN_WINDOW_SIZE: Size = { width: 340, height: 400 };

/** Wayland lets no client place its own window, so there the window is a plain one the compositor places. */
export function isWayland(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'linux' && (env['XDG_SESSION_TYPE'] === 'wayland' || Boolean(env['WAYLAND_DISPLAY']));
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(value, max));
}

/**
 * Where to put the window so it hangs off the tray icon: below an icon in a top bar (macOS, GNOME), above one in
 * a bottom taskbar (Windows, KDE), centred on the icon horizontally and kept inside the work area.
 * Null when the tray reports no position (Linux StatusNotifierItem gives 0×0 bounds).
 */
export function positionNearTray(tray: Rectangle, size: Size, workArea: Rectangle): { x: number; y: number } | null {
  if (tray.width <= 0 || tray.height <= 0) return null;
  const gap = 4;
  const maxX = workArea.x + workArea.width - size.width;
  const maxY = workArea.y + workArea.height - size.height;
  const x = clamp(Math.round(tray.x + tray.width / 2 - size.width / 2), workArea.x, maxX);
  const trayInLowerHalf = tray.y + tray.height / 2 > workArea.y + workArea.height / 2;
  const y = trayInLowerHalf ? tray.y - size.height - gap : tray.y + tray.height + gap;
  return { x, y: clamp(Math.round(y), workArea.y, maxY) };
}

/** A saved size is used only if it is sane; a corrupted or shrunk-to-nothing value falls back to the default. */
export function restoredSize(saved: Partial<Size> | null | undefined): Size {
  const ok = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= 4000;
  if (saved && ok(saved.width, MIN_WINDOW_SIZE.width) && ok(saved.height, MIN_WINDOW_SIZE.height)) {
    return { width: Math.round(saved.width), height: Math.round(saved.height) };
  }
  return { ...DEFAULT_WINDOW_SIZE };
}

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: false;
  title: string;
  alwaysOnTop: boolean;
  fullscreenable: false;
  maximizable: false;
  minimizable: boolean;
  skipTaskbar: boolean;
  autoHideMenuBar: true;
  backgroundColor: string;
  icon?: string;
  webPreferences: SecureWebPreferences;
}

export function windowOptions(opts: {
  size: Size;
  alwaysOnTop: boolean;
  preloadPath: string;
  platform: NodeJS.Platform;
  iconPath?: string;
  devTools: boolean;
}): WindowOptions {
  return {
    width: opts.size.width,
    height: opts.size.height,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    show: false,
    title: 'Jobwatch',
    alwaysOnTop: opts.alwaysOnTop,
    fullscreenable: false,
    maximizable: false,
    // On macOS the app has no Dock icon, so a minimised window could not be brought back except from the tray.
    minimizable: opts.platform !== 'darwin',
    skipTaskbar: false,
    autoHideMenuBar: true,
    backgroundColor: '#1b1d22',
    ...(opts.iconPath && opts.platform === 'linux' ? { icon: opts.iconPath } : {}),
    webPreferences: secureWebPreferences(opts.preloadPath, opts.devTools),
  };
}

// ---- the Electron side --------------------------------------------------------------------------------------

/** What identifies a frame (Electron's WebFrameMain has all of these). */
export interface FrameIdentity {
  url?: string;
  processId?: number;
  routingId?: number;
}

export interface WindowWebContents
  extends GuardedWebContents, Pick<RecoverableWindow['webContents'], 'reload' | 'forcefullyCrashRenderer'> {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode?: number }) => void): unknown;
  on(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    listener: (event: { preventDefault(): void }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  send(channel: string, ...args: unknown[]): void;
  readonly mainFrame: unknown;
  getURL(): string;
  isDestroyed(): boolean;
}

export interface BrowserWindowLike {
  readonly webContents: WindowWebContents;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  isVisible(): boolean;
  isFocused(): boolean;
  isDestroyed(): boolean;
  setAlwaysOnTop(flag: boolean): void;
  isAlwaysOnTop(): boolean;
  setPosition(x: number, y: number): void;
  getSize(): number[];
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'resized' | 'closed' | 'unresponsive' | 'responsive', listener: () => void): unknown;
  destroy(): void;
}

export interface WindowElectron {
  BrowserWindow: new (options: never) => BrowserWindowLike;
  screen: { getDisplayNearestPoint(point: { x: number; y: number }): { workArea: Rectangle } };
}

/** Where the window's size and pin state are kept between runs (the settings store). */
export interface WindowPreferences {
  load(): { size: Partial<Size> | null; alwaysOnTop: boolean };
  saveSize(size: Size): void;
  saveAlwaysOnTop(flag: boolean): void;
}

export interface JobWindowOptions {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  preloadPath: string;
  iconPath?: string;
  devTools: boolean;
  preferences: WindowPreferences;
  /** Where the tray icon is, for placing the window next to it; null when unknown. */
  trayBounds: () => Rectangle | null;
  /** Reload after a renderer crash or hang (recovery.ts); absent in tests that do not need it. */
  recovery?: RendererRecoveryOptions;
}

/**
 * The one window. Created hidden and loaded at once (so it opens instantly from the tray), shown on demand,
 * hidden on close until the app quits.
 */
export class JobWindow {
  private readonly window: BrowserWindowLike;
  private quitting = false;
  private placedOnce = false;
  readonly recovery: RendererRecovery | null;

  constructor(
    private readonly electron: WindowElectron,
    private readonly options: JobWindowOptions,
  ) {
    const prefs = options.preferences.load();
    this.window = new electron.BrowserWindow(
      windowOptions({
        size: restoredSize(prefs.size),
        alwaysOnTop: prefs.alwaysOnTop,
        preloadPath: options.preloadPath,
        platform: options.platform,
        devTools: options.devTools,
        ...(options.iconPath ? { iconPath: options.iconPath } : {}),
      }) as never,
    );
    guardWebContents(this.window.webContents);
    this.window.on('close', (event) => {
      if (this.quitting) return;
      event.preventDefault();
      this.rememberSize();
      this.window.hide();
    });
    this.window.on('resized', () => this.rememberSize());
    this.recovery = options.recovery ? new RendererRecovery(this.window, options.recovery) : null;
  }

  get webContents(): WindowWebContents {
    return this.window.webContents;
  }

  /** True when `frame` is this window's main frame showing our own page: the IPC sender check. */
  isOwnMainFrame(frame: FrameIdentity | null | undefined): boolean {
    if (this.window.isDestroyed() || !frame) return false;
    const main = this.window.webContents.mainFrame as FrameIdentity;
    // Electron hands out one WebFrameMain per frame, so identity is the check; process and routing ids back it
    // up should a wrapper ever be recreated. Either way the frame must show our own app:// page.
    const sameFrame =
      frame === main || (typeof frame.processId === 'number' && frame.processId === main.processId && frame.routingId === main.routingId);
    return sameFrame && typeof frame.url === 'string' && isAppUrl(frame.url);
  }

  load(): Promise<void> {
    return this.window.loadURL(APP_URL);
  }

  show(): void {
    if (this.window.isDestroyed()) return;
    // Recovery had stopped after repeated crashes: the person asking for the window is worth one more try.
    this.recovery?.retry();
    this.place();
    this.window.show();
    this.window.focus();
  }

  toggle(): void {
    if (this.window.isVisible() && this.window.isFocused()) this.window.hide();
    else this.show();
  }

  hide(): void {
    if (!this.window.isDestroyed()) this.window.hide();
  }

  isVisible(): boolean {
    return !this.window.isDestroyed() && this.window.isVisible();
  }

  setAlwaysOnTop(flag: boolean): void {
    this.window.setAlwaysOnTop(flag);
    this.options.preferences.saveAlwaysOnTop(flag);
  }

  isAlwaysOnTop(): boolean {
    return this.window.isAlwaysOnTop();
  }

  /** Lets the next close really close (app quit). */
  allowClose(): void {
    this.quitting = true;
  }

  destroy(): void {
    this.quitting = true;
    this.recovery?.dispose();
    if (!this.window.isDestroyed()) this.window.destroy();
  }

  private rememberSize(): void {
    if (this.window.isDestroyed()) return;
    const [width, height] = this.window.getSize();
    if (width !== undefined && height !== undefined) this.options.preferences.saveSize(restoredSize({ width, height }));
  }

  /** Next to the tray where the platform says where it is; on Wayland the compositor decides (and once placed by the user, we leave it be there). */
  private place(): void {
    if (isWayland(this.options.platform, this.options.env)) return;
    const tray = this.options.trayBounds();
    if (!tray) return;
    const [width = DEFAULT_WINDOW_SIZE.width, height = DEFAULT_WINDOW_SIZE.height] = this.window.getSize();
    const workArea = this.electron.screen.getDisplayNearestPoint({ x: tray.x, y: tray.y }).workArea;
    const position = positionNearTray(tray, { width, height }, workArea);
    if (position) {
      this.window.setPosition(position.x, position.y);
      this.placedOnce = true;
    }
  }

  /** For tests and diagnostics: whether the window has been placed next to the tray at least once. */
  get placedNearTray(): boolean {
    return this.placedOnce;
  }
}
