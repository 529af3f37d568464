/**
 * Generated hostile frames through the real pipeline: the JSON-RPC client's frame handling (`JsonRpcConnection`
 * over a fake socket, so `parseJsonRpcFrame` sees the exact text), the job book, the monitor, the real
 * notification planner and the real failure inbox. Invariants:
 * - nothing throws out (no listener, formatter or view fails; the CLI's line formatters included);
 * - every FAILED job with a usable id (an integer the fuzz keeps for itself, well-typed fields, hostile content)
 *   reaches the failure inbox and a planned notification;
 * - memory stays bounded: the book within its bounds, no string in any view longer than the longest field limit,
 *   arguments within their budget and depth, every view structured-clonable and valid against the IPC schemas.
 */
import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { JsonRpcConnection } from '../../../electron/core/protocol/jsonrpc';
import { Monitor, type ServerConnector, type ServerDirectory, type ServerTarget } from '../../../electron/core/monitor';
import { TransitionLedger } from '../../../electron/core/ledger';
import { NotificationPlanner } from '../../../electron/core/planner';
import { FailureInbox } from '../../../electron/core/failures';
import { defaultSettings } from '../../../electron/core/settings';
import { JobDetailSchema, MonitorSnapshotSchema } from '../../../electron/core/view';
import { ARGUMENTS_MAX_CHARS, JOB_TEXT_LIMITS, MAX_NESTING_DEPTH } from '../../../electron/core/protocol/bounds';
import type { Transition } from '../../../electron/core/model';
import type { Logger } from '../../../electron/core/ports';
import { jsonLine, humanLine } from '../../../electron/cli/lines';
import { COMPACT, anyState, eventFrame, hostileJob, junkFrame, junkJob } from './hostile-frames';

const LONGEST_TEXT = Math.max(...Object.values(JOB_TEXT_LIMITS));

/** The server side of a socket: answers the calls a session makes, delivers whatever the test pushes. */
class FakeServerSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  constructor(private readonly snapshotText: (id: number) => string) {
    super();
  }
  send(frame: string, callback?: (err?: Error) => void): void {
    callback?.();
    const request = JSON.parse(frame) as { id: number; method: string; params: unknown[] };
    const reply = (result: string) => `{"jsonrpc":"2.0","id":${request.id},"result":${result}}`;
    let text: string;
    switch (request.method) {
      case 'core.get_jobs':
        text = Array.isArray(request.params[0]) && request.params[0].length === 0 ? this.snapshotText(request.id) : reply('[]');
        break;
      case 'failover.status':
        text = reply('"SINGLE"');
        break;
      case 'core.ping':
        text = reply('"pong"');
        break;
      case 'auth.me':
        text = `{"jsonrpc":"2.0","id":${request.id},"error":{"code":-32601,"message":"Method not found"}}`;
        break;
      default:
        text = reply('null');
    }
    queueMicrotask(() => this.deliver(text));
  }
  deliver(text: string): void {
    if (this.readyState === this.OPEN) this.emit('message', Buffer.from(text), false);
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState !== this.OPEN) return;
    this.readyState = 3;
    queueMicrotask(() => this.emit('close', code, Buffer.from(reason)));
  }
  terminate(): void {
    this.close(1006);
  }
}

const target: ServerTarget = {
  id: 'nas1',
  name: 'nas1',
  url: 'wss://nas1.example',
  auth: { method: 'api-key', username: 'monitor' },
  fingerprint256: null,
  muted: false,
  mutedUntil: null,
};

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 10_000; i += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${what}`);
}

/** Longest string and deepest nesting anywhere in a value (iterative: views may be wide). */
function measure(value: unknown): { longest: number; depth: number } {
  let longest = 0;
  let depth = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (typeof node === 'string') longest = Math.max(longest, node.length);
    else if (node !== null && typeof node === 'object') {
      depth = Math.max(depth, level + 1);
      for (const [key, member] of Object.entries(node)) {
        longest = Math.max(longest, key.length);
        stack.push([member, level + 1]);
      }
    }
  }
  return { longest, depth };
}

function failedKey(transitions: Transition[], jobId: number): string | undefined {
  return transitions.find((t) => t.jobId === jobId && t.to === 'FAILED')?.key;
}

interface Run {
  snapshot: string[];
  failures: Array<{ id: number; frame: string; msg: 'added' | 'changed' }>;
  junk: string[];
  /** Where each failure frame goes among the junk. */
  order: number[];
}

const runArbitrary: fc.Arbitrary<Run> = fc
  .uniqueArray(
    fc.oneof(fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: -1 })),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .chain((ids) =>
    fc.record({
      snapshot: fc.array(
        fc.oneof(
          junkJob,
          fc.integer({ min: 0, max: 999_999 }).chain((id) => hostileJob(id, anyState)),
        ),
        { maxLength: 6 },
      ),
      failures: fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(id),
            frame: hostileJob(id, fc.constant('FAILED')),
            msg: fc.constantFrom('added' as const, 'changed' as const),
          }),
        ),
      ),
      junk: fc.array(junkFrame, { maxLength: 12 }),
      order: fc.array(fc.nat(), { minLength: ids.length, maxLength: ids.length }),
    }),
  );

async function runPipeline(run: Run): Promise<void> {
  const problems: string[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (message, fields) => problems.push(`${message}: ${JSON.stringify(fields)}`),
  };
  const onWarning = (warning: Error) => problems.push(`process warning: ${warning.message}`);
  process.on('warning', onWarning);

  const snapshotText = (id: number) => `{"jsonrpc":"2.0","id":${id},"result":[${run.snapshot.join(',')}]}`;
  const socket = new FakeServerSocket(snapshotText);
  const connection = new JsonRpcConnection(socket as unknown as WebSocket, {
    url: 'wss://nas1.example/api/current',
    secureTransport: true,
  });
  const connector: ServerConnector = {
    connect: async () => connection,
    login: async () => {},
    probe: async () => {
      throw new Error('not used');
    },
    download: async () => '',
  };
  const directory: ServerDirectory = {
    list: async () => [target],
    secret: async () => 'the-secret',
    save: async () => {},
    remove: async () => {},
  };
  const planner = new NotificationPlanner({ settings: defaultSettings().notifications, minuteOfDay: () => 12 * 60 });
  const inbox = new FailureInbox({ store: null, logger });
  const monitor = new Monitor({ connector, directory, ledger: new TransitionLedger(), policy: planner, failures: inbox, logger });
  const transitions: Transition[] = [];
  // What the CLI does with everything it hears: it must never throw on what a server sent.
  monitor.onTransition((t) => {
    transitions.push(t);
    jsonLine({ type: 'transition', transition: t, serverName: 'nas1' });
    humanLine({ type: 'transition', transition: t, serverName: 'nas1' });
  });
  monitor.onDelta((delta) => {
    for (const job of delta.upserts) {
      jsonLine({ type: 'job', job, serverName: 'nas1' });
      humanLine({ type: 'job', job, serverName: 'nas1' });
    }
  });
  monitor.onNotification((n) => {
    jsonLine({ type: 'notification', notification: n, serverName: 'nas1' });
    humanLine({ type: 'notification', notification: n, serverName: 'nas1' });
  });

  try {
    await monitor.start();
    await until(() => monitor.snapshot().servers[0]?.state === 'live', 'the session going live');

    const frames = [...run.junk];
    run.failures.forEach((failure, i) => {
      const at = run.order[i]! % (frames.length + 1);
      frames.splice(at, 0, eventFrame(failure.msg, 'core.get_jobs', String(failure.id), failure.frame));
    });
    for (const frame of frames) socket.deliver(frame);
    await new Promise((resolve) => setImmediate(resolve));

    // Every checked failure is reported and accounted for in the inbox: listed, or folded into a later entry of
    // the same task (an entry's `count`, where the inbox folds repeated failures of one task).
    for (const failure of run.failures) {
      expect(failedKey(transitions, failure.id), `job ${failure.id} reported as FAILED`).toBeDefined();
    }
    const failed = new Set(transitions.filter((t) => t.to === 'FAILED' && !t.transient).map((t) => t.key));
    const accounted = inbox.list().reduce((n, entry) => n + ((entry as { count?: number }).count ?? 1), 0);
    expect(accounted, 'failures accounted for in the inbox').toBe(failed.size);

    // Views stay bounded, clonable and valid.
    const snapshot = monitor.snapshot();
    expect(MonitorSnapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.jobs.length).toBeLessThanOrEqual(2 * 1000 + 200);
    // The running count, kept up to date update by update, is the count of the jobs shown running.
    const running = snapshot.jobs.filter((j) => !j.transient && (j.state === 'WAITING' || j.state === 'RUNNING')).length;
    expect(snapshot.servers[0]?.running).toBe(running);
    expect(measure(snapshot).longest).toBeLessThanOrEqual(LONGEST_TEXT);
    structuredClone(snapshot);
    for (const job of snapshot.jobs) {
      const detail = monitor.jobDetail(job.key);
      expect(detail).not.toBeNull();
      expect(JobDetailSchema.safeParse(detail).success).toBe(true);
      const { longest } = measure(detail);
      expect(longest).toBeLessThanOrEqual(LONGEST_TEXT);
      const args = measure(detail!.arguments);
      expect(args.depth).toBeLessThanOrEqual(MAX_NESTING_DEPTH + 1);
      expect(JSON.stringify(detail!.arguments).length).toBeLessThanOrEqual(ARGUMENTS_MAX_CHARS + 4 * 1024);
      structuredClone(detail);
    }
  } finally {
    await monitor.stop();
    process.off('warning', onWarning);
  }

  // stop() decides every pending burst: each checked failure is in exactly one planned notification.
  const planned = monitor.snapshot().notifications;
  for (const failure of run.failures) {
    const key = failedKey(transitions, failure.id)!;
    expect(
      planned.filter((n) => n.jobs.includes(key)),
      `job ${failure.id} planned once`,
    ).toHaveLength(1);
  }
  expect(measure(planned).longest).toBeLessThanOrEqual(LONGEST_TEXT);
  expect(problems).toEqual([]);
  // Nothing was polluted along the way.
  expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
}

describe('fuzz: hostile frames through protocol → job book → monitor → rules', () => {
  it('never throws, loses no failure and keeps every view bounded', async () => {
    await fc.assert(fc.asyncProperty(runArbitrary, runPipeline), { ...COMPACT, numRuns: 40 } as fc.Parameters<[Run]>);
  }, 60_000);

  it('the reported case: FAILED with {"$date": 1e300} is reported, listed, planned and printable', async () => {
    const frame = `{"id":2000000,"method":"replication.run","arguments":[],"state":"FAILED","error":"[EFAULT] boom","time_started":{"$date":1e300},"time_finished":{"$date":1e300}}`;
    await runPipeline({ snapshot: [], failures: [{ id: 2_000_000, frame, msg: 'changed' }], junk: [], order: [0] });
  });
});
