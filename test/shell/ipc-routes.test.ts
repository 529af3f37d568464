/**
 * Every contract channel as the window reaches it: through ipcMain (the double) from our window's main frame,
 * into the real composition root and the core's createMonitor over electron-store (conf) and safeStorage.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { startShell, type Shell } from '../../electron/main/app';
import { createMonitor } from '../../electron/core/desktop-monitor';
import { DEMO_API_KEY, runSimCommand } from '../../electron/sim/index';
import { DEFAULT_SETTINGS, REQUESTS, type RequestName } from '../../electron/ipc/contract';
import { electronDouble, FakeBrowserWindow, FakeFrame, resetElectronDouble } from './electron-double';
import type { SoundPlayer, SoundResult } from '../../electron/main/sound';

const SECRET = '7-' + 'S3cr3tApiKeyThatMustNeverLeaveMain'.padEnd(64, 'x');
const DRAFT = { name: 'Office NAS', url: 'https://nas.office.lan', auth: { method: 'api-key', username: 'admin' }, fingerprint256: null };

let shell: Shell | null = null;
let dir = '';

async function boot(options: { demo?: boolean; dir?: string; soundPlayer?: SoundPlayer } = {}) {
  dir = options.dir ?? mkdtempSync(join(tmpdir(), 'jobwatch-routes-'));
  electronDouble.app.becomeReady();
  shell = await startShell({
    electron: electronDouble,
    platform: 'linux',
    env: { XDG_CONFIG_HOME: dir },
    appRoot: process.cwd(),
    openStore: (name) =>
      new Conf<Record<string, unknown>>({
        cwd: dir,
        configName: name,
        projectName: 'jobwatch-routes',
        accessPropertiesByDotNotation: false,
      }),
    createMonitor: (ports) => createMonitor(ports),
    ...(options.demo ? { runSimCommand } : {}),
    ...(options.soundPlayer ? { soundPlayer: options.soundPlayer } : {}),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  if (!shell) throw new Error('no single-instance lock');
  return FakeBrowserWindow.instances[0]!.webContents.mainFrame;
}

/** What ipcRenderer.invoke returns to the window: the contract's envelope. */
type Envelope = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
const call = (frame: FakeFrame | null, name: RequestName, payload?: unknown) =>
  electronDouble.ipcMain.invoke(REQUESTS[name].channel, frame, payload) as Promise<Envelope>;

describe('contract routes', () => {
  beforeEach(() => resetElectronDouble());
  afterEach(async () => {
    if (shell) {
      electronDouble.app.quit();
      await shell.stopped;
    }
    shell = null;
  });

  it('adds a server with its secret, and no reply, event, file or profile ever holds the secret', async () => {
    const frame = await boot();
    const added = await call(frame, 'addServer', { draft: DRAFT, secret: SECRET });
    expect(added).toMatchObject({ ok: true, value: { id: 'office-nas', name: 'Office NAS' } });
    const profiles = await call(frame, 'listProfiles');
    expect(profiles).toEqual({
      ok: true,
      value: [
        {
          id: 'office-nas',
          name: 'Office NAS',
          url: 'https://nas.office.lan',
          auth: { method: 'api-key', username: 'admin', allowInsecurePassword: false },
          fingerprint256: null,
          muted: false,
          mutedUntil: null,
        },
      ],
    });
    const replies = [added, profiles, await call(frame, 'subscribe'), await call(frame, 'getSettings')];
    expect(JSON.stringify(replies)).not.toContain(SECRET);
    expect(JSON.stringify(FakeBrowserWindow.instances[0]!.webContents.sent)).not.toContain(SECRET);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain(SECRET);
    // …but it is there, encrypted, for the core to log in with.
    expect(await shell!.secrets.get('office-nas')).toBe(SECRET);
  });

  it('refuses every channel from a foreign frame and invalid payloads on every channel that takes one', async () => {
    const frame = await boot();
    for (const name of Object.keys(REQUESTS) as RequestName[]) {
      for (const foreign of [new FakeFrame('app://jobwatch/index.html'), new FakeFrame('https://evil.example/'), null]) {
        expect(await call(foreign, name, undefined), `${name} from ${foreign?.url}`).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN_SENDER' },
        });
      }
      const bad = REQUESTS[name].request.safeParse(undefined).success ? 'unexpected' : { unexpected: true, key: 7 };
      expect(await call(frame, name, bad), name).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    }
    expect(await call(frame, 'addServer', { draft: { ...DRAFT, url: '' }, secret: SECRET })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_REQUEST' },
    });
    expect(await call(frame, 'listProfiles')).toEqual({ ok: true, value: [] });
  });

  it('passes the core’s errors through with their codes', async () => {
    const frame = await boot();
    expect(await call(frame, 'abortJob', { key: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'That job is no longer known.' },
    });
    expect(await call(frame, 'jobDetail', { key: 'nope' })).toEqual({ ok: true, value: null });
  });

  it('opens only the web UI of a configured server', async () => {
    const frame = await boot();
    await call(frame, 'addServer', { draft: DRAFT, secret: SECRET });
    expect(await call(frame, 'openJobInWebUi', { key: 'unknown' })).toMatchObject({ ok: false });
    await shell!.openExternal('https://nas.office.lan/ui/jobs');
    await expect(shell!.openExternal('https://evil.example/')).rejects.toMatchObject({ code: 'URL_NOT_ALLOWED' });
    expect(electronDouble.shell.opened).toEqual(['https://nas.office.lan/ui/jobs']);
  });

  it('saves settings, applying the shortcut, pin and login item, and refuses a shortcut that is taken without saving it', async () => {
    const frame = await boot();
    const window = FakeBrowserWindow.instances[0]!;
    const next = structuredClone(DEFAULT_SETTINGS);
    next.ui.globalShortcut = 'Alt+J';
    next.ui.alwaysOnTop = true;
    expect(await call(frame, 'setSettings', next)).toEqual({ ok: true, value: next });
    expect(electronDouble.globalShortcut.isRegistered('Alt+J')).toBe(true);
    expect(electronDouble.globalShortcut.isRegistered('CommandOrControl+Shift+J')).toBe(false);
    expect(window.alwaysOnTop).toBe(true);

    electronDouble.globalShortcut.taken.add('Alt+K');
    const taken = structuredClone(next);
    taken.ui.globalShortcut = 'Alt+K';
    expect(await call(frame, 'setSettings', taken)).toMatchObject({ ok: false, error: { code: 'SHORTCUT_UNAVAILABLE' } });
    expect(electronDouble.globalShortcut.isRegistered('Alt+J')).toBe(true);
    expect(await call(frame, 'getSettings')).toMatchObject({ ok: true, value: { ui: { globalShortcut: 'Alt+J' } } });

    const login = structuredClone(next);
    login.ui.startAtLogin = true;
    expect(await call(frame, 'setSettings', login)).toEqual({ ok: true, value: login });
    expect(existsSync(join(dir, 'autostart', 'jobwatch.desktop'))).toBe(true);
  });

  it("reads and saves a server's own rules, refusing bad payloads and unknown servers, and keeps them across a restart", async () => {
    const frame = await boot();
    await call(frame, 'addServer', { draft: DRAFT, secret: SECRET });
    expect(await call(frame, 'getServerRules', { serverId: 'office-nas' })).toEqual({ ok: true, value: [] });
    const bad: unknown[] = [
      { serverId: 'office-nas', rules: [{ glob: '', action: 'never' }] },
      { serverId: 'office-nas', rules: [{ glob: 'x'.repeat(201), action: 'never' }] },
      { serverId: 'office-nas', rules: [{ glob: 'pool.*', action: 'mute' }] },
      { serverId: 'office-nas', rules: Array.from({ length: 201 }, () => ({ glob: 'pool.*', action: 'never' })) },
      { serverId: '', rules: [] },
      { rules: [] },
    ];
    for (const payload of bad)
      expect(await call(frame, 'setServerRules', payload), JSON.stringify(payload).slice(0, 80)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_REQUEST' },
      });
    expect(await call(frame, 'setServerRules', { serverId: 'nowhere', rules: [] })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    const rules = [
      { glob: 'cloudsync.*', action: 'never' },
      { glob: 'pool.scrub*', action: 'failures' },
    ];
    expect(await call(frame, 'setServerRules', { serverId: 'office-nas', rules })).toEqual({ ok: true, value: rules });
    expect(await call(frame, 'getServerRules', { serverId: 'office-nas' })).toEqual({ ok: true, value: rules });
    // Editing the server's address afterwards keeps its rules.
    expect(await call(frame, 'updateServer', { id: 'office-nas', draft: { ...DRAFT, name: 'Office NAS 2' }, secret: null })).toMatchObject({
      ok: true,
    });
    expect(await call(frame, 'getServerRules', { serverId: 'office-nas' })).toEqual({ ok: true, value: rules });

    electronDouble.app.quit();
    await shell!.stopped;
    shell = null;
    resetElectronDouble();
    const again = await boot({ dir });
    expect(await call(again, 'getServerRules', { serverId: 'office-nas' })).toEqual({ ok: true, value: rules });
  });

  it('plays the test sound at the volume the window asks for, and passes a player failure back in words', async () => {
    const played: number[] = [];
    let answer: SoundResult = { ok: true };
    const frame = await boot({
      soundPlayer: {
        play: async (volume) => {
          played.push(volume);
          return answer;
        },
      },
    });
    expect(await call(frame, 'playTestSound', { volume: 35 })).toEqual({ ok: true, value: { ok: true } });
    answer = { ok: false, message: 'The failure sound could not be played (paplay: not installed).' };
    expect(await call(frame, 'playTestSound', { volume: 0 })).toEqual({ ok: true, value: answer });
    expect(await call(frame, 'playTestSound', { volume: 140 })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect(played).toEqual([35, 0]);
    // A test plays whatever the saved sound settings say (off by default), and saves nothing.
    expect(shell!.monitor.settings.get().notifications.sound.enabled).toBe(false);
  });

  it('pauses notifications from the window and keeps the pause in the settings', async () => {
    const frame = await boot();
    const until = Date.now() + 3_600_000;
    expect(await call(frame, 'pauseNotifications', { until })).toEqual({ ok: true, value: null });
    expect(shell!.monitor.snapshot().pausedUntil).toBe(until);
    await new Promise((r) => setTimeout(r, 0));
    expect(shell!.monitor.settings.get().notifications.pausedUntil).toBe(until);
  });

  it('hides the window when the renderer asks (Escape)', async () => {
    const frame = await boot();
    const window = FakeBrowserWindow.instances.at(-1)!;
    expect(window.isVisible()).toBe(true);
    expect(await call(frame, 'hideWindow')).toEqual({ ok: true, value: null });
    expect(window.isVisible()).toBe(false);
  });

  it('starts the demo server on loopback and adds it as a server (first run)', async () => {
    const frame = await boot({ demo: true });
    const reply = await call(frame, 'startDemoServer');
    expect(reply).toMatchObject({ ok: true, value: { serverId: 'demo-server' } });
    const url = (reply as { value: { url: string } }).value.url;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(shell!.monitor.snapshot().servers.map((s) => s.name)).toEqual(['Demo server']);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')))
      expect(readFileSync(join(dir, file), 'utf8')).not.toContain(DEMO_API_KEY);
    await expect.poll(() => shell!.monitor.snapshot().servers[0]?.state, { timeout: 10_000 }).toBe('live');
    // A new demo is not started twice.
    expect(await call(frame, 'startDemoServer')).toEqual(reply);
  });
});
