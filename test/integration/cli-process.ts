/**
 * The real `jobwatch` CLI as a child process, for tests against the simulator: the entry point bundled as the
 * build bundles it, NDJSON lines parsed as they arrive, stderr kept, every child killed after each test.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CLI_BUILD } from '../../scripts/build-node.mjs';

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  lines: Array<Record<string, unknown>>;
  /** Every stdout line as printed (for schema validation of the exact text). */
  raw: string[];
  stderr: string[];
  exit: Promise<number | null>;
}

/**
 * A package-shaped copy inside the project (so the packages the bundle leaves out resolve from its node_modules; ESM
 * ignores NODE_PATH): bin/jobwatch.js as shipped, and dist/cli.js bundled from electron/cli.ts as the build does.
 */
export async function buildCli(): Promise<{ root: string; launcher: string; remove(): void }> {
  const root = join(process.cwd(), 'node_modules', '.cache', 'jobwatch-cli-test', `pkg-${process.pid}-${randomUUID().slice(0, 8)}`);
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(join(process.cwd(), 'bin', 'jobwatch.js'), join(root, 'bin', 'jobwatch.js'));
  await build({ ...CLI_BUILD, outfile: join(root, 'dist', 'cli.js'), sourcemap: false, logLevel: 'silent' });
  return { root, launcher: join(root, 'bin', 'jobwatch.js'), remove: () => rmSync(root, { recursive: true, force: true }) };
}

export class CliProcesses {
  private readonly children: ChildProcessWithoutNullStreams[] = [];

  constructor(private readonly launcher: () => string) {}

  run(args: string[], env: Record<string, string> = {}): CliRun {
    const child = spawn(process.execPath, [this.launcher(), ...args], { cwd: process.cwd(), env: { ...process.env, ...env } });
    this.children.push(child);
    const lines: Array<Record<string, unknown>> = [];
    const raw: string[] = [];
    const stderr: string[] = [];
    let buffer = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.trim()) continue;
        raw.push(line);
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          lines.push({ type: 'text', text: line });
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => stderr.push(chunk));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, lines, raw, stderr, exit };
  }

  killAll(): void {
    for (const child of this.children.splice(0)) child.kill('SIGKILL');
  }
}

export async function until(probe: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const byType = (run: CliRun, type: string) => run.lines.filter((l) => l['type'] === type);
