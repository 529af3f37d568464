/**
 * Certificate policy for wss://. By default the server must present a certificate the system trusts (CA chain and
 * host name). A user trusts a self-signed TrueNAS certificate by pinning its SHA-256 fingerprint: then the leaf
 * certificate must match the pin exactly and CA verification (and expiry, and the host name) no longer matter.
 * There is deliberately no "ignore TLS errors" switch.
 *
 * The check happens on our own TLS socket in 'secureConnect', before the socket is handed to the WebSocket client:
 * nothing but the TLS handshake — no upgrade request, no credential — reaches a server whose certificate fails.
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { CertificateInfo } from './monitor-api';
import { JobwatchError } from './errors';

export const DEFAULT_TLS_TIMEOUT_MS = 10_000;

export interface TlsPolicy {
  /** The leaf certificate's SHA-256 fingerprint the user confirmed ("AB:CD:…"; lowercase / no colons accepted). */
  pinnedFingerprint256?: string | null;
  /**
   * CA certificates (PEM) trusted in addition to the system's, e.g. a home lab's private CA. Tests use it to stand
   * in for a system-trusted certificate.
   */
  extraCa?: string | readonly string[];
}

export interface TlsTarget {
  host: string;
  port: number;
}

const FINGERPRINT_HEX_LENGTH = 64;

/** "ab:cd…", "ABCD…" or "AB CD …" → "AB:CD:…"; null when it is not a SHA-256 fingerprint. */
export function normaliseFingerprint(input: string): string | null {
  const hex = input.replace(/[\s:]/g, '').toUpperCase();
  if (hex.length !== FINGERPRINT_HEX_LENGTH || !/^[0-9A-F]+$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** Opens a TLS connection and applies the policy; resolves only with a socket on which nothing has been written. */
export function connectVerifiedTls(target: TlsTarget, policy: TlsPolicy = {}, timeoutMs = DEFAULT_TLS_TIMEOUT_MS): Promise<TLSSocket> {
  let pin: string | null = null;
  if (policy.pinnedFingerprint256) {
    pin = normaliseFingerprint(policy.pinnedFingerprint256);
    if (!pin) {
      return Promise.reject(
        new JobwatchError(
          'CERT_UNTRUSTED',
          'The saved certificate fingerprint is not a valid SHA-256 fingerprint; trust the certificate again.',
        ),
      );
    }
  }
  return handshake(target, policy, timeoutMs).then(({ socket, certificate, authorized, authorizationError }) => {
    if (pin !== null) {
      if (certificate.fingerprint256 === pin) return socket;
      socket.destroy();
      throw new JobwatchError(
        'CERT_CHANGED',
        `The certificate of ${target.host} changed since you trusted it. This happens after a certificate renewal or ` +
          'a TrueNAS reinstall, but can also mean someone is intercepting the connection. Check the new fingerprint ' +
          'on the server (System → Certificates), and if it matches, trust the certificate again in the server settings.',
        { host: target.host, expectedFingerprint256: pin, certificate },
      );
    }
    if (authorized) return socket;
    socket.destroy();
    throw new JobwatchError(
      'CERT_UNTRUSTED',
      `${target.host} presented a certificate this computer does not trust (${describeAuthorizationError(authorizationError)}). ` +
        'TrueNAS ships a self-signed certificate: compare the fingerprint with the one shown on the server ' +
        '(System → Certificates) and trust it only if they match.',
      { host: target.host, fingerprint256: certificate.fingerprint256, certificate, authorizationError },
    );
  });
}

/**
 * The server's certificate, as seen in the TLS handshake; nothing else is sent. Accepts "host", "host:port" or any
 * http(s)/ws(s) URL (port 443 unless given).
 */
export async function probeCertificate(
  urlOrHost: string,
  options: { timeoutMs?: number; extraCa?: string | readonly string[] } = {},
): Promise<CertificateInfo> {
  const target = parseTlsTarget(urlOrHost);
  const policy: TlsPolicy = options.extraCa === undefined ? {} : { extraCa: options.extraCa };
  const { socket, certificate } = await handshake(target, policy, options.timeoutMs ?? DEFAULT_TLS_TIMEOUT_MS);
  socket.destroy();
  return certificate;
}

/** Host and port (default 443) from "host", "host:port", "[v6]:port", a bare IPv6 address or a URL. */
export function parseTlsTarget(urlOrHost: string): TlsTarget {
  const text = urlOrHost.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${isBareIpv6(text) ? `[${text}]` : text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new JobwatchError('UNREACHABLE', `"${urlOrHost}" is not a host name or address.`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new JobwatchError('UNREACHABLE', `"${urlOrHost}" has no host name.`);
  return { host, port: url.port ? Number(url.port) : 443 };
}

export function isBareIpv6(text: string): boolean {
  return isIP(text) === 6;
}

/** Socket-level failures in words a person understands. */
export function mapSocketError(err: Error & { code?: string }, target: TlsTarget): JobwatchError {
  const where = `${target.host}:${target.port}`;
  const details = { host: target.host, port: target.port, cause: err.code ?? err.message };
  switch (err.code) {
    case 'ECONNREFUSED':
      return new JobwatchError('UNREACHABLE', `${where} refused the connection. Is the address and port right?`, details);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new JobwatchError('UNREACHABLE', `The name ${target.host} could not be resolved.`, details);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new JobwatchError('UNREACHABLE', `${where} cannot be reached from this network.`, details);
    case 'ETIMEDOUT':
      return new JobwatchError('UNREACHABLE', `${where} did not answer.`, details);
    case 'ECONNRESET':
      return new JobwatchError('UNREACHABLE', `${where} reset the connection.`, details);
  }
  if (err.code === 'EPROTO' || err.code?.startsWith('ERR_SSL') || /ssl|tls/i.test(err.message)) {
    return new JobwatchError(
      'UNREACHABLE',
      `The secure (TLS) handshake with ${where} failed. Is this an https port? (${err.code ?? err.message})`,
      details,
    );
  }
  return new JobwatchError('UNREACHABLE', `Could not connect to ${where}: ${err.message}`, details);
}

interface HandshakeOutcome {
  socket: TLSSocket;
  certificate: CertificateInfo;
  authorized: boolean;
  authorizationError: string | null;
}

function handshake(target: TlsTarget, policy: TlsPolicy, timeoutMs: number): Promise<HandshakeOutcome> {
  return new Promise<HandshakeOutcome>((resolve, reject) => {
    const extraCa = policy.extraCa === undefined ? [] : typeof policy.extraCa === 'string' ? [policy.extraCa] : [...policy.extraCa];
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      // SNI takes names only, never addresses.
      ...(isIP(target.host) ? {} : { servername: target.host }),
      // We decide trust ourselves in 'secureConnect' (we need the fingerprint either way); Node still computes
      // `authorized` from the CA chain and host name.
      rejectUnauthorized: false,
      ...(extraCa.length ? { ca: [...tls.rootCertificates, ...extraCa] } : {}),
      // The WebSocket upgrade needs HTTP/1.1 (nginx on TrueNAS also offers h2).
      ALPNProtocols: ['http/1.1'],
    });
    let settled = false;
    const timer = setTimeout(() => {
      fail(
        new JobwatchError('UNREACHABLE', `${target.host}:${target.port} did not complete the TLS handshake within ${timeoutMs / 1000} s.`, {
          host: target.host,
          port: target.port,
          cause: 'timeout',
        }),
      );
    }, timeoutMs);
    const fail = (error: JobwatchError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once('error', (err: Error & { code?: string }) => fail(mapSocketError(err, target)));
    socket.once('secureConnect', () => {
      if (settled) return;
      const peer = socket.getPeerCertificate(false);
      if (!peer || !peer.raw) {
        fail(new JobwatchError('CERT_UNTRUSTED', `${target.host} presented no certificate.`, { host: target.host }));
        return;
      }
      let certificate: CertificateInfo;
      try {
        certificate = describeCertificate(peer.raw, socket.authorized);
      } catch {
        fail(new JobwatchError('CERT_UNTRUSTED', `${target.host} presented a certificate that could not be read.`, { host: target.host }));
        return;
      }
      settled = true;
      clearTimeout(timer);
      // Later socket errors belong to whoever uses the socket next; keep one listener so none is unhandled meanwhile.
      socket.on('error', () => undefined);
      const authorizationError = socket.authorizationError ? String(socket.authorizationError) : null;
      resolve({ socket, certificate, authorized: socket.authorized, authorizationError });
    });
  });
}

function describeCertificate(raw: Buffer, trustedBySystem: boolean): CertificateInfo {
  const x509 = new X509Certificate(raw);
  return {
    fingerprint256: normaliseFingerprint(x509.fingerprint256) ?? x509.fingerprint256,
    subject: distinguishedName(x509.subject),
    issuer: distinguishedName(x509.issuer),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    selfSigned: x509.subject === x509.issuer && x509.verify(x509.publicKey),
    trustedBySystem,
  };
}

/** Node prints distinguished names one attribute per line; one line reads better in a dialog. */
function distinguishedName(text: string): string {
  return text.split('\n').filter(Boolean).join(', ');
}

function describeAuthorizationError(code: string | null): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'it is self-signed';
    case 'CERT_HAS_EXPIRED':
      return 'it has expired';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'it is signed by an unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'it was issued for a different name';
    default:
      return code ?? 'unknown reason';
  }
}
