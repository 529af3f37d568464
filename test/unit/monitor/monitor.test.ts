import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Monitor,
  webUiUrl,
  type FailureList,
  type NotificationPolicy,
  type ServerConnector,
  type ServerDirectory,
  type ServerTarget,
} from '../../../electron/core/monitor';
import { TransitionLedger } from '../../../electron/core/ledger';
import type { CloseInfo, CollectionEvent, RpcConnection } from '../../../electron/core/protocol/connection';
import type { Transition } from '../../../electron/core/model';
import type { FailureView, MonitorDelta, NotificationView, ServerView } from '../../../electron/core/view';
import { english, translator, type Translator } from '../../../electron/core/i18n/i18n';
import { restrictedSummary } from '../../../electron/core/server-access';
import { jobViewOf, trackRunning } from '../../../electron/core/monitor-views';
import { completeJob } from '../../../electron/core/protocol/job-schema';
import type { JobEntry } from '../../../electron/core/jobs';

// Counts the job views built (calling through to the real function).
vi.mock('../../../electron/core/monitor-views', async (importOriginal) => {
  const views = await importOriginal<typeof import('../../../electron/core/monitor-views')>();
  return { ...views, jobViewOf: vi.fn(views.jobViewOf) };
});

function wireJob(id: number, state: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    method: 'replication.run',
    arguments: [1],
    transient: false,
    description: null,
    abortable: true,
    logs_path: `/var/log/jobs/${id}.log`,
    logs_excerpt: null,
    progress: { percent: 0, description: '', extra: null },
    result: null,
    error: state === 'FAILED' ? '[EFAULT] Failed to connect to remote host.' : null,
    exception: null,
    exc_info: null,
    state,
    time_started: { $date: 1_750_000_000_000 + id * 1000 },
    time_finished: state === 'SUCCESS' || state === 'FAILED' ? { $date: 1_750_000_100_000 + id * 1000 } : null,
    credentials: null,
    ...extra,
  };
}

class FakeConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  calls: Array<[string, unknown[]]> = [];
  private events: Array<(e: CollectionEvent) => void> = [];
  private closes: Array<(i: CloseInfo) => void> = [];
  constructor(private readonly snapshot: unknown[]) {}
  async call(method: string, params: unknown[] = []) {
    this.calls.push([method, params]);
    if (method === 'core.get_jobs') return this.snapshot;
    if (method === 'core.job_download_logs') return '/_download/99?auth_token=x';
    return null;
  }
  async subscribe() {}
  async ping() {}
  onEvent(l: (e: CollectionEvent) => void) {
    this.events.push(l);
    return () => {};
  }
  onClose(l: (i: CloseInfo) => void) {
    this.closes.push(l);
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close() {
    this.closed = true;
  }
  push(job: Record<string, unknown>) {
    for (const l of this.events) l({ msg: 'changed', collection: 'core.get_jobs', id: job['id'], fields: job });
  }
}

class RecordingPolicy implements NotificationPolicy {
  pushed: Transition[] = [];
  private pending: Transition[] = [];
  private paused: number | null = null;
  watched: string[] = [];
  push(t: Transition) {
    this.pushed.push(t);
    this.pending.push(t);
  }
  due(now: number): NotificationView[] {
    const out = this.pending.map((t) => ({
      id: t.key,
      server: t.server,
      title: `${t.method} ${t.to}`,
      body: '',
      urgency: 'normal' as const,
      jobs: [t.key],
      catchUp: t.catchUp,
      suppressed: null,
      createdAt: Number.isFinite(now) ? now : 0,
    }));
    this.pending = [];
    return out;
  }
  nextDueAt() {
    return this.pending.length > 0 ? Date.now() + 3000 : null;
  }
  watchJob(key: string) {
    this.watched.push(key);
  }
  watchServer(_s: string, keys: string[]) {
    this.watched.push(...keys);
  }
  setPausedUntil(u: number | null) {
    this.paused = u;
  }
  pausedUntil() {
    return this.paused;
  }
  setServerMute() {}
}

class MemoryFailures implements FailureList {
  items: FailureView[] = [];
  private listeners: Array<() => void> = [];
  add(t: Transition, now: number) {
    this.items.unshift({
      key: t.key,
      server: t.server,
      jobId: t.jobId,
      method: t.method,
      description: t.description,
      error: t.error,
      timeFinished: t.timeFinished,
      reportedAt: now,
    });
    this.changed();
  }
  acknowledge(key: string) {
    this.items = this.items.filter((f) => f.key !== key);
    this.changed();
  }
  acknowledgeServer(server: string) {
    this.items = this.items.filter((f) => f.server !== server);
    this.changed();
  }
  acknowledgeAll() {
    this.items = [];
    this.changed();
  }
  list() {
    return [...this.items];
  }
  onChange(l: () => void) {
    this.listeners.push(l);
    return () => {};
  }
  private changed() {
    for (const l of this.listeners) l();
  }
}

const target: ServerTarget = {
  id: 'nas1',
  name: 'nas1',
  url: 'nas1.example',
  auth: { method: 'api-key', username: 'monitor' },
  fingerprint256: null,
  muted: false,
  mutedUntil: null,
};

async function settle() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe('Monitor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(snapshot: unknown[], options: { viewListener?: boolean } = {}) {
    const connection = new FakeConnection(snapshot);
    const secrets: Array<string | null> = [];
    const connector: ServerConnector = {
      connect: async () => connection,
      login: async (_c, _t, secret) => {
        secrets.push(secret);
      },
      probe: async () => {
        throw new Error('not used');
      },
      download: async (_t, _e, path) => `log for ${path}`,
    };
    const saved: ServerTarget[] = [];
    const directory: ServerDirectory = {
      list: async () => [target],
      secret: async () => 'the-secret',
      save: async (t) => {
        saved.push(t);
      },
      remove: async () => {},
    };
    const policy = new RecordingPolicy();
    const failures = new MemoryFailures();
    const monitor = new Monitor({ connector, directory, ledger: new TransitionLedger(), policy, failures });
    const deltas: MonitorDelta[] = [];
    if (options.viewListener !== false) monitor.onDelta((d) => deltas.push(d));
    return { monitor, connection, policy, failures, deltas, secrets, saved };
  }

  it('builds job views only while something listens for them (the CLI does not), and reports the same transitions', async () => {
    const built = vi.mocked(jobViewOf);
    for (const viewListener of [false, true]) {
      built.mockClear();
      const { monitor, connection } = setup([wireJob(5, 'RUNNING')], { viewListener });
      const transitions: Transition[] = [];
      monitor.onTransition((t) => transitions.push(t));
      await monitor.start();
      await settle();
      connection.push(wireJob(5, 'RUNNING', { progress: { percent: 50, description: 'half', extra: null } }));
      connection.push(wireJob(5, 'FAILED'));
      expect(transitions.map((t) => [t.jobId, t.to])).toEqual([[5, 'FAILED']]);
      expect(monitor.snapshot().jobs.map((j) => [j.id, j.state])).toEqual([[5, 'FAILED']]);
      // The snapshot above builds one view either way; the stream's two events only for a listener.
      expect(built.mock.calls.length).toBe(viewListener ? 4 : 1);
      await monitor.stop();
    }
  });

  it('a saved secret stays bound to its address, sign-in method and user: changing one needs the secret again and a passing test', async () => {
    const { monitor, saved, secrets } = setup([]);
    await monitor.start();
    await settle();
    const draft = { name: 'nas1', url: 'nas1.example', auth: { method: 'api-key' as const, username: 'monitor' }, fingerprint256: null };
    for (const changed of [
      { ...draft, url: 'evil.example' },
      { ...draft, url: 'https://nas1.example:8443' },
      { ...draft, auth: { method: 'password' as const, username: 'monitor' } },
      { ...draft, auth: { method: 'api-key' as const, username: 'root' } },
    ]) {
      await expect(monitor.updateServer('nas1', changed, null)).rejects.toMatchObject({ code: 'SECRET_REQUIRED' });
    }
    expect(saved).toEqual([]);
    // The same origin written another way, and a new name, keep it.
    await monitor.updateServer('nas1', { ...draft, name: 'Main NAS', url: 'https://nas1.example/ui/' }, null);
    expect(saved).toHaveLength(1);
    // A new address with the secret typed again: tested first (a login with that secret), then saved.
    const loginsBefore = secrets.length;
    await monitor.updateServer('nas1', { ...draft, url: 'nas2.example' }, 'typed-again');
    expect(secrets.slice(loginsBefore)).toContain('typed-again');
    expect(saved.at(-1)?.url).toBe('nas2.example');
    await monitor.stop();
  });

  it('a failed transient job is reported (flagged) but never joins the unacknowledged failures', async () => {
    const { monitor, connection, policy, failures } = setup([]);
    await monitor.start();
    await settle();
    connection.push(wireJob(7, 'FAILED', { method: 'alert.process_alerts', transient: true }));
    await settle();
    expect(policy.pushed).toMatchObject([{ jobId: 7, transient: true }]);
    expect(failures.items).toEqual([]);
    await monitor.stop();
  });

  it('a throwing listener loses nothing: the failure is kept and planned first, and the other listeners still run', async () => {
    const { monitor, connection, policy, failures } = setup([wireJob(2, 'RUNNING')]);
    const seen: string[] = [];
    monitor.onTransition(() => {
      throw new RangeError('Invalid time value');
    });
    monitor.onTransition((t) => seen.push(t.key));
    monitor.onDelta(() => {
      throw new Error('a broken window');
    });
    await monitor.start();
    await settle();
    connection.push(wireJob(2, 'FAILED'));
    await settle();
    expect(failures.items.map((f) => f.jobId)).toEqual([2]);
    expect(policy.pushed.map((t) => t.jobId)).toEqual([2]);
    expect(seen).toHaveLength(1);
    await monitor.stop();
  });

  it('follows saved servers, seeds silently and reports a later failure once', async () => {
    const { monitor, connection, policy, failures, secrets } = setup([wireJob(1, 'SUCCESS'), wireJob(2, 'RUNNING')]);
    const transitions: Transition[] = [];
    monitor.onTransition((t) => transitions.push(t));
    await monitor.start();
    await settle();
    expect(secrets).toEqual(['the-secret']);
    const snap = monitor.snapshot();
    expect(snap.servers[0]?.state).toBe('live');
    expect(snap.servers[0]?.running).toBe(1);
    expect(snap.jobs.map((j) => j.id).sort()).toEqual([1, 2]);
    expect(transitions).toEqual([]);

    connection.push(wireJob(2, 'FAILED'));
    connection.push(wireJob(2, 'FAILED'));
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ jobId: 2, to: 'FAILED', catchUp: false });
    expect(policy.pushed).toHaveLength(1);
    expect(failures.list()).toHaveLength(1);
    expect(monitor.snapshot().servers[0]?.unacknowledged).toBe(1);
    await monitor.stop();
  });

  it('delivers the planned notifications when the policy says they are due', async () => {
    const { monitor, connection, deltas } = setup([wireJob(3, 'RUNNING')]);
    const notes: NotificationView[] = [];
    monitor.onNotification((n) => notes.push(n));
    await monitor.start();
    await settle();
    connection.push(wireJob(3, 'FAILED'));
    expect(notes).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(3000);
    expect(notes).toHaveLength(1);
    expect(monitor.snapshot().notifications).toHaveLength(1);
    expect(deltas.some((d) => d.notifications?.length === 1)).toBe(true);
    await monitor.stop();
  });

  it('sends job views without results or secrets and acknowledges failures', async () => {
    const { monitor, connection, deltas } = setup([wireJob(4, 'RUNNING', { result: 'SECRET-RESULT' })]);
    await monitor.start();
    await settle();
    connection.push(wireJob(4, 'FAILED', { result: 'SECRET-RESULT' }));
    expect(JSON.stringify(deltas)).not.toContain('SECRET-RESULT');
    expect(JSON.stringify(deltas)).not.toContain('the-secret');
    const key = monitor.failures()[0]!.key;
    monitor.acknowledge(key);
    expect(monitor.failures()).toEqual([]);
    expect(deltas.at(-1)?.servers?.[0]?.unacknowledged).toBe(0);
    await monitor.stop();
  });

  it('aborts a running job and refuses to abort a finished one', async () => {
    const { monitor, connection } = setup([wireJob(5, 'RUNNING'), wireJob(6, 'SUCCESS')]);
    await monitor.start();
    await settle();
    const jobs = monitor.snapshot().jobs;
    await monitor.abortJob(jobs.find((j) => j.id === 5)!.key);
    expect(connection.calls).toContainEqual(['core.job_abort', [5]]);
    await expect(monitor.abortJob(jobs.find((j) => j.id === 6)!.key)).rejects.toThrow(/already ended/);
    await monitor.stop();
  });

  it('downloads a job log through the link the server returns', async () => {
    const { monitor } = setup([wireJob(7, 'FAILED')]);
    await monitor.start();
    await settle();
    const key = monitor.snapshot().jobs[0]!.key;
    const log = await monitor.downloadJobLog(key);
    expect(log).toEqual({ filename: 'nas1-7.log', content: 'log for /_download/99?auth_token=x' });
    await monitor.stop();
  });

  it('gives the job detail with the web UI address', async () => {
    const { monitor } = setup([wireJob(8, 'FAILED', { exception: 'Traceback…' })]);
    await monitor.start();
    await settle();
    const detail = monitor.jobDetail(monitor.snapshot().jobs[0]!.key);
    expect(detail).toMatchObject({ id: 8, exception: 'Traceback…', webUiUrl: 'https://nas1.example' });
    expect(monitor.jobDetail('nope')).toBeNull();
    await monitor.stop();
  });

  it('watches the running jobs of a server', async () => {
    const { monitor, policy } = setup([wireJob(9, 'RUNNING'), wireJob(10, 'SUCCESS')]);
    await monitor.start();
    await settle();
    monitor.watchServer('nas1');
    expect(policy.watched).toHaveLength(1);
    expect(policy.watched[0]).toContain('\u00009\u0000');
    await monitor.stop();
  });
});

describe('webUiUrl', () => {
  it('maps every way of writing a server address to its web UI', () => {
    expect(webUiUrl('nas.local')).toBe('https://nas.local');
    expect(webUiUrl('wss://nas.local:8443/api/current')).toBe('https://nas.local:8443');
    expect(webUiUrl('ws://10.0.0.5/websocket')).toBe('http://10.0.0.5');
    expect(webUiUrl('http://nas')).toBe('http://nas');
    expect(webUiUrl('::::')).toBeNull();
  });
});

// ---- restricted accounts, HA standby, log download ------------------------------------------------------------

import { RpcError } from '../../../electron/core/errors';
import { logFileName } from '../../../electron/core/monitor';

/** A connection whose answers a test decides, method by method; events can be pushed. */
class ScriptedConnection implements RpcConnection {
  readonly flavor = 'jsonrpc' as const;
  readonly url = 'wss://nas.test/api/current';
  readonly secureTransport = true;
  closed = false;
  stats = { framesIn: 0, badFrames: 0 };
  calls: Array<[string, unknown[]]> = [];
  private events: Array<(e: CollectionEvent) => void> = [];
  constructor(private readonly answer: (method: string, params: unknown[]) => unknown) {}
  async call(method: string, params: unknown[] = []): Promise<unknown> {
    this.calls.push([method, params]);
    return this.answer(method, params);
  }
  async subscribe() {
    this.calls.push(['core.subscribe', []]);
  }
  async ping() {}
  onEvent(l: (e: CollectionEvent) => void) {
    this.events.push(l);
    return () => {};
  }
  onClose() {
    return () => {};
  }
  onBadFrame() {
    return () => {};
  }
  close() {
    this.closed = true;
  }
  push(job: Record<string, unknown>) {
    for (const l of this.events) l({ msg: 'changed', collection: 'core.get_jobs', id: job['id'], fields: job });
  }
}

const me = (roles: string[]) => ({
  pw_name: 'watcher',
  privilege: { roles: { $set: roles }, allowlist: [], web_shell: false, webui_access: true },
});
const missing = (method: string) => new RpcError(`${method} failed: Method does not exist`, -32601, null, null, null);

function setupScripted(
  answer: (method: string, params: unknown[]) => unknown,
  options: { logDownloadTimeoutMs?: number; download?: ServerConnector['download']; translator?: () => Translator } = {},
) {
  const connections: ScriptedConnection[] = [];
  const connector: ServerConnector = {
    connect: async () => {
      const c = new ScriptedConnection(answer);
      connections.push(c);
      return c;
    },
    login: async () => {},
    probe: async () => {
      throw new Error('not used');
    },
    download: options.download ?? (async (_t, _e, path) => `log for ${path}`),
  };
  const directory: ServerDirectory = {
    list: async () => [target],
    secret: async () => 'the-secret',
    save: async () => {},
    remove: async () => {},
  };
  const monitor = new Monitor({
    connector,
    directory,
    ledger: new TransitionLedger(),
    policy: new RecordingPolicy(),
    failures: new MemoryFailures(),
    followup: { silenceMs: 1_000, lookupIntervalMs: 1_000, maxFollowed: 2 },
    ...(options.logDownloadTimeoutMs !== undefined ? { logDownloadTimeoutMs: options.logDownloadTimeoutMs } : {}),
    ...(options.translator ? { translator: options.translator } : {}),
  });
  const transitions: Transition[] = [];
  monitor.onTransition((t) => transitions.push(t));
  const lookups = () =>
    connections.flatMap((c) => c.calls).filter(([m, p]) => m === 'core.get_jobs' && JSON.stringify(p).includes('"id","="')).length;
  return { monitor, connections, transitions, lookups };
}

describe('Monitor: restricted accounts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("words the account's access in the views' language, again when it changes", async () => {
    let t: Translator = english;
    const { monitor } = setupScripted(
      (method) => {
        if (method === 'auth.me') return me(['READONLY_ADMIN']);
        if (method === 'failover.status') return 'SINGLE';
        if (method === 'core.get_jobs') return [];
        return null;
      },
      { translator: () => t },
    );
    const views: ServerView[] = [];
    monitor.onServerChange((view) => views.push(view));
    await monitor.start();
    // Login, then the schedule check's reads one after another (clock, then each kind of task).
    for (let i = 0; i < 10; i++) await settle();
    expect(monitor.snapshot().servers[0]?.access?.summary).toBe(restrictedSummary(['READONLY_ADMIN']));
    t = translator('de');
    monitor.refreshServerViews();
    expect(views.at(-1)?.access?.summary).toMatch(/^Eingeschränktes Konto \(READONLY_ADMIN\): sieht die selbst gestarteten Jobs/);
    expect(monitor.snapshot().servers[0]?.access).toMatchObject({ fullAdmin: false, roles: ['READONLY_ADMIN'], lostJobs: 0 });
    // The schedule check's notes go out in the same language: here every task query answered null (no list), one note.
    expect(views.at(-1)?.schedules?.notes).toEqual([
      'Der Server hat auf pool.snapshottask.query, replication.query, cloudsync.query, cloud_backup.query, rsynctask.query, ' +
        'pool.scrub.query mit etwas geantwortet, das keine Liste ist; die Aufgaben für periodische Snapshots, Replikation, ' +
        'Cloud-Synchronisierung, Cloud-Backup, Rsync und Scrubs werden vorerst nicht geprüft.',
    ]);
    await monitor.stop();
  });

  it('shows the access of the account and looks up a silent job until its FAILED end, reported exactly once', async () => {
    let state = 'RUNNING';
    const { monitor, connections, transitions, lookups } = setupScripted((method, params) => {
      if (method === 'auth.me') return me(['READONLY_ADMIN', 'CLOUD_SYNC_READ', 'REPLICATION_TASK_READ']);
      if (method === 'failover.status') return 'SINGLE';
      if (method === 'core.get_jobs') return JSON.stringify(params).includes('"id","="') || state === 'RUNNING' ? [wireJob(2, state)] : [];
      return null;
    });
    await monitor.start();
    await settle();
    expect(monitor.snapshot().servers[0]?.access).toMatchObject({
      fullAdmin: false,
      roles: ['CLOUD_SYNC_READ', 'READONLY_ADMIN', 'REPLICATION_TASK_READ'],
      lostJobs: 0,
    });
    expect(lookups()).toBe(0);
    await vi.advanceTimersByTimeAsync(2_500);
    expect(lookups()).toBeGreaterThanOrEqual(1);
    expect(lookups()).toBeLessThanOrEqual(3);
    expect(transitions).toEqual([]);
    state = 'FAILED';
    await vi.advanceTimersByTimeAsync(2_000);
    expect(transitions).toMatchObject([{ jobId: 2, to: 'FAILED', catchUp: false }]);
    const after = lookups();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lookups()).toBe(after); // ended: no more lookups
    connections[0]!.push(wireJob(2, 'FAILED')); // a late event does not report it again
    expect(transitions).toHaveLength(1);
    await monitor.stop();
  });

  it('a job the lookup no longer finds (or whose id now names another job) is dropped and reported lost once, with no outcome', async () => {
    let listed: unknown[] = [wireJob(2, 'RUNNING'), wireJob(3, 'RUNNING')];
    const { monitor, transitions, lookups } = setupScripted((method) => {
      if (method === 'auth.me') return me(['READONLY_ADMIN']);
      if (method === 'failover.status') return 'SINGLE';
      if (method === 'core.get_jobs') return listed;
      return null;
    });
    await monitor.start();
    await settle();
    listed = [wireJob(3, 'RUNNING', { time_started: { $date: 1 } })];
    await vi.advanceTimersByTimeAsync(3_000);
    expect(monitor.snapshot().jobs).toEqual([]);
    expect(monitor.snapshot().servers[0]?.access).toMatchObject({
      lostJobs: 2,
      lostNotice: expect.stringMatching(/^Lost sight of "replication.run" \(job [23]\) before it finished \(2 jobs so far\)/),
    });
    expect(transitions).toEqual([]);
    const after = lookups();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(lookups()).toBe(after);
    await monitor.stop();
  });

  it('a running job missing from a reconnect snapshot is reported lost, unless the middleware restarted (nothing we knew is listed)', async () => {
    for (const [second, lost] of [
      [[wireJob(1, 'SUCCESS')], 1],
      [[wireJob(1, 'RUNNING', { time_started: { $date: 5 } })], 0], // ids restarted: job 1 is another job
      [[], 0],
    ] as const) {
      let listed: unknown[] = [wireJob(1, 'SUCCESS'), wireJob(2, 'RUNNING')];
      const { monitor, transitions } = setupScripted((method) => {
        if (method === 'auth.me') return me(['READONLY_ADMIN']);
        if (method === 'core.get_jobs') return listed;
        return null;
      });
      await monitor.start();
      await settle();
      listed = [...second];
      monitor.wake();
      await settle();
      expect(monitor.snapshot().servers[0]?.state).toBe('live');
      expect(monitor.snapshot().jobs.some((j) => j.id === 2)).toBe(false);
      expect(monitor.snapshot().servers[0]?.access?.lostJobs).toBe(lost);
      expect(transitions).toEqual([]);
      await monitor.stop();
    }
  });

  it('a full admin’s silent jobs are never looked up', async () => {
    const { monitor, lookups } = setupScripted((method) => {
      if (method === 'auth.me') return me(['FULL_ADMIN', 'READONLY_ADMIN']);
      if (method === 'core.get_jobs') return [wireJob(2, 'RUNNING')];
      return null;
    });
    await monitor.start();
    await settle();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(lookups()).toBe(0);
    expect(monitor.snapshot().servers[0]?.access).toMatchObject({ fullAdmin: true });
    await monitor.stop();
  });

  it('CORE 13 (no auth.me) counts as full access; an auth.me that fails otherwise leaves it unknown and the session live', async () => {
    const core = setupScripted((method) => {
      if (method === 'auth.me' || method === 'failover.status') throw missing(method);
      if (method === 'core.get_jobs') return [];
      return null;
    });
    await core.monitor.start();
    await settle();
    expect(core.monitor.snapshot().servers[0]).toMatchObject({ state: 'live', access: { fullAdmin: true } });
    await core.monitor.stop();
    const odd = setupScripted((method) => {
      if (method === 'auth.me') throw new RpcError('auth.me failed: boom', -32001, 14, 'EFAULT', 'boom');
      if (method === 'failover.status') throw new RpcError('Not authorized', -32001, 13, 'EACCES', 'Not authorized');
      if (method === 'core.get_jobs') return [];
      return null;
    });
    await odd.monitor.start();
    await settle();
    expect(odd.monitor.snapshot().servers[0]).toMatchObject({ state: 'live', access: null });
    await odd.monitor.stop();
  });

  it('a standby controller (failover.status BACKUP) needs attention instead of going live', async () => {
    const { monitor, connections } = setupScripted((method) => {
      if (method === 'failover.status') return 'BACKUP';
      if (method === 'auth.me') return me(['FULL_ADMIN']);
      if (method === 'core.get_jobs') return [];
      return null;
    });
    await monitor.start();
    await settle();
    expect(monitor.snapshot().servers[0]).toMatchObject({
      state: 'needs-attention',
      attention: {
        code: 'AUTH_REDIRECT',
        message: expect.stringMatching(
          /^This is the standby controller of an HA pair; connect to the virtual IP or the active controller\./,
        ),
      },
    });
    expect(connections[0]!.calls.map(([m]) => m)).not.toContain('core.subscribe');
    await monitor.stop();
  });
});

describe('Monitor: log download', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('uses core.download of filesystem.get where core.job_download_logs does not exist', async () => {
    const { monitor, connections } = setupScripted((method) => {
      if (method === 'core.get_jobs') return [wireJob(7, 'FAILED')];
      if (method === 'core.job_download_logs') throw missing(method);
      if (method === 'core.download') return [12, '/_download/12?auth_token=t'];
      return null;
    });
    await monitor.start();
    await settle();
    const log = await monitor.downloadJobLog(monitor.snapshot().jobs[0]!.key);
    expect(log).toEqual({ filename: 'nas1-7.log', content: 'log for /_download/12?auth_token=t' });
    expect(connections[0]!.calls).toContainEqual(['core.download', ['filesystem.get', ['/var/log/jobs/7.log'], 'nas1-7.log', false]]);
    await monitor.stop();
  });

  it('other errors are not hidden behind the fallback, and a download that hangs ends at the deadline', async () => {
    const refused = setupScripted((method) => {
      if (method === 'core.get_jobs') return [wireJob(7, 'FAILED')];
      if (method === 'core.job_download_logs')
        throw new RpcError('core.job_download_logs failed: [EPERM] Job is not owned by current session', -32001, 1, 'EPERM', null);
      return null;
    });
    await refused.monitor.start();
    await settle();
    await expect(refused.monitor.downloadJobLog(refused.monitor.snapshot().jobs[0]!.key)).rejects.toMatchObject({ errname: 'EPERM' });
    expect(refused.connections[0]!.calls.map(([m]) => m)).not.toContain('core.download');
    await refused.monitor.stop();

    let signal: AbortSignal | undefined;
    const hanging = setupScripted(
      (method) => {
        if (method === 'core.get_jobs') return [wireJob(7, 'FAILED')];
        if (method === 'core.job_download_logs') return '/_download/9?auth_token=t';
        return null;
      },
      { logDownloadTimeoutMs: 5_000, download: (_t, _e, _p, o) => ((signal = o?.signal), new Promise<string>(() => {})) },
    );
    await hanging.monitor.start();
    await settle();
    const pending = hanging.monitor.downloadJobLog(hanging.monitor.snapshot().jobs[0]!.key);
    const outcome = expect(pending).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/did not finish within 5 s/) });
    await vi.advanceTimersByTimeAsync(5_000);
    await outcome;
    expect(signal?.aborted).toBe(true);
    await hanging.monitor.stop();
  });

  it('builds a safe, bounded file name from the server name', () => {
    expect(logFileName('nas1', 7)).toBe('nas1-7.log');
    expect(logFileName('../../etc/passwd', 7)).toBe('_.._etc_passwd-7.log'); // no separator left, no leading dot
    expect(logFileName('a\\b:c*?"<>|d\u0000\u001b[31m', 7)).toBe('a_b_c_d[31m-7.log');
    expect(logFileName('   ', 7)).toBe('server-7.log');
    expect(logFileName('x'.repeat(500), 123)).toHaveLength(120);
    expect(logFileName('é'.repeat(500), 1).endsWith('-1.log')).toBe(true);
  });
});

describe('trackRunning', () => {
  const entry = (key: string, state: string, transient = false) =>
    ({ key, server: 'nas', onServer: true, job: { ...completeJob({ id: 1, state: state as never }), transient } }) as JobEntry;

  it('keeps the running keys of a book update by update, and says when they changed', () => {
    const running = new Set<string>();
    expect(
      trackRunning(running, { upserts: [entry('a', 'RUNNING'), entry('b', 'WAITING'), entry('t', 'RUNNING', true)], removals: [] }),
    ).toBe(true);
    expect([...running].sort()).toEqual(['a', 'b']);
    // A progress event of a running job changes nothing.
    expect(trackRunning(running, { upserts: [entry('a', 'RUNNING')], removals: [] })).toBe(false);
    expect(trackRunning(running, { upserts: [entry('a', 'FAILED')], removals: [] })).toBe(true);
    expect([...running]).toEqual(['b']);
    // A running job that leaves the book (a middleware restart, an eviction) is no longer counted.
    expect(trackRunning(running, { upserts: [], removals: ['b', 'gone'] })).toBe(true);
    expect(running.size).toBe(0);
    expect(trackRunning(running, { upserts: [entry('c', 'SUCCESS')], removals: ['gone'] })).toBe(false);
  });
});
