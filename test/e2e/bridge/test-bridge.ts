/**
 * The main process's side of the IPC contract, for tests: the real core (createMonitor over a temp directory and
 * an in-memory secret store) answering the window's requests. Every payload and reply is checked with the
 * contract's schemas, as main does, and deltas are coalesced with main's own DeltaBatcher before they reach the
 * page. What main does with Electron (save dialog, openExternal, the tray) is recorded here instead.
 */
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { createMonitor } from '../../../electron/core/desktop-monitor';
import { webUiUrl } from '../../../electron/core/monitor';
import type { SecretStore } from '../../../electron/core/ports';
import type { ServerDraft } from '../../../electron/core/monitor-api';
import { FileStorage } from '../../../electron/core/storage/file-storage';
import { savedProfileViews } from '../../../electron/core/profile-directory';
import type { MethodRule } from '../../../electron/core/settings';
import {
  EVENTS,
  REPLY_ENCODING,
  REQUESTS,
  isErrorCode,
  type EventName,
  type ProfileView,
  type RequestName,
} from '../../../electron/ipc/contract';
import { DeltaBatcher } from '../../../electron/main/delta-batcher';
import { startDemoServer, type DemoServer } from '../../../electron/main/demo';
import { runSimCommand } from '../../../electron/sim/index';
import { diagnosticsReport } from '../../../electron/main/diagnostics';
import { AppLog, secretsSeenByLog } from '../../../electron/main/log';

export class MemorySecrets implements SecretStore {
  private readonly values = new Map<string, string>();
  available(): boolean {
    return true;
  }
  problem(): null {
    return null;
  }
  async set(id: string, secret: string): Promise<void> {
    this.values.set(id, secret);
  }
  async get(id: string): Promise<string | null> {
    return this.values.get(id) ?? null;
  }
  async delete(id: string): Promise<void> {
    this.values.delete(id);
  }
}

/** Quick liveness so restarts and drops are noticed within a second or two. */
const TEST_TIMINGS = {
  pingIntervalMs: 1_000,
  pingTimeoutMs: 1_500,
  authCheckIntervalMs: 5_000,
  backoffBaseMs: 100,
  backoffCapMs: 1_000,
  stableAfterMs: 2_000,
  snapshotTimeoutMs: 10_000,
};

let pageScript: Promise<string> | null = null;

/** The page half (page-bridge.ts) bundled for the browser, once per worker. */
function pageBridgeScript(): Promise<string> {
  pageScript ??= build({
    entryPoints: [join(import.meta.dirname, 'page-bridge.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return pageScript;
}

export class TestBridge {
  readonly storageDir = mkdtempSync(join(tmpdir(), 'jobwatch-e2e-'));
  readonly downloadsDir = mkdtempSync(join(tmpdir(), 'jobwatch-e2e-downloads-'));
  readonly storage = new FileStorage(this.storageDir);
  readonly secrets = new MemorySecrets();
  /** As main's log: scrubbed warnings and errors kept for the diagnostics (no file); it learns secrets as main's does. */
  readonly log = new AppLog({ sink: null, folder: null });
  readonly monitor = createMonitor({
    storage: this.storage,
    secrets: secretsSeenByLog(this.secrets, this.log),
    logger: this.log,
    timings: TEST_TIMINGS,
  });
  /** Requests the page made, by contract name, and how main would have answered (for assertions). */
  readonly calls: { name: RequestName; payload: unknown }[] = [];
  readonly openedUrls: string[] = [];
  readonly refused: string[] = [];
  /** What the next "save log" dialog answers: a path in downloadsDir, or cancel. */
  saveDialog: 'save' | 'cancel' = 'save';
  demo: DemoServer | null = null;
  /** How often the window asked to be hidden (Escape). */
  hideRequests = 0;
  /** What main would have done with the clipboard and the file manager. */
  clipboard = '';
  openedLogFolders = 0;
  private page: Page | null = null;
  private subscribed = false;
  private readonly batcher = new DeltaBatcher({ intervalMs: 100, send: (delta) => void this.emit('delta', delta) });
  private readonly stopDeltas = this.monitor.onDelta((delta) => {
    if (this.subscribed) this.batcher.push(delta);
  });

  async start(): Promise<void> {
    await this.monitor.start();
  }

  /** Provides window.jobwatch to every page of the context (before any page script runs). */
  async attach(context: BrowserContext, page: Page): Promise<void> {
    this.page = page;
    await context.exposeBinding('__jobwatchInvoke', async (source, channel: unknown, payload: unknown) => {
      // As main checks the sender frame: only our page's main frame may call.
      if (source.frame !== page.mainFrame()) return REPLY_ENCODING.fail('FORBIDDEN_SENDER', 'Not from the Jobwatch window.');
      return this.handle(channel, payload);
    });
    await context.addInitScript({ content: await pageBridgeScript() });
  }

  /** A request from the page: validated in, dispatched to the core, validated out. */
  async handle(channel: unknown, payload: unknown): Promise<unknown> {
    const name = (Object.keys(REQUESTS) as RequestName[]).find((n) => REQUESTS[n].channel === channel);
    if (!name) return REPLY_ENCODING.fail('INVALID_REQUEST', `Unknown channel ${String(channel)}.`);
    const definition = REQUESTS[name];
    const parsed = definition.request.safeParse(payload);
    if (!parsed.success) {
      this.refused.push(name);
      return REPLY_ENCODING.fail('INVALID_REQUEST', `Invalid request for ${name}.`);
    }
    this.calls.push({ name, payload: parsed.data });
    let result: unknown;
    try {
      result = await this.handlers[name](parsed.data as never);
    } catch (err) {
      const code = err instanceof Error && 'code' in err && isErrorCode(err.code) ? err.code : 'FAILED';
      return REPLY_ENCODING.fail(code, err instanceof Error ? err.message : String(err));
    }
    const reply = definition.reply.safeParse(result);
    if (!reply.success) return REPLY_ENCODING.fail('INVALID_REPLY', `Reply to ${name} broke the contract: ${reply.error.message}`);
    return REPLY_ENCODING.ok(reply.data);
  }

  /** Main → page event, validated before it goes. */
  async emit(event: EventName, payload: unknown): Promise<void> {
    const checked = EVENTS[event].payload.parse(payload);
    const page = this.page;
    if (!page || page.isClosed()) return;
    await page
      .evaluate(([channel, data]) => window.__jobwatchEmit(channel as string, data), [EVENTS[event].channel, checked] as const)
      .catch(() => undefined); // the page may be navigating or closing
  }

  /** What main lists (app.ts): the saved file read afresh, since the monitor's repository saved it. */
  private profileViews(): Promise<ProfileView[]> {
    return savedProfileViews(this.storage);
  }

  private readonly handlers: { [N in RequestName]: (payload: never) => unknown } = {
    subscribe: () => {
      this.batcher.discard();
      this.subscribed = true;
      return this.monitor.snapshot();
    },
    listProfiles: () => this.profileViews(),
    addServer: ({ draft, secret }: { draft: ServerDraft; secret: string }) => this.monitor.addServer(draft, secret),
    updateServer: ({ id, draft, secret }: { id: string; draft: ServerDraft; secret: string | null }) =>
      this.monitor.updateServer(id, draft, secret),
    removeServer: ({ id }: { id: string }) => this.monitor.removeServer(id),
    testConnection: ({ draft, secret, otp }: { draft: ServerDraft; secret: string; otp?: string }) =>
      this.monitor.testConnection(draft, secret, otp),
    probeCertificate: ({ url }: { url: string }) => this.monitor.probeCertificate(url),
    trustFingerprint: ({ serverId, fingerprint256 }: { serverId: string; fingerprint256: string }) =>
      this.monitor.trustCertificate(serverId, fingerprint256),
    jobDetail: ({ key }: { key: string }) => this.monitor.jobDetail(key),
    abortJob: ({ key }: { key: string }) => this.monitor.abortJob(key),
    downloadJobLog: async ({ key }: { key: string }) => {
      const log = await this.monitor.downloadJobLog(key);
      if (this.saveDialog === 'cancel') return { status: 'cancelled' };
      const path = join(this.downloadsDir, log.filename);
      writeFileSync(path, log.content);
      return { status: 'saved', path };
    },
    openJobInWebUi: ({ key }: { key: string }) => {
      const detail = this.monitor.jobDetail(key);
      const url = detail?.webUiUrl ?? null;
      // As main: only the web UI of a configured server may be opened.
      const allowed = this.monitor
        .snapshot()
        .servers.some((s) => url !== null && webUiUrl(s.url) !== null && url.startsWith(webUiUrl(s.url) as string));
      if (!allowed) throw Object.assign(new Error('Only the web UI of a configured server can be opened.'), { code: 'URL_NOT_ALLOWED' });
      this.openedUrls.push(url as string);
    },
    watchJob: ({ key }: { key: string }) => this.monitor.watchJob(key),
    watchServer: ({ serverId }: { serverId: string }) => this.monitor.watchServer(serverId),
    rebootSafety: () => this.monitor.rebootSafety(),
    watchAllServers: () => this.monitor.watchAllServers(),
    acknowledge: ({ key }: { key: string }) => this.monitor.acknowledge(key),
    acknowledgeServer: ({ serverId }: { serverId: string }) => this.monitor.acknowledgeServer(serverId),
    acknowledgeAll: () => this.monitor.acknowledgeAll(),
    getSettings: () => this.monitor.settings.get(),
    setSettings: async (settings: ReturnType<typeof this.monitor.settings.get>) => {
      const previous = this.monitor.settings.get();
      const saved = await this.monitor.settings.update(settings);
      if (saved.notifications.pausedUntil !== previous.notifications.pausedUntil)
        this.monitor.pauseNotifications(saved.notifications.pausedUntil);
      return saved;
    },
    pauseNotifications: ({ until }: { until: number | null }) => this.monitor.pauseNotifications(until),
    muteServer: ({ serverId, muted, until }: { serverId: string; muted: boolean; until: number | null }) =>
      this.monitor.muteServer(serverId, until, muted),
    getServerRules: ({ serverId }: { serverId: string }) => this.monitor.serverRules.get(serverId),
    setServerRules: ({ serverId, rules }: { serverId: string; rules: MethodRule[] }) => this.monitor.serverRules.set(serverId, rules),
    // No speaker here: the volume asked for is in `calls`, and main's player is tested in test/shell/sound.test.ts.
    playTestSound: () => ({ ok: true }),
    hideWindow: () => {
      this.hideRequests += 1;
    },
    openLogFolder: () => {
      this.openedLogFolders += 1;
    },
    copyDiagnostics: () => {
      // main's own report builder, over this core and log; versions as a packaged app would report them.
      const report = diagnosticsReport({
        versions: { app: '0.1.0', electron: '45.5.0', chrome: '142.0.0.0', node: process.versions.node, os: 'Linux (test bridge)' },
        snapshot: this.monitor.snapshot(),
        recentProblems: this.log.recentProblems(),
        updates: 'Updates are off in a development build.',
        rendererReloads: 0,
        now: Date.now(),
      });
      this.clipboard = report;
      return { report, copied: true };
    },
    startDemoServer: async () => {
      // The app's own demo wiring, with the simulator sped up so progress visibly moves within a test.
      this.demo ??= await startDemoServer((options, out) => runSimCommand({ ...options, speed: 4 }, out), this.monitor);
      return { serverId: this.demo.serverId, url: this.demo.url };
    },
  };

  async close(): Promise<void> {
    this.subscribed = false;
    this.stopDeltas();
    this.batcher.dispose();
    await this.monitor.stop();
    await this.demo?.close();
    rmSync(this.storageDir, { recursive: true, force: true });
    rmSync(this.downloadsDir, { recursive: true, force: true });
  }
}
