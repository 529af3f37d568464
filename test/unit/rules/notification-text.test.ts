import { describe, expect, it } from 'vitest';
import {
  BODY_MAX,
  burstText,
  cleanLine,
  escapeMarkup,
  humanDuration,
  jobLabel,
  redactSecrets,
  singleText,
  stripUnsafe,
  TITLE_MAX,
  truncate,
  watchDoneText,
} from '../../../electron/core/notification-text';
import { transition } from './fixtures';

describe('notification texts', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [3_780_000, '1 h 3 min'],
    [86_400_000 * 2 + 4 * 3_600_000, '2 d 4 h'],
    [-5, '0 s'],
  ])('humanDuration(%i) = %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });

  it('labels a job by description, then friendly name, then method', () => {
    expect(jobLabel({ method: 'pool.scrub.scrub', description: "Scrub of pool 'tank'" })).toBe("Scrub of pool 'tank'");
    expect(jobLabel({ method: 'cloudsync.sync', description: null })).toBe('Cloud sync');
    expect(jobLabel({ method: 'vm.start', description: '' })).toBe('vm.start');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('labels a job whose method is %s by the method itself', (method) => {
    // A server-sent method must not find Object.prototype's members among the friendly names.
    expect(jobLabel({ method, description: null })).toBe(method);
  });

  it('truncates with an ellipsis by code points, never splitting a surrogate pair', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdefg', 6)).toBe('abcde…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });

  it('strips control, zero-width and bidi characters', () => {
    expect(cleanLine('a\u0000b\u001b[31mc\u007f\u202Ed\u200Be\u2066', 100)).toBe('ab[31mcde');
    expect(cleanLine('two\nlines\tand   spaces', 100)).toBe('two lines and spaces');
  });

  it('removes C1 controls, every bidi control and Unicode line separators', () => {
    expect(stripUnsafe('a\u009b2Jb\u061Cc\u200Ed\u200Fe\u202Af\u2067g\u2028h\u2029i\u0085j\r\nk')).toBe('a2Jbcdefg h i j k');
    expect(stripUnsafe('a\u001b[31mb', ' ')).toBe('a [31mb');
    expect(cleanLine('line\u2028forged', 100)).toBe('line forged');
    expect(
      singleText(
        { method: 'm', description: null, to: 'FAILED', error: 'first\u2028second', timeStarted: null, timeFinished: null },
        'nas1',
      ).body,
    ).toBe('m on nas1\nfirst');
  });

  it('escapes markup characters for freedesktop notification servers', () => {
    expect(escapeMarkup('<b>a</b> & <i>')).toBe('&lt;b&gt;a&lt;/b&gt; &amp; &lt;i&gt;');
  });

  it('redacts credentials that errors may echo', () => {
    expect(redactSecrets('failed: https://alice:hunter2@s3.example/bucket')).toBe('failed: https://***@s3.example/bucket');
    expect(redactSecrets('GET /_download/12?auth_token=abc123&x=1')).toBe('GET /_download/12?auth_token=***&x=1');
    expect(redactSecrets('password=swordfish')).toBe('password=***');
  });

  it('bounds every field, however long the inputs', () => {
    const long = 'x'.repeat(5000);
    const t = transition({ method: long, description: long, error: long });
    for (const text of [singleText(t, long), burstText([t, t, t], long), burstText(Array(200).fill(t), 's'), watchDoneText([t, t], long)]) {
      expect(Array.from(text.title).length).toBeLessThanOrEqual(TITLE_MAX);
      expect(Array.from(text.body).length).toBeLessThanOrEqual(BODY_MAX);
    }
  });

  it('uses only the first non-empty line of the error, sanitised', () => {
    const t = transition({ error: '\n  [EFAULT] rclone: https://u:p@host failed\u0007\nTraceback (most recent call last):\n  …' });
    expect(singleText(t, 'nas1').body.split('\n')[1]).toBe('[EFAULT] rclone: https://***@host failed');
  });

  it('says so when a failure has no error text', () => {
    expect(singleText(transition({ error: null }), 'nas1').body).toContain('No error message was given.');
  });

  it('never shows arguments', () => {
    const t = { ...transition(), arguments: ['SECRET-ARGUMENT'] };
    const text = singleText(t, 'nas1');
    expect(`${text.title}${text.body}`).not.toContain('SECRET-ARGUMENT');
  });

  it('lists many jobs as "… and N more" within the body bound', () => {
    const many = Array.from({ length: 60 }, (_, i) => transition({ method: `task.number_${i}` }));
    const { title, body } = burstText(many, 'nas1');
    expect(title).toBe('60 jobs failed on nas1');
    expect(body).toMatch(/ and \d+ more$/);
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
  });

  it('aborted jobs read naturally', () => {
    const a = transition({ to: 'ABORTED', error: null });
    expect(singleText(a, 'nas1').title).toBe('Replication was aborted on nas1');
    expect(burstText([a, a], 'nas1').title).toBe('2 jobs were aborted on nas1');
    expect(burstText([a, transition()], 'nas1').title).toBe('1 failed, 1 aborted on nas1');
  });
});
