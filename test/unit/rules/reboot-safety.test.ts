import { describe, expect, it } from 'vitest';
import { RebootSafetyWatch, rebootSafety, runningKeys } from '../../../electron/core/reboot-safety';
import { NotificationPlanner } from '../../../electron/core/planner';
import { job, server, snapshot } from '../../shell/fixtures';
import { NOON, settings, transition, utcMinuteOfDay } from './fixtures';

describe('rebootSafety', () => {
  it('is safe with every server live and idle (and with no servers at all)', () => {
    expect(rebootSafety(snapshot({ servers: [server('nas'), server('backup')] }))).toEqual({
      safe: true,
      summary: 'Nothing running on any server',
      servers: [
        { id: 'nas', name: 'NAS', status: 'idle', detail: null, jobs: [] },
        { id: 'backup', name: 'BACKUP', status: 'idle', detail: null, jobs: [] },
      ],
    });
    expect(rebootSafety(snapshot()).safe).toBe(true);
  });

  it('lists running and waiting non-transient jobs per server, with name and progress', () => {
    const s = snapshot({
      servers: [server('nas'), server('backup')],
      jobs: [
        job('k1', { description: 'Replicate tank', percent: 42 }),
        job('k2', { method: 'cloudsync.sync', state: 'WAITING', percent: null }),
        job('k3', { server: 'backup', method: 'pool.scrub', state: 'SUCCESS' }),
      ],
    });
    const answer = rebootSafety(s);
    expect(answer.safe).toBe(false);
    expect(answer.summary).toBe('Not safe: 2 jobs running on 1 server');
    expect(answer.servers[0]).toEqual({
      id: 'nas',
      name: 'NAS',
      status: 'running',
      detail: null,
      jobs: [
        { key: 'k1', name: 'Replicate tank', percent: 42 },
        { key: 'k2', name: 'cloudsync.sync', percent: null },
      ],
    });
    expect(answer.servers[1]?.status).toBe('idle');
    expect(runningKeys(answer)).toEqual(['k1', 'k2']);
  });

  it('ignores transient jobs and jobs the server no longer lists', () => {
    const s = snapshot({
      servers: [server('nas')],
      jobs: [job('t', { transient: true, method: 'alert.process_alerts' }), job('gone', { onServer: false })],
    });
    expect(rebootSafety(s)).toMatchObject({ safe: true, summary: 'Nothing running on any server' });
  });

  it('names a server that is not live as unknown and never counts it as safe', () => {
    for (const state of ['connecting', 'backoff', 'needs-attention', 'stopped', 'syncing'] as const) {
      const s = snapshot({
        servers: [server('nas'), server('backup', { state, detail: 'Retrying in 8 s' })],
        jobs: [job('k', { server: 'backup' })],
      });
      const answer = rebootSafety(s);
      expect(answer.safe).toBe(false);
      expect(answer.summary).toBe('Not safe: BACKUP unknown (not connected)');
      expect(answer.servers[1]).toEqual({ id: 'backup', name: 'BACKUP', status: 'unknown', detail: 'Retrying in 8 s', jobs: [] });
    }
  });

  it('says both when jobs run and a server is unknown', () => {
    const s = snapshot({ servers: [server('nas'), server('backup', { state: 'backoff' })], jobs: [job('k')] });
    expect(rebootSafety(s).summary).toBe('Not safe: 1 job running on 1 server; BACKUP unknown (not connected)');
  });
});

describe('NotificationPlanner: the all-servers watch', () => {
  const planner = (over: Parameters<typeof settings>[0] = {}) =>
    new NotificationPlanner({ settings: settings({ burstWindowMs: 0, ...over }), minuteOfDay: utcMinuteOfDay, idPrefix: 't-' });
  const ok = (over: Parameters<typeof transition>[0] = {}) =>
    transition({ to: 'SUCCESS', error: null, timeStarted: 0, timeFinished: 125_000, ...over });

  it('notifies "Safe to restart" once, when the monitor says every server is safe, not when jobs end', () => {
    const p = planner();
    const a = ok({ server: 'nas1', key: 'a' });
    p.watchAllServers();
    expect(p.isWatchingAllServers()).toBe(true);
    // The jobs ending is not enough: a job started meanwhile, or a server away, is the monitor's to judge.
    p.push(a, NOON);
    expect(p.due(NOON).some((n) => n.title === 'Safe to restart')).toBe(false);
    p.allServersSafe('nas2', NOON);
    const safe = p.due(NOON).filter((n) => n.title === 'Safe to restart');
    expect(safe).toHaveLength(1);
    expect(safe[0]).toMatchObject({ server: 'nas2', suppressed: null, urgency: 'normal', jobs: [] });
    expect(p.isWatchingAllServers()).toBe(false);
    p.allServersSafe('nas2', NOON);
    expect(p.due(NOON).some((n) => n.title === 'Safe to restart')).toBe(false);
  });

  it('is flagged paused while notifications are paused; an ended watch tells nothing', () => {
    const p = planner({ pausedUntil: NOON + 10 });
    p.allServersSafe('nas', NOON);
    expect(p.due(NOON)).toEqual([]);
    p.watchAllServers();
    p.allServersSafe('nas', NOON);
    expect(p.due(NOON).find((n) => n.title === 'Safe to restart')?.suppressed).toBe('paused');
    p.watchAllServers();
    p.unwatchAllServers();
    p.allServersSafe('nas', NOON);
    expect(p.due(NOON)).toEqual([]);
    expect(p.isWatchingAllServers()).toBe(false);
  });
});

describe('RebootSafetyWatch', () => {
  it('starts only when it is not safe yet, and settles once, the first time it is', () => {
    const w = new RebootSafetyWatch();
    expect(w.start(true)).toBe(false);
    expect(w.settle(true)).toBe(false);
    expect(w.start(false)).toBe(true);
    expect(w.settle(false)).toBe(false);
    expect(w.watching).toBe(true);
    expect(w.settle(true)).toBe(true);
    expect(w.watching).toBe(false);
    expect(w.settle(true)).toBe(false);
  });
});
