/**
 * The app's narrow door to the simulator: the endless demo on loopback, plain ws://, nothing else. Bundled on its
 * own (dist/main/demo-server.js) and loaded by the main process only when the user starts the demo server, so the
 * privileged main bundle neither holds nor parses the simulator, and its TLS certificate generation (selfsigned)
 * is not shipped. It starts the simulator core on its steady fault state and runs the demo scenario directly, so
 * neither fault injection (./faults) nor the scenario machinery (./scenario, ./cli) is in the bundle.
 */
import { printBanner } from './banner';
import { demoScenario } from './demo';
import { startCoreSimulator, type CoreSimulator } from './simulator-core';

export interface DemoCommandOptions {
  host: '127.0.0.1';
  port: number;
  scenario: 'demo';
}

/** Like `jobwatch sim`'s SimCommand, on a simulator without fault injection. */
export interface DemoCommand {
  simulator: CoreSimulator;
  /** Stops the demo and the server. */
  close(): Promise<void>;
  /** Settles when the demo ends (when closed, or if it fails). */
  done: Promise<void>;
}

export async function runDemoServer(options: DemoCommandOptions, out: (line: string) => void): Promise<DemoCommand> {
  const scenario = demoScenario();
  const sim = await startCoreSimulator({ port: options.port, host: options.host, tls: false });
  printBanner(sim, scenario.name, out);
  const abort = new AbortController();
  // As runScenario runs a program scenario: seed 1, and an abort ends it quietly.
  const run = async () => {
    try {
      await scenario.run(sim, { signal: abort.signal, seed: 1 });
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    }
  };
  const done = run().then(
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
