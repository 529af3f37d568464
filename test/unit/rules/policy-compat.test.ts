import { describe, expect, it } from 'vitest';
import type { NotificationPolicy } from '../../../electron/core/monitor';
import type { NotificationView } from '../../../electron/core/view';
import { NotificationViewSchema } from '../../../electron/core/view';
import { NotificationPlanner } from '../../../electron/core/planner';
import { NOON, transition, utcMinuteOfDay } from './fixtures';

describe('the planner as the monitor’s NotificationPolicy', () => {
  it('fits the interface and its notifications validate as NotificationView', () => {
    // Compile-time check: tsc fails here if the monitor's port and the planner drift apart.
    const policy: NotificationPolicy = new NotificationPlanner({ minuteOfDay: utcMinuteOfDay });
    policy.push(transition(), NOON);
    const out: NotificationView[] = policy.due(NOON + 3000);
    expect(out).toHaveLength(1);
    expect(NotificationViewSchema.parse(out[0])).toEqual(out[0]);
  });
});
