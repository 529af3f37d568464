/** Error payloads as TrueNAS middleware formats them (docs/protocol.md §2.3, §10). */
import type { SimVersion } from './types';
import { traits } from './versions';

export const ERRNO: Record<string, number> = {
  EPERM: 1,
  ENOENT: 2,
  EAGAIN: 11,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  EOPNOTSUPP: 95,
  ETOOMANYREFS: 109,
  ETIMEDOUT: 110,
  ECONNREFUSED: 111,
  ENOMETHOD: 201,
  ENOTAUTHENTICATED: 207,
};

export interface TruenasErrorData {
  error: number;
  errname?: string;
  type?: string | null;
  reason: string;
  trace: { class: string; formatted: string; repr: string; frames?: unknown[] } | null;
  extra: unknown;
}

/** A failure of a method call, carried to the protocol layer which renders it per endpoint. */
export class SimCallError extends Error {
  constructor(
    readonly errname: string,
    readonly errmsg: string,
    readonly opts: {
      /** JSON-RPC error code, default −32001 "Method call error". */
      code?: number;
      /** Overrides data.error (e.g. EINVAL for InstanceNotFound). */
      errno?: number;
      /** Overrides reason; default "[ERRNAME] errmsg". */
      reason?: string;
      traceClass?: string;
      extra?: unknown;
      /** Legacy `type` field ("VALIDATION" or null). */
      type?: string | null;
      /** Legacy errno override (e.g. 2 for InstanceNotFound on legacy 25.10+). */
      legacyErrno?: number;
      legacyErrname?: string;
    } = {},
  ) {
    super(opts.reason ?? `[${errname}] ${errmsg}`);
  }
}

function traceFor(version: SimVersion, cls: string, reason: string): TruenasErrorData['trace'] {
  const formatted =
    'Traceback (most recent call last):\n' +
    '  File "/usr/lib/python3/dist-packages/middlewared/main.py", line 208, in call_method\n' +
    "    result = await self.middleware.call_with_audit(message['method'], serviceobj, methodobj, params, self)\n" +
    `${cls}: ${reason}\n`;
  const trace: NonNullable<TruenasErrorData['trace']> = { class: cls, formatted, repr: `${cls}(${JSON.stringify(reason)})` };
  // 25.04–26.0.0-BETA.2 still sent frames; the 26 mode follows BETA.3 (frames removed).
  if (traits(version).traceFrames) trace.frames = [];
  return trace;
}

/** TruenasError object for JSON-RPC `error.data`. */
export function rpcErrorData(version: SimVersion, e: SimCallError): TruenasErrorData {
  const errno = e.opts.errno ?? ERRNO[e.errname] ?? 0;
  return {
    error: errno,
    errname: e.opts.errno !== undefined ? (nameOf(errno) ?? e.errname) : e.errname,
    reason: e.message,
    trace: traceFor(version, e.opts.traceClass ?? 'CallError', e.message),
    extra: e.opts.extra ?? null,
  };
}

/** Error object for a legacy `/websocket` `result` message (§10). CORE 13 has no `errname`. */
export function legacyErrorData(version: SimVersion, e: SimCallError): TruenasErrorData {
  const errno = e.opts.legacyErrno ?? e.opts.errno ?? ERRNO[e.errname] ?? 0;
  const errname = e.opts.legacyErrname ?? nameOf(errno) ?? e.errname;
  const out: TruenasErrorData = {
    error: errno,
    errname,
    type: e.opts.type ?? null,
    reason: e.message,
    trace: traceFor(version, e.opts.traceClass ?? 'CallError', e.message),
    extra: e.opts.extra ?? null,
  };
  if (!traits(version).errname) delete out.errname;
  return out;
}

function nameOf(errno: number): string | undefined {
  for (const [name, n] of Object.entries(ERRNO)) if (n === errno) return name;
  return undefined;
}

export function notAuthenticated(version: SimVersion): SimCallError {
  if (traits(version).notAuthenticated === 'EACCES')
    return new SimCallError('EACCES', 'Not authenticated', { reason: 'Not authenticated' });
  return new SimCallError('ENOTAUTHENTICATED', 'Not authenticated');
}

/** Unknown job id in core.job_abort / core.job_download_logs (§2.3, Appendix B). */
export function jobNotFound(version: SimVersion, id: number): SimCallError {
  if (traits(version).jobNotFound === 'validation') {
    const msg = `Job with id ${id} does not exist`;
    return new SimCallError('ENOENT', msg, {
      code: -32602,
      errno: ERRNO.EINVAL,
      reason: `[ENOENT] None: ${msg}`,
      traceClass: 'InstanceNotFound',
      extra: [[null, msg, ERRNO.ENOENT]],
      type: 'VALIDATION',
      legacyErrno: ERRNO.ENOENT,
      legacyErrname: 'ENOENT',
    });
  }
  // ≤25.04: a raw KeyError.
  return new SimCallError('EINVAL', String(id), { reason: String(id), traceClass: 'KeyError' });
}

/** −32602 "Invalid params" with EINVAL and `extra` (a pydantic-style validation error). */
export function invalidParams(attribute: string | null, message: string): SimCallError {
  return new SimCallError('EINVAL', message, {
    code: -32602,
    reason: `[EINVAL] ${attribute ?? 'None'}: ${message}`,
    traceClass: 'ValidationErrors',
    extra: [[attribute, message, ERRNO.EINVAL]],
    type: 'VALIDATION',
    legacyErrno: ERRNO.EAGAIN,
    legacyErrname: 'EAGAIN',
  });
}
