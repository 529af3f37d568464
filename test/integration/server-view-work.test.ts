/**
 * A progress event of a job already counted as running leaves the server view as it was, so the monitor does not
 * rebuild it (a rebuild walks every job of the server: with 1 000 jobs and 1 000 events/s that was the CLI's
 * largest cost). The running count still follows every job that starts or ends.
 */
import { afterEach, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

it('progress events of running jobs do not re-emit the server view; starts and ends do', async () => {
  sim = await startSimulator({ port: 0 });
  const h = (harness = await startHarness([{ url: sim.url, username: sim.credentials.username, secret: sim.credentials.apiKey }]));
  await h.waitFor(() => h.server()?.state === 'live', 'the session to go live');

  const first = sim.startJobHandle({ method: 'cloudsync.sync', arguments: [1], manual: true });
  await h.waitFor(() => h.server()?.running === 1, 'the first job to count as running');
  const second = sim.startJobHandle({ method: 'cloudsync.sync', arguments: [2], manual: true });
  await h.waitFor(() => h.states.at(-1)?.running === 2, 'a server view counting both jobs');

  const emittedBefore = h.states.length;
  for (let i = 1; i <= 40; i++) first.progress(i, `step ${i}`);
  const key = (id: number) => h.monitor.snapshot().jobs.find((j) => j.id === id);
  await h.waitFor(() => key(first.id)?.percent === 40, 'the last progress event to reach the job view');
  expect(h.states.length - emittedBefore).toBe(0);

  first.finish('SUCCESS');
  await h.waitFor(() => h.states.at(-1)?.running === 1, 'a server view after the first job ended');
  second.finish('FAILED', { error: '[EFAULT] boom' });
  await h.waitFor(() => h.states.at(-1)?.running === 0, 'a server view after the second job ended');
});
