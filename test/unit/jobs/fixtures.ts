/** Wire-shaped TrueNAS job objects and events for the job book tests (docs/protocol.md §5.1, Appendix A). */
import type { CollectionEvent } from '../../../electron/core/protocol/connection';
import type { JobState } from '../../../electron/core/model';

export interface WireJobOptions {
  id: number;
  method?: string;
  state?: JobState;
  started?: number;
  finished?: number | null;
  percent?: number | null;
  transient?: boolean;
  error?: string | null;
  logsExcerpt?: string | null;
}

/** A SCALE 25.10-style full job object. */
export function wireJob(options: WireJobOptions): Record<string, unknown> {
  const state = options.state ?? 'RUNNING';
  return {
    id: options.id,
    message_ids: [],
    method: options.method ?? 'cloudsync.sync',
    arguments: [options.id],
    transient: options.transient ?? false,
    description: null,
    abortable: true,
    logs_path: state === 'WAITING' ? null : `/var/log/jobs/${options.id}.log`,
    logs_excerpt: options.logsExcerpt ?? null,
    progress: { percent: options.percent ?? 0, description: '', extra: null },
    result: null,
    result_encoding_error: null,
    error: options.error ?? (state === 'FAILED' ? '[EFAULT] failed' : null),
    exception: null,
    exc_info: null,
    state,
    time_started: { $date: options.started ?? 1_750_000_000_000 },
    time_finished: options.finished === undefined || options.finished === null ? null : { $date: options.finished },
    credentials: null,
  };
}

export function jobEvent(msg: CollectionEvent['msg'], fields: Record<string, unknown>, collection = 'core.get_jobs'): CollectionEvent {
  return { msg, collection, id: fields['id'], fields };
}
