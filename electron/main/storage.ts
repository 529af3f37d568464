/**
 * The core's StoragePort over electron-store: one store file per named blob (profiles, settings, ledger…), so a
 * damaged ledger cannot take the profiles with it. JSON blobs are kept as JSON (readable, diffable files in the
 * user-data folder); electron-store writes atomically, as the port requires.
 */
import { chmodSync, existsSync } from 'node:fs';
import type { StoragePort } from '../core/ports';
import type { KeyValueStore } from './secrets';

/** Opens (or creates) the named key-value store; electron-store in the app, conf on a temp folder in tests. */
export type OpenStore = (name: string) => KeyValueStore;

/**
 * Store files are the user's alone, as the CLI's state files: they name servers, accounts and failures, and one
 * holds the encrypted secrets. electron-store (conf) creates them 0666 minus the umask (0644 usually) otherwise.
 */
export const STORE_FILE_MODE = 0o600;

/** The options electron-store (conf) is opened with; `configFileMode` applies to every (atomic) write. */
export interface StoreOptions {
  name: string;
  accessPropertiesByDotNotation: false;
  configFileMode: number;
}

/** electron-store's constructor, or conf's in tests. */
export type StoreClass = new (options: StoreOptions) => KeyValueStore & { readonly path?: string };

/**
 * An OpenStore for electron-store: one file per store in the user-data folder, keys taken literally (server ids
 * may contain dots), files private to the user. A file left readable by an earlier version is made private on
 * open, not only on its next write.
 */
export function privateStoreOpener(Store: StoreClass, platform: NodeJS.Platform = process.platform): OpenStore {
  return (name) => {
    const store = new Store({ name, accessPropertiesByDotNotation: false, configFileMode: STORE_FILE_MODE });
    // Windows has no such mode bits: the user-data folder's ACL already keeps other users out.
    if (platform !== 'win32' && store.path && existsSync(store.path)) chmodSync(store.path, STORE_FILE_MODE);
    return store;
  };
}

/** "profiles.json" → "profiles"; anything unusual is made file-name safe. */
export function storeNameFor(blob: string): string {
  const base = blob
    .replace(/\.json$/i, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `core-${base || 'data'}`;
}

export class ElectronStoreStorage implements StoragePort {
  private readonly stores = new Map<string, KeyValueStore>();

  constructor(private readonly open: OpenStore) {}

  async read(name: string): Promise<string | null> {
    const blob = this.store(name).get('blob');
    if (!blob || typeof blob !== 'object') return null;
    if ('data' in blob) return JSON.stringify(blob.data);
    const text = (blob as { text?: unknown }).text;
    return typeof text === 'string' ? text : null;
  }

  async write(name: string, text: string): Promise<void> {
    let blob: { data: unknown } | { text: string };
    try {
      blob = { data: JSON.parse(text) };
    } catch {
      // Not JSON: kept verbatim.
      blob = { text };
    }
    // One set, so one atomic file write: a crash leaves the old blob or the new one.
    this.store(name).set('blob', blob);
  }

  private store(name: string): KeyValueStore {
    const key = storeNameFor(name);
    let store = this.stores.get(key);
    if (!store) {
      store = this.open(key);
      this.stores.set(key, store);
    }
    return store;
  }
}
