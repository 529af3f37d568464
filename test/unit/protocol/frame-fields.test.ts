/**
 * An event's `fields` is checked to be a JSON object and passed on as parsed (the job schema checks what is in it);
 * copying every key of every event into a new object was a fifth of the pipeline's time.
 */
import { describe, expect, it } from 'vitest';
import { parseJsonRpcFrame } from '../../../electron/core/protocol/frames';

const rpc = (fields: string) =>
  `{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"changed","collection":"core.get_jobs","id":7,"fields":${fields}}}`;

describe('collection event fields', () => {
  it.each([['JSON-RPC', (f: string) => parseJsonRpcFrame(rpc(f))]])(
    '%s: an object passes with every key, "__proto__" kept as a plain own key',
    (_name, parse) => {
      const parsed = parse('{"id":7,"state":"RUNNING","progress":{"percent":5},"__proto__":{"polluted":true}}');
      expect(parsed.ok).toBe(true);
      const fields = parsed.ok && parsed.frame.kind === 'event' ? parsed.frame.fields : undefined;
      expect(fields).toMatchObject({ id: 7, state: 'RUNNING', progress: { percent: 5 } });
      expect(Object.hasOwn(fields!, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
      expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    },
  );

  it.each(['[1,2]', '"text"', '42', 'null'])('JSON-RPC: fields %s is refused, not passed on', (fields) => {
    expect(parseJsonRpcFrame(rpc(fields)).ok).toBe(false);
  });

  it('fields is not copied key by key: the parsed object itself goes on', () => {
    const original = JSON.parse;
    let parsedFields: unknown;
    JSON.parse = ((text: string) => {
      const value = original(text) as { params?: { fields?: unknown } };
      parsedFields = value.params?.fields;
      return value;
    }) as typeof JSON.parse;
    try {
      const parsed = parseJsonRpcFrame(rpc('{"id":7,"state":"RUNNING"}'));
      expect(parsed.ok && parsed.frame.kind === 'event' && parsed.frame.fields).toBe(parsedFields);
    } finally {
      JSON.parse = original;
    }
  });
});
