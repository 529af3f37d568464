/**
 * When the failure sound plays: a pure function of what was notified, the settings, the clock and the failures
 * still unacknowledged. The shell (electron/main/sound.ts) owns the timer and the player; this decides.
 *
 * - Only a shown (not suppressed) notification that stands for at least one unacknowledged failure sounds, and it
 *   sounds once however many jobs it folds.
 * - Never during quiet hours, even when a failure breaks through them visually (`failuresBreakThrough` is about
 *   the popup), and never while notifications are paused.
 * - With "repeat until acknowledged", one repeat every `repeatIntervalSec` for all failures that sounded, until each
 *   of them is acknowledged (it leaves the failure list) or the sound or the repeat is turned off. A repeat that
 *   falls in quiet hours or a pause is skipped, not queued: the next one is an interval later.
 * - Only failures whose notification actually sounded are repeated for: one that broke through quiet hours in
 *   silence does not start ringing when they end.
 */
import { inQuietHours } from './classification';
import { isPaused } from './pause';
import type { QuietHours, SoundSettings } from './settings';
import type { NotificationView } from './view';

export interface SoundContext {
  sound: SoundSettings;
  quietHours: QuietHours;
  pausedUntil: number | null;
  /** Desktop time (ms). */
  now: number;
  /** Local minutes since midnight at `now` (classification.ts localMinuteOfDay). */
  minuteOfDay: number;
  /** Keys of the failures not acknowledged yet (FailureView.key; a failure's key is its job's key). */
  unacknowledged: ReadonlySet<string>;
}

export interface SoundState {
  /** Failure keys whose notification sounded and that were unacknowledged when last looked at. */
  readonly sounded: readonly string[];
  /** Desktop time of the next repeat, or null when none is due. */
  readonly repeatAt: number | null;
}

export const SILENT: SoundState = { sounded: [], repeatAt: null };

export interface SoundDecision {
  /** Play now at this volume (0–100 % of the system volume), or null for silence. */
  play: { volume: number } | null;
  state: SoundState;
}

/** The notification's jobs that are unacknowledged failures: empty for a success, an insight or an acknowledged one. */
export function failureKeysOf(view: Pick<NotificationView, 'jobs'>, unacknowledged: ReadonlySet<string>): string[] {
  return view.jobs.filter((key) => unacknowledged.has(key));
}

/** Sound on, audible (volume above 0), outside quiet hours and no pause. */
export function mayPlayNow(context: SoundContext): boolean {
  return (
    context.sound.enabled &&
    context.sound.volume > 0 &&
    !inQuietHours(context.quietHours, context.minuteOfDay) &&
    !isPaused(context.pausedUntil, context.now)
  );
}

function repeating(context: SoundContext, sounded: readonly string[]): SoundState {
  if (!context.sound.enabled || !context.sound.repeatUntilAcknowledged || sounded.length === 0) return SILENT;
  return { sounded, repeatAt: context.now + context.sound.repeatIntervalSec * 1000 };
}

/** A notification was handed to the notifier; `shown` says whether it appeared (not suppressed, supported). */
export function onNotification(view: NotificationView, shown: boolean, context: SoundContext, state: SoundState): SoundDecision {
  const kept = prune(state, context);
  if (!shown || view.suppressed !== null) return { play: null, state: kept };
  const keys = failureKeysOf(view, context.unacknowledged);
  if (keys.length === 0 || !mayPlayNow(context)) return { play: null, state: kept };
  const sounded = [...new Set([...kept.sounded, ...keys])];
  return { play: { volume: context.sound.volume }, state: repeating(context, sounded) };
}

/** The timer fired, or the failures or settings changed: repeat when due, stop when nothing is left to repeat for. */
export function onTick(context: SoundContext, state: SoundState): SoundDecision {
  const kept = prune(state, context);
  if (kept.repeatAt === null || context.now < kept.repeatAt) return { play: null, state: kept };
  const play = mayPlayNow(context) ? { volume: context.sound.volume } : null;
  return { play, state: repeating(context, kept.sounded) };
}

/** Drops acknowledged failures; stops repeating once none is left or the sound or its repeat is off. */
export function prune(state: SoundState, context: SoundContext): SoundState {
  if (state.sounded.length === 0 || state.repeatAt === null) return SILENT;
  if (!context.sound.enabled || !context.sound.repeatUntilAcknowledged) return SILENT;
  const sounded = state.sounded.filter((key) => context.unacknowledged.has(key));
  if (sounded.length === 0) return SILENT;
  return sounded.length === state.sounded.length ? state : { sounded, repeatAt: state.repeatAt };
}
