/**
 * The "Copy diagnostics" report for bug reports: versions, each server's state, flavor and endpoint host, bad
 * frames, the update state and the recent warnings and errors. Built only from views that hold no secret
 * (ServerView, the log's scrubbed entries), and scrubbed once more as a whole; URLs lose any credentials and keep
 * only their host.
 */
import type { MonitorSnapshot } from '../core/view';
import { scrubLogText, type LogEntry } from './log';

export interface DiagnosticsVersions {
  app: string;
  electron: string | null;
  chrome: string | null;
  node: string;
  os: string;
}

export interface DiagnosticsInput {
  versions: DiagnosticsVersions;
  snapshot: MonitorSnapshot;
  recentProblems: readonly LogEntry[];
  /** One line on the updater ("Up to date", "Off: development build"…). */
  updates: string;
  /** Renderer reloads after crashes or hangs in this run. */
  rendererReloads: number;
  now: number;
  /** Secrets the app knows, masked should one appear anywhere. */
  secrets?: Iterable<string>;
}

/** "nas.lan:8443" of a URL, without user, password, path or query; "?" when it does not parse. */
export function hostOf(url: string | null): string {
  if (!url) return 'not connected';
  try {
    return new URL(url).host || '?';
  } catch {
    return '?';
  }
}

export function diagnosticsReport(input: DiagnosticsInput): string {
  const { versions, snapshot } = input;
  const lines: string[] = [
    'Jobwatch for TrueNAS diagnostics',
    `Created: ${new Date(input.now).toISOString()}`,
    `App ${versions.app} · Electron ${versions.electron ?? 'n/a'} · Chrome ${versions.chrome ?? 'n/a'} · Node ${versions.node}`,
    `OS: ${versions.os}`,
    `Updates: ${input.updates}`,
    `Window reloads after a crash or hang: ${input.rendererReloads}`,
    '',
    `Servers (${snapshot.servers.length}):`,
  ];
  if (snapshot.servers.length === 0) lines.push('  none');
  snapshot.servers.forEach((server, index) => {
    // Names are the user's own words; the index identifies a server without them.
    lines.push(
      `  #${index + 1}: ${server.state} · ${server.flavor ?? 'flavor unknown'} · host ${hostOf(server.endpoint ?? server.url)} · ` +
        `${server.running} running · ${server.unacknowledged} unacknowledged · ${server.badFrames} bad frames${server.muted ? ' · muted' : ''}`,
    );
    if (server.attention) lines.push(`      attention: ${server.attention.code}: ${server.attention.message}`);
    else if (server.state !== 'live') lines.push(`      ${server.detail}`);
    if (server.access)
      lines.push(`      account: ${server.access.fullAdmin ? 'full admin' : `roles ${server.access.roles.join(', ') || 'none'}`}`);
  });
  lines.push(
    '',
    `Jobs known: ${snapshot.jobs.length} · unacknowledged failures: ${snapshot.failures.length}`,
    '',
    'Recent warnings and errors:',
  );
  if (input.recentProblems.length === 0) lines.push('  none');
  for (const entry of input.recentProblems) lines.push(`  ${new Date(entry.at).toISOString()} ${entry.level}: ${entry.message}`);
  const secrets = [...(input.secrets ?? [])];
  // Scrubbing makes each line one trimmed line; the indent is put back so the report stays readable.
  return lines.map((line) => (line.match(/^ */)?.[0] ?? '') + (line.trim() === '' ? '' : scrubLogText(line, secrets))).join('\n');
}
