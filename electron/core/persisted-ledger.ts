/**
 * The transition ledger kept in a store: loaded once, saved shortly after each change and on stop, so an app
 * restart reports nothing twice and catches up the rest.
 */
import * as z from './zod';
import { LedgerJsonSchema, LedgerFormatError, TransitionLedger, type TransitionLedgerOptions } from './ledger';
import { VersionedStore, type StoreProblem } from './store';
import { silentLogger, type Logger, type StoragePort } from './ports';

export const LEDGER_FILE = 'ledger.json';
export const LEDGER_VERSION = 1;
const LEDGER_SAVE_DELAY_MS = 1_000;

export function createLedgerStore(
  storage: StoragePort,
  logger: Logger = silentLogger,
): VersionedStore<z.infer<typeof LedgerJsonSchema> | null> {
  return new VersionedStore({
    storage,
    name: LEDGER_FILE,
    schema: z.nullable(LedgerJsonSchema),
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
