import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SILENT, failureKeysOf, onNotification, onTick, type SoundContext, type SoundState } from '../../../electron/core/sound-policy';
import type { QuietHours, SoundSettings } from '../../../electron/core/settings';
import type { NotificationView } from '../../../electron/core/view';

const SOUND: SoundSettings = { enabled: true, volume: 70, repeatUntilAcknowledged: true, repeatIntervalSec: 120 };
const NO_QUIET: QuietHours = { enabled: false, start: '22:00', end: '07:00', failuresBreakThrough: true };
const NIGHT: QuietHours = { enabled: true, start: '22:00', end: '07:00', failuresBreakThrough: true };
const T0 = 1_750_000_000_000;

function context(extra: Partial<SoundContext> = {}): SoundContext {
  return {
    sound: SOUND,
    quietHours: NO_QUIET,
    pausedUntil: null,
    now: T0,
    minuteOfDay: 12 * 60,
    unacknowledged: new Set(['a', 'b', 'c']),
    ...extra,
  };
}

function view(extra: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'n1',
    server: 'nas',
    title: 'NAS: Backup failed',
    body: 'Failed.',
    urgency: 'critical',
    jobs: ['a'],
    catchUp: false,
    suppressed: null,
    createdAt: T0,
    ...extra,
  };
}

const soundSettings = fc.record({
  enabled: fc.boolean(),
  volume: fc.integer({ min: 0, max: 100 }),
  repeatUntilAcknowledged: fc.boolean(),
  repeatIntervalSec: fc.integer({ min: 30, max: 3600 }),
});
const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
const inNight = (m: number) => m >= 22 * 60 || m < 7 * 60;

describe('failure sound policy', () => {
  it('a failure notification sounds once at the configured volume, however many jobs it folds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.subarray(['a', 'b', 'c'], { minLength: 1 }), (volume, jobs) => {
        const decision = onNotification(view({ jobs }), true, context({ sound: { ...SOUND, volume } }), SILENT);
        expect(decision.play).toEqual({ volume });
        expect(decision.state.sounded).toEqual(jobs);
      }),
    );
  });

  it('is silent when the sound is off, the volume is 0, for a suppressed or unshown notification, or with no unacknowledged failure', () => {
    fc.assert(
      fc.property(
        soundSettings,
        fc.constantFrom<string | null>(null, 'paused', 'quiet-hours'),
        fc.boolean(),
        (sound, suppressed, shown) => {
          const decision = onNotification(view({ suppressed }), shown, context({ sound }), SILENT);
          const expected = sound.enabled && sound.volume > 0 && suppressed === null && shown;
          expect(decision.play !== null).toBe(expected);
        },
      ),
    );
    expect(onNotification(view({ jobs: ['success-job'] }), true, context(), SILENT).play).toBeNull();
    expect(onNotification(view({ jobs: [] }), true, context(), SILENT).play).toBeNull();
  });

  it('never sounds during quiet hours, even for a failure that breaks through them', () => {
    fc.assert(
      fc.property(minute, fc.boolean(), (m, breakThrough) => {
        const ctx = context({ minuteOfDay: m, quietHours: { ...NIGHT, failuresBreakThrough: breakThrough } });
        expect(onNotification(view(), true, ctx, SILENT).play !== null).toBe(!inNight(m));
      }),
    );
  });

  it('never sounds while notifications are paused', () => {
    expect(onNotification(view(), true, context({ pausedUntil: T0 + 1 }), SILENT).play).toBeNull();
    expect(onNotification(view(), true, context({ pausedUntil: T0 }), SILENT).play).not.toBeNull();
  });

  it('repeats at the interval until every failure that sounded is acknowledged, then stops', () => {
    fc.assert(
      fc.property(fc.integer({ min: 30, max: 3600 }), fc.integer({ min: 1, max: 6 }), (intervalSec, repeats) => {
        const sound = { ...SOUND, repeatIntervalSec: intervalSec };
        const unacknowledged = new Set(['a', 'b']);
        let state: SoundState = onNotification(view({ jobs: ['a', 'b'] }), true, context({ sound, unacknowledged }), SILENT).state;
        let now = T0;
        let played = 0;
        for (let i = 0; i < repeats; i++) {
          // Just before the interval: nothing; at it: one repeat.
          expect(onTick(context({ sound, unacknowledged, now: now + intervalSec * 1000 - 1 }), state).play).toBeNull();
          now += intervalSec * 1000;
          const decision = onTick(context({ sound, unacknowledged, now }), state);
          if (decision.play) played += 1;
          state = decision.state;
        }
        expect(played).toBe(repeats);
        // One acknowledged: still repeating for the other.
        unacknowledged.delete('a');
        now += intervalSec * 1000;
        let decision = onTick(context({ sound, unacknowledged, now }), state);
        expect(decision.play).toEqual({ volume: 70 });
        expect(decision.state.sounded).toEqual(['b']);
        // Both acknowledged: silent, and nothing more is due.
        unacknowledged.delete('b');
        now += intervalSec * 1000;
        decision = onTick(context({ sound, unacknowledged, now }), decision.state);
        expect(decision.play).toBeNull();
        expect(decision.state).toEqual(SILENT);
      }),
    );
  });

  it('stops repeating when the sound or its repeat is turned off, and does not repeat without "repeat until acknowledged"', () => {
    const state = onNotification(view(), true, context(), SILENT).state;
    expect(state.repeatAt).toBe(T0 + 120_000);
    const later = T0 + 120_000;
    expect(onTick(context({ now: later, sound: { ...SOUND, enabled: false } }), state)).toEqual({ play: null, state: SILENT });
    expect(onTick(context({ now: later, sound: { ...SOUND, repeatUntilAcknowledged: false } }), state)).toEqual({
      play: null,
      state: SILENT,
    });
    const once = onNotification(view(), true, context({ sound: { ...SOUND, repeatUntilAcknowledged: false } }), SILENT);
    expect(once.play).toEqual({ volume: 70 });
    expect(once.state).toEqual(SILENT);
  });

  it('skips a repeat that falls in quiet hours or a pause, and resumes an interval later', () => {
    const state = onNotification(view(), true, context(), SILENT).state;
    const due = T0 + 120_000;
    const night = onTick(context({ now: due, quietHours: NIGHT, minuteOfDay: 23 * 60 }), state);
    expect(night.play).toBeNull();
    expect(night.state).toEqual({ sounded: ['a'], repeatAt: due + 120_000 });
    const paused = onTick(context({ now: due, pausedUntil: due + 1 }), state);
    expect(paused.play).toBeNull();
    const morning = onTick(context({ now: due + 120_000 }), night.state);
    expect(morning.play).toEqual({ volume: 70 });
  });

  it('a failure that broke through quiet hours in silence is not repeated for when they end', () => {
    const silent = onNotification(view(), true, context({ quietHours: NIGHT, minuteOfDay: 23 * 60 }), SILENT);
    expect(silent.play).toBeNull();
    expect(onTick(context({ now: T0 + 3600_000 }), silent.state).play).toBeNull();
  });

  it('one repeat for all failures that sounded, not one each', () => {
    let state = onNotification(view({ id: 'n1', jobs: ['a'] }), true, context(), SILENT).state;
    state = onNotification(view({ id: 'n2', jobs: ['b'] }), true, context({ now: T0 + 60_000 }), state).state;
    expect(state).toEqual({ sounded: ['a', 'b'], repeatAt: T0 + 60_000 + 120_000 });
  });

  it('counts only the notification jobs that are unacknowledged failures', () => {
    expect(failureKeysOf({ jobs: ['a', 'x', 'c'] }, new Set(['a', 'b', 'c']))).toEqual(['a', 'c']);
  });
});
