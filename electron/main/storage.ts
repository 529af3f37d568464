/**
 * The core's StoragePort over electron-store: one store file per named blob (profiles, settings, ledger…), so a
 * damaged ledger cannot take the profiles with it. JSON blobs are kept as JSON (readable, diffable files in the
 * user-data folder); electron-store writes atomically, as the port requires.
 */
import type { StoragePort } from '../core/ports';
import type { KeyValueStore } from './secrets';

/** Opens (or creates) the named key-value store; electron-store in the app, conf on a temp folder in tests. */
export type OpenStore = (name: string) => KeyValueStore;

/** "profiles.json" → "profiles"; anything unusual is made file-name safe. */
export function storeNameFor(blob: string): string {
  const base = blob.replace(/\.json$/i, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `core-${base || 'data'}`;
}

export class ElectronStoreStorage implements StoragePort {
  private readonly stores = new Map<string, KeyValueStore>();

  constructor(private readonly open: OpenStore) {}

  async read(name: string): Promise<string | null> {
    const blob = this.store(name).get('blob');
    if (!blob || typeof blob !== 'object') return null;
    if ('data' in blob) return JSON.stringify((blob as { data: unknown }).data);
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
