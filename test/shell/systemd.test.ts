/**
 * The shipped systemd user unit (contrib/systemd/jobwatch.service): `systemd-analyze --user verify` accepts it
 * where systemd is installed (skipped elsewhere), and a structural check that always runs: it restarts on failure
 * but not on the exit codes that need a person, keeps its state directory, stops with SIGTERM, and its ExecStart
 * is a command line the CLI accepts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../electron/cli/arguments';
import { parseExecCommand } from '../../electron/cli/exec';
import { EXIT_USAGE } from '../../electron/cli/main';
import { EXIT_AUTH, EXIT_CERT } from '../../electron/cli/watch';

const UNIT = join(process.cwd(), 'contrib', 'systemd', 'jobwatch.service');
const work = mkdtempSync(join(tmpdir(), 'jobwatch-systemd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Section → key → values (a key may repeat), comments and blank lines dropped. */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = new Map();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || !current) throw new Error(`not a unit file line: ${line}`);
    const key = line.slice(0, eq);
    current.set(key, [...(current.get(key) ?? []), line.slice(eq + 1)]);
  }
  return sections;
}

/** systemd-analyze verify, in user mode with a private runtime dir; its complaints (stderr) and exit status. */
function verify(path: string): { status: number | null; stderr: string } {
  const runtime = mkdtempSync(join(work, 'runtime-'));
  const result = spawnSync('systemd-analyze', ['--user', 'verify', path], {
    encoding: 'utf8',
    env: { ...process.env, XDG_RUNTIME_DIR: runtime },
  });
  return { status: result.status, stderr: result.stderr };
}

const unit = parseUnit(readFileSync(UNIT, 'utf8'));
const service = unit.get('Service')!;
const one = (key: string) => {
  const values = service.get(key) ?? [];
  expect(values, key).toHaveLength(1);
  return values[0]!;
};

describe('the systemd user unit', () => {
  it.skipIf(!hasSystemdAnalyze())('passes systemd-analyze --user verify, which does catch a broken copy', () => {
    expect(verify(UNIT)).toEqual({ status: 0, stderr: '' });
    const broken = join(work, 'broken.service');
    writeFileSync(
      broken,
      readFileSync(UNIT, 'utf8')
        .replace('Restart=on-failure', 'Restart=sometimes')
        .replace(/^ExecStart=\/usr\/bin\/env /m, 'ExecStart=jobwatch-not-installed '),
    );
    const result = verify(broken);
    expect(result.stderr).toMatch(/restart specifier/);
    expect(result.status).not.toBe(0);
  });

  it('restarts on failure but not on exit codes that need a person, keeps its state dir, stops with SIGTERM', () => {
    expect(one('Restart')).toBe('on-failure');
    expect(one('RestartPreventExitStatus').split(/\s+/).map(Number).sort()).toEqual([EXIT_USAGE, EXIT_AUTH, EXIT_CERT].sort());
    expect(one('StateDirectory')).toBe('jobwatch');
    expect(one('KillSignal')).toBe('SIGTERM');
    expect(one('EnvironmentFile')).toMatch(/^%h\//);
    expect(one('Environment')).toBe('MALLOC_ARENA_MAX=1');
    expect(one('Type')).toBe('exec');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['default.target']);
    const exec = one('ExecStart');
    // Not through npm: npm exec does not pass SIGTERM on without a terminal.
    expect(exec).toMatch(/^\/usr\/bin\/env jobwatch watch /);
    expect(exec).not.toMatch(/npx|npm /);
    expect(exec).toContain('--state-dir %S/jobwatch');
  });

  it('runs a command line the CLI accepts (specifiers and variables filled in as systemd would)', async () => {
    const home = join(work, 'home');
    mkdirSync(join(home, '.config', 'jobwatch'), { recursive: true });
    const keyFile = join(home, '.config', 'jobwatch', 'api-key');
    writeFileSync(keyFile, '1-abcdef\n');
    chmodSync(keyFile, 0o600);
    const filled = one('ExecStart')
      .replaceAll('%h', home)
      .replaceAll('%S', join(home, '.local', 'state'))
      .replaceAll('${JOBWATCH_URL}', 'nas.local')
      .replaceAll('${JOBWATCH_USER}', 'monitor')
      .replaceAll('$JOBWATCH_EXTRA_ARGS', '--url nas2.local');
    expect(filled).not.toMatch(/[%$]/);
    const words = parseExecCommand(filled);
    if (!words.ok) throw new Error(words.message);
    const [env, program, ...args] = words.argv;
    expect([env, program]).toEqual(['/usr/bin/env', 'jobwatch']);
    const parsed = await parseCommandLine(args, {});
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        command: 'watch',
        json: true,
        stateDir: join(home, '.local', 'state', 'jobwatch'),
        servers: [
          { url: 'nas.local', username: 'monitor', secret: '1-abcdef' },
          { url: 'nas2.local', username: 'monitor', secret: '1-abcdef' },
        ],
      },
    });
  });
});
