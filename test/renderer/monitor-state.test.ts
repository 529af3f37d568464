import { describe, expect, it } from 'vitest';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import { emptySnapshot, fakeApi } from './fake-api';
import { jobView, serverView } from './views';

const failure = (key: string, timeFinished: number) => ({
  key,
  server: 'nas1',
  jobId: 1,
  method: 'replication.run',
  description: null,
  error: 'boom',
  timeFinished,
  reportedAt: 0,
});

describe('MonitorState', () => {
  it('takes the snapshot on subscribe, then applies deltas', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [serverView()], jobs: [jobView({ key: 'a' })] });
    const state = new MonitorState(api);
    await state.connect();
    expect(state.load).toBe('ready');
    expect([...state.jobs.keys()]).toEqual(['a']);

    api.emit('delta', { upserts: [jobView({ key: 'b' }), jobView({ key: 'a', state: 'SUCCESS' })], removals: [] });
    expect(state.jobs.get('a')?.state).toBe('SUCCESS');
    expect(state.jobs.size).toBe(2);
    api.emit('delta', { upserts: [], removals: ['a'] });
    expect([...state.jobs.keys()]).toEqual(['b']);
  });

  it('applies deltas that arrive before the snapshot reply after it, not before', async () => {
    const api = fakeApi();
    let reply!: (value: ReturnType<typeof emptySnapshot>) => void;
    api.subscribe.mockReturnValue(new Promise((resolve) => (reply = resolve)));
    const state = new MonitorState(api);
    const connecting = state.connect();
    api.emit('delta', { upserts: [jobView({ key: 'late', state: 'FAILED' })], removals: [] });
    expect(state.jobs.size).toBe(0);
    reply({ ...emptySnapshot(), jobs: [jobView({ key: 'late', state: 'RUNNING' })] });
    await connecting;
    expect(state.jobs.get('late')?.state).toBe('FAILED');
  });

  it('a pushed snapshot replaces everything (the window re-subscribed)', async () => {
    const api = fakeApi();
    const state = new MonitorState(api);
    await state.connect();
    api.emit('delta', { upserts: [jobView({ key: 'old' })], removals: [] });
    api.emit('snapshot', { ...emptySnapshot(), jobs: [jobView({ key: 'new' })] });
    expect([...state.jobs.keys()]).toEqual(['new']);
  });

  it('servers: upserted by id, removed with their jobs; allOffline when none is live', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({
      ...emptySnapshot(),
      servers: [serverView({ id: 'nas1' }), serverView({ id: 'nas2', name: 'nas2' })],
      jobs: [jobView({ key: 'x', server: 'nas2' })],
    });
    const state = new MonitorState(api);
    await state.connect();
    expect(state.allOffline).toBe(false);
    api.emit('delta', { upserts: [], removals: [], removedServers: ['nas2'], servers: [serverView({ id: 'nas1', state: 'backoff' })] });
    expect(state.servers.map((s) => s.id)).toEqual(['nas1']);
    expect(state.jobs.size).toBe(0);
    expect(state.allOffline).toBe(true);
    expect(state.serverName('nas1')).toBe('nas1');
    expect(state.serverName('unknown')).toBe('unknown');
  });

  it('failures: the latest full list, newest first; the count follows', async () => {
    const api = fakeApi();
    const state = new MonitorState(api);
    await state.connect();
    api.emit('delta', { upserts: [], removals: [], failures: [failure('old', 100), failure('new', 200)] });
    expect(state.failures.map((f) => f.key)).toEqual(['new', 'old']);
    expect(state.unacknowledged).toBe(2);
    api.emit('delta', { upserts: [], removals: [], failures: [] });
    expect(state.unacknowledged).toBe(0);
  });

  it('pause follows the deltas; a missing field leaves it alone', async () => {
    const api = fakeApi();
    const state = new MonitorState(api);
    await state.connect();
    api.emit('delta', { upserts: [], removals: [], pausedUntil: 5_000 });
    api.emit('delta', { upserts: [], removals: [] });
    expect(state.pausedUntil).toBe(5_000);
    api.emit('delta', { upserts: [], removals: [], pausedUntil: null });
    expect(state.pausedUntil).toBeNull();
  });

  it('records progress of running jobs for the time-left estimate', async () => {
    const api = fakeApi();
    let now = 0;
    const state = new MonitorState(api, () => now);
    await state.connect();
    api.emit('delta', { upserts: [jobView({ key: 'a', percent: 10 })], removals: [] });
    now = 20_000;
    api.emit('delta', { upserts: [jobView({ key: 'a', percent: 30 })], removals: [] });
    expect(state.rates.remaining('a', 20_000)).toBe(70_000);
    api.emit('delta', { upserts: [jobView({ key: 'a', state: 'SUCCESS', percent: 100 })], removals: [] });
    expect(state.rates.remaining('a', 20_000)).toBeNull();
  });

  it('reports a failed subscribe instead of spinning forever', async () => {
    const api = fakeApi();
    api.subscribe.mockRejectedValue(new Error('no main process'));
    const state = new MonitorState(api);
    await state.connect();
    expect(state.load).toBe('failed');
    expect(state.loadError).toBe('no main process');
  });
});
