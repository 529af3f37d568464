/**
 * The `app://jobwatch/…` protocol that serves the packaged renderer (dist/renderer) with a strict CSP header.
 * A custom, privileged "standard" scheme gives the page a real origin (unlike file://, which would expose the
 * whole disk to same-origin reads), and only files inside the renderer folder can be served.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security';

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
};

/** Maps an app:// URL to a file inside `root`, or null when the URL is foreign or escapes the folder. */
export function resolveAppFile(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const base = resolve(root);
  const file = resolve(base, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(base + sep) ? file : null;
}

/** Answers one app:// request: the file with its type and the CSP, or 404. Never reads outside `root`. */
export async function serveAppRequest(root: string, request: { url: string; method?: string }): Promise<Response> {
  const headers = {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  };
  if (request.method && request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405, headers });
  }
  const file = resolveAppFile(root, request.url);
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(body, {
      status: 200,
      headers: { ...headers, 'content-type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' },
    });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}

export interface ProtocolElectron {
  protocol: {
    registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
    handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
  };
}

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(electron: ProtocolElectron): void {
  electron.protocol.registerSchemesAsPrivileged([
    // standard: a real origin and relative URLs; secure: treated like https (no mixed-content downgrade).
    // No bypassCSP, no corsEnabled, no fetch API from other origins.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After ready: serve the renderer folder. */
export function handleAppProtocol(electron: ProtocolElectron, rendererRoot: string): void {
  electron.protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererRoot, request));
}
