import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRulesFile } from '../../../electron/cli/state';

const dir = mkdtempSync(join(tmpdir(), 'jobwatch-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('--rules FILE', () => {
  it('accepts just the notification rules, filling defaults', async () => {
    const rules = await loadRulesFile(
      file('rules.json', JSON.stringify({ successThresholdSec: 5, methodRules: [{ glob: 'cloudsync.*', action: 'never' }] })),
    );
    expect(rules.successThresholdSec).toBe(5);
    expect(rules.methodRules).toEqual([{ glob: 'cloudsync.*', action: 'never' }]);
    expect(rules.burstWindowMs).toBe(3000);
  });

  it('accepts the app’s whole settings and takes their notifications part', async () => {
    const rules = await loadRulesFile(
      file('settings.json', JSON.stringify({ notifications: { burstWindowMs: 500 }, ui: { theme: 'dark' } })),
    );
    expect(rules.burstWindowMs).toBe(500);
  });

  it('explains what is wrong: unreadable, not JSON, invalid values', async () => {
    await expect(loadRulesFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read .*ENOENT/);
    await expect(loadRulesFile(file('bad.json', '{ nope'))).rejects.toThrow(/not valid JSON/);
    await expect(
      loadRulesFile(file('invalid.json', JSON.stringify({ methodRules: [{ glob: 'x', action: 'sometimes' }] }))),
    ).rejects.toThrow(/invalid: methodRules\.0\.action/);
  });
});
