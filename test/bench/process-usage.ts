/**
 * What another process used, read from Linux's /proc: CPU (utime + stime) and peak resident memory (VmHWM). A
 * process's own `process.cpuUsage()` cannot be read from outside, and zlib's inflate runs on libuv's thread pool,
 * so only the whole process's rusage tells the truth (a main-thread profile looks idle).
 */
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number.parseInt(out.stdout ?? '', 10);
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system, all threads) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** Peak and current resident set size in bytes. */
export function memory(pid: number): { peakRss: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { peakRss: kib('VmHWM'), rss: kib('VmRSS') };
}

export function procAvailable(): boolean {
  try {
    cpuSeconds(process.pid);
    return true;
  } catch {
    return false;
  }
}

/** Resolves once the process's CPU time stops growing (two quiet samples in a row), or after `maxMs`. */
export async function settled(pid: number, options: { sampleMs?: number; maxMs?: number } = {}): Promise<void> {
  const sampleMs = options.sampleMs ?? 250;
  const deadline = Date.now() + (options.maxMs ?? 20_000);
  let last = cpuSeconds(pid);
  let quiet = 0;
  while (Date.now() < deadline && quiet < 2) {
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    const now = cpuSeconds(pid);
    quiet = now - last <= 0.011 ? quiet + 1 : 0;
    last = now;
  }
}

export function mib(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
