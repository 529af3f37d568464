/**
 * The preload (bundled to dist/preload/preload.cjs; sandboxed, so CommonJS and only `electron` may be required).
 * Exposes exactly the contract's API as `window.jobwatch`, built by the contract's own helper over
 * ipcRenderer.invoke/on, and nothing else: no ipcRenderer, no generic send, no Node.
 */
// First: zod must not compile parsers with `new Function` under the window's CSP (no 'unsafe-eval').
import '../ipc/zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNELS, REQUEST_CHANNELS, createJobwatchApi } from '../ipc/contract';

const requestChannels = new Set(REQUEST_CHANNELS);
const eventChannels = new Set(EVENT_CHANNELS);

const api = createJobwatchApi(
  (channel, payload) => {
    // The helper only ever names contract channels; refusing anything else keeps this a closed door.
    if (!requestChannels.has(channel)) return Promise.reject(new Error(`Unknown request channel ${channel}`));
    return ipcRenderer.invoke(channel, payload);
  },
  (channel, listener) => {
    if (!eventChannels.has(channel)) throw new Error(`Unknown event channel ${channel}`);
    // The IPC event object (with its `sender`) never reaches the page: only the payload does.
    const forward = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
);

contextBridge.exposeInMainWorld('jobwatch', api);
