/** "Copy diagnostics": one plain-text block a user can paste into a forum post or a ticket. */
import type { JobDetail } from '../../../electron/ipc/contract';
import { t } from './i18n.svelte';
import { desktopTime, formatDateTime, formatDuration, jobElapsed, stateLabel } from './format';

/** In the window's language: the person pastes it where they ask for help, usually in their own language. */
export function diagnosticsText(job: JobDetail, serverName: string, now: number, locale?: string): string {
  const state = stateLabel(job.state);
  const who = job.startedBy ?? t('jobDiagnostics.theSystem');
  const lines = [
    t('jobDiagnostics.job', { id: job.id, server: serverName, title: job.description ?? job.method }),
    t('jobDiagnostics.method', { method: job.method }),
    job.percent !== null ? t('jobDiagnostics.statePercent', { state, percent: `${job.percent} %` }) : t('jobDiagnostics.state', { state }),
    t('jobDiagnostics.started', { time: formatDateTime(desktopTime(job.timeStarted, job), locale) }),
    t('jobDiagnostics.finished', { time: formatDateTime(desktopTime(job.timeFinished, job), locale) }),
    t('jobDiagnostics.duration', { duration: formatDuration(jobElapsed(job, now)) ?? t('common.none') }),
    job.credentialsType
      ? t('jobDiagnostics.startedByWithCredentials', { who, credentials: job.credentialsType })
      : t('jobDiagnostics.startedBy', { who }),
    t('jobDiagnostics.arguments', { arguments: JSON.stringify(job.arguments) }),
  ];
  if (job.progressText) lines.push(t('jobDiagnostics.progress', { text: job.progressText }));
  if (job.error) lines.push(t('jobDiagnostics.error', { text: job.error }));
  if (job.excType) lines.push(t('jobDiagnostics.exceptionType', { text: job.excType }));
  if (job.exception) lines.push('', t('jobDiagnostics.traceback'), job.exception.trimEnd());
  if (job.logsExcerpt) lines.push('', t('jobDiagnostics.logExcerpt'), job.logsExcerpt.trimEnd());
  return `${lines.join('\n')}\n`;
}
