#!/usr/bin/env node
// Thin launcher: the CLI is bundled to dist/cli.js by `npm run build` (also run by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// Keep V8's young generation at its first size (1 MiB per semi-space) instead of letting it grow to 16 MiB: a watcher
// that follows a stream allocates steadily but keeps little, and the grown semi-spaces stayed resident (peak RSS
// measured in `npm run bench`, cli-e2e). Set before anything is loaded; this flag is read at each scavenge.
setFlagsFromString('--semi-space-growth-factor=1');

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('jobwatch: the CLI is not built yet. Run `npm run build` (or `npm install`) first.\n');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
