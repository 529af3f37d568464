/** Single-key shortcuts inside the window (as in Gitify): which key shows which view, and when keys are left alone. */
import type { ViewName } from '../../../electron/ipc/contract';
import type { MessageKey } from './i18n.svelte';

export interface Shortcut {
  key: string;
  /** What the key does, as a catalogue key (the help overlay says it in the window's language). */
  description: MessageKey;
}

/** The keys that switch views; the help overlay lists them in this order. */
export const VIEW_SHORTCUTS: readonly { key: string; view: ViewName; description: MessageKey }[] = [
  { key: 'j', view: 'jobs', description: 'shortcuts.jobs' },
  { key: 'f', view: 'failures', description: 'shortcuts.failures' },
  { key: 'n', view: 'notifications', description: 'shortcuts.notifications' },
  { key: 's', view: 'servers', description: 'shortcuts.servers' },
  { key: ',', view: 'settings', description: 'shortcuts.settings' },
];

export const HELP_KEY = '?';

/** Everything the help overlay lists. */
export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEW_SHORTCUTS.map(({ key, description }) => ({ key, description })),
  { key: HELP_KEY, description: 'shortcuts.help' },
  { key: 'Escape', description: 'shortcuts.escape' },
];

/** True when a key belongs to what the user is typing into, not to the window. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('[contenteditable]:not([contenteditable="false"])')) return true;
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

/** True while a dialog or a menu is open: its keys are its own. */
export function popupOpen(doc: Document = document): boolean {
  return doc.querySelector('dialog[open], [aria-modal="true"]:not(dialog), [aria-expanded="true"]') !== null;
}

/** The shortcut a key press means, or null when it should do nothing here. */
export function shortcutFor(event: KeyboardEvent): ViewName | 'help' | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return null;
  if (isTypingTarget(event.target) || popupOpen()) return null;
  if (event.key === HELP_KEY) return 'help';
  return VIEW_SHORTCUTS.find((s) => s.key === event.key)?.view ?? null;
}
