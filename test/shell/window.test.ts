import { beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_WINDOW_SIZE,
  JobWindow,
  isWayland,
  positionNearTray,
  restoredSize,
  windowOptions,
  type WindowPreferences,
} from '../../electron/main/window';
import { APP_URL, CONTENT_SECURITY_POLICY, denyAllPermissions, enforceContentSecurityPolicy, isAppUrl } from '../../electron/main/security';
import { handleAppProtocol, registerAppScheme, resolveAppFile, serveAppRequest } from '../../electron/main/app-protocol';
import { electronDouble, FakeBrowserWindow, FakeFrame, resetElectronDouble } from './electron-double';

function preferences(
  initial: { size: { width: number; height: number } | null; alwaysOnTop: boolean } = { size: null, alwaysOnTop: true },
) {
  const saved: { size: unknown; alwaysOnTop: unknown } = { size: undefined, alwaysOnTop: undefined };
  const prefs: WindowPreferences = {
    load: () => initial,
    saveSize: (size) => (saved.size = size),
    saveAlwaysOnTop: (flag) => (saved.alwaysOnTop = flag),
  };
  return { prefs, saved };
}

function jobWindow(
  opts: {
    platform?: NodeJS.Platform;
    env?: NodeJS.ProcessEnv;
    tray?: { x: number; y: number; width: number; height: number } | null;
    prefs?: WindowPreferences;
  } = {},
) {
  const window = new JobWindow(electronDouble, {
    platform: opts.platform ?? 'win32',
    env: opts.env ?? {},
    preloadPath: '/app/dist/preload/preload.cjs',
    devTools: false,
    preferences: opts.prefs ?? preferences().prefs,
    trayBounds: () => opts.tray ?? null,
  });
  return { window, fake: FakeBrowserWindow.instances.at(-1)! };
}

describe('window options', () => {
  beforeEach(() => resetElectronDouble());

  it('is small, hidden until shown, always on top by default, with every renderer security setting', () => {
    const { fake } = jobWindow();
    const o = fake.options;
    expect([o['width'], o['height']]).toEqual([420, 600]);
    expect(o['show']).toBe(false);
    expect(o['alwaysOnTop']).toBe(true);
    expect(o['webPreferences']).toEqual({
      preload: '/app/dist/preload/preload.cjs',
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
      devTools: false,
    });
  });

  it('restores a remembered size and pin state, and ignores nonsense sizes', () => {
    const { fake } = jobWindow({ prefs: preferences({ size: { width: 500, height: 700 }, alwaysOnTop: false }).prefs });
    expect([fake.options['width'], fake.options['height']]).toEqual([500, 700]);
    expect(fake.options['alwaysOnTop']).toBe(false);
    expect(restoredSize({ width: 5, height: 700 })).toEqual(DEFAULT_WINDOW_SIZE);
    expect(restoredSize({ width: Number.NaN, height: 700 })).toEqual(DEFAULT_WINDOW_SIZE);
    expect(restoredSize(null)).toEqual(DEFAULT_WINDOW_SIZE);
  });

  it('keeps minimise on Windows and Linux but not on macOS (no Dock icon to restore from)', () => {
    expect(
      windowOptions({ size: DEFAULT_WINDOW_SIZE, alwaysOnTop: true, preloadPath: 'p', platform: 'darwin', devTools: false }).minimizable,
    ).toBe(false);
    expect(
      windowOptions({ size: DEFAULT_WINDOW_SIZE, alwaysOnTop: true, preloadPath: 'p', platform: 'linux', devTools: false }).minimizable,
    ).toBe(true);
  });
});

describe('window behaviour', () => {
  beforeEach(() => resetElectronDouble());

  it('loads only the app:// page', async () => {
    const { window, fake } = jobWindow();
    await window.load();
    expect(fake.loadedUrl).toBe(APP_URL);
    expect(isAppUrl(fake.loadedUrl!)).toBe(true);
  });

  it('hides instead of closing, remembering its size, until the app quits', () => {
    const { prefs, saved } = preferences();
    const { window, fake } = jobWindow({ prefs });
    window.show();
    fake.setSize(480, 640);
    expect(fake.userClose()).toBe(true);
    expect(fake.visible).toBe(false);
    expect(fake.destroyed).toBe(false);
    expect(saved.size).toEqual({ width: 480, height: 640 });
    window.allowClose();
    expect(fake.userClose()).toBe(false);
    expect(fake.destroyed).toBe(true);
  });

  it('remembers the size after a resize and the pin toggle', () => {
    const { prefs, saved } = preferences();
    const { window, fake } = jobWindow({ prefs });
    fake.setSize(400, 500);
    fake.emit('resized');
    expect(saved.size).toEqual({ width: 400, height: 500 });
    window.setAlwaysOnTop(false);
    expect(fake.alwaysOnTop).toBe(false);
    expect(saved.alwaysOnTop).toBe(false);
  });

  it('opens next to a bottom-right tray icon on Windows, above the taskbar', () => {
    const { window, fake } = jobWindow({ tray: { x: 1800, y: 1045, width: 24, height: 30 } });
    window.show();
    expect(fake.visible).toBe(true);
    expect(fake.position).toEqual([1920 - 420, 1040 - 600]);
  });

  it('opens below a top-bar icon (macOS), centred on it', () => {
    electronDouble.screen.workArea = { x: 0, y: 25, width: 1440, height: 875 };
    const { window, fake } = jobWindow({ platform: 'darwin', tray: { x: 1000, y: 0, width: 22, height: 24 } });
    window.show();
    expect(fake.position).toEqual([1011 - 210, 28]);
  });

  it('is a normal window on Wayland and where the tray reports no position', () => {
    const wayland = jobWindow({ platform: 'linux', env: { XDG_SESSION_TYPE: 'wayland' }, tray: { x: 1800, y: 0, width: 24, height: 24 } });
    wayland.window.show();
    expect(wayland.fake.position).toEqual([0, 0]);
    expect(wayland.window.placedNearTray).toBe(false);
    const sni = jobWindow({ platform: 'linux', env: { XDG_SESSION_TYPE: 'x11' }, tray: { x: 0, y: 0, width: 0, height: 0 } });
    sni.window.show();
    expect(sni.window.placedNearTray).toBe(false);
    expect(isWayland('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(isWayland('darwin', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(false);
  });

  it('toggles: shows when hidden, hides when focused', () => {
    const { window, fake } = jobWindow();
    window.toggle();
    expect(fake.visible).toBe(true);
    window.toggle();
    expect(fake.visible).toBe(false);
  });

  it('keeps the window inside the work area', () => {
    expect(
      positionNearTray({ x: 5, y: 1045, width: 24, height: 30 }, { width: 420, height: 600 }, { x: 0, y: 0, width: 1920, height: 1040 }),
    ).toEqual({ x: 0, y: 440 });
    expect(
      positionNearTray({ x: 0, y: 0, width: 0, height: 0 }, { width: 420, height: 600 }, { x: 0, y: 0, width: 1920, height: 1040 }),
    ).toBeNull();
  });

  it('recognises only its own main frame on its own page as an IPC sender', async () => {
    const { window, fake } = jobWindow();
    await window.load();
    expect(window.isOwnMainFrame(fake.webContents.mainFrame)).toBe(true);
    expect(window.isOwnMainFrame(new FakeFrame(APP_URL))).toBe(false); // a subframe or another window
    // The same frame through another wrapper object still counts.
    const main = fake.webContents.mainFrame;
    expect(window.isOwnMainFrame({ url: APP_URL, processId: main.processId, routingId: main.routingId })).toBe(true);
    expect(window.isOwnMainFrame({ url: APP_URL, processId: main.processId, routingId: main.routingId + 1000 })).toBe(false);
    fake.webContents.mainFrame.url = 'https://evil.example/';
    expect(window.isOwnMainFrame(fake.webContents.mainFrame)).toBe(false);
    expect(window.isOwnMainFrame(null)).toBe(false);
  });
});

describe('navigation, new windows, webviews and permissions', () => {
  beforeEach(() => resetElectronDouble());

  it('denies navigation, redirects, window.open and webviews', () => {
    const { fake } = jobWindow();
    const wc = fake.webContents;
    expect(wc.tryEvent('will-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.tryEvent('will-navigate', APP_URL)).toBe(true);
    expect(wc.tryEvent('will-redirect', 'https://evil.example/')).toBe(true);
    expect(wc.tryEvent('will-frame-navigate', 'https://evil.example/')).toBe(true);
    expect(wc.tryEvent('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(wc.tryEvent('will-attach-webview')).toBe(true);
    expect(wc.windowOpenHandler?.({ url: 'https://nas.lan/' })).toEqual({ action: 'deny' });
  });

  it('refuses every permission request and check', () => {
    const session = electronDouble.session.defaultSession;
    denyAllPermissions(session);
    const answers: boolean[] = [];
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read']) {
      session.permissionRequestHandler?.(null, permission, (granted: boolean) => answers.push(granted));
      answers.push(session.permissionCheckHandler?.(null, permission) as boolean);
    }
    expect(answers).toHaveLength(10);
    expect(answers.every((a) => a === false)).toBe(true);
    expect(session.deviceHandler?.()).toBe(false);
  });
});

describe('app:// protocol and CSP', () => {
  const root = mkdtempSync(join(tmpdir(), 'jobwatch-renderer-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Jobwatch</title>');
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'jobwatch-secret.txt'), 'secret');

  it('has a strict CSP: nothing remote, no inline or eval scripts, no frames or plugins', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]),
    );
    expect(directives['default-src']).toBe("'none'");
    expect(directives['script-src']).toBe("'self'");
    expect(directives['connect-src']).toBe("'none'");
    expect(directives['style-src']).toBe("'self'");
    expect(directives['object-src']).toBe("'none'");
    expect(directives['frame-ancestors']).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|https?:|\*/);
  });

  it('puts the CSP on any other response the session sees, replacing a weaker one', () => {
    resetElectronDouble();
    const session = electronDouble.session.defaultSession;
    enforceContentSecurityPolicy(session);
    let out: Record<string, string[]> = {};
    session.headersListener?.(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'x-a': ['1'] } },
      (r: { responseHeaders: Record<string, string[]> }) => (out = r.responseHeaders),
    );
    expect(out).toEqual({ 'x-a': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });

  it('serves renderer files with the CSP header and the right type', async () => {
    const res = await serveAppRequest(root, { url: 'app://jobwatch/assets/app.js', method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const index = await serveAppRequest(root, { url: 'app://jobwatch/', method: 'GET' });
    expect(await index.text()).toContain('<title>Jobwatch</title>');
  });

  it('never serves outside the renderer folder, another host or scheme', async () => {
    for (const url of [
      'app://jobwatch/../jobwatch-secret.txt',
      'app://jobwatch/%2e%2e/jobwatch-secret.txt',
      'app://jobwatch/..%2fjobwatch-secret.txt',
      'app://other/index.html',
      'file:///etc/passwd',
      'app://jobwatch/%00',
    ]) {
      // URL parsing folds a plain "/.." into the root; whatever resolves must stay inside the renderer folder.
      const file = resolveAppFile(root, url);
      expect(file === null || file.startsWith(`${root}/`), url).toBe(true);
      expect((await serveAppRequest(root, { url })).status, url).toBe(404);
    }
    expect(resolveAppFile(root, 'app://jobwatch/..%2f..%2fetc%2fpasswd')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect((await serveAppRequest(root, { url: 'app://jobwatch/index.html', method: 'POST' })).status).toBe(405);
  });

  it('registers the scheme as privileged (standard, secure) without bypassing CSP, and handles it', async () => {
    resetElectronDouble();
    registerAppScheme(electronDouble);
    expect(electronDouble.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    handleAppProtocol(electronDouble, root);
    const res = await electronDouble.protocol.handlers.get('app')!(new Request('app://jobwatch/index.html'));
    expect(res.status).toBe(200);
  });
});
