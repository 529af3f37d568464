/**
 * What nginx and the middleware's HTTP side answer on the one port: WebSocket upgrades to /api/current (25.04+) and
 * /websocket, /api/versions, log downloads at /_download, and the web UI redirect for everything else.
 */
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { Conn, isLoopback } from './connection';
import type { SimJob } from './jobs';
import type { SimJobHandle, SimVersion } from './types';
import { traits } from './versions';

/** A log download served once at /_download/<job id>?auth_token=… until it expires. */
export interface Download {
  token: string;
  used: boolean;
  expiresAt: number;
  filename: string;
  source: SimJob;
  handle: SimJobHandle;
}

type Route = 'rpc' | 'legacy' | 'versions' | 'download' | 'ui' | 'ui-redirect' | 'not-found';

export interface HttpHost {
  readonly version: SimVersion;
  readonly host: string;
  readonly tls: boolean;
  /** SimulatorOptions.insecureLoopback: loopback peers do not count as a secure transport. */
  readonly insecureLoopback: boolean | undefined;
  readonly downloads: Map<number, Download>;
  port(): number;
  /** close() was called (503). */
  closed(): boolean;
  /** The middleware is restarting (502). */
  down(): boolean;
  /** A new WebSocket connection. */
  accept(conn: Conn): void;
}

export class HttpRoutes {
  // aiohttp's WebSocketResponse (compress=True by default) accepts permessage-deflate and compresses every frame,
  // whatever its size (`main.py`, `api/base/server/ws_handler/base.py`); nginx passes the extension through.
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024, perMessageDeflate: { threshold: 0 } });

  constructor(private readonly host: HttpHost) {}

  attach(server: HttpServer): void {
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    server.on('request', (req, res) => this.onRequest(req, res));
  }

  close(): void {
    this.wss.close();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (this.host.closed()) return refuse('503 Service Unavailable');
    if (this.host.down()) return refuse('502 Bad Gateway');
    const route = this.route(path);
    if (route === 'ui-redirect') {
      socket.end(`HTTP/1.1 302 Moved Temporarily\r\nLocation: ${this.uiUrl(req)}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    if (route !== 'rpc' && route !== 'legacy') return refuse('404 Not Found');
    const kind = route;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = req.socket.remoteAddress ?? '';
      const secure = this.host.tls || (isLoopback(peer) && !this.host.insecureLoopback);
      const conn = new Conn(ws, req.socket, kind, peer, secure);
      conn.clearsCredentialsOnClose = traits(this.host.version).logoutClearsCredentials;
      this.host.accept(conn);
    });
  }

  /**
   * nginx's locations (`etc_files/local/nginx/nginx.conf.mako`): /websocket, /_download, and from 25.04 /api (the
   * middleware answers 404 for an /api path it does not serve); `location /` sends everything else to the web UI
   * with a 302 (`rewrite ^.* $scheme://$http_host/ui/ redirect`), WebSocket upgrades included.
   */
  private route(path: string): Route {
    if (path === '/websocket') return 'legacy';
    if (path.startsWith('/_download')) return 'download';
    if (path === '/ui' || path.startsWith('/ui/')) return 'ui';
    const hasJsonRpc = traits(this.host.version).apiVersions !== null;
    if (hasJsonRpc && (path === '/api' || path.startsWith('/api/'))) {
      if (path === '/api/current' || /^\/api\/v\d+\.\d+(\.\d+)*$/.test(path)) return 'rpc';
      if (path === '/api/versions') return 'versions';
      return 'not-found';
    }
    return 'ui-redirect';
  }

  private uiUrl(req: IncomingMessage): string {
    return `${this.host.tls ? 'https' : 'http'}://${req.headers.host ?? `${this.host.host}:${this.host.port()}`}/ui/`;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://sim');
    if (this.host.down()) {
      res.writeHead(502).end();
      return;
    }
    const dl = /^\/_download\/(\d+)$/.exec(url.pathname);
    if (dl && req.method === 'GET') return this.serveDownload(Number(dl[1]), url.searchParams.get('auth_token'), res);
    if (this.route(url.pathname) === 'ui-redirect') {
      res.writeHead(302, { Location: this.uiUrl(req), 'Content-Type': 'text/html' }).end('<html><body>302 Found</body></html>');
      return;
    }
    if (this.route(url.pathname) === 'versions') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(traits(this.host.version).apiVersions));
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404: Not Found');
  }

  private serveDownload(id: number, token: string | null, res: ServerResponse): void {
    const d = this.host.downloads.get(id);
    if (!d) return void res.writeHead(404).end('404: Not Found');
    if (d.used || token !== d.token) return void res.writeHead(401).end('401: Unauthorized');
    if (Date.now() > d.expiresAt) return void res.writeHead(410).end('410: Gone');
    d.used = true;
    const body = d.source.logLines.map((l) => `${l}\n`).join('');
    res
      .writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Disposition': `attachment; filename="${d.filename}"`,
      })
      .end(body);
    d.handle.finish('SUCCESS');
  }
}
