import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileStorage } from '../../../electron/core/storage/file-storage';
import { createSettingsStore, defaultSettings } from '../../../electron/core/settings';
import { manualClock } from './memory-storage';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'jobwatch-storage-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileStorage', () => {
  it('reads null for a missing file and round-trips text', async () => {
    const storage = new FileStorage(join(root, 'state'));
    expect(await storage.read('a.json')).toBeNull();
    await storage.write('a.json', 'héllo\n');
    expect(await storage.read('a.json')).toBe('héllo\n');
  });

  it('creates the directory 0700 and files 0600', async () => {
    const dir = join(root, 'nested', 'state');
    const storage = new FileStorage(dir);
    await storage.write('a.json', '{}');
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
    await storage.write('a.json', '{"again":true}');
    expect((await stat(join(dir, 'a.json'))).mode & 0o777).toBe(0o600);
  });

  it('leaves no temporary files behind', async () => {
    const storage = new FileStorage(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.write('a.json', `${i}`)));
    expect(await readdir(root)).toEqual(['a.json']);
  });

  it('applies concurrent writes to one name in call order', async () => {
    const storage = new FileStorage(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => storage.write('a.json', `v${i}`)));
    expect(await storage.read('a.json')).toBe('v19');
  });

  it('never lets a reader see a partial file', async () => {
    const storage = new FileStorage(root);
    const versions = Array.from({ length: 30 }, (_, i) => String(i).repeat(200_000));
    await storage.write('big.json', versions[0] ?? '');
    const reads: Promise<string | null>[] = [];
    const writes = versions.map((text) => {
      reads.push(storage.read('big.json'));
      return storage.write('big.json', text);
    });
    await Promise.all(writes);
    for (const text of await Promise.all(reads)) expect(versions).toContain(text);
  });

  it('rejects names that could leave the directory or hide', async () => {
    const storage = new FileStorage(root);
    for (const name of ['../x', 'a/b', '.hidden', '', 'a\\b', 'x\u0000']) {
      await expect(storage.read(name)).rejects.toThrow(RangeError);
      await expect(storage.write(name, '')).rejects.toThrow(RangeError);
    }
  });

  it('under a store, keeps a corrupt file aside on disk and recovers the last good copy', async () => {
    const storage = new FileStorage(root);
    const store = createSettingsStore(storage, { clock: manualClock() });
    const custom = defaultSettings();
    custom.ui.theme = 'dark';
    await store.save(custom);
    await store.save(defaultSettings());
    await writeFile(join(root, 'settings.json'), '{ not json');
    const { value, problem } = await createSettingsStore(storage, { clock: manualClock() }).load();
    expect(value.ui.theme).toBe('dark');
    expect(problem?.kind).toBe('corrupt-json');
    const files = (await readdir(root)).sort();
    expect(files).toEqual(['settings.corrupt-2026-03-02T12-00-00.000Z.json', 'settings.json', 'settings.json.bak']);
    expect(await storage.read('settings.corrupt-2026-03-02T12-00-00.000Z.json')).toBe('{ not json');
  });
});
