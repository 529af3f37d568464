/**
 * A recorded-like job stream, generated deterministically (seeded RNG): a `core.get_jobs` snapshot reply of ~1000
 * jobs and tens of thousands of `collection_update` frames, in the exact JSON-RPC wire shape of the protocol
 * reference's Appendix A (TrueNAS 25.10): cloud-sync progress every second, scrubs and replications, double SUCCESS
 * events, failures with tracebacks, aborts, and transient alert jobs every minute.
 */

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type State = 'WAITING' | 'RUNNING' | 'SUCCESS' | 'FAILED' | 'ABORTED';

interface SimJob {
  id: number;
  method: string;
  arguments: unknown[];
  transient: boolean;
  description: string | null;
  abortable: boolean;
  logsPath: string | null;
  logsExcerpt: string | null;
  percent: number;
  progressText: string;
  error: string | null;
  exception: string | null;
  excInfo: Record<string, unknown> | null;
  state: State;
  started: number;
  finished: number | null;
  username: string | null;
}

const KINDS = [
  { method: 'cloudsync.sync', abortable: true, description: null, weight: 4 },
  { method: 'replication.run', abortable: false, description: null, weight: 3 },
  { method: 'pool.scrub.scrub', abortable: false, description: "Scrub of pool 'tank'", weight: 1 },
  { method: 'pool.snapshottask.run', abortable: false, description: null, weight: 3 },
  { method: 'rsynctask.run', abortable: true, description: null, weight: 1 },
  { method: 'update.download', abortable: false, description: null, weight: 1 },
] as const;

const TRACEBACK =
  'Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/middlewared/job.py", line 515, in run\n' +
  '    await self.future\n  File "/usr/lib/python3/dist-packages/middlewared/plugins/zettarepl.py", line 201, in run\n' +
  "    raise CallError('Failed to connect to remote host.')\nmiddlewared.service_exception.CallError: [EFAULT] Failed to connect to remote host.\n";

function wire(job: SimJob): Record<string, unknown> {
  return {
    id: job.id,
    message_ids: job.username ? ['c7a3e0f2-1f0b-4c61-8d2e-2b8f3a9d4e10'] : [],
    method: job.method,
    arguments: job.arguments,
    transient: job.transient,
    description: job.description,
    abortable: job.abortable,
    logs_path: job.logsPath,
    logs_excerpt: job.logsExcerpt,
    progress: { percent: job.percent, description: job.progressText, extra: null },
    result: job.state === 'SUCCESS' ? { transferred: job.id * 1024 } : null,
    result_encoding_error: null,
    error: job.error,
    exception: job.exception,
    exc_info: job.excInfo,
    state: job.state,
    time_started: { $date: job.started },
    time_finished: job.finished === null ? null : { $date: job.finished },
    credentials: job.username
      ? { type: 'UNIX_SOCKET', data: { username: job.username, login_id: '5d1c7e2a', login_at: { $date: job.started } } }
      : null,
  };
}

function updateFrame(msg: 'added' | 'changed', job: SimJob): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    method: 'collection_update',
    params: { msg, collection: 'core.get_jobs', id: job.id, fields: wire(job) },
  });
}

export interface JobStream {
  /** The reply to `core.get_jobs` (a JSON-RPC result frame). */
  snapshotFrame: string;
  /** `collection_update` frames, in server order. */
  updateFrames: string[];
  /** Where a following stream continues: the next job id and the server clock at the end. */
  nextId: number;
  endClock: number;
}

export interface JobStreamOptions {
  seed: number;
  snapshotJobs: number;
  updates: number;
  /** Jobs still running at the end of the snapshot (the newest ones); 20 unless told. */
  running?: number;
  /** The first job id (1 unless told) and the server clock to start from, to chain streams. */
  firstId?: number;
  startClock?: number;
}

export function generateJobStream(options: JobStreamOptions): JobStream {
  const random = seededRandom(options.seed);
  let clock = options.startClock ?? 1_750_000_000_000;
  let nextId = options.firstId ?? 1;
  const running = Math.min(options.snapshotJobs, options.running ?? 20);
  const pickKind = () => {
    const total = KINDS.reduce((sum, kind) => sum + kind.weight, 0);
    let roll = random() * total;
    for (const kind of KINDS) {
      roll -= kind.weight;
      if (roll < 0) return kind;
    }
    return KINDS[0];
  };
  const newJob = (transient: boolean): SimJob => {
    const kind = pickKind();
    const id = nextId++;
    return {
      id,
      method: transient ? 'alert.process_alerts' : kind.method,
      arguments: transient ? [] : [1 + Math.floor(random() * 9), false],
      transient,
      description: transient ? null : kind.description,
      abortable: !transient && kind.abortable,
      logsPath: null,
      logsExcerpt: null,
      percent: 0,
      progressText: '',
      error: null,
      exception: null,
      excInfo: null,
      state: 'WAITING',
      started: clock,
      finished: null,
      username: random() < 0.3 ? 'root' : null,
    };
  };
  const finish = (job: SimJob, roll: number) => {
    job.finished = clock;
    if (roll < 0.8) {
      job.state = 'SUCCESS';
    } else if (roll < 0.95) {
      job.state = 'FAILED';
      job.error = '[EFAULT] Failed to connect to remote host.';
      job.exception = TRACEBACK;
      job.excInfo = { repr: "CallError('Failed to connect to remote host.', 14, None)", type: 'CallError', errno: 14, extra: null };
    } else {
      job.state = 'ABORTED';
    }
    job.logsExcerpt = job.logsPath ? '[2025/06/20 11:00:00] INFO  starting\n[2025/06/20 11:05:00] INFO  done\n' : null;
  };

  // The snapshot: a server that has been up for a while — mostly finished jobs, a few running.
  const snapshotJobs: SimJob[] = [];
  for (let i = 0; i < options.snapshotJobs; i += 1) {
    clock += 30_000 + Math.floor(random() * 600) * 1000;
    const job = newJob(false);
    job.logsPath = `/var/log/jobs/${job.id}.log`;
    if (i < options.snapshotJobs - running) {
      job.percent = 100;
      finish(job, random());
    } else {
      job.state = 'RUNNING';
      job.percent = Math.floor(random() * 90);
      job.progressText = 'Scrubbing';
    }
    snapshotJobs.push(job);
  }
  const snapshotFrame = JSON.stringify({ jsonrpc: '2.0', result: snapshotJobs.map(wire), id: 4 });

  // The live stream: each second every running job may report progress; jobs start and finish; alerts every 60 s.
  const updateFrames: string[] = [];
  const active = snapshotJobs.filter((job) => job.state === 'RUNNING');
  let second = 0;
  while (updateFrames.length < options.updates) {
    second += 1;
    clock += 1000;
    if (second % 60 === 0) {
      const alerts = newJob(true);
      updateFrames.push(updateFrame('added', alerts));
      alerts.state = 'RUNNING';
      updateFrames.push(updateFrame('changed', alerts));
      alerts.state = 'SUCCESS';
      alerts.finished = clock;
      alerts.percent = 100;
      updateFrames.push(updateFrame('changed', alerts));
      updateFrames.push(updateFrame('changed', alerts));
    }
    if (active.length < 25 && random() < 0.3) {
      const job = newJob(false);
      updateFrames.push(updateFrame('added', job));
      job.state = 'RUNNING';
      job.logsPath = `/var/log/jobs/${job.id}.log`;
      updateFrames.push(updateFrame('changed', job));
      active.push(job);
    }
    for (let index = active.length - 1; index >= 0; index -= 1) {
      const job = active[index]!;
      if (random() < 0.02) {
        const roll = random();
        finish(job, roll);
        updateFrames.push(updateFrame('changed', job));
        if (job.state === 'SUCCESS' && job.percent < 100) {
          // A success below 100 % is announced twice (protocol §4.3).
          job.percent = 100;
          updateFrames.push(updateFrame('changed', job));
        }
        active.splice(index, 1);
      } else if (job.method === 'cloudsync.sync' || random() < 0.3) {
        job.percent = Math.min(99, job.percent + Math.floor(random() * 3));
        const done = (job.percent * 0.033).toFixed(1);
        job.progressText = `${done} GiB / 3.3 GiB, ${job.percent}%, ${40 + Math.floor(random() * 10)} MiB/s, ETA ${Math.floor(random() * 90)}s`;
        updateFrames.push(updateFrame('changed', job));
      }
    }
  }
  updateFrames.length = options.updates;
  return { snapshotFrame, updateFrames, nextId, endClock: clock };
}
