/** Which jobs the list shows, and in what order. Pure, so it is tested without a DOM. */
import { isActiveState } from '../../../electron/ipc/constants';
import type { JobState, JobView } from '../../../electron/ipc/contract';

export const JOB_TABS = ['active', 'failed', 'all'] as const;
export type JobTab = (typeof JOB_TABS)[number];

export interface JobFilter {
  tab: JobTab;
  /** A server id, or null for every server. */
  server: string | null;
  search: string;
  showTransient: boolean;
}

export function matchesTab(job: Pick<JobView, 'state'>, tab: JobTab): boolean {
  if (tab === 'active') return isActiveState(job.state);
  if (tab === 'failed') return job.state === 'FAILED';
  return true;
}

/** Case-insensitive match on method or description; every word must match somewhere. */
export function matchesSearch(job: Pick<JobView, 'method' | 'description'>, search: string): boolean {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = `${job.method}\n${job.description ?? ''}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

const STATE_ORDER: Record<JobState, number> = { RUNNING: 0, WAITING: 1, FAILED: 2, ABORTED: 3, SUCCESS: 3 };

/** Running first, then waiting, then the rest; within a group, newest first. */
export function compareJobs(a: JobView, b: JobView): number {
  const group = STATE_ORDER[a.state] - STATE_ORDER[b.state];
  if (group !== 0) return group;
  const at = a.timeFinished ?? a.timeStarted ?? 0;
  const bt = b.timeFinished ?? b.timeStarted ?? 0;
  if (at !== bt) return bt - at;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export function filterJobs(jobs: Iterable<JobView>, filter: JobFilter): JobView[] {
  const shown: JobView[] = [];
  for (const job of jobs) {
    if (job.transient && !filter.showTransient) continue;
    if (filter.server !== null && job.server !== filter.server) continue;
    if (!matchesTab(job, filter.tab)) continue;
    if (!matchesSearch(job, filter.search)) continue;
    shown.push(job);
  }
  return shown.sort(compareJobs);
}

/** Counts per tab for the tab labels (same transient and server rules, no search). */
export function countByTab(jobs: Iterable<JobView>, filter: Pick<JobFilter, 'server' | 'showTransient'>): Record<JobTab, number> {
  const counts: Record<JobTab, number> = { active: 0, failed: 0, all: 0 };
  for (const job of jobs) {
    if (job.transient && !filter.showTransient) continue;
    if (filter.server !== null && job.server !== filter.server) continue;
    counts.all++;
    if (isActiveState(job.state)) counts.active++;
    else if (job.state === 'FAILED') counts.failed++;
  }
  return counts;
}
