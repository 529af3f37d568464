/** Job events: `added` / `changed` of core.get_jobs to every subscriber that may see the job. */
import type { Conn } from './connection';
import type { JobStore, SimJob } from './jobs';
import type { SimVersion, WireJob } from './types';
import { traits } from './versions';
import { jobVisible } from './visibility';

export interface BroadcastTarget {
  readonly version: SimVersion;
  readonly store: JobStore;
  readonly conns: Iterable<Conn>;
  send(conn: Conn, msg: unknown): boolean;
  /** Events of this job are lost (faults: loseEvents). */
  eventsLost(job: SimJob): boolean;
}

export function broadcast(target: BroadcastTarget, kind: 'added' | 'changed', job: SimJob): void {
  const { version, store } = target;
  if (job.transient && traits(version).transientEventShape === 'none') return;
  if (target.eventsLost(job)) return;
  let fields: WireJob | undefined;
  for (const conn of target.conns) {
    if (!conn.open || conn.stalled || conn.subs.size === 0) continue;
    if (conn.user) {
      if (!jobVisible(version, store, conn, job)) continue;
    } else if (traits(version).eventsNeedLogin) {
      continue; // logged-out / expired sessions get no job events (25.10.2+)
    }
    fields ??= store.wire(job, { raw: true });
    if (conn.kind === 'rpc') {
      target.send(conn, {
        jsonrpc: '2.0',
        method: 'collection_update',
        params: { msg: kind, collection: 'core.get_jobs', id: job.id, fields },
      });
    } else {
      target.send(conn, { msg: kind, collection: 'core.get_jobs', id: job.id, fields });
    }
  }
}
