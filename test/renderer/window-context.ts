/** Render options for a component that reads the window context (api, monitor, ui), as App provides it. */
import type { JobwatchApi } from '../../electron/ipc/contract';
import { windowContextMap } from '../../renderer/src/lib/context';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import { UiState } from '../../renderer/src/lib/ui.svelte';

export function inWindow<P>(
  parts: { api: JobwatchApi; monitor?: MonitorState; ui?: UiState },
  props: P,
): { props: P; context: Map<symbol, unknown> } {
  const { api } = parts;
  return { props, context: windowContextMap({ api, monitor: parts.monitor ?? new MonitorState(api), ui: parts.ui ?? new UiState(api) }) };
}
