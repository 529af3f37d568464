/**
 * The `jobwatch` command: `watch` and `list` follow servers with the platform-free core, `sim` runs the simulator.
 * Bundled to dist/cli.js; bin/jobwatch.js loads it.
 */
import packageJson from '../package.json';

const argv = process.argv.slice(2);
// `jobwatch --version` answers without evaluating the core (the same line ./cli/main prints for it).
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`jobwatch ${packageJson.version}\n`, () => process.exit(0));
} else {
  const { runCli } = await import('./cli/main');
  const code = await runCli(argv, {
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
}
