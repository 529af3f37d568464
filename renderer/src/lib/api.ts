/** The one door to the main process: the contract's API that the preload (or the e2e bridge) put on window. */
import type { JobwatchApi } from '../../../electron/ipc/contract';

declare global {
  interface Window {
    readonly jobwatch?: JobwatchApi;
  }
}

export function findApi(): JobwatchApi | null {
  return window.jobwatch ?? null;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
