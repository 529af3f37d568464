/**
 * The monitor's listener fan-out: one set of listeners per kind of news, and a call to each that cannot stop the
 * others (a listener that throws is logged and skipped).
 */
import type { Transition } from './model';
import type { ScheduleCheck } from './missed-runs';
import type { Insight } from './insights';
import type { MonitorDelta, NotificationView, ServerView } from './view';
import { silentLogger, type Logger } from './ports';

export interface MonitorNews {
  delta: MonitorDelta;
  transition: Transition;
  notification: NotificationView;
  server: ServerView;
  insight: Insight;
  schedule: ScheduleCheck;
}

/** How a failing listener is named in the log. */
const WHAT: Readonly<Record<keyof MonitorNews, string>> = {
  delta: 'a view listener',
  transition: 'a transition listener',
  notification: 'a notification listener',
  server: 'a server listener',
  insight: 'an insight listener',
  schedule: 'a schedule listener',
};

export class MonitorListeners {
  private readonly listeners: { [K in keyof MonitorNews]: Set<(value: MonitorNews[K]) => void> } = {
    delta: new Set(),
    transition: new Set(),
    notification: new Set(),
    server: new Set(),
    insight: new Set(),
    schedule: new Set(),
  };

  constructor(private readonly logger: Logger = silentLogger) {}

  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof MonitorNews>(kind: K, listener: (value: MonitorNews[K]) => void): () => void {
    const set = this.listeners[kind];
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Whether anyone listens for this kind of news (so news nobody reads need not be built). */
  has(kind: keyof MonitorNews): boolean {
    return this.listeners[kind].size > 0;
  }

  /** Calls every listener of this kind; one that throws is logged and skipped, the rest still run. */
  emit<K extends keyof MonitorNews>(kind: K, value: MonitorNews[K]): void {
    for (const listener of this.listeners[kind]) this.guarded(WHAT[kind], () => listener(value));
  }

  guarded(what: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      this.logger.error(`${what} failed`, { reason: err instanceof Error ? err.message : String(err) });
    }
  }
}
