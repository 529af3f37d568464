/**
 * User settings: notification rules and the window preferences the app needs. Every field has a default, so a
 * missing or partial file (older version, hand edit) still yields complete settings.
 */
import { z } from 'zod';
import picomatch from 'picomatch';
import type { StoragePort, Clock, Logger } from './ports';
import { VersionedStore } from './store';

/** 'no-insights': no insight notifications (slower than usual, stalled, fixed…) for these methods; endings follow the other rules. */
export const METHOD_RULE_ACTIONS = ['always', 'failures', 'never', 'no-insights'] as const;
export type MethodRuleAction = (typeof METHOD_RULE_ACTIONS)[number];

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
  glob: z.string().trim().min(1).max(200).refine(isCompilableGlob, 'not a valid glob pattern'),
  action: z.enum(METHOD_RULE_ACTIONS),
});
export type MethodRule = z.infer<typeof MethodRuleSchema>;

/**
 * Self-induced or low-value jobs (protocol reference §7): log downloads, job waits, daily internal housekeeping,
 * service control. Never notified unless a method rule names them; their failures still reach the inbox.
 */
export const BUILT_IN_QUIET_METHODS: readonly string[] = [
  'filesystem.get',
  'core.job_wait',
  'core.bulk',
  'certificate.renew_certs',
  'pool.dataset.sync_db_keys',
  'directoryservices.cache_refresh',
  'service.control',
];

export const TimeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour clock)');

export const QuietHoursSchema = z.object({
  enabled: z.boolean().default(false),
  /** Local time; `start` after `end` wraps past midnight (22:00–07:00). Equal start and end is an empty window. */
  start: TimeOfDaySchema.default('22:00'),
  end: TimeOfDaySchema.default('07:00'),
  failuresBreakThrough: z.boolean().default(true),
});
export type QuietHours = z.infer<typeof QuietHoursSchema>;

export const NotificationSettingsSchema = z.object({
  /** Failures always notify (unless a rule, mute, pause or quiet hours say otherwise) with this urgency. */
  failureUrgency: z.enum(['critical', 'normal']).default('critical'),
  /** SUCCESS/ABORTED notify only when the job ran at least this long (or was watched, or a rule says 'always'). */
  successThresholdSec: z.number().int().min(0).max(7 * 24 * 3600).default(60),
  /** Transitions of one server within this window fold into one notification. */
  burstWindowMs: z.number().int().min(0).max(60_000).default(3000),
  methodRules: z.array(MethodRuleSchema).max(200).default(() => []),
  quietHours: QuietHoursSchema.prefault({}),
  /** Global pause until this desktop time (ms); null when not paused. */
  pausedUntil: z.number().nullable().default(null),
  /** A running job whose progress has not moved for this long while its server was live is "stalled". */
  stalledAfterMin: z.number().int().min(1).max(7 * 24 * 60).default(30),
});
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;

export const UiSettingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  alwaysOnTop: z.boolean().default(false),
  startAtLogin: z.boolean().default(false),
  /** An Electron accelerator; empty string means no shortcut. */
  globalShortcut: z.string().max(100).default('CommandOrControl+Shift+J'),
  windowBounds: z
    .object({
      width: z.number().int().min(200).max(10_000).default(420),
      height: z.number().int().min(200).max(10_000).default(600),
    })
    .prefault({}),
  showTransient: z.boolean().default(false),
  /** macOS: the number of unacknowledged failures as text beside the menu-bar icon (Tray.setTitle). */
  trayTitleCount: z.boolean().default(false),
});
export type UiSettings = z.infer<typeof UiSettingsSchema>;

export const SettingsSchema = z.object({
  notifications: NotificationSettingsSchema.prefault({}),
  ui: UiSettingsSchema.prefault({}),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SETTINGS_VERSION = 1;
export const SETTINGS_FILE = 'settings.json';

export function defaultSettings(): Settings {
  return SettingsSchema.parse({});
}

export function createSettingsStore(
  storage: StoragePort,
  options: { clock?: Clock; logger?: Logger } = {},
): VersionedStore<Settings> {
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
