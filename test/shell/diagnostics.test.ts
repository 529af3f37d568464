/**
 * "Open log folder" and "Copy diagnostics" through the contract's channels, into the real composition root and
 * core over the electron double: the report has the versions and each server's state, flavor and host, and no
 * secret, not even one a server echoed into a status or the log.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { startShell, type Shell } from '../../electron/main/app';
import { createMonitor } from '../../electron/core/desktop-monitor';
import { AppLog } from '../../electron/main/log';
import { diagnosticsReport, hostOf } from '../../electron/main/diagnostics';
import { REQUESTS, type RequestName } from '../../electron/ipc/contract';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { electronDouble, FakeBrowserWindow, type FakeFrame, resetElectronDouble } from './electron-double';
import { server, snapshot } from './fixtures';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
type Envelope = { ok: true; value: any } | { ok: false; error: { code: string; message: string } };
const call = (frame: FakeFrame | null, name: RequestName, payload?: unknown) =>
  electronDouble.ipcMain.invoke(REQUESTS[name].channel, frame, payload) as Promise<Envelope>;

let shell: Shell | null = null;
let sim: Simulator | null = null;

async function boot(log?: AppLog) {
  const dir = mkdtempSync(join(tmpdir(), 'jobwatch-diag-'));
  electronDouble.app.becomeReady();
  shell = await startShell({
    electron: electronDouble,
    platform: 'linux',
    env: { XDG_CONFIG_HOME: dir },
    appRoot: process.cwd(),
    openStore: (name) =>
      new Conf<Record<string, unknown>>({ cwd: dir, configName: name, projectName: 'jobwatch-diag', accessPropertiesByDotNotation: false }),
    createMonitor: (ports) => createMonitor(ports),
    ...(log ? { log } : { logger: silent }),
  });
  return FakeBrowserWindow.instances[0]!.webContents.mainFrame;
}

describe('diagnostics', () => {
  beforeEach(() => resetElectronDouble());
  afterEach(async () => {
    if (shell) {
      electronDouble.app.quit();
      await shell.stopped;
    }
    shell = null;
    await sim?.close();
    sim = null;
  });

  it('copies a report with versions and each server, without the API key even when it was logged', async () => {
    sim = await startSimulator({ host: '127.0.0.1', port: 0 });
    const frame = await boot();
    const apiKey = sim.credentials.apiKey;
    const added = await call(frame, 'addServer', {
      draft: {
        name: 'Office NAS',
        url: sim.url,
        auth: { method: 'api-key', username: sim.credentials.username },
        fingerprint256: sim.fingerprint256 ?? null,
      },
      secret: apiKey,
    });
    expect(added.ok).toBe(true);
    await expect.poll(() => shell!.monitor.snapshot().servers[0]?.state, { timeout: 10_000 }).toBe('live');
    // A careless line somewhere in the app, or a server echoing the key back into a warning.
    shell!.log.warn(`server said: key ${apiKey} is not valid`);

    const reply = await call(frame, 'copyDiagnostics');
    expect(reply.ok).toBe(true);
    const report: string = (reply as { value: { report: string } }).value.report;
    expect(electronDouble.clipboard.text).toBe(report);
    expect(report).toContain(`App 0.1.0 · Electron n/a · Chrome n/a · Node ${process.versions.node}`);
    expect(report).toMatch(/^OS: .+\(linux\)$/m);
    expect(report).toMatch(
      new RegExp(`#1: live · jsonrpc · host 127\\.0\\.0\\.1:${new URL(sim.url).port} · 0 running · 0 unacknowledged · 0 bad frames`),
    );
    expect(report).toContain('warn: server said: key *** is not valid');
    expect(report).not.toContain(apiKey);
    expect(report).not.toContain('Office NAS');
  });

  it('opens the log folder and only it; says so plainly when there is no log file or the folder cannot open', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'jobwatch-logs-'));
    const fakeSink = {
      transports: {
        file: { level: 'info', maxSize: 0, resolvePathFn: () => '', getFile: () => ({ path: '' }) },
        console: { level: 'info' },
      },
      debug() {},
      info() {},
      warn() {},
      error() {},
    };
    let frame = await boot(new AppLog({ sink: fakeSink, folder }));
    expect(await call(frame, 'openLogFolder')).toEqual({ ok: true, value: null });
    expect(electronDouble.shell.openedPaths).toEqual([folder]);
    electronDouble.shell.openPathError = 'Failed to open path';
    const failed = await call(frame, 'openLogFolder');
    expect(failed).toMatchObject({
      ok: false,
      error: { code: 'OPEN_FAILED', message: `The log folder could not be opened (Failed to open path). It is ${folder}.` },
    });

    electronDouble.app.quit();
    await shell!.stopped;
    resetElectronDouble();
    frame = await boot();
    expect(await call(frame, 'openLogFolder')).toMatchObject({ ok: false, error: { code: 'NO_LOG_FILE' } });
    expect(electronDouble.shell.openedPaths).toEqual([]);
  });
});

describe('the report itself', () => {
  it('keeps only the host of an address, never its credentials; says when there is no server', () => {
    expect(hostOf('wss://root:hunter2@nas.lan:8443/api/current?x=1')).toBe('nas.lan:8443');
    expect(hostOf(null)).toBe('not connected');
    expect(hostOf('not a url')).toBe('?');
    const report = diagnosticsReport({
      versions: { app: '1.0.0', electron: '45.5.0', chrome: '142', node: '20', os: 'Linux' },
      snapshot: snapshot({
        servers: [
          server('nas', {
            url: 'https://admin:pw@nas.lan',
            endpoint: null,
            state: 'needs-attention',
            attention: { code: 'AUTH_FAILED', message: 'Key refused' },
          }),
        ],
      }),
      recentProblems: [],
      updates: 'Jobwatch is up to date',
      rendererReloads: 2,
      now: 0,
    });
    expect(report).toContain('#1: needs-attention · jsonrpc · host nas.lan · ');
    expect(report).toContain('      attention: AUTH_FAILED: Key refused');
    expect(report).toContain('Window reloads after a crash or hang: 2');
    expect(report).not.toContain('pw');
    expect(
      diagnosticsReport({
        versions: { app: '1', electron: null, chrome: null, node: '20', os: 'x' },
        snapshot: snapshot(),
        recentProblems: [],
        updates: '-',
        rendererReloads: 0,
        now: 0,
      }),
    ).toContain('Servers (0):\n  none');
  });
});
