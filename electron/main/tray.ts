/**
 * The tray icon: one icon whose state summarises every server, a tooltip, and the context menu.
 * The state, tooltip and menu are pure functions of the monitor's snapshot (tested without Electron); `StatusTray`
 * only hands them to Electron's Tray, and only when something visible changed (rebuilding a Linux
 * StatusNotifierItem menu on every progress tick makes it flicker).
 */
import { join } from 'node:path';
import type { MonitorSnapshot, ServerView } from '../core/view';
import { PAUSE_PRESETS, isPaused as isPauseOn } from '../core/pause';
import { rebootSafety } from '../core/reboot-safety';
import { english, type Translator } from '../core/i18n/i18n';

/** In priority order: the first that applies wins. */
export const TRAY_STATES = ['failure', 'attention', 'paused', 'running', 'idle'] as const;
export type TrayState = (typeof TRAY_STATES)[number];

/** A session that is retrying or waiting for the user counts as offline; one still starting up does not. */
function isOffline(server: ServerView): boolean {
  return server.state === 'backoff' || server.state === 'needs-attention';
}

export function isPaused(snapshot: Pick<MonitorSnapshot, 'pausedUntil'>, now: number): boolean {
  return isPauseOn(snapshot.pausedUntil, now);
}

/**
 * Unacknowledged failures > a server offline or needing attention > notifications paused > jobs running > idle.
 * Paused ranks below the alarms: pausing silences notifications, it must not hide that something is wrong.
 */
export function trayState(snapshot: MonitorSnapshot, now: number): TrayState {
  if (snapshot.failures.length > 0) return 'failure';
  if (snapshot.servers.some(isOffline)) return 'attention';
  if (isPaused(snapshot, now)) return 'paused';
  if (snapshot.servers.some((s) => s.running > 0)) return 'running';
  return 'idle';
}

function clock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "2 running · 1 failed · 3 servers", with offline servers, a pause and an update appended when there are any. */
export function trayTooltip(snapshot: MonitorSnapshot, now: number, updateLine: string | null = null, t: Translator = english): string {
  const running = snapshot.servers.reduce((sum, s) => sum + s.running, 0);
  const parts = [
    t('tray.running', { count: running }),
    t('tray.failed', { count: snapshot.failures.length }),
    t('tray.servers', { count: snapshot.servers.length }),
  ];
  const offline = snapshot.servers.filter(isOffline).length;
  if (offline > 0) parts.push(t('tray.offline', { count: offline }));
  if (isPaused(snapshot, now)) parts.push(t('tray.pausedUntil', { time: clock(snapshot.pausedUntil as number) }));
  if (updateLine) parts.push(updateLine);
  return t('tray.tooltip', { parts: parts.join(t('tray.partSeparator')) });
}

/** What the menu items do; the composition root binds them to the monitor and the window. */
export interface TrayActions {
  openWindow(): void;
  openServer(serverId: string): void;
  pauseUntil(until: number | null): void;
  acknowledgeAll(): void;
  openSettings(): void;
  /** "Tell me when it is safe": one notification once nothing runs on any server (absent: not offered). */
  watchAllServers?(): void;
  /** Quits and installs a downloaded update (only offered once one is ready). */
  restartToUpdate?(): void;
  quit(): void;
}

/** The update line of the menu (updates.ts updateMenuItem); absent when the app has no updater at all. */
export interface TrayUpdateItem {
  label: string;
  restart: boolean;
}

/** The subset of Electron's MenuItemConstructorOptions the tray uses (structurally compatible with it). */
export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'submenu';
  enabled?: boolean;
  click?: () => void;
  submenu?: TrayMenuItem[];
}

/** States whose one-line detail is a fixed text (the session's, core/session.ts): shown from the catalogue. */
const FIXED_STATUS_STATES = new Set(['idle', 'connecting', 'authenticating', 'subscribing', 'syncing', 'live', 'stopped'] as const);
type FixedStatusState = typeof FIXED_STATUS_STATES extends Set<infer S> ? S : never;

function isFixedStatus(state: ServerView['state']): state is FixedStatusState {
  return FIXED_STATUS_STATES.has(state as FixedStatusState);
}

/**
 * A server's status in the tray's language: the fixed texts of a session's states from the catalogue; while it
 * retries or waits for the user, the core's detail (the reason, which names the server's own words).
 */
export function serverStatusText(server: Pick<ServerView, 'state' | 'detail'>, t: Translator = english): string {
  return isFixedStatus(server.state) ? t(`sessionState.${server.state}`) : server.detail;
}

function serverLabel(server: ServerView, t: Translator): string {
  // The session's status ("Live", "Retrying in 8 s: …") comes first; failures are added because the tray is where
  // people look for them.
  const parts = [t('tray.serverLine', { name: server.name, status: serverStatusText(server, t) })];
  if (server.running > 0) parts.push(t('tray.running', { count: server.running }));
  if (server.unacknowledged > 0) parts.push(t('tray.serverFailures', { count: server.unacknowledged }));
  if (server.muted) parts.push(t('tray.serverMuted'));
  return parts.join(t('tray.partSeparator'));
}

/**
 * The "Safe to restart?" submenu: the answer per server, and "Tell me when it is safe" while it is not. While that
 * watch is already waiting (`watching`), the item says so and cannot be chosen again.
 */
export function safeToRestartItem(
  snapshot: MonitorSnapshot,
  actions: TrayActions,
  t: Translator = english,
  watching = false,
): TrayMenuItem {
  const safety = rebootSafety(snapshot, t);
  const lines: TrayMenuItem[] = [{ label: safety.summary, enabled: false }];
  for (const server of safety.servers) {
    if (server.status === 'unknown') {
      const detail = server.detail === null ? t('safety.notConnected') : serverStatusText({ state: 'backoff', detail: server.detail }, t);
      lines.push({ label: t('safety.serverUnknown', { name: server.name, detail }), enabled: false });
    }
    for (const job of server.jobs) {
      // In steps of 10 %: a label that changed on every progress tick would rebuild (and flicker) the menu.
      const label =
        job.percent === null
          ? t('safety.serverJob', { name: server.name, job: job.name })
          : t('safety.serverJobAbout', { name: server.name, job: job.name, percent: Math.round(job.percent / 10) * 10 });
      lines.push({ label, enabled: false });
    }
  }
  if (actions.watchAllServers) {
    lines.push({ type: 'separator' });
    lines.push(
      watching && !safety.safe
        ? { label: t('safety.watchingUntilSafe'), enabled: false }
        : { label: t('safety.tellMeWhenSafe'), enabled: !safety.safe, click: () => actions.watchAllServers?.() },
    );
  }
  return { label: safety.safe ? t('safety.menuSafe') : t('safety.menuNotYet'), submenu: lines };
}

/** `clickTime` is read when an item is clicked: a menu built at 10:00 and used at 15:00 pauses from 15:00. */
export function trayMenuTemplate(
  snapshot: MonitorSnapshot,
  now: number,
  actions: TrayActions,
  clickTime: () => number = () => now,
  update: TrayUpdateItem | null = null,
  t: Translator = english,
  watchingSafe = false,
): TrayMenuItem[] {
  const paused = isPaused(snapshot, now);
  const servers: TrayMenuItem[] =
    snapshot.servers.length === 0
      ? [{ label: t('tray.noServers'), enabled: false }]
      : snapshot.servers.map((server) => ({ label: serverLabel(server, t), click: () => actions.openServer(server.id) }));
  return [
    { label: t('tray.open'), click: () => actions.openWindow() },
    { type: 'separator' },
    ...servers,
    safeToRestartItem(snapshot, actions, t, watchingSafe),
    { type: 'separator' },
    {
      label: paused ? t('tray.notificationsPausedUntil', { time: clock(snapshot.pausedUntil as number) }) : t('tray.pauseNotifications'),
      submenu: [
        ...PAUSE_PRESETS.map((preset) => ({
          label: t(`tray.pausePreset.${preset.id}`),
          click: () => actions.pauseUntil(preset.until(clickTime())),
        })),
        { label: t('tray.resume'), enabled: paused, click: () => actions.pauseUntil(null) },
      ],
    },
    {
      label: snapshot.failures.length > 0 ? t('tray.acknowledgeAllCount', { count: snapshot.failures.length }) : t('tray.acknowledgeAll'),
      enabled: snapshot.failures.length > 0,
      click: () => actions.acknowledgeAll(),
    },
    { type: 'separator' },
    ...(update
      ? [update.restart ? { label: update.label, click: () => actions.restartToUpdate?.() } : { label: update.label, enabled: false }]
      : []),
    { label: t('tray.settings'), click: () => actions.openSettings() },
    { label: t('tray.quit'), click: () => actions.quit() },
  ];
}

/**
 * The icon file for a state on a platform, inside `iconDir` (build/tray, shipped in app.asar):
 * macOS template images (tinted by the system, @2x picked automatically), Windows .ico, Linux PNG.
 */
export function trayIconPath(state: TrayState, platform: NodeJS.Platform, iconDir: string): string {
  if (platform === 'darwin') return join(iconDir, `tray-${state}Template.png`);
  if (platform === 'win32') return join(iconDir, `tray-${state}.ico`);
  return join(iconDir, `tray-${state}.png`);
}

// ---- the Electron side --------------------------------------------------------------------------------------

export interface TrayLike {
  setImage(image: unknown): void;
  setToolTip(toolTip: string): void;
  /** Text beside the icon in the macOS menu bar (ignored elsewhere). */
  setTitle(title: string): void;
  setContextMenu(menu: unknown): void;
  popUpContextMenu(menu?: never): void;
  on(event: 'click' | 'right-click', listener: () => void): unknown;
  getBounds(): { x: number; y: number; width: number; height: number };
  destroy(): void;
}

/** The part of the `electron` module the tray needs. */
export interface TrayElectron {
  Tray: new (image: never) => TrayLike;
  Menu: { buildFromTemplate(template: never[]): unknown };
  nativeImage: { createFromPath(path: string): { setTemplateImage(option: boolean): void } };
}

export interface StatusTrayOptions {
  platform: NodeJS.Platform;
  iconDir: string;
  actions: TrayActions;
  now?: () => number;
  /** macOS: show the failure count beside the icon (the trayTitleCount setting), read at each update. */
  titleCount?: () => boolean;
  /** The language of the tooltip and the menu (the language setting), read at each update; English without it. */
  translator?: () => Translator;
  /** Whether "Tell me when it is safe" is already waiting (the monitor's reboot-safety answer), read at each update. */
  watchingSafe?: () => boolean;
}

/** The macOS menu-bar title: the number of unacknowledged failures, or nothing. */
export function trayTitle(snapshot: MonitorSnapshot, enabled: boolean): string {
  return enabled && snapshot.failures.length > 0 ? String(snapshot.failures.length) : '';
}

export class StatusTray {
  private readonly tray: TrayLike;
  private readonly now: () => number;
  private shownState: TrayState | null = null;
  private shownTooltip = '';
  private shownMenu = '';
  private shownTitle = '';
  private menu: unknown = null;
  private last: MonitorSnapshot | null = null;
  private updateItem: TrayUpdateItem | null = null;
  private updateLine: string | null = null;

  constructor(
    private readonly electron: TrayElectron,
    private readonly options: StatusTrayOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tray = new electron.Tray(this.image('idle') as never);
    this.shownState = 'idle';
    if (options.platform !== 'linux') {
      // Windows and macOS: a left click toggles the window, a right click opens the menu. Linux's
      // StatusNotifierItem delivers no reliable clicks, so there the menu is attached with setContextMenu.
      this.tray.on('click', () => options.actions.openWindow());
      this.tray.on('right-click', () => this.tray.popUpContextMenu(this.menu as never));
    }
  }

  get state(): TrayState | null {
    return this.shownState;
  }

  bounds(): { x: number; y: number; width: number; height: number } {
    return this.tray.getBounds();
  }

  /** The updater's state for the tooltip and the menu; redraws with the last snapshot. */
  setUpdate(item: TrayUpdateItem | null, tooltipLine: string | null): void {
    this.updateItem = item;
    this.updateLine = tooltipLine;
    if (this.last) this.update(this.last);
  }

  /** Draws the last snapshot again (after the language changed); nothing before the first update. */
  refresh(): void {
    if (this.last) this.update(this.last);
  }

  update(snapshot: MonitorSnapshot): void {
    this.last = snapshot;
    const now = this.now();
    const state = trayState(snapshot, now);
    if (state !== this.shownState) {
      this.tray.setImage(this.image(state));
      this.shownState = state;
    }
    const t = this.options.translator?.() ?? english;
    const tooltip = trayTooltip(snapshot, now, this.updateLine, t);
    if (tooltip !== this.shownTooltip) {
      this.tray.setToolTip(tooltip);
      this.shownTooltip = tooltip;
    }
    if (this.options.platform === 'darwin') {
      const title = trayTitle(snapshot, this.options.titleCount?.() ?? false);
      if (title !== this.shownTitle) {
        this.tray.setTitle(title);
        this.shownTitle = title;
      }
    }
    const template = trayMenuTemplate(
      snapshot,
      now,
      this.options.actions,
      this.now,
      this.updateItem,
      t,
      this.options.watchingSafe?.() ?? false,
    );
    const signature = JSON.stringify(template);
    if (signature !== this.shownMenu) {
      this.menu = this.electron.Menu.buildFromTemplate(template as never[]);
      if (this.options.platform === 'linux') this.tray.setContextMenu(this.menu);
      this.shownMenu = signature;
    }
  }

  destroy(): void {
    this.tray.destroy();
  }

  private image(state: TrayState): unknown {
    const image = this.electron.nativeImage.createFromPath(trayIconPath(state, this.options.platform, this.options.iconDir));
    if (this.options.platform === 'darwin') image.setTemplateImage(true);
    return image;
  }
}
