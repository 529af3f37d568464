/**
 * App lifecycle adapters: single instance, start at login, wake/unlock/network → reconnect at once, and a clean
 * shutdown that stops the monitor (sockets closed, ledger and stores flushed) before the process exits.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { MonitorApi } from '../core/monitor-api';
import { english, type Translator } from '../core/i18n/i18n';

interface PreventableEvent {
  preventDefault(): void;
}

export interface LifecycleElectron {
  app: {
    requestSingleInstanceLock(): boolean;
    on(event: 'second-instance', listener: () => void): unknown;
    on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
    on(event: 'window-all-closed', listener: () => void): unknown;
    quit(): void;
    exit(code?: number): void;
    setLoginItemSettings(settings: { openAtLogin: boolean; openAsHidden?: boolean; args?: string[] }): void;
    getLoginItemSettings(): { openAtLogin: boolean };
  };
  powerMonitor: {
    on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  };
}

/**
 * Takes the single-instance lock. The first instance shows its window when another launch happens; a second
 * instance quits at once (returns false) and the caller must not start anything.
 */
export function claimSingleInstance(electron: LifecycleElectron, onSecondLaunch: () => void): boolean {
  if (!electron.app.requestSingleInstanceLock()) {
    electron.app.quit();
    return false;
  }
  electron.app.on('second-instance', onSecondLaunch);
  return true;
}

/** Where Linux desktops (GNOME, KDE, XFCE…) look for programs to start at login (XDG autostart). */
export function linuxAutostartFile(env: NodeJS.ProcessEnv): string {
  const configHome = env['XDG_CONFIG_HOME'] || join(env['HOME'] || homedir(), '.config');
  return join(configHome, 'autostart', 'jobwatch.desktop');
}

/** The autostart entry: the AppImage when run from one (its mount path changes every launch), else this binary. */
export function linuxAutostartEntry(env: NodeJS.ProcessEnv, execPath: string): string {
  const exec = env['APPIMAGE'] || execPath;
  const quoted = `"${exec.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Jobwatch for TrueNAS',
    `Exec=${quoted} --hidden`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=true',
    '',
  ].join('\n');
}

/**
 * Start at login: the OS login item on macOS and Windows (started hidden, in the tray); an XDG autostart entry
 * on Linux, where Electron has no API for it.
 */
export function setStartAtLogin(
  electron: LifecycleElectron,
  platform: NodeJS.Platform,
  enabled: boolean,
  linux: { env: NodeJS.ProcessEnv; execPath: string } = { env: process.env, execPath: process.execPath },
  t: Translator = english,
): { ok: boolean; message?: string } {
  if (platform === 'darwin' || platform === 'win32') {
    electron.app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true, args: ['--hidden'] });
    return { ok: true };
  }
  const file = linuxAutostartFile(linux.env);
  try {
    if (enabled) {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, linuxAutostartEntry(linux.env, linux.execPath), { mode: 0o644 });
    } else {
      rmSync(file, { force: true });
    }
    return { ok: true };
  } catch (err) {
    const values = { file, reason: (err as Error).message };
    return { ok: false, message: enabled ? t('errors.startAtLoginCreate', values) : t('errors.startAtLoginRemove', values) };
  }
}

/** After sleep or a screen unlock the sockets are likely dead: reconnect every server now, not at the next ping. */
export function reconnectOnWake(electron: LifecycleElectron, monitor: Pick<MonitorApi, 'wake'>): void {
  electron.powerMonitor.on('resume', () => monitor.wake());
  electron.powerMonitor.on('unlock-screen', () => monitor.wake());
}

/** The machine's non-internal addresses, as one comparable string. */
export function addressSignature(interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces()): string {
  const addresses: string[] = [];
  for (const [name, list] of Object.entries(interfaces)) {
    for (const info of list ?? []) if (!info.internal) addresses.push(`${name}/${info.address}`);
  }
  return addresses.sort().join(',');
}

/**
 * Electron has no network-change event in the main process, so the interface addresses are compared every few
 * seconds (cheap: no I/O) and a change (Wi-Fi switch, VPN up or down, cable plugged) reconnects every server.
 */
export class NetworkWatcher {
  private timer: ReturnType<typeof setInterval> | null = null;
  private last: string;

  constructor(
    private readonly onChange: () => void,
    private readonly readSignature: () => string = () => addressSignature(),
    private readonly intervalMs = 5000,
  ) {
    this.last = readSignature();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref?.();
  }

  check(): void {
    const now = this.readSignature();
    if (now === this.last) return;
    this.last = now;
    this.onChange();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/**
 * On quit: hold the quit once, run `shutdown` (monitor.stop() and friends) bounded by `timeoutMs`, then quit
 * for real. A shutdown that hangs must not keep the app alive forever.
 */
export function quitCleanly(
  electron: LifecycleElectron,
  shutdown: () => Promise<void>,
  timeoutMs = 5000,
): { readonly done: Promise<void> } {
  let stopping: Promise<void> | null = null;
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  electron.app.on('before-quit', (event) => {
    if (finished) return;
    event.preventDefault();
    if (stopping) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    stopping = Promise.race([shutdown().catch(() => undefined), timeout]).then(() => {
      clearTimeout(timer);
      finished = true;
      resolveDone();
      electron.app.quit();
    });
  });
  // A tray app keeps running with no window open.
  electron.app.on('window-all-closed', () => undefined);
  return { done };
}
