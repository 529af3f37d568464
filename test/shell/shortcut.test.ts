import { beforeEach, describe, expect, it } from 'vitest';
import { ToggleShortcut } from '../../electron/main/shortcut';
import { electronDouble, resetElectronDouble } from './electron-double';
import { translator } from '../../electron/core/i18n/i18n';

describe('global shortcut', () => {
  beforeEach(() => resetElectronDouble());

  it('registers a shortcut that toggles the window', () => {
    let presses = 0;
    const shortcut = new ToggleShortcut(electronDouble, () => presses++);
    expect(shortcut.set('CommandOrControl+Shift+J')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+J' });
    electronDouble.globalShortcut.press('CommandOrControl+Shift+J');
    expect(presses).toBe(1);
  });

  it('rolls back to the previous shortcut when the new one is taken', () => {
    const shortcut = new ToggleShortcut(electronDouble, () => undefined);
    shortcut.set('CommandOrControl+Shift+J');
    electronDouble.globalShortcut.taken.add('Alt+Space');
    const result = shortcut.set('Alt+Space');
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ accelerator: 'CommandOrControl+Shift+J', message: expect.stringContaining('already used') });
    expect(shortcut.accelerator).toBe('CommandOrControl+Shift+J');
    expect([...electronDouble.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Shift+J']);
  });

  it('says why in the language it is given', () => {
    const shortcut = new ToggleShortcut(electronDouble, () => undefined);
    electronDouble.globalShortcut.taken.add('Alt+Space');
    const de = translator('de');
    expect(shortcut.set('Alt+Space', de)).toMatchObject({
      ok: false,
      message: 'Das Tastenkürzel Alt+Space wird bereits von einem anderen Programm verwendet.',
    });
    expect(shortcut.set('Hyper+Banana', de)).toMatchObject({ ok: false, message: '„Hyper+Banana“ ist kein gültiges Tastenkürzel.' });
  });

  it('rolls back when the new accelerator is invalid', () => {
    const shortcut = new ToggleShortcut(electronDouble, () => undefined);
    shortcut.set('Alt+J');
    const result = shortcut.set('Hyper+Banana');
    expect(result).toMatchObject({ ok: false, accelerator: 'Alt+J', message: expect.stringContaining('not a valid shortcut') });
    expect(electronDouble.globalShortcut.isRegistered('Alt+J')).toBe(true);
  });

  it('can be turned off and switched', () => {
    const shortcut = new ToggleShortcut(electronDouble, () => undefined);
    shortcut.set('Alt+J');
    shortcut.set('Alt+K');
    expect([...electronDouble.globalShortcut.registered.keys()]).toEqual(['Alt+K']);
    expect(shortcut.set(null)).toEqual({ ok: true, accelerator: null });
    expect(electronDouble.globalShortcut.registered.size).toBe(0);
  });
});
