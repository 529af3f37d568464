// Types for what scripts/build-node.mjs exports (the CLI tests bundle the CLI with the build's own options).
import type { BuildOptions } from 'esbuild';

export declare const CLI_BUILD: BuildOptions & { entryPoints: string[]; outfile: string };
