/** The TrueNAS simulator: a real WebSocket server faithful to the middleware (docs/protocol.md, sim/versions.ts). */
export { startSimulator } from './server';
export type { Simulator } from './server';
export type { CoreSimulator } from './simulator-core';
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
export { loadScenario, parseScenario, runScenario, ScenarioError, SCENARIO_NAMES, JobSpecSchema, ScriptScenarioSchema } from './scenario';
export type { ProgramScenario, Scenario, ScenarioContext, ScenarioStep, ScriptScenario, Fault } from './scenario';
export { demoScenario, seededRandom, cloudSyncProgress } from './demo';
export { runSimCommand } from './cli';
export type { SimCommand, SimCommandOptions } from './cli';
import { runSimCommand } from './cli';
/** The CLI helper, as the CLI engineer wires `jobwatch sim` to it. */
export const SimulatorCli = { runSimCommand };
