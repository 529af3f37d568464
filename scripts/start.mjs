// `npm start`: builds the app and launches it in Electron. Where the Electron binary could not be downloaded
// (as on machines without access to its release host), says so in one message and points to the headless CLI.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

function electronBinary() {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

// Electron (42+) downloads its binary on first use rather than at install: do that now, once, if it is missing.
function downloadElectron() {
  try {
    const installer = join(dirname(createRequire(import.meta.url).resolve('electron/package.json')), 'install.js');
    process.stdout.write('Downloading the Electron binary (first start)…\n');
    const result = spawnSync(process.execPath, [installer], { encoding: 'utf8', timeout: 10 * 60_000 });
    // The installer's own stack trace is noise here: keep its first error line for the message below.
    return result.status === 0
      ? null
      : (`${result.stderr}`.split('\n').find((line) => /error/i.test(line)) ?? 'the download failed').trim();
  } catch (err) {
    return err.message;
  }
}

let binary = electronBinary();
let downloadProblem = null;
if (!binary && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '1') {
  downloadProblem = downloadElectron();
  binary = electronBinary();
}
if (!binary) {
  process.stderr.write(
    `The Electron binary is not installed on this machine (${downloadProblem ? `download failed: ${downloadProblem}` : 'its download was skipped'}), so the desktop app cannot start.\n` +
      'Everything else runs without it: try the headless CLI with its built-in demo server:\n' +
      '  npx jobwatch sim       # in one terminal: a simulated TrueNAS server; prints its URL and demo API key\n' +
      '  JOBWATCH_API_KEY=<the demo API key> npx jobwatch watch --url ws://127.0.0.1:6000/api/current --username demo --api-key-env JOBWATCH_API_KEY\n' +
      'To get the desktop app, install Electron where its download is reachable: `npx install-electron`.\n',
  );
  process.exit(1);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
