/** JSON-RPC 2.0 at /api/current (25.04+): framing, request validation and error replies. */
import type { Conn } from './connection';
import { MAX_IN_FLIGHT, type CallEndpoint } from './dispatch';
import { rpcErrorData, SimCallError } from './errors';

export async function onRpc(endpoint: CallEndpoint, conn: Conn, text: string): Promise<void> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch (e) {
    endpoint.send(conn, { jsonrpc: '2.0', error: { code: -32700, message: (e as Error).message }, id: null });
    return;
  }
  if (Array.isArray(msg)) {
    endpoint.send(conn, { jsonrpc: '2.0', error: { code: -32700, message: 'Batch messages are not supported at this time' }, id: null });
    return;
  }
  if (msg === null || typeof msg !== 'object') {
    endpoint.send(conn, { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
    return;
  }
  const m = msg as Record<string, unknown>;
  const hasId = 'id' in m;
  if (!hasId) {
    // A notification: executed, never answered.
    if (m.jsonrpc === '2.0' && typeof m.method === 'string' && (m.params === undefined || Array.isArray(m.params))) {
      await endpoint.call(conn, m.method, (m.params as unknown[] | undefined) ?? [], null).catch(() => undefined);
    }
    return;
  }
  const id = m.id;
  const reject = (code: number, message: string, replyId: unknown = id) =>
    endpoint.send(conn, { jsonrpc: '2.0', error: { code, message }, id: replyId });
  if (!(id === null || typeof id === 'string' || Number.isInteger(id))) {
    return void reject(-32600, "'id' member must be of type string, integer or null", null);
  }
  if (m.jsonrpc !== '2.0') return void reject(-32600, "Missing 'jsonrpc' member");
  if (typeof m.method !== 'string') return void reject(-32600, "Missing 'method' member");
  if (m.params !== undefined && !Array.isArray(m.params)) return void reject(-32600, "'params' member must be of type array");
  if (!endpoint.lookup(m.method)) return void reject(-32601, 'Method does not exist');
  if (conn.inflight >= MAX_IN_FLIGHT) return void reject(-32000, `Maximum number of concurrent calls (${MAX_IN_FLIGHT}) has exceeded`);
  try {
    const result = await endpoint.call(conn, m.method, (m.params as unknown[] | undefined) ?? [], id);
    endpoint.send(conn, { jsonrpc: '2.0', result: result ?? null, id });
  } catch (e) {
    const err =
      e instanceof SimCallError ? e : new SimCallError('EFAULT', (e as Error).message, { traceClass: 'Exception', reason: String(e) });
    const code = err.opts.code ?? -32001;
    const message = code === -32602 ? 'Invalid params' : 'Method call error';
    endpoint.send(conn, { jsonrpc: '2.0', error: { code, message, data: rpcErrorData(endpoint.version, err) }, id });
  }
}
