/**
 * What every view of the window shares, handed down once by App as a Svelte context instead of props through
 * each component: the contract's API, the window's copy of the monitor, and what the window shows.
 */
import { getContext, setContext } from 'svelte';
import type { JobwatchApi } from '../../../electron/ipc/contract';
import type { MonitorState } from './monitor.svelte';
import type { UiState } from './ui.svelte';

export interface WindowContext {
  readonly api: JobwatchApi;
  readonly monitor: MonitorState;
  readonly ui: UiState;
}

/** The context key; exported so component tests can hand a component its context (`render(C, { context })`). */
export const WINDOW_CONTEXT: unique symbol = Symbol('jobwatch window');

export function setWindowContext(context: WindowContext): WindowContext {
  return setContext(WINDOW_CONTEXT, context);
}

/** The shared context; a component used outside App (or a test without the context) fails here, by name. */
export function windowContext(): WindowContext {
  const context = getContext<WindowContext | undefined>(WINDOW_CONTEXT);
  if (!context) throw new Error('This component needs the window context (App sets it with setWindowContext).');
  return context;
}

/** The context as the Map that `mount`/`render` take, for tests and for mounting a view on its own. */
export function windowContextMap(context: WindowContext): Map<symbol, WindowContext> {
  return new Map([[WINDOW_CONTEXT, context]]);
}
