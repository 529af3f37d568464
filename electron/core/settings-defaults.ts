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

/** The languages with a catalogue (the core's and the window's); 'system' resolves to one of them. */
export const UI_LANGUAGES = ['en', 'de'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

/**
 * The language to show for a setting: 'en' and 'de' as chosen; 'system' is German when the first of the OS's
 * (or the browser's) preferred languages is German (de, de-AT, de_CH.UTF-8…), English otherwise (English is the
 * fallback for every language without a catalogue, so a French system gets English rather than German). Here, not
 * beside the catalogues, so the core, main and the window decide it with one function.
 */
export function resolveLanguage(setting: Language, osLocales: readonly string[]): UiLanguage {
  if (setting !== 'system') return setting;
  const first = osLocales.find((locale) => locale.trim().length > 0 && !/^(c|posix)(\.|$)/i.test(locale.trim()));
  return first !== undefined && /^de([-_.@]|$)/i.test(first.trim()) ? 'de' : 'en';
}

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
