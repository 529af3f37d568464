/** A JobwatchApi for component tests: every request is a vi.fn with a sensible default, events can be emitted. */
import { vi } from 'vitest';
import type { EventName, EventPayload, JobwatchApi, MonitorSnapshot } from '../../electron/ipc/contract';
import { DEFAULT_SETTINGS } from '../../electron/ipc/contract';

export type FakeApi = { -readonly [K in keyof JobwatchApi]: JobwatchApi[K] & ReturnType<typeof vi.fn> } & {
  emit<N extends EventName>(event: N, payload: EventPayload<N>): void;
};

export const emptySnapshot = (): MonitorSnapshot => ({ servers: [], jobs: [], failures: [], notifications: [], pausedUntil: null });

export function fakeApi(): FakeApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const on = (event: EventName) =>
    vi.fn((listener: (payload: unknown) => void) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => set.delete(listener);
    });
  const api = {
    subscribe: vi.fn(async () => emptySnapshot()),
    listProfiles: vi.fn(async () => []),
    addServer: vi.fn(),
    updateServer: vi.fn(),
    removeServer: vi.fn(async () => null),
    testConnection: vi.fn(),
    probeCertificate: vi.fn(),
    trustFingerprint: vi.fn(async () => null),
    jobDetail: vi.fn(async () => null),
    abortJob: vi.fn(async () => null),
    downloadJobLog: vi.fn(async () => ({ status: 'cancelled' })),
    openJobInWebUi: vi.fn(async () => null),
    watchJob: vi.fn(async () => null),
    watchServer: vi.fn(async () => null),
    rebootSafety: vi.fn(async () => ({ safe: true, summary: 'Nothing running on any server', servers: [] })),
    watchAllServers: vi.fn(async () => null),
    acknowledge: vi.fn(async () => null),
    acknowledgeServer: vi.fn(async () => null),
    acknowledgeAll: vi.fn(async () => null),
    getSettings: vi.fn(async () => structuredClone(DEFAULT_SETTINGS)),
    setSettings: vi.fn(async (settings: unknown) => settings),
    pauseNotifications: vi.fn(async () => null),
    muteServer: vi.fn(async () => null),
    getServerRules: vi.fn(async () => []),
    setServerRules: vi.fn(async ({ rules }: { rules: unknown }) => rules),
    playTestSound: vi.fn(async () => ({ ok: true })),
    startDemoServer: vi.fn(async () => ({ serverId: 'demo-server', url: 'ws://127.0.0.1:1/api/current' })),
    hideWindow: vi.fn(async () => null),
    onSnapshot: on('snapshot'),
    onDelta: on('delta'),
    onFocusJob: on('focusJob'),
    onOpenView: on('openView'),
    emit: (event: EventName, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
  };
  return api as unknown as FakeApi;
}
