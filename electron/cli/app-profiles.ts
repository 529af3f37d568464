/**
 * Servers saved by the desktop app, for `jobwatch watch --profile NAME`. The app keeps each core store in its
 * user-data folder as `core-<name>.json` (electron-store, `{"blob": {"data": …}}`); the CLI only reads it. The
 * app's secrets are encrypted with the OS keyring through Electron and cannot be read here: the CLI still takes
 * the secret from --api-key-env / --api-key-file / --password-env.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { createProfilesStore, type Profile } from '../core/profiles';
import type { StoragePort } from '../core/ports';

export const APP_DIR_NAME = 'Jobwatch for TrueNAS';

/** Where Electron puts the app's user data (app.getPath('userData')) on each platform. */
export function appDataDir(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): string {
  if (env['JOBWATCH_APP_DATA']) return env['JOBWATCH_APP_DATA'];
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), APP_DIR_NAME);
}

/** Read-only view of the app's electron-store files as the core's StoragePort. */
class AppStoreReader implements StoragePort {
  constructor(private readonly dir: string) {}

  async read(name: string): Promise<string | null> {
    const file = join(this.dir, `core-${name.replace(/\.json$/i, '')}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const blob = (JSON.parse(text) as { blob?: { data?: unknown; text?: unknown } }).blob;
      if (blob && 'data' in blob) return JSON.stringify(blob.data);
      return typeof blob?.text === 'string' ? blob.text : text;
    } catch {
      return text; // let the versioned store report it as corrupt
    }
  }

  async write(): Promise<void> {
    throw new Error('the CLI never writes the app’s profiles');
  }
}

export async function loadAppProfiles(dir: string): Promise<{ profiles: Profile[]; problem: string | null }> {
  const store = createProfilesStore(new AppStoreReader(dir));
  // load() never throws; when the file is damaged it recovers and says so (it cannot keep a copy aside here).
  const { value, problem } = await store
    .load()
    .catch((err: Error) => ({ value: { profiles: [] as Profile[] }, problem: { message: err.message } }));
  return { profiles: value.profiles, problem: problem?.message ?? null };
}

export function findProfile(profiles: Profile[], name: string): Profile | undefined {
  const wanted = name.trim().toLowerCase();
  return profiles.find((p) => p.name.toLowerCase() === wanted || p.id === name);
}
