/**
 * From what a user typed to an open RpcConnection (not yet logged in).
 *
 * Endpoint resolution:
 * - "nas.local", "nas.local:8443", "https://nas.local:8443", "wss://nas.local" → try `wss://host/api/current`
 *   (JSON-RPC, 25.04+); when the server says that endpoint does not exist, fall back to `wss://host/websocket`
 *   (legacy, CORE 13 / SCALE ≤ 24.10). "Does not exist" is HTTP 404, or a redirect to the web UI (/ui/): nginx on
 *   SCALE ≤ 24.10 and CORE 13 has no `location /api`, and its `location /` rewrites every other path to /ui/ with a
 *   302, WebSocket upgrades included (middleware `etc_files/local/nginx/nginx.conf.mako`, CORE 13
 *   `etc_files/local/nginx/nginx.conf`). "http://…" and "ws://host" do the same over ws://. Any path in an
 *   http(s) URL is ignored (TrueNAS serves its API at the root).
 * - An explicit `ws(s)://host/path` is used as given: path `/websocket` → legacy, anything else → JSON-RPC.
 *
 * Transport: every socket is opened by us first (TCP, or TLS checked by ./tls before anything is written) and only
 * then handed to the WebSocket client, so the certificate policy holds for the upgrade request and everything after.
 *
 * Limits: incoming frames up to 64 MiB (a full job snapshot can be several MB). A larger frame ends the connection:
 * `ws` closes it with 1009 and the connection reports close code 1009 with the reason "a message from the server
 * was larger than the 64 MiB limit"; pending calls reject with CONNECTION_CLOSED carrying that reason.
 */
import net from 'node:net';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { ApiFlavor } from './connection';
import { JobwatchError } from '../errors';
import { JsonRpcConnection, MAX_INCOMING_FRAME_BYTES, SocketConnection, formatMs } from './jsonrpc';
import { LegacyConnection } from './legacy';
import { connectVerifiedTls, isBareIpv6, mapSocketError } from '../tls';
import type { TlsPolicy, TlsTarget } from '../tls';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export interface OpenConnectionOptions {
  /** Host, host:port, http(s) URL or ws(s) URL (see the module comment). */
  url: string;
  tls?: TlsPolicy;
  /** For the whole opening: TCP, TLS, upgrade(s) and the legacy handshake. Default 10 s. */
  connectTimeoutMs?: number;
  /** Default timeout of each call on the opened connection. Default 30 s. */
  callTimeoutMs?: number;
  /** Default 64 MiB. */
  maxPayloadBytes?: number;
  /** Legacy only: how long the first ping waits for a `pong` before switching to core.ping. */
  pingProbeTimeoutMs?: number;
  /** Name resolution for the TCP connection (default: the system's); tests map names to chosen addresses. */
  lookup?: net.LookupFunction;
  /** The endpoint URL that worked last time for this address: tried first, so a legacy server costs one upgrade. */
  preferredEndpoint?: string | null;
  /**
   * Offer permessage-deflate (TrueNAS accepts it: aiohttp's WebSocketResponse compresses by default, nginx passes the
   * extension through). Default false: on a LAN it made the CLI use 4× the CPU (inflating every frame on the thread
   * pool) to save bandwidth nobody lacks there; it pays on a slow link, where the snapshot and the stream shrink
   * tens of times (figures: `npm run bench cli-e2e`).
   */
  compression?: boolean;
}

/** Whether permessage-deflate is offered when a server's settings do not say. */
export const DEFAULT_COMPRESSION = false;

export interface Endpoint {
  url: string;
  flavor: ApiFlavor;
}

export interface ResolvedEndpoints {
  /** Tried in order; the next one only when the previous does not exist (HTTP 404 or a redirect to the web UI). */
  candidates: Endpoint[];
  /** True when the user gave a full ws(s) URL with a path: no fallback. */
  explicit: boolean;
}

export function resolveEndpoints(input: string): ResolvedEndpoints {
  const text = input.trim();
  if (!text) throw new JobwatchError('ENDPOINT_NOT_FOUND', 'No server address was given.');
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  const scheme = schemeMatch?.[1]?.toLowerCase() ?? null;
  const withScheme = scheme ? text : `wss://${isBareIpv6(text) ? `[${text}]` : text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new JobwatchError('ENDPOINT_NOT_FOUND', `"${input}" is not a valid server address.`);
  }
  const socketScheme =
    scheme === null || scheme === 'https' || scheme === 'wss' ? 'wss' : scheme === 'http' || scheme === 'ws' ? 'ws' : null;
  if (!socketScheme) {
    throw new JobwatchError('ENDPOINT_NOT_FOUND', `"${scheme}://" is not supported; use https:// (or wss://).`);
  }
  if (!url.hostname) throw new JobwatchError('ENDPOINT_NOT_FOUND', `"${input}" has no host name.`);
  const origin = `${socketScheme}://${url.host}`;
  const isSocketUrl = scheme === 'ws' || scheme === 'wss';
  if (isSocketUrl && url.pathname !== '/' && url.pathname !== '') {
    const exact = `${origin}${url.pathname}${url.search}`;
    return { candidates: [{ url: exact, flavor: url.pathname === '/websocket' ? 'legacy' : 'jsonrpc' }], explicit: true };
  }
  return {
    candidates: [
      { url: `${origin}/api/current`, flavor: 'jsonrpc' },
      { url: `${origin}/websocket`, flavor: 'legacy' },
    ],
    explicit: false,
  };
}

/**
 * Where TrueNAS treats plain ws:// as secure: the peer address it sees is loopback (docs/protocol.md §1.4,
 * middleware `utils/origin.py`). We can only judge our end: the name must say loopback AND the connected socket's
 * remote address must be loopback (a `*.localhost` name proves nothing about where it resolves).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  if (net.isIPv6(bare)) return bare === '::1' || /^::ffff:127\./.test(bare);
  return false;
}

/**
 * Opens a connection to the first endpoint that exists. Rejects with JobwatchError: UNREACHABLE (refused, unknown
 * name, no route, TLS failure, timeout, HTTP 5xx), CERT_UNTRUSTED / CERT_CHANGED (see ./tls), ENDPOINT_NOT_FOUND
 * (neither endpoint exists, or not a WebSocket endpoint), ACCESS_RESTRICTED (closed with 1008 during the legacy
 * handshake; on JSON-RPC the 1008 close arrives after opening and fails the first call with ACCESS_RESTRICTED).
 */
export async function openConnection(options: OpenConnectionOptions): Promise<SocketConnection> {
  const resolved = resolveEndpoints(options.url);
  const { explicit } = resolved;
  const preferred = resolved.candidates.find((c) => c.url === options.preferredEndpoint);
  const candidates = preferred ? [preferred, ...resolved.candidates.filter((c) => c !== preferred)] : resolved.candidates;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const tried: string[] = [];
  for (const endpoint of candidates) {
    const outcome = await attempt(endpoint, options, deadline, timeoutMs);
    if (outcome.kind === 'open') return outcome.connection;
    tried.push(`${endpoint.url} (HTTP ${outcome.status}${outcome.status === 404 ? '' : ' to the web UI'})`);
  }
  const host = new URL(candidates[0]!.url).host;
  throw new JobwatchError(
    'ENDPOINT_NOT_FOUND',
    explicit
      ? `${candidates[0]!.url} does not exist on the server (${tried[0]?.match(/HTTP [^)]*/)?.[0] ?? 'HTTP 404'}).` +
          (candidates[0]!.flavor === 'jsonrpc' ? ' Servers before TrueNAS 25.04 have only /websocket; or give just the host name.' : '')
      : `${host} answered, but has neither the TrueNAS API (/api/current) nor the legacy API (/websocket). Is this a TrueNAS server, and the right port?`,
    { tried },
  );
}

type AttemptOutcome = { kind: 'open'; connection: SocketConnection } | { kind: 'not-found'; status: number };

async function attempt(endpoint: Endpoint, options: OpenConnectionOptions, deadline: number, timeoutMs: number): Promise<AttemptOutcome> {
  const url = new URL(endpoint.url);
  const secure = url.protocol === 'wss:';
  const target: TlsTarget = { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : secure ? 443 : 80 };
  const timeoutError = () =>
    new JobwatchError('UNREACHABLE', `${url.host} did not answer within ${formatMs(timeoutMs)}.`, { host: target.host, cause: 'timeout' });
  const remaining = () => deadline - Date.now();
  if (remaining() <= 0) throw timeoutError();

  const socket: Socket = secure
    ? await connectVerifiedTls(target, options.tls ?? {}, remaining())
    : await connectTcp(target, remaining(), options.lookup);
  if (remaining() <= 0) {
    socket.destroy();
    throw timeoutError();
  }

  const info = { url: endpoint.url, secureTransport: secure || (isLoopbackHost(target.host) && isLoopbackAddress(socket.remoteAddress)) };
  const connectionOptions = {
    maxPayloadBytes: options.maxPayloadBytes ?? MAX_INCOMING_FRAME_BYTES,
    ...(options.callTimeoutMs === undefined ? {} : { callTimeoutMs: options.callTimeoutMs }),
    ...(options.pingProbeTimeoutMs === undefined ? {} : { pingProbeTimeoutMs: options.pingProbeTimeoutMs }),
  };

  const ws = new WebSocket(endpoint.url, {
    // Our socket, already connected and (for wss) already checked against the certificate policy.
    createConnection: () => socket,
    maxPayload: connectionOptions.maxPayloadBytes,
    followRedirects: false,
    perMessageDeflate: options.compression ?? DEFAULT_COMPRESSION,
  });

  const upgraded = await new Promise<AttemptOutcome | { kind: 'legacy'; handshake: Promise<LegacyConnection> }>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => fail(timeoutError()), remaining());
    const finish = () => {
      settled = true;
      clearTimeout(timer);
    };
    const fail = (error: JobwatchError) => {
      if (settled) return;
      finish();
      ws.terminate();
      reject(error);
    };
    // After settling, errors belong to the connection (or nobody); never leave 'error' unhandled.
    ws.on('error', (err: Error & { code?: string }) => fail(mapSocketError(err, target)));
    ws.on('unexpected-response', (req, res) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      res.resume();
      req.destroy();
      if (settled) return;
      if (status === 404) {
        finish();
        ws.terminate();
        resolve({ kind: 'not-found', status });
        return;
      }
      if (status >= 300 && status < 400 && isWebUiRedirect(location, url)) {
        // nginx's catch-all: this path is not an API endpoint on this server.
        finish();
        ws.terminate();
        resolve({ kind: 'not-found', status });
        return;
      }
      if (status >= 500) {
        fail(
          new JobwatchError('UNREACHABLE', `${url.host} answered HTTP ${status}: the TrueNAS middleware may be restarting.`, { status }),
        );
      } else if (status >= 300 && status < 400) {
        const hint = location?.startsWith('https:') ? ' Use https:// in the address.' : '';
        fail(
          new JobwatchError('ENDPOINT_NOT_FOUND', `${url.host} redirects ${url.pathname} (HTTP ${status}).${hint}`, { status, location }),
        );
      } else {
        fail(new JobwatchError('ENDPOINT_NOT_FOUND', `${endpoint.url} is not a TrueNAS API endpoint (HTTP ${status}).`, { status }));
      }
    });
    ws.on('close', (code) => {
      if (code === 1008) {
        fail(new JobwatchError('ACCESS_RESTRICTED', 'The server refused this computer: its address is not in the TrueNAS UI allowlist.'));
      } else {
        fail(new JobwatchError('UNREACHABLE', `${url.host} closed the connection while opening it (${code}).`, { closeCode: code }));
      }
    });
    ws.once('open', () => {
      if (settled) return;
      finish();
      // Wrap inside the 'open' handler so no frame or close can slip past before our handlers exist.
      if (endpoint.flavor === 'jsonrpc') {
        resolve({ kind: 'open', connection: new JsonRpcConnection(ws, info, connectionOptions) });
      } else {
        resolve({
          kind: 'legacy',
          handshake: LegacyConnection.open(ws, info, { ...connectionOptions, handshakeTimeoutMs: Math.max(1, remaining()) }),
        });
      }
    });
  });
  if (upgraded.kind === 'legacy') return { kind: 'open', connection: await upgraded.handshake };
  return upgraded;
}

/** A redirect to the same host's web UI (/ui/…): how nginx answers a path it has no location for. */
function isWebUiRedirect(location: string | undefined, requested: URL): boolean {
  if (!location) return false;
  let target: URL;
  try {
    target = new URL(location, `${requested.protocol === 'wss:' ? 'https' : 'http'}://${requested.host}`);
  } catch {
    return false;
  }
  return target.hostname === requested.hostname && (target.pathname === '/ui' || target.pathname.startsWith('/ui/'));
}

/** A loopback IP address as a socket reports it (IPv4, IPv6, or IPv4-mapped IPv6). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const bare = address.toLowerCase();
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  return bare === '::1' || /^::ffff:127\./.test(bare);
}

function connectTcp(target: TlsTarget, timeoutMs: number, lookup?: net.LookupFunction): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = net.connect({ host: target.host, port: target.port, ...(lookup ? { lookup } : {}) });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new JobwatchError('UNREACHABLE', `${target.host}:${target.port} did not answer within ${formatMs(timeoutMs)}.`, {
          cause: 'timeout',
        }),
      );
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(mapSocketError(err, target));
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}
