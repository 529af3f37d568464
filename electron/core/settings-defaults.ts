/**
 * The settings' vocabulary and defaults as plain values, without zod: the core's settings schema takes its
 * defaults from here, and the window shows them ("default: 60 s") through ipc/constants.ts, which re-exports this
 * file. One copy, so nothing has to keep two lists equal.
 */

/** 'no-insights': no insight notifications (slower than usual, stalled, fixed…) for these methods; endings follow the other rules. */
export const METHOD_RULE_ACTIONS = ['always', 'failures', 'never', 'no-insights'] as const;
export type MethodRuleAction = (typeof METHOD_RULE_ACTIONS)[number];

/** Bounds of a rule list (global or one server's), checked by the core's schema and shown by the window's editor. */
export const METHOD_RULE_LIMITS = { globMaxLength: 200, maxRules: 200 } as const;

export const FAILURE_URGENCIES = ['critical', 'normal'] as const;
export type FailureUrgency = (typeof FAILURE_URGENCIES)[number];

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** 'system' follows the OS language (German when it is German, English otherwise). */
export const LANGUAGES = ['system', 'en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Self-induced or low-value jobs: log downloads, job waits, daily internal housekeeping, service control. Never
 * notified unless a method rule names them; their failures still reach the inbox.
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

/** The shape of complete settings (core/settings.ts checks at compile time that its schema produces exactly this). */
export interface DefaultSettings {
  notifications: {
    failureUrgency: FailureUrgency;
    successThresholdSec: number;
    burstWindowMs: number;
    methodRules: { glob: string; action: MethodRuleAction }[];
    quietHours: { enabled: boolean; start: string; end: string; failuresBreakThrough: boolean };
    pausedUntil: number | null;
    stalledAfterMin: number;
    missedRunToleranceMin: number;
    sound: { enabled: boolean; volume: number; repeatUntilAcknowledged: boolean; repeatIntervalSec: number };
  };
  ui: {
    theme: Theme;
    alwaysOnTop: boolean;
    startAtLogin: boolean;
    globalShortcut: string;
    windowBounds: { width: number; height: number };
    showTransient: boolean;
    trayTitleCount: boolean;
    language: Language;
  };
}

/** Every setting's default. Shared: callers that need a copy to edit take structuredClone. */
export const DEFAULT_SETTINGS: DefaultSettings = {
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
};
