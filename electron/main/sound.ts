/**
 * The failure sound: plays build/sounds/failure.wav (scripts/make-sound.mjs) when core/sound-policy.ts says so, and
 * repeats it on a timer until the failures that sounded are acknowledged.
 *
 * Why a platform player process and not an `Audio` element: Electron's main process has no audio API, and the
 * window's renderer is not always there to play one (hidden windows get throttled, a crashed renderer is reloaded,
 * and a sound must not depend on the window's CSP or its code). A short-lived player process works with the window
 * hidden or gone: `afplay -v` on macOS; on Linux `paplay --volume` (PulseAudio, and PipeWire's pulse server),
 * then `pw-play --volume`, then ALSA's `aplay` (which has no volume option, so it gets the samples scaled); on
 * Windows PowerShell's System.Media.SoundPlayer (no volume either: scaled samples on its standard input).
 * Every player is started with execFile (no shell, so no quoting of the path), a timeout and no waiting; the first
 * that works is kept; a failure is written to the log once and never thrown.
 */
import { execFile as nodeExecFile } from 'node:child_process';
import { readFile as nodeReadFile } from 'node:fs/promises';
import { localMinuteOfDay } from '../core/classification';
import { SILENT, onNotification, onTick, prune, type SoundContext, type SoundState } from '../core/sound-policy';
import type { NotificationView } from '../core/view';

/** A player that hangs (a stuck audio server) is killed after this long; the sound itself is under a second. */
export const PLAYER_TIMEOUT_MS = 10_000;

export type SoundResult = { ok: true } | { ok: false; message: string };

export interface SoundPlayer {
  /** Plays the failure sound at `volume` (0–100 % of the system volume). Never rejects. */
  play(volume: number): Promise<SoundResult>;
}

export interface PlayerError extends Error {
  code?: string | number | null;
  killed?: boolean;
}

/** The part of child_process.execFile used here; tests pass a recording stand-in. */
export type ExecFileLike = (
  file: string,
  args: readonly string[],
  options: { timeout: number; windowsHide: boolean; shell: false },
  callback: (error: PlayerError | null) => void,
) => { stdin?: { end(data: Buffer): void; on(event: 'error', listener: () => void): unknown } | null };

/** One way to play: a command and its arguments, with the scaled WAV on its standard input when `stdin` is set. */
export interface PlayerCommand {
  command: string;
  args: string[];
  stdin: boolean;
}

const POWERSHELL_PLAY =
  '$in=[Console]::OpenStandardInput();$wav=New-Object System.IO.MemoryStream;$in.CopyTo($wav);$wav.Position=0;' +
  '(New-Object System.Media.SoundPlayer $wav).PlaySync()';

/** The players to try on `platform`, in order, for `file` at `volume` (0–100). */
export function playerCommands(platform: NodeJS.Platform, file: string, volume: number): PlayerCommand[] {
  const fraction = Math.max(0, Math.min(100, volume)) / 100;
  switch (platform) {
    case 'darwin':
      return [{ command: 'afplay', args: ['-v', fraction.toFixed(2), file], stdin: false }];
    case 'win32':
      return [{ command: 'powershell.exe', args: ['-NoProfile', '-NonInteractive', '-Command', POWERSHELL_PLAY], stdin: true }];
    default:
      return [
        // paplay: 65536 is 100 % (PA_VOLUME_NORM).
        { command: 'paplay', args: [`--volume=${Math.round(65536 * fraction)}`, file], stdin: false },
        { command: 'pw-play', args: [`--volume=${fraction.toFixed(2)}`, file], stdin: false },
        { command: 'aplay', args: ['-q', '-t', 'wav', '-'], stdin: true },
      ];
  }
}

/**
 * The WAV with its 16-bit PCM samples scaled to `volume` %, for players without a volume option. Anything but the
 * canonical PCM layout scripts/make-sound.mjs writes comes back unchanged.
 */
export function scaleWav(wav: Buffer, volume: number): Buffer {
  const pcm16 = wav.length >= 44 && wav.toString('ascii', 0, 4) === 'RIFF' && wav.toString('ascii', 8, 12) === 'WAVE';
  if (!pcm16 || wav.toString('ascii', 36, 40) !== 'data' || wav.readUInt16LE(20) !== 1 || wav.readUInt16LE(34) !== 16) return wav;
  const factor = Math.max(0, Math.min(100, volume)) / 100;
  const out = Buffer.from(wav);
  const end = Math.min(out.length, 44 + out.readUInt32LE(40)) & ~1;
  for (let offset = 44; offset + 1 < end; offset += 2) out.writeInt16LE(Math.round(out.readInt16LE(offset) * factor), offset);
  return out;
}

export interface PlatformPlayerOptions {
  platform: NodeJS.Platform;
  /** The WAV file, outside app.asar (a player process cannot read inside it). */
  file: string;
  /** Where the one failure report goes. */
  log: (message: string) => void;
  execFile?: ExecFileLike;
  readFile?: (path: string) => Promise<Buffer>;
}

export class PlatformPlayer implements SoundPlayer {
  private readonly execFile: ExecFileLike;
  private readonly readFile: (path: string) => Promise<Buffer>;
  /** The candidate that worked last; tried first next time. */
  private preferred = 0;
  private playing: Promise<SoundResult> | null = null;
  private reported = false;

  constructor(private readonly options: PlatformPlayerOptions) {
    this.execFile = options.execFile ?? nodeExecFile;
    this.readFile = options.readFile ?? nodeReadFile;
  }

  /** One sound at a time: a play asked for while one is running joins it instead of piling players up. */
  play(volume: number): Promise<SoundResult> {
    this.playing ??= this.tryAll(volume).finally(() => (this.playing = null));
    return this.playing;
  }

  private async tryAll(volume: number): Promise<SoundResult> {
    const commands = playerCommands(this.options.platform, this.options.file, volume);
    const order = [...commands.keys()].sort((a, b) => (a === this.preferred ? -1 : b === this.preferred ? 1 : a - b));
    const problems: string[] = [];
    for (const index of order) {
      const problem = await this.run(commands[index]!, volume);
      if (problem === null) {
        this.preferred = index;
        return { ok: true };
      }
      problems.push(`${commands[index]!.command}: ${problem}`);
    }
    const message = `The failure sound could not be played (${problems.join('; ')}).`;
    if (!this.reported) {
      this.reported = true;
      this.options.log(message);
    }
    return { ok: false, message };
  }

  /** Null when the player finished well, else why not. */
  private async run(player: PlayerCommand, volume: number): Promise<string | null> {
    let input: Buffer | null = null;
    if (player.stdin) {
      try {
        input = scaleWav(await this.readFile(this.options.file), volume);
      } catch (err) {
        return `cannot read the sound file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
    }
    return new Promise<string | null>((resolve) => {
      try {
        const child = this.execFile(
          player.command,
          player.args,
          { timeout: PLAYER_TIMEOUT_MS, windowsHide: true, shell: false },
          (error) => {
            if (error === null) resolve(null);
            else if (error.code === 'ENOENT') resolve('not installed');
            else if (error.killed) resolve(`no end after ${PLAYER_TIMEOUT_MS / 1000} s`);
            else resolve(typeof error.code === 'number' ? `exit code ${error.code}` : (error.code ?? error.message));
          },
        );
        if (input !== null && child.stdin) {
          // A player that exits early closes its input; that shows up in the callback, not as a crash here.
          child.stdin.on('error', () => undefined);
          child.stdin.end(input);
        }
      } catch (err) {
        resolve((err as Error).message);
      }
    });
  }
}

/** The Settings view's "Play test sound": the sound once at `volume`, whatever the other sound settings say. */
export function playTestSound(player: SoundPlayer, volume: number): Promise<SoundResult> {
  return player.play(volume);
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const nodeTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending repeat must not keep the process alive on quit.
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface FailureSoundOptions {
  player: SoundPlayer;
  /** The current sound and quiet-hours settings, pause and unacknowledged failures (read at each decision). */
  context(): Omit<SoundContext, 'now' | 'minuteOfDay'>;
  now?: () => number;
  minuteOfDay?: (now: number) => number;
  timers?: Timers;
}

/** Follows what was notified and the failure list, and plays or repeats the sound as the policy decides. */
export class FailureSound {
  private state: SoundState = SILENT;
  private timer: unknown = null;
  private disposed = false;
  private readonly now: () => number;
  private readonly minuteOfDay: (now: number) => number;
  private readonly timers: Timers;

  constructor(private readonly options: FailureSoundOptions) {
    this.now = options.now ?? Date.now;
    this.minuteOfDay = options.minuteOfDay ?? localMinuteOfDay;
    this.timers = options.timers ?? nodeTimers;
  }

  /** A notification went to the notifier; `shown` is whether it appeared. */
  notified(view: NotificationView, shown: boolean): void {
    if (this.disposed) return;
    const decision = onNotification(view, shown, this.context(), this.state);
    this.enact(decision.play, decision.state);
  }

  /** The failures (acknowledged) or the settings changed: stop at once when nothing is left to repeat for. */
  refresh(): void {
    if (this.disposed) return;
    const next = prune(this.state, this.context());
    if (next !== this.state) this.enact(null, next);
  }

  /** Whether a repeat is pending. */
  get repeating(): boolean {
    return this.state.repeatAt !== null;
  }

  dispose(): void {
    this.disposed = true;
    this.cancel();
    this.state = SILENT;
  }

  private context(): SoundContext {
    const now = this.now();
    return { ...this.options.context(), now, minuteOfDay: this.minuteOfDay(now) };
  }

  private tick(): void {
    this.timer = null;
    if (this.disposed) return;
    const decision = onTick(this.context(), this.state);
    this.enact(decision.play, decision.state);
  }

  private enact(play: { volume: number } | null, state: SoundState): void {
    if (play) void this.options.player.play(play.volume);
    const reschedule = state.repeatAt !== this.state.repeatAt || (state.repeatAt !== null && this.timer === null);
    this.state = state;
    if (!reschedule) return;
    this.cancel();
    if (state.repeatAt !== null) {
      this.timer = this.timers.setTimeout(() => this.tick(), Math.max(0, state.repeatAt - this.now()));
    }
  }

  private cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
