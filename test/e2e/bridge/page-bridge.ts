/// <reference lib="dom" />
/**
 * Runs in the page (bundled by esbuild into an init script): builds `window.jobwatch` with the contract's own
 * createJobwatchApi, exactly as the preload does, over a binding that Playwright exposes instead of ipcRenderer.
 */
import { z } from 'zod';
import { createJobwatchApi } from '../../../electron/ipc/contract';

declare global {
  interface Window {
    __jobwatchInvoke(channel: string, payload: unknown): Promise<unknown>;
    __jobwatchEmit(channel: string, payload: unknown): void;
    __jobwatchInvalidEvents: string[];
  }
}

// The page's CSP has no 'unsafe-eval'; zod must not even try its eval fast path.
z.config({ jitless: true });

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
