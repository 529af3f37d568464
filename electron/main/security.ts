/**
 * The renderer's security settings in one place, so each checklist item is a line here and a test there:
 * webPreferences, the Content-Security-Policy, navigation / new-window / webview denial and permission denial,
 * for the window and (through `web-contents-created`) for any other web contents.
 */

/** Where the packaged renderer is served from (see app-protocol.ts); nothing else is ever loaded. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'jobwatch';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Scripts, styles, images and fonts only from the app itself; no network at all from the renderer (it talks to
 * the main process over IPC only); no inline scripts or styles, no plugins, frames, forms or base-URI tricks.
 * The renderer's own meta CSP applies as well (the stricter of the two wins).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
}

export function secureWebPreferences(preload: string, devTools: boolean): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  };
}

/** True only for the app's own pages (same scheme and host), never for file://, http(s):// or another app:// host. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

interface PreventableEvent {
  preventDefault(): void;
}

/** The part of a WebContents the guards touch. */
export interface GuardedWebContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Denies every navigation away from the loaded page, every redirect, every new window and every <webview>.
 * The window is a single-page app: it never needs to navigate, and links to a NAS go through the
 * `openExternal` IPC channel, which checks them against the configured servers.
 */
export function guardWebContents(contents: GuardedWebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** The part of a Session the guards touch. */
export interface GuardedSession {
  setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (webContents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler?(handler: () => boolean): void;
}

/** Every permission (camera, notifications from the page, geolocation, HID…) is refused: the window needs none. */
export function denyAllPermissions(session: GuardedSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
}

/** A web contents as `web-contents-created` hands it over: the guarded parts, and its session. */
export interface CreatedWebContents extends GuardedWebContents {
  readonly session?: GuardedSession;
}

/** The part of `app` the global hook touches. */
export interface WebContentsCreatedApp {
  on(event: 'web-contents-created', listener: (event: unknown, contents: CreatedWebContents) => void): unknown;
}

/**
 * The same guards for every web contents the app will ever have, not just the window's: whatever creates one
 * (a window.open or <webview> that slipped through, a future second window, a bug) gets no navigation, no new
 * windows, no webviews, and no permissions in its session (which may be another partition than the default).
 * Register before the first window is created: the event fires at creation.
 */
export function guardAllWebContents(app: WebContentsCreatedApp): void {
  app.on('web-contents-created', (_event, contents) => {
    guardWebContents(contents);
    if (contents.session) denyAllPermissions(contents.session);
  });
}

/** The part of a Session's webRequest the CSP hook touches. */
export interface HeaderSession {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { responseHeaders?: Record<string, string[]> },
        callback: (response: { responseHeaders: Record<string, string[]> }) => void,
      ) => void,
    ): void;
  };
}

/**
 * Belt and braces: the app:// handler already sends the CSP, and this adds it to any other response the session
 * sees (there should be none: the renderer loads nothing remote), replacing whatever CSP such a response had.
 */
export function enforceContentSecurityPolicy(session: HeaderSession): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}
