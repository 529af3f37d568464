// The window's words for error codes are checked against the core's closed list (tsc checks the tables' keys;
// this checks what they say).
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../electron/ipc/constants';
import { FINAL_ERROR_CODES } from '../../electron/core/errors';
import { explainConnectionFailure } from '../../renderer/src/lib/connection-help';
import { attentionReason } from '../../renderer/src/lib/format';

const GENERIC_TITLE = 'The connection failed';

describe('error codes in the window', () => {
  it('every code the core can send has an answer, and an unknown one falls back to the generic text', () => {
    for (const code of ERROR_CODES) {
      expect(explainConnectionFailure(code, 'ws://nas').title, code).toBeTruthy();
      expect(attentionReason({ code, message: 'the core says' }), code).toBeTruthy();
    }
    expect(explainConnectionFailure('SOMETHING_NEWER', 'wss://nas').title).toBe(GENERIC_TITLE);
    expect(attentionReason({ code: 'SOMETHING_NEWER', message: 'the core says' })).toBe('the core says');
  });

  it('every code that stops a server until the person acts is explained, with a short reason for its chip', () => {
    for (const code of FINAL_ERROR_CODES) {
      const help = explainConnectionFailure(code, 'ws://nas');
      expect(help.title, code).not.toBe(GENERIC_TITLE);
      expect(help.explanation.length, code).toBeGreaterThan(40);
      expect(attentionReason({ code, message: 'the core says' }), code).not.toBe('the core says');
    }
  });
});
