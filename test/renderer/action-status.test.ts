import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import DiagnosticsSection from '../../renderer/src/components/DiagnosticsSection.svelte';
import { ActionStatus } from '../../renderer/src/lib/action-status.svelte';

describe('ActionStatus', () => {
  it('is busy while the action runs, then shows what it did', async () => {
    const status = new ActionStatus();
    status.error = 'old failure';
    status.message = 'old message';
    let release: () => void = () => {};
    const running = status.run(() => new Promise<void>((resolve) => (release = resolve)), { done: 'Done.' });
    expect(status.busy).toBe(true);
    expect(status.error).toBe('');
    expect(status.message).toBe('');
    release();
    expect(await running).toBe(true);
    expect(status.busy).toBe(false);
    expect(status.message).toBe('Done.');
  });

  it('turns a failure into its message, never rejects, and can keep the last message', async () => {
    const status = new ActionStatus();
    status.message = 'Settings saved.';
    expect(await status.run(() => Promise.reject(new Error('The server refused.')), { keepMessage: true })).toBe(false);
    expect(status.error).toBe('The server refused.');
    expect(status.message).toBe('Settings saved.');
    expect(status.busy).toBe(false);
    await status.run(() => Promise.reject('plain text'));
    expect(status.error).toBe('plain text');
    expect(status.message).toBe('');
  });
});

describe('the window context', () => {
  it('is required: a view rendered without App says what it is missing', () => {
    expect(() => render(DiagnosticsSection)).toThrow(/window context/);
  });
});
