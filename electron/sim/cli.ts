/** `jobwatch sim`: starts the simulator with the demo account, prints how to connect, and runs a scenario. */
import { printBanner } from './banner';
import { loadScenario, runScenario } from './scenario';
import { startSimulator, type Simulator } from './server';
import type { SimVersion } from './types';

export interface SimCommandOptions {
  port?: number;
  host?: string;
  tls?: boolean;
  /** Named scenario or JSON file; default "demo". */
  scenario?: string;
  version?: SimVersion;
  speed?: number;
  seed?: number;
}

export interface SimCommand {
  simulator: Simulator;
  /** Stops the scenario and the server. */
  close(): Promise<void>;
  /** Settles when the scenario ends (never for the demo until closed). */
  done: Promise<void>;
}

export async function runSimCommand(options: SimCommandOptions, out: (line: string) => void): Promise<SimCommand> {
  const scenario = await loadScenario(options.scenario ?? 'demo');
  const sim = await startSimulator({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    tls: options.tls ?? false,
    ...(options.version ? { version: options.version } : {}),
    ...(options.speed ? { speed: options.speed } : {}),
  });
  printBanner(sim, scenario.name, out);
  const abort = new AbortController();
  const done = runScenario(sim, scenario, { signal: abort.signal, ...(options.seed !== undefined ? { seed: options.seed } : {}) }).then(
    () => {
      if (!abort.signal.aborted) out(`Scenario ${scenario.name} finished; the simulator keeps running.`);
    },
    (e: unknown) => out(`Scenario ${scenario.name} failed: ${(e as Error).message}`),
  );
  return {
    simulator: sim,
    done,
    async close() {
      abort.abort();
      await done;
      await sim.close();
    },
  };
}
