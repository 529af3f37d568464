/**
 * A hostile TrueNAS: a real WebSocket server on /api/current speaking just enough JSON-RPC 2.0 to be signed in to
 * (`auth.login_ex` API_KEY_PLAIN), subscribed to (`core.subscribe`) and listed (`core.get_jobs`), which then does
 * what a broken or malicious server may do: echo the secret in error and close reasons, send giant snapshots,
 * impossible dates, huge strings, deep nesting and floods of events. Frames are raw text, so a test can send what
 * JSON.stringify never writes (1e400, duplicate or `__proto__` keys, 20 000 levels of nesting).
 *
 * Not a simulator of TrueNAS behaviour (that is electron/sim): only the calls a session makes are answered.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface HostileOptions {
  username: string;
  secret: string;
  /**
   * The `core.get_jobs` snapshot as raw JSON text of an array. By default: the last object sent by `jobEvent`
   * for each id, as a real server lists its jobs, so a reconnect in the middle of a flood loses nothing.
   */
  snapshot?: () => string;
  /**
   * How a login is answered: 'ok'; 'echo-error' (an RPC error whose reason and message hold the key sent);
   * 'echo-close' (the socket is closed with the key in the close reason).
   */
  login?: 'ok' | 'echo-error' | 'echo-close';
  /** The first `core.get_jobs` snapshot call fails with an error echoing the key (then they succeed). */
  echoSecretInFirstSnapshotError?: boolean;
}

interface Client {
  socket: WebSocket;
  subscribed: boolean;
}

export interface HostileServer {
  /** ws://127.0.0.1:port (the client finds /api/current itself). */
  url: string;
  readonly logins: number;
  readonly snapshotCalls: number;
  /** Sends raw text to every subscribed client; resolves once written to the sockets. */
  send(frames: string[]): Promise<void>;
  /** A `collection_update` for core.get_jobs carrying this raw job object text (remembered for the snapshot). */
  jobEvent(rawJob: string, msg?: 'added' | 'changed'): string;
  /** Closes every client with this code and reason (the reason is cut to the protocol's 123 bytes). */
  closeClients(code: number, reason: string): void;
  subscribers(): number;
  close(): Promise<void>;
}

function result(id: unknown, raw: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${raw}}`;
}

function error(id: unknown, code: number, message: string, reason: string | null): string {
  const data = reason === null ? 'null' : JSON.stringify({ error: 22, errname: 'EINVAL', type: 'VALIDATION', reason, extra: [] });
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"error":{"code":${code},"message":${JSON.stringify(message)},"data":${data}}}`;
}

export async function startHostileServer(options: HostileOptions): Promise<HostileServer> {
  const httpServer = http.createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const wss = new WebSocketServer({ server: httpServer, path: '/api/current', maxPayload: 1024 * 1024 });
  const clients = new Set<Client>();
  let logins = 0;
  let snapshotCalls = 0;
  /** Last raw object per job id, for the default snapshot. */
  const listed = new Map<number, string>();
  const listing = () => `[${[...listed.values()].join(',')}]`;

  wss.on('connection', (socket) => {
    const client: Client = { socket, subscribed: false };
    clients.add(client);
    socket.on('close', () => clients.delete(client));
    socket.on('message', (data) => {
      let request: { id?: unknown; method?: string; params?: unknown[] };
      try {
        request = JSON.parse(data.toString()) as typeof request;
      } catch {
        return;
      }
      const { id, method } = request;
      const params = Array.isArray(request.params) ? request.params : [];
      const reply = (text: string) => socket.send(text);
      switch (method) {
        case 'auth.login_ex': {
          logins += 1;
          const sent = (params[0] as { api_key?: unknown } | undefined)?.api_key;
          const key = typeof sent === 'string' ? sent : '';
          const mode = options.login ?? 'ok';
          if (mode === 'echo-error') {
            reply(error(id, -32001, `Method call error: invalid key ${key}`, `[EINVAL] api_key: ${key} is not valid`));
          } else if (mode === 'echo-close') {
            socket.close(4001, `rejected ${key}`.slice(0, 120));
          } else if (key === options.secret && (params[0] as { username?: unknown }).username === options.username) {
            reply(result(id, '{"response_type":"SUCCESS","authenticator":"LEVEL_1"}'));
          } else {
            reply(result(id, '{"response_type":"AUTH_ERR"}'));
          }
          return;
        }
        case 'failover.status':
          reply(result(id, '"SINGLE"'));
          return;
        case 'core.subscribe':
          client.subscribed = true;
          reply(result(id, 'null'));
          return;
        case 'core.ping':
          reply(result(id, '"pong"'));
          return;
        case 'core.get_jobs': {
          const filters = params[0];
          if (Array.isArray(filters) && filters.length === 0) {
            snapshotCalls += 1;
            if (options.echoSecretInFirstSnapshotError && snapshotCalls === 1) {
              reply(error(id, -32001, `Method call error (key ${options.secret})`, `[EFAULT] session for ${options.secret} broke`));
              return;
            }
            reply(result(id, options.snapshot?.() ?? listing()));
          } else reply(result(id, '[]'));
          return;
        }
        default:
          // auth.me and anything else: "no such method", echoing what the server knows when it is hostile.
          reply(error(id, -32601, `Method not found (${options.login === 'ok' || !options.login ? 'x' : options.secret})`, null));
      }
    });
  });

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}`,
    get logins() {
      return logins;
    },
    get snapshotCalls() {
      return snapshotCalls;
    },
    async send(frames) {
      const writes: Promise<void>[] = [];
      for (const client of clients) {
        if (!client.subscribed) continue;
        for (const frame of frames) {
          writes.push(new Promise<void>((resolve) => client.socket.send(frame, () => resolve())));
        }
      }
      await Promise.all(writes);
    },
    jobEvent(rawJob, msg = 'changed') {
      const id = /^\{"id":(-?\d+),/.exec(rawJob)?.[1];
      if (id !== undefined && !options.snapshot) listed.set(Number(id), rawJob);
      return `{"jsonrpc":"2.0","method":"collection_update","params":{"msg":"${msg}","collection":"core.get_jobs","fields":${rawJob}}}`;
    },
    closeClients(code, reason) {
      for (const client of clients) client.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
    },
    subscribers() {
      return [...clients].filter((c) => c.subscribed).length;
    },
    async close() {
      for (const client of clients) client.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}
