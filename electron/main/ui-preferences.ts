/**
 * The window's size and pin, read from and saved to the core's settings (`ui` section), so the renderer's
 * settings view and the shell never disagree. Saving is fire-and-forget: a failed write is logged, and the
 * window keeps working.
 */
import type { SettingsAccess } from '../core/desktop-monitor';
import type { UiSettings } from '../core/settings';
import type { Size, WindowPreferences } from './window';

export class UiPreferences {
  constructor(
    private readonly settings: SettingsAccess,
    private readonly warn: (message: string) => void = () => undefined,
  ) {}

  get(): UiSettings {
    return this.settings.get().ui;
  }

  windowPreferences(): WindowPreferences {
    return {
      load: () => {
        const ui = this.get();
        return { size: ui.windowBounds, alwaysOnTop: ui.alwaysOnTop };
      },
      saveSize: (size: Size) => this.save({ windowBounds: { width: size.width, height: size.height } }),
      saveAlwaysOnTop: (flag: boolean) => this.save({ alwaysOnTop: flag }),
    };
  }

  private save(patch: Partial<UiSettings>): void {
    const current = this.settings.get();
    const next = { ...current, ui: { ...current.ui, ...patch } };
    if (JSON.stringify(next.ui) === JSON.stringify(current.ui)) return;
    this.settings.update(next).catch((err: unknown) => this.warn(`Could not save the window preferences: ${(err as Error).message}`));
  }
}
