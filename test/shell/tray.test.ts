import { beforeEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { HOUR_MS, tomorrowMorning } from '../../electron/core/pause';
import {
  StatusTray,
  TRAY_STATES,
  trayIconPath,
  trayMenuTemplate,
  trayState,
  trayTooltip,
  type TrayActions,
} from '../../electron/main/tray';
import { electronDouble, resetElectronDouble, type FakeMenu, FakeTray } from './electron-double';
import { failure, job, server, snapshot } from './fixtures';
import { english, translator, type Translator } from '../../electron/core/i18n/i18n';

const NOW = new Date(2026, 0, 15, 14, 30).getTime();

function actions(): TrayActions & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    openWindow: () => calls.push('open'),
    openServer: (id) => calls.push(`server:${id}`),
    pauseUntil: (until) => calls.push(`pause:${until}`),
    acknowledgeAll: () => calls.push('ack-all'),
    openSettings: () => calls.push('settings'),
    quit: () => calls.push('quit'),
  };
}

const STATES = {
  idle: snapshot({ servers: [server('nas')] }),
  running: snapshot({ servers: [server('nas', { running: 2 })] }),
  paused: snapshot({ servers: [server('nas', { running: 2 })], pausedUntil: NOW + HOUR_MS }),
  attention: snapshot({
    servers: [server('nas', { running: 2 }), server('backup', { state: 'backoff', detail: 'Retrying in 8 s: connection refused' })],
    pausedUntil: NOW + HOUR_MS,
  }),
  failure: snapshot({
    servers: [
      server('nas', { running: 2, unacknowledged: 1 }),
      server('backup', { state: 'needs-attention', detail: 'Certificate not trusted' }),
    ],
    failures: [failure('k1')],
    pausedUntil: NOW + HOUR_MS,
  }),
} as const;

describe('tray state', () => {
  it('follows the priority failure > attention > paused > running > idle', () => {
    for (const state of TRAY_STATES) expect(trayState(STATES[state], NOW)).toBe(state);
  });

  it('does not count a session that is still connecting as offline', () => {
    expect(trayState(snapshot({ servers: [server('nas', { state: 'connecting', detail: 'Connecting' })] }), NOW)).toBe('idle');
  });

  it('treats an expired pause as not paused', () => {
    expect(trayState(snapshot({ servers: [server('nas')], pausedUntil: NOW - 1 }), NOW)).toBe('idle');
  });
});

describe('tray tooltip', () => {
  it('summarises running, failed and servers', () => {
    const s = snapshot({
      servers: [server('a', { running: 1 }), server('b', { running: 1 }), server('c')],
      failures: [failure('k1')],
    });
    expect(trayTooltip(s, NOW)).toBe('Jobwatch: 2 running · 1 failed · 3 servers');
  });

  it('adds offline servers and the pause', () => {
    expect(trayTooltip(STATES.attention, NOW)).toBe('Jobwatch: 2 running · 0 failed · 2 servers · 1 offline · paused until 15:30');
    expect(trayTooltip(snapshot({ servers: [server('a')] }), NOW)).toBe('Jobwatch: 0 running · 0 failed · 1 server');
  });
});

describe('tray menu', () => {
  it('lists open, each server with its status, pause, acknowledge, settings and quit', () => {
    const a = actions();
    const items = trayMenuTemplate(STATES.failure, NOW, a);
    const labels = items.map((i) => (i.type === 'separator' ? '---' : i.label));
    expect(labels).toEqual([
      'Open Jobwatch',
      '---',
      'NAS: Live · 2 running · 1 failure',
      'BACKUP: Certificate not trusted',
      'Safe to restart? Not yet',
      '---',
      'Notifications paused until 15:30',
      'Acknowledge all failures (1)',
      '---',
      'Settings…',
      'Quit Jobwatch',
    ]);
    items[0]?.click?.();
    items[2]?.click?.();
    items[7]?.click?.();
    items[9]?.click?.();
    items[10]?.click?.();
    expect(a.calls).toEqual(['open', 'server:nas', 'ack-all', 'settings', 'quit']);
  });

  it('pauses for an hour or until tomorrow 08:00 from the moment of the click, and resumes', () => {
    const a = actions();
    let clock = NOW;
    const items = trayMenuTemplate(STATES.paused, NOW, a, () => clock);
    const pause = items.find((i) => i.label?.startsWith('Notifications paused'))!;
    clock = NOW + 5 * HOUR_MS; // the menu was built long before it was used
    pause.submenu![0]!.click!();
    pause.submenu![1]!.click!();
    pause.submenu![2]!.click!();
    expect(a.calls).toEqual([`pause:${clock + HOUR_MS}`, `pause:${new Date(2026, 0, 16, 8, 0).getTime()}`, 'pause:null']);
    expect(pause.submenu![2]!.enabled).toBe(true);
  });

  it('disables resume when not paused and acknowledge when nothing failed, and says when there are no servers', () => {
    const items = trayMenuTemplate(snapshot(), NOW, actions());
    expect(items.find((i) => i.label === 'Pause notifications')!.submenu![2]!.enabled).toBe(false);
    expect(items.find((i) => i.label === 'Acknowledge all failures')!.enabled).toBe(false);
    expect(items.find((i) => i.label === 'No servers yet')!.enabled).toBe(false);
  });

  it('computes tomorrow morning across a month end', () => {
    expect(tomorrowMorning(new Date(2026, 0, 31, 23, 59).getTime())).toBe(new Date(2026, 1, 1, 8, 0).getTime());
  });
});

describe('tray "Safe to restart?"', () => {
  beforeEach(() => resetElectronDouble());

  const busy = snapshot({
    servers: [server('nas', { running: 1 }), server('backup')],
    jobs: [
      job('k1', { description: 'Replicate tank', percent: 42 }),
      job('k2', { server: 'nas', transient: true, method: 'alert.process_alerts' }),
    ],
  });

  it('names each running non-transient job with its progress, and offers "Tell me when it is safe"', () => {
    const base = actions();
    const a: TrayActions = { ...base, watchAllServers: () => base.calls.push('watch-all') };
    const fakeTray = new StatusTray(electronDouble, { platform: 'linux', iconDir: '/icons', actions: a, now: () => NOW });
    fakeTray.update(busy);
    const menu = FakeTray.instances.at(-1)!.contextMenu as FakeMenu;
    const item = menu.find('Safe to restart? Not yet');
    expect(item).toBeDefined();
    const labels = item!.submenu!.map((i) => i.label);
    expect(labels).toEqual([
      'Not safe: 1 job running on 1 server',
      'NAS: Replicate tank (about 40%)',
      undefined,
      'Tell me when it is safe',
    ]);
    const tell = item!.submenu!.find((i) => i.label === 'Tell me when it is safe')!;
    expect(tell.enabled).toBe(true);
    tell.click!();
    expect(base.calls).toEqual(['watch-all']);
  });

  it('shows "Tell me when it is safe" as waiting and not clickable once it is watching, in English and German', () => {
    const base = actions();
    let watching = false;
    let t: Translator = english;
    const a: TrayActions = {
      ...base,
      watchAllServers: () => {
        base.calls.push('watch-all');
        watching = true;
      },
    };
    const fakeTray = new StatusTray(electronDouble, {
      platform: 'linux',
      iconDir: '/icons',
      actions: a,
      now: () => NOW,
      translator: () => t,
      watchingSafe: () => watching,
    });
    const safetyMenu = () => (FakeTray.instances.at(-1)!.contextMenu as FakeMenu).find('Safe to restart? Not yet')!.submenu!.at(-1)!;
    fakeTray.update(busy);
    safetyMenu().click!();
    expect(base.calls).toEqual(['watch-all']);
    // The shell redraws after the click (main/app.ts); the menu now says it is waiting and offers no second click.
    fakeTray.refresh();
    expect(safetyMenu()).toMatchObject({ label: 'Watching… (tell me when it is safe)', enabled: false });
    expect(safetyMenu().click).toBeUndefined();

    t = translator('de');
    fakeTray.refresh();
    const german = (FakeTray.instances.at(-1)!.contextMenu as FakeMenu).find('Neustart möglich? Noch nicht')!.submenu!.at(-1)!;
    expect(german).toMatchObject({ label: 'Beobachtung läuft… (Benachrichtigung, sobald es möglich ist)', enabled: false });

    // Once the watch has ended (it became safe, or it was never started) the item is the plain one again.
    watching = false;
    t = english;
    fakeTray.refresh();
    expect(safetyMenu()).toMatchObject({ label: 'Tell me when it is safe', enabled: true });
  });

  it('says nothing is running when every server is live and idle, and names a server that is not live as unknown', () => {
    const idle = trayMenuTemplate(snapshot({ servers: [server('nas')] }), NOW, { ...actions(), watchAllServers: () => {} });
    const yes = idle.find((i) => i.label === 'Safe to restart? Yes')!;
    expect(yes.submenu![0]!.label).toBe('Nothing running on any server');
    expect(yes.submenu!.find((i) => i.label === 'Tell me when it is safe')!.enabled).toBe(false);

    const offline = trayMenuTemplate(
      snapshot({ servers: [server('nas', { state: 'backoff', detail: 'Retrying in 8 s' })] }),
      NOW,
      actions(),
    );
    const no = offline.find((i) => i.label === 'Safe to restart? Not yet')!;
    expect(no.submenu!.map((i) => i.label)).toEqual(['Not safe: NAS unknown (not connected)', 'NAS: unknown (Retrying in 8 s)']);
  });
});

describe('tray icons', () => {
  const iconDir = join(process.cwd(), 'build', 'tray');
  it('exists for every state on every platform (macOS template @1x/@2x, Windows .ico, Linux png)', () => {
    for (const state of TRAY_STATES) {
      for (const platform of ['darwin', 'win32', 'linux'] as const) expect(existsSync(trayIconPath(state, platform, iconDir))).toBe(true);
      expect(existsSync(join(iconDir, `tray-${state}Template@2x.png`))).toBe(true);
    }
    expect(trayIconPath('failure', 'darwin', iconDir)).toMatch(/tray-failureTemplate\.png$/);
    expect(trayIconPath('failure', 'win32', iconDir)).toMatch(/tray-failure\.ico$/);
  });
});

describe('StatusTray', () => {
  beforeEach(() => resetElectronDouble());

  function tray(platform: NodeJS.Platform, a = actions()) {
    const status = new StatusTray(electronDouble, { platform, iconDir: '/icons', actions: a, now: () => NOW });
    return { status, fake: FakeTray.instances.at(-1)!, a };
  }

  it('shows each state with its icon, tooltip and (on Linux) a context menu set with setContextMenu', () => {
    const { status, fake } = tray('linux');
    for (const state of TRAY_STATES) {
      status.update(STATES[state]);
      expect(status.state).toBe(state);
      expect(fake.image.path).toBe(`/icons/tray-${state}.png`);
      expect(fake.toolTip).toBe(trayTooltip(STATES[state], NOW));
      expect((fake.contextMenu as FakeMenu).labels()[0]).toBe('Open Jobwatch');
    }
    status.update(STATES.failure);
    expect((fake.contextMenu as FakeMenu).find('Acknowledge all failures (1)')?.enabled).toBe(true);
  });

  it('uses template images on macOS and pops the menu up on right click, opens the window on click', () => {
    const { status, fake, a } = tray('darwin');
    status.update(STATES.failure);
    expect(fake.image.path).toBe('/icons/tray-failureTemplate.png');
    expect(fake.image.template).toBe(true);
    expect(fake.contextMenu).toBeNull();
    fake.emit('right-click');
    expect(fake.poppedUp[0]?.labels()[0]).toBe('Open Jobwatch');
    fake.emit('click');
    expect(a.calls).toEqual(['open']);
  });

  it('uses .ico on Windows', () => {
    const { status, fake } = tray('win32');
    status.update(STATES.running);
    expect(fake.image.path).toBe('/icons/tray-running.ico');
  });

  it('does not rebuild the menu or the icon when nothing visible changed', () => {
    const build = vi.spyOn(electronDouble.Menu, 'buildFromTemplate');
    const { status, fake } = tray('linux');
    status.update(STATES.running);
    status.update(STATES.running);
    status.update(snapshot({ servers: [server('nas', { running: 2 })] }));
    expect(build).toHaveBeenCalledTimes(1);
    expect(fake.images.map((i) => i.path)).toEqual(['/icons/tray-idle.png', '/icons/tray-running.png']);
  });
});

describe('the tray in German', () => {
  beforeEach(() => resetElectronDouble());
  const de = translator('de');

  it('says the tooltip in German, with German plurals', () => {
    expect(trayTooltip(STATES.attention, NOW, null, de)).toBe(
      'Jobwatch: 2 laufen · 0 fehlgeschlagen · 2 Server · 1 offline · pausiert bis 15:30',
    );
    expect(trayTooltip(snapshot({ servers: [server('a', { running: 1 })] }), NOW, null, de)).toBe(
      'Jobwatch: 1 läuft · 0 fehlgeschlagen · 1 Server',
    );
  });

  it('builds every menu item in German, the session states included', () => {
    const items = trayMenuTemplate(STATES.failure, NOW, { ...actions(), watchAllServers: () => {} }, () => NOW, null, de);
    expect(items.map((i) => (i.type === 'separator' ? '---' : i.label))).toEqual([
      'Jobwatch öffnen',
      '---',
      'NAS: Verbunden · 2 laufen · 1 Fehler',
      'BACKUP: Certificate not trusted',
      'Neustart möglich? Noch nicht',
      '---',
      'Benachrichtigungen pausiert bis 15:30',
      'Alle Fehler bestätigen (1)',
      '---',
      'Einstellungen…',
      'Jobwatch beenden',
    ]);
    const pause = items[6]!.submenu!.map((i) => i.label);
    expect(pause).toEqual(['Für 1 Stunde', 'Bis morgen (08:00)', 'Fortsetzen']);
    expect(items[4]!.submenu!.map((i) => i.label)).toEqual([
      'Noch nicht: BACKUP unbekannt (nicht verbunden)',
      'BACKUP: unbekannt (Certificate not trusted)',
      undefined,
      'Benachrichtigen, sobald es möglich ist',
    ]);
    const empty = trayMenuTemplate(snapshot(), NOW, actions(), () => NOW, null, de);
    expect(empty.map((i) => i.label)).toContain('Noch keine Server');
    expect(empty.map((i) => i.label)).toContain('Benachrichtigungen pausieren');
    expect(empty.map((i) => i.label)).toContain('Alle Fehler bestätigen');
  });

  it('counts running jobs and servers in German in "Neustart möglich?"', () => {
    const busy = snapshot({
      servers: [server('nas', { running: 2 }), server('backup', { running: 1 })],
      jobs: [job('k1', { description: 'Replikation tank', percent: 42 }), job('k2', { server: 'nas' }), job('k3', { server: 'backup' })],
    });
    const item = trayMenuTemplate(busy, NOW, actions(), () => NOW, null, de).find((i) => i.label === 'Neustart möglich? Noch nicht')!;
    expect(item.submenu![0]!.label).toBe('Noch nicht: 3 Jobs laufen auf 2 Servern');
    expect(item.submenu![1]!.label).toBe('NAS: Replikation tank (etwa 40 %)');
    const idle = trayMenuTemplate(snapshot({ servers: [server('nas')] }), NOW, actions(), () => NOW, null, de);
    expect(idle.find((i) => i.label === 'Neustart möglich? Ja')!.submenu![0]!.label).toBe('Auf keinem Server läuft etwas');
  });

  it('switches language at the next redraw: the menu is rebuilt and the tooltip set again', () => {
    let t: Translator = english;
    const build = vi.spyOn(electronDouble.Menu, 'buildFromTemplate');
    build.mockClear();
    const status = new StatusTray(electronDouble, {
      platform: 'linux',
      iconDir: '/icons',
      actions: actions(),
      now: () => NOW,
      translator: () => t,
    });
    const fake = FakeTray.instances.at(-1)!;
    status.update(STATES.running);
    expect((fake.contextMenu as FakeMenu).labels()[0]).toBe('Open Jobwatch');
    status.refresh();
    expect(build).toHaveBeenCalledTimes(1);
    t = translator('de');
    status.refresh();
    expect(build).toHaveBeenCalledTimes(2);
    expect((fake.contextMenu as FakeMenu).labels()[0]).toBe('Jobwatch öffnen');
    expect(fake.toolTip).toBe('Jobwatch: 2 laufen · 0 fehlgeschlagen · 1 Server');
  });
});
