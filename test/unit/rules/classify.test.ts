import { describe, expect, it } from 'vitest';
import { classify, globMatches, inQuietHours, matchMethodRule } from '../../../electron/core/classification';
import type { ServerPrefs } from '../../../electron/core/classification';
import { BUILT_IN_QUIET_METHODS } from '../../../electron/core/settings';
import { at, NOON, settings, transition } from './fixtures';

const noon = { minuteOfDay: at('12:00') };
const prefs = (over: Partial<ServerPrefs> = {}): ServerPrefs => ({ muted: false, mutedUntil: null, methodRules: [], ...over });

describe('classify: defaults', () => {
  it('notifies a failure with critical urgency', () => {
    expect(classify(transition(), settings(), undefined, NOON, noon)).toEqual({ notify: true, urgency: 'critical' });
  });

  it('uses the configured failure urgency', () => {
    expect(classify(transition(), settings({ failureUrgency: 'normal' }), undefined, NOON, noon).urgency).toBe('normal');
  });

  it('notifies a success that ran at least the threshold, with normal urgency', () => {
    const t = transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 60_000 });
    expect(classify(t, settings(), undefined, NOON, noon)).toEqual({ notify: true, urgency: 'normal' });
  });

  it('suppresses a success shorter than the threshold', () => {
    const t = transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 59_999 });
    expect(classify(t, settings(), undefined, NOON, noon)).toMatchObject({ notify: false, suppressedBy: 'threshold' });
  });

  it('treats an abort like a success for the threshold, with low urgency', () => {
    const long = transition({ to: 'ABORTED', error: null, timeStarted: 0, timeFinished: 120_000 });
    const short = transition({ to: 'ABORTED', error: null, timeStarted: 0, timeFinished: 1_000 });
    expect(classify(long, settings(), undefined, NOON, noon)).toEqual({ notify: true, urgency: 'low' });
    expect(classify(short, settings(), undefined, NOON, noon).suppressedBy).toBe('threshold');
  });

  it('counts an unknown duration as short, unless the threshold is 0', () => {
    const t = transition({ to: 'SUCCESS', error: null, timeStarted: null, timeFinished: null });
    expect(classify(t, settings(), undefined, NOON, noon).suppressedBy).toBe('threshold');
    expect(classify(t, settings({ successThresholdSec: 0 }), undefined, NOON, noon).notify).toBe(true);
  });

  it('a failure ignores the success threshold', () => {
    const t = transition({ timeStarted: 0, timeFinished: 1 });
    expect(classify(t, settings({ successThresholdSec: 3600 }), undefined, NOON, noon).notify).toBe(true);
  });

  it('suppresses transient jobs, even failed ones', () => {
    const t = transition({ method: 'alert.process_alerts', transient: true });
    expect(classify(t, settings(), undefined, NOON, noon)).toMatchObject({ notify: false, suppressedBy: 'transient' });
  });

  it('a method rule cannot turn transient jobs on', () => {
    const t = transition({ method: 'alert.process_alerts', transient: true });
    const s = settings({ methodRules: [{ glob: '*', action: 'always' }] });
    expect(classify(t, s, undefined, NOON, noon).suppressedBy).toBe('transient');
  });

  it.each(BUILT_IN_QUIET_METHODS)('suppresses %s by the built-in quiet list, failures included', (method) => {
    expect(classify(transition({ method }), settings(), undefined, NOON, noon)).toMatchObject({
      notify: false,
      suppressedBy: 'quiet-list',
    });
  });
});

describe('classify: method rules', () => {
  it("'never' silences every outcome", () => {
    const s = settings({ methodRules: [{ glob: 'cloudsync.*', action: 'never' }] });
    expect(classify(transition({ method: 'cloudsync.sync' }), s, undefined, NOON, noon).suppressedBy).toBe('method-rule');
    expect(classify(transition({ method: 'replication.run' }), s, undefined, NOON, noon).notify).toBe(true);
  });

  it("'failures' notifies failures only, whatever the duration", () => {
    const s = settings({ methodRules: [{ glob: 'pool.scrub*', action: 'failures' }] });
    const ok = transition({ method: 'pool.scrub.scrub', to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 3_600_000 });
    expect(classify(ok, s, undefined, NOON, noon).suppressedBy).toBe('method-rule');
    expect(classify(transition({ method: 'pool.scrub.scrub' }), s, undefined, NOON, noon).notify).toBe(true);
  });

  it("'always' notifies a short success and overrides the quiet list", () => {
    const s = settings({
      methodRules: [
        { glob: 'replication.run', action: 'always' },
        { glob: 'service.control', action: 'always' },
      ],
    });
    const quick = transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 1000 });
    expect(classify(quick, s, undefined, NOON, noon).notify).toBe(true);
    expect(classify(transition({ method: 'service.control' }), s, undefined, NOON, noon).notify).toBe(true);
  });

  it('first matching rule wins within a list', () => {
    const s = settings({
      methodRules: [
        { glob: 'cloudsync.sync', action: 'always' },
        { glob: 'cloudsync.*', action: 'never' },
      ],
    });
    const quick = transition({ method: 'cloudsync.sync', to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 1 });
    expect(classify(quick, s, undefined, NOON, noon).notify).toBe(true);
    expect(matchMethodRule('cloudsync.sync', [], s.methodRules)?.action).toBe('always');
    expect(matchMethodRule('cloudsync.other', [], s.methodRules)?.action).toBe('never');
  });

  it("a server's rules take precedence over the global rules", () => {
    const s = settings({ methodRules: [{ glob: 'replication.*', action: 'always' }] });
    const p = prefs({ methodRules: [{ glob: 'replication.run', action: 'never' }] });
    expect(classify(transition(), s, p, NOON, noon).suppressedBy).toBe('method-rule');
    expect(classify(transition(), s, prefs(), NOON, noon).notify).toBe(true);
  });

  it('falls back to the global rules when no server rule matches', () => {
    const s = settings({ methodRules: [{ glob: 'replication.*', action: 'never' }] });
    const p = prefs({ methodRules: [{ glob: 'cloudsync.*', action: 'always' }] });
    expect(classify(transition(), s, p, NOON, noon).suppressedBy).toBe('method-rule');
  });

  it("globs treat '.' as an ordinary character", () => {
    expect(globMatches('cloudsync.*', 'cloudsync.sync')).toBe(true);
    expect(globMatches('pool.scrub*', 'pool.scrub.scrub')).toBe(true);
    expect(globMatches('pool.*', 'pool.scrub.scrub')).toBe(true);
    expect(globMatches('*', 'replication.run')).toBe(true);
    expect(globMatches('replication.run', 'replicationXrun')).toBe(false);
    expect(globMatches('cloudsync.*', 'cloud_backup.sync')).toBe(false);
    expect(globMatches('{cloudsync,rsynctask}.*', 'rsynctask.run')).toBe(true);
  });
});

describe('classify: pause, mute, quiet hours', () => {
  it('pause suppresses everything until it ends', () => {
    const s = settings({ pausedUntil: NOON + 1000 });
    expect(classify(transition(), s, undefined, NOON, noon).suppressedBy).toBe('paused');
    expect(classify(transition(), s, undefined, NOON + 1000, noon).notify).toBe(true);
  });

  it('reports the rule-level reason before the pause', () => {
    const s = settings({ pausedUntil: NOON + 1000 });
    const quick = transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 1 });
    expect(classify(quick, s, undefined, NOON, noon).suppressedBy).toBe('threshold');
  });

  it('a muted server with an end time is muted until then', () => {
    const p = prefs({ muted: true, mutedUntil: NOON + 5000 });
    expect(classify(transition(), settings(), p, NOON, noon).suppressedBy).toBe('server-muted');
    expect(classify(transition(), settings(), p, NOON + 5000, noon).notify).toBe(true);
  });

  it('a muted server without an end time is muted indefinitely', () => {
    const p = prefs({ muted: true, mutedUntil: null });
    expect(classify(transition(), settings(), p, NOON + 10 * 365 * 86_400_000, noon).suppressedBy).toBe('server-muted');
  });

  it('an unmuted server ignores a stale end time', () => {
    const p = prefs({ muted: false, mutedUntil: NOON + 5000 });
    expect(classify(transition(), settings(), p, NOON, noon).notify).toBe(true);
  });

  const quiet = (over: Partial<ReturnType<typeof settings>['quietHours']> = {}) =>
    settings({ quietHours: { enabled: true, start: '22:00', end: '07:00', failuresBreakThrough: false, ...over } });
  const success = () => transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 3_600_000 });

  it.each([
    ['21:59', false],
    ['22:00', true],
    ['23:59', true],
    ['00:00', true],
    ['06:59', true],
    ['07:00', false],
    ['12:00', false],
  ])('quiet hours 22:00–07:00 wrap past midnight: at %s quiet=%s', (time, quietNow) => {
    const c = classify(success(), quiet(), undefined, NOON, { minuteOfDay: at(time) });
    expect(c.suppressedBy === 'quiet-hours').toBe(quietNow);
    expect(inQuietHours(quiet().quietHours, at(time))).toBe(quietNow);
  });

  it.each([
    ['08:59', false],
    ['09:00', true],
    ['16:59', true],
    ['17:00', false],
  ])('quiet hours 09:00–17:00 within a day: at %s quiet=%s', (time, quietNow) => {
    expect(inQuietHours(quiet({ start: '09:00', end: '17:00' }).quietHours, at(time))).toBe(quietNow);
  });

  it('equal start and end is an empty window; disabled is never quiet', () => {
    expect(inQuietHours(quiet({ start: '08:00', end: '08:00' }).quietHours, at('08:00'))).toBe(false);
    expect(inQuietHours(quiet({ enabled: false }).quietHours, at('23:00'))).toBe(false);
  });

  it('failures break through quiet hours only when allowed', () => {
    const night = { minuteOfDay: at('03:00') };
    expect(classify(transition(), quiet(), undefined, NOON, night).suppressedBy).toBe('quiet-hours');
    expect(classify(transition(), quiet({ failuresBreakThrough: true }), undefined, NOON, night).notify).toBe(true);
    expect(classify(success(), quiet({ failuresBreakThrough: true }), undefined, NOON, night).suppressedBy).toBe('quiet-hours');
  });

  it('defaults to breaking through for failures', () => {
    expect(settings().quietHours.failuresBreakThrough).toBe(true);
  });
});

describe('classify: watched jobs', () => {
  const watched = { watched: true, minuteOfDay: at('03:00') };

  it('a watched job notifies whatever the rules, mute and quiet hours', () => {
    const s = settings({
      methodRules: [{ glob: '*', action: 'never' }],
      quietHours: { enabled: true, start: '22:00', end: '07:00', failuresBreakThrough: false },
    });
    const quick = transition({ to: 'SUCCESS', error: null, transient: true, timeStarted: 0, timeFinished: 1 });
    const muted = prefs({ muted: true, mutedUntil: null });
    expect(classify(quick, s, muted, NOON, watched)).toEqual({ notify: true, urgency: 'normal' });
  });

  it('a global pause still silences a watched job', () => {
    const s = settings({ pausedUntil: NOON + 1 });
    expect(classify(transition(), s, undefined, NOON, watched).suppressedBy).toBe('paused');
  });
});
