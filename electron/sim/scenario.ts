/**
 * Scenarios: timed steps that start jobs and inject faults into a running simulator. A JSON format validated with
 * zod (loadable from a file), a few named scripted scenarios, and programmatic ones such as the endless demo.
 */
import { readFile } from 'node:fs/promises';
import * as z from '../core/zod';
import { demoScenario } from './demo';
import { insightsScenario } from './insights-scenario';
import type { Simulator } from './server';
import type { JobSpec } from './types';
import { unlessAborted, type ProgramScenario } from './program-scenario';

export { unlessAborted, type ProgramScenario, type ScenarioContext } from './program-scenario';

const ProgressStepSchema = z.strictObject({
  percent: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(100)))),
  description: z.optional(z.string()),
  atMs: z.optional(z.number().check(z.nonnegative())),
  log: z.optional(z.string()),
});

export const JobSpecSchema = z.strictObject({
  method: z.string().check(z.minLength(1)),
  arguments: z.optional(z.array(z.unknown())),
  description: z.optional(z.nullable(z.string())),
  transient: z.optional(z.boolean()),
  abortable: z.optional(z.boolean()),
  logs: z.optional(z.boolean()),
  waitMs: z.optional(z.number().check(z.nonnegative())),
  durationMs: z.optional(z.number().check(z.nonnegative())),
  progress: z.optional(z.array(ProgressStepSchema)),
  finalPercent: z.optional(z.number().check(z.gte(0), z.lte(100))),
  outcome: z.optional(z.enum(['SUCCESS', 'FAILED', 'ABORTED'])),
  error: z.optional(z.string()),
  excType: z.optional(z.string()),
  result: z.optional(z.unknown()),
  startedBy: z.optional(
    z.nullable(
      z.strictObject({
        username: z.string().check(z.minLength(1)),
        type: z.optional(z.string()),
        detach: z.optional(z.enum(['queued', 'never'])),
      }),
    ),
  ),
  manual: z.optional(z.boolean()),
  ignoresAbort: z.optional(z.boolean()),
  messageIds: z.optional(z.array(z.union([z.string(), z.number()]))),
});

export const FAULTS = ['restart', 'drop', 'stall', 'unstall', 'expireSessions', 'malformed', 'oversized', 'revokeApiKey'] as const;
export type Fault = (typeof FAULTS)[number];

export type ScenarioStep =
  | { type: 'wait'; ms: number }
  | { type: 'job'; job: JobSpec; await?: boolean; count?: number }
  | { type: 'fault'; fault: Fault; user?: string; downtimeMs?: number; code?: number }
  | { type: 'repeat'; times: number; steps: ScenarioStep[] };

export const ScenarioStepSchema: z.ZodMiniType<ScenarioStep> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('wait'), ms: z.number().check(z.nonnegative()) }),
    z.strictObject({
      type: z.literal('job'),
      job: JobSpecSchema,
      await: z.optional(z.boolean()),
      count: z.optional(z.int().check(z.gte(1), z.lte(10_000))),
    }),
    z.strictObject({
      type: z.literal('fault'),
      fault: z.enum(FAULTS),
      user: z.optional(z.string()),
      downtimeMs: z.optional(z.number().check(z.nonnegative())),
      code: z.optional(z.int().check(z.gte(1000), z.lte(4999))),
    }),
    z.strictObject({
      type: z.literal('repeat'),
      times: z.int().check(z.gte(1)),
      steps: z.array(ScenarioStepSchema).check(z.minLength(1)),
    }),
  ]),
);

export const ScriptScenarioSchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  /** Start over when the last step is done, until aborted. */
  loop: z.optional(z.boolean()),
  steps: z.array(ScenarioStepSchema),
});

export type ScriptScenario = z.infer<typeof ScriptScenarioSchema>;

export type Scenario = ScriptScenario | ProgramScenario;

export class ScenarioError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}:\n${issues.map((i) => `  - ${i}`).join('\n')}` : message);
    this.name = 'ScenarioError';
  }
}

/** Validates a parsed JSON value as a scenario; throws ScenarioError listing every issue with its path. */
export function parseScenario(value: unknown, source = 'scenario'): ScriptScenario {
  const r = ScriptScenarioSchema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new ScenarioError(`Invalid ${source}`, issues);
  }
  return r.data;
}

const s = (ms: number): ScenarioStep => ({ type: 'wait', ms });

export interface StressOptions {
  /** Jobs running at once, all started together. Default 100. */
  jobs?: number;
  /** How long each runs (unscaled ms). Default 30 000. */
  durationMs?: number;
  /** Progress events of each job, evenly spread (each one changes the description, so each is sent). Default 300. */
  steps?: number;
}

/**
 * Many cloud syncs reporting progress at once, every one finishing: 100 jobs × 300 progress events over 30 s, i.e.
 * 1 000 events/s and 30 000 progress events by default (rclone reports about once a second per job, `--stats 1s`).
 */
export function stressScenario(options: StressOptions = {}): ScriptScenario {
  const jobs = options.jobs ?? 100;
  const durationMs = options.durationMs ?? 30_000;
  const steps = options.steps ?? 300;
  const progress = Array.from({ length: steps }, (_, i) => ({
    percent: Math.floor((i * 100) / steps),
    description: `Transferred: ${i * 37} MiB / ${steps * 37} MiB, ${Math.floor((i * 100) / steps)}%, 12.3 MiB/s, step ${i + 1} of ${steps}`,
  }));
  return parseScenario({
    name: 'stress',
    description: `${jobs} cloud syncs at once, ${steps} progress events each over ${durationMs / 1000} s, all finishing.`,
    steps: [
      {
        type: 'job',
        count: jobs,
        await: true,
        job: {
          method: 'cloudsync.sync',
          arguments: [7],
          description: 'Cloud sync task "offsite"',
          abortable: true,
          durationMs,
          progress,
          finalPercent: 100,
        },
      },
    ],
  });
}

const NAMED: Record<string, () => Scenario> = {
  demo: () => demoScenario(),
  stress: () => stressScenario(),
  insights: () => insightsScenario(),
  failures: () =>
    parseScenario({
      name: 'failures',
      description: 'A few successes, then a burst of failures within a second, then a success.',
      steps: [
        { type: 'job', job: { method: 'pool.snapshottask.run', arguments: [1], durationMs: 300 } },
        {
          type: 'job',
          job: { method: 'cloudsync.sync', arguments: [3], abortable: true, logs: true, durationMs: 800, finalPercent: 100 },
          await: true,
        },
        s(500),
        {
          type: 'job',
          count: 5,
          job: {
            method: 'replication.run',
            arguments: [2, false],
            logs: true,
            durationMs: 200,
            outcome: 'FAILED',
            error: '[EFAULT] Failed to connect to remote host.',
          },
        },
        {
          type: 'job',
          job: {
            method: 'cloudsync.sync',
            arguments: [4],
            abortable: true,
            logs: true,
            durationMs: 300,
            outcome: 'FAILED',
            error: '[EFAULT] rclone failed with exit code 1',
          },
        },
        s(1500),
        { type: 'job', job: { method: 'pool.snapshottask.run', arguments: [1], durationMs: 300 }, await: true },
      ],
    }),
  restart: () =>
    parseScenario({
      name: 'restart',
      description: 'Jobs running, an abrupt middleware restart (ids start again at 1), then new jobs.',
      steps: [
        {
          type: 'job',
          job: {
            method: 'pool.scrub.scrub',
            arguments: ['tank'],
            description: "Scrub of pool 'tank'",
            durationMs: 60_000,
            progress: [{ percent: 10, description: 'Scrubbing' }],
          },
        },
        {
          type: 'job',
          job: {
            method: 'replication.run',
            arguments: [2, false],
            logs: true,
            durationMs: 300,
            outcome: 'FAILED',
            error: '[EFAULT] Failed to connect to remote host.',
          },
        },
        s(1000),
        { type: 'fault', fault: 'restart', downtimeMs: 2000 },
        s(500),
        {
          type: 'job',
          job: {
            method: 'replication.run',
            arguments: [2, false],
            logs: true,
            durationMs: 500,
            outcome: 'FAILED',
            error: '[EFAULT] Failed to connect to remote host.',
          },
          await: true,
        },
        { type: 'job', job: { method: 'pool.snapshottask.run', arguments: [1], durationMs: 300 }, await: true },
      ],
    }),
  faults: () =>
    parseScenario({
      name: 'faults',
      description: 'Malformed and oversized frames, a stall, a silent session expiry and dropped connections between failures.',
      steps: [
        { type: 'fault', fault: 'malformed' },
        {
          type: 'job',
          job: {
            method: 'replication.run',
            arguments: [2, false],
            durationMs: 200,
            outcome: 'FAILED',
            error: '[EFAULT] after malformed frames',
          },
          await: true,
        },
        { type: 'fault', fault: 'oversized' },
        s(1000),
        { type: 'fault', fault: 'stall' },
        {
          type: 'job',
          job: { method: 'cloudsync.sync', arguments: [3], durationMs: 200, outcome: 'FAILED', error: '[EFAULT] while stalled' },
          await: true,
        },
        s(3000),
        { type: 'fault', fault: 'unstall' },
        { type: 'fault', fault: 'expireSessions' },
        {
          type: 'job',
          job: { method: 'replication.run', arguments: [2, false], durationMs: 200, outcome: 'FAILED', error: '[EFAULT] while expired' },
          await: true,
        },
        s(2000),
        { type: 'fault', fault: 'drop' },
        s(1000),
        { type: 'job', job: { method: 'pool.snapshottask.run', arguments: [1], durationMs: 200 }, await: true },
      ],
    }),
};

export const SCENARIO_NAMES = Object.keys(NAMED);

/** A named scenario ("demo", "failures", "restart", "faults", "stress", "insights") or a JSON file path. */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const named = NAMED[nameOrPath];
  if (named) return named();
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (e) {
    throw new ScenarioError(
      `Unknown scenario "${nameOrPath}" (named: ${SCENARIO_NAMES.join(', ')}; or a JSON file): ${(e as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`Scenario file ${nameOrPath} is not valid JSON: ${(e as Error).message}`);
  }
  return parseScenario(value, `scenario file ${nameOrPath}`);
}

async function runSteps(sim: Simulator, steps: ScenarioStep[], signal: AbortSignal): Promise<void> {
  for (const step of steps) {
    if (signal.aborted) return;
    switch (step.type) {
      case 'wait':
        await sim.sleep(step.ms, signal);
        break;
      case 'job': {
        const ids: number[] = [];
        for (let i = 0; i < (step.count ?? 1); i++) ids.push(sim.startJob(step.job));
        if (step.await) await unlessAborted(Promise.all(ids.map((id) => sim.waitForJob(id))), signal);
        break;
      }
      case 'fault':
        await applyFault(sim, step, signal);
        break;
      case 'repeat':
        for (let i = 0; i < step.times && !signal.aborted; i++) await runSteps(sim, step.steps, signal);
        break;
    }
  }
}

async function applyFault(sim: Simulator, step: Extract<ScenarioStep, { type: 'fault' }>, signal: AbortSignal): Promise<void> {
  switch (step.fault) {
    case 'restart':
      await unlessAborted(sim.restartMiddleware(step.downtimeMs !== undefined ? { downtimeMs: step.downtimeMs } : {}), signal);
      return;
    case 'drop':
      return sim.dropConnections(step.code !== undefined ? { code: step.code } : {});
    case 'stall':
      return sim.stall();
    case 'unstall':
      return sim.unstall();
    case 'expireSessions':
      return sim.expireSessions();
    case 'malformed':
      sim.sendMalformed();
      return;
    case 'oversized':
      sim.sendOversized();
      return;
    case 'revokeApiKey':
      return sim.revokeApiKey(step.user ?? sim.credentials.username);
  }
}

/**
 * Runs a scenario against a simulator. Resolves when the scenario ends, or quietly when `signal` aborts
 * (a looping scenario or the demo only ends that way).
 */
export async function runScenario(sim: Simulator, scenario: Scenario, opts: { signal?: AbortSignal; seed?: number } = {}): Promise<void> {
  const signal = opts.signal ?? new AbortController().signal;
  try {
    if ('run' in scenario) {
      await scenario.run(sim, { signal, seed: opts.seed ?? 1 });
      return;
    }
    do {
      await runSteps(sim, scenario.steps, signal);
    } while (scenario.loop && !signal.aborted);
  } catch (e) {
    if (signal.aborted) return;
    throw e;
  }
}
