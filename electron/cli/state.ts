/**
 * What `jobwatch watch` keeps between runs when given --state-dir (the transition ledger, the unacknowledged
 * failures, the run history), the notification rules from --rules, and the desktop notifier for --notify.
 */
import { readFile } from 'node:fs/promises';
import type * as z from '../core/zod';
import { TransitionLedger } from '../core/ledger';
import { NotificationPlanner } from '../core/planner';
import { FailureInbox, createFailureStore } from '../core/failures';
import { RunHistory, createHistoryStore } from '../core/history';
import { NotificationSettingsSchema, SettingsSchema, type NotificationSettings } from '../core/settings';
import { FileStorage } from '../core/storage/file-storage';
import { PersistedLedger, createLedgerStore } from '../core/persisted-ledger';
import type { NotificationView } from '../core/view';
import { translator, type UiLanguage } from '../core/i18n/i18n';

export interface CliStateOptions {
  stateDir?: string;
  rulesFile?: string;
  /** The words of notifications (--language); English when absent. */
  language?: UiLanguage;
  notify: boolean;
  warn: (message: string) => void;
  /** Sends a desktop notification (D-Bus on Linux); given by the caller when --notify is set. */
  createNotifier?: () => Promise<{ notify(n: NotificationView): Promise<unknown>; close(): Promise<void> | void }>;
}

export interface CliState {
  ledger: TransitionLedger;
  policy: NotificationPlanner;
  silentPolicy: NotificationPlanner;
  failures: FailureInbox;
  /** The run history per task, for insights (kept in --state-dir). */
  history: RunHistory;
  notify(notification: NotificationView): Promise<void>;
  close(): Promise<void>;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

/** A rules file holds either the app's whole settings or just its `notifications` part. */
export async function loadRulesFile(path: string): Promise<NotificationSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the rules file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`the rules file ${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const whole = typeof json === 'object' && json !== null && 'notifications' in json;
  const parsed = whole ? SettingsSchema.safeParse(json) : NotificationSettingsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`the rules file ${path} is invalid: ${describeIssues(parsed.error)}`);
  return 'notifications' in parsed.data ? parsed.data.notifications : parsed.data;
}

export async function openCliState(options: CliStateOptions): Promise<CliState> {
  const settings = options.rulesFile ? await loadRulesFile(options.rulesFile) : NotificationSettingsSchema.parse({});
  const words = translator(options.language ?? 'en');
  const policy = new NotificationPlanner({ settings, translator: words });
  const silentPolicy = new NotificationPlanner({ settings, translator: words });

  let ledger = new TransitionLedger();
  let persisted: PersistedLedger | null = null;
  let failures = new FailureInbox({ store: null });
  let history = new RunHistory({ store: null });
  if (options.stateDir) {
    const storage = new FileStorage(options.stateDir);
    persisted = new PersistedLedger(createLedgerStore(storage));
    const ledgerProblem = await persisted.load();
    if (ledgerProblem) options.warn(ledgerProblem.message);
    ledger = persisted.current();
    failures = new FailureInbox({ store: createFailureStore(storage) });
    const failuresProblem = await failures.load();
    if (failuresProblem) options.warn(failuresProblem.message);
    history = new RunHistory({ store: createHistoryStore(storage) });
    const historyProblem = await history.load();
    if (historyProblem) options.warn(historyProblem.message);
  }

  let notifier: Awaited<ReturnType<NonNullable<CliStateOptions['createNotifier']>>> | null = null;
  if (options.notify && options.createNotifier) notifier = await options.createNotifier();

  return {
    ledger,
    policy,
    silentPolicy,
    failures,
    history,
    notify: async (notification) => {
      await notifier?.notify(notification);
    },
    close: async () => {
      await persisted?.flush();
      await failures.flush();
      await history.flush();
      await notifier?.close();
    },
  };
}
