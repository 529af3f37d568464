import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { ElectronStoreStorage, storeNameFor } from '../../electron/main/storage';
import { ShellSettingsStore, DEFAULT_SHORTCUT } from '../../electron/main/shell-settings';

/** electron-store is Conf with Electron's paths; tests use Conf itself on a temp folder. */
function confOpener(cwd: string) {
  return (name: string) => new Conf<Record<string, unknown>>({ cwd, configName: name, projectName: 'jobwatch-test', accessPropertiesByDotNotation: false });
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
    expect(JSON.parse(readFileSync(join(dir, 'core-profiles.json'), 'utf8'))).toEqual({ blob: { data: { version: 1, servers: [{ id: 'nas', name: 'NAS' }] } } });
    // a new instance (next launch) reads what the last one wrote
    expect(await new ElectronStoreStorage(confOpener(dir)).read('ledger.json')).toBe('{"servers":{}}');
  });

  it('makes blob names file-safe', () => {
    expect(storeNameFor('../../etc/passwd')).toBe('core-etc-passwd');
    expect(storeNameFor('settings.json')).toBe('core-settings');
  });
});

describe('shell settings', () => {
  it('has defaults, persists updates and survives a corrupted value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-shell-'));
    const open = confOpener(dir);
    const settings = new ShellSettingsStore(open('shell-preferences'));
    expect(settings.read()).toEqual({ windowSize: null, alwaysOnTop: true, shortcut: DEFAULT_SHORTCUT, startAtLogin: false, demo: false });
    settings.windowPreferences().saveSize({ width: 500, height: 700 });
    settings.update({ shortcut: null });
    expect(new ShellSettingsStore(open('shell-preferences')).read()).toMatchObject({ windowSize: { width: 500, height: 700 }, shortcut: null });
    open('shell-preferences').set('shell', { alwaysOnTop: 'yes', windowSize: 'big' });
    expect(new ShellSettingsStore(open('shell-preferences')).read()).toMatchObject({ alwaysOnTop: true, windowSize: null });
  });
});
