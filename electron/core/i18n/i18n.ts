/**
 * Message catalogues for the core and the main process (notifications, tray, update and recovery text), through
 * i18next. The window has its own catalogues (renderer/src/locales): the renderer may not import the core.
 *
 * A Translator is a plain function of a key and values, bound to one language, so code that writes text takes
 * one as a parameter (English by default) and tests can call it without any global state.
 */
import { createInstance, type i18n } from 'i18next';
import { UI_LANGUAGES, type UiLanguage } from '../settings-defaults';
import { de } from './de';
import { en } from './en';

export { UI_LANGUAGES, resolveLanguage, type UiLanguage } from '../settings-defaults';

export const CATALOGUES = { en, de } as const;

type PluralStripped<K extends string> = K extends `${infer Base}_one` ? Base : K extends `${infer Base}_other` ? Base : K;

/** Every dotted key of a catalogue, plural forms named once without their `_one` / `_other` suffix. */
type KeysOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${PluralStripped<K>}` : KeysOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = KeysOf<typeof en>;

/** Values put into a message; `count` also picks the plural form. */
export type MessageValues = Readonly<Record<string, string | number>>;

export interface Translator {
  (key: MessageKey, values?: MessageValues): string;
  readonly language: UiLanguage;
  /** The BCP 47 tag for Intl formatting of dates and numbers in this language. */
  readonly locale: string;
}

let shared: i18n | null = null;

/** One i18next instance for both catalogues: they are bundled, so initialisation is synchronous. */
function instance(): i18n {
  if (shared) return shared;
  const created = createInstance();
  void created.init({
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...UI_LANGUAGES],
    resources: { en: { translation: en }, de: { translation: de } },
    initAsync: false,
    // Plain text everywhere (notifications, tray menus, dialogs): nothing to escape for HTML, and the Linux
    // notification body is escaped where it is handed over (main/notifications.ts).
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  shared = created;
  return created;
}

const LOCALES: Readonly<Record<UiLanguage, string>> = { en: 'en-US', de: 'de-DE' };
const translators = new Map<UiLanguage, Translator>();

/** The translator for a language (made once, then shared). */
export function translator(language: UiLanguage): Translator {
  const known = translators.get(language);
  if (known) return known;
  // i18next's own types follow its resources' typing (not declared here); the keys are checked by MessageKey.
  const fixed = instance().getFixedT(language) as unknown as (key: string, values?: MessageValues) => string;
  const translate = ((key: MessageKey, values?: MessageValues) => fixed(key, values)) as Translator;
  Object.defineProperties(translate, { language: { value: language }, locale: { value: LOCALES[language] } });
  translators.set(language, translate);
  return translate;
}

/** English: the CLI's and the logs' language, and every text function's default. */
export const english: Translator = translator('en');

/**
 * The OS languages a command line sees, most preferred first: the POSIX variables in their order of precedence
 * (LC_ALL over LC_MESSAGES over LANG; LANGUAGE is a colon-separated list GNU gettext honours first), then what
 * Intl reports.
 */
export function environmentLocales(
  env: Readonly<Record<string, string | undefined>>,
  intlLocale: string = Intl.DateTimeFormat().resolvedOptions().locale,
): string[] {
  // The first of these that is set wins (POSIX): the ones below it do not apply.
  const posix = ['LC_ALL', 'LC_MESSAGES', 'LANG'].map((name) => env[name]).find((value) => value !== undefined && value.length > 0);
  const out: string[] = [];
  // gettext honours LANGUAGE before them, but not when the locale is C or POSIX (untranslated on purpose).
  const language = env['LANGUAGE'];
  if (language && !(posix !== undefined && /^(c|posix)(\.|$)/i.test(posix)))
    out.push(...language.split(':').filter((l: string) => l.length > 0));
  if (posix !== undefined) out.push(posix);
  out.push(intlLocale);
  return out;
}

/**
 * English lists keep the core's style, without a comma before "and" (en-GB's; en-US would add one); other
 * languages list as their locale does.
 */
const LIST_LOCALES: Readonly<Record<UiLanguage, string>> = { en: 'en-GB', de: 'de-DE' };
const listFormats = new Map<UiLanguage, Intl.ListFormat>();

/** "a, b and c" in `t`'s language (Intl.ListFormat, conjunction). */
export function listIn(items: readonly string[], t: Translator = english): string {
  let format = listFormats.get(t.language);
  if (!format) {
    format = new Intl.ListFormat(LIST_LOCALES[t.language], { style: 'long', type: 'conjunction' });
    listFormats.set(t.language, format);
  }
  return format.format(items);
}

/** The words on a failure notification's action buttons (main/notifications.ts), in a translator's language. */
export function notificationActionLabels(t: Translator = english): { acknowledge: string; open: string } {
  return { acknowledge: t('notificationActions.acknowledge'), open: t('notificationActions.open') };
}
