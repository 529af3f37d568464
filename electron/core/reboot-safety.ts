/**
 * "Is it safe to restart or update?", answered across every server from the monitor's snapshot: the running
 * non-transient jobs per server, or "Nothing running on any server". A server that is not live is named as
 * unknown and never counted as safe: what it is doing right now cannot be seen.
 *
 * "Tell me when it is safe" waits for exactly that answer, not for the jobs that ran when it was asked: a job that
 * starts while waiting (cron, zettarepl, another admin) keeps it waiting, and so does a server that is not
 * connected. Decided: wait rather than say "safe on the servers that answer", since a restart is what the answer
 * is for and an unseen server may be mid-replication; while waiting, the answer says who it waits for
 * (`watching`, and the unknown servers in `summary`), so a server that stays away is visible, not silent.
 */
import * as z from './zod';
import type { MonitorSnapshot } from './view';
import { english, type Translator } from './i18n/i18n';

export const RebootSafetyJobSchema = z.object({
  key: z.string(),
  name: z.string(),
  /** 0–100, or null when the job reports no percentage. */
  percent: z.nullable(z.number()),
});
export type RebootSafetyJob = z.infer<typeof RebootSafetyJobSchema>;

export const RebootSafetyServerSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** idle: live and nothing running; running: live with jobs; unknown: not live, so nothing can be said. */
  status: z.enum(['idle', 'running', 'unknown']),
  /** Why a server is unknown (its session's one-line detail); null otherwise. */
  detail: z.nullable(z.string()),
  jobs: z.array(RebootSafetyJobSchema),
});
export type RebootSafetyServer = z.infer<typeof RebootSafetyServerSchema>;

export const RebootSafetySchema = z.object({
  /** True only when every server is live and none runs a non-transient job. */
  safe: z.boolean(),
  /** One line for people: "Nothing running on any server", "Not safe: 2 jobs running on 1 server"… */
  summary: z.string(),
  servers: z.array(RebootSafetyServerSchema),
  /** "Tell me when it is safe" is waiting (absent from older producers: false). */
  watching: z.optional(z.boolean()),
});
export type RebootSafety = z.infer<typeof RebootSafetySchema>;

/** "Nothing running on any server" or "Not safe: 2 jobs running on 1 server; NAS unknown (not connected)", in `t`'s language. */
export function rebootSafetySummary(servers: readonly RebootSafetyServer[], t: Translator = english): string {
  const running = servers.filter((s) => s.status === 'running');
  const unknown = servers.filter((s) => s.status === 'unknown');
  const jobCount = running.reduce((n, s) => n + s.jobs.length, 0);
  const reasons: string[] = [];
  if (jobCount > 0) {
    const jobs = t('safety.jobs', { count: jobCount });
    const where = t('safety.onServers', { count: running.length });
    reasons.push(t('safety.jobsRunning', { count: jobCount, jobs, where }));
  }
  if (unknown.length > 0) reasons.push(t('safety.unknownServers', { names: unknown.map((s) => s.name).join(', ') }));
  return reasons.length === 0 ? t('safety.nothingRunning') : t('safety.notSafe', { reasons: reasons.join(t('safety.reasonSeparator')) });
}

/** Pure: the answer for this snapshot, its summary in `t`'s language. */
export function rebootSafety(snapshot: Pick<MonitorSnapshot, 'servers' | 'jobs'>, t: Translator = english): RebootSafety {
  const servers: RebootSafetyServer[] = snapshot.servers.map((server) => {
    if (server.state !== 'live') return { id: server.id, name: server.name, status: 'unknown', detail: server.detail, jobs: [] };
    const jobs = snapshot.jobs
      .filter((j) => j.server === server.id && blocksRestart(j))
      .map((j) => ({ key: j.key, name: j.description ?? j.method, percent: j.percent }));
    return { id: server.id, name: server.name, status: jobs.length > 0 ? 'running' : 'idle', detail: null, jobs };
  });
  const safe = servers.every((s) => s.status === 'idle');
  return { safe, summary: rebootSafetySummary(servers, t), servers };
}

/** Whether the job keeps a restart from being safe (the same test as `rebootSafety`'s list). */
export function blocksRestart(job: { transient: boolean; onServer: boolean; state: string }): boolean {
  return !job.transient && job.onServer && (job.state === 'RUNNING' || job.state === 'WAITING');
}

/**
 * "Tell me when it is safe": asked after each change that could make it safe, it answers true once, the first time
 * every server is live with nothing running; then the watch ends.
 */
export class RebootSafetyWatch {
  private active = false;

  get watching(): boolean {
    return this.active;
  }

  /** Starts waiting; false (and nothing starts) when it is safe already. */
  start(safeNow: boolean): boolean {
    this.active = !safeNow;
    return this.active;
  }

  stop(): void {
    this.active = false;
  }

  /** True once, when a watch is waiting and it has become safe. */
  settle(safeNow: boolean): boolean {
    if (!this.active || !safeNow) return false;
    this.active = false;
    return true;
  }
}

/** The running jobs' keys across every server: what an all-servers watch waits for. */
export function runningKeys(safety: RebootSafety): string[] {
  return safety.servers.flatMap((s) => s.jobs.map((j) => j.key));
}
