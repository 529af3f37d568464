/**
 * The contract's plain constants, without zod: the renderer imports its run-time values from here (and only
 * types from contract.ts), so its bundle carries no schema library and never probes for eval under the CSP.
 */
export { JOB_STATES } from '../core/model';

export const METHOD_RULE_ACTIONS = ['always', 'failures', 'never', 'no-insights'] as const;
export const THEMES = ['system', 'light', 'dark'] as const;

export const VIEWS = ['jobs', 'failures', 'notifications', 'servers', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

/** The core's defaults, so the settings view can show them ("default: 60 s"). Kept equal by a unit test. */
export const DEFAULT_SETTINGS: DefaultSettings = {
  notifications: {
    failureUrgency: 'critical',
    successThresholdSec: 60,
    burstWindowMs: 3000,
    methodRules: [],
    quietHours: { enabled: false, start: '22:00', end: '07:00', failuresBreakThrough: true },
    pausedUntil: null,
    stalledAfterMin: 30,
  },
  ui: {
    theme: 'system',
    alwaysOnTop: false,
    startAtLogin: false,
    globalShortcut: 'CommandOrControl+Shift+J',
    windowBounds: { width: 420, height: 600 },
    showTransient: false,
    trayTitleCount: false,
  },
};

/** Methods the core never notifies unless a rule names them (core/settings.ts BUILT_IN_QUIET_METHODS). */
export const BUILT_IN_QUIET_METHODS: readonly string[] = [
  'filesystem.get',
  'core.job_wait',
  'core.bulk',
  'certificate.renew_certs',
  'pool.dataset.sync_db_keys',
  'directoryservices.cache_refresh',
  'service.control',
];


/** SettingsView's shape, spelled out here so this file needs no zod (contract.ts checks the two agree). */
export interface DefaultSettings {
  notifications: {
    failureUrgency: 'critical' | 'normal';
    successThresholdSec: number;
    burstWindowMs: number;
    methodRules: { glob: string; action: (typeof METHOD_RULE_ACTIONS)[number] }[];
    quietHours: { enabled: boolean; start: string; end: string; failuresBreakThrough: boolean };
    pausedUntil: number | null;
    stalledAfterMin: number;
  };
  ui: {
    theme: (typeof THEMES)[number];
    alwaysOnTop: boolean;
    startAtLogin: boolean;
    globalShortcut: string;
    windowBounds: { width: number; height: number };
    showTransient: boolean;
    trayTitleCount: boolean;
  };
}
