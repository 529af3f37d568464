import type { StoragePort } from '../../../electron/core/ports';

/** StoragePort in a Map, with switchable failures, for store tests. */
export class MemoryStorage implements StoragePort {
  readonly files = new Map<string, string>();
  readonly writes: string[] = [];
  failWrites: ((name: string) => boolean) | null = null;
  failReads: ((name: string) => boolean) | null = null;

  async read(name: string): Promise<string | null> {
    if (this.failReads?.(name)) throw new Error(`read of ${name} failed`);
    return this.files.get(name) ?? null;
  }

  async write(name: string, text: string): Promise<void> {
    if (this.failWrites?.(name)) throw new Error(`write of ${name} failed`);
    this.writes.push(name);
    this.files.set(name, text);
  }
}

export const manualClock = (start = Date.UTC(2026, 2, 2, 12, 0, 0)) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};
