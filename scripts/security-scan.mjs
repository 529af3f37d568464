// Electron security scan of the sources with electronegativity, run through `npx -y` so its 147 MB stay out of
// the app's dependency tree. It always exits 0 itself, so this script reads its SARIF report and decides:
//   exit 0  no HIGH finding
//   exit 1  at least one HIGH finding (each printed)
//   exit 3  the scanner could not be fetched or run: callers must report the scan as skipped, never as passed
// Usage: node scripts/security-scan.mjs [folder ...]   (default: electron)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const SCANNER = '@doyensec/electronegativity@1.10.3';
export const EXIT_UNAVAILABLE = 3;
// The Electron version the checks assume (the sources folder has no package.json to detect it from).
const ELECTRON_VERSION = JSON.parse(readFileSync(new URL('../node_modules/electron/package.json', import.meta.url), 'utf8')).version;

/** Scans each folder; returns the exit code described above. */
export function scan(folders) {
  const targets = folders.map((t) => resolve(t));
  const work = mkdtempSync(join(tmpdir(), 'jobwatch-electronegativity-'));
  let exitCode = 0;

  try {
    const findings = [];
    for (const [index, target] of targets.entries()) {
      // electronegativity's SARIF carries no severity (only warning/note), so the same scan is also written as CSV,
      // which does; findings come from the SARIF, their severities from the CSV.
      const sarif = join(work, `report-${index}.sarif`);
      const csv = join(work, `report-${index}.csv`);
      let failed = false;
      for (const output of [sarif, csv]) {
        const run = spawnSync(
          'npx',
          ['-y', '--package', SCANNER, '--', 'electronegativity', '-i', target, '-o', output, '-e', ELECTRON_VERSION, '-v', 'false'],
          // Its own folder, so npx resolves the scanner in its cache and never from (or into) this project.
          { cwd: work, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 },
        );
        if (run.status !== 0 || !existsSync(output)) {
          process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}\n`);
          process.stderr.write(`security scan SKIPPED: ${SCANNER} could not be fetched or run (exit ${run.status}).\n`);
          failed = true;
          break;
        }
      }
      if (failed) {
        exitCode = EXIT_UNAVAILABLE;
        break;
      }
      findings.push(...readFindings(readFileSync(sarif, 'utf8'), readSeverities(readFileSync(csv, 'utf8')), target));
    }
    if (exitCode === 0) {
      const high = findings.filter((f) => f.severity === 'HIGH');
      for (const f of findings) process.stdout.write(`${f.severity.padEnd(8)} ${f.rule}  ${f.location}\n    ${f.message}\n`);
      process.stdout.write(`\nelectronegativity: ${findings.length} finding(s), ${high.length} HIGH\n`);
      exitCode = high.length > 0 ? 1 : 0;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return exitCode;
}

// Run as a script (not when imported by the tests).
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exit(scan(process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['electron']));
}

/** Every result of a SARIF report, graded with the severities read from the CSV report of the same scan. */
export function readFindings(sarifText, severities, target) {
  const report = JSON.parse(sarifText);
  const out = [];
  for (const run of report.runs ?? []) {
    const rules = new Map();
    for (const rule of run.tool?.driver?.rules ?? []) rules.set(rule.id, rule);
    for (const result of run.results ?? []) {
      const rule = rules.get(result.ruleId) ?? run.tool?.driver?.rules?.[result.ruleIndex] ?? {};
      const where = result.locations?.[0]?.physicalLocation;
      const file = where?.artifactLocation?.uri ?? target;
      const line = where?.region?.startLine;
      // Unknown severity counts as HIGH: a finding the script cannot grade must not pass silently.
      const severity = severities.get(`${result.ruleId}|${line}`) ?? severities.get(result.ruleId) ?? 'HIGH';
      out.push({
        rule: result.ruleId ?? rule.id ?? '?',
        severity,
        message: result.message?.text ?? rule.shortDescription?.text ?? '',
        location: line ? `${file}:${line}` : file,
      });
    }
  }
  return out;
}

/** rule|line → severity and rule → highest severity, from electronegativity's CSV report. */
export function readSeverities(csvText) {
  const rank = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };
  const map = new Map();
  const rows = parseCsv(csvText).slice(1);
  for (const [rule, severity, , , location] of rows) {
    if (!rule || !severity) continue;
    const line = Number(String(location).split(':')[0]);
    // SARIF puts global checks (line 0 in the CSV) on line 1.
    map.set(`${rule}|${Math.max(1, line)}`, severity);
    const worst = map.get(rule);
    if (worst === undefined || (rank[severity] ?? 3) > (rank[worst] ?? 3)) map.set(rule, severity);
  }
  return map;
}

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
