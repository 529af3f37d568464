/** Where the app may send the user's browser: only to the web UI of a server they configured. */
import type { MonitorApi } from '../core/monitor-api';

/** The web UI of a configured server: the only place openExternal may go. */
export function isConfiguredWebUi(
  url: string,
  monitor: Pick<MonitorApi, 'snapshot'>,
  webUiUrl: (serverUrl: string) => string | null,
): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return false;
  if (target.username || target.password) return false;
  return monitor.snapshot().servers.some((server) => {
    const base = webUiUrl(server.url);
    return base !== null && new URL(base).origin === target.origin;
  });
}
