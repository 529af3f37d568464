/**
 * Electron main-process entry (bundled to dist/main/main.js, ESM). Everything is in startShell (app.ts); this
 * file only supplies the real `electron` module, electron-store, the core's monitor factory and the simulator
 * for the demo server.
 */
import * as electron from 'electron';
import ElectronStore from 'electron-store';
import { createMonitor } from '../core/monitor-setup';
import { runSimCommand } from '../sim/index';
import { startShell } from './app';
import { privateStoreOpener } from './storage';

// Synchronously up to its first await, startShell registers the app:// scheme: that must happen before `ready`.
startShell({
  electron,
  platform: process.platform,
  env: process.env,
  argv: process.argv,
  appRoot: electron.app.getAppPath(),
  openStore: privateStoreOpener(ElectronStore),
  createMonitor: (ports) => createMonitor(ports),
  runSimCommand,
}).catch((err: unknown) => {
  console.error('[jobwatch] could not start:', err);
  electron.dialog.showErrorBox('Jobwatch could not start', err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
