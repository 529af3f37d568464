/** The simulator's TLS certificate: the one given, or a self-signed one like TrueNAS's `truenas_default`. */
import type { SimulatorOptions } from './types';

export async function certificateFor(tls: SimulatorOptions['tls'], host: string): Promise<{ cert: string; key: string } | undefined> {
  if (!tls) return undefined;
  if (tls !== true) return tls;
  const { generate } = await import('selfsigned');
  const altNames: Array<{ type: 2 | 7; value?: string; ip?: string }> = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    altNames.push(/^[\d.]+$|:/.test(host) ? { type: 7, ip: host } : { type: 2, value: host });
  }
  const pems = await generate([{ name: 'commonName', value: 'truenas_default' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
