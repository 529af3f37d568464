/**
 * User settings: notification rules and the window preferences the app needs. Every field has a default, so a
 * missing or partial file (older version, hand edit) still yields complete settings.
 */
import * as z from './zod';
import picomatch from 'picomatch';
import type { StoragePort, Clock, Logger } from './ports';
import { VersionedStore } from './store';
import {
  DEFAULT_SETTINGS,
  FAILURE_URGENCIES,
  LANGUAGES,
  METHOD_RULE_ACTIONS,
  METHOD_RULE_LIMITS,
  THEMES,
  type DefaultSettings,
} from './settings-defaults';

export { BUILT_IN_QUIET_METHODS, METHOD_RULE_ACTIONS, type MethodRuleAction } from './settings-defaults';

const N = DEFAULT_SETTINGS.notifications;
const UI = DEFAULT_SETTINGS.ui;

function isCompilableGlob(glob: string): boolean {
  try {
    picomatch(glob, { dot: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * One rule for the methods matching `glob` (picomatch; '.' is an ordinary character, so `cloudsync.*`,
 * `pool.scrub*` and `*` all work on method names). Lists of rules are ordered: the first match wins.
 */
export const MethodRuleSchema = z.object({
  glob: z
    .string()
    .check(z.trim(), z.minLength(1), z.maxLength(METHOD_RULE_LIMITS.globMaxLength), z.refine(isCompilableGlob, 'not a valid glob pattern')),
  action: z.enum(METHOD_RULE_ACTIONS),
});
export type MethodRule = z.infer<typeof MethodRuleSchema>;

/** An ordered list of rules (global, or one server's). */
export const MethodRulesSchema = z.array(MethodRuleSchema).check(z.maxLength(METHOD_RULE_LIMITS.maxRules));

export const TimeOfDaySchema = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour clock)'));

/**
 * Each setting's type and bounds, without defaults. The file schema below adds the defaults; the IPC contract's
 * SettingsView uses these as they are (the window always sends complete settings).
 */
const quietHoursFields = {
  enabled: z.boolean(),
  /** Local time; `start` after `end` wraps past midnight (22:00–07:00). Equal start and end is an empty window. */
  start: TimeOfDaySchema,
  end: TimeOfDaySchema,
  failuresBreakThrough: z.boolean(),
};
/** A sound for failures that notify: off by default, never during quiet hours, optionally repeated until acknowledged. */
const soundFields = {
  enabled: z.boolean(),
  /** 0–100 % of the system volume. */
  volume: z.int().check(z.gte(0), z.lte(100)),
  /** Repeat while any failure that sounded is unacknowledged (Nagstamon's "repeat until acknowledged"). */
  repeatUntilAcknowledged: z.boolean(),
  repeatIntervalSec: z.int().check(z.gte(30), z.lte(3600)),
};
const notificationFields = {
  /** Failures always notify (unless a rule, mute, pause or quiet hours say otherwise) with this urgency. */
  failureUrgency: z.enum(FAILURE_URGENCIES),
  /** SUCCESS/ABORTED notify only when the job ran at least this long (or was watched, or a rule says 'always'). */
  successThresholdSec: z.int().check(z.gte(0), z.lte(7 * 24 * 3600)),
  /** Transitions of one server within this window fold into one notification. */
  burstWindowMs: z.int().check(z.gte(0), z.lte(60_000)),
  methodRules: MethodRulesSchema,
  /** Global pause until this desktop time (ms); null when not paused. */
  pausedUntil: z.nullable(z.number()),
  /** A running job whose progress has not moved for this long while its server was live is "stalled". */
  stalledAfterMin: z.int().check(z.gte(1), z.lte(7 * 24 * 60)),
  /**
   * A scheduled run that has not started this long after its due time is a missed run (core/missed-runs.ts); a
   * schedule firing more often gets half its period. Up to 12 h: beyond that a daily task's miss comes too late.
   */
  missedRunToleranceMin: z.int().check(z.gte(1), z.lte(720)),
};
const windowBoundsFields = {
  width: z.int().check(z.gte(200), z.lte(10_000)),
  height: z.int().check(z.gte(200), z.lte(10_000)),
};
const uiFields = {
  theme: z.enum(THEMES),
  alwaysOnTop: z.boolean(),
  startAtLogin: z.boolean(),
  /** An Electron accelerator; empty string means no shortcut. */
  globalShortcut: z.string().check(z.maxLength(100)),
  showTransient: z.boolean(),
  /** macOS: the number of unacknowledged failures as text beside the menu-bar icon (Tray.setTitle). */
  trayTitleCount: z.boolean(),
  language: z.enum(LANGUAGES),
};

export const QuietHoursSchema = z.object({
  enabled: z._default(quietHoursFields.enabled, N.quietHours.enabled),
  start: z._default(quietHoursFields.start, N.quietHours.start),
  end: z._default(quietHoursFields.end, N.quietHours.end),
  failuresBreakThrough: z._default(quietHoursFields.failuresBreakThrough, N.quietHours.failuresBreakThrough),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

const S = N.sound;
export const SoundSettingsSchema = z.object({
  enabled: z._default(soundFields.enabled, S.enabled),
  volume: z._default(soundFields.volume, S.volume),
  repeatUntilAcknowledged: z._default(soundFields.repeatUntilAcknowledged, S.repeatUntilAcknowledged),
  repeatIntervalSec: z._default(soundFields.repeatIntervalSec, S.repeatIntervalSec),
});
export type SoundSettings = z.infer<typeof SoundSettingsSchema>;

export const NotificationSettingsSchema = z.object({
  failureUrgency: z._default(notificationFields.failureUrgency, N.failureUrgency),
  successThresholdSec: z._default(notificationFields.successThresholdSec, N.successThresholdSec),
  burstWindowMs: z._default(notificationFields.burstWindowMs, N.burstWindowMs),
  methodRules: z._default(notificationFields.methodRules, () => structuredClone(N.methodRules)),
  quietHours: z.prefault(QuietHoursSchema, {}),
  pausedUntil: z._default(notificationFields.pausedUntil, N.pausedUntil),
  stalledAfterMin: z._default(notificationFields.stalledAfterMin, N.stalledAfterMin),
  missedRunToleranceMin: z._default(notificationFields.missedRunToleranceMin, N.missedRunToleranceMin),
  sound: z.prefault(SoundSettingsSchema, {}),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const UiSettingsSchema = z.object({
  theme: z._default(uiFields.theme, UI.theme),
  alwaysOnTop: z._default(uiFields.alwaysOnTop, UI.alwaysOnTop),
  startAtLogin: z._default(uiFields.startAtLogin, UI.startAtLogin),
  globalShortcut: z._default(uiFields.globalShortcut, UI.globalShortcut),
  windowBounds: z.prefault(
    z.object({
      width: z._default(windowBoundsFields.width, UI.windowBounds.width),
      height: z._default(windowBoundsFields.height, UI.windowBounds.height),
    }),
    {},
  ),
  showTransient: z._default(uiFields.showTransient, UI.showTransient),
  trayTitleCount: z._default(uiFields.trayTitleCount, UI.trayTitleCount),
  language: z._default(uiFields.language, UI.language),
});
export type UiSettings = z.infer<typeof UiSettingsSchema>;

/** Settings as a file holds them: anything missing takes its default (older version, hand edit). */
export const SettingsSchema = z.object({
  notifications: z.prefault(NotificationSettingsSchema, {}),
  ui: z.prefault(UiSettingsSchema, {}),
});
export type Settings = z.infer<typeof SettingsSchema>;

/**
 * Complete settings, as the window sends them: every field required, except the ones added after the first
 * release, which are defaulted so a window built before them can still save.
 */
export const CompleteSettingsSchema = z.object({
  notifications: z.object({
    ...notificationFields,
    quietHours: z.object(quietHoursFields),
    stalledAfterMin: z._default(notificationFields.stalledAfterMin, N.stalledAfterMin),
    missedRunToleranceMin: z._default(notificationFields.missedRunToleranceMin, N.missedRunToleranceMin),
    sound: z._default(z.object(soundFields), () => structuredClone(S)),
  }),
  ui: z.object({
    ...uiFields,
    windowBounds: z.object(windowBoundsFields),
    trayTitleCount: z._default(uiFields.trayTitleCount, UI.trayTitleCount),
    language: z._default(uiFields.language, UI.language),
  }),
});

// Compile-time: the plain shape in settings-defaults.ts is exactly what both schemas produce.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _shapesAgree: [Same<Settings, DefaultSettings>, Same<z.output<typeof CompleteSettingsSchema>, DefaultSettings>] = [true, true];
void _shapesAgree;

export const SETTINGS_VERSION = 1;
export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

export function createSettingsStore(storage: StoragePort, options: { clock?: Clock; logger?: Logger } = {}): VersionedStore<Settings> {
  return new VersionedStore<Settings>({
    storage,
    name: SETTINGS_FILE,
    schema: SettingsSchema,
    version: SETTINGS_VERSION,
    migrations: {},
    defaults: defaultSettings,
    ...options,
  });
}
