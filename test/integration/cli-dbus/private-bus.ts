/**
 * A private D-Bus session bus for tests, and a recording stand-in for a desktop notification server on it.
 *
 * The daemon gets its own minimal configuration rather than `--session`: the stock session configuration adds the
 * system's service directories, so a Notify call with no server on the bus would try to auto-start whatever
 * notification daemon is installed (dunst here), which is slow and machine-dependent.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message, NameFlag, RequestNameReply, sessionBus } from 'dbus-next';
import type { MessageBus } from 'dbus-next';

/** Null when dbus-daemon can run here, else why not. */
export function dbusDaemonUnavailable(): string | null {
  const probe = spawnSync('dbus-daemon', ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined)
    return `dbus-daemon cannot run here (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message}); install the Debian package dbus`;
  if (probe.status !== 0) return `dbus-daemon --version exited with ${probe.status}`;
  return null;
}

export interface PrivateBus {
  address: string;
  stop(): Promise<void>;
}

/** `listen` is a D-Bus listen address; `{dir}` is replaced by a fresh temporary folder. */
export async function startPrivateBus(listen = 'unix:path={dir}/bus'): Promise<PrivateBus> {
  const dir = await mkdtemp(join(tmpdir(), 'jobwatch-dbus-'));
  const config = join(dir, 'bus.conf');
  await writeFile(
    config,
    `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>${listen.replace('{dir}', dir)}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`,
  );
  const daemon: ChildProcess = spawn('dbus-daemon', [`--config-file=${config}`, '--nofork', '--nosyslog', '--print-address=1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  daemon.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const address = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    daemon.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(stdout.slice(0, newline).trim());
    });
    daemon.once('error', reject);
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited with ${code} before printing its address: ${stderr}`)));
  });
  return {
    address,
    async stop() {
      if (daemon.exitCode === null && daemon.signalCode === null) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface RecordedNotify {
  appName: string;
  replacesId: number;
  icon: string;
  summary: string;
  body: string;
  actions: string[];
  hints: Record<string, { signature: string; value: unknown }>;
  expireTimeout: number;
}

export interface FakeNotificationServer {
  calls: RecordedNotify[];
  /** What GetCapabilities answers; change it between tests. */
  capabilities: string[];
  stop(): void;
}

/**
 * Owns org.freedesktop.Notifications on the bus and records every Notify. It lives in the test process, so the
 * notifier under test must call asynchronously (it does: dbus-next never blocks), or both would hang.
 */
export async function startFakeNotificationServer(address: string): Promise<FakeNotificationServer> {
  const bus: MessageBus = sessionBus({ busAddress: address });
  bus.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    bus.once('connect', () => resolve());
    bus.once('error', reject);
  });
  const reply = await bus.requestName('org.freedesktop.Notifications', NameFlag.DO_NOT_QUEUE);
  if (reply !== RequestNameReply.PRIMARY_OWNER) throw new Error(`could not own org.freedesktop.Notifications (reply ${reply})`);

  const server: FakeNotificationServer = { calls: [], capabilities: ['body', 'body-markup'], stop: () => bus.disconnect() };
  let nextId = 1;
  bus.addMethodHandler((msg: Message) => {
    if (msg.interface !== 'org.freedesktop.Notifications' || msg.path !== '/org/freedesktop/Notifications') return false;
    if (msg.member === 'GetCapabilities') {
      bus.send(Message.newMethodReturn(msg, 'as', [server.capabilities]));
      return true;
    }
    if (msg.member === 'Notify') {
      const [appName, replacesId, icon, summary, body, actions, hints, expireTimeout] = msg.body as [
        string,
        number,
        string,
        string,
        string,
        string[],
        Record<string, { signature: string; value: unknown }>,
        number,
      ];
      server.calls.push({ appName, replacesId, icon, summary, body, actions, hints, expireTimeout });
      const id = replacesId !== 0 ? replacesId : nextId++;
      bus.send(Message.newMethodReturn(msg, 'u', [id]));
      return true;
    }
    return false;
  });
  return server;
}
