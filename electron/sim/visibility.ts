/** Which jobs a session sees, in core.get_jobs, job methods and job events alike. */
import { canSee } from './auth';
import type { Conn } from './connection';
import type { JobStore, SimJob } from './jobs';
import type { SimVersion } from './types';
import { traits } from './versions';

export function jobVisible(version: SimVersion, store: JobStore, conn: Conn, job: SimJob): boolean {
  const user = conn.user;
  if (!user) return false;
  const { allSeeing } = traits(version);
  const legacyAllSeeing = allSeeing === 'everyone' || (allSeeing === 'api-key' && conn.credType === 'API_KEY');
  return canSee(user, legacyAllSeeing, job.method, store.ownerName(job));
}
