/**
 * Saved profiles and their secrets as the monitor's server directory, and the saved profiles as the edit form
 * shows them (without secrets).
 */
import type { ServerDirectory, ServerTarget } from './monitor-ports';
import type { NotificationPlanner } from './planner';
import { createProfilesStore, profileServerPrefs, type Profile, type ProfilesRepository } from './profiles';
import type { SecretStore, StoragePort } from './ports';
import { JobwatchError } from './errors';
import type { MethodRule } from './settings';

function targetOf(profile: Profile): ServerTarget {
  return {
    id: profile.id,
    name: profile.name,
    url: profile.url,
    auth: { method: profile.auth.method, username: profile.auth.username ?? '', allowInsecurePassword: profile.auth.allowInsecurePassword },
    fingerprint256: profile.fingerprint256,
    muted: profile.muted,
    mutedUntil: profile.mutedUntil,
    compression: profile.compression,
  };
}

/** Saved profiles (and their secrets) as the monitor's server directory. */
export function profileDirectory(profiles: ProfilesRepository, secrets: SecretStore, planner?: NotificationPlanner): ServerDirectory {
  return {
    list: async () => {
      const all = await profiles.list();
      for (const profile of all) planner?.setServer(profile.id, profileServerPrefs(profile));
      return all.map(targetOf);
    },
    secret: (id) => secrets.get(id),
    save: async (target, secret) => {
      const existing = await profiles.get(target.id);
      const saved = await profiles.save(
        {
          id: target.id,
          name: target.name,
          url: target.url,
          auth: {
            method: target.auth.method,
            username: target.auth.username || null,
            allowInsecurePassword: target.auth.allowInsecurePassword === true,
          },
          fingerprint256: target.fingerprint256,
          muted: target.muted,
          mutedUntil: target.mutedUntil,
          methodRules: existing?.methodRules ?? [],
          compression: target.compression ?? existing?.compression ?? false,
        },
        // null from the monitor means "keep the saved secret".
        ...(secret === null ? [] : [secret]),
      );
      planner?.setServer(saved.id, profileServerPrefs(saved));
    },
    remove: async (id) => {
      await profiles.remove(id);
      planner?.removeServer(id);
    },
  };
}

/** One server's own method rules (checked before the global ones), as the window reads and saves them. */
export interface ServerRulesAccess {
  get(serverId: string): Promise<MethodRule[]>;
  /** Validates, saves to the profile and gives the planner the new rules at once; answers the rules as saved. */
  set(serverId: string, rules: readonly MethodRule[]): Promise<MethodRule[]>;
}

const noSuchServer = (id: string) => new JobwatchError('NOT_FOUND', `No server with id "${id}". Reopen the Servers view and try again.`);

export function profileRules(profiles: ProfilesRepository, planner?: NotificationPlanner): ServerRulesAccess {
  return {
    get: async (serverId) => {
      const profile = await profiles.get(serverId);
      if (!profile) throw noSuchServer(serverId);
      return profile.methodRules;
    },
    set: async (serverId, rules) => {
      const saved = await profiles.setMethodRules(serverId, rules);
      if (!saved) throw noSuchServer(serverId);
      planner?.setServer(saved.id, profileServerPrefs(saved));
      return saved.methodRules;
    },
  };
}

/** A saved server as the edit form shows it: everything but its secret (ipc/contract.ts ProfileView). */
export interface SavedProfileView {
  id: string;
  name: string;
  url: string;
  auth: Profile['auth'];
  fingerprint256: string | null;
  muted: boolean;
  mutedUntil: number | null;
}

/** Read from the saved file each time: the monitor's repository saves before addServer/updateServer resolve. */
export async function savedProfileViews(storage: StoragePort): Promise<SavedProfileView[]> {
  const { value } = await createProfilesStore(storage).load();
  return value.profiles.map((p) => ({
    id: p.id,
    name: p.name,
    url: p.url,
    auth: p.auth,
    fingerprint256: p.fingerprint256,
    muted: p.muted,
    mutedUntil: p.mutedUntil,
  }));
}
