/**
 * What the shipped CLI bundle carries. zod classic evaluates every schema kind with its chained methods when loaded,
 * about 4 MiB of the CLI's peak RSS (`npm run bench`, cli-e2e); the core and the CLI use zod's functional build
 * through electron/core/zod.ts instead, and one classic import anywhere the CLI reaches would bring it all back.
 */
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { CLI_BUILD } from '../../../scripts/build-node.mjs';

async function bundleInputs(): Promise<string[]> {
  const result = await build({ ...CLI_BUILD, write: false, metafile: true, sourcemap: false, logLevel: 'silent', outfile: 'cli.js' });
  return Object.keys(result.metafile.inputs);
}

describe('the CLI bundle', () => {
  it('holds zod’s functional build and core, never zod classic', async () => {
    const inputs = await bundleInputs();
    const zod = inputs.filter((path) => /(^|\/)node_modules\/zod\//.test(path));
    expect(zod.some((path) => /\/zod\/v4\/mini\//.test(path))).toBe(true);
    expect(zod.some((path) => /\/zod\/v4\/core\//.test(path))).toBe(true);
    expect(zod.filter((path) => /\/zod\/v4\/classic\//.test(path))).toEqual([]);
  });

  it('leaves out the modules only the app and the tests use (the view schemas, the NDJSON line schemas)', async () => {
    const inputs = await bundleInputs();
    expect(inputs).not.toContain('electron/core/view.ts');
    expect(inputs).not.toContain('electron/cli/ndjson.ts');
  });
});
