/**
 * The production ServerConnector: the protocol layer's openConnection (endpoint resolution, TLS policy),
 * authenticate (every login mechanism and outcome), the certificate probe, and log downloads over HTTP(S) with the
 * same certificate policy as the WebSocket.
 */
import http from 'node:http';
import net from 'node:net';
import type { Socket } from 'node:net';
import { openConnection } from './protocol/open';
import type { RpcConnection } from './protocol/connection';
import { authenticate, type Credentials } from './auth';
import { connectVerifiedTls, probeCertificate, type TlsPolicy } from './tls';
import { JobwatchError } from './errors';
import type { ServerConnector, ServerTarget } from './monitor';

export interface ConnectorOptions {
  connectTimeoutMs?: number;
  callTimeoutMs?: number;
  /** Extra CA certificates trusted besides the system's (a home lab CA). */
  extraCa?: string | readonly string[];
  /** Asked when a login needs a one-time password and none was given. */
  askOtp?: (target: ServerTarget) => Promise<string | null>;
  /** Largest log accepted from /_download. */
  maxDownloadBytes?: number;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024;

export function credentialsFor(target: ServerTarget, secret: string | null): Credentials {
  if (!secret) {
    const what = target.auth.method === 'api-key' ? 'API key' : 'password';
    // Not AUTH_FAILED: nothing was sent, so the server did not refuse anything (and no slow retry can help).
    throw new JobwatchError('SECRET_REQUIRED', `No ${what} is saved for ${target.name}. Edit the server and enter it again.`);
  }
  if (target.auth.method === 'api-key') {
    return target.auth.username ? { kind: 'api-key', username: target.auth.username, apiKey: secret } : { kind: 'api-key', apiKey: secret };
  }
  return {
    kind: 'password',
    username: target.auth.username,
    password: secret,
    allowInsecureTransport: target.auth.allowInsecurePassword === true,
  };
}

export function createServerConnector(options: ConnectorOptions = {}): ServerConnector {
  const tlsPolicy = (target: ServerTarget): TlsPolicy => ({
    pinnedFingerprint256: target.fingerprint256,
    ...(options.extraCa !== undefined ? { extraCa: options.extraCa } : {}),
  });

  // The endpoint that last opened for each address (e.g. the legacy /websocket of a 24.10 server), tried first on the
  // next connection; forgotten when it stops working, so a server upgrade is noticed at the next full discovery.
  const workingEndpoint = new Map<string, string>();

  return {
    connect: async (target) => {
      const preferred = workingEndpoint.get(target.url);
      try {
        const connection = await openConnection({
          url: target.url,
          tls: tlsPolicy(target),
          preferredEndpoint: preferred ?? null,
          ...(target.compression !== undefined ? { compression: target.compression } : {}),
          ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
          ...(options.callTimeoutMs !== undefined ? { callTimeoutMs: options.callTimeoutMs } : {}),
        });
        workingEndpoint.set(target.url, connection.url);
        return connection;
      } catch (err) {
        workingEndpoint.delete(target.url);
        throw err;
      }
    },

    login: async (connection: RpcConnection, target, secret, otp) => {
      const askOtp = otp !== undefined ? async () => otp : options.askOtp ? () => options.askOtp!(target) : undefined;
      await authenticate(connection, credentialsFor(target, secret), askOtp ? { askOtp } : {});
    },

    probe: (url) => probeCertificate(url, options.extraCa !== undefined ? { extraCa: options.extraCa } : {}),

    download: async (target, endpoint, path, downloadOptions = {}) => {
      const { signal } = downloadOptions;
      if (signal?.aborted)
        throw signal.reason instanceof Error ? signal.reason : new JobwatchError('TIMEOUT', 'The log download did not finish in time.');
      const base = new URL(endpoint);
      const secure = base.protocol === 'wss:';
      const host = base.hostname.replace(/^\[(.*)\]$/, '$1');
      const port = base.port ? Number(base.port) : secure ? 443 : 80;
      // Same certificate policy as the WebSocket: the TLS socket is verified (or pinned) before the request is sent.
      const socket: Socket = secure
        ? await connectVerifiedTls({ host, port }, tlsPolicy(target), options.connectTimeoutMs ?? 10_000)
        : net.connect({ host, port });
      return new Promise<string>((resolve, reject) => {
        const limit = options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
        const request = http.request({ host: base.host, path, method: 'GET', createConnection: () => socket }, (response) => {
          if (response.statusCode !== 200) {
            response.resume();
            reject(new JobwatchError('RPC_ERROR', `The server refused the log download (HTTP ${response.statusCode}).`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
              request.destroy();
              reject(new JobwatchError('FRAME_TOO_LARGE', `The log is larger than ${Math.round(limit / 1048576)} MiB.`));
              return;
            }
            chunks.push(chunk);
          });
          response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          response.on('error', reject);
        });
        request.setTimeout(options.callTimeoutMs ?? 30_000, () =>
          request.destroy(new JobwatchError('TIMEOUT', 'The log download did not finish in time.')),
        );
        // The caller's overall deadline: stop reading at once, and free the socket.
        const onAbort = () =>
          request.destroy(
            signal?.reason instanceof JobwatchError
              ? signal.reason
              : new JobwatchError('TIMEOUT', 'The log download did not finish in time.'),
          );
        signal?.addEventListener('abort', onAbort, { once: true });
        request.on('close', () => signal?.removeEventListener('abort', onAbort));
        request.on('error', (err) =>
          reject(err instanceof JobwatchError ? err : new JobwatchError('UNREACHABLE', `The log download failed: ${err.message}`)),
        );
        request.end();
      });
    },
  };
}
