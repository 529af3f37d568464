/** A plain `ws` test client for the simulator: raw frames in, a queue of parsed frames out. */
import WebSocket from 'ws';

export interface Frame {
  [key: string]: unknown;
}

export class TestClient {
  readonly frames: Frame[] = [];
  readonly raw: string[] = [];
  private waiters: Array<{ pred: (f: Frame) => boolean; resolve: (f: Frame) => void; reject: (e: Error) => void }> = [];
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.raw.push(text);
      let f: Frame;
      try {
        f = JSON.parse(text) as Frame;
      } catch {
        return;
      }
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => {
      for (const w of this.waiters) w.reject(new Error('socket closed'));
      this.waiters = [];
    });
  }

  static open(url: string, opts: WebSocket.ClientOptions = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, opts);
      const c = new TestClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Waits for the first frame (already received or future) matching `pred`. */
  next(pred: (f: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const have = this.frames.find(pred);
    if (have) return Promise.resolve(have);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
      this.waiters.push({
        pred,
        resolve: (f) => (clearTimeout(t), resolve(f)),
        reject: (e) => (clearTimeout(t), reject(e)),
      });
    });
  }

  /** JSON-RPC call; resolves with the whole response frame. */
  async rpc(method: string, params?: unknown[]): Promise<Frame> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
    return this.next((f) => f.id === id && ('result' in f || 'error' in f));
  }

  /** JSON-RPC call expecting success. */
  async call(method: string, params?: unknown[]): Promise<unknown> {
    const r = await this.rpc(method, params);
    if ('error' in r) throw new Error(`${method} failed: ${JSON.stringify(r.error)}`);
    return r.result;
  }

  /** Legacy method call; resolves with the `result` frame. */
  async legacy(method: string, params: unknown[] = []): Promise<Frame> {
    const id = `m${this.nextId++}`;
    this.send({ id, msg: 'method', method, params });
    return this.next((f) => f.id === id && f.msg === 'result');
  }

  /** Job events received so far (either protocol), as {msg, id, fields}. */
  jobEvents(): Array<{ msg: string; id: number; fields: Frame }> {
    const out: Array<{ msg: string; id: number; fields: Frame }> = [];
    for (const f of this.frames) {
      const p = (f.method === 'collection_update' ? f.params : f) as Frame | undefined;
      if (p && p.collection === 'core.get_jobs' && (p.msg === 'added' || p.msg === 'changed' || p.msg === 'removed')) {
        out.push({ msg: p.msg, id: p.id as number, fields: p.fields as Frame });
      }
    }
    return out;
  }

  eventsFor(id: number): Array<{ msg: string; id: number; fields: Frame }> {
    return this.jobEvents().filter((e) => e.id === id);
  }

  /** Waits until an event for job `id` in a terminal state has arrived. */
  waitTerminal(id: number, count = 1): Promise<Frame> {
    const terminal = (f: Frame) => {
      const p = (f.method === 'collection_update' ? f.params : f) as Frame | undefined;
      const fields = p?.fields as Frame | undefined;
      return p?.id === id && ['SUCCESS', 'FAILED', 'ABORTED'].includes(String(fields?.state));
    };
    return this.next(() => this.frames.filter(terminal).length >= count);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

/** Logs in over JSON-RPC with the API key; returns the client. */
export async function loginRpc(url: string, username: string, apiKey: string, opts: WebSocket.ClientOptions = {}): Promise<TestClient> {
  const c = await TestClient.open(url, opts);
  const r = (await c.call('auth.login_ex', [{ mechanism: 'API_KEY_PLAIN', username, api_key: apiKey }])) as { response_type: string };
  if (r.response_type !== 'SUCCESS') throw new Error(`login: ${r.response_type}`);
  return c;
}

export async function connectLegacy(url: string): Promise<TestClient> {
  const c = await TestClient.open(url);
  c.send({ msg: 'connect', version: '1', support: ['1'] });
  await c.next((f) => f.msg === 'connected');
  return c;
}
