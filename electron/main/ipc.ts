/**
 * The main-process end of the IPC contract. Every request handler checks that the sender is our window's main
 * frame showing our own page, validates the payload with the contract's request schema, and validates its reply
 * with the reply schema before it leaves (so a bug cannot leak a field the contract does not allow, such as a
 * secret). Events go out through a DeltaBatcher: at most ten messages a second, and a full snapshot on subscribe.
 */
import { z, type ZodType } from 'zod';
import { JobwatchError, isErrorCode, type ErrorCode } from '../core/errors';
import type { MonitorApi } from '../core/monitor-api';
import type { MonitorDelta, MonitorSnapshot } from '../core/view';
import { DeltaBatcher, DEFAULT_BATCH_INTERVAL_MS } from './delta-batcher';
import type { FrameIdentity } from './window';
import { english, type Translator } from '../core/i18n/i18n';
import { problemText } from '../core/i18n/status';

/** How a refused or failed request is answered: a code the renderer branches on and a message people read. */
export type IpcFailureCode = Extract<ErrorCode, 'FORBIDDEN_SENDER' | 'INVALID_REQUEST' | 'INVALID_REPLY' | 'FAILED'>;

export class IpcRequestError extends Error {
  override readonly name = 'IpcRequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface IpcInvokeEvent {
  senderFrame: FrameIdentity | null;
}

export interface IpcElectron {
  ipcMain: {
    handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void;
    removeHandler(channel: string): void;
  };
}

/** The window as IPC sees it: who may call, and where events go. */
export interface IpcWindow {
  isOwnMainFrame(frame: FrameIdentity | null | undefined): boolean;
  readonly webContents: { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
}

/**
 * How a request's outcome is put on the wire. The contract decides (an envelope, or a thrown error); the
 * default resolves with the value and rejects with `{code, message}` folded into the error message.
 */
export interface ReplyEncoding {
  ok(value: unknown): unknown;
  fail(code: ErrorCode, message: string): unknown;
}

export const THROWING_REPLIES: ReplyEncoding = {
  ok: (value) => value,
  fail: (code, message) => {
    throw new IpcRequestError(code, `${code}: ${message}`);
  },
};

/**
 * Messages safe to show: our own typed errors, and errors whose code is one of ours (core/errors.ts ERROR_CODES);
 * anything else becomes a generic sentence (no stack, no internals, no Node error codes such as ENOENT).
 */
export function describeError(err: unknown): { code: ErrorCode; message: string } {
  if (err instanceof JobwatchError) return { code: err.code, message: err.message };
  if (err instanceof IpcRequestError) return { code: err.code, message: err.message };
  if (err instanceof Error && 'code' in err && isErrorCode(err.code)) {
    return { code: err.code, message: err.message };
  }
  return { code: 'FAILED', message: 'Something went wrong in Jobwatch; see the log for details.' };
}

/** Codes whose messages the shell already writes in the reader's language, with details the code alone lacks. */
const SHELL_WORDED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SHORTCUT_UNAVAILABLE',
  'START_AT_LOGIN_UNAVAILABLE',
  'URL_NOT_ALLOWED',
  'NO_LOG_FILE',
  'OPEN_FAILED',
]);

export class IpcHandlers {
  private readonly channels: string[] = [];

  constructor(
    private readonly electron: IpcElectron,
    private readonly window: () => IpcWindow | null,
    private readonly encoding: ReplyEncoding = THROWING_REPLIES,
    private readonly log: (message: string) => void = () => undefined,
    /** The reader's language: error messages from the core (written in English) are said in it by their code. */
    private readonly translate: () => Translator = () => english,
  ) {}

  /** Registers one request channel. `handler` receives only a payload that passed `request`. */
  handle<Req, Res>(
    channel: string,
    request: z.core.$ZodType<Req>,
    reply: z.core.$ZodType<Res>,
    handler: (payload: Req) => Res | Promise<Res>,
  ): void {
    this.electron.ipcMain.handle(channel, async (event: IpcInvokeEvent, ...args: unknown[]) => {
      const sender = event.senderFrame;
      const window = this.window();
      if (!window || !window.isOwnMainFrame(sender)) {
        this.log(`IPC ${channel}: refused a call from a foreign frame (${sender?.url ?? 'unknown'})`);
        return this.encoding.fail('FORBIDDEN_SENDER', 'This request did not come from the Jobwatch window.');
      }
      const parsed = z.safeParse(request, args.length <= 1 ? args[0] : args);
      if (!parsed.success) {
        this.log(`IPC ${channel}: invalid payload refused`);
        return this.encoding.fail('INVALID_REQUEST', `Invalid request for ${channel}.`);
      }
      let result: Res;
      try {
        result = await handler(parsed.data);
      } catch (err) {
        const { code, message } = describeError(err);
        return this.encoding.fail(code, SHELL_WORDED.has(code) ? message : problemText({ code, message }, this.translate()));
      }
      const checked = z.safeParse(reply, result);
      if (!checked.success) {
        // Never send what the contract does not allow; the details go to the log, not to the renderer.
        this.log(`IPC ${channel}: reply did not match the contract: ${checked.error.message}`);
        return this.encoding.fail('INVALID_REPLY', 'Jobwatch produced an unexpected answer.');
      }
      return this.encoding.ok(checked.data);
    });
    this.channels.push(channel);
  }

  dispose(): void {
    for (const channel of this.channels.splice(0)) this.electron.ipcMain.removeHandler(channel);
  }
}

/** The contract's event definitions the window receives (EVENTS in electron/ipc/contract.ts). */
export interface EventDefinitions {
  snapshot: { channel: string; payload: ZodType<MonitorSnapshot> };
  delta: { channel: string; payload: ZodType<MonitorDelta> };
  focusJob: { channel: string; payload: ZodType };
  openView: { channel: string; payload: ZodType };
}

/**
 * Monitor → renderer events: a full snapshot when the window (re)subscribes, then batched deltas at a bounded
 * rate; focus and open-view requests (from a notification click or the tray) go out at once. Every payload is
 * validated against the contract before it is sent.
 */
export class RendererEvents {
  private readonly batcher: DeltaBatcher;
  private subscribed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly monitor: Pick<MonitorApi, 'snapshot' | 'onDelta'>,
    private readonly window: () => IpcWindow | null,
    private readonly events: EventDefinitions,
    options: { intervalMs?: number; now?: () => number } = {},
  ) {
    this.batcher = new DeltaBatcher({
      intervalMs: options.intervalMs ?? DEFAULT_BATCH_INTERVAL_MS,
      ...(options.now ? { now: options.now } : {}),
      send: (delta) => this.send(this.events.delta, delta),
    });
    this.unsubscribe = monitor.onDelta((delta) => {
      if (this.subscribed) this.batcher.push(delta);
    });
  }

  /** The window asked for the state: everything now, then deltas. Pending deltas are in the snapshot already. */
  subscribe(): MonitorSnapshot {
    this.batcher.discard();
    this.subscribed = true;
    return this.events.snapshot.payload.parse(this.monitor.snapshot());
  }

  /** The page is going (crash, hang, reload): nothing more is sent until the new page subscribes. */
  detach(): void {
    this.subscribed = false;
    this.batcher.discard();
  }

  /** Pushes a snapshot without being asked (e.g. after the window reloads). */
  pushSnapshot(): void {
    this.send(this.events.snapshot, this.subscribe());
  }

  focusJob(target: unknown): void {
    this.send(this.events.focusJob, target);
  }

  openView(view: unknown): void {
    this.send(this.events.openView, view);
  }

  /** Sends what is pending now (quit, tests). */
  flush(): void {
    this.batcher.flush();
  }

  dispose(): void {
    this.unsubscribe();
    this.batcher.dispose();
  }

  private send(event: { channel: string; payload: ZodType }, payload: unknown): void {
    const window = this.window();
    if (!window || window.webContents.isDestroyed()) return;
    window.webContents.send(event.channel, event.payload.parse(payload));
  }
}
