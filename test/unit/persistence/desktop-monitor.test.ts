import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../electron/core/ports';
import { createMonitor } from '../../../electron/core/desktop-monitor';
import { SETTINGS_FILE } from '../../../electron/core/settings';
import { MemoryStorage } from './memory-storage';

const noSecrets: SecretStore = {
  available: () => true,
  problem: () => null,
  set: async () => undefined,
  get: async () => null,
  delete: async () => undefined,
};

function settingsWrites(storage: MemoryStorage): number {
  return storage.writes.filter((name) => name === SETTINGS_FILE).length;
}

describe('the desktop monitor', () => {
  it('saves a pause once, and survives a restart with it', async () => {
    const storage = new MemoryStorage();
    const monitor = createMonitor({ storage, secrets: noSecrets });
    await monitor.start();
    const before = settingsWrites(storage);
    monitor.pauseNotifications(5_000_000);
    await monitor.stop();
    expect(settingsWrites(storage) - before).toBe(1);
    const again = createMonitor({ storage, secrets: noSecrets });
    await again.start();
    expect(again.snapshot().pausedUntil).toBe(5_000_000);
    expect(again.settings.get().notifications.pausedUntil).toBe(5_000_000);
    await again.stop();
  });

  it('does not save settings a second time when the pause they hold is applied to the live planner', async () => {
    const storage = new MemoryStorage();
    const monitor = createMonitor({ storage, secrets: noSecrets });
    await monitor.start();
    const before = settingsWrites(storage);
    const current = monitor.settings.get();
    await monitor.settings.update({ ...current, notifications: { ...current.notifications, pausedUntil: 7_000_000 } });
    monitor.pauseNotifications(7_000_000);
    await monitor.stop();
    expect(settingsWrites(storage) - before).toBe(1);
    expect(monitor.snapshot().pausedUntil).toBe(7_000_000);
  });
});
