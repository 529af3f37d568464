// An --exec hook for tests: writes what it was given (argv, JOBWATCH_* variables, stdin, every variable's name) to OUT_DIR/<notification id>.json. Behaves by the notification body: "[EFAULT] hang" starts a
// grandchild and never exits; "[EFAULT] fail" complains on stderr and exits 3.
import { spawn } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, ...rest] = process.argv.slice(2);
let stdin = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) stdin += chunk;
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('JOBWATCH_')));
const body = process.env.JOBWATCH_BODY ?? '';
// Written whole or not at all: the test reads the directory while hooks run.
function save(record) {
  const path = join(outDir, `${record.env.JOBWATCH_NOTIFICATION_ID}.json`);
  writeFileSync(`${path}.tmp`, JSON.stringify(record));
  renameSync(`${path}.tmp`, path);
}
const record = { argv: rest, env, stdin, names: Object.keys(process.env), cwd: process.cwd(), pid: process.pid, grandchild: null };
if (body.includes('[EFAULT] hang')) {
  const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  record.grandchild = grandchild.pid;
  save(record);
  setInterval(() => {}, 1000);
} else {
  save(record);
  if (body.includes('[EFAULT] fail')) {
    process.stderr.write('posting to ntfy failed: no route to host\n');
    process.exit(3);
  }
}
