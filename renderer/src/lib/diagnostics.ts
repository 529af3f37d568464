/** "Copy diagnostics": one plain-text block a user can paste into a forum post or a ticket. */
import type { JobDetail } from '../../../electron/ipc/contract';
import { STATE_LABELS, desktopTime, formatDateTime, formatDuration, jobElapsed } from './format';

export function diagnosticsText(job: JobDetail, serverName: string, now: number, locale?: string): string {
  const lines = [
    `Job ${job.id} on ${serverName}: ${job.description ?? job.method}`,
    `Method: ${job.method}`,
    `State: ${STATE_LABELS[job.state]}${job.percent !== null ? ` (${job.percent} %)` : ''}`,
    `Started: ${formatDateTime(desktopTime(job.timeStarted, job), locale)}`,
    `Finished: ${formatDateTime(desktopTime(job.timeFinished, job), locale)}`,
    `Duration: ${formatDuration(jobElapsed(job, now)) ?? '—'}`,
    `Started by: ${job.startedBy ?? 'the system'}${job.credentialsType ? ` (${job.credentialsType})` : ''}`,
    `Arguments: ${JSON.stringify(job.arguments)}`,
  ];
  if (job.progressText) lines.push(`Progress: ${job.progressText}`);
  if (job.error) lines.push(`Error: ${job.error}`);
  if (job.excType) lines.push(`Exception type: ${job.excType}`);
  if (job.exception) lines.push('', 'Traceback:', job.exception.trimEnd());
  if (job.logsExcerpt) lines.push('', 'Log excerpt:', job.logsExcerpt.trimEnd());
  return `${lines.join('\n')}\n`;
}
