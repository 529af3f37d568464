/**
 * A password over plain ws:// to another computer, over real sockets: the simulator listens on this machine's LAN
 * address, so the connection is as insecure as to a NAS across the network. The password is refused before it is
 * sent, unless the person allowed it for that server (which changes the saved secret's binding).
 */
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../electron/sim/index';
import { startHarness, type Harness } from './harness';
import type { ServerDraft } from '../../electron/core/monitor-api';

/** A non-loopback IPv4 address of this machine, to listen on. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

let sim: Simulator | null = null;
let harness: Harness | null = null;

afterEach(async () => {
  await harness?.stop();
  await sim?.close();
  harness = null;
  sim = null;
});

async function followByPassword(): Promise<{ s: Simulator; h: Harness }> {
  const s = await startSimulator({ port: 0, host: lanAddress!, version: '25.10', failDelayMs: 0 });
  sim = s;
  expect(s.url.startsWith(`ws://${lanAddress}:`)).toBe(true);
  const h = await startHarness([{ url: s.url, username: s.credentials.username, secret: s.credentials.password, authMethod: 'password' }]);
  harness = h;
  return { s, h };
}

describe.skipIf(!lanAddress)('a password over ws:// to a non-loopback address', () => {
  it('is refused before it is sent, with a message about the network and what to do', async () => {
    const { s, h } = await followByPassword();
    const server = await h.waitFor(() => h.server()?.state === 'needs-attention' && h.server(), 'needs-attention');
    expect(server.attention?.code).toBe('INSECURE_TRANSPORT');
    expect(server.attention?.message).toMatch(/password/);
    expect(server.attention?.message).toMatch(/anyone on the network/);
    expect(server.attention?.message).toMatch(/wss:\/\//);
    expect(server.attention?.message).not.toContain(s.credentials.password);
    // The connection was made (the refusal comes from the socket's real remote address, not the name)…
    expect(server.endpoint).toBe(s.url);
    // …but nothing was sent to sign in.
    expect(s.loginAttempts()).toBe(0);
  });

  it('is sent once the person allows it for the server, which needs the password again', async () => {
    const { s, h } = await followByPassword();
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    const draft: ServerDraft = {
      name: 'nas1',
      url: s.url,
      auth: { method: 'password', username: s.credentials.username, allowInsecurePassword: true },
      fingerprint256: null,
    };
    // Allowing it changes who can read the saved password: the saved one is not reused without being typed again.
    await expect(h.monitor.updateServer('nas1', draft, null)).rejects.toMatchObject({ code: 'SECRET_REQUIRED' });
    expect(s.loginAttempts()).toBe(0);
    await h.monitor.updateServer('nas1', draft, s.credentials.password);
    await h.waitFor(() => h.server()?.state === 'live', 'live');
    expect(s.loginAttempts()).toBeGreaterThan(0);
    // And taking the permission back is a change of binding too.
    await expect(
      h.monitor.updateServer('nas1', { ...draft, auth: { ...draft.auth, allowInsecurePassword: false } }, null),
    ).rejects.toMatchObject({
      code: 'SECRET_REQUIRED',
    });
  });

  it('an API key stays refused over ws:// whatever the form sent', async () => {
    const s = await startSimulator({ port: 0, host: lanAddress!, version: '25.10', failDelayMs: 0 });
    sim = s;
    harness = await startHarness([{ url: s.url, username: s.credentials.username, secret: s.credentials.apiKey }]);
    const h = harness;
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    const draft: ServerDraft = {
      name: 'nas1',
      url: s.url,
      auth: { method: 'api-key', username: s.credentials.username, allowInsecurePassword: true },
      fingerprint256: null,
    };
    await h.monitor.updateServer('nas1', draft, null).catch(() => undefined);
    await h.waitFor(() => h.server()?.state === 'needs-attention', 'needs-attention');
    expect(h.server()?.attention?.message).toMatch(/tunnel or TLS proxy/);
    expect(s.loginAttempts()).toBe(0);
    expect(s.isApiKeyRevoked(s.credentials.apiKey)).toBe(false);
  });
});
