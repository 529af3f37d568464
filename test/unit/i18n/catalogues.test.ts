import { describe, expect, it } from 'vitest';
import { en } from '../../../electron/core/i18n/en';
import { de } from '../../../electron/core/i18n/de';
import { english, environmentLocales, notificationActionLabels, resolveLanguage, translator } from '../../../electron/core/i18n/i18n';

/** Every leaf of a catalogue as [dotted key, text]. */
function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string' ? [[`${prefix}${key}`, value]] : leaves(value as object, `${prefix}${key}.`),
  );
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1] as string).sort();
}

describe('the catalogues', () => {
  const english = new Map(leaves(en));
  const german = new Map(leaves(de));

  it('have the same keys in English and German', () => {
    expect([...german.keys()].sort()).toEqual([...english.keys()].sort());
    expect(english.size).toBeGreaterThan(100);
  });

  it('use the same placeholders in both languages, key by key', () => {
    const differing = [...english].filter(([key, text]) => placeholders(text).join() !== placeholders(german.get(key) ?? '').join());
    expect(differing).toEqual([]);
  });

  it('have no empty text and name every plural with both forms', () => {
    for (const [key, text] of [...english, ...german]) expect(text.trim(), key).not.toBe('');
    for (const key of english.keys()) {
      if (key.endsWith('_one')) expect(english.has(key.replace(/_one$/, '_other')), key).toBe(true);
      if (key.endsWith('_other')) expect(english.has(key.replace(/_other$/, '_one')), key).toBe(true);
    }
  });

  it('has German that differs from the English where words are involved (no copy left untranslated)', () => {
    // Texts that are only placeholders, units or proper names may be equal; anything longer than a few words must not.
    const same = [...english].filter(([key, text]) => german.get(key) === text && text.replace(/\{\{[^}]+\}\}/g, '').trim().length > 12);
    expect(same).toEqual([]);
  });
});

describe('translators', () => {
  it('pick the plural form from count with the language’s plural rules', () => {
    const de = translator('de');
    expect(english('tray.servers', { count: 1 })).toBe('1 server');
    expect(english('tray.servers', { count: 3 })).toBe('3 servers');
    expect(de('tray.running', { count: 1 })).toBe('1 läuft');
    expect(de('tray.running', { count: 2 })).toBe('2 laufen');
    expect(de('safety.onServers', { count: 2 })).toBe('auf 2 Servern');
  });

  it('put values in as they are: no HTML escaping and no second interpolation of text from a server', () => {
    const de = translator('de');
    expect(de('notification.ended.FAILED', { job: 'Replikation tank/data', server: 'nas1' })).toBe(
      'Replikation tank/data ist auf nas1 fehlgeschlagen',
    );
    expect(english('notification.ended.FAILED', { job: '<b>&"', server: '{{count}} $t(tray.quit)' })).toBe(
      '<b>&" failed on {{count}} $t(tray.quit)',
    );
  });

  it('give the notification action buttons their words', () => {
    expect(notificationActionLabels()).toEqual({ acknowledge: 'Acknowledge', open: 'Open' });
    expect(notificationActionLabels(translator('de'))).toEqual({ acknowledge: 'Bestätigen', open: 'Öffnen' });
  });

  it('word the lost-job notice as before in English, with the count only from the second job on', () => {
    expect(english('access.lostNotice', { name: 'Scrub', id: 12, count: 1 })).toBe(
      'Lost sight of "Scrub" (job 12) before it finished: this account can no longer see it, so how it ended is unknown here. ' +
        'Check it in the TrueNAS web interface, or use an account with FULL_ADMIN.',
    );
    expect(english('access.lostNotice', { name: 'Scrub', id: 12, count: 3 })).toContain('before it finished (3 jobs so far): this');
    expect(translator('de')('access.lostNotice', { name: 'Scrub', id: 12, count: 3 })).toMatch(
      /^Jobwatch hat „Scrub“ \(Job 12\) aus den Augen verloren, bevor er beendet war \(bisher 3 Jobs\): /,
    );
  });

  it('say which language and locale they are for', () => {
    expect(english.language).toBe('en');
    expect(translator('de').locale).toBe('de-DE');
    expect(translator('de')).toBe(translator('de'));
  });
});

describe('resolveLanguage', () => {
  it('takes an explicit choice as it is, whatever the OS says', () => {
    expect(resolveLanguage('en', ['de-DE'])).toBe('en');
    expect(resolveLanguage('de', ['en-US'])).toBe('de');
    expect(resolveLanguage('de', [])).toBe('de');
  });

  it('follows the first OS language for system: German for any German, English for everything else', () => {
    for (const locale of ['de', 'de-DE', 'de-AT', 'de_CH.UTF-8', 'DE-de', 'de@euro'])
      expect(resolveLanguage('system', [locale]), locale).toBe('de');
    for (const locale of ['en-US', 'fr-FR', 'dense', 'nl-BE', 'es']) expect(resolveLanguage('system', [locale]), locale).toBe('en');
    expect(resolveLanguage('system', ['fr-FR', 'de-DE'])).toBe('en');
    expect(resolveLanguage('system', ['de-DE', 'en-US'])).toBe('de');
    expect(resolveLanguage('system', [])).toBe('en');
  });

  it('skips the C and POSIX locales and empty entries, which name no language', () => {
    expect(resolveLanguage('system', ['C.UTF-8', 'de_DE.UTF-8'])).toBe('de');
    expect(resolveLanguage('system', ['', 'POSIX', 'de'])).toBe('de');
    expect(resolveLanguage('system', ['C'])).toBe('en');
  });
});

describe('environmentLocales', () => {
  it('puts LANGUAGE first, then the first set of LC_ALL, LC_MESSAGES and LANG, then Intl', () => {
    expect(environmentLocales({ LANGUAGE: 'de:en', LANG: 'en_US.UTF-8' }, 'en-US')).toEqual(['de', 'en', 'en_US.UTF-8', 'en-US']);
    expect(environmentLocales({ LC_ALL: 'de_DE.UTF-8', LANG: 'en_US.UTF-8' }, 'en-US')).toEqual(['de_DE.UTF-8', 'en-US']);
    expect(environmentLocales({ LC_MESSAGES: 'de_AT', LANG: 'en_US' }, 'en-US')).toEqual(['de_AT', 'en-US']);
    expect(environmentLocales({}, 'de-DE')).toEqual(['de-DE']);
  });

  it('ignores LANGUAGE under the C locale, as gettext does', () => {
    const locales = environmentLocales({ LANGUAGE: 'de', LC_ALL: 'C' }, 'en-US');
    expect(locales).toEqual(['C', 'en-US']);
    expect(resolveLanguage('system', locales)).toBe('en');
  });
});
