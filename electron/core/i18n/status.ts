/**
 * A server's status and its problems in the reader's language. The core writes its messages in English, precise
 * and with the server's own words (errors.ts); in English they are shown as they are. In another language the fixed
 * texts of the session's states come from the catalogue, and a problem says what its code means there, keeping
 * what the person needs to act on: the server's own reason for an error reply, a certificate's fingerprint.
 */
import type { ErrorCode } from '../errors';
import type { SessionState } from '../model';
import { english, type Translator } from './i18n';

/** States whose one-line detail is a fixed text (core/session.ts), not a problem's message. */
const FIXED_STATES: ReadonlySet<SessionState> = new Set<SessionState>([
  'idle',
  'connecting',
  'authenticating',
  'subscribing',
  'syncing',
  'live',
  'stopped',
]);
type FixedState = 'idle' | 'connecting' | 'authenticating' | 'subscribing' | 'syncing' | 'live' | 'stopped';

function isFixed(state: SessionState): state is FixedState {
  return FIXED_STATES.has(state);
}

/** session.ts appends this to a certificate problem's message. */
const FINGERPRINT = /Certificate SHA-256 fingerprint: ([0-9A-Fa-f:]{32,})/;

/** A problem's message in `t`'s language (as it is in English). */
export function problemText(problem: { code: ErrorCode; message: string }, t: Translator = english): string {
  if (t.language === 'en') return problem.message;
  // An error reply's message is the server's own words: there is nothing more precise to say in any language.
  if (problem.code === 'RPC_ERROR') return t('errorCodes.serverSaid', { message: problem.message });
  const generic = t(`errorCodes.${problem.code}`);
  const fingerprint = FINGERPRINT.exec(problem.message)?.[1];
  return fingerprint ? t('errorCodes.fingerprint', { message: generic, fingerprint }) : generic;
}

/**
 * A session's one-line status in `t`'s language: the state's fixed text, or the problem it retries after or waits
 * on (by its code, when known; otherwise the detail as the core wrote it).
 */
export function statusText(
  status: { state: SessionState; detail: string; attention?: { code: ErrorCode; message: string } | null; problemCode?: ErrorCode | null },
  t: Translator = english,
): string {
  if (t.language === 'en') return status.detail;
  if (isFixed(status.state)) return t(`sessionState.${status.state}`);
  if (status.attention) return problemText(status.attention, t);
  if (status.problemCode) return problemText({ code: status.problemCode, message: status.detail }, t);
  return status.detail;
}
