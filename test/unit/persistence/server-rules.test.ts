import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/core/ports';
import { NotificationPlanner } from '../../../electron/core/planner';
import { ProfilesRepository, createProfilesStore, PROFILES_FILE } from '../../../electron/core/profiles';
import { profileDirectory, profileRules } from '../../../electron/core/profile-directory';
import { NOON, settings, transition, utcMinuteOfDay } from '../rules/fixtures';
import { MemoryStorage } from './memory-storage';

const noSecrets: SecretStore = {
  available: () => true,
  problem: () => null,
  set: async () => undefined,
  get: async () => null,
  delete: async () => undefined,
};

async function setup() {
  const storage = new MemoryStorage();
  const profiles = new ProfilesRepository(createProfilesStore(storage), noSecrets);
  const planner = new NotificationPlanner({ settings: settings({ burstWindowMs: 0 }), minuteOfDay: utcMinuteOfDay, idPrefix: 't-' });
  await profiles.save({ id: 'nas1', name: 'nas1', url: 'wss://nas1.lan/api/current', auth: { method: 'api-key' } });
  await profiles.save({ id: 'nas2', name: 'nas2', url: 'wss://nas2.lan/api/current', auth: { method: 'api-key' } });
  const directory = profileDirectory(profiles, noSecrets, planner);
  await directory.list(); // as the monitor starts: the planner learns every server
  return { storage, profiles, planner, directory, rules: profileRules(profiles, planner) };
}

const failedSync = (server: string) => transition({ server, method: 'cloudsync.sync' });

describe("a server's own rules", () => {
  it('are saved to the profile file and applied to the planner at once, for that server only', async () => {
    const { storage, planner, rules } = await setup();
    planner.push(failedSync('nas1'), NOON);
    expect(planner.due(NOON).map((n) => n.suppressed)).toEqual([null]);

    expect(await rules.set('nas1', [{ glob: ' cloudsync.* ', action: 'never' }])).toEqual([{ glob: 'cloudsync.*', action: 'never' }]);
    expect(await rules.get('nas1')).toEqual([{ glob: 'cloudsync.*', action: 'never' }]);
    const file = JSON.parse(storage.files.get(PROFILES_FILE) ?? '{}') as { data: { profiles: { id: string; methodRules: unknown }[] } };
    expect(file.data.profiles.find((p) => p.id === 'nas1')?.methodRules).toEqual([{ glob: 'cloudsync.*', action: 'never' }]);

    planner.push(failedSync('nas1'), NOON + 1);
    planner.push(failedSync('nas2'), NOON + 1);
    const delivered = planner.due(NOON + 1);
    expect(delivered.map((n) => [n.server, n.suppressed])).toEqual([
      ['nas1', 'method-rule'],
      ['nas2', null],
    ]);
  });

  it('come before the global rules, first match wins', async () => {
    const { planner, rules } = await setup();
    planner.setSettings(settings({ burstWindowMs: 0, methodRules: [{ glob: 'cloudsync.*', action: 'never' }] }));
    await rules.set('nas1', [{ glob: 'cloudsync.sync', action: 'always' }]);
    planner.push(failedSync('nas1'), NOON);
    planner.push(failedSync('nas2'), NOON);
    expect(planner.due(NOON).map((n) => [n.server, n.suppressed])).toEqual([
      ['nas1', null],
      ['nas2', 'method-rule'],
    ]);
  });

  it('survive a later save of the server’s other details (the monitor’s directory keeps them)', async () => {
    const { profiles, directory, rules } = await setup();
    await rules.set('nas1', [{ glob: 'pool.scrub*', action: 'failures' }]);
    const target = (await directory.list()).find((t) => t.id === 'nas1');
    if (!target) throw new Error('nas1 is not listed');
    await directory.save({ ...target, name: 'nas1-renamed' }, null);
    expect((await profiles.get('nas1'))?.methodRules).toEqual([{ glob: 'pool.scrub*', action: 'failures' }]);
  });

  it('refuse an invalid list and an unknown server without changing anything', async () => {
    const { profiles, rules } = await setup();
    await rules.set('nas1', [{ glob: 'pool.*', action: 'never' }]);
    await expect(rules.set('nas1', [{ glob: '  ', action: 'never' }])).rejects.toMatchObject({ code: 'INVALID_PROFILE' });
    const tooMany = Array.from({ length: 201 }, () => ({ glob: 'pool.*', action: 'never' as const }));
    await expect(rules.set('nas1', tooMany)).rejects.toMatchObject({ code: 'INVALID_PROFILE' });
    await expect(rules.set('gone', [])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rules.get('gone')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await profiles.get('nas1'))?.methodRules).toEqual([{ glob: 'pool.*', action: 'never' }]);
  });
});
