/**
 * The monitor's server registry: the followed servers by id, and what identifies one (a new server's id from its
 * name, the target a form's draft describes, what a saved secret is bound to).
 */
import type { ServerId } from './model';
import type { JobBook, JobEntry } from './jobs';
import type { ServerDraft } from './monitor-api';
import type { ServerTarget } from './monitor-ports';
import { resolveEndpoints } from './protocol/open';

/** The followed servers by id (insertion order: the order they were added). */
export class ServerRegistry<R extends { target: ServerTarget; book: JobBook }> extends Map<ServerId, R> {
  /** The server that holds the job with this key, and the job. */
  findJob(key: string): { runtime: R; entry: JobEntry } | null {
    for (const runtime of this.values()) {
      const entry = runtime.book.get(key);
      if (entry) return { runtime, entry };
    }
    return null;
  }

  hasName(name: string): boolean {
    for (const runtime of this.values()) if (runtime.target.name === name) return true;
    return false;
  }

  /** An id for a new server: its name as a slug, numbered when taken. */
  newId(name: string): ServerId {
    const base =
      name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || 'server';
    let id = base;
    for (let n = 2; this.has(id); n++) id = `${base}-${n}`;
    return id;
  }
}

/** The target a form's draft describes; what is not on the form (mute, compression) is kept from `previous`. */
export function targetFromDraft(id: ServerId, draft: ServerDraft, previous?: ServerTarget): ServerTarget {
  return {
    id,
    name: draft.name.trim(),
    url: draft.url.trim(),
    auth: {
      method: draft.auth.method,
      username: draft.auth.username,
      // Only meaningful for a password: an API key is never sent over ws:// to a remote host.
      allowInsecurePassword: draft.auth.method === 'password' && draft.auth.allowInsecurePassword === true,
    },
    fingerprint256: draft.fingerprint256,
    muted: previous?.muted ?? false,
    mutedUntil: previous?.mutedUntil ?? null,
    // Not part of the form: a saved profile's setting survives an edit.
    ...(previous?.compression !== undefined ? { compression: previous.compression } : {}),
  };
}

/** What a saved secret is bound to: the server's origin (scheme, host, port), the sign-in method, the user, and whether a password may go over ws://. */
export function secretBinding(target: Pick<ServerTarget, 'url' | 'auth'>): string {
  let origin: string;
  try {
    origin = new URL(resolveEndpoints(target.url).candidates[0]!.url).origin;
  } catch {
    origin = target.url.trim();
  }
  // Allowing the password over plain ws:// changes who can read it: that too needs the secret again.
  return JSON.stringify([origin, target.auth.method, target.auth.username.trim(), target.auth.allowInsecurePassword === true]);
}
