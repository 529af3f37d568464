import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatPercent,
  formatTime,
  formatDateTime,
  jobElapsed,
  jobTimeLine,
  jobTitle,
  serverHealth,
  serverStatus,
  serverStatusLine,
} from '../../renderer/src/lib/format';
import { jobView, serverView } from './views';

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [999, '0 s'],
    [42_000, '42 s'],
    [60_000, '1 min'],
    [303_000, '5 min 3 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [2 * 86_400_000 + 3 * 3_600_000, '2 d 3 h'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('has nothing to say about unknown or negative durations', () => {
    expect(formatDuration(null)).toBeNull();
    expect(formatDuration(-5)).toBeNull();
    expect(formatDuration(Number.NaN)).toBeNull();
  });
});

describe('formatPercent', () => {
  it('shows whole and fractional percents, clamped', () => {
    expect(formatPercent(42)).toBe('42 %');
    expect(formatPercent(42.25)).toBe('42.3 %');
    expect(formatPercent(140)).toBe('100 %');
    expect(formatPercent(null)).toBeNull();
  });
});

describe('times', () => {
  const now = new Date(2026, 10, 28, 15, 0, 0).getTime();
  it('shows only the time for today and the date otherwise, in the given locale', () => {
    expect(formatTime(new Date(2026, 10, 28, 9, 5).getTime(), now, 'en-GB')).toBe('09:05');
    expect(formatTime(new Date(2026, 10, 27, 9, 5).getTime(), now, 'en-GB')).toMatch(/27 Nov 2026.*09:05/);
    expect(formatTime(new Date(2026, 10, 28, 21, 5).getTime(), now, 'en-US')).toBe('9:05 PM');
  });
  it('elapsed: running jobs count to now on the desktop clock; finished ones use their own span', () => {
    // The NAS clock is 10 s behind the desktop: started at server 1000 = desktop 11 000.
    expect(jobElapsed(jobView({ timeStarted: 1_000, clockOffsetMs: 10_000 }), 71_000)).toBe(60_000);
    expect(jobElapsed(jobView({ state: 'SUCCESS', timeStarted: 1_000, timeFinished: 31_000 }), 999_999)).toBe(30_000);
    expect(jobElapsed(jobView({ timeStarted: null }), 5)).toBeNull();
  });
  it('survives impossible server times (a hostile or broken server): a dash, never a RangeError', () => {
    for (const ms of [1e300, -1e300, 8.64e15 + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatTime(ms, now, 'en-GB')).toBe('—');
      expect(formatDateTime(ms, 'en-GB')).toBe('—');
      expect(jobTimeLine(jobView({ state: 'FAILED', timeFinished: ms }), now, 'en-GB')).toBe('Failed —');
    }
  });
  it('says what happened when', () => {
    expect(jobTimeLine(jobView({ state: 'WAITING', timeStarted: now }), now, 'en-GB')).toBe('Waiting since 15:00');
    expect(jobTimeLine(jobView({ state: 'FAILED', timeFinished: now }), now, 'en-GB')).toBe('Failed 15:00');
    expect(jobTimeLine(jobView({ state: 'ABORTED', timeFinished: null }), now, 'en-GB')).toBe('Aborted —');
  });
});

describe('titles and server states', () => {
  it('uses the description, or the method when there is none', () => {
    expect(jobTitle({ description: "Scrub of pool 'tank'", method: 'pool.scrub.scrub' })).toBe("Scrub of pool 'tank'");
    expect(jobTitle({ description: '  ', method: 'pool.scrub.scrub' })).toBe('pool.scrub.scrub');
    expect(jobTitle({ description: null, method: 'pool.scrub.scrub' })).toBe('pool.scrub.scrub');
  });
  it('describes each connection state in words, with the retry countdown', () => {
    expect(serverStatus(serverView(), 0)).toBe('Live');
    expect(serverStatus(serverView({ state: 'backoff', retryAt: 8_000 }), 0)).toBe('Offline, retry in 8 s');
    expect(serverStatus(serverView({ state: 'backoff', retryAt: 1_000 }), 5_000)).toBe('Offline, retrying now');
    expect(serverStatus(serverView({ state: 'backoff', retryAt: 65_500 }), 0)).toBe('Offline, retry in 1 min 5 s');
    expect(
      serverStatus(serverView({ state: 'needs-attention', attention: { code: 'AUTH_FAILED', message: 'The key was refused.' } }), 0),
    ).toBe('Needs attention: key or password refused');
    expect(serverStatus(serverView({ state: 'needs-attention', attention: { code: 'SOMETHING_NEW' as never, message: 'Odd.' } }), 0)).toBe(
      'Needs attention: Odd.',
    );
    expect(
      serverStatusLine(
        serverView({ state: 'needs-attention', detail: 'x', attention: { code: 'CERT_CHANGED', message: 'The certificate changed.' } }),
        0,
      ),
    ).toBe('Needs attention: The certificate changed.');
    expect(serverStatusLine(serverView({ state: 'backoff', retryAt: 8_000, detail: 'connection refused' }), 0)).toBe(
      'Offline, retry in 8 s — connection refused',
    );
    expect(serverStatusLine(serverView({ detail: 'Live' }), 0)).toBe('Live');
    expect(serverStatus(serverView({ state: 'syncing' }), 0)).toBe('Connecting…');
    expect(serverHealth({ state: 'needs-attention' })).toBe('attention');
    expect(serverHealth({ state: 'backoff' })).toBe('offline');
    expect(serverHealth({ state: 'authenticating' })).toBe('connecting');
  });
});
