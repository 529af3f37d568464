import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotificationPlanner } from '../../../electron/core/planner';
import type { Transition } from '../../../electron/core/model';
import type { MethodRule } from '../../../electron/core/settings';
import { NOON, settings, utcMinuteOfDay } from './fixtures';

const methods = ['replication.run', 'cloudsync.sync', 'pool.scrub.scrub', 'filesystem.get', 'alert.process_alerts'];

const step = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    server: fc.constantFrom('nas1', 'nas2', 'nas3'),
    method: fc.constantFrom(...methods),
    to: fc.constantFrom('SUCCESS' as const, 'FAILED' as const, 'ABORTED' as const),
    transient: fc.boolean(),
    catchUp: fc.boolean(),
    durationMs: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: null }),
    watch: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 10_000 }) }),
  fc.record({ kind: fc.constant('due' as const) }),
  fc.record({ kind: fc.constant('pause' as const), ms: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }) }),
  fc.record({ kind: fc.constant('mute' as const), server: fc.constantFrom('nas1', 'nas2'), muted: fc.boolean() }),
  fc.record({ kind: fc.constant('watchServer' as const), server: fc.constantFrom('nas1', 'nas2'), ahead: fc.integer({ min: 0, max: 4 }) }),
);

const rules = fc.array(
  fc.record({
    glob: fc.constantFrom('*', 'cloudsync.*', 'pool.scrub*', 'replication.run'),
    action: fc.constantFrom('always' as const, 'failures' as const, 'never' as const),
  }),
  { maxLength: 3 },
);

describe('NotificationPlanner properties', () => {
  it('every transition appears in exactly one planned notification, none lost, none twice', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 80 }),
        rules,
        fc.integer({ min: 0, max: 5000 }),
        (steps, methodRules: MethodRule[], burstWindowMs) => {
          const planner = new NotificationPlanner({
            settings: settings({ burstWindowMs, methodRules }),
            minuteOfDay: utcMinuteOfDay,
            idPrefix: 'p-',
          });
          let now = NOON;
          let nextJob = 1;
          const pushed: string[] = [];
          const seen = new Map<string, number>();
          const ids = new Set<string>();
          const collect = (out: ReturnType<NotificationPlanner['due']>) => {
            for (const n of out) {
              expect(ids.has(n.id)).toBe(false);
              ids.add(n.id);
              for (const key of n.jobs) seen.set(key, (seen.get(key) ?? 0) + 1);
            }
          };
          for (const s of steps) {
            if (s.kind === 'push') {
              const jobId = nextJob++;
              const key = `${s.server}/${jobId}`;
              const t: Transition = {
                server: s.server,
                key,
                jobId,
                method: s.method,
                description: null,
                transient: s.transient,
                from: 'RUNNING',
                to: s.to,
                error: s.to === 'FAILED' ? 'boom' : null,
                timeStarted: s.durationMs === null ? null : 0,
                timeFinished: s.durationMs,
                catchUp: s.catchUp,
              };
              if (s.watch) planner.watchJob(key);
              planner.push(t, now);
              pushed.push(key);
            } else if (s.kind === 'advance') {
              now += s.ms;
            } else if (s.kind === 'due') {
              const next = planner.nextDueAt();
              const out = planner.due(now);
              // Nothing comes out before the time the planner announced.
              if (next === null || next > now) expect(out).toEqual([]);
              collect(out);
            } else if (s.kind === 'pause') {
              planner.setPausedUntil(s.ms === null ? null : now + s.ms);
            } else if (s.kind === 'mute') {
              planner.setServerMute(s.server, s.muted, null);
            } else {
              const keys = Array.from({ length: s.ahead }, (_, i) => `${s.server}/${nextJob + i}`);
              planner.watchServer(s.server, keys);
            }
          }
          collect(planner.flush(now));
          expect(planner.pendingCount()).toBe(0);
          expect(planner.nextDueAt()).toBeNull();
          expect(seen.size).toBe(pushed.length);
          for (const key of pushed) expect(seen.get(key)).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
