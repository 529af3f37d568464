/**
 * The shipped JSON Schema (docs/ndjson.schema.json) is generated from the zod schemas in electron/cli/ndjson.ts
 * and must be up to date: regenerate with `JOBWATCH_WRITE_SCHEMA=1 npx vitest run test/unit/cli/ndjson-schema.test.ts`.
 * Lines built for every record type validate against the shipped file with Ajv (real CLI output is validated in
 * test/integration/cli-ndjson.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { NDJSON_VERSION, ndjsonJsonSchema } from '../../../electron/cli/ndjson';
import { jsonLine } from '../../../electron/cli/lines';
import type { CliRecord } from '../../../electron/cli/watch';
import type { NotificationView } from '../../../electron/core/view';

const SHIPPED = join(process.cwd(), 'docs', 'ndjson.schema.json');
const generated = `${JSON.stringify(ndjsonJsonSchema(), null, 2)}\n`;
if (process.env['JOBWATCH_WRITE_SCHEMA'] === '1') writeFileSync(SHIPPED, generated);

function validator() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(SHIPPED, 'utf8')) as object);
}

const notification: NotificationView = {
  id: 'n1',
  server: 'nas',
  title: 'nas: Replication failed',
  body: '[EFAULT] boom',
  urgency: 'critical',
  jobs: ['nas\u00004\u00001796157459000\u0000replication.run'],
  jobRefs: [{ server: 'nas', jobId: 4, method: 'replication.run', timeStarted: 1_796_157_459_000 }],
  catchUp: false,
  suppressed: null,
  createdAt: 1_796_157_460_000,
};

const records: CliRecord[] = [
  { type: 'connection', server: 'nas', state: 'live', detail: 'Live' },
  {
    type: 'transition',
    serverName: 'nas',
    transition: {
      server: 'nas',
      key: notification.jobs[0]!,
      jobId: 4,
      method: 'replication.run',
      description: null,
      transient: false,
      from: 'RUNNING',
      to: 'FAILED',
      error: '[EFAULT] boom',
      timeStarted: 1_796_157_459_000,
      timeFinished: null,
      catchUp: false,
    },
  },
  { type: 'notification', serverName: 'nas', notification },
  { type: 'error', server: null, message: 'Not reached within 1 s.' },
  {
    type: 'exec',
    server: 'nas',
    notificationId: 'n1',
    command: '/usr/local/bin/notify',
    status: 'failed',
    exitCode: 3,
    signal: null,
    stderr: 'no route\n',
    message: 'notify exited with status 3.',
  },
  {
    type: 'insight',
    serverName: 'nas',
    insight: {
      kind: 'missed-run',
      server: 'nas',
      key: null,
      jobId: null,
      method: 'replication.run',
      task: 'replication.run [2]',
      description: 'tank/data - backup/data',
      timeStarted: null,
      catchUp: false,
      figures: { expectedAt: 1_796_157_420_000, lastExpectedAt: 1_796_157_420_000, count: 1, toleranceMs: 600_000, lastRunAt: null },
      detail: 'Replication "tank/data - backup/data" was due at … and did not start within 10 min.',
      at: 1_796_158_100_000,
      schedule: { expression: '0 3 * * *', timezone: 'Europe/Berlin', dueAt: 1_796_157_420_000 },
    },
  },
  {
    type: 'insight',
    serverName: 'nas',
    insight: {
      kind: 'stalled',
      server: 'nas',
      key: notification.jobs[0]!,
      jobId: 4,
      method: 'replication.run',
      task: 'replication.run [2]',
      description: null,
      timeStarted: 1_796_157_459_000,
      catchUp: false,
      figures: { stalledForMs: 1_800_000, thresholdMs: 1_800_000, percent: 40 },
      detail: 'Sending',
      at: 1_796_159_300_000,
    },
  },
  {
    type: 'schedule-check',
    serverName: 'nas',
    check: {
      outcome: 'could-not-check',
      server: 'nas',
      task: 'cloudsync.sync [3]',
      method: 'cloudsync.sync',
      taskKind: 'cloudsync',
      taskId: 3,
      name: 'Photos to B2',
      dueAt: 1_796_157_420_000,
      lastDueAt: 1_796_157_540_000,
      count: 3,
      schedule: '* * * * *',
      timezone: 'Europe/Berlin',
      toleranceMs: 30_000,
      lastRunAt: null,
      notWatching: { from: 1_796_157_400_000, to: null },
      message: 'Could not check 3 scheduled runs of Cloud sync "Photos to B2" from … to …: Jobwatch was not watching the server from … .',
      ts: 1_796_157_600_000,
    },
  },
];

describe('the shipped NDJSON JSON Schema', () => {
  it('is the one generated from the zod line schemas (regenerate with JOBWATCH_WRITE_SCHEMA=1)', () => {
    expect(readFileSync(SHIPPED, 'utf8')).toBe(generated);
  });

  it('compiles in strict mode and accepts a line of every type, each with v and ts', () => {
    const validate = validator();
    for (const record of records) {
      const line = JSON.parse(jsonLine(record, new Date('2026-01-02T03:04:05.678Z'))) as Record<string, unknown>;
      expect(line).toMatchObject({ v: NDJSON_VERSION, ts: '2026-01-02T03:04:05.678Z' });
      expect(validate(line), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('names the task of every insight line by the same string, the missed run with its schedule beside it', () => {
    const lines = records.filter((r) => r.type === 'insight').map((r) => JSON.parse(jsonLine(r)) as Record<string, unknown>);
    expect(lines.map((l) => l['task'])).toEqual(['replication.run [2]', 'replication.run [2]']);
    expect(lines[0]).toMatchObject({ dueAt: '2026-12-01T20:37:00.000Z', schedule: '0 3 * * *', timezone: 'Europe/Berlin' });
    const gap = JSON.parse(jsonLine(records.at(-1)!)) as Record<string, unknown>;
    expect(gap).toMatchObject({
      type: 'schedule-check',
      outcome: 'could-not-check',
      task: 'cloudsync.sync [3]',
      count: 3,
      notWatchingFrom: '2026-12-01T20:36:40.000Z',
      notWatchingTo: null,
    });
    // A could-not-check is no insight: a script selecting insights never sees it.
    expect(gap['type']).not.toBe('insight');
  });

  it('names the jobs of a notification from an older producer (keys only) by their parts too', () => {
    const { jobRefs: _refs, ...older } = notification;
    const line = JSON.parse(
      jsonLine({
        type: 'notification',
        serverName: 'nas',
        notification: { ...older, jobs: [...older.jobs, 'nas\u00005\u0000null\u0000pool.scrub.scrub'] },
      }),
    ) as Record<string, unknown>;
    expect(line['jobs']).toEqual([
      { server: 'nas', jobId: 4, method: 'replication.run', timeStarted: '2026-12-01T20:37:39.000Z' },
      { server: 'nas', jobId: 5, method: 'pool.scrub.scrub', timeStarted: null },
    ]);
    expect(validator()(line)).toBe(true);
  });

  it('refuses what the contract rules out: a NUL-joined job key, a missing ts, an unknown field, another version', () => {
    const validate = validator();
    const good = JSON.parse(jsonLine(records[2]!)) as Record<string, unknown>;
    expect(validate({ ...good, jobs: notification.jobs })).toBe(false);
    const { ts: _ts, ...noTs } = good;
    expect(validate(noTs)).toBe(false);
    expect(validate({ ...good, extra: 1 })).toBe(false);
    expect(validate({ ...good, v: 2 })).toBe(false);
  });
});
