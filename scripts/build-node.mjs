// Bundles the Node-side entry points with esbuild: the CLI, the Electron main process and the preload.
// Entries that do not exist yet are skipped so the build works at every stage of the tree.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const entries = [
  // Node packages stay external: they ship in node_modules (and in app.asar as production dependencies).
  { entryPoints: ['electron/cli.ts'], outfile: 'dist/cli.js', format: 'esm', packages: 'external' },
  { entryPoints: ['electron/main/main.ts'], outfile: 'dist/main/main.js', format: 'esm', packages: 'external', external: ['electron'] },
  // The demo server, loaded by main only when the user starts it (electron/sim/demo-entry.ts).
  { entryPoints: ['electron/sim/demo-entry.ts'], outfile: 'dist/main/demo-server.js', format: 'esm', packages: 'external' },
  // A sandboxed preload can require only `electron` and a few built-ins, so everything else is bundled in.
  { entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'] },
];
for (const entry of entries) {
  if (!existsSync(entry.entryPoints[0])) continue;
  await build({ ...common, ...entry });
}
