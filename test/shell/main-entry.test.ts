/**
 * The real entry (electron/main/main.ts) loaded as Electron would, with `electron` replaced by the double and
 * electron-store by conf on a temp folder and electron-log/main by its Node build (both import `electron` outside Vitest's
 * reach).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const storeDir = mkdtempSync(join(tmpdir(), 'jobwatch-entry-'));
vi.mock('electron', async () => (await import('./electron-double')).electronModule());
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  return {
    default: class extends Conf<Record<string, unknown>> {
      constructor(options: { name: string; accessPropertiesByDotNotation?: boolean }) {
        super({
          cwd: storeDir,
          configName: options.name,
          projectName: 'jobwatch-entry',
          accessPropertiesByDotNotation: options.accessPropertiesByDotNotation ?? true,
        });
      }
    },
  };
});
// electron-log/main requires `electron` with Node's own require too; its Node build has the same file transport.
vi.mock('electron-log/main', async () => {
  const { createRequire } = await import('node:module');
  const log = createRequire(import.meta.url)('electron-log/node') as { create(options: { logId: string }): unknown };
  return { default: log.create({ logId: 'jobwatch-entry-test' }) };
});
const { electronDouble, resetElectronDouble, FakeBrowserWindow, FakeTray } = await import('./electron-double');
const { trayIconPath } = await import('../../electron/main/tray');
const { REQUEST_CHANNELS } = await import('../../electron/ipc/contract');

describe('main entry', () => {
  afterAll(async () => {
    electronDouble.app.quit();
    await vi.waitFor(() => expect(FakeBrowserWindow.instances[0]?.destroyed).toBe(true));
  });

  it('registers the scheme before ready, then brings up the tray, the window and every IPC channel', async () => {
    resetElectronDouble();
    await import('../../electron/main/main');
    expect(electronDouble.protocol.privileged.map((p) => p.scheme)).toEqual(['app']);
    expect(FakeBrowserWindow.instances).toHaveLength(0);
    electronDouble.app.becomeReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.instances[0]?.loadedUrl).toBe('app://jobwatch/index.html'), { timeout: 5000 });
    const window = FakeBrowserWindow.instances[0]!;
    expect(window.options['webPreferences']).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: join(process.cwd(), 'dist', 'preload', 'preload.cjs'),
    });
    expect(FakeTray.instances[0]?.image.path).toBe(trayIconPath('idle', process.platform, join(process.cwd(), 'build', 'tray')));
    // First run: no server yet, so the window is open.
    expect(window.visible).toBe(true);
    expect([...electronDouble.ipcMain.handlers.keys()].sort()).toEqual([...REQUEST_CHANNELS].sort());
    expect(electronDouble.dialog.shown).toEqual([]);
  });
});
