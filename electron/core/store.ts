/**
 * A versioned JSON document over a StoragePort: `{ "version": N, "data": … }`, validated by a zod schema, migrated
 * forward one version at a time. Loading never throws and never silently empties: a corrupt, invalid or
 * future-version file is kept aside under a new name, reported as a problem, and replaced by the last good copy
 * (`<name>.bak`) or, failing that, the defaults.
 */
import * as z from './zod';
import type { Clock, Logger, StoragePort } from './ports';
import { silentLogger, systemClock } from './ports';

/** Turns data of version N (the key) into data of version N+1. Throwing marks the file as unmigratable. */
export type Migration = (data: unknown) => unknown;

export interface VersionedStoreOptions<T> {
  storage: StoragePort;
  /** Storage name, e.g. "settings.json". */
  name: string;
  schema: z.core.$ZodType<T>;
  /** The version this build writes; versions start at 1. */
  version: number;
  /** `migrations[n]` upgrades version n to n+1; every step from 1 to version-1 that old files may need. */
  migrations: Readonly<Record<number, Migration>>;
  defaults: () => T;
  clock?: Clock;
  logger?: Logger;
}

export type StoreProblemKind = 'corrupt-json' | 'invalid' | 'future-version' | 'migration-failed' | 'unreadable';

export interface StoreProblem {
  kind: StoreProblemKind;
  /** For people: what was wrong and what Jobwatch did about it. */
  message: string;
  /** Where the bad file was kept, or null when it could not be copied (then the file was left untouched). */
  backupName: string | null;
  recoveredFrom: 'backup' | 'defaults';
}

export interface LoadResult<T> {
  value: T;
  problem: StoreProblem | null;
}

type Decoded<T> = { ok: true; value: T } | { ok: false; kind: StoreProblemKind; message: string };

export class VersionedStore<T> {
  private readonly clock: Clock;
  private readonly logger: Logger;
  /** Serialises every load and save so two writes never interleave and a load never sees a half-done save. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The text of the last version known to be valid: what goes to `.bak` before the next save. */
  private lastGoodText: string | null = null;
  private loaded = false;

  constructor(private readonly options: VersionedStoreOptions<T>) {
    if (!Number.isInteger(options.version) || options.version < 1) throw new RangeError('version must be an integer ≥ 1');
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  get name(): string {
    return this.options.name;
  }

  get backupName(): string {
    return `${this.options.name}.bak`;
  }

  load(): Promise<LoadResult<T>> {
    return this.enqueue(() => this.loadNow());
  }

  /** Validates (rejects with zod's error on an invalid value: a programming error), keeps the previous copy, writes. */
  save(value: T): Promise<void> {
    const parsed = z.safeParse(this.options.schema, value);
    if (!parsed.success) return Promise.reject(parsed.error);
    const data = parsed.data;
    return this.enqueue(() => this.saveNow(data));
  }

  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private encode(data: T): string {
    return `${JSON.stringify({ version: this.options.version, data }, null, 2)}\n`;
  }

  private async saveNow(data: T): Promise<void> {
    if (!this.loaded) {
      // Saving before loading: whatever valid copy is on disk is still the last good one.
      const current = await this.options.storage.read(this.options.name).catch(() => null);
      if (current !== null && this.decode(current).ok) this.lastGoodText = current;
      this.loaded = true;
    }
    if (this.lastGoodText !== null) await this.options.storage.write(this.backupName, this.lastGoodText);
    const text = this.encode(data);
    await this.options.storage.write(this.options.name, text);
    this.lastGoodText = text;
  }

  private async loadNow(): Promise<LoadResult<T>> {
    const { storage, name } = this.options;
    let text: string | null;
    try {
      text = await storage.read(name);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      this.logger.error('store unreadable', { store: name, reason });
      const recovered = await this.fromBackup();
      return {
        value: recovered.value,
        problem: {
          kind: 'unreadable',
          message: `${name} could not be read (${reason}); ${describeRecovery(recovered.from)}`,
          backupName: null,
          recoveredFrom: recovered.from,
        },
      };
    }
    this.loaded = true;
    if (text === null) return { value: this.options.defaults(), problem: null };
    const decoded = this.decode(text);
    if (decoded.ok) {
      this.lastGoodText = text;
      return { value: decoded.value, problem: null };
    }

    const asideName = this.asideName();
    let keptAside: string | null = asideName;
    try {
      await storage.write(asideName, text);
    } catch (err) {
      keptAside = null;
      this.logger.error('could not keep a bad store file aside', {
        store: name,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
    const recovered = await this.fromBackup();
    if (keptAside !== null) {
      // Replace the bad file only once it is safe elsewhere, so the next start is clean and nothing is lost.
      const replacement = this.encode(recovered.value);
      await storage.write(name, replacement).then(
        () => {
          this.lastGoodText = recovered.from === 'backup' ? recovered.text : replacement;
        },
        () => undefined,
      );
    }
    this.logger.warn('store recovered', { store: name, kind: decoded.kind, keptAside, recoveredFrom: recovered.from });
    const where = keptAside ? `the file was kept as ${keptAside}` : 'the file was left as it is';
    return {
      value: recovered.value,
      problem: {
        kind: decoded.kind,
        message: `${name}: ${decoded.message}. ${capitalise(where)}; ${describeRecovery(recovered.from)}`,
        backupName: keptAside,
        recoveredFrom: recovered.from,
      },
    };
  }

  private async fromBackup(): Promise<{ value: T; from: 'backup'; text: string } | { value: T; from: 'defaults' }> {
    const text = await this.options.storage.read(this.backupName).catch(() => null);
    if (text !== null) {
      const decoded = this.decode(text);
      if (decoded.ok) return { value: decoded.value, from: 'backup', text };
    }
    return { value: this.options.defaults(), from: 'defaults' };
  }

  private asideName(): string {
    const stamp = new Date(this.clock.now()).toISOString().replace(/:/g, '-');
    const base = this.options.name.replace(/\.json$/, '');
    return `${base}.corrupt-${stamp}.json`;
  }

  private decode(text: string): Decoded<T> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      return { ok: false, kind: 'corrupt-json', message: `not valid JSON (${err instanceof Error ? err.message : 'parse error'})` };
    }
    if (typeof parsed !== 'object' || parsed === null || !('version' in parsed) || !('data' in parsed)) {
      return { ok: false, kind: 'invalid', message: 'not a Jobwatch file (no version and data)' };
    }
    const version = parsed.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      return { ok: false, kind: 'invalid', message: `unknown format version ${JSON.stringify(version)}` };
    }
    if (version > this.options.version) {
      return {
        ok: false,
        kind: 'future-version',
        message: `written by a newer Jobwatch (format ${version}; this version reads up to ${this.options.version})`,
      };
    }
    let data: unknown = parsed.data;
    for (let v = version; v < this.options.version; v++) {
      const migrate = this.options.migrations[v];
      if (!migrate) return { ok: false, kind: 'migration-failed', message: `no migration from format ${v}` };
      try {
        data = migrate(data);
      } catch (err) {
        return {
          ok: false,
          kind: 'migration-failed',
          message: `could not upgrade from format ${v} (${err instanceof Error ? err.message : String(err)})`,
        };
      }
    }
    const result = z.safeParse(this.options.schema, data);
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
        .join('; ');
      return { ok: false, kind: 'invalid', message: `invalid content (${issues})` };
    }
    return { ok: true, value: result.data };
  }
}

function describeRecovery(from: 'backup' | 'defaults'): string {
  return from === 'backup' ? 'the last good copy was restored.' : 'no good copy was found, so defaults are in use.';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
