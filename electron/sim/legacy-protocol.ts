/** The legacy DDP-like protocol at /websocket: connect handshake, ping, sub/unsub and method calls. */
import { randomUUID } from 'node:crypto';
import type { Conn } from './connection';
import { MAX_IN_FLIGHT, type CallEndpoint } from './dispatch';
import { legacyErrorData, SimCallError } from './errors';
import { traits } from './versions';

export async function onLegacy(endpoint: CallEndpoint, conn: Conn, text: string): Promise<void> {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return; // the legacy server logs and ignores undecodable frames [inferred]
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return;
  const m = msg as Record<string, unknown>;
  if (!conn.legacyConnected) {
    const support = Array.isArray(m.support) ? m.support : [];
    if (m.msg === 'connect' && (m.version === '1' || support.includes('1'))) {
      conn.legacyConnected = true;
      endpoint.send(conn, { msg: 'connected', session: randomUUID() });
    } else {
      endpoint.send(conn, { msg: 'failed', version: '1' });
    }
    return;
  }
  switch (m.msg) {
    case 'ping':
      if (traits(endpoint.version).legacyPong) endpoint.send(conn, m.id === undefined ? { msg: 'pong' } : { msg: 'pong', id: m.id });
      return;
    case 'sub': {
      const id = m.id;
      if (m.name === 'core.get_jobs' && conn.user) {
        conn.subs.add(String(id));
        endpoint.send(conn, { msg: 'ready', subs: [id] });
      } else {
        const e = new SimCallError('EACCES', 'Not authorized');
        endpoint.send(conn, { msg: 'result', id, error: legacyErrorData(endpoint.version, e) });
      }
      return;
    }
    case 'unsub':
      conn.subs.delete(String(m.id));
      return;
    case 'method': {
      const id = m.id;
      if (id === undefined || typeof m.method !== 'string') return;
      const params = Array.isArray(m.params) ? m.params : [];
      try {
        if (!endpoint.lookup(m.method)) {
          const dot = m.method.lastIndexOf('.');
          throw new SimCallError('ENOMETHOD', `Method '${m.method.slice(dot + 1)}' not found in '${m.method.slice(0, Math.max(0, dot))}'`);
        }
        if (conn.inflight >= MAX_IN_FLIGHT)
          throw new SimCallError('ETOOMANYREFS', `Maximum number of concurrent calls (${MAX_IN_FLIGHT}) has exceeded`);
        const result = await endpoint.call(conn, m.method, params, id);
        endpoint.send(conn, { id, msg: 'result', result: result ?? null });
      } catch (e) {
        const err = e instanceof SimCallError ? e : new SimCallError('EFAULT', String(e));
        endpoint.send(conn, { id, msg: 'result', error: legacyErrorData(endpoint.version, err) });
      }
      return;
    }
    default:
      return;
  }
}
