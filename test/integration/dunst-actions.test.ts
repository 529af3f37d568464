/**
 * Failure notifications with actions on a real notification server: dunst on a virtual X display (Xvfb) and a
 * private D-Bus session bus, driven by the app's own DesktopNotifier and D-Bus client. Picking "Acknowledge" from
 * dunst's context menu (its menu program replaced by one that chooses that line, as a person would in dmenu)
 * acknowledges the failure; dunst's default action opens the job. A screenshot of the notification is written to
 * test-results/screenshots/notification-actions-dunst.png.
 *
 * Needs Xvfb, dunst, dunstctl and ImageMagick's import (Debian: xvfb dunst imagemagick) besides dbus-daemon;
 * without them the suite reports itself skipped with the reason.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectNotificationServer, type NotificationServer } from '../../electron/freedesktop/notification-server';
import { DesktopNotifier, type OpenTarget } from '../../electron/main/notifications';
import { electronDouble, FakeNotification, resetElectronDouble } from '../shell/electron-double';
import { notification } from '../shell/fixtures';
import { dbusDaemonUnavailable, startPrivateBus, type PrivateBus } from './cli-dbus/private-bus';

const WAIT = { timeout: 10_000, interval: 50 };

function missingTools(): string | null {
  const daemon = dbusDaemonUnavailable();
  if (daemon !== null) return daemon;
  for (const tool of ['Xvfb', 'dunst', 'dunstctl', 'import']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (Debian: xvfb dunst imagemagick)`;
  }
  return null;
}
const missing = missingTools();

/** Starts Xvfb on a display it picks itself (-displayfd), so parallel runs do not collide. */
async function startXvfb(): Promise<{ display: string; process: ChildProcess }> {
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1024x640x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let out = '';
    (xvfb.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
    (xvfb.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(`:${out.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
  });
  return { display, process: xvfb };
}

function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  return exited;
}

if (missing !== null) {
  describe('failure notification actions on dunst', () => {
    it.skip(`skipped: ${missing}`, () => undefined);
  });
} else {
  describe('failure notification actions on dunst', () => {
    let bus: PrivateBus;
    let xvfb: ChildProcess | null = null;
    let dunst: ChildProcess | null = null;
    let env: NodeJS.ProcessEnv;
    let client: NotificationServer;
    let realMenu = '';
    const opened: OpenTarget[] = [];
    const acknowledged: string[][] = [];
    const JOB = 'nas\u00007\u00001750000000000\u0000cloudsync.sync';

    beforeAll(async () => {
      resetElectronDouble();
      bus = await startPrivateBus();
      const x = await startXvfb();
      xvfb = x.process;
      const dir = mkdtempSync(join(tmpdir(), 'jobwatch-dunst-'));
      // dunst hands its context menu's lines to this "dmenu" and takes the line it prints: Acknowledge, or, once
      // the test asks for the real menu, whatever a person picks in dmenu.
      realMenu = join(dir, 'use-real-dmenu');
      const chooser = join(dir, 'choose-acknowledge');
      writeFileSync(
        chooser,
        `#!/bin/sh\nif [ -f '${realMenu}' ]; then exec dmenu -l 6 -fn 'DejaVu Sans-11' -p 'dunst:'; fi\ngrep -m1 Acknowledge\n`,
      );
      chmodSync(chooser, 0o755);
      const config = join(dir, 'dunstrc');
      writeFileSync(
        config,
        [
          '[global]',
          '    width = 420',
          '    origin = top-right',
          '    offset = 16x16',
          '    font = DejaVu Sans 10',
          '    frame_width = 2',
          '    format = "<b>%s</b>\\n%b"',
          `    dmenu = ${chooser}`,
          '    show_indicators = yes',
          '[urgency_critical]',
          '    background = "#3b1113"',
          '    foreground = "#ffffff"',
          '    frame_color = "#e5484d"',
          '    timeout = 0',
          '',
        ].join('\n'),
      );
      env = { ...process.env, DISPLAY: x.display, DBUS_SESSION_BUS_ADDRESS: bus.address };
      dunst = spawn('dunst', ['-config', config], { env, stdio: 'ignore' });
      client = connectNotificationServer({ address: bus.address, log: () => undefined, callTimeoutMs: 3_000 });
      // dunst owns the name once it is up; until then the client answers null.
      await vi.waitFor(async () => expect(await client.capabilities()).toContain('actions'), WAIT);
    }, 30_000);

    afterAll(async () => {
      client?.close();
      await stop(dunst);
      await stop(xvfb);
      await bus?.stop();
    });

    const displayed = () => Number(spawnSync('dunstctl', ['count', 'displayed'], { env, encoding: 'utf8' }).stdout.trim());

    it('shows a failure with Acknowledge and Open (screenshot), and Acknowledge from its menu acknowledges the job', async () => {
      const notifier = new DesktopNotifier(electronDouble, (target) => opened.push(target), undefined, 'linux', {
        failureKeys: () => [JOB],
        acknowledge: (keys) => acknowledged.push(keys),
        notificationServer: client,
      });
      notifier.show(
        notification({ title: 'NAS: Cloud sync to B2 failed', body: 'Failed to connect to remote host (<b>quota</b> & limits).' }),
      );
      await notifier.idle();
      // Shown by dunst, not by Electron.
      expect(FakeNotification.shownOnes()).toHaveLength(0);
      await vi.waitFor(() => expect(displayed()).toBe(1), WAIT);

      const shots = join(process.cwd(), 'test-results', 'screenshots');
      mkdirSync(shots, { recursive: true });
      // dunst draws after mapping its window; a moment for the first frame.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const shot = spawnSync('import', ['-window', 'root', '-crop', '460x160+564+0', join(shots, 'notification-actions-dunst.png')], {
        env,
        encoding: 'utf8',
      });
      expect(shot.status, shot.stderr).toBe(0);

      spawnSync('dunstctl', ['context'], { env });
      await vi.waitFor(() => expect(acknowledged).toEqual([[JOB]]), WAIT);
      expect(opened).toEqual([]);
      // The app takes the notification off the screen once dealt with (dunst leaves it up after a menu action).
      await vi.waitFor(() => expect(displayed()).toBe(0), WAIT);
      notifier.dispose();
    }, 30_000);

    it("dunst's default action (a click) opens the job", async () => {
      const notifier = new DesktopNotifier(electronDouble, (target) => opened.push(target), undefined, 'linux', {
        failureKeys: () => [JOB],
        acknowledge: (keys) => acknowledged.push(keys),
        notificationServer: client,
      });
      notifier.show(notification({ id: 'n2' }));
      await notifier.idle();
      await vi.waitFor(() => expect(displayed()).toBe(1), WAIT);
      spawnSync('dunstctl', ['action', '0'], { env });
      await vi.waitFor(() => expect(opened).toEqual([{ server: 'nas', jobKey: JOB }]), WAIT);
      notifier.dispose();
    }, 30_000);

    const menuTools = ['dmenu', 'xdotool'].every((tool) => spawnSync('which', [tool]).status === 0);
    it.skipIf(!menuTools)(
      "dunst's action menu in dmenu lists Open and Acknowledge (screenshot); typing Acknowledge picks it",
      async () => {
        const notifier = new DesktopNotifier(electronDouble, (target) => opened.push(target), undefined, 'linux', {
          failureKeys: () => [JOB],
          acknowledge: (keys) => acknowledged.push(keys),
          notificationServer: client,
        });
        const before = acknowledged.length;
        notifier.show(notification({ id: 'n3', title: 'NAS: 2 jobs failed', jobs: [JOB] }));
        await notifier.idle();
        await vi.waitFor(() => expect(displayed()).toBe(1), WAIT);
        writeFileSync(realMenu, '');
        // Asynchronous: dunst answers the call only once the menu is closed.
        const context = spawn('dunstctl', ['context'], { env, stdio: 'ignore' });
        const menuWindow = () =>
          spawnSync('xdotool', ['search', '--class', 'dmenu'], { env, encoding: 'utf8' }).stdout.trim().split('\n')[0] ?? '';
        await vi.waitFor(() => expect(menuWindow()).not.toBe(''), WAIT);
        await new Promise((resolve) => setTimeout(resolve, 300));
        const shots = join(process.cwd(), 'test-results', 'screenshots');
        const shot = spawnSync('import', ['-window', 'root', '-crop', '1024x200+0+0', join(shots, 'notification-actions-dunst-menu.png')], {
          env,
          encoding: 'utf8',
        });
        expect(shot.status, shot.stderr).toBe(0);
        spawnSync('xdotool', ['type', '--delay', '20', 'Acknowledge'], { env });
        spawnSync('xdotool', ['key', 'Return'], { env });
        await vi.waitFor(() => expect(acknowledged.length).toBe(before + 1), WAIT);
        expect(acknowledged.at(-1)).toEqual([JOB]);
        await new Promise<void>((resolve) => (context.exitCode !== null ? resolve() : context.once('exit', () => resolve())));
        notifier.dispose();
      },
      30_000,
    );
  });
}
