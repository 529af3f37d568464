/** Plain view objects for tests, with overridable fields. */
import { jobKey } from '../../electron/core/model';
import type { JobView, ServerView } from '../../electron/ipc/contract';

export function jobView(overrides: Partial<JobView> = {}): JobView {
  return {
    // The core writes the key; the window only carries it.
    key: jobKey('nas1', { id: 1, timeStarted: 1_000, method: 'cloudsync.sync' }),
    server: 'nas1',
    id: 1,
    method: 'cloudsync.sync',
    description: null,
    state: 'RUNNING',
    percent: null,
    progressText: null,
    transient: false,
    abortable: false,
    hasLogs: false,
    timeStarted: 1_000,
    timeFinished: null,
    clockOffsetMs: 0,
    error: null,
    startedBy: null,
    onServer: true,
    ...overrides,
  };
}

export function serverView(overrides: Partial<ServerView> = {}): ServerView {
  return {
    id: 'nas1',
    name: 'nas1',
    url: 'wss://nas1',
    state: 'live',
    detail: 'Live',
    retryAt: null,
    attention: null,
    flavor: 'jsonrpc',
    endpoint: 'wss://nas1/api/current',
    running: 0,
    unacknowledged: 0,
    mutedUntil: null,
    muted: false,
    badFrames: 0,
    ...overrides,
  };
}
