import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NetworkWatcher,
  addressSignature,
  claimSingleInstance,
  linuxAutostartEntry,
  linuxAutostartFile,
  quitCleanly,
  reconnectOnWake,
  setStartAtLogin,
} from '../../electron/main/lifecycle';
import { electronDouble, resetElectronDouble } from './electron-double';

describe('single instance', () => {
  beforeEach(() => resetElectronDouble());

  it('the first instance keeps the lock and shows its window when the app is launched again', () => {
    let shown = 0;
    expect(claimSingleInstance(electronDouble, () => shown++)).toBe(true);
    electronDouble.app.secondInstance(['jobwatch']);
    expect(shown).toBe(1);
    expect(electronDouble.app.quitCalls).toBe(0);
  });

  it('a second instance quits at once', () => {
    electronDouble.app.singleInstanceLock = false;
    let shown = 0;
    expect(claimSingleInstance(electronDouble, () => shown++)).toBe(false);
    expect(electronDouble.app.quitCalls).toBe(1);
    expect(shown).toBe(0);
  });
});

describe('start at login', () => {
  beforeEach(() => resetElectronDouble());

  it('sets the login item on macOS and Windows, hidden', () => {
    expect(setStartAtLogin(electronDouble, 'darwin', true)).toEqual({ ok: true });
    expect(electronDouble.app.loginItem).toEqual({ openAtLogin: true, openAsHidden: true });
    setStartAtLogin(electronDouble, 'win32', false);
    expect(electronDouble.app.loginItem.openAtLogin).toBe(false);
  });

  it('writes and removes an XDG autostart entry on Linux, starting the AppImage hidden', () => {
    const config = mkdtempSync(join(tmpdir(), 'jobwatch-autostart-'));
    const env = { XDG_CONFIG_HOME: config, APPIMAGE: '/home/me/Apps/Jobwatch "for" TrueNAS.AppImage' };
    expect(setStartAtLogin(electronDouble, 'linux', true, { env, execPath: '/tmp/.mount_x/jobwatch' })).toEqual({ ok: true });
    const file = join(config, 'autostart', 'jobwatch.desktop');
    expect(linuxAutostartFile(env)).toBe(file);
    const entry = readFileSync(file, 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/home/me/Apps/Jobwatch \\"for\\" TrueNAS.AppImage" --hidden');
    expect(linuxAutostartEntry({}, '/opt/Jobwatch/jobwatch')).toContain('Exec="/opt/Jobwatch/jobwatch" --hidden');
    expect(setStartAtLogin(electronDouble, 'linux', false, { env, execPath: '/x' })).toEqual({ ok: true });
    expect(existsSync(file)).toBe(false);
    expect(electronDouble.app.loginItem.openAtLogin).toBe(false);
  });

  it('reports a Linux autostart folder it cannot write', () => {
    const blocker = join(mkdtempSync(join(tmpdir(), 'jobwatch-autostart-')), 'file');
    writeFileSync(blocker, '');
    const result = setStartAtLogin(electronDouble, 'linux', true, { env: { XDG_CONFIG_HOME: blocker }, execPath: '/x' });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/Could not create/);
  });
});

describe('wake and network changes', () => {
  beforeEach(() => resetElectronDouble());
  afterEach(() => vi.useRealTimers());

  it('reconnects on resume and on unlock', () => {
    const monitor = { wake: vi.fn() };
    reconnectOnWake(electronDouble, monitor);
    electronDouble.powerMonitor.emit('resume');
    electronDouble.powerMonitor.emit('unlock-screen');
    electronDouble.powerMonitor.emit('lock-screen');
    expect(monitor.wake).toHaveBeenCalledTimes(2);
  });

  it('calls networkChanged when the machine’s addresses change, once per change', () => {
    vi.useFakeTimers();
    let signature = 'eth0/192.168.1.5';
    const changed = vi.fn();
    const watcher = new NetworkWatcher(changed, () => signature, 5000);
    watcher.start();
    vi.advanceTimersByTime(20_000);
    expect(changed).not.toHaveBeenCalled();
    signature = 'wlan0/10.0.0.7';
    vi.advanceTimersByTime(5000);
    vi.advanceTimersByTime(20_000);
    expect(changed).toHaveBeenCalledTimes(1);
    watcher.stop();
  });

  it('ignores loopback addresses in the signature', () => {
    const sig = addressSignature({
      lo: [{ address: '127.0.0.1', internal: true, family: 'IPv4', netmask: '', mac: '', cidr: null }],
      eth0: [{ address: '192.168.1.5', internal: false, family: 'IPv4', netmask: '', mac: '', cidr: null }],
    });
    expect(sig).toBe('eth0/192.168.1.5');
  });
});

describe('clean shutdown', () => {
  beforeEach(() => resetElectronDouble());

  it('holds the quit until the monitor has stopped, then quits for real', async () => {
    const order: string[] = [];
    let release: () => void = () => undefined;
    const { done } = quitCleanly(electronDouble, async () => {
      order.push('stop started');
      await new Promise<void>((resolve) => (release = resolve));
      order.push('stopped');
    });
    const willQuit = vi.fn();
    electronDouble.app.on('will-quit', willQuit);
    electronDouble.app.quit();
    electronDouble.app.quit(); // a second request while stopping does not stop twice
    expect(order).toEqual(['stop started']);
    expect(willQuit).not.toHaveBeenCalled();
    release();
    await done;
    expect(order).toEqual(['stop started', 'stopped']);
    expect(willQuit).toHaveBeenCalledTimes(1);
  });

  it('quits anyway when stopping hangs', async () => {
    vi.useFakeTimers();
    const { done } = quitCleanly(electronDouble, () => new Promise<void>(() => undefined), 5000);
    const willQuit = vi.fn();
    electronDouble.app.on('will-quit', willQuit);
    electronDouble.app.quit();
    await vi.advanceTimersByTimeAsync(5000);
    await done;
    expect(willQuit).toHaveBeenCalledTimes(1);
    vi.useRealTimers();
  });
});
