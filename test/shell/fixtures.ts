/** Views for shell tests: a snapshot built from a few servers, jobs and failures. */
import type { FailureView, JobView, MonitorSnapshot, NotificationView, ServerView } from '../../electron/core/view';

export function server(id: string, extra: Partial<ServerView> = {}): ServerView {
  return {
    id,
    name: id.toUpperCase(),
    url: `https://${id}.lan`,
    state: 'live',
    detail: 'Live',
    retryAt: null,
    attention: null,
    flavor: 'jsonrpc',
    endpoint: `wss://${id}.lan/api/current`,
    running: 0,
    unacknowledged: 0,
    mutedUntil: null,
    muted: false,
    badFrames: 0,
    ...extra,
  };
}

export function job(key: string, extra: Partial<JobView> = {}): JobView {
  return {
    key,
    server: 'nas',
    id: 1,
    method: 'replication.run',
    description: null,
    state: 'RUNNING',
    percent: 10,
    progressText: null,
    transient: false,
    abortable: true,
    hasLogs: false,
    timeStarted: 1_750_000_000_000,
    timeFinished: null,
    clockOffsetMs: 0,
    error: null,
    startedBy: null,
    onServer: true,
    ...extra,
  };
}

export function failure(key: string, serverId = 'nas'): FailureView {
  return {
    key,
    server: serverId,
    jobId: 7,
    method: 'cloudsync.sync',
    description: 'Cloud sync to B2',
    error: '[EFAULT] Failed to connect to remote host.',
    timeFinished: 1_750_000_100_000,
    reportedAt: 1_750_000_100_500,
  };
}

export function notification(extra: Partial<NotificationView> = {}): NotificationView {
  return {
    id: 'n1',
    server: 'nas',
    title: 'NAS: Cloud sync to B2 failed',
    body: 'Failed to connect to remote host.',
    urgency: 'critical',
    jobs: ['nas\u00007\u00001750000000000\u0000cloudsync.sync'],
    catchUp: false,
    suppressed: null,
    createdAt: 1_750_000_100_500,
    ...extra,
  };
}

export function snapshot(extra: Partial<MonitorSnapshot> = {}): MonitorSnapshot {
  return { servers: [], jobs: [], failures: [], notifications: [], pausedUntil: null, ...extra };
}
