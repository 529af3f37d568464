/**
 * The IPC contract between the main process and the window: every channel, with a zod schema for each request
 * payload, each reply and each event. Main validates requests and replies with it, the preload builds
 * `window.jobwatch` from it (createJobwatchApi), and the renderer's types are inferred from the same schemas.
 *
 * Secrets travel in only (addServer / updateServer / testConnection carry one); no reply or event schema has a
 * field that could hold one, and test/unit/ipc checks that.
 *
 * Imports: zod, and the core's view and settings schemas (plain data, no Node or Electron at run time), so the
 * preload bundle can include this file; the renderer takes only its types, and its values from constants.ts.
 */
import { z } from 'zod';
import { ERROR_CODES, VIEWS, type ErrorCode } from './constants';
import { CompleteSettingsSchema, MethodRulesSchema } from '../core/settings';
import type { CertificateInfo, ConnectionTestResult, ServerDraft } from '../core/monitor-api';
import { RebootSafetySchema } from '../core/reboot-safety';
import { JobDetailSchema, MonitorDeltaSchema, MonitorSnapshotSchema, ServerViewSchema } from '../core/view';

export * from './constants';
export type { FailureView, JobDetail, JobView, MonitorDelta, MonitorSnapshot, NotificationView, ServerView } from '../core/view';
export type { CertificateInfo, ConnectionTestResult, ServerDraft } from '../core/monitor-api';
export type { RebootSafety, RebootSafetyJob, RebootSafetyServer } from '../core/reboot-safety';

// ---- shared pieces ------------------------------------------------------------------------------------------

/** Requests that carry nothing. */
const NoPayload = z.undefined();

/** Replies that only say "done": main may return undefined or null; the renderer always sees null. */
const Done = z.union([z.null(), z.undefined()]).transform(() => null);

const JobKey = z.string().min(1).max(4096);
const ServerId = z.string().min(1).max(64);
/** A desktop time in ms, or null for "no end". */
const Until = z.number().int().nonnegative().nullable();

export const ServerDraftSchema = z.object({
  name: z.string().trim().min(1).max(64),
  url: z.string().trim().min(1).max(2048),
  auth: z.object({
    method: z.enum(['api-key', 'password']),
    username: z.string().trim().max(128),
    allowInsecurePassword: z.boolean().default(false),
  }),
  fingerprint256: z
    .string()
    .regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'a SHA-256 fingerprint "AB:CD:…"')
    .nullable(),
}) satisfies z.ZodType<ServerDraft>;

/** An API key or password as the user typed it. Never part of any reply or event. */
const SecretInput = z.string().min(1).max(4096);

export const CertificateInfoSchema = z.object({
  fingerprint256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  validFrom: z.string(),
  validTo: z.string(),
  selfSigned: z.boolean(),
  trustedBySystem: z.boolean(),
}) satisfies z.ZodType<CertificateInfo>;

export const ConnectionTestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), flavor: z.enum(['jsonrpc', 'legacy']), endpoint: z.string(), jobs: z.number().int().nonnegative() }),
  z.object({
    ok: z.literal(false),
    code: z.enum(ERROR_CODES),
    message: z.string(),
    certificate: CertificateInfoSchema.optional(),
    otpRequired: z.boolean().optional(),
  }),
]) satisfies z.ZodType<ConnectionTestResult>;

/** A saved server as the edit form shows it: everything but its secret. */
export const ProfileViewSchema = z.object({
  id: ServerId,
  name: z.string(),
  url: z.string(),
  auth: z.object({
    method: z.enum(['api-key', 'password']),
    username: z.string().nullable(),
    allowInsecurePassword: z.boolean().default(false),
  }),
  fingerprint256: z.string().nullable(),
  muted: z.boolean(),
  mutedUntil: z.number().nullable(),
});
export type ProfileView = z.infer<typeof ProfileViewSchema>;

// ---- settings ----------------------------------------------------------------------------------------------------

/** Complete settings, checked with the core's own field schemas (core/settings.ts): one definition for both. */
export const SettingsViewSchema = CompleteSettingsSchema;
export type SettingsView = z.infer<typeof SettingsViewSchema>;

// ---- replies that are not core views ---------------------------------------------------------------------------

/** Main saves the log through a save dialog; the renderer learns where, or that the user cancelled. */
export const LogDownloadResultSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('saved'), path: z.string() }),
  z.object({ status: z.literal('cancelled') }),
]);
export type LogDownloadResult = z.infer<typeof LogDownloadResultSchema>;

/** The diagnostics report as copied to the clipboard; built from secret-free views and scrubbed (main/diagnostics.ts). */
export const DiagnosticsCopySchema = z.object({ report: z.string().max(64_000), copied: z.boolean() });
export type DiagnosticsCopy = z.infer<typeof DiagnosticsCopySchema>;

/** "Play test sound": whether the platform's player played it, and if not, why in words (main/sound.ts). */
export const SoundTestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), message: z.string().max(2000) }),
]);
export type SoundTestResult = z.infer<typeof SoundTestResultSchema>;

export const DemoServerViewSchema = z.object({ serverId: ServerId, url: z.string() });
export type DemoServerView = z.infer<typeof DemoServerViewSchema>;

// ---- events --------------------------------------------------------------------------------------------------

/** "Show this job" (a notification click) or "show this server's jobs" (tray); `view` opens a view instead. */
export const FocusJobSchema = z.object({
  server: z.string().nullable(),
  jobKey: z.string().nullable(),
  view: z.enum(VIEWS).optional(),
});
export type FocusJob = z.infer<typeof FocusJobSchema>;

export const OpenViewSchema = z.object({ view: z.enum(VIEWS) });
export type OpenView = z.infer<typeof OpenViewSchema>;

// ---- the contract ----------------------------------------------------------------------------------------------

interface RequestDefinition {
  readonly channel: string;
  readonly request: z.core.$ZodType;
  readonly reply: z.core.$ZodType;
}
interface EventDefinition {
  readonly channel: string;
  readonly payload: z.core.$ZodType;
}

function request<Req extends z.core.$ZodType, Res extends z.core.$ZodType>(channel: string, req: Req, reply: Res) {
  return { channel: `jobwatch:${channel}`, request: req, reply } as const;
}
function event<P extends z.core.$ZodType>(channel: string, payload: P) {
  return { channel: `jobwatch:event:${channel}`, payload } as const;
}

export const REQUESTS = {
  /** Start receiving events; answers with the full state now. */
  subscribe: request('subscribe', NoPayload, MonitorSnapshotSchema),

  listProfiles: request('profiles:list', NoPayload, z.array(ProfileViewSchema)),
  addServer: request('profiles:add', z.object({ draft: ServerDraftSchema, secret: SecretInput }), ServerViewSchema),
  /** `secret: null` keeps the saved one. */
  updateServer: request(
    'profiles:update',
    z.object({ id: ServerId, draft: ServerDraftSchema, secret: SecretInput.nullable() }),
    ServerViewSchema,
  ),
  removeServer: request('profiles:remove', z.object({ id: ServerId }), Done),
  testConnection: request(
    'profiles:test',
    z.object({
      draft: ServerDraftSchema,
      secret: SecretInput,
      otp: z
        .string()
        .regex(/^\d{4,10}$/)
        .optional(),
    }),
    ConnectionTestResultSchema,
  ),
  probeCertificate: request('certificate:probe', z.object({ url: z.string().trim().min(1).max(2048) }), CertificateInfoSchema),
  trustFingerprint: request(
    'certificate:trust',
    z.object({ serverId: ServerId, fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) }),
    Done,
  ),

  jobDetail: request('job:detail', z.object({ key: JobKey }), JobDetailSchema.nullable()),
  abortJob: request('job:abort', z.object({ key: JobKey }), Done),
  downloadJobLog: request('job:download-log', z.object({ key: JobKey }), LogDownloadResultSchema),
  openJobInWebUi: request('job:open-web-ui', z.object({ key: JobKey }), Done),
  watchJob: request('job:watch', z.object({ key: JobKey }), Done),
  watchServer: request('server:watch', z.object({ serverId: ServerId }), Done),
  /** "Is it safe to restart or update?" across every server. */
  rebootSafety: request('servers:reboot-safety', NoPayload, RebootSafetySchema),
  /** "Tell me when it is safe": one notification once nothing runs on any server. */
  watchAllServers: request('servers:watch-all', NoPayload, Done),

  acknowledge: request('failures:acknowledge', z.object({ key: JobKey }), Done),
  acknowledgeServer: request('failures:acknowledge-server', z.object({ serverId: ServerId }), Done),
  acknowledgeAll: request('failures:acknowledge-all', NoPayload, Done),

  getSettings: request('settings:get', NoPayload, SettingsViewSchema),
  setSettings: request('settings:set', SettingsViewSchema, SettingsViewSchema),
  pauseNotifications: request('notifications:pause', z.object({ until: Until }), Done),
  muteServer: request('server:mute', z.object({ serverId: ServerId, muted: z.boolean(), until: Until }), Done),
  /** One server's own rules (checked before the global ones), with the core's rule schema. */
  getServerRules: request('server:rules:get', z.object({ serverId: ServerId }), MethodRulesSchema),
  /** Saves them and applies them at once; answers the rules as saved. */
  setServerRules: request('server:rules:set', z.object({ serverId: ServerId, rules: MethodRulesSchema }), MethodRulesSchema),
  /** The failure sound once at this volume (the one in the form, saved or not), whatever the other sound settings say. */
  playTestSound: request('sound:test', z.object({ volume: z.number().int().min(0).max(100) }), SoundTestResultSchema),

  startDemoServer: request('demo:start', NoPayload, DemoServerViewSchema),
  /** Escape in the window: hide it to the tray (the window never closes itself). */
  hideWindow: request('window:hide', NoPayload, Done),

  /** Opens the app's log folder in the file manager (only that folder). */
  openLogFolder: request('diagnostics:open-log-folder', NoPayload, Done),
  /** Builds the diagnostics report, copies it to the clipboard and returns it for the window to show. */
  copyDiagnostics: request('diagnostics:copy', NoPayload, DiagnosticsCopySchema),
} as const satisfies Record<string, RequestDefinition>;

export const EVENTS = {
  /** The full state, pushed when the window (re)subscribes. */
  snapshot: event('snapshot', MonitorSnapshotSchema),
  /** Coalesced changes, at a bounded rate. */
  delta: event('delta', MonitorDeltaSchema),
  focusJob: event('focus-job', FocusJobSchema),
  openView: event('open-view', OpenViewSchema),
} as const satisfies Record<string, EventDefinition>;

export const CONTRACT = { requests: REQUESTS, events: EVENTS } as const;

export type RequestName = keyof typeof REQUESTS;
export type EventName = keyof typeof EVENTS;
export type RequestPayload<N extends RequestName> = z.input<(typeof REQUESTS)[N]['request']>;
export type RequestReply<N extends RequestName> = z.output<(typeof REQUESTS)[N]['reply']>;
export type EventPayload<N extends EventName> = z.output<(typeof EVENTS)[N]['payload']>;

type RequestMethod<N extends RequestName> = [RequestPayload<N>] extends [undefined]
  ? () => Promise<RequestReply<N>>
  : (payload: RequestPayload<N>) => Promise<RequestReply<N>>;

export type EventMethodName<N extends EventName> = `on${Capitalize<N>}`;

/** The type of `window.jobwatch`: one method per request, one `on<Event>(listener) => unsubscribe` per event. */
export type JobwatchApi = { readonly [N in RequestName]: RequestMethod<N> } & {
  readonly [N in EventName as EventMethodName<N>]: (listener: (payload: EventPayload<N>) => void) => () => void;
};

// ---- reply envelope ------------------------------------------------------------------------------------------

/**
 * How a request's outcome travels back: `{ok: true, value}` or `{ok: false, error: {code, message}}`. An
 * envelope (rather than a thrown error) keeps the code and the human message intact across Electron's invoke,
 * which would otherwise prefix them with "Error invoking remote method…". Main passes this to IpcHandlers.
 */
export const REPLY_ENCODING = {
  ok: (value: unknown) => ({ ok: true as const, value }),
  fail: (code: ErrorCode, message: string) => ({ ok: false as const, error: { code, message } }),
};

const ReplyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }) }),
]);

/** A request that main refused or that failed; `code` is one of ERROR_CODES (AUTH_FAILED, UNREACHABLE…). */
export class JobwatchRequestError extends Error {
  override readonly name = 'JobwatchRequestError';
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---- building window.jobwatch ------------------------------------------------------------------------------------

/** Sends one request to main and resolves with what came back (in Electron: ipcRenderer.invoke). */
export type Invoke = (channel: string, payload: unknown) => Promise<unknown>;
/** Listens to one event channel; returns the unsubscribe function (in Electron: ipcRenderer.on/off). */
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

export interface ApiOptions {
  /** Told about an event that did not match its schema (it is dropped, never delivered). */
  onInvalidEvent?: (event: EventName, message: string) => void;
}

function capitalise<S extends string>(name: S): Capitalize<S> {
  return (name.charAt(0).toUpperCase() + name.slice(1)) as Capitalize<S>;
}

/**
 * Builds the `window.jobwatch` object from a transport. Payloads are checked before they leave (so a renderer bug
 * fails here, with a clear message), replies and events are checked when they arrive. The preload and the e2e
 * test bridge both use this, so the window sees the same API in the app and in tests.
 */
export function createJobwatchApi(invoke: Invoke, subscribe: Subscribe, options: ApiOptions = {}): JobwatchApi {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(REQUESTS) as RequestName[]) {
    const definition: RequestDefinition = REQUESTS[name];
    api[name] = async (payload?: unknown) => {
      const checked = z.safeParse(definition.request, payload);
      if (!checked.success)
        throw new JobwatchRequestError('INVALID_REQUEST', `Invalid request for ${name}: ${z.prettifyError(checked.error)}`);
      const raw = await invoke(definition.channel, checked.data);
      const envelope = ReplyEnvelopeSchema.safeParse(raw);
      if (!envelope.success) throw new JobwatchRequestError('INVALID_REPLY', `Unexpected reply to ${name}.`);
      if (!envelope.data.ok) throw new JobwatchRequestError(envelope.data.error.code, envelope.data.error.message);
      const reply = z.safeParse(definition.reply, envelope.data.value);
      if (!reply.success) throw new JobwatchRequestError('INVALID_REPLY', `Unexpected reply to ${name}.`);
      return reply.data;
    };
  }
  for (const name of Object.keys(EVENTS) as EventName[]) {
    const definition: EventDefinition = EVENTS[name];
    api[`on${capitalise(name)}`] = (listener: (payload: unknown) => void) =>
      subscribe(definition.channel, (payload) => {
        const checked = z.safeParse(definition.payload, payload);
        if (checked.success) listener(checked.data);
        else options.onInvalidEvent?.(name, z.prettifyError(checked.error));
      });
  }
  return Object.freeze(api) as unknown as JobwatchApi;
}

/** Every channel name, for main's registration and for tests that check nothing is missing. */
export const REQUEST_CHANNELS: readonly string[] = Object.values(REQUESTS).map((r) => r.channel);
export const EVENT_CHANNELS: readonly string[] = Object.values(EVENTS).map((e) => e.channel);
