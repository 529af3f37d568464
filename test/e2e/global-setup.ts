// Builds the renderer once before the run, so the tests always drive the current code.
import { spawnSync } from 'node:child_process';

export default function globalSetup(): void {
  const result = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('The renderer build failed; see the output above.');
}
