/**
 * StoragePort over one directory (the CLI's --state-dir). Files are private to the user (0600 in a 0700
 * directory: profiles name servers and users even though they hold no secret) and replaced atomically: write a
 * temporary file, flush it to disk, rename it over the old one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoragePort } from '../ports';

/** Plain file names only: a name can never climb out of the directory or hide as a dotfile. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export class FileStorage implements StoragePort {
  private ready: Promise<void> | null = null;
  /** One write at a time per name, in call order: the last write wins, as callers expect. */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(readonly directory: string) {}

  async read(name: string): Promise<string | null> {
    try {
      return await readFile(this.pathOf(name), 'utf8');
    } catch (err) {
      if (isCode(err, 'ENOENT')) return null;
      throw err;
    }
  }

  write(name: string, text: string): Promise<void> {
    let path: string;
    try {
      path = this.pathOf(name);
    } catch (err) {
      return Promise.reject(err);
    }
    const previous = this.writes.get(name) ?? Promise.resolve();
    const run = previous.then(
      () => this.writeNow(path, text),
      () => this.writeNow(path, text),
    );
    const settled = run.catch(() => undefined);
    this.writes.set(name, settled);
    void settled.then(() => {
      if (this.writes.get(name) === settled) this.writes.delete(name);
    });
    return run;
  }

  private async writeNow(path: string, text: string): Promise<void> {
    await this.ensureDirectory();
    const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } catch (err) {
      await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    try {
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  private ensureDirectory(): Promise<void> {
    this.ready ??= mkdir(this.directory, { recursive: true, mode: 0o700 }).then(
      () => undefined,
      (err: unknown) => {
        this.ready = null;
        throw err;
      },
    );
    return this.ready;
  }

  private pathOf(name: string): string {
    if (!NAME.test(name)) throw new RangeError(`Not a storage name: ${JSON.stringify(name)}`);
    return join(this.directory, name);
  }
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}
