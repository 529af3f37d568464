import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QuietHours, SoundSettings } from '../../electron/core/settings';
import {
  FailureSound,
  PLAYER_TIMEOUT_MS,
  PlatformPlayer,
  playTestSound,
  playerCommands,
  scaleWav,
  type ExecFileLike,
  type PlayerError,
  type SoundPlayer,
  type Timers,
} from '../../electron/main/sound';
import { notification } from './fixtures';

const WAV = join(process.cwd(), 'build', 'sounds', 'failure.wav');

interface Call {
  file: string;
  args: readonly string[];
  options: Record<string, unknown>;
  stdin: Buffer | null;
}

/** A stand-in for child_process.execFile: records each call and answers with the outcome given for its command. */
function fakeExecFile(outcomes: Record<string, PlayerError | null>) {
  const calls: Call[] = [];
  const execFile: ExecFileLike = (file, args, options, callback) => {
    const call: Call = { file, args, options, stdin: null };
    calls.push(call);
    const outcome = file in outcomes ? outcomes[file]! : Object.assign(new Error('spawn ENOENT'), { code: 'ENOENT' });
    queueMicrotask(() => callback(outcome));
    return { stdin: { end: (data: Buffer) => (call.stdin = data), on: () => undefined } };
  };
  return { calls, execFile };
}

describe('the bundled failure sound', () => {
  it('is the WAV scripts/make-sound.mjs synthesizes (16-bit mono PCM, under a second)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'jobwatch-sound-')), 'failure.wav');
    const made = spawnSync(process.execPath, ['scripts/make-sound.mjs', out], { encoding: 'utf8' });
    expect(made.status, made.stderr).toBe(0);
    const committed = readFileSync(WAV);
    expect(readFileSync(out).equals(committed)).toBe(true);
    expect(committed.toString('ascii', 0, 4)).toBe('RIFF');
    expect(committed.readUInt16LE(22)).toBe(1);
    expect(committed.readUInt16LE(34)).toBe(16);
    const seconds = committed.readUInt32LE(40) / committed.readUInt32LE(28);
    expect(seconds).toBeGreaterThan(0.2);
    expect(seconds).toBeLessThan(1);
  });

  it('scales the samples for players without a volume option, and leaves other files alone', () => {
    const wav = readFileSync(WAV);
    const half = scaleWav(wav, 50);
    const peak = (b: Buffer) => {
      let max = 0;
      for (let o = 44; o + 1 < b.length; o += 2) max = Math.max(max, Math.abs(b.readInt16LE(o)));
      return max;
    };
    expect(half.subarray(0, 44).equals(wav.subarray(0, 44))).toBe(true);
    expect(Math.abs(peak(half) - peak(wav) / 2)).toBeLessThanOrEqual(1);
    expect(peak(scaleWav(wav, 0))).toBe(0);
    const notWav = Buffer.from('not a wav file at all, but long enough to have a header of 44 bytes');
    expect(scaleWav(notWav, 10)).toBe(notWav);
  });
});

describe('platform player', () => {
  it('chooses afplay -v on macOS, paplay/pw-play/aplay on Linux and PowerShell on Windows, with the volume', () => {
    expect(playerCommands('darwin', '/r/failure.wav', 70)).toEqual([
      { command: 'afplay', args: ['-v', '0.70', '/r/failure.wav'], stdin: false },
    ]);
    expect(playerCommands('linux', '/r/failure.wav', 50)).toEqual([
      { command: 'paplay', args: ['--volume=32768', '/r/failure.wav'], stdin: false },
      { command: 'pw-play', args: ['--volume=0.50', '/r/failure.wav'], stdin: false },
      { command: 'aplay', args: ['-q', '-t', 'wav', '-'], stdin: true },
    ]);
    const [windows] = playerCommands('win32', 'C:\\r\\failure.wav', 100);
    expect(windows).toMatchObject({ command: 'powershell.exe', stdin: true });
    expect(windows!.args.slice(0, 3)).toEqual(['-NoProfile', '-NonInteractive', '-Command']);
    expect(windows!.args[3]).toContain('System.Media.SoundPlayer');
  });

  it('runs the player without a shell, with a timeout and hidden, and passes the volume through', async () => {
    const { calls, execFile } = fakeExecFile({ afplay: null });
    const player = new PlatformPlayer({ platform: 'darwin', file: '/r/failure.wav', log: () => undefined, execFile });
    expect(await player.play(35)).toEqual({ ok: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ file: 'afplay', args: ['-v', '0.35', '/r/failure.wav'] });
    expect(calls[0]!.options).toEqual({ timeout: PLAYER_TIMEOUT_MS, windowsHide: true, shell: false });
  });

  it('falls back to the next Linux player and keeps the one that worked', async () => {
    const { calls, execFile } = fakeExecFile({ paplay: Object.assign(new Error('Connection failure'), { code: 1 }), aplay: null });
    const player = new PlatformPlayer({ platform: 'linux', file: WAV, log: () => undefined, execFile });
    expect(await player.play(50)).toEqual({ ok: true });
    expect(calls.map((c) => c.file)).toEqual(['paplay', 'pw-play', 'aplay']);
    // aplay has no volume option: it got the samples scaled on its standard input.
    expect(calls[2]!.stdin!.equals(scaleWav(readFileSync(WAV), 50))).toBe(true);
    await player.play(50);
    expect(calls.map((c) => c.file)).toEqual(['paplay', 'pw-play', 'aplay', 'aplay']);
  });

  it('reports a failure once to the log and never rejects', async () => {
    const { execFile } = fakeExecFile({});
    const logged: string[] = [];
    const player = new PlatformPlayer({ platform: 'linux', file: WAV, log: (m) => logged.push(m), execFile });
    const first = await player.play(70);
    expect(first.ok).toBe(false);
    await player.play(70);
    expect(logged).toEqual([
      'The failure sound could not be played (paplay: not installed; pw-play: not installed; aplay: not installed).',
    ]);
    const throwing: ExecFileLike = () => {
      throw new Error('spawn EACCES');
    };
    const broken = new PlatformPlayer({ platform: 'darwin', file: WAV, log: () => undefined, execFile: throwing });
    expect(await broken.play(70)).toEqual({ ok: false, message: 'The failure sound could not be played (afplay: spawn EACCES).' });
  });

  it('a real player process gets the path as one argument, never read by a shell', async () => {
    // Stand-in players on PATH that write down what they were given; the file name would run a command in a shell.
    const dir = mkdtempSync(join(tmpdir(), 'jobwatch-player-'));
    const record = join(dir, 'record.txt');
    for (const name of ['paplay', 'aplay']) {
      writeFileSync(
        join(dir, name),
        `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${record}'; done\n${name === 'paplay' ? 'exit 1' : '/usr/bin/wc -c >> ' + `'${record}'`}\n`,
      );
      chmodSync(join(dir, name), 0o755);
    }
    const file = join(dir, 'failure $(touch pwned) `touch pwned2`.wav');
    copyFileSync(WAV, file);
    const path = process.env['PATH'];
    process.env['PATH'] = dir;
    try {
      const logged: string[] = [];
      const player = new PlatformPlayer({ platform: 'linux', file, log: (m) => logged.push(m) });
      expect(await player.play(50)).toEqual({ ok: true });
      // paplay failed (exit 1), pw-play is not there, aplay played the scaled WAV from its standard input.
      expect(readFileSync(record, 'utf8').split('\n')).toEqual([
        '--volume=32768',
        file,
        '-q',
        '-t',
        'wav',
        '-',
        String(readFileSync(WAV).length),
        '',
      ]);
      expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
      expect(logged).toEqual([]);
    } finally {
      process.env['PATH'] = path;
    }
  });

  it('plays one sound at a time', async () => {
    const { calls, execFile } = fakeExecFile({ afplay: null });
    const player = new PlatformPlayer({ platform: 'darwin', file: WAV, log: () => undefined, execFile });
    await Promise.all([player.play(70), player.play(70), player.play(70)]);
    expect(calls).toHaveLength(1);
  });

  it('plays the test sound at the volume asked for', async () => {
    const volumes: number[] = [];
    const player: SoundPlayer = { play: async (volume) => (volumes.push(volume), { ok: true }) };
    expect(await playTestSound(player, 40)).toEqual({ ok: true });
    expect(volumes).toEqual([40]);
  });
});

describe('failure sound in the shell', () => {
  const SOUND: SoundSettings = { enabled: true, volume: 60, repeatUntilAcknowledged: true, repeatIntervalSec: 30 };
  const QUIET: QuietHours = { enabled: false, start: '22:00', end: '07:00', failuresBreakThrough: true };
  const KEY = 'nas\u00007\u00001750000000000\u0000cloudsync.sync';

  function harness(sound: SoundSettings = SOUND) {
    let now = 1_750_000_100_500;
    const pending = new Map<number, { at: number; callback: () => void }>();
    let nextHandle = 1;
    const timers: Timers = {
      setTimeout: (callback, ms) => {
        pending.set(nextHandle, { at: now + ms, callback });
        return nextHandle++;
      },
      clearTimeout: (handle) => pending.delete(handle as number),
    };
    const played: number[] = [];
    const settings = { sound };
    const unacknowledged = new Set([KEY]);
    const failureSound = new FailureSound({
      player: { play: async (volume) => (played.push(volume), { ok: true }) },
      context: () => ({ sound: settings.sound, quietHours: QUIET, pausedUntil: null, unacknowledged }),
      now: () => now,
      minuteOfDay: () => 12 * 60,
      timers,
    });
    /** Moves the clock on and fires the timers that fall due, in order. */
    const advance = (ms: number) => {
      const until = now + ms;
      for (;;) {
        const next = [...pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
        if (!next || next[1].at > until) break;
        pending.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = until;
    };
    return { failureSound, played, pending, advance, unacknowledged, settings };
  }

  it('plays once for a shown failure notification and repeats every interval until it is acknowledged', () => {
    const h = harness();
    h.failureSound.notified(notification(), true);
    expect(h.played).toEqual([60]);
    h.advance(29_999);
    expect(h.played).toEqual([60]);
    h.advance(1);
    expect(h.played).toEqual([60, 60]);
    h.advance(60_000);
    expect(h.played).toEqual([60, 60, 60, 60]);
    h.unacknowledged.delete(KEY);
    h.failureSound.refresh();
    expect(h.failureSound.repeating).toBe(false);
    expect(h.pending.size).toBe(0);
    h.advance(600_000);
    expect(h.played).toHaveLength(4);
  });

  it('stops repeating when the sound is turned off', () => {
    const h = harness();
    h.failureSound.notified(notification(), true);
    h.settings.sound = { ...SOUND, enabled: false };
    h.failureSound.refresh();
    expect(h.pending.size).toBe(0);
    h.advance(600_000);
    expect(h.played).toEqual([60]);
  });

  it('is silent for a notification that was not shown, and off by default settings', () => {
    const h = harness();
    h.failureSound.notified(notification(), false);
    h.failureSound.notified(notification({ suppressed: 'quiet-hours' }), true);
    expect(h.played).toEqual([]);
    const off = harness({ ...SOUND, enabled: false });
    off.failureSound.notified(notification(), true);
    expect(off.played).toEqual([]);
  });

  it('a disposed failure sound plays nothing and leaves no timer', () => {
    const h = harness();
    h.failureSound.notified(notification(), true);
    h.failureSound.dispose();
    expect(h.pending.size).toBe(0);
    h.failureSound.notified(notification(), true);
    expect(h.played).toEqual([60]);
  });
});
