/**
 * The electronegativity gate: its grading (on a saved report of a deliberately insecure app, as the scan writes
 * it), the "skipped, never passed" path when the scanner cannot be fetched, and the real scans through npx. When
 * the scanner cannot be fetched, those tests are reported as skipped, never passed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Finding {
  rule: string;
  severity: string;
  file: string;
  line: number;
  description: string;
}
interface ScanModule {
  readReport(text: string): Finding[];
  grade(findings: Finding[]): { exitCode: number; findings: Finding[]; text: string };
  EXIT_HIGH: number;
  EXIT_UNAVAILABLE: number;
}

const fixtures = join(import.meta.dirname, 'fixtures');
const load = async () => (await import(join(process.cwd(), 'scripts', 'security-scan.mjs'))) as ScanModule;

function runScan(args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(process.execPath, ['scripts/security-scan.mjs', ...args], {
    cwd: process.cwd(),
    encoding: 'utf8',
    env,
    timeout: 170_000,
  });
}

function insecureApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobwatch-insecure-'));
  copyFileSync(join(fixtures, 'insecure-app', 'main.ts.txt'), join(dir, 'main.ts'));
  return dir;
}

describe('security scan grading', () => {
  it('fails the gate on the HIGH findings of a saved report, graded by the scanner itself', async () => {
    const scan = await load();
    const findings = scan.readReport(readFileSync(join(fixtures, 'electronegativity-insecure-app.json'), 'utf8'));
    expect(findings).toHaveLength(10);
    const verdict = scan.grade(findings);
    expect(verdict.exitCode).toBe(scan.EXIT_HIGH);
    expect(
      verdict.findings
        .filter((f) => f.severity === 'HIGH')
        .map((f) => f.rule)
        .sort(),
    ).toEqual(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']);
    expect(verdict.text).toMatch(/10 finding\(s\), 2 HIGH/);
  });

  it('passes a report without HIGH findings', async () => {
    const scan = await load();
    const findings = scan.readReport(readFileSync(join(fixtures, 'electronegativity-insecure-app.json'), 'utf8'));
    expect(scan.grade(findings.filter((f) => f.severity !== 'HIGH')).exitCode).toBe(0);
  });

  it('treats a finding it cannot grade as HIGH', async () => {
    const scan = await load();
    const verdict = scan.grade([{ rule: 'NEW_CHECK', severity: 'SEVERE', file: 'x', line: 1, description: '' }]);
    expect(verdict.findings[0]?.severity).toBe('HIGH');
    expect(verdict.exitCode).toBe(scan.EXIT_HIGH);
  });

  it('rejects a report that is not the pinned scanner’s', async () => {
    const scan = await load();
    expect(() => scan.readReport(JSON.stringify({ scanner: '@doyensec/electronegativity@1.9.0', findings: [] }))).toThrow(/not a/);
  });

  it('reports the scan as skipped (exit 3), not passed, when the scanner cannot be fetched', async () => {
    const scan = await load();
    // An empty npm cache in offline mode: npx cannot fetch anything.
    const cache = mkdtempSync(join(tmpdir(), 'jobwatch-empty-npm-cache-'));
    const run = runScan([insecureApp()], { ...process.env, npm_config_offline: 'true', npm_config_cache: cache });
    expect(run.status, run.stdout + run.stderr).toBe(scan.EXIT_UNAVAILABLE);
    expect(run.stderr).toMatch(/SKIPPED/);
  });
});

describe('security scan of the sources (electronegativity via npx)', () => {
  it('fails on an insecure app', async (ctx) => {
    const run = runScan([insecureApp()]);
    if (run.status === (await load()).EXIT_UNAVAILABLE) ctx.skip();
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/HIGH +CONTEXT_ISOLATION_JS_CHECK/);
    expect(run.stdout).toMatch(/10 finding\(s\), 2 HIGH/);
  }, 180_000);

  it('finds no HIGH issue in electron/', async (ctx) => {
    const run = runScan(['electron']);
    if (run.status === (await load()).EXIT_UNAVAILABLE) ctx.skip();
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/ 0 HIGH/);
  }, 180_000);
});
