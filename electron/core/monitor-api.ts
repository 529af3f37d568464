/**
 * The monitor's public face: what the CLI, the Electron composition root and the renderer's test bridge use.
 * The implementation (monitor.ts) wires sessions, job books, rules, failures and persistence behind it.
 */
import type { ErrorCode } from './errors';
import type { Transition } from './model';
import type { RebootSafety } from './reboot-safety';
import type { FailureView, JobDetail, MonitorDelta, MonitorSnapshot, NotificationView, ServerView } from './view';

/** A server as the user describes it before it is saved (the add/edit form). */
export interface ServerDraft {
  name: string;
  /** Host, host:port, https://…, or an explicit ws(s)://… URL. */
  url: string;
  auth: {
    method: 'api-key' | 'password';
    username: string;
    /**
     * Send the password even over plain ws:// to a non-loopback host, where anyone on the network can read it. Only
     * ever for passwords (an API key is revoked by TrueNAS when sent that way); absent means false.
     */
    allowInsecurePassword?: boolean;
  };
  /** Pinned SHA-256 certificate fingerprint ("AB:CD:…"), when the user trusted a self-signed certificate. */
  fingerprint256: string | null;
}

export interface CertificateInfo {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  selfSigned: boolean;
  trustedBySystem: boolean;
}

/** Outcome of "test connection" in words a person understands; `code` lets the UI offer the right next step. */
export type ConnectionTestResult =
  | { ok: true; flavor: 'jsonrpc' | 'legacy'; endpoint: string; jobs: number }
  | { ok: false; code: ErrorCode; message: string; certificate?: CertificateInfo; otpRequired?: boolean };

export interface LogDownload {
  filename: string;
  content: string;
}

export interface MonitorApi {
  snapshot(): MonitorSnapshot;
  /** Raw (uncoalesced) changes; the shell batches them for the renderer. Returns an unsubscribe function. */
  onDelta(listener: (delta: MonitorDelta) => void): () => void;
  onTransition(listener: (transition: Transition) => void): () => void;
  /** Notifications decided by the rules, including suppressed ones (flagged). */
  onNotification(listener: (notification: NotificationView) => void): () => void;
  onServerChange(listener: (server: ServerView) => void): () => void;

  addServer(draft: ServerDraft, secret: string): Promise<ServerView>;
  updateServer(id: string, draft: ServerDraft, secret: string | null): Promise<ServerView>;
  removeServer(id: string): Promise<void>;
  testConnection(draft: ServerDraft, secret: string, otp?: string): Promise<ConnectionTestResult>;
  probeCertificate(url: string): Promise<CertificateInfo>;
  /** Trust a certificate by pinning its fingerprint, then reconnect. */
  trustCertificate(serverId: string, fingerprint256: string): Promise<void>;

  jobDetail(key: string): JobDetail | null;
  abortJob(key: string): Promise<void>;
  downloadJobLog(key: string): Promise<LogDownload>;
  acknowledge(key: string): void;
  acknowledgeServer(serverId: string): void;
  acknowledgeAll(): void;
  failures(): FailureView[];
  watchJob(key: string): void;
  watchServer(serverId: string): void;
  /** "Is it safe to restart or update?" across every server (a server that is not live is unknown, never safe). */
  rebootSafety(): RebootSafety;
  /** "Tell me when it is safe": one notification once every job running now, on any server, has finished. */
  watchAllServers(): void;
  pauseNotifications(until: number | null): void;
  muteServer(serverId: string, until: number | null, muted: boolean): Promise<void>;

  /** After sleep, unlock or a network change: reconnect every session at once. */
  wake(): void;
  networkChanged(): void;
  start(): Promise<void>;
  /** Closes every socket and flushes persisted state. */
  stop(): Promise<void>;
}
