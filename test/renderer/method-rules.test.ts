import { fireEvent, render, waitFor } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import ServerRulesPanel from '../../renderer/src/components/ServerRulesPanel.svelte';
import ServersView from '../../renderer/src/components/ServersView.svelte';
import SettingsView from '../../renderer/src/components/SettingsView.svelte';
import { MonitorState } from '../../renderer/src/lib/monitor.svelte';
import { UiState } from '../../renderer/src/lib/ui.svelte';
import { globProblem, moveRule, rulesAreValid } from '../../renderer/src/lib/method-rules';
import { MethodRulesSchema } from '../../electron/core/settings';
import type { ProfileView, SettingsView as Settings } from '../../electron/ipc/contract';
import { DEFAULT_SETTINGS } from '../../electron/ipc/constants';
import { emptySnapshot, fakeApi, type FakeApi } from './fake-api';
import { inWindow } from './window-context';
import { serverView } from './views';

const profile: ProfileView = {
  id: 'nas1',
  name: 'nas1',
  url: 'wss://nas1',
  auth: { method: 'api-key', username: 'watcher', allowInsecurePassword: false },
  fingerprint256: null,
  muted: false,
  mutedUntil: null,
};

function panel(api: FakeApi, onsaved: (message: string) => void = () => {}) {
  return render(ServerRulesPanel, inWindow({ api }, { profile, onsaved, oncancel: () => {} }));
}

// happy-dom matches no option with :checked, which Svelte's select binding reads, so choosing an action or a language
// is covered by the browser tests (test/e2e/server-rules.spec.ts); here the actions come from the loaded rules.
const savedRules = (api: FakeApi) => (api.setServerRules.mock.calls.at(-1)?.[0] as { rules: unknown } | undefined)?.rules;

describe('the window checks rules as the core does', () => {
  const cases: [string, string][] = [
    ['', 'empty'],
    ['   ', 'blank'],
    ['x'.repeat(201), 'too long'],
    [' cloudsync.* ', 'padded'],
    ['x'.repeat(200), 'longest'],
    ['[', 'odd but compilable'],
  ];
  it.each(cases)('%j (%s): accepted by the window exactly when the core accepts it', (glob) => {
    const core = MethodRulesSchema.safeParse([{ glob, action: 'never' }]).success;
    expect(globProblem(glob) === null).toBe(core);
  });

  it('refuses more rules than the core keeps', () => {
    const rules = Array.from({ length: 201 }, () => ({ glob: 'pool.*', action: 'never' as const }));
    expect(MethodRulesSchema.safeParse(rules).success).toBe(false);
    expect(rulesAreValid(rules)).toBe(false);
    expect(rulesAreValid(rules.slice(1))).toBe(true);
  });

  it('moves a rule without losing or doubling one', () => {
    expect(moveRule(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
  });
});

describe('MethodRulesEditor in a server’s rules panel', () => {
  it('loads the server’s rules, adds, reorders and removes, and saves them in that order', async () => {
    const api = fakeApi();
    api.getServerRules.mockResolvedValue([
      { glob: 'pool.scrub*', action: 'never' },
      { glob: 'cloudsync.*', action: 'failures' },
    ]);
    const saved: string[] = [];
    const view = panel(api, (m) => saved.push(m));
    expect(await view.findByRole('textbox', { name: 'Method pattern of rule 1' })).toHaveValue('pool.scrub*');
    expect(api.getServerRules).toHaveBeenCalledWith({ serverId: 'nas1' });
    expect(view.getByText(/Checked before the global rules/)).toBeInTheDocument();

    await fireEvent.click(view.getByRole('button', { name: 'Add a rule' }));
    const third = view.getByRole('textbox', { name: 'Method pattern of rule 3' });
    await waitFor(() => expect(third).toHaveFocus());
    await fireEvent.input(third, { target: { value: 'replication.*' } });

    // The first rule cannot go up, the last cannot go down.
    expect(view.getByRole('button', { name: 'Move rule 1 up' })).toBeDisabled();
    expect(view.getByRole('button', { name: 'Move rule 3 down' })).toBeDisabled();
    await fireEvent.click(view.getByRole('button', { name: 'Move rule 2 up' }));
    // Focus follows the moved rule; at the top its "up" is disabled, so it lands on "down".
    await waitFor(() => expect(view.getByRole('button', { name: 'Move rule 1 down' })).toHaveFocus());
    expect(view.getByText('Rule 2 moved up to position 1.')).toBeInTheDocument();
    await fireEvent.click(view.getByRole('button', { name: 'Move rule 2 down' }));
    await fireEvent.click(view.getByRole('button', { name: 'Remove rule 2' }));

    await fireEvent.submit(view.getByRole('button', { name: 'Save rules' }).closest('form')!);
    await waitFor(() => expect(api.setServerRules).toHaveBeenCalledTimes(1));
    expect(api.setServerRules).toHaveBeenCalledWith({
      serverId: 'nas1',
      rules: [
        { glob: 'cloudsync.*', action: 'failures' },
        { glob: 'pool.scrub*', action: 'never' },
      ],
    });
    await waitFor(() => expect(saved).toEqual(['Rules of nas1 saved; they apply from now on.']));
  });

  it('blocks saving while a pattern is empty or too long, saying why beside the rule', async () => {
    const api = fakeApi();
    const view = panel(api);
    await view.findByText('No rules of its own: the global rules apply.');
    await fireEvent.click(view.getByRole('button', { name: 'Add a rule' }));
    const form = view.getByRole('button', { name: 'Save rules' }).closest('form')!;
    // A new, empty rule is not an error until the person tries to save.
    expect(view.queryByText(/Enter a method pattern/)).toBeNull();
    await fireEvent.submit(form);
    const input = view.getByRole('textbox', { name: 'Method pattern of rule 1' });
    expect(await view.findByText(/Enter a method pattern/)).toBeInTheDocument();
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/Enter a method pattern/);
    expect(view.getByRole('alert')).toHaveTextContent('Not saved');

    await fireEvent.input(input, { target: { value: 'x'.repeat(201) } });
    expect(view.getByText(/at most 200 characters \(this one has 201\)/)).toBeInTheDocument();
    await fireEvent.submit(form);
    expect(api.setServerRules).not.toHaveBeenCalled();

    await fireEvent.input(input, { target: { value: '  pool.*  ' } });
    expect(input).not.toHaveAttribute('aria-invalid');
    await fireEvent.submit(form);
    await waitFor(() => expect(savedRules(api)).toEqual([{ glob: 'pool.*', action: 'always' }]));
  });

  it('shows what main answered when saving fails', async () => {
    const api = fakeApi();
    api.setServerRules.mockRejectedValue(Object.assign(new Error('No server with id "nas1".'), { code: 'NOT_FOUND' }));
    const view = panel(api);
    await view.findByRole('button', { name: 'Add a rule' });
    await fireEvent.submit(view.getByRole('button', { name: 'Save rules' }).closest('form')!);
    expect(await view.findByRole('alert')).toHaveTextContent('No server with id');
  });
});

describe('the per-server rules from the Servers view', () => {
  it('opens a server’s rules with its Rules button, saves through the api and says so', async () => {
    const api = fakeApi();
    api.subscribe.mockResolvedValue({ ...emptySnapshot(), servers: [serverView()] });
    api.listProfiles.mockResolvedValue([profile]);
    const monitor = new MonitorState(api);
    await monitor.connect();
    const view = render(ServersView, inWindow({ api, monitor }, { now: 0, onstartdemo: () => {}, demoStarting: false }));
    await fireEvent.click(await view.findByRole('button', { name: 'Rules for nas1' }));
    expect(await view.findByRole('heading', { name: 'Rules for nas1' })).toBeInTheDocument();
    await fireEvent.click(await view.findByRole('button', { name: 'Add a rule' }));
    await fireEvent.input(view.getByRole('textbox', { name: 'Method pattern of rule 1' }), { target: { value: 'cloudsync.*' } });
    await fireEvent.click(view.getByRole('button', { name: 'Save rules' }));
    await waitFor(() =>
      expect(api.setServerRules).toHaveBeenCalledWith({ serverId: 'nas1', rules: [{ glob: 'cloudsync.*', action: 'always' }] }),
    );
    expect(await view.findByText('Rules of nas1 saved; they apply from now on.')).toBeInTheDocument();
    expect(view.getByRole('heading', { name: 'Servers' })).toBeInTheDocument();
  });
});

describe('SettingsView: global rules, sound and language', () => {
  async function settingsView() {
    const api = fakeApi();
    const ui = new UiState(api);
    const view = render(SettingsView, inWindow({ api, ui }, {}));
    return { api, view };
  }
  const lastSaved = (api: FakeApi) => api.setSettings.mock.calls.at(-1)?.[0] as Settings | undefined;

  it('saves the sound settings, and the language along with them', async () => {
    const { api, view } = await settingsView();
    const volume = view.getByRole('slider', { name: 'Volume' });
    expect(volume).toBeDisabled();
    expect(view.getByText('Never during quiet hours.')).toBeInTheDocument();
    await fireEvent.click(view.getByRole('checkbox', { name: /Play a sound when a job fails/ }));
    expect(volume).toBeEnabled();
    await fireEvent.input(volume, { target: { value: '40' } });
    expect(view.getByText('40 %')).toBeInTheDocument();
    expect(volume).toHaveAttribute('aria-valuetext', '40 %');
    const interval = view.getByRole('spinbutton', { name: /Repeat every/ });
    expect(interval).toBeDisabled();
    await fireEvent.click(view.getByRole('checkbox', { name: /Repeat until the failure is acknowledged/ }));
    await fireEvent.input(interval, { target: { value: '300' } });
    await fireEvent.submit(view.getByRole('button', { name: 'Save' }).closest('form')!);
    await waitFor(() => expect(api.setSettings).toHaveBeenCalledTimes(1));
    expect(lastSaved(api)?.notifications.sound).toEqual({
      enabled: true,
      volume: 40,
      repeatUntilAcknowledged: true,
      repeatIntervalSec: 300,
    });
    expect(lastSaved(api)?.ui.language).toBe('system');
  });

  it('plays the test sound at the volume in the form, and says why when the player could not', async () => {
    const { api, view } = await settingsView();
    await fireEvent.click(view.getByRole('checkbox', { name: /Play a sound when a job fails/ }));
    await fireEvent.input(view.getByRole('slider', { name: 'Volume' }), { target: { value: '35' } });
    await fireEvent.click(view.getByRole('button', { name: 'Play test sound' }));
    await waitFor(() => expect(api.playTestSound).toHaveBeenCalledWith({ volume: 35 }));
    expect(view.queryByRole('alert')).toBeNull();
    api.playTestSound.mockResolvedValue({ ok: false, message: 'The failure sound could not be played (paplay: not installed).' });
    await fireEvent.click(view.getByRole('button', { name: 'Play test sound' }));
    expect(await view.findByRole('alert')).toHaveTextContent('paplay: not installed');
    // Testing saves nothing.
    expect(api.setSettings).not.toHaveBeenCalled();
  });

  it('offers every language in its own words, the system one by default', async () => {
    const { view } = await settingsView();
    const options = [...(view.getByRole('combobox', { name: 'Language' }) as HTMLSelectElement).options].map((o) => [o.value, o.text]);
    expect(options).toEqual([
      ['system', 'System default (default)'],
      ['en', 'English'],
      ['de', 'Deutsch'],
    ]);
    expect(DEFAULT_SETTINGS.ui.language).toBe('system');
  });

  it('edits the global rules with the same editor, and an empty pattern blocks the save', async () => {
    const { api, view } = await settingsView();
    await fireEvent.click(view.getByRole('button', { name: 'Add a rule' }));
    await fireEvent.click(view.getByRole('button', { name: 'Add a rule' }));
    await fireEvent.input(view.getByRole('textbox', { name: 'Method pattern of rule 2' }), { target: { value: 'cloudsync.*' } });
    const form = view.getByRole('button', { name: 'Save' }).closest('form')!;
    await fireEvent.submit(form);
    expect(await view.findByText(/Enter a method pattern/)).toBeInTheDocument();
    expect(api.setSettings).not.toHaveBeenCalled();
    await fireEvent.click(view.getByRole('button', { name: 'Move rule 2 up' }));
    await fireEvent.click(view.getByRole('button', { name: 'Remove rule 2' }));
    await fireEvent.submit(form);
    await waitFor(() => expect(api.setSettings).toHaveBeenCalledTimes(1));
    expect(lastSaved(api)?.notifications.methodRules).toEqual([{ glob: 'cloudsync.*', action: 'always' }]);
  });
});
