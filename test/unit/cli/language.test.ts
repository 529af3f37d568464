/** `jobwatch watch --language en|de`: the words of notifications only; English by default. */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../electron/cli/arguments';
import { openCliState } from '../../../electron/cli/state';
import { NOON, transition } from '../rules/fixtures';

const env = { KEY: 'k'.repeat(64) };

describe('--language', () => {
  it('is accepted for watch as en or de, and refused otherwise or elsewhere', async () => {
    const de = await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY', '--language', 'de'], env);
    expect(de.ok && de.value.command === 'watch' && de.value.language).toBe('de');
    const none = await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY'], env);
    expect(none.ok && none.value.command === 'watch' && none.value.language).toBeUndefined();
    const fr = await parseCommandLine(['watch', '--url', 'nas', '--api-key-env', 'KEY', '--language', 'fr'], env);
    expect(fr).toMatchObject({ ok: false, message: expect.stringContaining('must be en or de') });
    const list = await parseCommandLine(['list', '--url', 'nas', '--api-key-env', 'KEY', '--language', 'de'], env);
    expect(list).toEqual({ ok: false, message: '--language does not apply to list' });
  });

  it('writes the notifications of the CLI’s planners in that language, English without it', async () => {
    const warn = () => undefined;
    const german = await openCliState({ language: 'de', notify: false, warn });
    german.policy.push(transition(), NOON);
    expect(german.policy.flush(NOON)[0]?.title).toBe('Replikation ist auf nas1 fehlgeschlagen');
    expect(german.silentPolicy.translator.language).toBe('de');
    const english = await openCliState({ notify: false, warn });
    english.policy.push(transition(), NOON);
    expect(english.policy.flush(NOON)[0]?.title).toBe('Replication failed on nas1');
  });
});
