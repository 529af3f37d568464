/**
 * `jobwatch watch --notify` on a private D-Bus session bus with a recording notification server: the desktop
 * notifications sent are exactly the ones the rules decided to show (the `notification` lines not suppressed).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import dbus from 'dbus-next';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';

const daemonAvailable = spawnSync('which', ['dbus-daemon']).status === 0;
const cli = join(process.cwd(), 'node_modules', '.cache', 'jobwatch-cli-test', `cli-dbus-${process.pid}.mjs`);

interface Recorded {
  appName: string;
  summary: string;
  body: string;
  urgency: number;
}

let daemon: ChildProcess | null = null;
let address = '';
let serverBus: dbus.MessageBus | null = null;
const recorded: Recorded[] = [];

/** A notification daemon that records what it is asked to show. */
class RecordingNotifications extends dbus.interface.Interface {
  private next = 1;
  Notify(
    appName: string,
    _replacesId: number,
    _icon: string,
    summary: string,
    body: string,
    _actions: string[],
    hints: Record<string, dbus.Variant>,
    _timeout: number,
  ): number {
    recorded.push({ appName, summary, body, urgency: Number(hints['urgency']?.value ?? -1) });
    return this.next++;
  }
  GetCapabilities(): string[] {
    return ['body'];
  }
}
RecordingNotifications.configureMembers({
  methods: {
    Notify: { inSignature: 'susssasa{sv}i', outSignature: 'u' },
    GetCapabilities: { inSignature: '', outSignature: 'as' },
  },
});

beforeAll(async () => {
  if (!daemonAvailable) return;
  await build({
    entryPoints: ['electron/cli.ts'],
    outfile: cli,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  address = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: daemon!.stdout! });
    lines.once('line', (line) => resolve(line.trim()));
    daemon!.once('error', reject);
  });
  serverBus = dbus.sessionBus({ busAddress: address });
  serverBus.export('/org/freedesktop/Notifications', new RecordingNotifications('org.freedesktop.Notifications'));
  await serverBus.requestName('org.freedesktop.Notifications', 0);
});

afterAll(() => {
  serverBus?.disconnect();
  daemon?.kill();
  if (existsSync(cli)) rmSync(cli, { force: true });
});

describe.skipIf(!daemonAvailable)('desktop notifications over D-Bus', () => {
  it('jobwatch watch --notify shows exactly the notifications the rules decided', async () => {
    recorded.length = 0;
    const sim: Simulator = await startSimulator({ port: 0 });
    try {
      const child = spawn(
        process.execPath,
        [cli, 'watch', '--url', sim.url, '--username', 'demo', '--api-key-env', 'JW_KEY', '--json', '--notify'],
        {
          env: { ...process.env, JW_KEY: sim.credentials.apiKey, DBUS_SESSION_BUS_ADDRESS: address },
        },
      );
      const lines: Array<Record<string, unknown>> = [];
      createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
      const until = async (probe: () => boolean) => {
        const deadline = Date.now() + 15_000;
        while (!probe()) {
          if (Date.now() > deadline) throw new Error('timed out');
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      await until(() => lines.some((l) => l['type'] === 'connection' && l['state'] === 'live'));
      sim.startJob({ method: 'replication.run', durationMs: 10, outcome: 'FAILED', error: '[EFAULT] Failed to connect to remote host.' });
      // A short successful job: the rules keep it quiet (below the 60 s threshold), so it must not reach D-Bus.
      sim.startJob({ method: 'pool.snapshottask.run', durationMs: 10, outcome: 'SUCCESS' });
      await until(() => lines.filter((l) => l['type'] === 'notification').length >= 2);
      await until(() => recorded.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));

      const shown = lines.filter((l) => l['type'] === 'notification' && l['suppressed'] === null);
      expect(shown.length).toBeGreaterThanOrEqual(1);
      expect(recorded.map((r) => r.summary)).toEqual(shown.map((n) => n['title']));
      expect(recorded[0]).toMatchObject({ summary: expect.stringContaining('failed on'), urgency: 2 });
      expect(lines.some((l) => l['type'] === 'notification' && l['suppressed'] === 'threshold')).toBe(true);
    } finally {
      await sim.close();
    }
  });
});
