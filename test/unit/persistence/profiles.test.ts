import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/core/ports';
import { ProfileError, ProfilesRepository, createProfilesStore, profileServerPrefs } from '../../../electron/core/profiles';
import type { ProfileInput } from '../../../electron/core/profiles';
import { MemoryStorage } from './memory-storage';
import { profileDirectory } from '../../../electron/core/profile-directory';

class MemorySecrets implements SecretStore {
  readonly secrets = new Map<string, string>();
  constructor(private readonly reason: string | null = null) {}
  available(): boolean {
    return this.reason === null;
  }
  problem(): string | null {
    return this.reason;
  }
  async set(id: string, secret: string): Promise<void> {
    if (this.reason) throw new Error(this.reason);
    this.secrets.set(id, secret);
  }
  async get(id: string): Promise<string | null> {
    return this.secrets.get(id) ?? null;
  }
  async delete(id: string): Promise<void> {
    this.secrets.delete(id);
  }
}

function setup(secrets = new MemorySecrets()) {
  const storage = new MemoryStorage();
  const repo = new ProfilesRepository(createProfilesStore(storage), secrets);
  return { storage, secrets, repo };
}

const nas1: ProfileInput = { id: 'p1', name: 'nas1', url: 'wss://nas1.lan/api/current', auth: { method: 'api-key' } };

describe('ProfilesRepository', () => {
  it('saves with defaults filled in, and lists, gets and finds by name', async () => {
    const { repo } = setup();
    const saved = await repo.save(nas1);
    expect(saved).toEqual({
      id: 'p1',
      name: 'nas1',
      url: 'wss://nas1.lan/api/current',
      auth: { method: 'api-key', username: null, allowInsecurePassword: false },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
      methodRules: [],
      compression: false,
    });
    expect(await repo.list()).toEqual([saved]);
    expect(await repo.get('p1')).toEqual(saved);
    expect(await repo.getByName('  NAS1 ')).toEqual(saved);
    expect(await repo.get('nope')).toBeNull();
  });

  it('persists across repositories, in a file without any secret', async () => {
    const { storage, secrets, repo } = setup();
    await repo.save(nas1, 'SECRET-KEY-123');
    const again = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect((await again.list()).map((p) => p.name)).toEqual(['nas1']);
    expect(await again.problem()).toBeNull();
    for (const text of storage.files.values()) expect(text).not.toContain('SECRET-KEY-123');
    expect(await secrets.get('p1')).toBe('SECRET-KEY-123');
  });

  it('replaces a profile by id, renaming allowed', async () => {
    const { repo } = setup();
    await repo.save(nas1);
    await repo.save({ ...nas1, name: 'Basement' });
    expect((await repo.list()).map((p) => p.name)).toEqual(['Basement']);
  });

  it('refuses a name already used by another profile, ignoring case', async () => {
    const { repo } = setup();
    await repo.save(nas1);
    const err = await repo.save({ ...nas1, id: 'p2', name: 'NAS1' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProfileError);
    expect(err).toMatchObject({ code: 'DUPLICATE_NAME' });
    expect(await repo.list()).toHaveLength(1);
  });

  it.each([
    [{ url: 'ftp://nas1' }, 'url'],
    [{ url: 'wss://root:pw@nas1/api/current' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ name: '  ' }, 'name'],
    [{ id: '../etc' }, 'id'],
    [{ fingerprint256: 'AB:CD' }, 'fingerprint256'],
    [{ auth: { method: 'token' } }, 'auth.method'],
    [{ methodRules: [{ glob: 'x', action: 'maybe' }] }, 'methodRules.0.action'],
  ])('rejects %j with the field named', async (over, path) => {
    const { repo } = setup();
    const err = await repo.save({ ...nas1, ...(over as object) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_PROFILE' });
    expect((err as ProfileError).issues.map((i) => i.path)).toContain(path);
  });

  it('normalises a pinned fingerprint', async () => {
    const { repo } = setup();
    const hex = 'ab'.repeat(32);
    const saved = await repo.save({ ...nas1, fingerprint256: hex });
    expect(saved.fingerprint256).toBe(Array(32).fill('AB').join(':'));
  });

  it('remove deletes the profile and its secret', async () => {
    const { repo, secrets } = setup();
    await repo.save(nas1, 'k');
    expect(await repo.remove('p1')).toBe(true);
    expect(await repo.list()).toEqual([]);
    expect(secrets.secrets.has('p1')).toBe(false);
    expect(await repo.remove('p1')).toBe(false);
  });

  it('a null secret deletes it, undefined keeps it', async () => {
    const { repo, secrets } = setup();
    await repo.save(nas1, 'k');
    await repo.save({ ...nas1, name: 'renamed' });
    expect(secrets.secrets.get('p1')).toBe('k');
    await repo.save(nas1, null);
    expect(secrets.secrets.has('p1')).toBe(false);
  });

  it('does not save the profile when the secret cannot be stored', async () => {
    const { repo } = setup(new MemorySecrets('No keyring is running.'));
    await expect(repo.save(nas1, 'k')).rejects.toMatchObject({ code: 'SECRETS_UNAVAILABLE', message: 'No keyring is running.' });
    expect(await repo.list()).toEqual([]);
    expect(await repo.save(nas1)).toMatchObject({ id: 'p1' });
  });

  it('serialises concurrent saves without losing one', async () => {
    const { storage, secrets, repo } = setup();
    await Promise.all(Array.from({ length: 10 }, (_, i) => repo.save({ ...nas1, id: `p${i}`, name: `nas${i}` })));
    const again = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect(await again.list()).toHaveLength(10);
  });

  it('reports a corrupt file and recovers the last good list', async () => {
    const { storage, secrets, repo } = setup();
    await repo.save(nas1);
    await repo.save({ ...nas1, id: 'p2', name: 'nas2' });
    storage.files.set('profiles.json', '{"version":1,"data":{"profiles":[{"id":"p1"}]}}');
    const again = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect((await again.list()).map((p) => p.id)).toEqual(['p1']);
    expect(await again.problem()).toMatchObject({ kind: 'invalid', recoveredFrom: 'backup' });
  });

  it('keeps the first of duplicated ids or names in a hand-edited file', async () => {
    const { storage, secrets } = setup();
    const base = { url: 'wss://x/api/current', auth: { method: 'api-key' } };
    storage.files.set(
      'profiles.json',
      JSON.stringify({
        version: 1,
        data: {
          profiles: [
            { ...base, id: 'a', name: 'one' },
            { ...base, id: 'a', name: 'two' },
            { ...base, id: 'b', name: 'ONE' },
          ],
        },
      }),
    );
    const repo = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect((await repo.list()).map((p) => p.name)).toEqual(['one']);
  });

  it('loads a file saved before allowInsecurePassword existed as not allowed, and keeps the setting once saved', async () => {
    const { storage, secrets } = setup();
    // A version-1 file as the app wrote it before the setting: no field, no migration needed.
    storage.files.set(
      'profiles.json',
      JSON.stringify({
        version: 1,
        data: { profiles: [{ id: 'p1', name: 'nas1', url: 'ws://nas1.lan', auth: { method: 'password', username: 'admin' } }] },
      }),
    );
    const repo = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect(await repo.problem()).toBeNull();
    expect((await repo.get('p1'))?.auth).toEqual({ method: 'password', username: 'admin', allowInsecurePassword: false });
    await repo.save({
      id: 'p1',
      name: 'nas1',
      url: 'ws://nas1.lan',
      auth: { method: 'password', username: 'admin', allowInsecurePassword: true },
    });
    const again = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect((await again.get('p1'))?.auth.allowInsecurePassword).toBe(true);
    const wrong = await again
      .save({ ...nas1, id: 'p3', name: 'nas3', auth: { method: 'password', allowInsecurePassword: 'yes' as never } })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'INVALID_PROFILE' });
  });

  it('gives the planner the server name, mute and rules', async () => {
    const { repo } = setup();
    const saved = await repo.save({ ...nas1, muted: true, mutedUntil: 5, methodRules: [{ glob: '*', action: 'never' }] });
    expect(profileServerPrefs(saved)).toEqual({ name: 'nas1', muted: true, mutedUntil: 5, methodRules: [{ glob: '*', action: 'never' }] });
  });

  it('loads a file saved before the compression setting as off, and keeps it on once saved', async () => {
    const { storage, secrets } = setup();
    storage.files.set(
      'profiles.json',
      JSON.stringify({ version: 1, data: { profiles: [{ id: 'p1', name: 'nas1', url: 'wss://nas1.lan', auth: { method: 'api-key' } }] } }),
    );
    const repo = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect(await repo.problem()).toBeNull();
    expect((await repo.get('p1'))?.compression).toBe(false);
    await repo.save({ ...nas1, compression: true });
    const again = new ProfilesRepository(createProfilesStore(storage), secrets);
    expect((await again.get('p1'))?.compression).toBe(true);
    const wrong = await again.save({ ...nas1, compression: 'on' as never }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'INVALID_PROFILE' });
  });

  it('the compression setting reaches the monitor as the server target, and an edit from the window keeps it', async () => {
    const { repo, secrets } = setup();
    await repo.save({ ...nas1, compression: true });
    const directory = profileDirectory(repo, secrets);
    const [target] = await directory.list();
    expect(target?.compression).toBe(true);
    // The window's form has no such field: a target without it leaves the saved setting alone.
    const { compression: _dropped, ...fromForm } = target!;
    await directory.save({ ...fromForm, name: 'nas1 renamed' }, null);
    expect(await repo.get('p1')).toMatchObject({ name: 'nas1 renamed', compression: true });
  });
});
