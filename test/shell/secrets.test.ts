import { beforeEach, describe, expect, it } from 'vitest';
import { SafeStorageSecrets, SecretStorageUnavailableError, type KeyValueStore } from '../../electron/main/secrets';
import { electronDouble, resetElectronDouble } from './electron-double';

function mapStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
}

describe('safeStorage secrets', () => {
  beforeEach(() => resetElectronDouble());

  it('stores only ciphertext and reads the secret back in the main process', async () => {
    const store = mapStore();
    const secrets = new SafeStorageSecrets(electronDouble, store, 'linux');
    await secrets.set('nas', '1-abcdefSECRET');
    expect(JSON.stringify([...store.data])).not.toContain('SECRET');
    expect(await secrets.get('nas')).toBe('1-abcdefSECRET');
    await secrets.delete('nas');
    expect(await secrets.get('nas')).toBeNull();
  });

  it('refuses with a clear error when encryption is unavailable, and stores nothing', async () => {
    const store = mapStore();
    electronDouble.safeStorage.available = false;
    const secrets = new SafeStorageSecrets(electronDouble, store, 'win32');
    await expect(secrets.set('nas', 'key')).rejects.toThrow(SecretStorageUnavailableError);
    await expect(secrets.set('nas', 'key')).rejects.toThrow(/never stored unencrypted/);
    expect(store.data.size).toBe(0);
    expect(secrets.problem()).toMatch(/encryption service is not available/);
  });

  it("counts Linux's basic_text backend as unavailable", async () => {
    const store = mapStore();
    electronDouble.safeStorage.backend = 'basic_text';
    const secrets = new SafeStorageSecrets(electronDouble, store, 'linux');
    await expect(secrets.set('nas', 'key')).rejects.toMatchObject({
      code: 'SECRET_STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/keyring/),
    });
    expect(store.data.size).toBe(0);
    // basic_text is a Linux notion only
    expect(new SafeStorageSecrets(electronDouble, store, 'darwin').problem()).toBeNull();
  });

  it('answers null for a secret the keyring can no longer decrypt', async () => {
    const store = mapStore();
    store.set('secrets.nas', Buffer.from('garbage').toString('base64'));
    expect(await new SafeStorageSecrets(electronDouble, store, 'linux').get('nas')).toBeNull();
  });
});
