/**
 * Updates: when they are on (packaged AppImage, NSIS, dmg/zip) and off (development, deb/rpm), the state machine
 * against a scripted updater, the tray's view of it through the composition root, and the whole flow with the real
 * electron-updater (AppImageUpdater) against a local feed on loopback serving electron-builder's own metadata
 * (latest-linux.yml: version, files[{url, sha512, size}], path, sha512, releaseDate) and a small fake AppImage.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  UpdateController,
  updateMenuItem,
  updateSummary,
  updateSupport,
  updateTooltipLine,
  type UpdateState,
  type UpdaterLike,
} from '../../electron/main/updates';
import { StatusTray, type TrayActions } from '../../electron/main/tray';
import { electronDouble, FakeMenu, FakeTray, resetElectronDouble } from './electron-double';
import { snapshot } from './fixtures';
import { translator } from '../../electron/core/i18n/i18n';

vi.mock('electron', async () => (await import('./electron-double')).electronModule());

const silent = { debug() {}, info() {}, warn() {}, error() {} };

class ScriptedUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = false;
  logger: unknown = null;
  checks = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  nextCheck: () => Promise<unknown> = async () => {
    this.emit('checking-for-update');
    this.emit('update-not-available', { version: '0.1.0' });
  };
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return this.nextCheck();
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

describe('where updates are on', () => {
  it('off in development builds, on for a packaged AppImage, NSIS and dmg/zip; off for deb/rpm with the reason', () => {
    expect(updateSupport('linux', { APPIMAGE: '/home/me/Jobwatch.AppImage' }, false)).toEqual({
      supported: false,
      reason: 'Updates are off in a development build.',
      cause: 'development',
    });
    expect(updateSupport('linux', { APPIMAGE: '/home/me/Jobwatch.AppImage' }, true)).toEqual({ supported: true });
    expect(updateSupport('win32', {}, true)).toEqual({ supported: true });
    expect(updateSupport('darwin', {}, true)).toEqual({ supported: true });
    const deb = updateSupport('linux', {}, true);
    expect(deb.supported).toBe(false);
    expect(!deb.supported && deb.reason).toMatch(/deb or rpm.*package manager/);
  });

  it('never builds the updater where updates are off', () => {
    let built = 0;
    const controller = new UpdateController({
      support: updateSupport('linux', {}, false),
      createUpdater: () => (built++, new ScriptedUpdater()),
      logger: silent,
      onChange: () => undefined,
    });
    controller.start();
    expect(built).toBe(0);
    expect(controller.state).toEqual({ status: 'off', reason: 'Updates are off in a development build.', cause: 'development' });
    expect(updateMenuItem(controller.state)).toEqual({ label: 'Updates are off in a development build.', restart: false });
  });
});

describe('update texts in German', () => {
  const de = translator('de');

  it('say why updates are off, what the updater does and what is ready, with the English reason kept for the log', () => {
    const deb = updateSupport('linux', {}, true);
    expect(!deb.supported && deb.reason).toMatch(/deb or rpm/);
    const controller = new UpdateController({
      support: deb,
      createUpdater: () => new ScriptedUpdater(),
      logger: silent,
      onChange: () => undefined,
    });
    expect(updateMenuItem(controller.state, de).label).toBe(
      'Als deb- oder rpm-Paket installiert: Aktualisieren Sie es mit Ihrer Paketverwaltung oder laden Sie eine neue Version herunter.',
    );
    expect(
      updateMenuItem(
        new UpdateController({
          support: updateSupport('freebsd', {}, true),
          createUpdater: () => new ScriptedUpdater(),
          logger: silent,
          onChange: () => undefined,
        }).state,
        de,
      ).label,
    ).toBe('Auf freebsd sind keine Updates verfügbar.');
    expect(updateMenuItem({ status: 'checking' }, de).label).toBe('Suche nach Updates…');
    expect(updateMenuItem({ status: 'up-to-date', checkedAt: 0 }, de).label).toBe('Jobwatch ist auf dem neuesten Stand');
    expect(updateMenuItem({ status: 'downloading', version: '0.2.0', percent: 42 }, de).label).toBe(
      'Update 0.2.0 wird heruntergeladen: 42 %',
    );
    expect(updateMenuItem({ status: 'ready', version: '0.2.0' }, de)).toEqual({
      label: 'Neu starten und aktualisieren (0.2.0)',
      restart: true,
    });
    expect(updateMenuItem({ status: 'error', message: 'x', at: 0 }, de).label).toBe('Update-Prüfung fehlgeschlagen (morgen erneut)');
    expect(updateTooltipLine({ status: 'ready', version: '0.2.0' }, de)).toBe('Update 0.2.0 bereit');
    // The diagnostics stay English: a bug report is read by the maintainers.
    expect(updateSummary({ status: 'checking' })).toBe('Checking for updates…');
  });
});

describe('the update state machine', () => {
  it('checks at start and daily; up to date, then a release downloads with progress and is offered as a restart', async () => {
    vi.useFakeTimers();
    try {
      const updater = new ScriptedUpdater();
      const states: UpdateState[] = [];
      const controller = new UpdateController({
        support: { supported: true },
        createUpdater: () => updater,
        logger: silent,
        onChange: (s) => states.push(s),
        now: () => 1000,
      });
      controller.start();
      await vi.waitFor(() => expect(controller.state).toEqual({ status: 'up-to-date', checkedAt: 1000 }));
      expect(updater.checks).toBe(1);
      expect(updater.autoDownload).toBe(true);
      expect(updater.logger).toBe(silent);
      expect(controller.restartToUpdate()).toBe(false);

      updater.nextCheck = async () => {
        updater.emit('checking-for-update');
        updater.emit('update-available', { version: '0.2.0' });
        updater.emit('download-progress', { percent: 41.7 });
        updater.emit('download-progress', { percent: 41.9 });
        updater.emit('download-progress', { percent: 250 });
      };
      await vi.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
      expect(updater.checks).toBe(2);
      expect(controller.state).toEqual({ status: 'downloading', version: '0.2.0', percent: 100 });
      // 41.7 and 41.9 are one step for the tray: no redraw per tiny change.
      expect(states.filter((s) => s.status === 'downloading').map((s) => (s as { percent: number }).percent)).toEqual([0, 41, 100]);
      expect(updateTooltipLine(controller.state)).toBe('downloading update 0.2.0 (100 %)');

      updater.emit('update-downloaded', { version: '0.2.0' });
      expect(updateMenuItem(controller.state)).toEqual({ label: 'Restart to update (0.2.0)', restart: true });
      // No check while a release waits for the restart.
      await vi.advanceTimersByTimeAsync(24 * 60 * 60 * 1000);
      expect(updater.checks).toBe(2);
      expect(controller.restartToUpdate()).toBe(true);
      expect(updater.installs).toEqual([[false, true]]);
      controller.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('a failed check says so for people, once, and the next day tries again', async () => {
    const updater = new ScriptedUpdater();
    const warnings: string[] = [];
    updater.nextCheck = async () => {
      const error = new Error('net::ERR_NAME_NOT_RESOLVED\n    at stack lines');
      updater.emit('error', error);
      throw error;
    };
    const controller = new UpdateController({
      support: { supported: true },
      createUpdater: () => updater,
      logger: { ...silent, warn: (m: string) => warnings.push(m) },
      onChange: () => undefined,
    });
    await controller.check();
    expect(controller.state).toMatchObject({
      status: 'error',
      message:
        'The update check failed (net::ERR_NAME_NOT_RESOLVED). Jobwatch tries again tomorrow; a new release can also be downloaded by hand.',
    });
    expect(warnings).toHaveLength(1);
    updater.nextCheck = async () => updater.emit('update-not-available', { version: '0.1.0' });
    await controller.check();
    expect(controller.state.status).toBe('up-to-date');
  });
});

describe('the tray shows the update', () => {
  beforeEach(() => resetElectronDouble());

  it('progress in the tooltip and the menu; "Restart to update" calls the action', () => {
    let restarts = 0;
    const actions: TrayActions = {
      openWindow() {},
      openServer() {},
      pauseUntil() {},
      acknowledgeAll() {},
      openSettings() {},
      restartToUpdate: () => void restarts++,
      quit() {},
    };
    const tray = new StatusTray(electronDouble, { platform: 'linux', iconDir: '/icons', actions, now: () => 0 });
    tray.update(snapshot());
    const fake = FakeTray.instances[0]!;
    expect(fake.contextMenu?.find('Restart to update')).toBeUndefined();
    tray.setUpdate(
      updateMenuItem({ status: 'downloading', version: '0.2.0', percent: 42 }),
      updateTooltipLine({ status: 'downloading', version: '0.2.0', percent: 42 }),
    );
    expect(fake.toolTip).toBe('Jobwatch: 0 running · 0 failed · 0 servers · downloading update 0.2.0 (42 %)');
    expect(fake.contextMenu?.find('Downloading update 0.2.0: 42 %')?.enabled).toBe(false);
    tray.setUpdate(updateMenuItem({ status: 'ready', version: '0.2.0' }), updateTooltipLine({ status: 'ready', version: '0.2.0' }));
    const item = (fake.contextMenu as FakeMenu).find('Restart to update (0.2.0)');
    expect(item?.enabled).not.toBe(false);
    item?.click?.();
    expect(restarts).toBe(1);
    tray.setUpdate(
      updateMenuItem({
        status: 'off',
        reason: 'Installed as a deb or rpm package: update it with your package manager or a new release download.',
      }),
      null,
    );
    expect(fake.contextMenu?.find('Installed as a deb or rpm package')?.enabled).toBe(false);
  });
});

// ---- the real electron-updater against a local feed ------------------------------------------------------------

const require = createRequire(import.meta.url);
const { AppImageUpdater } = require('electron-updater') as {
  AppImageUpdater: new (options: unknown, app: unknown) => UpdaterLike & Record<string, any>;
};
const { ElectronHttpExecutor } = require('electron-updater/out/electronHttpExecutor.js') as {
  ElectronHttpExecutor: new (login: null) => { createRequest(options: unknown, callback: unknown): unknown };
};

/** electron-updater's own download logic, over Node's http instead of Electron's net module (no Electron here). */
class NodeHttpExecutor extends ElectronHttpExecutor {
  constructor() {
    super(null);
  }
  override createRequest(options: RequestOptions, callback: (response: IncomingMessage) => void): ClientRequest {
    return httpRequest(options, callback);
  }
}

function sha512(data: Buffer): string {
  return createHash('sha512').update(data).digest('base64');
}

/** electron-builder's latest-linux.yml for one AppImage (the fields electron-updater reads). */
function latestLinuxYml(version: string, file: string, data: Buffer): string {
  const hash = sha512(data);
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${hash}`,
    `    size: ${data.length}`,
    `path: ${file}`,
    `sha512: ${hash}`,
    `releaseDate: '2026-02-01T10:00:00.000Z'`,
    '',
  ].join('\n');
}

describe('the update flow against a local feed (real electron-updater, generic provider on loopback)', () => {
  let server: Server;
  let feed = '';
  const requests: string[] = [];
  const work = mkdtempSync(join(tmpdir(), 'jobwatch-update-'));
  const oldAppImage = join(work, 'Jobwatch.AppImage');
  const marker = join(work, 'new-version-ran');
  const newAppImage = Buffer.from(`#!/bin/sh\necho 0.2.0 > "${marker}"\n# ${'x'.repeat(40_000)}\n`);
  const savedAppImage = process.env['APPIMAGE'];
  let ymlBody = latestLinuxYml('0.2.0', 'Jobwatch-for-TrueNAS-0.2.0.AppImage', newAppImage);

  beforeEach(async () => {
    requests.length = 0;
    resetElectronDouble();
    // electron-updater requires `electron` with Node's own require (not through vi.mock) when it quits to install.
    const electronPath = require.resolve('electron');
    require.cache[electronPath] = {
      id: electronPath,
      filename: electronPath,
      loaded: true,
      exports: { autoUpdater: new EventEmitter() },
    } as unknown as NodeJS.Module;
    writeFileSync(oldAppImage, '#!/bin/sh\necho 0.1.0\n');
    chmodSync(oldAppImage, 0o755);
    process.env['APPIMAGE'] = oldAppImage;
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      if (/^\/latest-linux(-arm64)?\.yml/.test(req.url ?? '')) res.writeHead(200, { 'content-type': 'text/yaml' }).end(ymlBody);
      else if (req.url === '/Jobwatch-for-TrueNAS-0.2.0.AppImage')
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': newAppImage.length }).end(newAppImage);
      else res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    feed = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    if (savedAppImage === undefined) delete process.env['APPIMAGE'];
    else process.env['APPIMAGE'] = savedAppImage;
    await new Promise((done) => server.close(done));
  });

  function realUpdater(quits: { n: number }) {
    const config = join(work, 'app-update.yml');
    writeFileSync(config, `provider: generic\nurl: ${feed}\nupdaterCacheDirName: jobwatch-updater-test\n`);
    const app = {
      version: '0.1.0',
      name: 'jobwatch-truenas',
      isPackaged: true,
      appUpdateConfigPath: config,
      userDataPath: join(work, 'userData'),
      baseCachePath: join(work, 'cache'),
      whenReady: () => Promise.resolve(),
      relaunch: () => undefined,
      quit: () => void quits.n++,
      onQuit: () => undefined,
    };
    const updater = new AppImageUpdater(null, app);
    // Node's HTTP in place of Electron's net module; set before the feed, whose provider takes the executor.
    updater['httpExecutor'] = new NodeHttpExecutor();
    updater['setFeedURL']({ provider: 'generic', url: feed });
    // The fake AppImage has no embedded block map; a differential attempt would only log its failure.
    updater['disableDifferentialDownload'] = true;
    return updater;
  }

  it('finds 0.2.0, downloads and verifies it, offers the restart, and installs it in place of the AppImage', async () => {
    const quits = { n: 0 };
    const updater = realUpdater(quits);
    const states: UpdateState[] = [];
    const controller = new UpdateController({
      support: updateSupport('linux', process.env, true),
      createUpdater: () => updater,
      logger: silent,
      onChange: (s) => states.push(s),
    });
    await controller.check();
    await vi.waitFor(() => expect(controller.state).toEqual({ status: 'ready', version: '0.2.0' }), { timeout: 10_000 });
    expect(states.map((s) => s.status)).toEqual(expect.arrayContaining(['checking', 'downloading', 'ready']));
    expect(states.some((s) => s.status === 'downloading' && s.percent === 100)).toBe(true);
    expect(requests.some((r) => r.startsWith('/latest-linux'))).toBe(true);
    expect(requests).toContain('/Jobwatch-for-TrueNAS-0.2.0.AppImage');

    expect(controller.restartToUpdate()).toBe(true);
    // The downloaded file replaced the AppImage (same name: no version in it), the new one ran, and the app quit.
    expect(readFileSync(oldAppImage)).toEqual(newAppImage);
    await vi.waitFor(() => expect(existsSync(marker)).toBe(true), { timeout: 5000 });
    expect(readFileSync(marker, 'utf8').trim()).toBe('0.2.0');
    await vi.waitFor(() => expect(quits.n).toBe(1));
  });

  it('a release whose file does not match its sha512 is refused, and the user is told', async () => {
    ymlBody = latestLinuxYml('0.2.0', 'Jobwatch-for-TrueNAS-0.2.0.AppImage', Buffer.from('some other file'));
    try {
      const updater = realUpdater({ n: 0 });
      const controller = new UpdateController({
        support: { supported: true },
        createUpdater: () => updater,
        logger: silent,
        onChange: () => undefined,
      });
      await controller.check();
      await vi.waitFor(() => expect(controller.state.status).toBe('error'), { timeout: 10_000 });
      expect(controller.state).toMatchObject({
        message: expect.stringMatching(/^The update check failed \(.*sha512.*\)\. Jobwatch tries again tomorrow/),
      });
      expect(controller.restartToUpdate()).toBe(false);
    } finally {
      ymlBody = latestLinuxYml('0.2.0', 'Jobwatch-for-TrueNAS-0.2.0.AppImage', newAppImage);
    }
  });

  it('the feed saying 0.1.0 means up to date: nothing is downloaded', async () => {
    ymlBody = latestLinuxYml('0.1.0', 'Jobwatch-for-TrueNAS-0.1.0.AppImage', newAppImage);
    try {
      const controller = new UpdateController({
        support: { supported: true },
        createUpdater: () => realUpdater({ n: 0 }),
        logger: silent,
        onChange: () => undefined,
      });
      await controller.check();
      expect(controller.state.status).toBe('up-to-date');
      expect(requests.filter((r) => r.endsWith('.AppImage'))).toEqual([]);
    } finally {
      ymlBody = latestLinuxYml('0.2.0', 'Jobwatch-for-TrueNAS-0.2.0.AppImage', newAppImage);
    }
  });
});
