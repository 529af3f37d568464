/**
 * The monitor of the desktop app, composed from the shell's ports: saved profiles and secrets as the server
 * directory, the persisted settings driving the notification planner, the persisted failure inbox, the persisted
 * transition ledger and the persisted run history per task (what the insights compare a run with).
 */
import { Monitor, type MonitorOptions, type ServerConnector } from './monitor';
import { createServerConnector } from './connector';
import { NotificationPlanner } from './planner';
import { FailureInbox, createFailureStore } from './failures';
import { RunHistory, createHistoryStore } from './history';
import { PersistedLedger, createLedgerStore } from './persisted-ledger';
import { profileDirectory, profileRules, type ServerRulesAccess } from './profile-directory';
import { ProfilesRepository, createProfilesStore } from './profiles';
import { createSettingsStore, defaultSettings, type Settings } from './settings';
import type { StoreProblem } from './store';
import { silentLogger, type Logger, type SecretStore, type StoragePort } from './ports';
import type { SessionTimings } from './session';
import type { MonitorApi } from './monitor-api';
import { resolveLanguage, translator, type Translator } from './i18n/i18n';

export interface MonitorPorts {
  storage: StoragePort;
  secrets: SecretStore;
  logger?: Logger;
  connector?: ServerConnector;
  now?: () => number;
  timings?: Partial<SessionTimings>;
  /** Told about every persisted file that was corrupt or invalid (already recovered from). */
  onStoreProblem?: (problem: StoreProblem) => void;
  /** The OS's languages, most preferred first: what the language setting 'system' follows (none: English). */
  osLocales?: readonly string[];
}

/** The saved settings, and saving new ones (which the planner follows at once). */
export interface SettingsAccess {
  get(): Settings;
  update(settings: Settings): Promise<Settings>;
}

/** What the desktop shell uses of its monitor: the monitor's API, its persisted settings and each server's rules. */
export interface DesktopMonitorApi extends MonitorApi {
  readonly settings: SettingsAccess;
  readonly serverRules: ServerRulesAccess;
}

/** A Monitor that also owns its persisted settings and the servers' own rules. */
export class DesktopMonitor extends Monitor implements DesktopMonitorApi {
  constructor(
    options: MonitorOptions,
    readonly settings: SettingsAccess,
    readonly serverRules: ServerRulesAccess,
  ) {
    super(options);
  }
}

/** The monitor of the desktop app: everything persisted through the shell's ports. */
export function createMonitor(ports: MonitorPorts): DesktopMonitor {
  const logger = ports.logger ?? silentLogger;
  const report = (problem: StoreProblem | null) => {
    if (!problem) return;
    logger.warn(problem.message, { kind: problem.kind, backup: problem.backupName });
    ports.onStoreProblem?.(problem);
  };
  const settingsStore = createSettingsStore(ports.storage, { logger });
  let settings = defaultSettings();
  const planner = new NotificationPlanner({ settings: settings.notifications });
  /** Notifications and the servers' status lines speak the language setting, from the moment it is saved. */
  const language = (): Translator => translator(resolveLanguage(settings.ui.language, ports.osLocales ?? []));
  const failures = new FailureInbox({ store: createFailureStore(ports.storage, { logger }), logger });
  const ledger = new PersistedLedger(createLedgerStore(ports.storage, logger), logger);
  const history = new RunHistory({ store: createHistoryStore(ports.storage, { logger }), logger });
  const profiles = new ProfilesRepository(createProfilesStore(ports.storage, { logger }), ports.secrets);

  let monitor: DesktopMonitor | null = null;
  const access: SettingsAccess = {
    get: () => settings,
    update: async (next) => {
      await settingsStore.save(next);
      const spoken = planner.translator;
      settings = next;
      planner.setSettings(next.notifications);
      planner.setTranslator(language());
      // The window shows the servers' status lines as sent: a new language sends them again.
      if (planner.translator !== spoken) monitor?.refreshServerViews();
      planner.setPausedUntil(next.notifications.pausedUntil);
      return settings;
    },
  };

  let pauseSaved: Promise<void> = Promise.resolve();
  monitor = new DesktopMonitor(
    {
      connector: ports.connector ?? createServerConnector(),
      directory: profileDirectory(profiles, ports.secrets, planner),
      ledger: () => ledger.current(),
      policy: planner,
      failures,
      history,
      ...(ports.logger ? { logger: ports.logger } : {}),
      ...(ports.now ? { now: ports.now } : {}),
      ...(ports.timings ? { timings: ports.timings } : {}),
      translator: language,
      prepare: async () => {
        const loaded = await settingsStore.load();
        report(loaded.problem);
        settings = loaded.value;
        planner.setSettings(settings.notifications);
        planner.setTranslator(language());
        planner.setPausedUntil(settings.notifications.pausedUntil);
        report(await failures.load());
        report(await ledger.load());
        report(await history.load());
        report(await profiles.problem());
      },
      flush: async () => {
        await Promise.all([ledger.flush(), failures.flush(), pauseSaved]);
      },
      onPausedChange: (until) => {
        // A pause ("until tomorrow") must survive a restart of the app. Saved here only: settings that already
        // hold this pause (saved from the window) are not written again.
        if (settings.notifications.pausedUntil === until) return;
        const next = { ...settings, notifications: { ...settings.notifications, pausedUntil: until } };
        pauseSaved = access.update(next).then(
          () => undefined,
          (err: Error) => logger.error('could not save the pause', { reason: err.message }),
        );
      },
    },
    access,
    profileRules(profiles, planner),
  );
  return monitor;
}
