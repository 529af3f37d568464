import { describe, expect, it } from 'vitest';
import { CompleteSettingsSchema, SettingsSchema, createSettingsStore, defaultSettings } from '../../../electron/core/settings';
import { MemoryStorage } from './memory-storage';

describe('settings', () => {
  it('has the documented defaults', () => {
    expect(defaultSettings()).toEqual({
      notifications: {
        failureUrgency: 'critical',
        successThresholdSec: 60,
        burstWindowMs: 3000,
        methodRules: [],
        quietHours: { enabled: false, start: '22:00', end: '07:00', failuresBreakThrough: true },
        pausedUntil: null,
        stalledAfterMin: 30,
        missedRunToleranceMin: 10,
        sound: { enabled: false, volume: 70, repeatUntilAcknowledged: false, repeatIntervalSec: 120 },
      },
      ui: {
        theme: 'system',
        alwaysOnTop: false,
        startAtLogin: false,
        globalShortcut: 'CommandOrControl+Shift+J',
        windowBounds: { width: 420, height: 600 },
        showTransient: false,
        trayTitleCount: false,
        language: 'system',
      },
    });
  });

  it('fills in whatever a partial file leaves out', () => {
    const s = SettingsSchema.parse({ notifications: { quietHours: { enabled: true } }, ui: { windowBounds: { width: 500 } } });
    expect(s.notifications.quietHours).toEqual({ enabled: true, start: '22:00', end: '07:00', failuresBreakThrough: true });
    expect(s.ui.windowBounds).toEqual({ width: 500, height: 600 });
    expect(s.notifications.successThresholdSec).toBe(60);
  });

  it.each([
    [{ ui: { theme: 'blue' } }],
    [{ ui: { language: 'fr' } }],
    [{ notifications: { sound: { volume: 101 } } }],
    [{ notifications: { sound: { repeatIntervalSec: 5 } } }],
    [{ notifications: { quietHours: { start: '25:00' } } }],
    [{ notifications: { quietHours: { end: '7:00' } } }],
    [{ notifications: { methodRules: [{ glob: 'x', action: 'sometimes' }] } }],
    [{ notifications: { methodRules: [{ glob: '', action: 'never' }] } }],
    [{ notifications: { successThresholdSec: -1 } }],
    [{ notifications: { burstWindowMs: 1.5 } }],
    [{ notifications: { missedRunToleranceMin: 0 } }],
    [{ notifications: { missedRunToleranceMin: 721 } }],
    [{ notifications: { missedRunToleranceMin: 2.5 } }],
  ])('rejects %j', (input) => {
    expect(SettingsSchema.safeParse(input).success).toBe(false);
  });

  it('takes the missed-run tolerance from 1 to 720 min, 10 by default, also from a window that predates it', () => {
    expect(SettingsSchema.parse({ notifications: { missedRunToleranceMin: 720 } }).notifications.missedRunToleranceMin).toBe(720);
    const complete = defaultSettings() as { notifications: Record<string, unknown> };
    delete complete.notifications['missedRunToleranceMin'];
    expect(CompleteSettingsSchema.parse(complete).notifications.missedRunToleranceMin).toBe(10);
    expect(
      CompleteSettingsSchema.safeParse({ ...complete, notifications: { ...complete.notifications, missedRunToleranceMin: 1 } }).success,
    ).toBe(true);
  });

  it('round-trips through its store', async () => {
    const storage = new MemoryStorage();
    const store = createSettingsStore(storage);
    const s = defaultSettings();
    s.notifications.methodRules = [{ glob: 'cloudsync.*', action: 'failures' }];
    s.notifications.pausedUntil = 123;
    await store.save(s);
    expect(await createSettingsStore(storage).load()).toEqual({ value: s, problem: null });
  });
});
