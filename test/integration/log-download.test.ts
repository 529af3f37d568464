/**
 * Downloading a job's log over real sockets. `core.job_download_logs` exists only from SCALE 24.04; CORE 13 has
 * `core.download('filesystem.get', [logs_path], filename, buffered)` → [job id, "/_download/<id>?auth_token=…"]
 * (TN-13.3-U1.2 `service.py` `download`, `plugins/filesystem.py` `get`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { followServer, type AccessHarness } from './access-harness';

let sim: Simulator | null = null;
let harness: AccessHarness | null = null;
afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function downloadOnce(s: Simulator, url: string, name: string) {
  harness = await followServer({ url, username: s.credentials.username, secret: s.credentials.apiKey, name });
  const h = harness;
  await h.waitFor(() => h.server().state === 'live', 'live');
  const id = s.startJob({
    method: 'replication.run',
    logs: true,
    durationMs: 0,
    outcome: 'FAILED',
    error: '[EFAULT] Failed to connect to remote host.',
    progress: [{ percent: 10, description: 'Sending 1 of 2', log: 'zettarepl: sending tank/data@auto-1' }],
  });
  await s.waitForJob(id);
  const job = await h.waitFor(
    () => h.monitor.snapshot().jobs.find((j) => j.id === id && j.state === 'FAILED' && j.hasLogs),
    'the failed job',
  );
  const download = await h.monitor.downloadJobLog(job.key);
  return { id, download };
}

describe('job log download', () => {
  it('CORE 13: through core.download of filesystem.get (no core.job_download_logs there)', async () => {
    sim = await startSimulator({ version: 'core13', failDelayMs: 0 });
    const { id, download } = await downloadOnce(sim, sim.legacyUrl, 'nas1');
    expect(download.content).toContain('zettarepl: sending tank/data@auto-1');
    expect(download.filename).toBe(`nas1-${id}.log`);
    // The download job ran as filesystem.get of the job's log, as on CORE 13.
    expect(sim.jobs().some((j) => j.method === 'filesystem.get' && j.arguments[0] === `/var/log/jobs/${id}.log`)).toBe(true);
  });

  it('25.10: through core.job_download_logs; the file name is safe whatever the server is called', async () => {
    sim = await startSimulator({ version: '25.10', failDelayMs: 0 });
    const { id, download } = await downloadOnce(sim, sim.url, '../etc/pass\u0007wd: "NAS"' + 'x'.repeat(300));
    expect(download.content).toContain('zettarepl: sending tank/data@auto-1');
    expect(download.filename).toMatch(new RegExp(`^[^/\\\\\\u0000-\\u001f:*?"<>|]+-${id}\\.log$`));
    expect(download.filename.length).toBeLessThanOrEqual(120);
    expect(download.filename.startsWith('.')).toBe(false);
  });
});
