/**
 * The notification planner, the second half of the notification policy: it takes what classification.ts decided
 * for each transition and insight, folds one server's within a burst window into one notification, and keeps watch
 * requests. It owns no timer: the caller asks `nextDueAt()`, sets one timer, and calls `due(now)` when it fires.
 */
import type { ServerId, Transition } from './model';
import type { NotificationSettings } from './settings';
import { NotificationSettingsSchema } from './settings';
import { isPaused } from './pause';
import { BODY_MAX, TITLE_MAX, burstText, cleanLine, jobLabel, truncate, watchDoneText } from './notification-text';
import type { TextSource } from './notification-text';
import type { NotificationJobRef } from './view';
import type { Insight, InsightKind } from './insights';
import { insightText } from './insights';
import { english, type Translator } from './i18n/i18n';
import {
  classify,
  classifyInsight,
  localMinuteOfDay,
  type Classification,
  type ServerPrefs,
  type SuppressionReason,
  type Urgency,
} from './classification';

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
  /** The language notifications are written in (English by default: the CLI's). */
  translator?: Translator;
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
  /** Set when the all-servers watch ("Tell me when it is safe") ended in this burst. */
  allDone?: { paused: boolean };
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
  /** "Tell me when it is safe" is waiting for the monitor to say every server is live and idle. */
  private allWatch = false;
  private readonly minuteOfDay: (now: number) => number;
  private readonly idPrefix: string;
  private readonly maxWatchedJobs: number;
  private t: Translator;
  private seq = 0;

  constructor(options: PlannerOptions = {}) {
    this.current = options.settings ?? NotificationSettingsSchema.parse({});
    this.minuteOfDay = options.minuteOfDay ?? localMinuteOfDay;
    this.idPrefix = options.idPrefix ?? `n${Date.now().toString(36)}-`;
    this.maxWatchedJobs = options.maxWatchedJobs ?? 1000;
    this.t = options.translator ?? english;
  }

  /** Notifications planned from now on are written in this language; those already planned keep theirs. */
  setTranslator(t: Translator): void {
    this.t = t;
  }

  get translator(): Translator {
    return this.t;
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

  /** How late a scheduled run may start before it is missed, as the user chose it (ms). */
  missedRunToleranceMs(): number {
    return this.current.missedRunToleranceMin * 60_000;
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

  /**
   * "Tell me when it is safe": one "Safe to restart" when the monitor next calls `allServersSafe` (every server
   * live and nothing running: jobs started meanwhile and servers not connected keep it waiting, core/reboot-safety.ts),
   * then the watch ends. Replaces an earlier one. Like a server watch, only global pause silences it (it is flagged
   * suppressed 'paused').
   */
  watchAllServers(): void {
    this.allWatch = true;
  }

  /** Every server is live and idle now: ends the all-servers watch with its notification in `server`'s burst. */
  allServersSafe(server: ServerId, now: number): void {
    if (!this.allWatch) return;
    this.allWatch = false;
    this.burstFor(server, false, now).allDone = { paused: isPaused(this.current.pausedUntil, now) };
  }

  unwatchAllServers(): void {
    this.allWatch = false;
  }

  isWatchingAllServers(): boolean {
    return this.allWatch;
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
    const classification = classifyInsight(insight, this.current, this.servers.get(insight.server), now, {
      minuteOfDay: this.minuteOfDay(now),
    });
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
      const words = burstText(
        items.map((i) => i.transition),
        name,
        burst.catchUp,
        this.t,
      );
      if (!only?.context?.stillFailing || only.transition.to !== 'FAILED') return words;
      // CCMenu's "still failing": the same failure again is not news, but it must not read as if it were new.
      const t = this.t;
      const still = t('notification.stillFailing', { job: jobLabel(only.transition, t), server: cleanLine(name, 40) });
      return {
        title: cleanLine(burst.catchUp ? t('notification.whileAway', { text: still }) : still, TITLE_MAX),
        body: truncate(`${t('notification.failedInARow', { count: only.context.stillFailing })}\n${words.body}`, BODY_MAX),
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
      out.push(make(watchDoneText(burst.watchDone.outcomes, name, this.t), notified, burst.watchDone.paused ? 'paused' : null, 'normal'));
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
    if (burst.allDone) {
      out.push(
        make(
          {
            title: this.t('notification.safeToRestart'),
            body: this.t('notification.safeToRestartBody', { server: cleanLine(name, 40) }),
          },
          [],
          burst.allDone.paused ? 'paused' : null,
          'normal',
        ),
      );
    }
    return out;
  }

  /** The burst's insights: one notification for those shown (with the endings they stand in for), one per reason for the rest. */
  private planInsights(burst: Burst, name: string, now: number, standIns: BufferedTransition[]): PlannedNotification[] {
    if (burst.insights.length === 0) return [];
    const make = (items: BufferedInsight[], suppressed: SuppressionReason | null, endings: BufferedTransition[]): PlannedNotification => {
      const first = items[0]!.insight;
      const words =
        items.length === 1
          ? insightText(first, name, this.t)
          : {
              title: cleanLine(this.t('notification.insightsOn', { count: items.length, server: cleanLine(name, 40) }), TITLE_MAX),
              body: cleanLine(
                items.map((i) => insightText(i.insight, name, this.t).title).join(this.t('notification.insightSeparator')),
                BODY_MAX,
              ),
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
