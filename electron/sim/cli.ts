/** `jobwatch sim`: starts the simulator with the demo account, prints how to connect, and runs a scenario. */
import { loadScenario, runScenario } from './scenario';
import { startSimulator, type Simulator } from './server';
import type { SimVersion } from './types';
import { traits } from './versions';

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
  const c = sim.credentials;
  out(`TrueNAS simulator (${sim.version}) listening`);
  if (traits(sim.version).apiVersions === null) out(`  URL:         ${sim.legacyUrl}  (this version has only the legacy endpoint)`);
  else out(`  URL:         ${sim.url}`);
  out(`  Legacy URL:  ${sim.legacyUrl}`);
  out(`  Username:    ${c.username}`);
  out(`  API key:     ${c.apiKey}`);
  out(`  Password:    ${c.password}`);
  out('  (fake demo credentials of this simulator, not secrets)');
  if (sim.fingerprint256) out(`  TLS certificate SHA-256 fingerprint: ${sim.fingerprint256}`);
  out(`  Scenario:    ${scenario.name}`);
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
