import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterEach, beforeAll, describe, it, expect, vi } from 'vitest';
import { generate } from 'selfsigned';
import { normaliseFingerprint, probeCertificate } from '../../../electron/core/tls';
import { openConnection } from '../../../electron/core/protocol/open';
import type { SocketConnection } from '../../../electron/core/protocol/jsonrpc';
import { startFakeServer, startRecordingTlsServer } from './fixtures/fake-truenas';

interface Pem {
  key: string;
  cert: string;
  fingerprint: string;
}

const localhostSan = {
  name: 'subjectAltName' as const,
  altNames: [
    { type: 2 as const, value: 'localhost' },
    { type: 7 as const, ip: '127.0.0.1' },
  ],
};

let selfSigned: Pem;
let otherSelfSigned: Pem;
let ca: Pem;
let caSigned: Pem;
let caSignedWrongName: Pem;

async function make(cn: string, options: Parameters<typeof generate>[1] = {}): Promise<Pem> {
  const result = await generate([{ name: 'commonName', value: cn }], { keyType: 'ec', algorithm: 'sha256', ...options });
  return { key: result.private, cert: result.cert, fingerprint: new X509Certificate(result.cert).fingerprint256 };
}

beforeAll(async () => {
  selfSigned = await make('truenas.local', { extensions: [localhostSan] });
  otherSelfSigned = await make('truenas.local', { extensions: [localhostSan] });
  ca = await make('Test Home Lab CA', {
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true },
    ],
  });
  caSigned = await make('nas.home', { ca: { key: ca.key, cert: ca.cert }, extensions: [localhostSan] });
  caSignedWrongName = await make('other.example', {
    ca: { key: ca.key, cert: ca.cert },
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'other.example' }] }],
  });
});

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wssServer(pem: Pem) {
  const server = await startFakeServer({
    tls: { key: pem.key, cert: pem.cert },
    paths: { '/api/current': { flavor: 'jsonrpc', methods: { 'core.ping': () => ({ result: 'pong' }) } } },
  });
  cleanups.push(() => server.close());
  return server;
}

function keep(connection: SocketConnection): SocketConnection {
  cleanups.push(() => connection.close());
  return connection;
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('normaliseFingerprint', () => {
  const upper = Array.from({ length: 32 }, (_, i) => (i * 7 + 10).toString(16).padStart(2, '0').toUpperCase()).join(':');
  it('accepts upper, lower, no colons and spaces', () => {
    expect(normaliseFingerprint(upper)).toBe(upper);
    expect(normaliseFingerprint(upper.toLowerCase())).toBe(upper);
    expect(normaliseFingerprint(upper.replace(/:/g, '').toLowerCase())).toBe(upper);
    expect(normaliseFingerprint(upper.replace(/:/g, ' '))).toBe(upper);
  });
  it('rejects what is not a SHA-256 fingerprint', () => {
    expect(normaliseFingerprint('AB:CD')).toBeNull();
    expect(normaliseFingerprint(upper.replace('A', 'G'))).toBeNull();
    expect(normaliseFingerprint(`${upper}:00`)).toBeNull();
  });
});

describe('wss certificate policy', () => {
  it('CERT_UNTRUSTED for a self-signed certificate without a pin, with the fingerprint for the UI', async () => {
    const server = await wssServer(selfSigned);
    const err = await rejection(openConnection({ url: `https://127.0.0.1:${server.port}` }));
    expect(err).toMatchObject({ code: 'CERT_UNTRUSTED', details: expect.objectContaining({ fingerprint256: selfSigned.fingerprint }) });
    expect(server.upgradeRequests).toEqual([]);
  });

  it('accepts a self-signed certificate whose fingerprint is pinned (any input format)', async () => {
    const server = await wssServer(selfSigned);
    const pin = selfSigned.fingerprint.replace(/:/g, '').toLowerCase();
    const connection = keep(await openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { pinnedFingerprint256: pin } }));
    expect(connection.url).toBe(`wss://127.0.0.1:${server.port}/api/current`);
    expect(connection.secureTransport).toBe(true);
    await expect(connection.call('core.ping')).resolves.toBe('pong');
  });

  it('CERT_CHANGED when the pinned fingerprint no longer matches', async () => {
    const server = await wssServer(otherSelfSigned);
    const err = await rejection(
      openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { pinnedFingerprint256: selfSigned.fingerprint } }),
    );
    expect(err).toMatchObject({ code: 'CERT_CHANGED' });
    expect((err as Error).message).toContain('changed since you trusted it');
    expect((err as Error).message).toContain('trust the certificate again');
    expect(server.upgradeRequests).toEqual([]);
  });

  it('accepts a certificate trusted by a CA without a pin', async () => {
    const server = await wssServer(caSigned);
    const connection = keep(await openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { extraCa: ca.cert } }));
    await expect(connection.call('core.ping')).resolves.toBe('pong');
  });

  it('CERT_UNTRUSTED for a CA-signed certificate issued for another name', async () => {
    const server = await wssServer(caSignedWrongName);
    const err = await rejection(openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { extraCa: ca.cert } }));
    expect(err).toMatchObject({ code: 'CERT_UNTRUSTED' });
    expect((err as Error).message).toContain('different name');
  });

  it('a pin also governs a CA-trusted certificate: a different leaf is CERT_CHANGED', async () => {
    const server = await wssServer(caSigned);
    const err = await rejection(
      openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { extraCa: ca.cert, pinnedFingerprint256: selfSigned.fingerprint } }),
    );
    expect(err).toMatchObject({ code: 'CERT_CHANGED' });
  });

  it('UNREACHABLE with a TLS message when wss meets a plain HTTP port', async () => {
    const plain = await startFakeServer({ paths: {} });
    cleanups.push(() => plain.close());
    const err = await rejection(openConnection({ url: `https://127.0.0.1:${plain.port}` }));
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
    expect((err as Error).message).toContain('TLS');
  });
});

describe('nothing but the TLS handshake before the certificate is checked', () => {
  it('sends no byte after the handshake when the pin does not match', async () => {
    const recorder = await startRecordingTlsServer(otherSelfSigned);
    cleanups.push(() => recorder.close());
    const bytes = recorder.nextConnectionBytes();
    const err = await rejection(
      openConnection({ url: `https://127.0.0.1:${recorder.port}`, tls: { pinnedFingerprint256: selfSigned.fingerprint } }),
    );
    expect(err).toMatchObject({ code: 'CERT_CHANGED' });
    expect((await bytes).length).toBe(0);
  });

  it('sends no byte when the certificate is untrusted', async () => {
    const recorder = await startRecordingTlsServer(selfSigned);
    cleanups.push(() => recorder.close());
    const bytes = recorder.nextConnectionBytes();
    expect(await rejection(openConnection({ url: `https://127.0.0.1:${recorder.port}` }))).toMatchObject({ code: 'CERT_UNTRUSTED' });
    expect((await bytes).length).toBe(0);
  });

  it('control: with a matching pin the upgrade request does reach the server', async () => {
    const recorder = await startRecordingTlsServer(selfSigned);
    cleanups.push(() => recorder.close());
    const bytes = recorder.nextConnectionBytes();
    const err = await rejection(
      openConnection({
        url: `https://127.0.0.1:${recorder.port}`,
        tls: { pinnedFingerprint256: selfSigned.fingerprint },
        connectTimeoutMs: 300,
      }),
    );
    expect(err).toMatchObject({ code: 'UNREACHABLE' });
    expect((await bytes).toString('latin1')).toMatch(/^GET \/api\/current HTTP\/1\.1\r\n/);
  });
});

describe('client side: no write on the TLS socket before the check', () => {
  /** Records every write() the client makes on the sockets it opens with tls.connect. */
  function recordTlsWrites(): { writes: string[]; restore: () => void } {
    const writes: string[] = [];
    const realConnect = tls.connect.bind(tls) as (...args: unknown[]) => tls.TLSSocket;
    const spy = vi.spyOn(tls, 'connect').mockImplementation((...args: unknown[]) => {
      const socket = realConnect(...args);
      const realWrite = socket.write.bind(socket) as (...writeArgs: unknown[]) => boolean;
      socket.write = (...writeArgs: unknown[]) => {
        writes.push(String(writeArgs[0]).slice(0, 40));
        return realWrite(...writeArgs);
      };
      return socket;
    });
    return { writes, restore: () => spy.mockRestore() };
  }

  it('never writes to a socket whose certificate does not match the pin', async () => {
    const server = await wssServer(otherSelfSigned);
    const recorder = recordTlsWrites();
    try {
      const err = await rejection(
        openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { pinnedFingerprint256: selfSigned.fingerprint } }),
      );
      expect(err).toMatchObject({ code: 'CERT_CHANGED' });
      expect(recorder.writes).toEqual([]);
    } finally {
      recorder.restore();
    }
  });

  it('control: writes the upgrade request once the pin matches', async () => {
    const server = await wssServer(selfSigned);
    const recorder = recordTlsWrites();
    try {
      keep(await openConnection({ url: `https://127.0.0.1:${server.port}`, tls: { pinnedFingerprint256: selfSigned.fingerprint } }));
      expect(recorder.writes[0]).toMatch(/^GET \/api\/current/);
    } finally {
      recorder.restore();
    }
  });
});

describe('probeCertificate', () => {
  it('describes a self-signed certificate and sends nothing', async () => {
    const recorder = await startRecordingTlsServer(selfSigned);
    cleanups.push(() => recorder.close());
    const bytes = recorder.nextConnectionBytes();
    const info = await probeCertificate(`127.0.0.1:${recorder.port}`, { timeoutMs: 2_000 });
    expect(info.fingerprint256).toBe(selfSigned.fingerprint);
    expect(info.subject).toContain('CN=truenas.local');
    expect(info.issuer).toContain('CN=truenas.local');
    expect(info.selfSigned).toBe(true);
    expect(info.trustedBySystem).toBe(false);
    expect(new Date(info.validFrom).getTime()).toBeLessThan(new Date(info.validTo).getTime());
    expect(info.validTo).toBe(new Date(new X509Certificate(selfSigned.cert).validTo).toISOString());
    expect((await bytes).length).toBe(0);
  });

  it('describes a CA-signed certificate as not self-signed and trusted', async () => {
    const server = await wssServer(caSigned);
    const info = await probeCertificate(`https://127.0.0.1:${server.port}/ui`, { extraCa: ca.cert });
    expect(info.selfSigned).toBe(false);
    expect(info.trustedBySystem).toBe(true);
    expect(info.issuer).toContain('Test Home Lab CA');
    expect(server.upgradeRequests).toEqual([]);
  });
});
