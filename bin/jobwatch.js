#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/cli.js by `npm run build` (also run by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('jobwatch: the CLI is not built yet. Run `npm run build` (or `npm install`) first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
