/**
 * When planned notifications go out: one timer for the planner's next due time, and the recent notifications the
 * window lists. The planner decides what is shown; this only asks it at the right moment and hands the result on.
 */
import type { NotificationPolicy } from './monitor-ports';
import type { NotificationView } from './view';

export class NotificationScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly recent: NotificationView[] = [];

  constructor(
    private readonly policy: Pick<NotificationPolicy, 'due' | 'nextDueAt'>,
    private readonly now: () => number,
    /** Told about every batch that went out, newest last. */
    private readonly onDelivered: (planned: NotificationView[]) => void,
    /** How many notifications are kept for the window's list. */
    private readonly limit = 200,
  ) {}

  /** The kept notifications, newest first. */
  list(): NotificationView[] {
    return [...this.recent];
  }

  /** Sets the one timer for the planner's next due time (call after anything was pushed to it). */
  schedule(): void {
    this.cancel();
    const at = this.policy.nextDueAt();
    if (at === null) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.deliver(this.policy.due(this.now()));
        this.schedule();
      },
      Math.max(0, at - this.now()),
    );
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Whatever is still folding in a burst window is decided now, so it is not lost at shutdown. */
  flush(): void {
    this.cancel();
    this.deliver(this.policy.due(Number.POSITIVE_INFINITY));
  }

  private deliver(planned: NotificationView[]): void {
    if (planned.length === 0) return;
    for (const notification of planned) this.recent.unshift(notification);
    this.recent.splice(this.limit);
    this.onDelivered(planned);
  }
}
