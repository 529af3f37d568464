/**
 * The built-in demo server for a first run: the simulator's endless demo scenario on loopback, added (or, on a
 * later launch, re-pointed) as the server "Demo server" so a new user sees jobs flowing within seconds.
 * Its credentials are the simulator's fake demo account, not a user's secret.
 */
import type { MonitorApi, ServerDraft } from '../core/monitor-api';
import type { CoreSimulator, SimCommandOptions } from '../sim/index';

export const DEMO_SERVER_NAME = 'Demo server';

/** What the demo uses of a started simulator command: the app's demo bundle has no fault injection. */
export interface DemoSimCommand {
  readonly simulator: Pick<CoreSimulator, 'url' | 'credentials'>;
  close(): Promise<void>;
}

export type RunSimCommand = (options: SimCommandOptions, out: (line: string) => void) => Promise<DemoSimCommand>;

export interface DemoServer {
  readonly url: string;
  readonly serverId: string;
  close(): Promise<void>;
}

export async function startDemoServer(
  runSimCommand: RunSimCommand,
  monitor: Pick<MonitorApi, 'snapshot' | 'addServer' | 'updateServer'>,
  log: (line: string) => void = () => undefined,
): Promise<DemoServer> {
  // Loopback only, a fresh port each launch: nothing on the network can reach it.
  const command = await runSimCommand({ host: '127.0.0.1', port: 0, scenario: 'demo' }, log);
  const sim = command.simulator;
  try {
    const draft: ServerDraft = {
      name: DEMO_SERVER_NAME,
      url: sim.url,
      auth: { method: 'api-key', username: sim.credentials.username },
      fingerprint256: null,
    };
    const existing = monitor.snapshot().servers.find((s) => s.name === DEMO_SERVER_NAME);
    const view = existing
      ? await monitor.updateServer(existing.id, draft, sim.credentials.apiKey)
      : await monitor.addServer(draft, sim.credentials.apiKey);
    return { url: sim.url, serverId: view.id, close: () => command.close() };
  } catch (err) {
    await command.close();
    throw err;
  }
}
