import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isActiveState, isTerminal, JOB_STATES, jobKey, parseJobKey } from '../../../electron/core/model';

describe('job keys', () => {
  it('parseJobKey gives back what jobKey was made of, a method with any characters included', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.option(fc.nat()), fc.string(), (server, id, timeStarted, method) => {
        fc.pre(!server.includes('\u0000'));
        expect(parseJobKey(jobKey(server, { id, timeStarted, method }))).toEqual({ server, jobId: id, timeStarted, method });
      }),
    );
  });

  it('a malformed key gives empty parts instead of throwing', () => {
    expect(parseJobKey('')).toEqual({ server: '', jobId: 0, timeStarted: null, method: '' });
    expect(parseJobKey('nas\u0000x\u0000later')).toEqual({ server: 'nas', jobId: 0, timeStarted: null, method: '' });
  });
});

describe('job states', () => {
  it('every state is either active or terminal, never both', () => {
    for (const state of JOB_STATES) expect(isActiveState(state)).toBe(!isTerminal(state));
  });
});
