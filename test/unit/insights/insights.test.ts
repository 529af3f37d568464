import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RunRecord } from '../../../electron/core/history';
import {
  InsightLog,
  StallWatch,
  decideOutcome,
  decideSlower,
  insightText,
  slowThreshold,
  usualDuration,
  type Insight,
} from '../../../electron/core/insights';
import { NotificationPlanner } from '../../../electron/core/planner';
import { classifyInsight } from '../../../electron/core/classification';
import { FailureInbox } from '../../../electron/core/failures';
import { NOON, settings, transition, utcMinuteOfDay } from '../rules/fixtures';

const MIN = 60_000;

function runs(outcomes: string, durationMs = 35 * MIN): RunRecord[] {
  return [...outcomes].map((c, i) => ({
    jobKey: `k${i}`,
    jobId: i,
    startedAt: i * 86_400_000,
    durationMs,
    outcome: c === 'S' ? 'SUCCESS' : c === 'F' ? 'FAILED' : 'ABORTED',
    error: c === 'F' ? `[EFAULT] failure ${i}` : null,
  }));
}

function insight(over: Partial<Insight> = {}): Insight {
  return {
    kind: 'slower-than-usual',
    server: 'nas1',
    key: 'nas1\u00007\u00001000\u0000replication.run',
    jobId: 7,
    method: 'replication.run',
    task: 'replication.run [2]',
    description: 'tank/data',
    timeStarted: 1000,
    catchUp: false,
    figures: { elapsedMs: 130 * MIN, usualMs: 35 * MIN, p90Ms: 40 * MIN, thresholdMs: 70 * MIN, runs: 5 },
    detail: null,
    at: NOON,
    ...over,
  };
}

describe('slower than usual', () => {
  it('passes max(2 × median, p90 + 10 min) of at least five successful runs', () => {
    expect(slowThreshold([35, 35, 35, 35, 35].map((m) => m * MIN))).toEqual({
      thresholdMs: 70 * MIN,
      usualMs: 35 * MIN,
      p90Ms: 35 * MIN,
      runs: 5,
    });
    // Short runs: the p90 + 10 min margin wins over twice the median.
    expect(slowThreshold([1, 1, 1, 1, 2].map((m) => m * MIN))?.thresholdMs).toBe(12 * MIN);
    expect(decideSlower(70 * MIN, runs('SSSSS'))).toBeNull();
    expect(decideSlower(130 * MIN, runs('SSSSS'))).toMatchObject({
      elapsedMs: 130 * MIN,
      usualMs: 35 * MIN,
      thresholdMs: 70 * MIN,
      runs: 5,
    });
  });

  it('counts only successful runs with a duration', () => {
    expect(decideSlower(1000 * MIN, runs('SSSSFFFFAA'))).toBeNull();
    expect(decideSlower(1000 * MIN, [...runs('SSSS'), { ...runs('S')[0]!, jobKey: 'x', durationMs: null }])).toBeNull();
  });

  it('never with fewer than five earlier successful runs (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('S', 'F', 'A'), { maxLength: 30 }), fc.nat(), (outcomes, elapsed) => {
        const earlier = runs(outcomes.join(''));
        if (earlier.filter((r) => r.outcome === 'SUCCESS').length < 5) expect(decideSlower(elapsed, earlier)).toBeNull();
      }),
    );
  });

  it('never at or below the usual duration (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 8 }), { minLength: 5, maxLength: 50 }), (durations) => {
        const earlier = durations.map((d, i) => ({ ...runs('S')[0]!, jobKey: `k${i}`, startedAt: i, durationMs: d }));
        const usual = slowThreshold(durations)!.usualMs;
        expect(decideSlower(usual, earlier)).toBeNull();
      }),
    );
  });

  it('estimates from history with at least three successful runs', () => {
    expect(usualDuration(runs('SS'))).toBeNull();
    expect(usualDuration(runs('SSS'))).toBe(35 * MIN);
  });
});

describe('fixed and still failing', () => {
  it('a success after failures is fixed; a failure after a failure is still failing; aborted runs are skipped', () => {
    expect(decideOutcome(runs('SFF'), 'SUCCESS')).toEqual({ kind: 'fixed', failedRuns: 2, previousError: '[EFAULT] failure 2' });
    expect(decideOutcome(runs('SFA'), 'FAILED')).toEqual({ kind: 'still-failing', failedRuns: 2, previousError: '[EFAULT] failure 1' });
    expect(decideOutcome(runs('FS'), 'SUCCESS')).toBeNull();
    expect(decideOutcome(runs('FS'), 'FAILED')).toBeNull();
    expect(decideOutcome(runs(''), 'FAILED')).toBeNull();
    expect(decideOutcome(runs('F'), 'ABORTED')).toBeNull();
  });
});

describe('StallWatch', () => {
  it('counts only live time since the last change of percent or description', () => {
    const watch = new StallWatch();
    let live = true;
    watch.observe('j', 'nas1', 40, 'Sending', 0);
    expect(watch.tick(10 * MIN, () => live, 30 * MIN)).toEqual([]);
    live = false;
    // An hour disconnected: not counted.
    expect(watch.tick(70 * MIN, () => live, 30 * MIN)).toEqual([]);
    live = true;
    expect(watch.tick(80 * MIN, () => live, 30 * MIN)).toEqual([]);
    watch.observe('j', 'nas1', 40, 'Sending', 85 * MIN); // unchanged: no restart
    expect(watch.tick(90 * MIN, () => live, 30 * MIN)).toEqual([{ key: 'j', quietMs: 30 * MIN }]);
    watch.observe('j', 'nas1', 40, 'Sending file 2', 91 * MIN);
    expect(watch.quietFor('j')).toBe(0);
  });
});

describe('InsightLog', () => {
  it('each run gets at most one insight of each kind (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('slower-than-usual', 'stalled', 'fixed', 'still-failing', 'missed-run' as const),
            fc.integer({ min: 0, max: 5 }),
          ),
        ),
        (claims) => {
          const log = new InsightLog();
          const granted = new Set<string>();
          for (const [kind, run] of claims) {
            const first = !granted.has(`${kind}/${run}`);
            expect(log.claim(kind, `run${run}`)).toBe(first);
            granted.add(`${kind}/${run}`);
          }
        },
      ),
    );
  });
});

describe('insight words', () => {
  it('reads like the issue asks', () => {
    expect(insightText(insight(), 'nas1')).toEqual({
      title: 'tank/data is slower than usual on nas1',
      body: 'tank/data has run 2 h 10 min; it usually takes 35 min.',
    });
    expect(insightText(insight({ kind: 'stalled', figures: { stalledForMs: 31 * MIN, percent: 40 } }), 'nas1').body).toBe(
      'No progress for 31 min (still at 40 %).',
    );
    expect(insightText(insight({ kind: 'fixed', description: null, figures: { failedRuns: 2 } }), 'nas1')).toEqual({
      title: 'Replication is fixed on nas1',
      body: 'It succeeded after 2 failed runs.',
    });
  });
});

describe('insights through the rules', () => {
  const at = { minuteOfDay: utcMinuteOfDay(NOON) };
  it('a per-method "no-insights" rule silences insights only; "never" silences both; quiet hours and mute apply', () => {
    const rules = settings({ methodRules: [{ glob: 'replication.*', action: 'no-insights' }] });
    expect(classifyInsight(insight(), rules, undefined, NOON, at)).toMatchObject({ notify: false, suppressedBy: 'method-rule' });
    expect(classifyInsight(insight({ method: 'cloudsync.sync' }), rules, undefined, NOON, at).notify).toBe(true);
    expect(classifyInsight(insight(), settings({ methodRules: [{ glob: '*', action: 'never' }] }), undefined, NOON, at).suppressedBy).toBe(
      'method-rule',
    );
    expect(
      classifyInsight(insight({ kind: 'fixed' }), settings({ methodRules: [{ glob: '*', action: 'failures' }] }), undefined, NOON, at)
        .suppressedBy,
    ).toBe('method-rule');
    expect(classifyInsight(insight(), settings(), { muted: true, mutedUntil: null, methodRules: [] }, NOON, at).suppressedBy).toBe(
      'server-muted',
    );
    const quiet = settings({ quietHours: { enabled: true, start: '11:00', end: '13:00', failuresBreakThrough: true } });
    expect(classifyInsight(insight(), quiet, undefined, NOON, at).suppressedBy).toBe('quiet-hours');
    expect(classifyInsight(insight(), settings({ pausedUntil: NOON + 1 }), undefined, NOON, at).suppressedBy).toBe('paused');
  });

  it('"no-insights" rules do not decide endings: a failure still notifies', () => {
    const planner = new NotificationPlanner({
      settings: settings({ methodRules: [{ glob: '*', action: 'no-insights' }], burstWindowMs: 0 }),
      minuteOfDay: utcMinuteOfDay,
      idPrefix: 't',
    });
    planner.push(transition(), NOON);
    expect(planner.due(NOON).map((n) => n.suppressed)).toEqual([null]);
  });

  it('plans each insight as a notification with the job, tagged with its kind; suppressed ones with their reason', () => {
    const planner = new NotificationPlanner({
      settings: settings({ burstWindowMs: 0, methodRules: [{ glob: 'cloudsync.*', action: 'no-insights' }] }),
      minuteOfDay: utcMinuteOfDay,
      idPrefix: 't',
    });
    planner.pushInsight(insight(), NOON);
    planner.pushInsight(insight({ method: 'cloudsync.sync', key: 'k2', jobId: 8 }), NOON);
    const planned = planner.due(NOON);
    expect(planned.map((n) => [n.title, n.suppressed, n.insights, n.jobs])).toEqual([
      ['tank/data is slower than usual on nas1', null, ['slower-than-usual'], [insight().key]],
      ['tank/data is slower than usual on nas1', 'method-rule', ['slower-than-usual'], ['k2']],
    ]);
  });

  it('a shown "fixed" stands in for its shown success: one notification, the job in it once', () => {
    const planner = new NotificationPlanner({ settings: settings({ successThresholdSec: 0 }), minuteOfDay: utcMinuteOfDay, idPrefix: 't' });
    const success = transition({ to: 'SUCCESS', error: null, description: 'tank/data' });
    planner.push(success, NOON);
    planner.pushInsight(insight({ kind: 'fixed', key: success.key, jobId: success.jobId, figures: { failedRuns: 1 } }), NOON);
    const planned = planner.flush(NOON);
    expect(planned).toHaveLength(1);
    expect(planned[0]).toMatchObject({ title: 'tank/data is fixed on nas1', jobs: [success.key], suppressed: null, insights: ['fixed'] });
  });

  it('a failure that follows a failure says "still failing"', () => {
    const planner = new NotificationPlanner({ settings: settings(), minuteOfDay: utcMinuteOfDay, idPrefix: 't' });
    planner.push(transition({ description: 'tank/data' }), NOON, { stillFailing: 3 });
    const [n] = planner.flush(NOON);
    expect(n?.title).toBe('tank/data is still failing on nas1');
    expect(n?.body.startsWith('Failed 3 times in a row.')).toBe(true);
  });
});

describe('failure inbox folding', () => {
  it('a failure of a task already in the inbox replaces it: one entry, newest error, a count; the tray count stays one', () => {
    const inbox = new FailureInbox({ store: null });
    const first = transition({ jobId: 1, timeStarted: 1000 });
    const second = transition({ jobId: 2, timeStarted: 2000, error: '[EFAULT] newer' });
    const other = transition({ jobId: 3, timeStarted: 3000 });
    inbox.add(first, 1, { task: 'replication.run [2]' });
    inbox.add(second, 2, { task: 'replication.run [2]' });
    inbox.add(other, 3, { task: 'replication.run [5]' });
    expect(inbox.count()).toBe(2);
    expect(inbox.list().map((e) => [e.key, e.count ?? 1, e.error])).toEqual([
      [other.key, 1, other.error],
      [second.key, 2, '[EFAULT] newer'],
    ]);
    expect(inbox.acknowledge(second.key)).toBe(true);
    expect(inbox.count()).toBe(1);
  });
});
