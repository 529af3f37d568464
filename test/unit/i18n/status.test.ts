import { describe, expect, it } from 'vitest';
import { english, translator } from '../../../electron/core/i18n/i18n';
import { problemText, statusText } from '../../../electron/core/i18n/status';
import { serverViewOf, type ViewedServer } from '../../../electron/core/monitor-views';
import type { SessionStatus } from '../../../electron/core/session';
import { ERROR_CODES } from '../../../electron/core/errors';
import { rebootSafety } from '../../../electron/core/reboot-safety';
import type { JobView, ServerView } from '../../../electron/core/view';

const de = translator('de');
const FINGERPRINT = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

describe('server status in the reader’s language', () => {
  it('leaves English exactly as the core wrote it', () => {
    expect(statusText({ state: 'live', detail: 'Live' }, english)).toBe('Live');
    expect(statusText({ state: 'backoff', detail: 'connect ECONNREFUSED 10.0.0.5:443', problemCode: 'UNREACHABLE' })).toBe(
      'connect ECONNREFUSED 10.0.0.5:443',
    );
    expect(problemText({ code: 'AUTH_FAILED', message: 'The API key was refused.' }, english)).toBe('The API key was refused.');
  });

  it('says the fixed states in German', () => {
    expect(statusText({ state: 'live', detail: 'Live' }, de)).toBe('Verbunden');
    expect(statusText({ state: 'connecting', detail: 'Connecting…' }, de)).toBe('Verbindung wird aufgebaut…');
    expect(statusText({ state: 'syncing', detail: 'Loading jobs…' }, de)).toBe('Jobs werden geladen…');
    expect(statusText({ state: 'stopped', detail: 'Stopped' }, de)).toBe('Angehalten');
  });

  it('says what a problem means in German by its code, for a backoff and for needs-attention', () => {
    expect(statusText({ state: 'backoff', detail: 'connect ECONNREFUSED', problemCode: 'UNREACHABLE' }, de)).toBe(
      'Der Server ist nicht erreichbar. Prüfen Sie die Adresse, das Netzwerk und ob der Server eingeschaltet ist.',
    );
    const attention = { code: 'AUTH_FAILED' as const, message: 'The API key was refused.' };
    expect(statusText({ state: 'needs-attention', detail: attention.message, attention }, de)).toMatch(
      /^Der Server hat die Anmeldung abgelehnt/,
    );
    // Without a code there is nothing to translate by: the core's words stay.
    expect(statusText({ state: 'backoff', detail: 'something odd' }, de)).toBe('something odd');
  });

  it('keeps what a person must act on: the server’s own reason, a certificate’s fingerprint', () => {
    expect(problemText({ code: 'RPC_ERROR', message: '[EFAULT] pool is busy' }, de)).toBe('Der Server meldet: [EFAULT] pool is busy');
    const cert = problemText({ code: 'CERT_UNTRUSTED', message: `Not trusted. Certificate SHA-256 fingerprint: ${FINGERPRINT}` }, de);
    expect(cert).toMatch(/^Das Zertifikat des Servers ist auf diesem System nicht vertrauenswürdig\./);
    expect(cert.endsWith(`SHA-256-Fingerabdruck des Zertifikats: ${FINGERPRINT}`)).toBe(true);
  });

  it('has a German message for every error code', () => {
    for (const code of ERROR_CODES) {
      const text = problemText({ code, message: 'english' }, de);
      expect(text, code).not.toBe('english');
      expect(text, code).not.toMatch(/^errorCodes\./);
    }
  });
});

describe('the server view', () => {
  function viewed(status: Partial<SessionStatus>): ViewedServer {
    return {
      target: { id: 'nas', name: 'nas', url: 'https://nas', muted: false, mutedUntil: null } as ViewedServer['target'],
      book: { jobs: () => [] } as unknown as ViewedServer['book'],
      status: {
        state: 'live',
        detail: 'Live',
        retryAt: null,
        attention: null,
        flavor: null,
        endpoint: null,
        badFrames: 0,
        clockOffsetMs: 0,
        ...status,
      },
      access: null,
      runningKeys: new Set(),
    };
  }

  it('carries status and attention in the translator’s language, and the core’s English without one', () => {
    const attention = { code: 'AUTH_DENIED' as const, message: 'This account has no API access.' };
    const server = viewed({ state: 'needs-attention', detail: attention.message, attention });
    expect(serverViewOf(server, [], 0).attention).toEqual(attention);
    expect(serverViewOf(server, [], 0).detail).toBe('This account has no API access.');
    const german = serverViewOf(server, [], 0, de);
    expect(german.attention?.code).toBe('AUTH_DENIED');
    expect(german.attention?.message).toMatch(/^Dieses Konto darf die API nicht verwenden/);
    expect(german.detail).toBe(german.attention?.message);
    expect(serverViewOf(viewed({}), [], 0, de).detail).toBe('Verbunden');
  });
});

describe('"safe to restart?" in German', () => {
  it('says the summary in the translator’s language, and in English without one', () => {
    const server = (id: string, state: 'live' | 'backoff') => ({ id, name: id.toUpperCase(), state, detail: 'x' }) as unknown as ServerView;
    const job = (key: string, serverId: string) =>
      ({
        key,
        server: serverId,
        transient: false,
        onServer: true,
        state: 'RUNNING',
        description: null,
        method: 'm',
        percent: null,
      }) as unknown as JobView;
    const busy = {
      servers: [server('nas', 'live'), server('backup', 'live'), server('far', 'backoff')],
      jobs: [job('a', 'nas'), job('b', 'nas'), job('c', 'backup')],
    };
    expect(rebootSafety(busy, de).summary).toBe('Noch nicht: 3 Jobs laufen auf 2 Servern; FAR unbekannt (nicht verbunden)');
    expect(rebootSafety(busy).summary).toBe('Not safe: 3 jobs running on 2 servers; FAR unknown (not connected)');
    expect(rebootSafety({ servers: [server('nas', 'live')], jobs: [job('a', 'nas')] }, de).summary).toBe(
      'Noch nicht: 1 Job läuft auf 1 Server',
    );
    expect(rebootSafety({ servers: [server('nas', 'live')], jobs: [] }, de)).toMatchObject({
      safe: true,
      summary: 'Auf keinem Server läuft etwas',
    });
  });
});
