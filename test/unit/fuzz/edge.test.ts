/**
 * The edge alone, many more cases than the pipeline suite: the frame parsers of both protocols and the job schema
 * never throw on any text, and every well-typed job, however hostile its content, parses into a bounded patch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonRpcFrame, parseLegacyFrame } from '../../../electron/core/protocol/frames';
import { completeJob, parseJobFields } from '../../../electron/core/protocol/job-schema';
import { ARGUMENTS_MAX_CHARS, JOB_TEXT_LIMITS, MAX_NESTING_DEPTH } from '../../../electron/core/protocol/bounds';
import { COMPACT, anyState, hostileJob, junkFrame, junkJob } from './hostile-frames';

const LONGEST_TEXT = Math.max(...Object.values(JOB_TEXT_LIMITS));

function depthOf(value: unknown): number {
  let depth = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, level] = stack.pop()!;
    if (node !== null && typeof node === 'object') {
      depth = Math.max(depth, level + 1);
      for (const member of Object.values(node)) stack.push([member, level + 1]);
    }
  }
  return depth;
}

describe('fuzz: the edge', () => {
  it('found by this suite: a notification method that is an object with its own toString is a bad frame, not a throw', () => {
    for (const text of ['{"method":{"toString":1}}', '{"method":{"toString":{},"valueOf":{}}}', '{"method":["x"]}']) {
      const parsed = parseJsonRpcFrame(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toMatch(/unknown notification method \(object\)/);
    }
  });

  it('the frame parsers never throw, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(junkFrame, fc.string({ unit: 'binary' }), junkJob), (text) => {
        expect(() => parseJsonRpcFrame(text)).not.toThrow();
        expect(() => parseLegacyFrame(text)).not.toThrow();
        let value: unknown = text;
        try {
          value = JSON.parse(text);
        } catch {
          // not JSON: the schema gets the text itself
        }
        expect(() => parseJobFields(value)).not.toThrow();
      }),
      { ...COMPACT, numRuns: 300 } as fc.Parameters<[string]>,
    );
  });

  it('every well-typed job parses, keeps its state and id, and is bounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).chain((id) =>
          fc.tuple(
            fc.constant(id),
            anyState.chain((state) => fc.tuple(fc.constant(state), hostileJob(id, fc.constant(state)))),
          ),
        ),
        ([id, [state, text]]) => {
          const parsed = parseJobFields(JSON.parse(text));
          expect(parsed.ok).toBe(true);
          if (!parsed.ok) return;
          const job = completeJob(parsed.patch);
          expect(job.id).toBe(id);
          expect(job.state).toBe(state);
          expect(job.transient).toBe(false);
          for (const text of [
            job.method,
            job.description,
            job.error,
            job.exception,
            job.logsExcerpt,
            job.logsPath,
            job.progress.description,
            job.excInfo?.type,
            job.excInfo?.repr,
            job.credentials?.type,
            job.credentials?.username,
          ]) {
            if (typeof text === 'string') expect(text.length).toBeLessThanOrEqual(LONGEST_TEXT);
          }
          for (const ms of [job.timeStarted, job.timeFinished]) if (ms !== null) expect(() => new Date(ms).toISOString()).not.toThrow();
          expect(JSON.stringify(job.arguments).length).toBeLessThanOrEqual(ARGUMENTS_MAX_CHARS + 4 * 1024);
          expect(depthOf(job.arguments)).toBeLessThanOrEqual(MAX_NESTING_DEPTH + 1);
          expect('result' in job).toBe(false);
        },
      ),
      { ...COMPACT, numRuns: 150 } as fc.Parameters<[[number, [string, string]]]>,
    );
  });
});
