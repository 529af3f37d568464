/** Single-key shortcuts inside the window (as in Gitify): which key shows which view, and when keys are left alone. */
import type { ViewName } from '../../../electron/ipc/contract';

export interface Shortcut {
  key: string;
  description: string;
}

/** The keys that switch views; the help overlay lists them in this order. */
export const VIEW_SHORTCUTS: readonly { key: string; view: ViewName; description: string }[] = [
  { key: 'j', view: 'jobs', description: 'Show jobs' },
  { key: 'f', view: 'failures', description: 'Show failures' },
  { key: 'n', view: 'notifications', description: 'Show notifications' },
  { key: 's', view: 'servers', description: 'Show servers' },
  { key: ',', view: 'settings', description: 'Show settings' },
];

export const HELP_KEY = '?';

/** Everything the help overlay lists. */
export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEW_SHORTCUTS.map(({ key, description }) => ({ key, description })),
  { key: HELP_KEY, description: 'Show these keyboard shortcuts' },
  { key: 'Escape', description: 'Close this help, a dialog or the job detail; otherwise hide the window' },
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
