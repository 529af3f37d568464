/** Time left estimated from the task's history, for a running job that reports no percent. */
import type { JobView } from '../../../electron/ipc/contract';
import { jobElapsed } from './format';

/** The usual duration minus the time run so far; null when the job gives a percent, has no history, or is past its usual time. */
export function historyRemaining(job: JobView | undefined, now: number): number | null {
  if (!job || job.state !== 'RUNNING' || job.percent !== null) return null;
  const usual = job.usualDurationMs ?? null;
  const elapsed = jobElapsed(job, now);
  if (usual === null || elapsed === null) return null;
  const left = usual - elapsed;
  return left > 0 ? left : null;
}
