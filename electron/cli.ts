/**
 * The `jobwatch` command: `watch` and `list` follow servers with the platform-free core, `sim` runs the simulator.
 * Bundled to dist/cli.js; bin/jobwatch.js loads it.
 */
import { runCli } from './cli/main';

const code = await runCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
  onSignal: (handler) => {
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  },
});
// Sockets and timers are closed by then; exit explicitly so a stray handle cannot keep the process alive, once
// everything written to stdout has been flushed (pipes may be asynchronous).
process.stdout.write('', () => process.exit(code));
