/**
 * What the command line means once parsed and validated (by ./arguments), and what ./main runs. Its own module so
 * the parser and the runner both depend on it, not on each other.
 */
import type { SimVersion } from '../sim/types';
import type { CliServer } from './watch';
import type { UiLanguage } from '../core/i18n/i18n';

/** The parsed, validated command line (see ./arguments). */
export type CliCommand =
  | { command: 'help' }
  | { command: 'version' }
  | { command: 'sim'; port: number; host: string; tls: boolean; scenario?: string | undefined; 'truenas-version'?: SimVersion | undefined }
  | {
      command: 'watch' | 'list';
      servers: CliServer[];
      json: boolean;
      stateDir?: string | undefined;
      rulesFile?: string | undefined;
      notify?: boolean | undefined;
      otpEnv?: string | undefined;
      /** list only: seconds to wait for servers that cannot be reached. */
      timeoutSec?: number | undefined;
      /** watch only: print transient jobs' transitions and notifications (left out by default). */
      includeTransient?: boolean | undefined;
      /** watch only: the command run for each shown notification (argv, never a shell). */
      exec?: { argv: string[]; timeoutSec: number } | undefined;
      /** watch only: --missed-run-tolerance in ms (the rules' notifications.missedRunToleranceMin when absent). */
      missedRunToleranceMs?: number | undefined;
      /** watch only: --language, the words of notifications (English when absent). */
      language?: UiLanguage | undefined;
    };
