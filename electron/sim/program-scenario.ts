/**
 * What a scenario written as code is (the demo, insights), and the helper they share: in a module of its own, so
 * ./scenario can list them by name and they need nothing of it.
 */
import type { Simulator } from './server';
import type { CoreSimulator } from './simulator-core';

export interface ScenarioContext {
  signal: AbortSignal;
  seed: number;
}

/** A scenario written as code (the demo); `S` narrows the simulator it needs (the demo injects no faults). */
export interface ProgramScenario<S extends CoreSimulator = Simulator> {
  name: string;
  description: string;
  run(sim: S, ctx: ScenarioContext): Promise<void>;
}

/** Settles like `p`, or rejects when `signal` aborts first; never leaves a listener behind. */
export function unlessAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
