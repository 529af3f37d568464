// The window offers what the core defines (pause presets, themes, urgencies, rule actions), not copies of it.
import { fireEvent, render, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import PauseControl from '../../renderer/src/components/PauseControl.svelte';
import SettingsView from '../../renderer/src/components/SettingsView.svelte';
import { DEFAULT_SETTINGS, FAILURE_URGENCIES, METHOD_RULE_ACTIONS, PAUSE_PRESETS, THEMES } from '../../electron/ipc/constants';
import { fakeApi } from './fake-api';
import { inWindow } from './window-context';

describe('PauseControl', () => {
  it('offers each of the tray’s pause presets, ending when the preset says', async () => {
    const now = new Date(2026, 5, 1, 21, 30).getTime();
    const onpause = vi.fn();
    const view = render(PauseControl, { pausedUntil: null, now, onpause });
    for (const [index, preset] of PAUSE_PRESETS.entries()) {
      await fireEvent.click(view.getByRole('button', { name: /^Pause/ }));
      const buttons = view.container.querySelectorAll('#pause-menu button');
      expect(buttons).toHaveLength(PAUSE_PRESETS.length);
      await fireEvent.click(buttons[index] as HTMLElement);
      expect(onpause).toHaveBeenLastCalledWith(preset.until(now));
    }
  });
});

describe('SettingsView choices', () => {
  it('lists every theme, urgency and rule action the core knows, the default theme marked', async () => {
    const view = render(SettingsView, inWindow({ api: fakeApi() }, {}));
    const theme = view.getByRole('combobox', { name: /Theme/ });
    expect(
      within(theme)
        .getAllByRole('option')
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual([...THEMES]);
    expect(within(theme).getByRole('option', { name: 'Follow the system (default)' })).toBeInTheDocument();
    const urgency = view.getByRole('combobox', { name: /Failure notifications/ });
    expect(
      within(urgency)
        .getAllByRole('option')
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual([...FAILURE_URGENCIES]);
    await fireEvent.click(view.getByRole('button', { name: /Add a rule/ }));
    const action = view.getAllByRole('combobox').find((c) => within(c).queryByRole('option', { name: 'Only failures' }));
    expect(
      within(action as HTMLElement)
        .getAllByRole('option')
        .map((o) => (o as HTMLOptionElement).value),
    ).toEqual([...METHOD_RULE_ACTIONS]);
  });

  it('sets the missed-run tolerance within the core’s bounds, its default shown, and saves it', async () => {
    const api = fakeApi();
    const view = render(SettingsView, inWindow({ api }, {}));
    const input = (await view.findByRole('spinbutton', { name: /scheduled run was missed/ })) as HTMLInputElement;
    expect([input.min, input.max, input.value]).toEqual(['1', '720', String(DEFAULT_SETTINGS.notifications.missedRunToleranceMin)]);
    expect(input.closest('label')!.textContent).toContain(`Default ${DEFAULT_SETTINGS.notifications.missedRunToleranceMin} min`);
    await fireEvent.input(input, { target: { value: '25' } });
    await fireEvent.submit(input.closest('form')!);
    await vi.waitFor(() => expect(api.setSettings).toHaveBeenCalled());
    expect(api.setSettings.mock.calls.at(-1)![0]).toMatchObject({ notifications: { missedRunToleranceMin: 25 } });
  });
});
