import { jobKey, type Transition } from '../../../electron/core/model';
import type { NotificationSettings } from '../../../electron/core/settings';
import { NotificationSettingsSchema } from '../../../electron/core/settings';

let nextId = 1;

/** A terminal transition; by default a non-transient replication that ran 10 minutes and failed. */
export function transition(over: Partial<Transition> = {}): Transition {
  const jobId = over.jobId ?? nextId++;
  const server = over.server ?? 'nas1';
  const method = over.method ?? 'replication.run';
  const timeStarted = over.timeStarted === undefined ? 1_000_000 : over.timeStarted;
  return {
    server,
    key: jobKey(server, { id: jobId, timeStarted, method }),
    jobId,
    method,
    description: null,
    transient: false,
    from: 'RUNNING',
    to: 'FAILED',
    error: '[EFAULT] Failed to connect to remote host.',
    timeStarted,
    timeFinished: timeStarted === null ? null : timeStarted + 600_000,
    catchUp: false,
    ...over,
  };
}

export function settings(over: Partial<NotificationSettings> = {}): NotificationSettings {
  return { ...NotificationSettingsSchema.parse({}), ...over };
}

/** 2026-03-02 12:00 UTC; tests pass minuteOfDay explicitly so the machine's time zone never matters. */
export const NOON = Date.UTC(2026, 2, 2, 12, 0, 0);
export const utcMinuteOfDay = (now: number): number => {
  const d = new Date(now);
  return d.getUTCHours() * 60 + d.getUTCMinutes();
};
export const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
