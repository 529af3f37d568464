import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  ERROR_CODES,
  EVENTS,
  EVENT_CHANNELS,
  JobwatchRequestError,
  REPLY_ENCODING,
  REQUESTS,
  REQUEST_CHANNELS,
  ServerDraftSchema,
  SettingsViewSchema,
  createJobwatchApi,
  type RequestName,
} from '../../../electron/ipc/contract';
import { SettingsSchema, defaultSettings } from '../../../electron/core/settings';
import type { JobView, MonitorSnapshot } from '../../../electron/core/view';

const FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

const job: JobView = {
  key: 'nas1\u00001\u00001700000000000\u0000cloudsync.sync',
  server: 'nas1',
  id: 1,
  method: 'cloudsync.sync',
  description: 'Cloud sync',
  state: 'RUNNING',
  percent: 40,
  progressText: 'Transferred 4 GiB',
  transient: false,
  abortable: true,
  hasLogs: true,
  timeStarted: 1_700_000_000_000,
  timeFinished: null,
  clockOffsetMs: 0,
  error: null,
  startedBy: 'root',
  onServer: true,
};

const snapshot: MonitorSnapshot = { servers: [], jobs: [job], failures: [], notifications: [], pausedUntil: null };

const draft = { name: 'nas1', url: 'nas1.local', auth: { method: 'api-key' as const, username: 'admin' }, fingerprint256: null };

describe('the server draft', () => {
  it('carries allowInsecurePassword, false when a window leaves it out', () => {
    expect(ServerDraftSchema.parse(draft).auth.allowInsecurePassword).toBe(false);
    const allowed = { ...draft, auth: { method: 'password' as const, username: 'admin', allowInsecurePassword: true } };
    expect(ServerDraftSchema.parse(allowed).auth).toEqual({ method: 'password', username: 'admin', allowInsecurePassword: true });
    expect(ServerDraftSchema.safeParse({ ...draft, auth: { ...draft.auth, allowInsecurePassword: 'yes' } }).success).toBe(false);
  });
});

describe('the request schemas', () => {
  const valid: Record<RequestName, unknown> = {
    subscribe: undefined,
    listProfiles: undefined,
    addServer: { draft, secret: '1-abcdef' },
    updateServer: { id: 'nas1', draft, secret: null },
    removeServer: { id: 'nas1' },
    testConnection: { draft, secret: '1-abcdef', otp: '123456' },
    probeCertificate: { url: 'https://nas1.local' },
    trustFingerprint: { serverId: 'nas1', fingerprint256: FINGERPRINT },
    jobDetail: { key: job.key },
    abortJob: { key: job.key },
    downloadJobLog: { key: job.key },
    openJobInWebUi: { key: job.key },
    watchJob: { key: job.key },
    watchServer: { serverId: 'nas1' },
    rebootSafety: undefined,
    watchAllServers: undefined,
    acknowledge: { key: job.key },
    acknowledgeServer: { serverId: 'nas1' },
    acknowledgeAll: undefined,
    getSettings: undefined,
    setSettings: DEFAULT_SETTINGS,
    pauseNotifications: { until: null },
    muteServer: { serverId: 'nas1', muted: true, until: 1_700_000_000_000 },
    getServerRules: { serverId: 'nas1' },
    setServerRules: { serverId: 'nas1', rules: [{ glob: 'cloudsync.*', action: 'never' }] },
    playTestSound: { volume: 70 },
    startDemoServer: undefined,
    hideWindow: undefined,
    openLogFolder: undefined,
    copyDiagnostics: undefined,
  };

  it.each(Object.keys(REQUESTS) as RequestName[])('%s accepts a valid payload', (name) => {
    expect(REQUESTS[name].request.safeParse(valid[name]).success).toBe(true);
  });

  const invalid: [RequestName, unknown][] = [
    ['subscribe', { sneaky: true }],
    ['addServer', { draft, secret: '' }],
    ['addServer', { draft: { ...draft, auth: { method: 'ssh', username: 'x' } }, secret: 'k' }],
    ['addServer', { draft: { ...draft, name: '   ' }, secret: 'k' }],
    ['updateServer', { id: '', draft, secret: null }],
    ['testConnection', { draft, secret: 'k', otp: 'abc' }],
    ['trustFingerprint', { serverId: 'nas1', fingerprint256: 'not-a-fingerprint' }],
    ['abortJob', { key: 42 }],
    ['abortJob', {}],
    ['pauseNotifications', { until: 'tomorrow' }],
    ['muteServer', { serverId: 'nas1', muted: 'yes', until: null }],
    ['getServerRules', { serverId: '' }],
    ['playTestSound', { volume: 101 }],
    ['playTestSound', { volume: 33.5 }],
    ['playTestSound', undefined],
    ['setServerRules', { serverId: 'nas1', rules: [{ glob: '   ', action: 'never' }] }],
    ['setServerRules', { serverId: 'nas1', rules: [{ glob: 'x'.repeat(201), action: 'never' }] }],
    ['setServerRules', { serverId: 'nas1', rules: [{ glob: 'pool.*', action: 'sometimes' }] }],
    ['setServerRules', { serverId: 'nas1', rules: Array.from({ length: 201 }, () => ({ glob: 'pool.*', action: 'never' })) }],
    ['setSettings', { ...DEFAULT_SETTINGS, ui: { ...DEFAULT_SETTINGS.ui, theme: 'neon' } }],
    ['setSettings', { notifications: DEFAULT_SETTINGS.notifications }],
  ];
  it.each(invalid)('%s rejects %j', (name, payload) => {
    expect(REQUESTS[name].request.safeParse(payload).success).toBe(false);
  });

  it('gives every channel a distinct name', () => {
    const all = [...REQUEST_CHANNELS, ...EVENT_CHANNELS];
    expect(new Set(all).size).toBe(all.length);
  });
});

/** Walks a zod schema and collects every object key it can produce. */
function keysOf(schema: z.core.$ZodType, seen = new Set<z.core.$ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
  const children: z.core.$ZodType[] = [];
  const keys: string[] = [];
  if (def.type === 'object') {
    const shape = def.shape as Record<string, z.core.$ZodType>;
    keys.push(...Object.keys(shape));
    children.push(...Object.values(shape));
  }
  for (const field of ['innerType', 'element', 'in', 'out', 'valueType', 'keyType', 'schema']) {
    const child = def[field];
    if (child && typeof child === 'object' && '_zod' in child) children.push(child as z.core.$ZodType);
  }
  for (const field of ['options', 'items']) {
    const list = def[field];
    if (Array.isArray(list)) children.push(...(list as z.core.$ZodType[]));
  }
  return [...keys, ...children.flatMap((child) => keysOf(child, seen))];
}

const SECRET_LIKE = /secret|password|passwd|api.?key$|token|otp$|^key$|credentials?$|^result$/i;

describe('secrets', () => {
  it('the key walker sees nested fields (so the next test can fail)', () => {
    const keys = keysOf(REQUESTS.addServer.request);
    expect(keys).toContain('secret');
    expect(keys).toContain('username');
    expect(keys.some((k) => SECRET_LIKE.test(k))).toBe(true);
  });

  it.each(Object.keys(REQUESTS) as RequestName[])('no field of the %s reply can hold a secret', (name) => {
    // `key` is a job key (server, id, start time, method), not a credential; `allowInsecurePassword` a boolean
    // setting (checked below); everything else secret-like fails.
    const keys = keysOf(REQUESTS[name].reply).filter((k) => k !== 'key' && k !== 'allowInsecurePassword');
    expect(keys.filter((k) => SECRET_LIKE.test(k))).toEqual([]);
  });

  it.each(Object.keys(EVENTS) as (keyof typeof EVENTS)[])('no field of the %s event can hold a secret', (name) => {
    const keys = keysOf(EVENTS[name].payload).filter((k) => k !== 'key');
    expect(keys.filter((k) => SECRET_LIKE.test(k))).toEqual([]);
  });

  it('allowInsecurePassword in a profile is a boolean only: it cannot carry the password', () => {
    const profile = {
      id: 'nas1',
      name: 'nas1',
      url: 'ws://nas1',
      auth: { method: 'password', username: 'admin' },
      fingerprint256: null,
      muted: false,
      mutedUntil: null,
    };
    expect(REQUESTS.listProfiles.reply.parse([profile])[0]!.auth.allowInsecurePassword).toBe(false);
    expect(() =>
      REQUESTS.listProfiles.reply.parse([{ ...profile, auth: { ...profile.auth, allowInsecurePassword: 'hunter2' } }]),
    ).toThrow();
  });

  it('strips a secret a buggy main process would add to a reply', () => {
    const parsed = REQUESTS.listProfiles.reply.parse([
      {
        id: 'nas1',
        name: 'nas1',
        url: 'wss://nas1',
        auth: { method: 'api-key', username: null },
        fingerprint256: null,
        muted: false,
        mutedUntil: null,
        secret: 'leak',
      },
    ]);
    expect(JSON.stringify(parsed)).not.toContain('leak');
  });
});

describe('settings in the contract', () => {
  it('a settings file with nothing in it reads as the shared defaults', () => {
    expect(defaultSettings()).toEqual(DEFAULT_SETTINGS);
  });
  it('accepts what the core produces and the core accepts what it produces', () => {
    const core = SettingsSchema.parse({ notifications: { methodRules: [{ glob: 'cloudsync.*', action: 'always' }] } });
    expect(SettingsViewSchema.parse(core)).toEqual(core);
    expect(SettingsSchema.parse(SettingsViewSchema.parse(core))).toEqual(core);
  });
});

describe('createJobwatchApi', () => {
  function bridge(reply: (channel: string, payload: unknown) => unknown) {
    const listeners = new Map<string, Set<(p: unknown) => void>>();
    const invoke = vi.fn(async (channel: string, payload: unknown) => reply(channel, payload));
    const api = createJobwatchApi(invoke, (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    });
    const emit = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l(payload));
    return { api, invoke, emit };
  }

  it('has one method per request and one on<Event> per event', () => {
    const { api } = bridge(() => null);
    for (const name of Object.keys(REQUESTS)) expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    for (const name of ['onSnapshot', 'onDelta', 'onFocusJob', 'onOpenView'])
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
  });

  it('sends the payload on the request channel and unwraps a valid reply', async () => {
    const { api, invoke } = bridge(() => REPLY_ENCODING.ok(snapshot));
    await expect(api.subscribe()).resolves.toEqual(snapshot);
    expect(invoke).toHaveBeenCalledWith(REQUESTS.subscribe.channel, undefined);
  });

  it('turns a "done" reply of undefined into null', async () => {
    const { api } = bridge(() => REPLY_ENCODING.ok(undefined));
    await expect(api.acknowledgeAll()).resolves.toBeNull();
  });

  it('refuses an invalid payload without sending it', async () => {
    const { api, invoke } = bridge(() => REPLY_ENCODING.ok(null));
    await expect(api.abortJob({ key: '' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('rejects a reply that does not match the contract', async () => {
    const { api } = bridge(() => REPLY_ENCODING.ok({ servers: 'nope' }));
    await expect(api.subscribe()).rejects.toMatchObject({ code: 'INVALID_REPLY' });
    const raw = bridge(() => snapshot);
    await expect(raw.api.subscribe()).rejects.toMatchObject({ code: 'INVALID_REPLY' });
  });

  it('turns a failure into a JobwatchRequestError with its code and message', async () => {
    const { api } = bridge(() => REPLY_ENCODING.fail('UNREACHABLE', 'nas1.local does not answer.'));
    const error = await api.removeServer({ id: 'nas1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobwatchRequestError);
    expect(error).toMatchObject({ code: 'UNREACHABLE', message: 'nas1.local does not answer.' });
  });

  it('error codes are a closed set: a failure with a code outside ERROR_CODES is an invalid reply', async () => {
    const { api } = bridge(() => ({ ok: false, error: { code: 'SOMETHING_NEW', message: 'x' } }));
    await expect(api.removeServer({ id: 'nas1' })).rejects.toMatchObject({ code: 'INVALID_REPLY' });
    expect(ERROR_CODES).toContain('NOT_FOUND');
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
  });

  it('delivers valid events, drops invalid ones, and unsubscribes', () => {
    const { api, emit } = bridge(() => null);
    const seen: unknown[] = [];
    const stop = api.onDelta((delta) => seen.push(delta));
    emit(EVENTS.delta.channel, { upserts: [job], removals: [] });
    emit(EVENTS.delta.channel, { upserts: [{ ...job, state: 'EXPLODED' }], removals: [] });
    stop();
    emit(EVENTS.delta.channel, { upserts: [], removals: ['x'] });
    expect(seen).toEqual([{ upserts: [job], removals: [] }]);
  });

  it("carries a notification's job references, and drops a delta whose reference is malformed", () => {
    const { api, emit } = bridge(() => null);
    const seen: unknown[] = [];
    api.onDelta((delta) => seen.push(delta));
    const notification = {
      id: 'n1',
      server: 'nas1',
      title: 'nas1: Cloud sync failed',
      body: '[EFAULT] boom',
      urgency: 'critical' as const,
      jobs: [job.key],
      jobRefs: [{ server: 'nas1', jobId: 1, method: 'cloudsync.sync', timeStarted: 1_700_000_000_000 }],
      catchUp: false,
      suppressed: null,
      createdAt: 1_700_000_001_000,
    };
    emit(EVENTS.delta.channel, { upserts: [], removals: [], notifications: [notification] });
    emit(EVENTS.delta.channel, {
      upserts: [],
      removals: [],
      notifications: [{ ...notification, jobRefs: [{ server: 'nas1', jobId: '1', method: 'x', timeStarted: null }] }],
    });
    expect(seen).toEqual([{ upserts: [], removals: [], notifications: [notification] }]);
  });

  it('accepts the focus target main sends on notification clicks', () => {
    const { api, emit } = bridge(() => null);
    const seen: unknown[] = [];
    api.onFocusJob((target) => seen.push(target));
    emit(EVENTS.focusJob.channel, { server: 'nas1', jobKey: null, view: 'settings' });
    emit(EVENTS.focusJob.channel, { server: 'nas1', jobKey: job.key });
    expect(seen).toHaveLength(2);
  });
});
