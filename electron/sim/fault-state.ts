/**
 * What the simulator's parts read of fault injection (is the middleware down, is the client allowlisted, are a
 * job's events lost), and the steady state where nothing is wrong. The demo server runs on the steady state alone,
 * so it loads none of ./faults.
 */
import type { Connections } from './connection';
import type { JobStore, SimJob } from './jobs';

export interface FaultState {
  /** The middleware is restarting (nginx answers 502). */
  readonly down: boolean;
  isAllowlisted(): boolean;
  eventsLost(job: SimJob): boolean;
}

/** What a fault state may act on: the simulator's connections and jobs. */
export interface FaultTarget {
  readonly conns: Connections;
  readonly store: JobStore;
  /** SimulatorOptions.restartDowntimeMs. */
  readonly restartDowntimeMs: number | undefined;
  /** What a restart loses besides jobs and connections: job waits, log downloads, rate-limit windows. */
  forgetServerState(): void;
}

/** Nothing down, every client allowlisted, no event lost. */
export const steadyState: FaultState = {
  down: false,
  isAllowlisted: () => true,
  eventsLost: () => false,
};
