import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VersionedStore } from '../../../electron/core/store';
import type { Migration } from '../../../electron/core/store';
import { SettingsSchema, defaultSettings } from '../../../electron/core/settings';
import { MemoryStorage, manualClock } from './memory-storage';

const Schema = z.object({ count: z.number().int().nonnegative(), label: z.string().default('none') });
type Value = z.infer<typeof Schema>;

function setup(options: { version?: number; migrations?: Record<number, Migration> } = {}) {
  const storage = new MemoryStorage();
  const clock = manualClock();
  const store = new VersionedStore<Value>({
    storage,
    name: 'thing.json',
    schema: Schema,
    version: options.version ?? 1,
    migrations: options.migrations ?? {},
    defaults: () => ({ count: 0, label: 'default' }),
    clock,
  });
  return { storage, clock, store };
}

const envelope = (version: number, data: unknown) => JSON.stringify({ version, data });
const ASIDE = 'thing.corrupt-2026-03-02T12-00-00.000Z.json';

describe('VersionedStore', () => {
  it('gives the defaults, without a problem, when nothing is stored', async () => {
    const { store } = setup();
    expect(await store.load()).toEqual({ value: { count: 0, label: 'default' }, problem: null });
  });

  it('round-trips a value in a versioned envelope', async () => {
    const { storage, store } = setup();
    await store.save({ count: 3, label: 'x' });
    expect(JSON.parse(storage.files.get('thing.json') ?? '')).toEqual({ version: 1, data: { count: 3, label: 'x' } });
    expect(await store.load()).toEqual({ value: { count: 3, label: 'x' }, problem: null });
  });

  it('keeps the previous good copy in .bak before each save', async () => {
    const { storage, store } = setup();
    await store.save({ count: 1, label: 'a' });
    expect(storage.files.has('thing.json.bak')).toBe(false);
    await store.save({ count: 2, label: 'b' });
    expect(JSON.parse(storage.files.get('thing.json.bak') ?? '').data.count).toBe(1);
    expect(storage.writes).toEqual(['thing.json', 'thing.json.bak', 'thing.json']);
  });

  it('uses what is on disk as the last good copy when saving before loading', async () => {
    const { storage, store } = setup();
    storage.files.set('thing.json', envelope(1, { count: 7 }));
    await store.save({ count: 8, label: 'y' });
    expect(JSON.parse(storage.files.get('thing.json.bak') ?? '').data.count).toBe(7);
  });

  it('refuses to save an invalid value', async () => {
    const { storage, store } = setup();
    await expect(store.save({ count: -1, label: 'x' })).rejects.toThrow();
    expect(storage.files.size).toBe(0);
  });

  it('serialises saves: the last call wins', async () => {
    const { storage, store } = setup();
    await Promise.all([1, 2, 3, 4, 5].map((count) => store.save({ count, label: 'n' })));
    expect(JSON.parse(storage.files.get('thing.json') ?? '').data.count).toBe(5);
    expect(JSON.parse(storage.files.get('thing.json.bak') ?? '').data.count).toBe(4);
  });

  it('migrates step by step from an older version', async () => {
    const { storage, store } = setup({
      version: 3,
      migrations: {
        1: (d) => ({ count: (d as { n: number }).n }),
        2: (d) => ({ ...(d as object), label: 'migrated' }),
      },
    });
    storage.files.set('thing.json', envelope(1, { n: 4 }));
    expect(await store.load()).toEqual({ value: { count: 4, label: 'migrated' }, problem: null });
  });

  it('migrates a v1 settings fixture to a v2 layout', async () => {
    const storage = new MemoryStorage();
    storage.files.set('settings.json', readFileSync(join(__dirname, 'fixtures', 'settings-v1.json'), 'utf8'));
    // A hypothetical v1 kept everything flat; v2 (today's schema) splits notification rules from UI preferences.
    const flatToNested: Migration = (data) => {
      const { theme, alwaysOnTop, rules, ...notifications } = data as Record<string, unknown>;
      return { notifications: { ...notifications, methodRules: rules }, ui: { theme, alwaysOnTop } };
    };
    const store = new VersionedStore({
      storage,
      name: 'settings.json',
      schema: SettingsSchema,
      version: 2,
      migrations: { 1: flatToNested },
      defaults: defaultSettings,
    });
    const { value, problem } = await store.load();
    expect(problem).toBeNull();
    expect(value.notifications).toMatchObject({
      successThresholdSec: 120,
      burstWindowMs: 5000,
      methodRules: [{ glob: 'cloudsync.*', action: 'failures' }],
      quietHours: { enabled: true, start: '23:00', end: '06:30', failuresBreakThrough: false },
      failureUrgency: 'critical',
    });
    expect(value.ui).toMatchObject({ theme: 'dark', alwaysOnTop: true, windowBounds: { width: 420, height: 600 } });
    await store.save(value);
    expect(JSON.parse(storage.files.get('settings.json') ?? '').version).toBe(2);
  });

  describe('recovery', () => {
    it('corrupt JSON: reported, kept aside, last good copy restored', async () => {
      const { storage, store } = setup();
      await store.save({ count: 1, label: 'good' });
      await store.save({ count: 2, label: 'newer' });
      storage.files.set('thing.json', '{"version":1,"data":{"count":');
      const { value, problem } = await store.load();
      expect(value).toEqual({ count: 1, label: 'good' });
      expect(problem).toMatchObject({ kind: 'corrupt-json', backupName: ASIDE, recoveredFrom: 'backup' });
      expect(problem?.message).toContain('not valid JSON');
      expect(problem?.message).toContain(ASIDE);
      expect(storage.files.get(ASIDE)).toBe('{"version":1,"data":{"count":');
      // The main file now holds the recovered value, so the next start is clean.
      expect(await store.load()).toEqual({ value: { count: 1, label: 'good' }, problem: null });
    });

    it('a hand-edited invalid value: reported with the field, kept aside, recovered', async () => {
      const { storage, store } = setup();
      await store.save({ count: 1, label: 'good' });
      await store.save({ count: 2, label: 'good2' });
      storage.files.set('thing.json', envelope(1, { count: 'many' }));
      const { value, problem } = await store.load();
      expect(value).toEqual({ count: 1, label: 'good' });
      expect(problem).toMatchObject({ kind: 'invalid', backupName: ASIDE, recoveredFrom: 'backup' });
      expect(problem?.message).toContain('count');
      expect(storage.files.get(ASIDE)).toBe(envelope(1, { count: 'many' }));
    });

    it('a version from the future: kept aside (not destroyed), defaults when there is no good copy', async () => {
      const { storage, store } = setup();
      storage.files.set('thing.json', envelope(9, { count: 1, newField: true }));
      const { value, problem } = await store.load();
      expect(value).toEqual({ count: 0, label: 'default' });
      expect(problem).toMatchObject({ kind: 'future-version', backupName: ASIDE, recoveredFrom: 'defaults' });
      expect(problem?.message).toMatch(/newer Jobwatch/);
      expect(storage.files.get(ASIDE)).toBe(envelope(9, { count: 1, newField: true }));
    });

    it('a file without an envelope is invalid', async () => {
      const { storage, store } = setup();
      storage.files.set('thing.json', '{"count": 1}');
      expect((await store.load()).problem?.kind).toBe('invalid');
    });

    it('a missing or throwing migration is reported', async () => {
      const missing = setup({ version: 2 });
      missing.storage.files.set('thing.json', envelope(1, { count: 1 }));
      expect((await missing.store.load()).problem).toMatchObject({ kind: 'migration-failed', recoveredFrom: 'defaults' });
      const throwing = setup({
        version: 2,
        migrations: {
          1: () => {
            throw new Error('bad shape');
          },
        },
      });
      throwing.storage.files.set('thing.json', envelope(1, { count: 1 }));
      const { problem } = await throwing.store.load();
      expect(problem?.kind).toBe('migration-failed');
      expect(problem?.message).toContain('bad shape');
    });

    it('falls back to defaults when the backup is bad too', async () => {
      const { storage, store } = setup();
      storage.files.set('thing.json', 'garbage');
      storage.files.set('thing.json.bak', 'more garbage');
      expect(await store.load()).toMatchObject({ value: { count: 0, label: 'default' }, problem: { recoveredFrom: 'defaults' } });
    });

    it('leaves the bad file in place when it cannot be kept aside', async () => {
      const { storage, store } = setup();
      storage.files.set('thing.json', 'garbage');
      storage.failWrites = (name) => name.includes('corrupt');
      const { value, problem } = await store.load();
      expect(value).toEqual({ count: 0, label: 'default' });
      expect(problem).toMatchObject({ kind: 'corrupt-json', backupName: null });
      expect(storage.files.get('thing.json')).toBe('garbage');
    });

    it('an unreadable file is reported, not thrown', async () => {
      const { storage, store } = setup();
      storage.failReads = (name) => name === 'thing.json';
      expect(await store.load()).toMatchObject({ value: { count: 0 }, problem: { kind: 'unreadable', backupName: null } });
    });

    it('after recovering from defaults, the next save keeps no bad copy as .bak', async () => {
      const { storage, store } = setup();
      storage.files.set('thing.json', 'garbage');
      await store.load();
      await store.save({ count: 5, label: 'z' });
      expect(JSON.parse(storage.files.get('thing.json.bak') ?? '').data).toEqual({ count: 0, label: 'default' });
    });
  });
});
