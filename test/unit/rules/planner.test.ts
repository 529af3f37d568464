import { describe, expect, it } from 'vitest';
import { NotificationPlanner } from '../../../electron/core/planner';
import type { PlannedNotification } from '../../../electron/core/planner';
import { NOON, settings, transition, utcMinuteOfDay } from './fixtures';

function planner(over: Parameters<typeof settings>[0] = {}): NotificationPlanner {
  return new NotificationPlanner({ settings: settings(over), minuteOfDay: utcMinuteOfDay, idPrefix: 't-' });
}

const ok = (over: Parameters<typeof transition>[0] = {}) =>
  transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 125_000, ...over });

describe('NotificationPlanner: timing', () => {
  it('holds a transition until its burst window has elapsed', () => {
    const p = planner();
    p.push(transition(), NOON);
    expect(p.nextDueAt()).toBe(NOON + 3000);
    expect(p.due(NOON + 2999)).toEqual([]);
    const [n, ...rest] = p.due(NOON + 3000);
    expect(rest).toEqual([]);
    expect(n).toMatchObject({ server: 'nas1', urgency: 'critical', suppressed: null, catchUp: false, createdAt: NOON + 3000 });
    expect(p.nextDueAt()).toBeNull();
    expect(p.due(NOON + 10_000)).toEqual([]);
  });

  it('delivers at once with a zero burst window', () => {
    const p = planner({ burstWindowMs: 0 });
    p.push(transition(), NOON);
    expect(p.due(NOON)).toHaveLength(1);
  });

  it('does not slide the window: a transition after it opens a new burst', () => {
    const p = planner();
    p.push(transition(), NOON);
    p.push(transition(), NOON + 2000);
    expect(p.nextDueAt()).toBe(NOON + 3000);
    expect(p.due(NOON + 3000)[0]?.jobs).toHaveLength(2);
    p.push(transition(), NOON + 3001);
    expect(p.nextDueAt()).toBe(NOON + 6001);
  });

  it('keeps servers apart, each with its own window, delivered oldest first', () => {
    const p = planner();
    p.push(transition({ server: 'nas2' }), NOON);
    p.push(transition({ server: 'nas1' }), NOON + 1000);
    expect(p.nextDueAt()).toBe(NOON + 3000);
    expect(p.due(NOON + 3000).map((n) => n.server)).toEqual(['nas2']);
    expect(p.due(NOON + 4000).map((n) => n.server)).toEqual(['nas1']);
  });

  it('flush delivers everything pending', () => {
    const p = planner();
    p.push(transition(), NOON);
    p.push(transition({ server: 'nas2' }), NOON);
    expect(p.flush(NOON)).toHaveLength(2);
    expect(p.pendingCount()).toBe(0);
  });

  it('gives every notification a distinct id', () => {
    const p = planner({ burstWindowMs: 0 });
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      p.push(transition(), NOON + i);
      for (const n of p.due(NOON + i)) ids.add(n.id);
    }
    expect(ids.size).toBe(5);
  });
});

describe('NotificationPlanner: folding and texts', () => {
  it('a single failure gets a specific title and body', () => {
    const p = planner();
    p.push(transition({ timeStarted: 0, timeFinished: 125_000 }), NOON);
    const [n] = p.due(NOON + 3000);
    expect(n?.title).toBe('Replication failed on nas1');
    expect(n?.body).toBe('replication.run on nas1 · ran 2 min 5 s\n[EFAULT] Failed to connect to remote host.');
  });

  it('a single success uses the job description', () => {
    const p = planner();
    p.push(ok({ method: 'pool.scrub.scrub', description: "Scrub of pool 'tank'", timeFinished: 3_720_000 }), NOON);
    const [n] = p.due(NOON + 3000);
    expect(n?.title).toBe("Scrub of pool 'tank' finished on nas1");
    expect(n?.body).toBe('pool.scrub.scrub on nas1 · ran 1 h 2 min');
    expect(n?.urgency).toBe('normal');
  });

  it('folds a burst of failures into one notification', () => {
    const p = planner();
    p.push(transition({ method: 'replication.run' }), NOON);
    p.push(transition({ method: 'cloudsync.sync' }), NOON + 500);
    p.push(transition({ method: 'rsynctask.run' }), NOON + 2999);
    const out = p.due(NOON + 3000);
    expect(out).toHaveLength(1);
    expect(out[0]?.title).toBe('3 jobs failed on nas1');
    expect(out[0]?.body).toBe('Replication (failed), Cloud sync (failed), Rsync task (failed)');
    expect(out[0]?.jobs).toHaveLength(3);
    expect(out[0]?.urgency).toBe('critical');
  });

  it('names mixed outcomes, failures first', () => {
    const p = planner();
    p.push(ok({ method: 'cloudsync.sync' }), NOON);
    p.push(transition({ method: 'replication.run' }), NOON);
    p.push(transition({ method: 'rsynctask.run' }), NOON);
    const [n] = p.due(NOON + 3000);
    expect(n?.title).toBe('2 failed, 1 finished on nas1');
    expect(n?.body).toBe('Replication (failed), Rsync task (failed), Cloud sync');
    expect(n?.urgency).toBe('critical');
  });

  it('uses the server name when one is set', () => {
    const p = planner();
    p.setServer('srv-1', { name: 'Office NAS' });
    p.push(transition({ server: 'srv-1' }), NOON);
    expect(p.due(NOON + 3000)[0]?.title).toBe('Replication failed on Office NAS');
  });

  it('keeps suppressed transitions, flagged, one notification per reason', () => {
    const p = planner({ methodRules: [{ glob: 'cloudsync.*', action: 'never' }] });
    p.push(transition(), NOON);
    p.push(transition({ method: 'cloudsync.sync' }), NOON);
    p.push(ok({ timeFinished: 1000 }), NOON);
    p.push(ok({ timeFinished: 2000 }), NOON);
    p.push(transition({ method: 'alert.process_alerts', transient: true }), NOON);
    const out = p.due(NOON + 3000);
    expect(out.map((n) => [n.suppressed, n.jobs.length])).toEqual([
      [null, 1],
      ['method-rule', 1],
      ['threshold', 2],
      ['transient', 1],
    ]);
    expect(out[2]?.title).toBe('2 jobs finished on nas1');
  });

  it('folds catch-up transitions into one summary per server, apart from live ones', () => {
    const p = planner();
    p.push(transition({ catchUp: true }), NOON);
    p.push(transition({ catchUp: true, method: 'cloudsync.sync' }), NOON);
    for (let i = 0; i < 5; i++) p.push(ok({ catchUp: true }), NOON);
    p.push(transition({ catchUp: true, server: 'nas2' }), NOON);
    p.push(transition(), NOON);
    const out = p.due(NOON + 3000);
    const summary = out.find((n) => n.catchUp && n.server === 'nas1');
    expect(summary?.title).toBe('While you were away: 2 failed, 5 finished on nas1');
    expect(summary?.jobs).toHaveLength(7);
    expect(out.find((n) => n.catchUp && n.server === 'nas2')?.title).toBe('While you were away: Replication failed on nas2');
    expect(out.find((n) => !n.catchUp)?.title).toBe('Replication failed on nas1');
    expect(out).toHaveLength(3);
  });

  it('mute and pause changes apply to later transitions', () => {
    const p = planner({ burstWindowMs: 0 });
    p.setServerMute('nas1', true, null);
    p.push(transition(), NOON);
    expect(p.due(NOON)[0]?.suppressed).toBe('server-muted');
    p.setServerMute('nas1', false, null);
    p.setPausedUntil(NOON + 60_000);
    expect(p.pausedUntil()).toBe(NOON + 60_000);
    p.push(transition(), NOON + 1);
    expect(p.due(NOON + 1)[0]?.suppressed).toBe('paused');
    p.push(transition(), NOON + 60_000);
    expect(p.due(NOON + 60_000)[0]?.suppressed).toBeNull();
  });

  it('server rules set on the planner override the global ones', () => {
    const p = planner({ burstWindowMs: 0, methodRules: [{ glob: '*', action: 'never' }] });
    p.setServer('nas1', { methodRules: [{ glob: 'replication.run', action: 'always' }] });
    p.push(transition(), NOON);
    p.push(transition({ server: 'nas2' }), NOON);
    expect(p.due(NOON).map((n) => [n.server, n.suppressed])).toEqual([
      ['nas1', null],
      ['nas2', 'method-rule'],
    ]);
  });
});

describe('NotificationPlanner: watches', () => {
  it('a watched job notifies even when its rule says never, once', () => {
    const p = planner({ burstWindowMs: 0, methodRules: [{ glob: '*', action: 'never' }] });
    const t = ok({ timeFinished: 1000 });
    p.watchJob(t.key);
    expect(p.isWatched(t.key)).toBe(true);
    p.push(t, NOON);
    expect(p.due(NOON)[0]).toMatchObject({ suppressed: null, title: 'Replication finished on nas1' });
    expect(p.isWatched(t.key)).toBe(false);
  });

  it('a watched job is silenced by a global pause', () => {
    const p = planner({ burstWindowMs: 0, pausedUntil: NOON + 1 });
    const t = ok();
    p.watchJob(t.key);
    p.push(t, NOON);
    expect(p.due(NOON)[0]?.suppressed).toBe('paused');
  });

  it('keeps at most maxWatchedJobs watches, dropping the oldest', () => {
    const p = new NotificationPlanner({ maxWatchedJobs: 2 });
    p.watchJob('a');
    p.watchJob('b');
    p.watchJob('c');
    expect([p.isWatched('a'), p.isWatched('b'), p.isWatched('c')]).toEqual([false, true, true]);
  });

  it('a server watch ends with one "all done" notification carrying the last burst', () => {
    const p = planner();
    const a = ok({ method: 'cloudsync.sync' });
    const b = transition({ method: 'replication.run' });
    const c = ok({ method: 'rsynctask.run', timeFinished: 1000 });
    p.watchServer('nas1', [a.key, b.key, c.key]);
    p.push(a, NOON);
    expect(p.due(NOON + 3000).map((n) => n.title)).toEqual(['Cloud sync finished on nas1']);
    expect(p.isWatchingServer('nas1')).toBe(true);
    p.push(b, NOON + 5000);
    p.push(c, NOON + 5000);
    const out = p.due(NOON + 8000);
    expect(out.map((n) => [n.title, n.suppressed, n.jobs.length])).toEqual([
      ['All jobs on nas1 are done', null, 1],
      ['Rsync task finished on nas1', 'threshold', 1],
    ]);
    expect(out[0]?.body).toBe('3 watched jobs: 1 failed, 2 finished\nReplication (failed), Cloud sync, Rsync task');
    expect(out[0]?.urgency).toBe('critical');
    expect(p.isWatchingServer('nas1')).toBe(false);
  });

  it('a server watch ignores other servers and unrelated jobs', () => {
    const p = planner({ burstWindowMs: 0 });
    const a = ok();
    p.watchServer('nas1', [a.key]);
    p.push(ok({ server: 'nas2', key: a.key }), NOON);
    p.push(ok(), NOON);
    expect(p.due(NOON).some((n) => n.title.startsWith('All jobs'))).toBe(false);
    p.push(a, NOON);
    expect(p.due(NOON).map((n) => n.title)).toEqual(['All jobs on nas1 are done']);
  });

  it('the "all done" notification is suppressed while paused', () => {
    const p = planner({ burstWindowMs: 0, pausedUntil: NOON + 10 });
    const a = ok();
    p.watchServer('nas1', [a.key]);
    p.push(a, NOON);
    const out: PlannedNotification[] = p.due(NOON);
    expect(out.map((n) => [n.title, n.suppressed, n.jobs.length])).toEqual([
      ['All jobs on nas1 are done', 'paused', 0],
      ['Replication finished on nas1', 'paused', 1],
    ]);
  });

  it('watching nothing starts no watch; unwatchServer and removeServer end one', () => {
    const p = planner();
    p.watchServer('nas1', []);
    expect(p.isWatchingServer('nas1')).toBe(false);
    p.watchServer('nas1', ['k']);
    p.unwatchServer('nas1');
    expect(p.isWatchingServer('nas1')).toBe(false);
    p.watchServer('nas1', ['k']);
    p.removeServer('nas1');
    expect(p.isWatchingServer('nas1')).toBe(false);
  });
});
