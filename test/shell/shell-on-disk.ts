/**
 * startShell as the app's entry point runs it, for the end-to-end shell tests: the electron double, electron-store
 * files in a fresh temporary folder (returned, so a test can read what was written), and the core's real monitor.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { createMonitor } from '../../electron/core/desktop-monitor';
import { startShell, type Shell } from '../../electron/main/app';
import type { SoundPlayer } from '../../electron/main/sound';
import { electronDouble } from './electron-double';

export interface ShellOnDiskOptions {
  /** The temporary folder's name prefix. */
  prefix: string;
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  soundPlayer?: SoundPlayer;
}

export async function startShellOnDisk(options: ShellOnDiskOptions): Promise<{ shell: Shell; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const openStore = (name: string) =>
    new Conf<Record<string, unknown>>({ cwd: dir, configName: name, projectName: 'jobwatch-e2e', accessPropertiesByDotNotation: false });
  electronDouble.app.becomeReady();
  const shell = await startShell({
    electron: electronDouble,
    platform: options.platform ?? 'linux',
    env: options.env ?? {},
    argv: ['--hidden'],
    appRoot: process.cwd(),
    openStore,
    createMonitor: (ports) => createMonitor(ports),
    trayIntervalMs: 50,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...(options.soundPlayer ? { soundPlayer: options.soundPlayer } : {}),
  });
  if (!shell) throw new Error('startShell found another instance running');
  return { shell, dir };
}
