/**
 * The notification policy: a pure function of transitions, settings and the clock, plus a planner that folds
 * bursts and keeps watch requests. The planner owns no timer: the caller asks `nextDueAt()`, sets one timer, and
 * calls `due(now)` when it fires.
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
import type { ServerId, Transition } from './model';
import type { MethodRule, NotificationSettings } from './settings';
import { BUILT_IN_QUIET_METHODS, NotificationSettingsSchema } from './settings';
import { isPaused } from './pause';

export { isPaused } from './pause';
import { BODY_MAX, TITLE_MAX, burstText, cleanLine, jobLabel, truncate, watchDoneText } from './notification-text';
import type { TextSource } from './notification-text';
import type { NotificationJobRef } from './view';
import type { Insight, InsightKind } from './insights';
import { insightText } from './insights';

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

// ---- planner ---------------------------------------------------------------------------------------------------

export interface PlannedNotification {
  id: string;
  server: ServerId;
  title: string;
  body: string;
  urgency: Urgency;
  /** Keys of the transitions this notification stands for. */
  jobs: string[];
  /** The same jobs, in the same order, as parts (so nobody has to split a key). */
  jobRefs: NotificationJobRef[];
  catchUp: boolean;
  suppressed: SuppressionReason | null;
  createdAt: number;
  /** The insights this notification tells of (absent when it tells only of job endings). */
  insights?: InsightKind[];
}

/** What the monitor knows about a transition beyond the transition itself. */
export interface TransitionContext {
  /** The task failed this many times in a row, this failure included (2 or more): "still failing". */
  stillFailing?: number;
}

export interface PlannerOptions {
  settings?: NotificationSettings;
  /** Local minutes since midnight for a desktop time; injected by tests, system time zone otherwise. */
  minuteOfDay?: (now: number) => number;
  /** Makes ids unique across runs of the app; ids are `${idPrefix}${n}`. */
  idPrefix?: string;
  /** Most job watches kept at once (the oldest go first): a watched job that never finishes must not leak. */
  maxWatchedJobs?: number;
}

interface BufferedTransition {
  transition: Transition;
  classification: Classification;
  context?: TransitionContext;
}

interface BufferedInsight {
  insight: Insight;
  classification: Classification;
}

interface Burst {
  server: ServerId;
  catchUp: boolean;
  dueAt: number;
  items: BufferedTransition[];
  insights: BufferedInsight[];
  /** Set when this burst holds the last job of a server watch. */
  watchDone: { outcomes: TextSource[]; paused: boolean } | null;
}

interface ServerWatch {
  remaining: Set<string>;
  outcomes: TextSource[];
}

const URGENCY_RANK: Readonly<Record<Urgency, number>> = { low: 0, normal: 1, critical: 2 };

function maxUrgency(urgencies: Iterable<Urgency>, floor: Urgency = 'low'): Urgency {
  let best = floor;
  for (const u of urgencies) if (URGENCY_RANK[u] > URGENCY_RANK[best]) best = u;
  return best;
}

const DEFAULT_PREFS: ServerPrefs = { muted: false, mutedUntil: null, methodRules: [] };

export class NotificationPlanner {
  private current: NotificationSettings;
  private readonly servers = new Map<ServerId, ServerPrefs>();
  /** Pending bursts keyed by server and catch-up flag: live and catch-up transitions never share a notification. */
  private readonly bursts = new Map<string, Burst>();
  private readonly watchedJobs = new Set<string>();
  private readonly serverWatches = new Map<ServerId, ServerWatch>();
  private readonly minuteOfDay: (now: number) => number;
  private readonly idPrefix: string;
  private readonly maxWatchedJobs: number;
  private seq = 0;

  constructor(options: PlannerOptions = {}) {
    this.current = options.settings ?? NotificationSettingsSchema.parse({});
    this.minuteOfDay = options.minuteOfDay ?? localMinuteOfDay;
    this.idPrefix = options.idPrefix ?? `n${Date.now().toString(36)}-`;
    this.maxWatchedJobs = options.maxWatchedJobs ?? 1000;
  }

  settings(): NotificationSettings {
    return this.current;
  }

  /** Applies to transitions pushed from now on; pending bursts keep their classification and due time. */
  setSettings(settings: NotificationSettings): void {
    this.current = settings;
  }

  setPausedUntil(until: number | null): void {
    this.current = { ...this.current, pausedUntil: until };
  }

  pausedUntil(): number | null {
    return this.current.pausedUntil;
  }

  /** The user's stalled threshold (ms): how long a running job's progress may stand still while its server is live. */
  stalledAfterMs(): number {
    return this.current.stalledAfterMin * 60_000;
  }

  setServer(server: ServerId, prefs: Partial<ServerPrefs>): void {
    this.servers.set(server, { ...(this.servers.get(server) ?? DEFAULT_PREFS), ...prefs });
  }

  setServerMute(server: ServerId, muted: boolean, until: number | null): void {
    this.setServer(server, { muted, mutedUntil: muted ? until : null });
  }

  /** Forgets the server's preferences and watches; its pending bursts are still delivered (nothing is lost). */
  removeServer(server: ServerId): void {
    this.servers.delete(server);
    this.serverWatches.delete(server);
  }

  /** Notify when this job finishes, whatever the rules, mute or quiet hours; only a global pause silences it. */
  watchJob(key: string): void {
    this.watchedJobs.delete(key);
    this.watchedJobs.add(key);
    while (this.watchedJobs.size > this.maxWatchedJobs) {
      const oldest = this.watchedJobs.values().next();
      if (oldest.done) break;
      this.watchedJobs.delete(oldest.value);
    }
  }

  unwatchJob(key: string): void {
    this.watchedJobs.delete(key);
  }

  isWatched(key: string): boolean {
    return this.watchedJobs.has(key);
  }

  /**
   * One "All jobs on <server> are done" when every one of `runningKeys` has finished. Replaces an earlier watch
   * of the same server. An empty list starts nothing (there is nothing to wait for).
   */
  watchServer(server: ServerId, runningKeys: readonly string[]): void {
    if (runningKeys.length === 0) {
      this.serverWatches.delete(server);
      return;
    }
    this.serverWatches.set(server, { remaining: new Set(runningKeys), outcomes: [] });
  }

  unwatchServer(server: ServerId): void {
    this.serverWatches.delete(server);
  }

  isWatchingServer(server: ServerId): boolean {
    return this.serverWatches.has(server);
  }

  private burstFor(server: ServerId, catchUp: boolean, now: number): Burst {
    const burstKey = `${server}\u0000${catchUp ? 'catch-up' : 'live'}`;
    let burst = this.bursts.get(burstKey);
    if (!burst) {
      // The window opens with the first transition and does not slide: a steady trickle still gets out in time.
      burst = { server, catchUp, dueAt: now + this.current.burstWindowMs, items: [], insights: [], watchDone: null };
      this.bursts.set(burstKey, burst);
    }
    return burst;
  }

  /** Plans an insight: classified now, folded with whatever else the server's burst holds. */
  pushInsight(insight: Insight, now: number): void {
    const classification = classifyInsight(insight, this.current, this.servers.get(insight.server), now, { minuteOfDay: this.minuteOfDay(now) });
    this.burstFor(insight.server, insight.catchUp, now).insights.push({ insight, classification });
  }

  push(transition: Transition, now: number, context?: TransitionContext): void {
    const watched = this.watchedJobs.delete(transition.key);
    const classification = classify(transition, this.current, this.servers.get(transition.server), now, {
      watched,
      minuteOfDay: this.minuteOfDay(now),
    });
    const burst = this.burstFor(transition.server, transition.catchUp, now);
    burst.items.push(context ? { transition, classification, context } : { transition, classification });

    const watch = this.serverWatches.get(transition.server);
    if (watch?.remaining.delete(transition.key)) {
      watch.outcomes.push(transition);
      if (watch.remaining.size === 0) {
        this.serverWatches.delete(transition.server);
        burst.watchDone = { outcomes: watch.outcomes, paused: isPaused(this.current.pausedUntil, now) };
      }
    }
  }

  nextDueAt(): number | null {
    let next: number | null = null;
    for (const burst of this.bursts.values()) if (next === null || burst.dueAt < next) next = burst.dueAt;
    return next;
  }

  /** Every notification whose burst window has elapsed by `now`, oldest burst first. */
  due(now: number): PlannedNotification[] {
    return this.takeBursts((burst) => burst.dueAt <= now, now);
  }

  /** Everything pending, due or not (e.g. before quitting). */
  flush(now: number): PlannedNotification[] {
    return this.takeBursts(() => true, now);
  }

  /** How many transitions wait in bursts. */
  pendingCount(): number {
    let n = 0;
    for (const burst of this.bursts.values()) n += burst.items.length + burst.insights.length;
    return n;
  }

  private takeBursts(ready: (burst: Burst) => boolean, now: number): PlannedNotification[] {
    const taken = [...this.bursts.entries()].filter(([, burst]) => ready(burst)).sort(([, a], [, b]) => a.dueAt - b.dueAt);
    const out: PlannedNotification[] = [];
    for (const [key, burst] of taken) {
      this.bursts.delete(key);
      out.push(...this.plan(burst, now));
    }
    return out;
  }

  private plan(burst: Burst, now: number): PlannedNotification[] {
    const name = this.servers.get(burst.server)?.name ?? burst.server;
    const make = (
      text: { title: string; body: string },
      items: BufferedTransition[],
      suppressed: SuppressionReason | null,
      floor: Urgency = 'low',
    ): PlannedNotification => ({
      id: `${this.idPrefix}${++this.seq}`,
      server: burst.server,
      title: text.title,
      body: text.body,
      urgency: maxUrgency(
        items.map((i) => i.classification.urgency),
        floor,
      ),
      jobs: items.map((i) => i.transition.key),
      jobRefs: items.map(({ transition: t }) => ({ server: t.server, jobId: t.jobId, method: t.method, timeStarted: t.timeStarted })),
      catchUp: burst.catchUp,
      suppressed,
      createdAt: now,
    });

    const out: PlannedNotification[] = [];
    const text = (items: BufferedTransition[]) => {
      const only = items.length === 1 ? items[0] : undefined;
      const words = burstText(items.map((i) => i.transition), name, burst.catchUp);
      if (!only?.context?.stillFailing || only.transition.to !== 'FAILED') return words;
      // CCMenu's "still failing": the same failure again is not news, but it must not read as if it were new.
      const label = jobLabel(only.transition);
      return {
        title: cleanLine(`${burst.catchUp ? 'While you were away: ' : ''}${label} is still failing on ${cleanLine(name, 40)}`, TITLE_MAX),
        body: truncate(`Failed ${only.context.stillFailing} times in a row.\n${words.body}`, BODY_MAX),
      };
    };
    // A shown "fixed" says more than its job's shown "finished": it stands in for it.
    const fixedShown = new Set<string>();
    if (!burst.watchDone) {
      for (const { insight, classification } of burst.insights) {
        if (insight.kind === 'fixed' && classification.notify && insight.key !== null) fixedShown.add(insight.key);
      }
    }
    const standIns: BufferedTransition[] = [];
    const notified = burst.items.filter((i) => {
      if (!i.classification.notify) return false;
      if (fixedShown.has(i.transition.key) && i.transition.to === 'SUCCESS') {
        standIns.push(i);
        return false;
      }
      return true;
    });
    if (burst.watchDone) {
      // The watch's end stands in for the burst's own notification: one notification, not two at once.
      out.push(
        make(watchDoneText(burst.watchDone.outcomes, name), notified, burst.watchDone.paused ? 'paused' : null, 'normal'),
      );
    } else if (notified.length > 0) {
      out.push(make(text(notified), notified, null));
    }
    const byReason = new Map<SuppressionReason, BufferedTransition[]>();
    for (const item of burst.items) {
      const reason = item.classification.suppressedBy;
      if (item.classification.notify || !reason) continue;
      // Appended in place: copying the group per item made a large burst quadratic.
      const group = byReason.get(reason);
      if (group) group.push(item);
      else byReason.set(reason, [item]);
    }
    for (const [reason, items] of byReason) {
      out.push(make(text(items), items, reason));
    }
    out.push(...this.planInsights(burst, name, now, standIns));
    return out;
  }

  /** The burst's insights: one notification for those shown (with the endings they stand in for), one per reason for the rest. */
  private planInsights(burst: Burst, name: string, now: number, standIns: BufferedTransition[]): PlannedNotification[] {
    if (burst.insights.length === 0) return [];
    const make = (items: BufferedInsight[], suppressed: SuppressionReason | null, endings: BufferedTransition[]): PlannedNotification => {
      const first = items[0]!.insight;
      const words =
        items.length === 1
          ? insightText(first, name)
          : {
              title: cleanLine(`${items.length} insights on ${cleanLine(name, 40)}`, TITLE_MAX),
              body: cleanLine(items.map((i) => insightText(i.insight, name).title).join('; '), BODY_MAX),
            };
      const jobs: string[] = [];
      const jobRefs: NotificationJobRef[] = [];
      for (const { insight: i } of items) {
        if (i.key === null || i.jobId === null || jobs.includes(i.key)) continue;
        jobs.push(i.key);
        jobRefs.push({ server: i.server, jobId: i.jobId, method: i.method, timeStarted: i.timeStarted });
      }
      return {
        id: `${this.idPrefix}${++this.seq}`,
        server: burst.server,
        title: words.title,
        body: words.body,
        urgency: maxUrgency([...items.map((i) => i.classification.urgency), ...endings.map((e) => e.classification.urgency)]),
        jobs,
        jobRefs,
        catchUp: burst.catchUp,
        suppressed,
        createdAt: now,
        insights: [...new Set(items.map((i) => i.insight.kind))],
      };
    };
    const out: PlannedNotification[] = [];
    const shown = burst.insights.filter((i) => i.classification.notify);
    if (shown.length > 0) out.push(make(shown, null, standIns));
    const byReason = new Map<SuppressionReason, BufferedInsight[]>();
    for (const item of burst.insights) {
      const reason = item.classification.suppressedBy;
      if (item.classification.notify || !reason) continue;
      const group = byReason.get(reason);
      if (group) group.push(item);
      else byReason.set(reason, [item]);
    }
    for (const [reason, items] of byReason) out.push(make(items, reason, []));
    return out;
  }
}
