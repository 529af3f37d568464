import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { IpcHandlers, RendererEvents, describeError, type IpcWindow } from '../../electron/main/ipc';
import { JobwatchError } from '../../electron/core/errors';
import type { MonitorDelta } from '../../electron/core/view';
import { EVENTS } from '../../electron/ipc/contract';
import { APP_URL } from '../../electron/main/security';
import { electronDouble, FakeFrame, FakeWebContents, resetElectronDouble } from './electron-double';
import { translator } from '../../electron/core/i18n/i18n';
import { job, server, snapshot } from './fixtures';

function ourWindow() {
  const webContents = new FakeWebContents();
  webContents.mainFrame = new FakeFrame(APP_URL);
  const window: IpcWindow = {
    webContents,
    isOwnMainFrame: (frame) => frame === webContents.mainFrame && frame?.url === APP_URL,
  };
  return { window, webContents, frame: webContents.mainFrame };
}

describe('IPC request handlers', () => {
  beforeEach(() => resetElectronDouble());

  const Req = z.object({ key: z.string().min(1) }).strict();
  const Reply = z.object({ id: z.string(), name: z.string() }).strict();

  it('runs the handler for a valid payload from our main frame and replies validated', async () => {
    const { window, frame } = ourWindow();
    const ipc = new IpcHandlers(electronDouble, () => window);
    const handler = vi.fn(async ({ key }: { key: string }) => ({ id: key, name: 'NAS' }));
    ipc.handle('servers:get', Req, Reply, handler);
    await expect(electronDouble.ipcMain.invoke('servers:get', frame, { key: 'nas' })).resolves.toEqual({ id: 'nas', name: 'NAS' });
    expect(handler).toHaveBeenCalledWith({ key: 'nas' });
  });

  it('rejects invalid payloads without calling the handler', async () => {
    const { window, frame } = ourWindow();
    const ipc = new IpcHandlers(electronDouble, () => window);
    const handler = vi.fn(() => ({ id: 'x', name: 'y' }));
    ipc.handle('servers:get', Req, Reply, handler);
    for (const bad of [undefined, null, 'nas', { key: '' }, { key: 1 }, { key: 'nas', extra: true }]) {
      await expect(electronDouble.ipcMain.invoke('servers:get', frame, bad)).rejects.toThrow(/INVALID_REQUEST/);
    }
    expect(handler).not.toHaveBeenCalled();
  });

  it('rejects calls from a foreign sender: another frame, another page, no frame', async () => {
    const { window } = ourWindow();
    const ipc = new IpcHandlers(electronDouble, () => window);
    const handler = vi.fn(() => ({ id: 'x', name: 'y' }));
    ipc.handle('servers:get', Req, Reply, handler);
    for (const frame of [new FakeFrame(APP_URL), new FakeFrame('https://evil.example/'), null]) {
      await expect(electronDouble.ipcMain.invoke('servers:get', frame, { key: 'nas' })).rejects.toThrow(/FORBIDDEN_SENDER/);
    }
    const noWindow = new IpcHandlers(electronDouble, () => null);
    noWindow.handle('other', Req, Reply, handler);
    await expect(electronDouble.ipcMain.invoke('other', ourWindow().frame, { key: 'nas' })).rejects.toThrow(/FORBIDDEN_SENDER/);
    expect(handler).not.toHaveBeenCalled();
  });

  it('never sends a reply the contract does not allow (a secret field is refused, not stripped silently)', async () => {
    const { window, frame } = ourWindow();
    const logged: string[] = [];
    const ipc = new IpcHandlers(
      electronDouble,
      () => window,
      undefined,
      (m) => logged.push(m),
    );
    ipc.handle('servers:get', Req, Reply, () => ({ id: 'nas', name: 'NAS', apiKey: '1-SECRETSECRET' }) as never);
    const outcome = await electronDouble.ipcMain.invoke('servers:get', frame, { key: 'nas' }).catch((e: Error) => e.message);
    expect(outcome).toMatch(/INVALID_REPLY/);
    expect(JSON.stringify(outcome)).not.toContain('SECRET');
    expect(logged.join('\n')).not.toContain('SECRETSECRET');
  });

  it('passes typed errors through and hides unexpected ones', async () => {
    const { window, frame } = ourWindow();
    const ipc = new IpcHandlers(electronDouble, () => window);
    ipc.handle('a', Req, Reply, () => {
      throw new JobwatchError('AUTH_FAILED', 'The API key was refused.');
    });
    ipc.handle('b', Req, Reply, () => {
      throw new Error('ENOENT /home/me/.config/secret-path');
    });
    await expect(electronDouble.ipcMain.invoke('a', frame, { key: 'k' })).rejects.toThrow('AUTH_FAILED: The API key was refused.');
    const b = await electronDouble.ipcMain.invoke('b', frame, { key: 'k' }).catch((e: Error) => e.message);
    expect(b).toMatch(/^FAILED: /);
    expect(b).not.toContain('secret-path');
    expect(describeError(Object.assign(new Error('x'), { code: 'SECRET_STORAGE_UNAVAILABLE' }))).toEqual({
      code: 'SECRET_STORAGE_UNAVAILABLE',
      message: 'x',
    });
    // A Node error's own code (ENOENT…) is not one of ours: generic, so no path leaks through its message.
    expect(describeError(Object.assign(new Error('ENOENT: /home/me/x'), { code: 'ENOENT' }))).toMatchObject({ code: 'FAILED' });
    expect(describeError(Object.assign(new Error('ENOENT: /home/me/x'), { code: 'ENOENT' })).message).not.toContain('/home/me');
  });

  it('says the core’s errors in the reader’s language by their code, and keeps the shell’s own worded messages', async () => {
    const { window, frame } = ourWindow();
    const ipc = new IpcHandlers(
      electronDouble,
      () => window,
      undefined,
      undefined,
      () => translator('de'),
    );
    ipc.handle('a', Req, Reply, () => {
      throw new JobwatchError('DUPLICATE_NAME', 'A server named “nas” already exists.');
    });
    ipc.handle('b', Req, Reply, () => {
      throw new JobwatchError('SHORTCUT_UNAVAILABLE', 'Das Tastenkürzel Alt+J wird bereits von einem anderen Programm verwendet.');
    });
    ipc.handle('c', Req, Reply, () => {
      throw new JobwatchError('RPC_ERROR', '[ENOENT] No such job');
    });
    await expect(electronDouble.ipcMain.invoke('a', frame, { key: 'k' })).rejects.toThrow(
      'DUPLICATE_NAME: Es gibt bereits einen Server mit diesem Namen. Wählen Sie einen anderen Namen.',
    );
    await expect(electronDouble.ipcMain.invoke('b', frame, { key: 'k' })).rejects.toThrow(
      'SHORTCUT_UNAVAILABLE: Das Tastenkürzel Alt+J wird bereits von einem anderen Programm verwendet.',
    );
    await expect(electronDouble.ipcMain.invoke('c', frame, { key: 'k' })).rejects.toThrow(
      'RPC_ERROR: Der Server meldet: [ENOENT] No such job',
    );
  });

  it('can use an envelope encoding instead of rejections', async () => {
    const { window } = ourWindow();
    const ipc = new IpcHandlers(electronDouble, () => window, {
      ok: (value) => ({ ok: true, value }),
      fail: (code, message) => ({ ok: false, error: { code, message } }),
    });
    ipc.handle('c', Req, Reply, () => ({ id: 'x', name: 'y' }));
    await expect(electronDouble.ipcMain.invoke('c', null, { key: 'k' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN_SENDER' },
    });
    ipc.dispose();
    expect(electronDouble.ipcMain.handlers.size).toBe(0);
  });
});

describe('renderer events', () => {
  beforeEach(() => {
    resetElectronDouble();
    vi.useFakeTimers({ now: 5_000_000 });
  });
  afterEach(() => vi.useRealTimers());

  function fakeMonitor() {
    const listeners = new Set<(d: MonitorDelta) => void>();
    return {
      state: snapshot({ servers: [server('nas', { running: 1 })], jobs: [job('k1')] }),
      snapshot() {
        return this.state;
      },
      onDelta(l: (d: MonitorDelta) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      emit(d: MonitorDelta) {
        for (const l of listeners) l(d);
      },
    };
  }

  it('gives a full snapshot on subscribe, then at most 10 delta messages a second', () => {
    const monitor = fakeMonitor();
    const { window, webContents } = ourWindow();
    const events = new RendererEvents(monitor, () => window, EVENTS, { now: () => Date.now() });
    monitor.emit({ upserts: [job('k1', { percent: 1 })], removals: [] }); // before subscribing: not sent
    vi.advanceTimersByTime(500);
    expect(webContents.sent).toHaveLength(0);
    expect(events.subscribe()).toEqual(monitor.state);
    for (let i = 0; i < 300; i++) {
      monitor.emit({ upserts: [job('k1', { percent: i / 3 })], removals: [] });
      vi.advanceTimersByTime(10); // 100 events a second for 3 s
    }
    vi.advanceTimersByTime(1000);
    const deltas = webContents.sentOn(EVENTS.delta.channel);
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.length).toBeLessThanOrEqual(31);
    expect((deltas.at(-1)![0] as MonitorDelta).upserts[0]!.percent).toBeCloseTo(99.667, 2);
  });

  it('sends focus requests at once and nothing to a destroyed window', () => {
    const monitor = fakeMonitor();
    const { window, webContents } = ourWindow();
    const events = new RendererEvents(monitor, () => window, EVENTS);
    events.focusJob({ server: 'nas', jobKey: 'k1' });
    expect(webContents.sentOn(EVENTS.focusJob.channel)).toEqual([[{ server: 'nas', jobKey: 'k1' }]]);
    expect(() => events.focusJob({ jobKey: 42 })).toThrow(); // nothing off-contract leaves main
    webContents.destroyed = true;
    events.pushSnapshot();
    expect(webContents.sentOn(EVENTS.snapshot.channel)).toHaveLength(0);
  });
});
