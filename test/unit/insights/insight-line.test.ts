/** The CLI's `type: "insight"` line: built from an insight, valid against the shipped JSON Schema, and readable as a human line. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { humanLine, jsonLine } from '../../../electron/cli/lines';
import { NdjsonLineSchema } from '../../../electron/cli/ndjson';
import type { Insight } from '../../../electron/core/insights';

const insight: Insight = {
  kind: 'slower-than-usual',
  server: 'nas1',
  key: 'nas1\u00007\u00001796157459000\u0000replication.run',
  jobId: 7,
  method: 'replication.run',
  task: 'replication.run [2]',
  description: 'tank/data',
  timeStarted: 1_796_157_459_000,
  catchUp: false,
  figures: { elapsedMs: 7_800_000, usualMs: 2_100_000, p90Ms: 2_400_000, thresholdMs: 4_200_000, runs: 9 },
  detail: null,
  at: 1_796_165_259_000,
};

describe('insight NDJSON line', () => {
  it('carries kind, task, figures, ts and v, and validates against the shipped schema and the zod one', () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(join(process.cwd(), 'docs', 'ndjson.schema.json'), 'utf8')) as object);
    for (const i of [
      insight,
      { ...insight, kind: 'still-failing' as const, figures: { failedRuns: 3 }, detail: '[EFAULT] refused\nmore' },
    ]) {
      const line = JSON.parse(
        jsonLine({ type: 'insight', insight: i, serverName: 'nas1' }, new Date('2026-01-02T03:04:05.000Z')),
      ) as Record<string, unknown>;
      expect(line).toMatchObject({
        v: 1,
        type: 'insight',
        kind: i.kind,
        task: 'replication.run [2]',
        jobId: 7,
        ts: '2026-01-02T03:04:05.000Z',
        figures: i.figures,
      });
      expect(validate(line), JSON.stringify(validate.errors)).toBe(true);
      expect(NdjsonLineSchema.safeParse(line).success).toBe(true);
    }
  });

  it('reads as one human line', () => {
    expect(humanLine({ type: 'insight', insight, serverName: 'nas1' }, new Date(2026, 0, 2, 3, 4, 5))).toMatch(
      /nas1 insight slower-than-usual: tank\/data has run 2 h 10 min; it usually takes 35 min\.$/,
    );
  });
});
