/** The global `web-contents-created` hook: any web contents the app gets, not only the window's, is guarded. */
import { beforeEach, describe, expect, it } from 'vitest';
import { guardAllWebContents } from '../../electron/main/security';
import { electronDouble, FakeWebContents, resetElectronDouble } from './electron-double';

/** What a web contents created behind the app's back (a popup, a webview, a second window) would face. */
function expectGuarded(contents: FakeWebContents): void {
  expect(contents.tryEvent('will-navigate', 'https://evil.example/')).toBe(true);
  expect(contents.tryEvent('will-redirect', 'https://evil.example/')).toBe(true);
  expect(contents.tryEvent('will-frame-navigate', 'https://evil.example/')).toBe(true);
  expect(contents.tryEvent('will-frame-navigate', 'app://jobwatch/index.html')).toBe(false);
  expect(contents.tryEvent('will-attach-webview')).toBe(true);
  expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  let granted: boolean | null = null;
  contents.session.permissionRequestHandler?.(contents, 'media', (g: boolean) => (granted = g));
  expect(granted).toBe(false);
  expect(contents.session.permissionCheckHandler?.(contents, 'notifications')).toBe(false);
}

describe('global web contents guard', () => {
  beforeEach(() => resetElectronDouble());

  it('guards every web contents created after it is registered, with permissions denied in its own session', () => {
    guardAllWebContents(electronDouble.app);
    for (let i = 0; i < 2; i++) {
      const contents = new FakeWebContents();
      electronDouble.app.emit('web-contents-created', {}, contents);
      expectGuarded(contents);
    }
  });

  it('leaves nothing unguarded without it (the test can fail)', () => {
    const contents = new FakeWebContents();
    electronDouble.app.emit('web-contents-created', {}, contents);
    expect(contents.tryEvent('will-navigate', 'https://evil.example/')).toBe(false);
    expect(contents.windowOpenHandler).toBeNull();
  });
});
