/**
 * The status of something the person asked for: busy while it runs, what it did, or why it failed in words.
 * One place for the try / catch / finally that every form and button row of the window needs.
 */
import { errorText } from './api';

export class ActionStatus {
  busy = $state(false);
  /** What the last action did ("Settings saved."), for a role=status line. */
  message = $state('');
  /** Why the last action failed, for a role=alert line; empty when it did not fail. */
  error = $state('');

  /**
   * Runs `action` after clearing the last error (and, unless `keepMessage`, the last message); `done` becomes the
   * message when it succeeds. Resolves true on success, false on failure (never rejects).
   */
  async run(action: () => Promise<unknown>, options: { done?: string; keepMessage?: boolean } = {}): Promise<boolean> {
    this.error = '';
    if (!options.keepMessage) this.message = '';
    this.busy = true;
    try {
      await action();
      if (options.done !== undefined) this.message = options.done;
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Shows a failure that happened outside run (a background reload). */
  fail(error: unknown): void {
    this.error = errorText(error);
  }
}
