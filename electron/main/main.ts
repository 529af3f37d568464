/**
 * Electron main-process entry (bundled to dist/main/main.js, ESM). Everything is in startShell (app.ts); this
 * file only supplies the real `electron` module, electron-store, the core's monitor factory and a loader for
 * the demo server.
 */
import * as electron from 'electron';
import ElectronStore from 'electron-store';
import electronLog from 'electron-log/main';
import electronUpdater from 'electron-updater';
import { createMonitor } from '../core/desktop-monitor';
import { resolveLanguage, translator } from '../core/i18n/i18n';
import { consoleLogger, startShell } from './app';
import { AppLog } from './log';
import { privateStoreOpener } from './storage';

// The rotated file in the platform's log folder; the console copy is for `npm start`.
const log = new AppLog({
  sink: electronLog,
  folder: electron.app.getPath('logs'),
  forward: electron.app.isPackaged ? undefined : consoleLogger,
});

// Synchronously up to its first await, startShell registers the app:// scheme: that must happen before `ready`.
startShell({
  electron,
  platform: process.platform,
  env: process.env,
  argv: process.argv,
  appRoot: electron.app.getAppPath(),
  openStore: privateStoreOpener(ElectronStore),
  createMonitor: (ports) => createMonitor(ports),
  // The demo server is a separate bundle, loaded the first time the user starts it (see sim/demo-entry.ts). The
  // specifier is computed so the bundler leaves it to run time instead of inlining the simulator here.
  runSimCommand: async (options, out) => {
    const entry = new URL('./demo-server.js', import.meta.url).href;
    const demo = (await import(entry)) as typeof import('../sim/demo-entry');
    return demo.runDemoServer({ host: '127.0.0.1', port: options.port ?? 0, scenario: 'demo' }, out);
  },
  log,
  // The publish: entry of electron-builder.yml (GitHub releases) is written into the package as app-update.yml.
  createUpdater: () => electronUpdater.autoUpdater,
}).catch((err: unknown) => {
  log.error(`Jobwatch could not start: ${err instanceof Error ? err.message : String(err)}`);
  console.error('[jobwatch] could not start:', err);
  // The settings may be what failed to load: the title follows the OS's language.
  const t = translator(resolveLanguage('system', electron.app.isReady() ? electron.app.getPreferredSystemLanguages() : []));
  electron.dialog.showErrorBox(t('dialogs.couldNotStart'), err instanceof Error ? err.message : String(err));
  electron.app.exit(1);
});
