// Electron security scan of the sources with electronegativity, run through `npx -y` so its 147 MB stay out of
// the app's dependency tree. The scanner always exits 0 itself, so this script grades its findings and decides:
//   exit 0  no HIGH finding
//   exit 1  at least one HIGH finding (each printed)
//   exit 2  the scanner was fetched but the scan itself failed (a broken gate must not pass)
//   exit 3  the scanner could not be fetched or run: callers must report the scan as skipped, never as passed
// Usage: node scripts/security-scan.mjs [folder ...]   (default: electron)
//
// One scan per folder, through the scanner's own API, whose findings carry their severities. Its file reports
// cannot be trusted for grading: the SARIF has no severity, and the CSV writer starts the header and the rows as
// two unawaited writes (src/util/file.js, writeIssues/writeCsvHeader), so under load the header's truncating
// write can land last and the rows are lost: every finding then read as ungraded, hence HIGH.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SCANNER_NAME = '@doyensec/electronegativity';
export const SCANNER_VERSION = '1.10.3';
export const SCANNER = `${SCANNER_NAME}@${SCANNER_VERSION}`;
export const EXIT_HIGH = 1;
export const EXIT_SCAN_FAILED = 2;
export const EXIT_UNAVAILABLE = 3;
const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];
const CHILD_FLAG = '--inside-npx';

/** The Electron version the checks assume (the sources folder has no package.json to detect it from). */
function electronVersion() {
  return JSON.parse(readFileSync(new URL('../node_modules/electron/package.json', import.meta.url), 'utf8')).version;
}

/** Scans each folder and prints the graded findings; returns the exit code described above. */
export function scan(folders, env = process.env) {
  const work = mkdtempSync(join(tmpdir(), 'jobwatch-electronegativity-'));
  try {
    const findings = [];
    for (const [index, folder] of folders.entries()) {
      const report = join(work, `report-${index}.json`);
      const run = spawnSync(
        'npx',
        ['-y', '--package', SCANNER, '--', 'node', fileURLToPath(import.meta.url), CHILD_FLAG, resolve(folder), report, electronVersion()],
        // Its own folder, so npx resolves the scanner in its cache and never from (or into) this project.
        { cwd: work, encoding: 'utf8', env: { ...env, npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 },
      );
      if (run.status === EXIT_SCAN_FAILED) {
        process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}\n`);
        process.stderr.write(`security scan FAILED: ${SCANNER} could not scan ${folder}; fix the scan before trusting the gate.\n`);
        return EXIT_SCAN_FAILED;
      }
      if (run.status !== 0 || !existsSync(report)) {
        process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}\n`);
        process.stderr.write(
          `security scan SKIPPED: ${SCANNER} could not be fetched or run (exit ${run.status}); check the network or the npm cache.\n`,
        );
        return EXIT_UNAVAILABLE;
      }
      findings.push(...readReport(readFileSync(report, 'utf8')));
    }
    const { exitCode, text } = grade(findings);
    process.stdout.write(text);
    return exitCode;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The findings of one report written by the child below; throws on a report that is not one. */
export function readReport(text) {
  const report = JSON.parse(text);
  if (report?.scanner !== SCANNER || !Array.isArray(report.findings)) throw new Error(`not a ${SCANNER} report`);
  return report.findings;
}

/** The gate's decision and its printout. A finding of unknown severity counts as HIGH: it must not pass silently. */
export function grade(findings) {
  const graded = findings.map((f) => ({ ...f, severity: SEVERITIES.includes(f.severity) ? f.severity : 'HIGH' }));
  const high = graded.filter((f) => f.severity === 'HIGH');
  let text = '';
  for (const f of graded) {
    const location = f.line ? `${f.file}:${f.line}` : f.file;
    text += `${f.severity.padEnd(13)} ${f.rule}  ${location}\n    ${f.description}\n`;
  }
  text += `\nelectronegativity ${SCANNER_VERSION}: ${graded.length} finding(s), ${high.length} HIGH\n`;
  return { exitCode: high.length > 0 ? EXIT_HIGH : 0, findings: graded, text };
}

/** The scanner's package folder as npx installed it: next to the `.bin` folder npx puts first on PATH. */
function findScanner(path) {
  for (const bin of (path ?? '').split(delimiter)) {
    const manifest = join(bin, '..', ...SCANNER_NAME.split('/'), 'package.json');
    if (existsSync(manifest)) return dirname(realpathSync(manifest));
  }
  return null;
}

/** Inside npx: one scan through the scanner's API (dist/runner.js), findings with their severities to `report`. */
async function child(target, report, version) {
  const folder = findScanner(process.env.PATH);
  if (!folder) {
    process.stderr.write(`${SCANNER_NAME} is not on PATH\n`);
    return EXIT_UNAVAILABLE;
  }
  const require = createRequire(join(folder, 'package.json'));
  const manifest = require('./package.json');
  if (manifest.version !== SCANNER_VERSION) {
    process.stderr.write(`${SCANNER_NAME} ${manifest.version} found, ${SCANNER_VERSION} expected\n`);
    return EXIT_SCAN_FAILED;
  }
  try {
    const runner = require(join(folder, manifest.main));
    const run = typeof runner === 'function' ? runner : runner.default;
    const result = await run(
      {
        input: target,
        customScan: [],
        excludeFromScan: [],
        isRelative: false,
        isVerbose: true,
        electronVersionOverride: version,
        parserPlugins: [],
      },
      false,
    );
    const broken = result.errors.filter((e) => !e.tolerable);
    if (broken.length > 0) {
      for (const e of broken) process.stderr.write(`cannot parse ${e.file}: ${e.message}\n`);
      return EXIT_SCAN_FAILED;
    }
    const findings = result.issues.map((issue) => ({
      rule: issue.id,
      severity: issue.severity?.name ?? 'UNKNOWN',
      confidence: issue.confidence?.name ?? 'UNKNOWN',
      file: issue.file,
      line: issue.location?.line ?? 0,
      column: issue.location?.column ?? 0,
      description: issue.description ?? '',
      manualReview: !!issue.manualReview,
    }));
    writeFileSync(report, JSON.stringify({ scanner: SCANNER, electron: version, target, findings }, null, 2));
    return 0;
  } catch (error) {
    process.stderr.write(`${error?.stack ?? error}\n`);
    return EXIT_SCAN_FAILED;
  }
}

// Run as a script (not when imported by the tests).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  if (args[0] === CHILD_FLAG) process.exit(await child(args[1], args[2], args[3]));
  process.exit(scan(args.length > 0 ? args : ['electron']));
}
