/// <reference lib="dom" />
/**
 * Runs in the page (bundled by esbuild into an init script): builds `window.jobwatch` with the contract's own
 * createJobwatchApi, exactly as the preload does, over a binding that Playwright exposes instead of ipcRenderer.
 */
// First: zod must know it may not compile parsers before the contract's schemas are built.
import '../../../electron/ipc/zod-jitless';
import { createJobwatchApi, type JobwatchApi } from '../../../electron/ipc/contract';

declare global {
  interface Window {
    readonly jobwatch?: JobwatchApi;
    __jobwatchInvoke(channel: string, payload: unknown): Promise<unknown>;
    __jobwatchEmit(channel: string, payload: unknown): void;
    __jobwatchInvalidEvents: string[];
  }
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();
window.__jobwatchInvalidEvents = [];

const api = createJobwatchApi(
  (channel, payload) => window.__jobwatchInvoke(channel, payload),
  (channel, listener) => {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
    return () => set.delete(listener);
  },
  { onInvalidEvent: (event, message) => window.__jobwatchInvalidEvents.push(`${event}: ${message}`) },
);

window.__jobwatchEmit = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener(payload);
};

// As contextBridge.exposeInMainWorld does: a frozen, non-writable property.
Object.defineProperty(window, 'jobwatch', { value: api, writable: false, configurable: false, enumerable: true });
