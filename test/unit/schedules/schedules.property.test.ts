import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addInterval,
  covered,
  dueTimes,
  inWindow,
  judgeDueTimes,
  type CronSchedule,
  type Interval,
} from '../../../electron/core/schedules';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.UTC(2025, 5, 1, 0, 0, 0);
const ZONES = ['UTC', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide', 'Pacific/Chatham'];

const field = (max: number, min = 0) =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min, max }).map(String),
    fc.integer({ min: 2, max: Math.max(2, Math.floor(max / 2)) }).map((n) => `*/${n}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  );
const time = fc
  .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const schedule: fc.Arbitrary<CronSchedule> = fc.record({
  minute: field(59),
  hour: fc.oneof(fc.constant('*'), field(23)),
  dom: fc.oneof(fc.constant('*'), field(28, 1)),
  month: fc.constant('*'),
  dow: fc.oneof(fc.constant('*'), field(7, 0)),
  begin: time,
  end: time,
});
const zone = fc.constantFrom(...ZONES);
const rule = fc.constantFrom('vixie' as const, 'croniter' as const);

describe('due times', () => {
  it('never fall outside the begin/end window and come in order', () => {
    fc.assert(
      fc.property(schedule, zone, rule, (s, z, r) => {
        const { times } = dueTimes(s, z, r, START, START + 3 * DAY, 500);
        for (let i = 0; i < times.length; i++) {
          expect(inWindow(s, times[i]!, z)).toBe(true);
          if (i > 0) expect(times[i]!).toBeGreaterThan(times[i - 1]!);
          expect(times[i]! % MIN).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('are read in the server time zone', () => {
    const berlin = dueTimes({ minute: '0', hour: '3', dom: '*', month: '*', dow: '*' }, 'Europe/Berlin', 'vixie', START, START + 2 * DAY);
    // 03:00 CEST is 01:00 UTC.
    expect(berlin.times.map((t) => new Date(t).toISOString())).toEqual(['2025-06-01T01:00:00.000Z', '2025-06-02T01:00:00.000Z']);
    const kolkata = dueTimes({ minute: '0', hour: '3', dom: '*', month: '*', dow: '*' }, 'Asia/Kolkata', 'vixie', START, START + DAY);
    expect(kolkata.times.map((t) => new Date(t).toISOString())).toEqual(['2025-06-01T21:30:00.000Z']);
  });

  it('OR day-of-month and day-of-week as Vixie cron does, and only then', () => {
    const june = (s: Partial<CronSchedule>, r: 'vixie' | 'croniter') =>
      dueTimes({ minute: '0', hour: '3', dom: '*', month: '*', dow: '*', ...s }, 'UTC', r, START - 1, START + 14 * DAY).times.map((t) =>
        new Date(t).getUTCDate(),
      );
    // 1 June 2025 is a Sunday. "1 * 1": the 1st or Mondays.
    expect(june({ dom: '1', dow: '1' }, 'vixie')).toEqual([1, 2, 9]);
    // "*/2" starts with "*": cron ANDs (odd days that are Mondays); croniter ORs.
    expect(june({ dom: '*/2', dow: '1' }, 'vixie')).toEqual([9]);
    expect(june({ dom: '*/2', dow: '1' }, 'croniter')).toEqual([1, 2, 3, 5, 7, 9, 11, 13]);
    // TrueNAS writes Sunday as 7.
    expect(june({ dow: '7' }, 'vixie')).toEqual([1, 8]);
  });

  it('bound the work on a long gap', () => {
    const r = dueTimes({ minute: '*', hour: '*', dom: '*', month: '*', dow: '*' }, 'UTC', 'vixie', START, START + 30 * DAY, 100);
    expect(r.times).toHaveLength(100);
    expect(r.truncated).toBe(true);
    expect(r.scannedUntil).toBe(r.times[99]);
  });
});

describe('watched intervals', () => {
  it('stay sorted and disjoint, and cover exactly what was added', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 50 })), { maxLength: 40 }),
        fc.integer({ min: 0, max: 1100 }),
        (adds, probe) => {
          let ivs: Interval[] = [];
          for (const [from, len] of adds) ivs = addInterval(ivs, from, from + len);
          for (let i = 1; i < ivs.length; i++) expect(ivs[i]!.from).toBeGreaterThan(ivs[i - 1]!.to);
          const inAny = adds.some(([from, len]) => probe >= from && probe <= from + len);
          expect(covered(ivs, probe, probe)).toBe(inAny);
        },
      ),
    );
  });
});

describe('judging due times', () => {
  const dues = fc
    .uniqueArray(fc.integer({ min: 0, max: 2000 }), { maxLength: 30 })
    .map((a) => a.sort((x, y) => x - y).map((m) => START + m * MIN));
  const tolerance = fc.integer({ min: 1, max: 15 }).map((m) => m * MIN);

  it('never say missed when every due time has a run within the tolerance', () => {
    fc.assert(
      fc.property(dues, tolerance, fc.integer({ min: 0, max: 1000 }), (due, tol, jitter) => {
        const runs = due.map((d) => ({ startedAt: d + Math.min(tol, jitter * 1000), finishedAt: d + tol + 5 * MIN }));
        const out = judgeDueTimes({ due, runs, watched: [{ from: 0, to: START + 3 * DAY }], toleranceMs: tol, earlyMs: 30_000 });
        expect(out.every((j) => j.verdict === 'ran')).toBe(true);
      }),
    );
  });

  it('never say missed for a time Jobwatch was not watching; say missed only when it was', () => {
    fc.assert(
      fc.property(
        dues,
        tolerance,
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 300 })), { maxLength: 8 }),
        (due, tol, gaps) => {
          let watched: Interval[] = [];
          for (const [from, len] of gaps) watched = addInterval(watched, START + from * MIN, START + (from + len) * MIN);
          const out = judgeDueTimes({ due, runs: [], watched, toleranceMs: tol, earlyMs: 30_000 });
          for (const j of out) {
            const watchedAll = covered(watched, j.dueAt, j.dueAt + tol);
            expect(j.verdict).toBe(watchedAll ? 'missed' : 'could-not-check');
          }
        },
      ),
    );
  });

  it('say missed when watching began only just before the due time (earlier runs were in the snapshot)', () => {
    const d = START + HOUR;
    const out = judgeDueTimes({ due: [d], runs: [], watched: [{ from: d - 10_000, to: d + DAY }], toleranceMs: MIN, earlyMs: 30_000 });
    expect(out[0]!.verdict).toBe('missed');
  });

  it('count a run still going at the due time (cron queues the call behind it)', () => {
    const d = START + HOUR;
    const out = judgeDueTimes({
      due: [d],
      runs: [{ startedAt: d - 2 * HOUR, finishedAt: null }],
      watched: [{ from: 0, to: d + DAY }],
      toleranceMs: MIN,
      earlyMs: 0,
    });
    expect(out[0]!.verdict).toBe('ran');
  });

  it('never say missed for a scrub skipped on purpose because the last one is recent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 60 }), fc.integer({ min: 0, max: 100 }), (threshold, daysSince) => {
        const last = START;
        const d = START + daysSince * DAY + HOUR;
        const out = judgeDueTimes({
          due: [d],
          runs: [{ startedAt: last, finishedAt: last + 10 * MIN }],
          watched: [{ from: 0, to: d + DAY }],
          toleranceMs: 10 * MIN,
          earlyMs: 30_000,
          scrubThresholdDays: threshold,
        });
        const expected = d - last < (threshold - 1) * DAY ? 'skipped' : 'missed';
        expect(out[0]!.verdict).toBe(expected);
      }),
    );
  });

  it('never say missed for a scrub whose last run is unknown (the server may have skipped it)', () => {
    const d = START + HOUR;
    const out = judgeDueTimes({
      due: [d],
      runs: [],
      watched: [{ from: 0, to: d + DAY }],
      toleranceMs: MIN,
      earlyMs: 0,
      scrubThresholdDays: 35,
    });
    expect(out[0]!.verdict).toBe('skipped');
  });

  it('take the latest run a definition tells of as covering every due time before it', () => {
    const d = START + HOUR;
    const watched = [{ from: 0, to: d + DAY }];
    expect(judgeDueTimes({ due: [d], runs: [], watched, toleranceMs: MIN, earlyMs: 30_000, latestRunAt: d + 5_000 })[0]!.verdict).toBe(
      'ran',
    );
    expect(judgeDueTimes({ due: [d], runs: [], watched, toleranceMs: MIN, earlyMs: 30_000, latestRunAt: d - HOUR })[0]!.verdict).toBe(
      'missed',
    );
  });
});
