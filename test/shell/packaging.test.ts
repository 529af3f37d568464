/**
 * Packaging, offline: electron-builder.yml loaded and validated the way electron-builder does it, its fuses read,
 * and `--linux dir` packed with a stand-in electronDist (the real Electron zip cannot be downloaded here) to check
 * what app.asar holds: the built main, preload and renderer, the tray icons, production dependencies only, and no
 * sources or tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ID } from '../../electron/main/app';

const root = process.cwd();
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<Record<string, any>>;
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled?: boolean) => unknown };
const { listPackage } = require('@electron/asar') as { listPackage(path: string, options: { isPack: boolean }): string[] };
const { getCurrentFuseWire, FuseV1Options } = require('@electron/fuses') as {
  getCurrentFuseWire(path: string): Promise<Record<number, number>>;
  FuseV1Options: Record<string, number>;
};
const { SENTINEL: FUSE_SENTINEL, FuseState } = require('@electron/fuses/dist/constants.js') as {
  SENTINEL: string;
  FuseState: Record<string, number>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('electron-builder configuration', () => {
  it('is valid for electron-builder 26 (validated offline)', async () => {
    const config = await getConfig(root, null, null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // The check can fail: an unknown option is refused.
    await expect(validateConfiguration({ ...config, notAnOption: true }, new DebugLogger(false))).rejects.toThrow(
      /notAnOption|additional/i,
    );
  });

  it('sets the fuses: no RunAsNode, NODE_OPTIONS or inspect flags; asar integrity; app only from asar', async () => {
    const config = await getConfig(root, null, null);
    expect(config['asar']).toBe(true);
    expect(config['npmRebuild']).toBe(false);
    expect(config['electronFuses']).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('has the real targets, ids, icons and categories', async () => {
    const config = await getConfig(root, null, null);
    expect(config['appId']).toBe('org.jobwatch.truenas');
    expect(config['productName']).toBe('Jobwatch for TrueNAS');
    expect(config['mac'].target).toEqual([
      { target: 'dmg', arch: 'universal' },
      { target: 'zip', arch: 'universal' },
    ]);
    expect(config['mac'].extendInfo.LSUIElement).toBe(true);
    // Action buttons on macOS notifications need the alert style.
    expect(config['mac'].extendInfo.NSUserNotificationAlertStyle).toBe('alert');
    expect(config['mac'].category).toBe('public.app-category.utilities');
    expect(config['win'].target.map((t: { target: string }) => t.target)).toEqual(['nsis']);
    expect(config['linux'].target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config['linux'].category).toBe('System');
    // The .desktop entry, the deb maintainer (an email is required by dpkg) and the Windows notification id.
    expect(config['linux'].maintainer).toMatch(/^[^<>]+ <[^@\s<>]+@[^@\s<>]+\.[a-z]+>$/);
    expect(config['linux'].desktop.entry).toMatchObject({
      Name: 'Jobwatch for TrueNAS',
      Categories: 'System;Monitor;',
      StartupWMClass: 'jobwatch',
    });
    expect(config['appId']).toBe(APP_ID);
    for (const icon of [config['mac'].icon, config['win'].icon, join(config['linux'].icon, '512x512.png'), config['mac'].entitlements]) {
      expect(existsSync(join(root, icon)), icon).toBe(true);
    }
  });
});

describe('updates from GitHub releases', () => {
  it('publishes to GitHub releases, which electron-updater reads back from app-update.yml', async () => {
    const config = await getConfig(root, null, null);
    expect(config['publish']).toMatchObject({ provider: 'github', owner: expect.any(String), repo: expect.any(String) });
    expect(pkg.dependencies['electron-updater']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.dependencies['electron-log']).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('packed app (--linux dir, stand-in Electron)', () => {
  const work = mkdtempSync(join(tmpdir(), 'jobwatch-pack-'));
  let entries: string[] = [];
  let packLog = '';

  beforeAll(() => {
    // Build when the bundles are missing (the CI runs the build before the tests; a lone run may not have).
    const built = ['dist/main/main.js', 'dist/preload/preload.cjs'].every((f) => existsSync(join(root, f)));
    const rendererBuilt = !existsSync(join(root, 'renderer/vite.config.ts')) || existsSync(join(root, 'dist/renderer/index.html'));
    if (!built || !rendererBuilt) {
      const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
      if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    }
    // The stand-in: an executable named `electron` and a version file, which is all `--linux dir` copies and renames.
    // It carries a fuse wire as Electron's binary does (sentinel, wire version 1, length, one byte per fuse, in
    // Electron's defaults), so electron-builder's fuse flipping runs for real and the result can be read back.
    const electronDist = join(work, 'electron-dist');
    mkdirSync(join(electronDist, 'resources'), { recursive: true });
    const wire = Buffer.concat([Buffer.from(FUSE_SENTINEL, 'ascii'), Buffer.from([1, 8]), Buffer.from('10110001', 'ascii')]);
    writeFileSync(
      join(electronDist, 'electron'),
      Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in for the Electron binary"\nexit 0\n# '), wire, Buffer.from('\n')]),
    );
    chmodSync(join(electronDist, 'electron'), 0o755);
    writeFileSync(join(electronDist, 'version'), pkg.devDependencies['electron'] ?? '45.5.0');
    const pack = spawnSync(
      'npx',
      [
        'electron-builder',
        '--linux',
        'dir',
        '--publish',
        'never',
        `-c.electronDist=${electronDist}`,
        `-c.directories.output=${join(work, 'out')}`,
        '-c.npmRebuild=false',
      ],
      { cwd: root, encoding: 'utf8', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', CI: 'true' }, timeout: 170_000 },
    );
    packLog = `${pack.stdout}\n${pack.stderr}`;
    const asar = join(work, 'out', 'linux-unpacked', 'resources', 'app.asar');
    if (pack.status !== 0 || !existsSync(asar)) throw new Error(`electron-builder --linux dir failed:\n${packLog}`);
    entries = listPackage(asar, { isPack: false }).map((e) => e.replaceAll('\\', '/'));
  }, 180_000);

  it('renames the stand-in binary to the executable name', () => {
    expect(existsSync(join(work, 'out', 'linux-unpacked', 'jobwatch'))).toBe(true);
  });

  it('writes app-update.yml for the updater, pointing at the GitHub releases', () => {
    const updateConfig = readFileSync(join(work, 'out', 'linux-unpacked', 'resources', 'app-update.yml'), 'utf8');
    expect(updateConfig).toMatch(/^provider: github$/m);
    expect(updateConfig).toMatch(/^repo: jobwatch-truenas$/m);
    expect(updateConfig).toMatch(/^updaterCacheDirName: /m);
  });

  it('flips the fuses in the packaged binary', async () => {
    const wire = await getCurrentFuseWire(join(work, 'out', 'linux-unpacked', 'jobwatch'));
    const state = (name: string) => wire[FuseV1Options[name]!];
    expect(state('RunAsNode')).toBe(FuseState['DISABLE']);
    expect(state('EnableNodeOptionsEnvironmentVariable')).toBe(FuseState['DISABLE']);
    expect(state('EnableNodeCliInspectArguments')).toBe(FuseState['DISABLE']);
    expect(state('EnableEmbeddedAsarIntegrityValidation')).toBe(FuseState['ENABLE']);
    expect(state('OnlyLoadAppFromAsar')).toBe(FuseState['ENABLE']);
    expect(state('GrantFileProtocolExtraPrivileges')).toBe(FuseState['DISABLE']);
    expect(state('EnableCookieEncryption')).toBe(FuseState['ENABLE']);
  });

  it('holds the built main process, preload, package.json, the tray icons and the icons the window and notifications use', () => {
    for (const file of [
      '/package.json',
      '/dist/main/main.js',
      '/dist/preload/preload.cjs',
      '/build/tray/tray-failure.png',
      '/build/tray/tray-idleTemplate@2x.png',
      '/build/icons/256x256.png',
      '/build/icons/512x512.png',
    ]) {
      expect(entries, file).toContain(file);
    }
  });

  it.skipIf(!existsSync(join(root, 'renderer/vite.config.ts')))('holds the built renderer', () => {
    expect(entries).toContain('/dist/renderer/index.html');
    expect(entries.some((e) => /^\/dist\/renderer\/assets\/.+\.js$/.test(e))).toBe(true);
  });

  it('holds the production dependencies and no devDependency', () => {
    const packaged = new Set(
      entries.filter((e) => /^\/node_modules\/(@[^/]+\/)?[^/]+$/.test(e)).map((e) => e.slice('/node_modules/'.length)),
    );
    for (const dep of ['ws', 'zod', 'electron-store', 'conf', 'electron-log', 'electron-updater'])
      expect(packaged.has(dep), dep).toBe(true);
    // A devDependency that a production dependency also needs (ajv, through conf) ships, rightly.
    const ls = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' });
    const production = new Set(ls.stdout.split('\n').map((path) => path.split('/node_modules/').pop() ?? ''));
    expect(production.has('conf')).toBe(true);
    for (const dev of Object.keys(pkg.devDependencies).filter((name) => !production.has(name))) expect(packaged.has(dev), dev).toBe(false);
    for (const tool of ['vitest', 'svelte', 'electron', 'typescript', 'esbuild', 'vite', '@playwright/test', 'electron-builder']) {
      expect(packaged.has(tool), tool).toBe(false);
    }
  });

  it('holds no native module; the D-Bus client for Linux notification actions ships without its native socket', () => {
    expect(entries.filter((e) => e.endsWith('.node'))).toEqual([]);
    for (const name of ['usocket', 'node-gyp'])
      expect(
        entries.some((e) => e.startsWith(`/node_modules/${name}/`)),
        name,
      ).toBe(false);
    // dbus-next and what it loads at run time (xml2js only for introspection, jsbi/long for 64-bit integers).
    for (const name of ['dbus-next', 'event-stream', 'hexy', 'jsbi', 'long', '@nornagon/put', 'safe-buffer', 'xml2js'])
      expect(entries, name).toContain(`/node_modules/${name}/package.json`);
  });

  it('ships the failure sound outside app.asar, where the player process can read it', () => {
    const shipped = join(work, 'out', 'linux-unpacked', 'resources', 'sounds', 'failure.wav');
    expect(existsSync(shipped)).toBe(true);
    expect(readFileSync(shipped).equals(readFileSync(join(root, 'build', 'sounds', 'failure.wav')))).toBe(true);
  });

  it('ships the simulator only as the demo bundle, loaded when used, and without its certificate generation', () => {
    expect(entries).toContain('/dist/main/demo-server.js');
    const mainBundle = readFileSync(join(root, 'dist/main/main.js'), 'utf8');
    // Fault injection and the scenario machinery are the simulator's; the main bundle must not hold them.
    for (const simOnly of ['restartMiddleware', 'sendOversized', 'runScenario']) expect(mainBundle.includes(simOnly), simOnly).toBe(false);
    // The demo bundle runs the simulator core on its steady fault state: no fault injection, no scenario machinery.
    const demoBundle = readFileSync(join(root, 'dist/main/demo-server.js'), 'utf8');
    for (const faultOnly of ['sendOversized', 'restartMiddleware', 'sendMalformed', 'runScenario'])
      expect(demoBundle.includes(faultOnly), faultOnly).toBe(false);
    for (const name of ['selfsigned', '@peculiar', 'pkijs'])
      expect(
        entries.some((e) => e.startsWith(`/node_modules/${name}`)),
        name,
      ).toBe(false);
  });

  it('the demo bundle main loads starts the demo server on loopback', async () => {
    const demo = (await import(
      pathToFileURL(join(root, 'dist/main/demo-server.js')).href
    )) as typeof import('../../electron/sim/demo-entry');
    const command = await demo.runDemoServer({ host: '127.0.0.1', port: 0, scenario: 'demo' }, () => undefined);
    try {
      expect(command.simulator.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/current$/);
    } finally {
      await command.close();
    }
  });

  it('holds no sources, tests, sourcemaps or the CLI bundle', () => {
    const bad = entries.filter(
      (e) =>
        /^\/(electron|renderer|test|scripts)\//.test(e) ||
        (/\.ts$/.test(e) && !e.includes('/node_modules/')) ||
        /^\/dist\/.*\.map$/.test(e) ||
        e === '/dist/cli.js',
    );
    expect(bad).toEqual([]);
  });
});
