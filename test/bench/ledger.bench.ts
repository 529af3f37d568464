/**
 * Settling 40 000 ledger keys against the default bound (5 000): all sharing one time_finished (the case that
 * grew without bound, with a scan per settle), and with distinct times.
 */
import { TransitionLedger } from '../../electron/core/ledger';
import { collectGarbage, medianMs } from './bench-util';

const KEYS = 40_000;
const T = 1_750_000_000_000;
const keys = Array.from({ length: KEYS }, (_, i) => `nas\u0000${i + 1}\u0000${T - 60_000}\u0000cloudsync.sync`);

function settleLine(label: string, timeOf: (i: number) => number): void {
  let ledger = new TransitionLedger();
  collectGarbage();
  const ms = medianMs(
    () => {
      ledger = new TransitionLedger();
      for (let i = 0; i < KEYS; i += 1) ledger.settle('nas', keys[i]!, timeOf(i));
    },
    { warmups: 1, runs: 5 },
  );
  const floor = ledger.floor('nas');
  console.log(
    `ledger: settle ${KEYS} keys ${label} in ${ms.toFixed(1)} ms (${((ms / KEYS) * 1000).toFixed(2)} µs/key); ` +
      `${ledger.size('nas')} keys kept (bound ${ledger.maxKeysPerServer}, hard cap ${ledger.hardMaxKeysPerServer}), ` +
      `floor ${floor === null ? 'none' : `+${((floor - T) / 1000).toFixed(3)} s`}`,
  );
}

settleLine('sharing one time_finished', () => T);
settleLine('with distinct times', (i) => T + i * 1000);
