/** Notification words in German (and English unchanged by default), from the text functions up to the planner. */
import { describe, expect, it } from 'vitest';
import { translator } from '../../../electron/core/i18n/i18n';
import { burstText, humanDuration, jobLabel, labelList, singleText, watchDoneText } from '../../../electron/core/notification-text';
import { insightText, type Insight } from '../../../electron/core/insights';
import { NotificationPlanner } from '../../../electron/core/planner';
import { NOON, settings, transition, utcMinuteOfDay } from '../rules/fixtures';

const de = translator('de');
const MIN = 60_000;

describe('notification text in German', () => {
  it('says durations with German units', () => {
    expect(humanDuration(125_000, de)).toBe('2 Min. 5 s');
    expect(humanDuration(3_780_000, de)).toBe('1 Std. 3 Min.');
    expect(humanDuration(2 * 86_400_000 + 4 * 3_600_000, de)).toBe('2 T 4 Std.');
    expect(humanDuration(125_000)).toBe('2 min 5 s');
  });

  it('names the usual jobs in German, and keeps a description as the server has it', () => {
    expect(jobLabel({ method: 'replication.run', description: null }, de)).toBe('Replikation');
    expect(jobLabel({ method: 'cloudsync.sync', description: null }, de)).toBe('Cloud-Synchronisierung');
    expect(jobLabel({ method: 'vm.start', description: '' }, de)).toBe('vm.start');
    expect(jobLabel({ method: 'replication.run', description: 'tank/data' }, de)).toBe('tank/data');
  });

  it('writes one failed job: what, where, how long, and the error', () => {
    const t = transition({ description: 'Replikation tank/data', timeFinished: 1_000_000 + 125_000 });
    expect(singleText(t, 'nas1', false, de)).toEqual({
      title: 'Replikation tank/data ist auf nas1 fehlgeschlagen',
      body: 'replication.run auf nas1 · Laufzeit 2 Min. 5 s\n[EFAULT] Failed to connect to remote host.',
    });
    expect(singleText(transition({ to: 'SUCCESS', error: null }), 'nas1', true, de).title).toBe(
      'Während Ihrer Abwesenheit: Replikation ist auf nas1 abgeschlossen',
    );
    expect(singleText(transition({ to: 'ABORTED', error: null }), 'nas1', false, de).title).toBe('Replikation wurde auf nas1 abgebrochen');
    expect(singleText(transition({ error: null }), 'nas1', false, de).body).toMatch(/\nEs wurde keine Fehlermeldung übermittelt\.$/);
  });

  it('folds several jobs with German plurals, failures first, and counts what did not fit', () => {
    expect(burstText([transition(), transition(), transition()], 'nas1', false, de).title).toBe('3 Jobs sind auf nas1 fehlgeschlagen');
    const mixed = [transition({ to: 'SUCCESS', method: 'cloudsync.sync' }), transition(), transition()];
    expect(burstText(mixed, 'nas1', false, de)).toEqual({
      title: '2 fehlgeschlagen, 1 abgeschlossen auf nas1',
      body: 'Replikation (fehlgeschlagen), Replikation (fehlgeschlagen), Cloud-Synchronisierung',
    });
    const many = Array.from({ length: 12 }, (_, i) => transition({ description: `Aufgabe ${i}` }));
    expect(labelList(many, 100, de)).toMatch(/^Aufgabe 0 \(fehlgeschlagen\), .* und \d+ weitere$/);
    expect(Array.from(labelList(many, 100, de)).length).toBeLessThanOrEqual(100);
  });

  it('ends a server watch in German', () => {
    expect(watchDoneText([transition(), transition({ to: 'SUCCESS' })], 'nas1', de)).toEqual({
      title: 'Alle Jobs auf nas1 sind beendet',
      body: '2 beobachtete Jobs: 1 fehlgeschlagen, 1 abgeschlossen\nReplikation (fehlgeschlagen), Replikation',
    });
    expect(watchDoneText([transition()], 'nas1', de).body).toMatch(/^1 beobachteter Job: 1 fehlgeschlagen/);
  });

  it('keeps the English words when no translator is given', () => {
    expect(burstText([transition(), transition()], 'nas1').title).toBe('2 jobs failed on nas1');
    expect(watchDoneText([transition()], 'nas1').body).toMatch(/^1 watched job: 1 failed/);
  });
});

describe('insights in German', () => {
  function insight(over: Partial<Insight> = {}): Insight {
    return {
      kind: 'slower-than-usual',
      server: 'nas1',
      key: 'nas1\u00007\u00001000\u0000replication.run',
      jobId: 7,
      method: 'replication.run',
      task: 'replication.run [2]',
      description: 'tank/data',
      timeStarted: 1000,
      catchUp: false,
      figures: { elapsedMs: 130 * MIN, usualMs: 35 * MIN },
      detail: null,
      at: NOON,
      ...over,
    };
  }

  it('says each kind in German', () => {
    expect(insightText(insight(), 'nas1', de)).toEqual({
      title: 'tank/data ist auf nas1 langsamer als üblich',
      body: 'tank/data läuft seit 2 Std. 10 Min.; üblich sind 35 Min..',
    });
    expect(insightText(insight({ kind: 'stalled', figures: { stalledForMs: 31 * MIN, percent: 40 } }), 'nas1', de)).toEqual({
      title: 'tank/data scheint auf nas1 festzuhängen',
      body: 'Seit 31 Min. kein Fortschritt (weiterhin bei 40 %).',
    });
    expect(insightText(insight({ kind: 'fixed', description: null, catchUp: true, figures: { failedRuns: 1 } }), 'nas1', de)).toEqual({
      title: 'Während Ihrer Abwesenheit: Replikation läuft auf nas1 wieder',
      body: 'Erfolgreich nach 1 fehlgeschlagenen Lauf.',
    });
    expect(insightText(insight({ kind: 'fixed', figures: { failedRuns: 3 } }), 'nas1', de).body).toBe(
      'Erfolgreich nach 3 fehlgeschlagenen Läufen.',
    );
    expect(insightText(insight({ kind: 'still-failing', figures: { failedRuns: 4 } }), 'nas1', de)).toEqual({
      title: 'tank/data schlägt auf nas1 weiterhin fehl',
      body: '4-mal in Folge fehlgeschlagen.',
    });
    expect(insightText(insight({ kind: 'missed-run', figures: { expectedAt: Date.UTC(2026, 2, 2, 3, 0) } }), 'nas1', de)).toEqual({
      title: 'tank/data ist auf nas1 nicht gelaufen',
      body: 'Ein Lauf war für 2026-03-02 03:00 UTC (Serverzeit) erwartet.',
    });
  });
});

describe('the planner’s language', () => {
  function planner() {
    return new NotificationPlanner({ settings: settings(), minuteOfDay: utcMinuteOfDay, idPrefix: 't-' });
  }

  it('writes in English until told otherwise, then new notifications in the new language', () => {
    const p = planner();
    p.push(transition(), NOON);
    expect(p.due(NOON + 3000)[0]?.title).toBe('Replication failed on nas1');
    p.setTranslator(de);
    p.push(transition(), NOON + 10_000);
    expect(p.due(NOON + 13_000)[0]?.title).toBe('Replikation ist auf nas1 fehlgeschlagen');
    expect(p.translator.language).toBe('de');
  });

  it('says "still failing" in German', () => {
    const p = new NotificationPlanner({ settings: settings(), minuteOfDay: utcMinuteOfDay, idPrefix: 't-', translator: de });
    p.push(transition(), NOON, { stillFailing: 3 });
    const [n] = p.due(NOON + 3000);
    expect(n?.title).toBe('Replikation schlägt auf nas1 weiterhin fehl');
    expect(n?.body.split('\n')[0]).toBe('3-mal in Folge fehlgeschlagen.');
  });
});
