/**
 * Counts the work done on Maps and Sets while a function runs: every get/has/set/add/delete and every step of an
 * iteration over one. The book and the ledger keep their state in Maps and Sets, so a scan of every job or key
 * shows up here; tests compare counts, never times.
 */
type Method = (...args: unknown[]) => unknown;

const COUNTED_CALLS: ReadonlyArray<[object, string[]]> = [
  [Map.prototype, ['get', 'has', 'set', 'delete']],
  [Set.prototype, ['has', 'add', 'delete']],
];
const COUNTED_ITERATORS: ReadonlyArray<[object, (string | symbol)[]]> = [
  [Map.prototype, ['keys', 'values', 'entries', Symbol.iterator]],
  [Set.prototype, ['keys', 'values', 'entries', Symbol.iterator]],
];

export function countMapWork(run: () => void): number {
  let steps = 0;
  const restore: (() => void)[] = [];
  const patch = (target: object, name: string | symbol, wrap: (original: Method) => Method) => {
    const original = (target as Record<string | symbol, Method>)[name]!;
    Object.defineProperty(target, name, { value: wrap(original), configurable: true, writable: true });
    restore.push(() => Object.defineProperty(target, name, { value: original, configurable: true, writable: true }));
  };
  for (const [target, names] of COUNTED_CALLS) {
    for (const name of names) {
      patch(
        target,
        name,
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            steps += 1;
            return original.apply(this, args);
          },
      );
    }
  }
  for (const [target, names] of COUNTED_ITERATORS) {
    for (const name of names) {
      patch(
        target,
        name,
        (original) =>
          function (this: unknown, ...args: unknown[]) {
            const inner = original.apply(this, args) as Iterator<unknown>;
            const counted: IterableIterator<unknown> = {
              next: () => {
                steps += 1;
                return inner.next();
              },
              [Symbol.iterator]() {
                return counted;
              },
            };
            return counted;
          },
      );
    }
  }
  try {
    run();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return steps;
}
