import { describe, expect, it } from 'vitest';
import { compareJobs, countByTab, filterJobs, matchesSearch, type JobFilter } from '../../renderer/src/lib/job-filter';
import { jobView } from './views';

const all: JobFilter = { tab: 'all', server: null, search: '', showTransient: false };

const jobs = [
  jobView({ key: 'a', state: 'SUCCESS', timeStarted: 100, timeFinished: 200, method: 'pool.snapshottask.run' }),
  jobView({ key: 'b', state: 'RUNNING', timeStarted: 50, method: 'cloudsync.sync', description: 'Sync photos to B2' }),
  jobView({ key: 'c', state: 'FAILED', timeStarted: 300, timeFinished: 400, server: 'nas2', method: 'replication.run' }),
  jobView({ key: 'd', state: 'WAITING', timeStarted: 500, method: 'cloudsync.sync' }),
  jobView({ key: 'e', state: 'RUNNING', timeStarted: 10, method: 'alert.process_alerts', transient: true }),
];

describe('job filter', () => {
  it('active = running and waiting, failed = failed, all = everything; transient hidden unless asked', () => {
    expect(filterJobs(jobs, { ...all, tab: 'active' }).map((j) => j.key)).toEqual(['b', 'd']);
    expect(filterJobs(jobs, { ...all, tab: 'failed' }).map((j) => j.key)).toEqual(['c']);
    expect(filterJobs(jobs, all).map((j) => j.key)).toEqual(['b', 'd', 'c', 'a']);
    expect(filterJobs(jobs, { ...all, showTransient: true }).map((j) => j.key)).toContain('e');
  });

  it('filters by server', () => {
    expect(filterJobs(jobs, { ...all, server: 'nas2' }).map((j) => j.key)).toEqual(['c']);
  });

  it('searches method and description, every word, ignoring case', () => {
    expect(matchesSearch({ method: 'cloudsync.sync', description: 'Sync photos to B2' }, 'PHOTOS b2')).toBe(true);
    expect(matchesSearch({ method: 'cloudsync.sync', description: 'Sync photos to B2' }, 'photos s3')).toBe(false);
    expect(matchesSearch({ method: 'replication.run', description: null }, 'replication')).toBe(true);
    expect(filterJobs(jobs, { ...all, search: 'cloudsync' }).map((j) => j.key)).toEqual(['b', 'd']);
  });

  it('orders running, waiting, then the rest newest first', () => {
    const sorted = [...jobs].sort(compareJobs).map((j) => j.key);
    expect(sorted).toEqual(['b', 'e', 'd', 'c', 'a']);
  });

  it('counts per tab with the same server and transient rules', () => {
    expect(countByTab(jobs, { server: null, showTransient: false })).toEqual({ active: 2, failed: 1, all: 4 });
    expect(countByTab(jobs, { server: null, showTransient: true })).toEqual({ active: 3, failed: 1, all: 5 });
    expect(countByTab(jobs, { server: 'nas2', showTransient: false })).toEqual({ active: 0, failed: 1, all: 1 });
  });
});
