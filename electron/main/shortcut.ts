/**
 * The global shortcut that toggles the window. Changing it never leaves the user without one: if the new
 * accelerator is invalid or taken by another app, the previous one is registered again and the error returned.
 */
import { english, type Translator } from '../core/i18n/i18n';

export interface ShortcutElectron {
  globalShortcut: {
    register(accelerator: string, callback: () => void): boolean;
    unregister(accelerator: string): void;
  };
}

export type ShortcutResult = { ok: true; accelerator: string | null } | { ok: false; accelerator: string | null; message: string };

export class ToggleShortcut {
  private active: string | null = null;

  constructor(
    private readonly electron: ShortcutElectron,
    private readonly onPress: () => void,
  ) {}

  get accelerator(): string | null {
    return this.active;
  }

  /** Switches to `accelerator` (null: none). On failure the previous shortcut stays active; `t` words the failure. */
  set(accelerator: string | null, t: Translator = english): ShortcutResult {
    const previous = this.active;
    if (accelerator === previous) return { ok: true, accelerator };
    if (previous) this.electron.globalShortcut.unregister(previous);
    this.active = null;
    if (accelerator === null) return { ok: true, accelerator: null };

    const failure = this.tryRegister(accelerator, t);
    if (failure === null) {
      this.active = accelerator;
      return { ok: true, accelerator };
    }
    if (previous && this.tryRegister(previous, t) === null) this.active = previous;
    return { ok: false, accelerator: this.active, message: failure };
  }

  dispose(): void {
    if (this.active) this.electron.globalShortcut.unregister(this.active);
    this.active = null;
  }

  /** Null on success, else why it failed, in words. */
  private tryRegister(accelerator: string, t: Translator): string | null {
    try {
      if (this.electron.globalShortcut.register(accelerator, this.onPress)) return null;
      return t('errors.shortcutInUse', { accelerator });
    } catch {
      // Electron throws on an accelerator it cannot parse.
      return t('errors.shortcutInvalid', { accelerator });
    }
  }
}
