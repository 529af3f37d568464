/**
 * Status and attention texts that carry words from the server (unknown login result types, error reasons, close
 * reasons): made safe and short before they become a server's status, which every view and the CLI show and
 * which is kept in memory for as long as the state lasts. One NDJSON line of a megabyte must not become a status.
 */
import { cleanLine } from './notification-text';

/** Enough for any error sentence a person reads; longer ones are server dumps. */
export const STATUS_TEXT_MAX = 300;

/**
 * One line of at most `max` characters (code points, ending in '…' when cut): line breaks and tabs made spaces,
 * controls, zero-width and bidi characters removed, credentials in URLs and `password=`-style pairs redacted.
 * Cost is bounded by `max`, not by the input.
 */
export function cleanStatusText(text: string, max = STATUS_TEXT_MAX): string {
  return cleanLine(text, max);
}

const MASK = '***';

/**
 * `text` with every occurrence of the active secret (API key or password) masked, also as it appears
 * URL-encoded or inside a JSON string (a server may echo the request it refused). Run it on the raw text,
 * before cleanStatusText: cutting or cleaning first could leave a part of the secret that no longer matches.
 * Linear in the text.
 */
export function scrubSecret(text: string, secret: string | null | undefined): string {
  if (!secret) return text;
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  // Longest first, so a form containing another is masked whole.
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length > 0) out = out.split(form).join(MASK);
  }
  return out;
}
