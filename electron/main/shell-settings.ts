/**
 * What only the desktop shell remembers: the window's size and pin, the global shortcut, start at login and
 * whether the demo server was chosen. Kept in the settings store under `shell`, validated on read so a
 * hand-edited or corrupted file falls back to defaults instead of crashing the app.
 */
import { z } from 'zod';
import type { KeyValueStore } from './secrets';
import type { Size, WindowPreferences } from './window';

export const DEFAULT_SHORTCUT = 'CommandOrControl+Shift+J';

export const ShellSettingsSchema = z.object({
  windowSize: z.object({ width: z.number(), height: z.number() }).nullable().catch(null),
  alwaysOnTop: z.boolean().catch(true),
  shortcut: z.string().max(100).nullable().catch(DEFAULT_SHORTCUT),
  startAtLogin: z.boolean().catch(false),
  demo: z.boolean().catch(false),
});
export type ShellSettings = z.infer<typeof ShellSettingsSchema>;

const DEFAULTS: ShellSettings = { windowSize: null, alwaysOnTop: true, shortcut: DEFAULT_SHORTCUT, startAtLogin: false, demo: false };
const KEY = 'shell';

export class ShellSettingsStore {
  constructor(private readonly store: KeyValueStore) {}

  read(): ShellSettings {
    const raw = this.store.get(KEY);
    const parsed = ShellSettingsSchema.safeParse({ ...DEFAULTS, ...(raw && typeof raw === 'object' ? raw : {}) });
    return parsed.success ? parsed.data : { ...DEFAULTS };
  }

  update(patch: Partial<ShellSettings>): ShellSettings {
    const next = { ...this.read(), ...patch };
    this.store.set(KEY, next);
    return next;
  }

  /** The window's view of these settings. */
  windowPreferences(): WindowPreferences {
    return {
      load: () => {
        const s = this.read();
        return { size: s.windowSize, alwaysOnTop: s.alwaysOnTop };
      },
      saveSize: (size: Size) => void this.update({ windowSize: size }),
      saveAlwaysOnTop: (flag: boolean) => void this.update({ alwaysOnTop: flag }),
    };
  }
}
