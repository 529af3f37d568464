/** The preload, loaded as Electron loads it (with `electron` mocked by the double): what the page gets. */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENTS, REQUESTS } from '../../electron/ipc/contract';
import { snapshot } from './fixtures';

vi.mock('electron', async () => (await import('./electron-double')).electronModule());
const { electronDouble, resetElectronDouble, FakeIpcRenderer } = await import('./electron-double');

type Api = Record<string, (...args: unknown[]) => unknown>;
let exposedKeys: string[] = [];
let api: Api;

describe('preload', () => {
  // The preload runs once per page, as in Electron; each test gets a fresh ipcRenderer (read at call time).
  beforeAll(async () => {
    resetElectronDouble();
    await import('../../electron/preload/preload');
    exposedKeys = [...electronDouble.contextBridge.exposed.keys()];
    api = electronDouble.contextBridge.exposed.get('jobwatch') as Api;
  });
  beforeEach(() => {
    electronDouble.ipcRenderer = new FakeIpcRenderer();
  });

  it('exposes window.jobwatch and nothing else, with exactly the contract’s methods', async () => {
    expect(exposedKeys).toEqual(['jobwatch']);
    const expected = [...Object.keys(REQUESTS), ...Object.keys(EVENTS).map((e) => `on${e[0]!.toUpperCase()}${e.slice(1)}`)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    expect(Object.values(api).every((v) => typeof v === 'function')).toBe(true);
    expect(api).not.toHaveProperty('send');
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('ipcRenderer');
  });

  it('invokes the contract channel with a validated payload and unwraps the reply envelope', async () => {
    electronDouble.ipcRenderer.answer = async () => ({ ok: true, value: snapshot() });
    await expect(api['subscribe']!()).resolves.toEqual(snapshot());
    expect(electronDouble.ipcRenderer.invoked).toEqual([{ channel: REQUESTS.subscribe.channel, args: [undefined] }]);
    await expect(api['abortJob']!({ key: 42 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(electronDouble.ipcRenderer.invoked).toHaveLength(1);
    electronDouble.ipcRenderer.answer = async () => ({ ok: false, error: { code: 'AUTH_FAILED', message: 'The API key was refused.' } });
    await expect(api['acknowledgeAll']!()).rejects.toMatchObject({ code: 'AUTH_FAILED', message: 'The API key was refused.' });
  });

  it('delivers only the payload of valid events, never the IPC event object, and unsubscribes', async () => {
    const got: unknown[] = [];
    const off = api['onFocusJob']!((payload: unknown) => got.push(payload)) as () => void;
    electronDouble.ipcRenderer.deliver(EVENTS.focusJob.channel, { server: 'nas', jobKey: 'k' });
    electronDouble.ipcRenderer.deliver(EVENTS.focusJob.channel, { server: 5 });
    off();
    electronDouble.ipcRenderer.deliver(EVENTS.focusJob.channel, { server: 'nas', jobKey: 'k2' });
    expect(got).toEqual([{ server: 'nas', jobKey: 'k' }]);
    expect(electronDouble.ipcRenderer.listenerCount(EVENTS.focusJob.channel)).toBe(0);
  });
});
