import { describe, expect, it } from 'vitest';
import {
  accessSummary,
  accessViewIn,
  FULL_ACCESS_SUMMARY,
  readServerAccess,
  restrictedSummary,
} from '../../../electron/core/server-access';
import { english, translator } from '../../../electron/core/i18n/i18n';
import { RpcError } from '../../../electron/core/errors';
import type { RpcConnection } from '../../../electron/core/protocol/connection';

const de = translator('de');

/** The restricted summary as the core wrote it before it had catalogues (the window and the tests rely on it). */
const RESTRICTED_TAIL =
  '; other jobs (scrubs, snapshots, jobs the system runs) are hidden. From TrueNAS 25.10, a job started from another ' +
  'connection of this account disappears once that connection closes, and how it ended cannot be seen here. Use an ' +
  'account with FULL_ADMIN to see every job.';

function answering(reply: () => unknown): RpcConnection {
  return { call: async () => reply() } as unknown as RpcConnection;
}

describe('the access summary', () => {
  it('is worded in English exactly as before', () => {
    expect(FULL_ACCESS_SUMMARY).toBe('Full administrator: sees every job on this server.');
    expect(restrictedSummary(['READONLY_ADMIN'])).toBe(
      'Restricted account (READONLY_ADMIN): sees jobs it started itself, and every cloud sync and replication job' + RESTRICTED_TAIL,
    );
    expect(restrictedSummary(['REPLICATION_TASK_READ'])).toBe(
      'Restricted account (REPLICATION_TASK_READ): sees jobs it started itself, and every replication job' + RESTRICTED_TAIL,
    );
    expect(restrictedSummary(['A', 'B', 'C', 'D'])).toBe(
      'Restricted account (A, B, C…): sees only jobs it started itself' + RESTRICTED_TAIL,
    );
    expect(restrictedSummary([])).toBe('Restricted account (no roles): sees only jobs it started itself' + RESTRICTED_TAIL);
    expect(accessSummary({ basis: 'core-root', roles: [] })).toBe('Signed in as root (TrueNAS CORE): sees every job on this server.');
    expect(accessSummary({ basis: 'unbound-api-key', roles: [] })).toBe(
      'API key not tied to a user (TrueNAS 24.10 and older): sees every job on this server.',
    );
  });

  it('is worded in German for every kind of access', () => {
    expect(accessSummary({ basis: 'full-admin', roles: ['FULL_ADMIN'] }, de)).toBe(
      'Vollständiger Administrator: sieht alle Jobs auf diesem Server.',
    );
    expect(accessSummary({ basis: 'core-root', roles: [] }, de)).toBe(
      'Als root angemeldet (TrueNAS CORE): sieht alle Jobs auf diesem Server.',
    );
    expect(accessSummary({ basis: 'unbound-api-key', roles: [] }, de)).toMatch(/^API-Schlüssel ohne zugehörigen Benutzer/);
    const readonly = accessSummary({ basis: 'restricted', roles: ['READONLY_ADMIN'] }, de);
    expect(readonly).toMatch(
      /^Eingeschränktes Konto \(READONLY_ADMIN\): sieht die selbst gestarteten Jobs sowie alle Jobs der Cloud-Synchronisierung und Replikation; /,
    );
    expect(readonly).toContain('Verwenden Sie ein Konto mit FULL_ADMIN, um alle Jobs zu sehen.');
    expect(readonly).not.toMatch(/\b(sees|jobs it started|hidden)\b/);
    expect(restrictedSummary([], de)).toMatch(/^Eingeschränktes Konto \(keine Rollen\): sieht nur die selbst gestarteten Jobs; /);
  });

  it('keeps English in what is read at login and words the view in the language asked for', async () => {
    const core = await readServerAccess(
      answering(() => {
        throw new RpcError('Method not found', -32601, null, null, null);
      }),
    );
    expect(core).toEqual({ fullAdmin: true, roles: [], basis: 'core-root', summary: accessSummary({ basis: 'core-root', roles: [] }) });
    const restricted = await readServerAccess(
      answering(() => ({ pw_name: 'watcher', privilege: { roles: { $set: ['READONLY_ADMIN'] } } })),
    );
    expect(restricted).toMatchObject({ fullAdmin: false, basis: 'restricted', summary: restrictedSummary(['READONLY_ADMIN'], english) });

    const stored = { ...restricted!, lostJobs: 0, lostNotice: null };
    expect(accessViewIn(stored)).toEqual({
      fullAdmin: false,
      roles: ['READONLY_ADMIN'],
      summary: restricted!.summary,
      lostJobs: 0,
      lostNotice: null,
    });
    expect(accessViewIn(stored, de).summary).toBe(restrictedSummary(['READONLY_ADMIN'], de));
    expect(Object.keys(accessViewIn(stored, de))).not.toContain('basis');
    // A view without a basis (made elsewhere) keeps its words.
    const { basis: _basis, ...withoutBasis } = stored;
    expect(accessViewIn(withoutBasis, de).summary).toBe(restricted!.summary);
  });
});
