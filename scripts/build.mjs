// `npm run build`: the Node-side bundles (CLI, Electron main, preload), then the renderer with Vite.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

function run(cmd, args) {
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
run(process.execPath, ['scripts/build-node.mjs']);
if (existsSync('renderer/vite.config.ts')) run('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
