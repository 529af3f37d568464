/**
 * Classification, the first half of the notification policy: whether one transition or insight is shown, and how
 * urgently, as a pure function of it, the settings and the clock. planner.ts folds the results into notifications.
 *
 * Precedence, for one transition (first that applies decides):
 *  1. Rule-level reasons, skipped for a watched job:
 *     transient job → 'transient' (no rule can turn transient jobs on: `*` = always must not mean an alert job
 *     every minute); then the server's method rules, then the global method rules, first match wins within each
 *     list ('never' → 'method-rule'; 'failures' → SUCCESS/ABORTED 'method-rule'; 'always' → notify, no threshold);
 *     with no matching rule: the built-in quiet list → 'quiet-list', then SUCCESS/ABORTED shorter than the
 *     threshold (or of unknown duration) → 'threshold'.
 *  2. Global pause → 'paused'. Pause silences everything, watched jobs included: it is the user's
 *     "not now" switch (presenting, screen sharing); a watch lives on in the list and tray.
 *  3. Situational reasons, skipped for a watched job (an explicit request beats a standing schedule):
 *     server muted (until a time, or indefinitely) → 'server-muted'; quiet hours → 'quiet-hours', unless the
 *     transition is a failure and failures break through.
 * Suppressed is not lost: every transition ends up in exactly one planned notification, flagged when suppressed.
 *
 * Insights (insights.ts: slower than usual, stalled, fixed…) go through the same planner with the same order:
 * method rules ('never' and 'no-insights' silence them, 'failures' silences "fixed"; 'no-insights' rules decide
 * nothing about job endings), the quiet list, pause, mute and quiet hours (no breaking through: an insight is not a
 * failure). They fold into the same bursts; a shown "fixed" stands in for its job's shown success.
 */
import picomatch from 'picomatch';
import type { Transition } from './model';
import type { MethodRule, NotificationSettings } from './settings';
import { BUILT_IN_QUIET_METHODS } from './settings';
import { isPaused } from './pause';
import type { Insight } from './insights';

export type Urgency = 'critical' | 'normal' | 'low';
export const SUPPRESSION_REASONS = [
  'transient',
  'quiet-list',
  'method-rule',
  'threshold',
  'server-muted',
  'paused',
  'quiet-hours',
] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** What the rules need to know about one server. */
export interface ServerPrefs {
  /** Shown in texts ("… on nas1"); the server id when absent. */
  name?: string;
  muted: boolean;
  /** With `muted`: the end of the mute (desktop ms), or null for "until unmuted". */
  mutedUntil: number | null;
  /** Checked before the global rules; first match wins. */
  methodRules: readonly MethodRule[];
}

export interface Classification {
  notify: boolean;
  urgency: Urgency;
  suppressedBy?: SuppressionReason;
}

export interface ClassifyOptions {
  /** The user asked to hear about this very job. */
  watched?: boolean;
  /** Local minutes since midnight at `now` (0–1439); computed from the system time zone when absent. */
  minuteOfDay?: number;
}

const matchers = new Map<string, (method: string) => boolean>();

/** picomatch with '.' as an ordinary character (`*` matches `a.b`); a pattern that does not compile never matches. */
export function globMatches(glob: string, method: string): boolean {
  let matcher = matchers.get(glob);
  if (!matcher) {
    try {
      matcher = picomatch(glob, { dot: true });
    } catch {
      matcher = () => false;
    }
    if (matchers.size > 1000) matchers.clear();
    matchers.set(glob, matcher);
  }
  return matcher(method);
}

/**
 * The first rule whose glob matches, server rules before global ones. For a job's ending ('ending'), rules whose
 * action is 'no-insights' are passed over: they only speak about insights.
 */
export function matchMethodRule(
  method: string,
  serverRules: readonly MethodRule[],
  globalRules: readonly MethodRule[],
  subject: 'ending' | 'insight' = 'ending',
): MethodRule | null {
  const applies = (r: MethodRule) => (subject === 'insight' || r.action !== 'no-insights') && globMatches(r.glob, method);
  return serverRules.find(applies) ?? globalRules.find(applies) ?? null;
}

export function localMinuteOfDay(now: number): number {
  const date = new Date(now);
  return date.getHours() * 60 + date.getMinutes();
}

function parseTimeOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

/** [start, end) in local minutes; wraps past midnight when start > end; empty when start = end. */
export function inQuietHours(quiet: NotificationSettings['quietHours'], minuteOfDay: number): boolean {
  if (!quiet.enabled) return false;
  const start = parseTimeOfDay(quiet.start);
  const end = parseTimeOfDay(quiet.end);
  if (start === end) return false;
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

export function isMuted(prefs: Pick<ServerPrefs, 'muted' | 'mutedUntil'> | undefined, now: number): boolean {
  return !!prefs?.muted && (prefs.mutedUntil === null || now < prefs.mutedUntil);
}

export function urgencyOf(t: Pick<Transition, 'to'>, settings: Pick<NotificationSettings, 'failureUrgency'>): Urgency {
  if (t.to === 'FAILED') return settings.failureUrgency;
  return t.to === 'SUCCESS' ? 'normal' : 'low';
}

export function classify(
  t: Transition,
  settings: NotificationSettings,
  prefs: ServerPrefs | undefined,
  now: number,
  options: ClassifyOptions = {},
): Classification {
  const urgency = urgencyOf(t, settings);
  const suppress = (suppressedBy: SuppressionReason): Classification => ({ notify: false, urgency, suppressedBy });
  const watched = options.watched ?? false;

  if (!watched) {
    if (t.transient) return suppress('transient');
    const rule = matchMethodRule(t.method, prefs?.methodRules ?? [], settings.methodRules);
    if (rule) {
      if (rule.action === 'never') return suppress('method-rule');
      if (rule.action === 'failures' && t.to !== 'FAILED') return suppress('method-rule');
    } else {
      if (BUILT_IN_QUIET_METHODS.some((glob) => globMatches(glob, t.method))) return suppress('quiet-list');
      if (t.to !== 'FAILED' && !ranLongEnough(t, settings.successThresholdSec)) return suppress('threshold');
    }
  }
  if (isPaused(settings.pausedUntil, now)) return suppress('paused');
  if (!watched) {
    if (isMuted(prefs, now)) return suppress('server-muted');
    const minute = options.minuteOfDay ?? localMinuteOfDay(now);
    if (inQuietHours(settings.quietHours, minute) && !(t.to === 'FAILED' && settings.quietHours.failuresBreakThrough)) {
      return suppress('quiet-hours');
    }
  }
  return { notify: true, urgency };
}

/** How an insight is decided: see the file's comment. Insights about transient jobs are never made. */
export function classifyInsight(
  insight: Pick<Insight, 'kind' | 'method'>,
  settings: NotificationSettings,
  prefs: ServerPrefs | undefined,
  now: number,
  options: Pick<ClassifyOptions, 'minuteOfDay'> = {},
): Classification {
  const urgency: Urgency = insight.kind === 'fixed' ? 'low' : 'normal';
  const suppress = (suppressedBy: SuppressionReason): Classification => ({ notify: false, urgency, suppressedBy });
  const rule = matchMethodRule(insight.method, prefs?.methodRules ?? [], settings.methodRules, 'insight');
  if (rule) {
    if (rule.action === 'never' || rule.action === 'no-insights') return suppress('method-rule');
    if (rule.action === 'failures' && insight.kind === 'fixed') return suppress('method-rule');
  } else if (BUILT_IN_QUIET_METHODS.some((glob) => globMatches(glob, insight.method))) return suppress('quiet-list');
  if (isPaused(settings.pausedUntil, now)) return suppress('paused');
  if (isMuted(prefs, now)) return suppress('server-muted');
  const minute = options.minuteOfDay ?? localMinuteOfDay(now);
  if (inQuietHours(settings.quietHours, minute)) return suppress('quiet-hours');
  return { notify: true, urgency };
}

/** Unknown duration counts as short: a success we cannot measure is not worth interrupting anyone. */
function ranLongEnough(t: Pick<Transition, 'timeStarted' | 'timeFinished'>, thresholdSec: number): boolean {
  if (thresholdSec <= 0) return true;
  if (t.timeStarted === null || t.timeFinished === null) return false;
  return t.timeFinished - t.timeStarted >= thresholdSec * 1000;
}
