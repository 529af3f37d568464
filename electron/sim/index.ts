/** The TrueNAS simulator: a real WebSocket server faithful to /work/shared/truenas-protocol.md. */
export { startSimulator } from './server';
export type { Simulator } from './server';
export { ManualClock, realClock } from './clock';
export { DEMO_API_KEY, DEMO_PASSWORD, DEMO_USER, DEFAULT_USERS } from './auth';
export { SIM_VERSIONS } from './types';
export type {
  JobSpec,
  JobStateWire,
  Outcome,
  ProgressStep,
  SimClock,
  SimCredentials,
  SimJobHandle,
  SimStats,
  SimUser,
  SimVersion,
  SimulatorOptions,
  StartedBy,
  WireJob,
} from './types';
