import { describe, expect, it } from 'vitest';
import { cleanStatusText, scrubSecret, STATUS_TEXT_MAX } from '../../../electron/core/status-text';

describe('cleanStatusText', () => {
  it('bounds a megabyte of server text to one short line with an ellipsis', () => {
    const huge = `Unknown login result type: ${'X'.repeat(1_000_000)}`;
    const text = cleanStatusText(huge);
    expect(Array.from(text)).toHaveLength(STATUS_TEXT_MAX);
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('Unknown login result type: XXX')).toBe(true);
  });

  it('keeps a short text as it is', () => {
    expect(cleanStatusText('Connection closed (1011: internal error).')).toBe('Connection closed (1011: internal error).');
  });

  it('removes forged lines, terminal escapes and bidi controls', () => {
    expect(cleanStatusText('[ENOTAUTHENTICATED] nope\r\n12:00:00 nas1 live\u001b[2J\u009b31m\u202Egnp\u2066\u2028x')).toBe(
      '[ENOTAUTHENTICATED] nope 12:00:00 nas1 live[2J31mgnp x',
    );
  });

  it('redacts credentials a server echoes', () => {
    expect(cleanStatusText('sync to https://bob:s3cret@backup.example failed, password=hunter2')).toBe(
      'sync to https://***@backup.example failed, password=***',
    );
  });

  it('takes a custom bound', () => {
    expect(cleanStatusText('abcdefghij', 5)).toBe('abcd…');
  });
});

describe('scrubSecret', () => {
  const key = '7-kW9s/Qx+"a b"';

  it('masks the secret, also URL-encoded or JSON-escaped', () => {
    const echoed = `refused ${key}; url ?k=${encodeURIComponent(key)}; body {"key": ${JSON.stringify(key)}}`;
    const scrubbed = scrubSecret(echoed, key);
    expect(scrubbed).toBe('refused ***; url ?k=***; body {"key": "***"}');
    expect(scrubbed).not.toContain('kW9s');
  });

  it('masks every occurrence and leaves other text alone', () => {
    expect(scrubSecret('hunter2 and hunter2 again', 'hunter2')).toBe('*** and *** again');
    expect(scrubSecret('nothing to hide', 'hunter2')).toBe('nothing to hide');
  });

  it('does nothing without a secret', () => {
    expect(scrubSecret('text', null)).toBe('text');
    expect(scrubSecret('text', '')).toBe('text');
    expect(scrubSecret('text', undefined)).toBe('text');
  });

  it('scrubs before cleaning: a secret at the cut is not left half visible', () => {
    const secret = 'S'.repeat(40);
    const text = `${'a'.repeat(280)} ${secret}`;
    expect(cleanStatusText(scrubSecret(text, secret))).not.toContain('SSS');
  });
});
