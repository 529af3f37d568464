// Bundles the Node-side entry points with esbuild: the CLI, the Electron main process and the preload.
// Entries that do not exist yet are skipped so the build works at every stage of the tree.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

/**
 * zod's namespace export carries every locale's messages (`z.locales`, 259 KiB of the bundle), which no one here uses:
 * zod itself loads only the English one, directly (zod/v4/classic/schemas.js). The bundle keeps that one alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '..', 'locales', 'index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/**
 * Node's built-ins that the CLI's own modules import (`import … from 'node:tls'`) become `require()` calls inside the
 * lazily evaluated module that uses them, instead of ESM imports hoisted to the top of the bundle. An ESM import of a
 * built-in makes Node build its ESM facade, which reads every export: for node:tls that materialises
 * `tls.rootCertificates`, for node:crypto it loads WebCrypto through the `webcrypto` getter; and every built-in the
 * simulator alone uses (node:https, the HTTP server) was loaded for `watch` too. 1 MiB less peak RSS measured
 * (`npm run bench`, cli-e2e). Packages' own `require()` calls already go through `require`.
 */
const builtinsRequired = {
  name: 'builtins-required',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin-required' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'builtin-required' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * The CLI is one minified file with its packages (zod, ws, croner) inside: Node then compiles one script instead of
 * resolving and instantiating a hundred package modules, which measured 5–10 MiB less peak RSS (`npm run bench`,
 * cli-e2e) and a faster start. Only what a command loads on demand stays a package: dbus-next (--notify) and
 * selfsigned (`sim --tls`). Exported so the CLI tests bundle exactly what ships.
 */
export const CLI_BUILD = {
  ...common,
  entryPoints: ['electron/cli.ts'],
  outfile: 'dist/cli.js',
  format: 'esm',
  minify: true,
  external: ['dbus-next', 'selfsigned'],
  plugins: [zodEnglishOnly, builtinsRequired],
  // ws is CommonJS and requires Node's built-ins (so does builtinsRequired); an ESM bundle has no `require` of its own.
  banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
};

const entries = [
  CLI_BUILD,
  // Node packages stay external: they ship in node_modules (and in app.asar as production dependencies).
  { entryPoints: ['electron/main/main.ts'], outfile: 'dist/main/main.js', format: 'esm', packages: 'external', external: ['electron'] },
  // The demo server, loaded by main only when the user starts it (electron/sim/demo-entry.ts).
  { entryPoints: ['electron/sim/demo-entry.ts'], outfile: 'dist/main/demo-server.js', format: 'esm', packages: 'external' },
  // A sandboxed preload can require only `electron` and a few built-ins, so everything else is bundled in.
  { entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'] },
];

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const entry of entries) {
    if (!existsSync(entry.entryPoints[0])) continue;
    await build({ ...common, ...entry });
  }
}
