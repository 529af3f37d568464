/**
 * The contract's plain constants, without zod: the renderer imports its run-time values from here (and only
 * types from contract.ts), so its bundle carries no schema library and never probes for eval under the CSP.
 */
export { JOB_STATES } from '../core/model';

export {
  BUILT_IN_QUIET_METHODS,
  DEFAULT_SETTINGS,
  FAILURE_URGENCIES,
  METHOD_RULE_ACTIONS,
  THEMES,
  type DefaultSettings,
  type FailureUrgency,
  type MethodRuleAction,
  type Theme,
} from '../core/settings-defaults';

export const VIEWS = ['jobs', 'failures', 'notifications', 'servers', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];
