/**
 * Pausing notifications: whether a pause is on, and the ways to pause that the tray and the window both offer,
 * as plain values (no zod), so the two menus cannot drift apart. ipc/constants.ts re-exports this for the window.
 */

/** A pause is on until its end time; null is "not paused". */
export function isPaused(pausedUntil: number | null, now: number): boolean {
  return pausedUntil !== null && now < pausedUntil;
}

export const HOUR_MS = 60 * 60 * 1000;

/** Tomorrow at 08:00 local time: "until tomorrow" means quiet through the night, not a ping at midnight. */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}

export interface PausePreset {
  readonly id: 'one-hour' | 'tomorrow-morning';
  /** As the tray menu's submenu shows it ("Pause notifications" → "For 1 hour"). */
  readonly label: string;
  /** When the pause ends, counted from the moment the user chose it. */
  until(now: number): number;
}

export const PAUSE_PRESETS: readonly PausePreset[] = [
  { id: 'one-hour', label: 'For 1 hour', until: (now) => now + HOUR_MS },
  { id: 'tomorrow-morning', label: 'Until tomorrow (08:00)', until: tomorrowMorning },
];
