#!/usr/bin/env node
// Bundles test/bench/*.bench.ts with esbuild into a temp dir and runs each file in its own
// `node --expose-gc` process (a fresh heap per benchmark), printing plain lines.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const benchDir = join(root, 'test', 'bench');
const filter = process.argv[2];
const entries = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts') && (!filter || name.includes(filter)))
  .sort()
  .map((name) => join(benchDir, name));
if (entries.length === 0) {
  console.error(`no benchmarks in ${benchDir}${filter ? ` matching "${filter}"` : ''}`);
  process.exit(1);
}

const outdir = mkdtempSync(join(tmpdir(), 'jobwatch-bench-'));
let failed = 0;
try {
  await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    // Bundled CommonJS packages (ws) require Node's built-ins; an ESM bundle needs a require for that.
    banner: { js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  for (const entry of entries) {
    const name = basename(entry, '.ts');
    console.log(`# ${name}`);
    const result = spawnSync(process.execPath, ['--expose-gc', join(outdir, `${name}.mjs`)], { stdio: 'inherit' });
    if (result.status !== 0) {
      failed += 1;
      console.log(`${name}: failed (exit ${result.status ?? result.signal})`);
    }
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);
