import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { ElectronStoreStorage, privateStoreOpener, storeNameFor, type StoreOptions } from '../../electron/main/storage';
import { UiPreferences } from '../../electron/main/ui-preferences';
import { defaultSettings } from '../../electron/core/settings';

/** electron-store is Conf with Electron's paths; tests use Conf itself on a temp folder. */
function confOpener(cwd: string) {
  return (name: string) =>
    new Conf<Record<string, unknown>>({ cwd, configName: name, projectName: 'jobwatch-test', accessPropertiesByDotNotation: false });
}

describe('StoragePort over electron-store', () => {
  it('round-trips JSON and plain text blobs, one file per blob, readable JSON on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-store-'));
    const storage = new ElectronStoreStorage(confOpener(dir));
    expect(await storage.read('profiles.json')).toBeNull();
    await storage.write('profiles.json', JSON.stringify({ version: 1, servers: [{ id: 'nas', name: 'NAS' }] }));
    await storage.write('ledger.json', '{"servers":{}}');
    await storage.write('notes.txt', 'not json');
    expect(JSON.parse((await storage.read('profiles.json'))!)).toEqual({ version: 1, servers: [{ id: 'nas', name: 'NAS' }] });
    expect(await storage.read('notes.txt')).toBe('not json');
    expect(readdirSync(dir).sort()).toEqual(['core-ledger.json', 'core-notes-txt.json', 'core-profiles.json']);
    expect(JSON.parse(readFileSync(join(dir, 'core-profiles.json'), 'utf8'))).toEqual({
      blob: { data: { version: 1, servers: [{ id: 'nas', name: 'NAS' }] } },
    });
    // a new instance (next launch) reads what the last one wrote
    expect(await new ElectronStoreStorage(confOpener(dir)).read('ledger.json')).toBe('{"servers":{}}');
  });

  it('creates every store file readable by the user only (0600), whatever the umask, and fixes older 0644 files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-store-mode-'));
    // electron-store is conf with Electron's user-data folder: the same options reach conf here.
    class UserDataStore extends Conf<Record<string, unknown>> {
      constructor(options: StoreOptions) {
        super({ ...options, cwd: dir, configName: options.name, projectName: 'jobwatch-test' });
      }
    }
    const mode = (file: string) => statSync(join(dir, file)).mode & 0o777;
    writeFileSync(join(dir, 'core-ledger.json'), '{}');
    chmodSync(join(dir, 'core-ledger.json'), 0o644);
    const previous = process.umask(0);
    try {
      const open = privateStoreOpener(UserDataStore, 'linux');
      const storage = new ElectronStoreStorage(open);
      await storage.write('profiles.json', '{"version":1}');
      await storage.write('profiles.json', '{"version":2}');
      open('secrets-encrypted').set('nas', 'ciphertext');
      expect(await storage.read('ledger.json')).toBeNull();
      expect(mode('core-profiles.json')).toBe(0o600);
      expect(mode('secrets-encrypted.json')).toBe(0o600);
      expect(mode('core-ledger.json')).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('makes blob names file-safe', () => {
    expect(storeNameFor('../../etc/passwd')).toBe('core-etc-passwd');
    expect(storeNameFor('settings.json')).toBe('core-settings');
  });
});

describe('window preferences in the core settings', () => {
  it('reads size and pin from settings.ui and saves changes there', async () => {
    let settings = defaultSettings();
    const updates: unknown[] = [];
    const access = { get: () => settings, update: async (next: typeof settings) => (updates.push(next), (settings = next)) };
    const prefs = new UiPreferences(access).windowPreferences();
    expect(prefs.load()).toEqual({ size: { width: 420, height: 600 }, alwaysOnTop: false });
    prefs.saveSize({ width: 500, height: 700 });
    prefs.saveAlwaysOnTop(true);
    prefs.saveAlwaysOnTop(true); // unchanged: no write
    await Promise.resolve();
    expect(settings.ui.windowBounds).toEqual({ width: 500, height: 700 });
    expect(settings.ui.alwaysOnTop).toBe(true);
    expect(updates).toHaveLength(2);
  });

  it('keeps working when saving fails', async () => {
    const warnings: string[] = [];
    const access = { get: () => defaultSettings(), update: async () => Promise.reject(new Error('disk full')) };
    new UiPreferences(access, (m) => warnings.push(m)).windowPreferences().saveSize({ width: 500, height: 700 });
    await new Promise((r) => setTimeout(r, 0));
    expect(warnings).toEqual(['Could not save the window preferences: disk full']);
  });
});
