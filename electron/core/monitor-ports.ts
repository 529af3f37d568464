/**
 * What the monitor is given: how to reach a server, where saved servers live, the notification rules and the
 * failure list it drives, and its options. Types only; the composition roots (desktop-monitor.ts, the CLI) fill them.
 */
import type { Translator } from './i18n/i18n';
import type { ServerId, Transition } from './model';
import type { TransitionLedger } from './ledger';
import type { SessionTimings } from './session';
import type { FollowupTimings } from './job-followup';
import type { RpcConnection } from './protocol/connection';
import type { MissedRunTimings } from './missed-runs';
import type { Logger } from './ports';
import type { CertificateInfo, ServerDraft } from './monitor-api';
import type { FailureView, NotificationView } from './view';
import type { RunHistory } from './history';
import type { Insight } from './insights';
import type { TransitionContext } from './planner';

/** What the monitor needs to know to follow one server. */
export interface ServerTarget {
  id: ServerId;
  name: string;
  url: string;
  auth: ServerDraft['auth'];
  fingerprint256: string | null;
  muted: boolean;
  mutedUntil: number | null;
  /** Offer permessage-deflate to this server (a slow link); absent = the protocol layer's default (off). */
  compression?: boolean;
}

/** How a server's connection is opened and authenticated; production uses the protocol layer. */
export interface ServerConnector {
  connect(target: ServerTarget): Promise<RpcConnection>;
  login(connection: RpcConnection, target: ServerTarget, secret: string | null, otp?: string): Promise<void>;
  probe(url: string): Promise<CertificateInfo>;
  /**
   * Fetches a URL path (a /_download/… link) from the server that `endpoint` (the ws(s):// URL in use) belongs to,
   * over HTTP(S) with the same certificate policy.
   */
  download(target: ServerTarget, endpoint: string, path: string, options?: { signal?: AbortSignal }): Promise<string>;
}

/** Saved servers and their secrets (profiles repository + secret store), or an in-memory list for the CLI. */
export interface ServerDirectory {
  list(): Promise<ServerTarget[]>;
  secret(id: ServerId): Promise<string | null>;
  save(target: ServerTarget, secret: string | null): Promise<void>;
  remove(id: ServerId): Promise<void>;
}

/** The notification rules, as a planner driven by the monitor's clock. */
export interface NotificationPolicy {
  push(transition: Transition, now: number, context?: TransitionContext): void;
  /** Plans an insight's notification (absent: insights are only told to listeners). */
  pushInsight?(insight: Insight, now: number): void;
  /** The stalled threshold the user chose (ms). */
  stalledAfterMs?(): number;
  /** How late a scheduled run may start before it is "missed", as the user chose it (ms). */
  missedRunToleranceMs?(): number;
  due(now: number): NotificationView[];
  nextDueAt(): number | null;
  watchJob(key: string): void;
  watchServer(server: ServerId, runningKeys: string[]): void;
  /** "Tell me when it is safe": waits for `allServersSafe` (absent: not offered). */
  watchAllServers?(): void;
  /** Every server is live with nothing running: the all-servers watch notifies once, in this server's burst. */
  allServersSafe?(server: ServerId, now: number): void;
  unwatchAllServers?(): void;
  setPausedUntil(until: number | null): void;
  pausedUntil(): number | null;
  setServerMute(server: ServerId, muted: boolean, until: number | null): void;
}

/** Unacknowledged failures. */
export interface FailureList {
  /** `task` folds a failure into an earlier unacknowledged one of the same task ("still failing"). */
  add(transition: Transition, now: number, options?: { task?: string }): void;
  acknowledge(key: string): void;
  acknowledgeServer(server: ServerId): void;
  acknowledgeAll(): void;
  list(): FailureView[];
  onChange(listener: () => void): () => void;
}

export interface MonitorOptions {
  connector: ServerConnector;
  directory: ServerDirectory;
  /** The ledger, or a getter for one that `prepare` loads. */
  ledger: TransitionLedger | (() => TransitionLedger);
  /** Loads persisted state before the first server is followed. */
  prepare?: () => Promise<void>;
  policy: NotificationPolicy;
  failures: FailureList;
  now?: () => number;
  timings?: Partial<SessionTimings>;
  /** How many notifications are kept for the window's list. */
  notificationHistory?: number;
  /** Called before stop() returns, to flush persisted state. */
  flush?: () => Promise<void>;
  /** Told when notifications are paused or resumed, to persist it. */
  onPausedChange?: (until: number | null) => void;
  /** Asked when a server wants a one-time password during login; null = none available. */
  askOtp?: (server: ServerTarget) => Promise<string | null>;
  /** Looking up restricted accounts' silent jobs (tests shorten these). */
  followup?: Partial<FollowupTimings>;
  /** Overall deadline of one log download, from asking the server to the last byte. Default 60 s. */
  logDownloadTimeoutMs?: number;
  /** Where a failing listener is reported (it never stops the others, nor the failure inbox). */
  logger?: Logger;
  /** The run history per task (persisted by the caller); in memory when absent. */
  history?: RunHistory;
  /** How often running jobs are checked for slow and stalled runs, and their thresholds (tests shorten these). */
  insights?: Partial<InsightTimings>;
  /** Missed scheduled runs: tolerance (the CLI's --missed-run-tolerance; else the policy's), refresh and check intervals (tests shorten these). */
  missedRuns?: Partial<MissedRunTimings>;
  /** The language of the servers' status lines in the views, read each time a view is built; English without it. */
  translator?: () => Translator;
}

export interface InsightTimings {
  /** Default 15 s. */
  checkIntervalMs: number;
  /** Overrides the policy's (the user's setting). */
  stalledAfterMs: number;
  /** The p90 margin of slower-than-usual; default 10 min. */
  slowMarginMs: number;
}
