import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../../electron/sim/index';
import { loginRpc } from './client';

let sim: Simulator | undefined;
afterEach(async () => sim?.close());

describe('smoke', () => {
  it('logs in, subscribes, sees a job run', async () => {
    sim = await startSimulator({ failDelayMs: 0 });
    const c = await loginRpc(sim.url, sim.credentials.username, sim.credentials.apiKey);
    expect(typeof (await c.call('core.subscribe', ['core.get_jobs']))).toBe('string');
    const id = sim.startJob({ method: 'pool.scrub.scrub', durationMs: 20, progress: [{ percent: 50, description: 'Scrubbing' }] });
    await c.waitTerminal(id, 2);
    expect(c.eventsFor(id).map((e) => [e.msg, e.fields.state, (e.fields.progress as { percent: number }).percent])).toEqual([
      ['added', 'WAITING', 0],
      ['changed', 'RUNNING', 0],
      ['changed', 'RUNNING', 50],
      ['changed', 'SUCCESS', 100],
      ['changed', 'SUCCESS', 100],
    ]);
    await c.close();
  });
});
