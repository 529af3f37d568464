/**
 * Builds a Monitor from the shell's ports: saved profiles and secrets as the server directory, the persisted
 * settings driving the notification planner, the persisted failure inbox, and the persisted transition ledger
 * (saved shortly after each change and on stop, so an app restart reports nothing twice and catches up the rest),
 * and the persisted run history per task (what the insights compare a run with).
 */
import { z } from 'zod';
import { Monitor, type ServerConnector, type ServerDirectory, type ServerTarget } from './monitor';
import { createServerConnector } from './connector';
import { LedgerJsonSchema, LedgerFormatError, TransitionLedger, type TransitionLedgerOptions } from './ledger';
import { NotificationPlanner } from './planner';
import { FailureInbox, createFailureStore } from './failures';
import { RunHistory, createHistoryStore } from './history';
import { ProfilesRepository, createProfilesStore, profileServerPrefs, type Profile } from './profiles';
import { createSettingsStore, defaultSettings, type Settings } from './settings';
import { VersionedStore, type StoreProblem } from './store';
import { silentLogger, type Logger, type SecretStore, type StoragePort } from './ports';
import type { SessionTimings } from './session';

export const LEDGER_FILE = 'ledger.json';
export const LEDGER_VERSION = 1;
const LEDGER_SAVE_DELAY_MS = 1_000;

export interface MonitorPorts {
  storage: StoragePort;
  secrets: SecretStore;
  logger?: Logger;
  connector?: ServerConnector;
  now?: () => number;
  timings?: Partial<SessionTimings>;
  /** Told about every persisted file that was corrupt or invalid (already recovered from). */
  onStoreProblem?: (problem: StoreProblem) => void;
}

export function createLedgerStore(storage: StoragePort, logger: Logger = silentLogger): VersionedStore<z.infer<typeof LedgerJsonSchema> | null> {
  return new VersionedStore({
    storage,
    name: LEDGER_FILE,
    schema: LedgerJsonSchema.nullable(),
    version: LEDGER_VERSION,
    migrations: {},
    defaults: () => null,
    logger,
  });
}

/**
 * Keeps a ledger in a store: loads it once, saves it a moment after changes, and on flush. The ledger's bound is
 * this app's (`ledgerOptions`), never the one written in the file: a file saved with a larger bound, or holding
 * more keys than ours, is trimmed on load (raising its floor, so nothing it settled is reported again) and written
 * back trimmed at the next save.
 */
export class PersistedLedger {
  private ledger: TransitionLedger;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: () => void = () => {};
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: VersionedStore<z.infer<typeof LedgerJsonSchema> | null>,
    private readonly logger: Logger = silentLogger,
    private readonly delayMs = LEDGER_SAVE_DELAY_MS,
    private readonly ledgerOptions: TransitionLedgerOptions = {},
  ) {
    this.ledger = new TransitionLedger(ledgerOptions);
  }

  current(): TransitionLedger {
    return this.ledger;
  }

  async load(): Promise<StoreProblem | null> {
    const { value, problem } = await this.store.load();
    try {
      if (value) this.ledger = TransitionLedger.fromJSON(value, this.ledgerOptions);
    } catch (err) {
      // The schema passed but the ledger refused it: start empty (first snapshot seeds silently, nothing replayed).
      if (!(err instanceof LedgerFormatError)) throw err;
      this.logger.warn('ledger unusable, starting fresh', { reason: err.message });
    }
    this.unsubscribe();
    this.unsubscribe = this.ledger.onChange(() => this.schedule());
    return problem;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.delayMs);
  }

  private save(): Promise<void> {
    this.saving = this.saving
      .then(() => this.store.save(this.ledger.toJSON()))
      .catch((err: unknown) => this.logger.error('could not save the ledger', { reason: (err as Error).message }));
    return this.saving;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.save();
  }
}

function targetOf(profile: Profile): ServerTarget {
  return {
    id: profile.id,
    name: profile.name,
    url: profile.url,
    auth: { method: profile.auth.method, username: profile.auth.username ?? '', allowInsecurePassword: profile.auth.allowInsecurePassword },
    fingerprint256: profile.fingerprint256,
    muted: profile.muted,
    mutedUntil: profile.mutedUntil,
    compression: profile.compression,
  };
}

/** Saved profiles (and their secrets) as the monitor's server directory. */
export function profileDirectory(profiles: ProfilesRepository, secrets: SecretStore, planner?: NotificationPlanner): ServerDirectory {
  return {
    list: async () => {
      const all = await profiles.list();
      for (const profile of all) planner?.setServer(profile.id, profileServerPrefs(profile));
      return all.map(targetOf);
    },
    secret: (id) => secrets.get(id),
    save: async (target, secret) => {
      const existing = await profiles.get(target.id);
      const saved = await profiles.save(
        {
          id: target.id,
          name: target.name,
          url: target.url,
          auth: { method: target.auth.method, username: target.auth.username || null, allowInsecurePassword: target.auth.allowInsecurePassword === true },
          fingerprint256: target.fingerprint256,
          muted: target.muted,
          mutedUntil: target.mutedUntil,
          methodRules: existing?.methodRules ?? [],
          compression: target.compression ?? existing?.compression ?? false,
        },
        // null from the monitor means "keep the saved secret".
        ...(secret === null ? [] : [secret]),
      );
      planner?.setServer(saved.id, profileServerPrefs(saved));
    },
    remove: async (id) => {
      await profiles.remove(id);
      planner?.removeServer(id);
    },
  };
}

export interface SettingsAccess {
  get(): Settings;
  update(settings: Settings): Promise<Settings>;
}

/** The monitor of the desktop app: everything persisted through the shell's ports. */
export function createMonitor(ports: MonitorPorts): Monitor & { settings: SettingsAccess } {
  const logger = ports.logger ?? silentLogger;
  const report = (problem: StoreProblem | null) => {
    if (!problem) return;
    logger.warn(problem.message, { kind: problem.kind, backup: problem.backupName });
    ports.onStoreProblem?.(problem);
  };
  const settingsStore = createSettingsStore(ports.storage, { logger });
  let settings = defaultSettings();
  const planner = new NotificationPlanner({ settings: settings.notifications });
  const failures = new FailureInbox({ store: createFailureStore(ports.storage, { logger }), logger });
  const ledger = new PersistedLedger(createLedgerStore(ports.storage, logger), logger);
  const history = new RunHistory({ store: createHistoryStore(ports.storage, { logger }), logger });
  const profiles = new ProfilesRepository(createProfilesStore(ports.storage, { logger }), ports.secrets);

  let pauseSaved: Promise<void> = Promise.resolve();
  const monitor = new Monitor({
    connector: ports.connector ?? createServerConnector(),
    directory: profileDirectory(profiles, ports.secrets, planner),
    ledger: () => ledger.current(),
    policy: planner,
    failures,
    history,
    ...(ports.logger ? { logger: ports.logger } : {}),
    ...(ports.now ? { now: ports.now } : {}),
    ...(ports.timings ? { timings: ports.timings } : {}),
    prepare: async () => {
      const loaded = await settingsStore.load();
      report(loaded.problem);
      settings = loaded.value;
      planner.setSettings(settings.notifications);
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
      // A pause ("until tomorrow") must survive a restart of the app.
      const next = { ...settings, notifications: { ...settings.notifications, pausedUntil: until } };
      pauseSaved = access.update(next).then(
        () => undefined,
        (err: Error) => logger.error('could not save the pause', { reason: err.message }),
      );
    },
  });

  const access: SettingsAccess = {
    get: () => settings,
    update: async (next) => {
      await settingsStore.save(next);
      settings = next;
      planner.setSettings(next.notifications);
      planner.setPausedUntil(next.notifications.pausedUntil);
      return settings;
    },
  };
  return Object.assign(monitor, { settings: access });
}
