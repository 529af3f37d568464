// The whole test suite, as CI runs it: build, type checks, lint, layers, formatting, Vitest (unit, integration,
// shell), Playwright (e2e).
// Ends with one plain line `N passed, N failed, N skipped` summed from the runners' JSON reports; a step that
// fails outside any test (build, type check) counts as one failed test so the line never hides it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const out = '.ci-out';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function run(label, cmd, args, env = {}) {
  process.stdout.write(`\n=== ${label}: ${cmd} ${args.join(' ')}\n`);
  const res = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0', ...env } });
  return res.status === 0;
}

function step(label, cmd, args) {
  if (!run(label, cmd, args)) {
    totals.failed += 1;
    failures.push(label);
  }
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

step('build', 'npm', ['run', 'build', '--silent']);
step('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (existsSync('renderer/tsconfig.json')) {
  step('svelte-check', 'npx', ['svelte-check', '--tsconfig', 'renderer/tsconfig.json', '--fail-on-warnings']);
}
// The structure keeps itself: lint with type information, the layers and no import cycles, one formatting.
step('lint', 'npx', ['eslint', '.']);
step('layers and cycles', 'npx', ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'electron', 'renderer/src']);
step('formatting', 'npx', ['prettier', '--check', '.']);

/** Runs one Vitest configuration and adds its JSON report to the totals. */
function vitestRun(label, extraArgs, report) {
  const ok = run(label, 'npx', ['vitest', 'run', ...extraArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  const result = readJson(report);
  if (!result) {
    totals.failed += 1;
    failures.push(`${label} produced no report`);
    return;
  }
  totals.passed += result.numPassedTests ?? 0;
  totals.failed += result.numFailedTests ?? 0;
  totals.skipped += (result.numPendingTests ?? 0) + (result.numTodoTests ?? 0);
  // A suite that failed to load has no tests to count, but still fails the run.
  const brokenSuites = (result.testResults ?? []).filter((s) => s.status === 'failed' && (s.assertionResults ?? []).length === 0);
  if (brokenSuites.length > 0) {
    totals.failed += brokenSuites.length;
    failures.push(...brokenSuites.map((s) => `suite ${s.name}`));
  }
  if (!ok && (result.numFailedTests ?? 0) === 0 && brokenSuites.length === 0) {
    totals.failed += 1;
    failures.push(`${label} exited non-zero`);
  }
}

vitestRun('vitest', [], `${out}/vitest.json`);
if (existsSync('vitest.renderer.config.ts')) {
  vitestRun('vitest (renderer)', ['--config', 'vitest.renderer.config.ts'], `${out}/vitest-renderer.json`);
}

if (existsSync('playwright.config.ts')) {
  const pwOk = run('playwright', 'npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/playwright.json`,
  });
  const pw = readJson(`${out}/playwright.json`);
  if (pw?.stats) {
    totals.passed += (pw.stats.expected ?? 0) + (pw.stats.flaky ?? 0);
    totals.failed += pw.stats.unexpected ?? 0;
    totals.skipped += pw.stats.skipped ?? 0;
    if (!pwOk && (pw.stats.unexpected ?? 0) === 0) {
      totals.failed += 1;
      failures.push('playwright exited non-zero');
    }
  } else {
    totals.failed += 1;
    failures.push('playwright produced no report');
  }
}

if (failures.length > 0) process.stdout.write(`\nFailed steps: ${failures.join(', ')}\n`);
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(totals.failed > 0 ? 1 : 0);
