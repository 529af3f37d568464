import { describe, expect, it } from 'vitest';
import { completeJob, parseJobFields } from '../../../electron/core/protocol/job-schema';

function parsed(fields: unknown) {
  const result = parseJobFields(fields);
  if (!result.ok) throw new Error(`expected valid job, got: ${result.reason}`);
  return result.patch;
}

describe('parseJobFields', () => {
  it('accepts a CORE 13.3 job: few fields, all-null progress, float percent, millisecond dates, exc_info without repr', () => {
    const patch = parsed({
      id: 7,
      method: 'pool.scrub',
      arguments: [1],
      logs_path: null,
      logs_excerpt: null,
      progress: { percent: null, description: null, extra: null },
      result: null,
      error: '[EFAULT] nope',
      exception: 'Traceback…',
      exc_info: { type: 'CallError', extra: null },
      state: 'FAILED',
      time_started: { $date: 1_600_000_000_123 },
      time_finished: { $date: 1_600_000_100_456 },
    });
    expect(patch).toEqual({
      id: 7,
      method: 'pool.scrub',
      arguments: [1],
      logsPath: null,
      logsExcerpt: null,
      progress: { percent: null, description: null },
      error: '[EFAULT] nope',
      exception: 'Traceback…',
      excInfo: { type: 'CallError', repr: null, errno: null },
      state: 'FAILED',
      timeStarted: 1_600_000_000_123,
      timeFinished: 1_600_000_100_456,
    });
    expect(patch.transient).toBeUndefined();
    expect(patch.credentials).toBeUndefined();

    const job = completeJob(patch);
    expect(job.transient).toBe(false);
    expect(job.abortable).toBe(false);
    expect(job.description).toBeNull();
    expect(job.credentials).toBeNull();
    expect(job.state).toBe('FAILED');

    expect(parsed({ id: 8, progress: { percent: 12.5, description: null, extra: null } }).progress).toEqual({
      percent: 12.5,
      description: null,
    });
  });

  it('accepts a SCALE 24.10 job with credentials, exc_info.errno and result_encoding_error, and drops result', () => {
    const patch = parsed({
      id: 120,
      method: 'replication.run',
      arguments: [2, false],
      transient: false,
      description: null,
      abortable: false,
      logs_path: '/var/log/jobs/120.log',
      logs_excerpt: 'line\n',
      progress: { percent: 3, description: 'Sending 1 of 2', extra: null },
      result: { secret: 'do not keep' },
      result_encoding_error: null,
      error: '[EFAULT] Failed to connect to remote host.',
      exception: 'Traceback',
      exc_info: { repr: "CallError('x', 14, None)", type: 'CallError', errno: 14, extra: null },
      state: 'FAILED',
      time_started: { $date: 1_750_417_200_000 },
      time_finished: { $date: 1_750_417_205_000 },
      credentials: { type: 'API_KEY', data: { username: 'monitor', api_key: { id: 1, name: 'jobwatch' } } },
    });
    expect(patch.credentials).toEqual({ type: 'API_KEY', username: 'monitor' });
    expect(patch.excInfo).toEqual({ type: 'CallError', repr: "CallError('x', 14, None)", errno: 14 });
    expect(patch.timeFinished).toBe(1_750_417_205_000);
    expect(JSON.stringify(patch)).not.toContain('do not keep');
    expect('result' in patch).toBe(false);
  });

  it('accepts a 25.10 job with message_ids and unknown future fields, and credentials without username', () => {
    const patch = parsed({
      id: 119,
      message_ids: ['c7a3e0f2-1f0b-4c61-8d2e-2b8f3a9d4e10'],
      method: 'cloudsync.sync',
      arguments: [3],
      transient: false,
      description: null,
      abortable: true,
      logs_path: null,
      logs_excerpt: null,
      progress: { percent: 0, description: '', extra: null },
      result: null,
      result_encoding_error: null,
      error: null,
      exception: null,
      exc_info: null,
      state: 'WAITING',
      time_started: { $date: 1_750_413_600_000 },
      time_finished: null,
      credentials: { type: 'TRUENAS_NODE', data: {} },
      some_field_from_27: { x: 1 },
    });
    expect(patch.credentials).toEqual({ type: 'TRUENAS_NODE', username: null });
    expect(patch.timeFinished).toBeNull();
    expect(patch.progress).toEqual({ percent: 0, description: '' });
    expect('message_ids' in patch).toBe(false);
    expect('some_field_from_27' in patch).toBe(false);
  });

  it('returns only the fields present in a partial event', () => {
    expect(parsed({ id: 3, progress: { percent: 40, description: 'x', extra: null } })).toEqual({
      id: 3,
      progress: { percent: 40, description: 'x' },
    });
    expect(parsed({ id: 3, credentials: null, progress: null })).toEqual({
      id: 3,
      credentials: null,
      progress: { percent: null, description: null },
    });
  });

  it('rejects junk with a reason naming the field', () => {
    const cases: [unknown, string][] = [
      [null, '(job)'],
      ['job', '(job)'],
      [[], '(job)'],
      [{ method: 'x' }, 'id'],
      [{ id: '5' }, 'id'],
      [{ id: 1.5 }, 'id'],
      [{ id: 1, state: 'DONE' }, 'state'],
      [{ id: 1, time_started: '2025-01-01T00:00:00Z' }, 'time_started'],
      [{ id: 1, time_finished: { $date: 'soon' } }, 'time_finished'],
      [{ id: 1, progress: { percent: '50%' } }, 'progress.percent'],
      [{ id: 1, arguments: 'a' }, 'arguments'],
      [{ id: 1, credentials: { data: {} } }, 'credentials.type'],
    ];
    for (const [input, field] of cases) {
      const result = parseJobFields(input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
      if (!result.ok) expect(result.reason).toContain(field);
    }
  });
});

describe('transient jobs without a transient field (CORE 13)', () => {
  const core13 = (method: string) => ({
    id: 3,
    method,
    arguments: [],
    logs_path: null,
    logs_excerpt: null,
    progress: { percent: 100, description: null, extra: null },
    result: null,
    error: null,
    exception: null,
    exc_info: null,
    state: 'SUCCESS',
    time_started: { $date: 1_600_000_000_123 },
    time_finished: { $date: 1_600_000_000_456 },
  });

  it('marks the known transient methods transient, and no other', () => {
    for (const method of ['alert.process_alerts', 'alert.send_alerts', 'alert.oneshot_create', 'alert.oneshot_delete']) {
      expect(completeJob(parsed(core13(method))).transient, method).toBe(true);
    }
    expect(parsed(core13('pool.scrub')).transient).toBeUndefined();
    expect(completeJob(parsed(core13('alert.list'))).transient).toBe(false);
  });

  it('believes the field when the server sends it', () => {
    expect(parsed({ ...core13('alert.process_alerts'), transient: false }).transient).toBe(false);
    expect(parsed({ ...core13('pool.scrub'), transient: true }).transient).toBe(true);
  });
});

describe('bounds at the edge (issue 9)', () => {
  const failed = (extra: Record<string, unknown>) => ({
    id: 41,
    method: 'replication.run',
    arguments: [1],
    state: 'FAILED',
    error: '[EFAULT] boom',
    time_started: { $date: 1_750_000_000_000 },
    time_finished: { $date: 1_750_000_100_000 },
    ...extra,
  });

  it('a FAILED job with an impossible date is still a job: the date becomes unknown, every formatter works', () => {
    for (const bad of [1e300, -1e300, 8.64e15 + 1, 253_402_300_800_000]) {
      const patch = parsed(failed({ time_finished: { $date: bad }, time_started: bad }));
      expect(patch.state).toBe('FAILED');
      expect(patch.timeFinished).toBeNull();
      expect(patch.timeStarted).toBeNull();
    }
    // JSON.parse turns 1e400 into Infinity, which zod's number refuses: the job must survive that too.
    const patch = parsed(JSON.parse('{"id": 42, "state": "FAILED", "time_started": {"$date": 1e400}, "time_finished": {"$date": -1e400}}'));
    expect(patch).toMatchObject({ id: 42, state: 'FAILED', timeStarted: null, timeFinished: null });
    // Real dates, CORE 13 milliseconds included, are kept.
    expect(parsed(failed({ time_finished: { $date: 1_600_000_000_123 } })).timeFinished).toBe(1_600_000_000_123);
  });

  it('cuts every string of a job to its limit and says so', () => {
    const huge = 'x'.repeat(4 * 1024 * 1024);
    const patch = parsed(
      failed({
        method: huge,
        description: huge,
        error: huge,
        exception: huge,
        logs_excerpt: huge,
        logs_path: huge,
        progress: { percent: 1, description: huge, extra: { blob: huge } },
        exc_info: { type: huge, repr: huge, errno: 5, extra: huge },
        credentials: { type: huge, data: { username: huge } },
        result: huge,
      }),
    );
    const strings = [
      patch.method,
      patch.description,
      patch.error,
      patch.exception,
      patch.logsExcerpt,
      patch.logsPath,
      patch.progress?.description,
      patch.excInfo?.type,
      patch.excInfo?.repr,
      patch.credentials?.type,
      patch.credentials?.username,
    ];
    for (const text of strings) {
      expect(typeof text).toBe('string');
      expect((text as string).length).toBeLessThanOrEqual(64 * 1024);
      // Only the end is compared: a failing match would print megabytes.
      expect((text as string).slice(-40)).toMatch(/… \(cut: (3\.9|4\.0) MiB from the server\)$/);
    }
    expect(patch.exception!.length).toBeGreaterThan(60 * 1024); // enough of a traceback for the detail view
    expect(patch.method!.length).toBeLessThanOrEqual(256);
    expect(JSON.stringify(patch).length).toBeLessThan(300 * 1024);
  });

  it('keeps arguments for the detail view within 16 KiB and 32 levels, marking what was cut', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 20_000; i += 1) deep = [deep];
    const patch = parsed(failed({ arguments: [{ password: '********', big: 'y'.repeat(1024 * 1024) }, deep, 3] }));
    const text = JSON.stringify(patch.arguments);
    expect(text.length).toBeLessThanOrEqual(18 * 1024);
    expect(text).toContain('cut: ');
    expect(patch.arguments![0]).toMatchObject({ password: '********' });
    expect(() => structuredClone(patch.arguments)).not.toThrow();
  });

  it('a __proto__ key in a job changes no prototype', () => {
    const raw = JSON.parse(
      '{"id": 43, "__proto__": {"state": "SUCCESS"}, "state": "FAILED", "arguments": [{"__proto__": {"polluted": 1}}], "progress": {"__proto__": {"percent": 99}}}',
    ) as unknown;
    const patch = parsed(raw);
    expect(patch.state).toBe('FAILED');
    expect(patch.progress).toEqual({ percent: null, description: null });
    const first = patch.arguments![0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(first['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
