/**
 * What the window checks of a list of method rules before it sends them: the core's own bounds
 * (core/settings.ts MethodRuleSchema, limits shared through METHOD_RULE_LIMITS), so a list the window lets the
 * person save is one the core accepts. The core also compiles each pattern with picomatch, which accepts any
 * non-empty pattern of this length, so nothing more is checked here.
 */
import { METHOD_RULE_LIMITS, type MethodRuleAction } from '../../../electron/ipc/constants';
import { t } from './i18n.svelte';

export interface EditableRule {
  glob: string;
  action: MethodRuleAction;
}

/** Why one rule's pattern would be refused, or null when it is fine. */
export function globProblem(glob: string): string | null {
  const trimmed = glob.trim();
  if (trimmed === '') return t('rules.problemEmpty');
  if (trimmed.length > METHOD_RULE_LIMITS.globMaxLength)
    return t('rules.problemLength', { max: METHOD_RULE_LIMITS.globMaxLength, length: trimmed.length });
  return null;
}

/** True when every rule would be accepted and there are not too many. */
export function rulesAreValid(rules: readonly EditableRule[]): boolean {
  return rules.length <= METHOD_RULE_LIMITS.maxRules && rules.every((rule) => globProblem(rule.glob) === null);
}

/** The rules as they are sent: patterns without surrounding spaces (as the core stores them). */
export function rulesToSave(rules: readonly EditableRule[]): EditableRule[] {
  return rules.map((rule) => ({ glob: rule.glob.trim(), action: rule.action }));
}

/** A copy of `rules` with the rule at `from` moved to `to` (both within the list). */
export function moveRule<T>(rules: readonly T[], from: number, to: number): T[] {
  const next = [...rules];
  const [moved] = next.splice(from, 1);
  if (moved !== undefined) next.splice(to, 0, moved);
  return next;
}
