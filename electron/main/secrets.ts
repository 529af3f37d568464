/**
 * Secrets (API keys, passwords) encrypted with Electron's safeStorage (Keychain, DPAPI, libsecret/kwallet) and
 * kept as base64 ciphertext in a key-value store. Where the OS offers no real encryption, saving a secret fails
 * with a clear error: never a silent plaintext fallback. On Linux, the 'basic_text' backend (a hard-coded key,
 * used when no keyring is running) counts as unavailable.
 */
import type { ErrorCode } from '../core/errors';
import type { SecretStore } from '../core/ports';

export interface SafeStorageElectron {
  safeStorage: {
    isEncryptionAvailable(): boolean;
    encryptString(plainText: string): Buffer;
    decryptString(encrypted: Buffer): string;
    getSelectedStorageBackend?(): string;
  };
}

/** What electron-store (and conf) offer; also what the tests back with a Map. */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

export class SecretStorageUnavailableError extends Error {
  override readonly name = 'SecretStorageUnavailableError';
  readonly code = 'SECRET_STORAGE_UNAVAILABLE' satisfies ErrorCode;
}

export function secretStorageProblem(electron: SafeStorageElectron, platform: NodeJS.Platform): string | null {
  if (!electron.safeStorage.isEncryptionAvailable()) {
    return platform === 'linux'
      ? 'Jobwatch cannot store secrets: no system keyring (GNOME Keyring, KWallet…) is available. Start or install one, then try again. Secrets are never stored unencrypted.'
      : 'Jobwatch cannot store secrets: the operating system’s encryption service is not available. Secrets are never stored unencrypted.';
  }
  if (platform === 'linux' && electron.safeStorage.getSelectedStorageBackend?.() === 'basic_text') {
    return 'Jobwatch cannot store secrets: no system keyring (GNOME Keyring, KWallet…) is running, and the fallback would only obscure them. Start or install a keyring, then try again. Secrets are never stored unencrypted.';
  }
  return null;
}

const PREFIX = 'secrets.';

export class SafeStorageSecrets implements SecretStore {
  constructor(
    private readonly electron: SafeStorageElectron,
    private readonly store: KeyValueStore,
    private readonly platform: NodeJS.Platform,
  ) {}

  available(): boolean {
    return this.problem() === null;
  }

  /** Null when secrets can be stored; otherwise the message the window shows. */
  problem(): string | null {
    return secretStorageProblem(this.electron, this.platform);
  }

  async get(id: string): Promise<string | null> {
    const stored = this.store.get(PREFIX + id);
    if (typeof stored !== 'string') return null;
    this.assertAvailable();
    try {
      return this.electron.safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // The keyring changed (new machine, reset login keychain): the secret is gone; the user must enter it again.
      return null;
    }
  }

  async set(id: string, secret: string): Promise<void> {
    this.assertAvailable();
    this.store.set(PREFIX + id, this.electron.safeStorage.encryptString(secret).toString('base64'));
  }

  async delete(id: string): Promise<void> {
    this.store.delete(PREFIX + id);
  }

  private assertAvailable(): void {
    const problem = this.problem();
    if (problem) throw new SecretStorageUnavailableError(problem);
  }
}
