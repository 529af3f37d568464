/**
 * The interfaces the platform shell implements for the core: storage, secrets, clock, logger.
 * The core never touches the file system, the keyring or the wall clock except through these.
 */

/**
 * Named text blobs (one per store: "settings.json", "profiles.json"…). The Electron app backs this with its own
 * adapter; the CLI with a directory (storage/file-storage.ts).
 */
export interface StoragePort {
  /** The stored text, or null when nothing is stored under that name. */
  read(name: string): Promise<string | null>;
  /** Replaces the text atomically: a reader sees the old text or the new one, never a mix or an empty file. */
  write(name: string, text: string): Promise<void>;
}

/**
 * API keys and passwords, keyed by profile id. Only the core reads them back, to log in; nothing else may.
 * `set` rejects when `available()` is false: secrets are never kept unencrypted as a fallback.
 */
export interface SecretStore {
  available(): boolean;
  /** Why secrets cannot be stored, written for the user; null when `available()`. */
  problem(): string | null;
  set(id: string, secret: string): Promise<void>;
  get(id: string): Promise<string | null>;
  delete(id: string): Promise<void>;
}

export interface Clock {
  /** Desktop time, ms since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Structured, flat fields only: easy to redact and to ship to any log sink. Never put a secret here. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
