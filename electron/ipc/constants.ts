/**
 * The contract's plain constants, without zod: the renderer imports its run-time values from here (and only
 * types from contract.ts), so its bundle carries no schema library and never probes for eval under the CSP.
 */
export { ACTIVE_STATES, JOB_STATES, SESSION_STATES, TERMINAL_STATES, isActiveState, isTerminal } from '../core/model';
export type { ActiveState, JobState, SessionState, TerminalState } from '../core/model';
export { HOUR_MS, PAUSE_PRESETS, isPaused, tomorrowMorning, type PausePreset } from '../core/pause';

export {
  BUILT_IN_QUIET_METHODS,
  DEFAULT_SETTINGS,
  FAILURE_URGENCIES,
  LANGUAGES,
  METHOD_RULE_ACTIONS,
  METHOD_RULE_LIMITS,
  THEMES,
  UI_LANGUAGES,
  resolveLanguage,
  type DefaultSettings,
  type FailureUrgency,
  type Language,
  type MethodRuleAction,
  type Theme,
  type UiLanguage,
} from '../core/settings-defaults';

export { ERROR_CODES, isErrorCode, type ErrorCode } from '../core/errors';

export const VIEWS = ['jobs', 'failures', 'notifications', 'servers', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];
