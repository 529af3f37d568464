/**
 * The app's narrow door to the simulator: the endless demo on loopback, plain ws://, nothing else. Bundled on its
 * own (dist/main/demo-server.js) and loaded by the main process only when the user starts the demo server, so the
 * privileged main bundle neither holds nor parses the simulator, and its TLS certificate generation (selfsigned)
 * is not shipped.
 */
import { runSimCommand, type SimCommand } from './cli';

export interface DemoCommandOptions {
  host: '127.0.0.1';
  port: number;
  scenario: 'demo';
}

export function runDemoServer(options: DemoCommandOptions, out: (line: string) => void): Promise<SimCommand> {
  return runSimCommand({ host: options.host, port: options.port, scenario: options.scenario, tls: false }, out);
}
