/**
 * The window's language: which catalogue its words come from (locales/en.ts, locales/de.ts, through one i18next
 * instance) and which locale its dates and numbers use. The setting is `settings.ui.language`; 'system' means the
 * browser's languages (navigator.languages, which Electron fills from the OS): German when the first is German,
 * English otherwise. The main process has catalogues of its own (tray, notifications); the layer rules keep the
 * window from importing them.
 *
 * `t` reads the current language from a rune, so a template or $derived that calls it renders again when the
 * language changes.
 */
import { createInstance } from 'i18next';
import { UI_LANGUAGES, resolveLanguage, type Language, type UiLanguage } from '../../../electron/ipc/constants';
import { de } from '../locales/de';
import { en, type Catalogue } from '../locales/en';

export { resolveLanguage };

/** Every key of a catalogue, as the dot path t() takes; plural forms by their base name (count picks the form). */
type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
type WithoutPluralSuffix<K extends string> = K extends `${infer Base}_${'one' | 'other'}` ? Base : K;
export type MessageKey = WithoutPluralSuffix<Paths<Catalogue>>;

export type MessageValues = Readonly<Record<string, string | number>>;

const translator = createInstance();
void translator.init({
  resources: { en: { translation: en }, de: { translation: de } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...UI_LANGUAGES],
  // The catalogues are in the bundle: ready before the first render, without a backend.
  initAsync: false,
  // Svelte escapes text when it renders it; i18next escaping as well would show "&amp;" for a server's "&".
  interpolation: { escapeValue: false },
  returnNull: false,
});

/**
 * The locale for Intl: undefined under 'system' (the OS's own regional format, as before languages existed);
 * for a chosen language the first of the browser's languages in it ("en-GB" keeps day-month order and a 24-hour
 * clock for English), else the bare language.
 */
export function resolveLocale(setting: Language, preferred: readonly string[]): string | undefined {
  if (setting === 'system') return undefined;
  return preferred.find((tag) => primarySubtag(tag) === setting) ?? setting;
}

function primarySubtag(tag: string): string {
  return tag.split('-')[0]?.toLowerCase() ?? '';
}

function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}

class WindowLocale {
  setting = $state<Language>('system');
  preferred = $state.raw<readonly string[]>(browserLanguages());
  readonly language = $derived(resolveLanguage(this.setting, this.preferred));
  readonly locale = $derived(resolveLocale(this.setting, this.preferred));
}

const current = new WindowLocale();

/** The language the window shows now. */
export function windowLanguage(): UiLanguage {
  return current.language;
}

/** The locale dates and numbers use now (undefined: the OS's). */
export function windowLocale(): string | undefined {
  return current.locale;
}

/** Follows a language setting (at start and whenever settings are saved), and keeps <html lang> in step. */
export function applyLanguage(setting: Language): void {
  current.preferred = browserLanguages();
  current.setting = setting;
  syncDocumentLanguage();
}

/** The browser's languages changed (the OS language, under 'system'). */
function onLanguageChange(): void {
  current.preferred = browserLanguages();
  syncDocumentLanguage();
}

function syncDocumentLanguage(): void {
  if (typeof document === 'undefined') return;
  // Screen readers pick their voice from lang, and hyphenation and quotes follow it.
  document.documentElement.lang = current.language;
}

if (typeof window !== 'undefined') {
  window.addEventListener('languagechange', onLanguageChange);
  syncDocumentLanguage();
}

/** The window's text for `key` in the current language; `count` picks a plural form (`_one`/`_other`). */
export function t(key: MessageKey, values?: MessageValues): string {
  return translator.t(key, { ...values, lng: current.language });
}

/** A piece of a message: its own text, or the place where the element for a placeholder goes. */
export type MessagePart = { text: string; slot?: never } | { slot: string; text?: never };

// Private-use characters no catalogue contains: they mark where each slot's placeholder was.
const SLOT_START = '\uE000';
const SLOT_END = '\uE001';

/**
 * A message whose placeholders `slots` are elements rather than text (server text in a bidi-isolated span, say):
 * the parts in the language's own order, so "Abort {{job}} on {{server}}?" and "{{job}} auf {{server}} abbrechen?"
 * both come out right. The template renders each slot part as its element.
 */
export function tParts(key: MessageKey, slots: readonly string[], values?: MessageValues): MessagePart[] {
  const marked: Record<string, string | number> = { ...values };
  for (const slot of slots) marked[slot] = `${SLOT_START}${slot}${SLOT_END}`;
  const parts: MessagePart[] = [];
  for (const piece of t(key, marked).split(SLOT_START)) {
    const end = piece.indexOf(SLOT_END);
    if (end >= 0) parts.push({ slot: piece.slice(0, end) });
    const text = end >= 0 ? piece.slice(end + 1) : piece;
    if (text) parts.push({ text });
  }
  return parts;
}
