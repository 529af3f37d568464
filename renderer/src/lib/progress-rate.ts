/**
 * Estimated time left from the observed progress rate. A job's `time_started` is when it was queued, and many
 * jobs jump to a few percent at once, so the rate comes from what this window saw move: the first sample and the
 * latest. An estimate is only shown once it means something (enough time and progress observed).
 */

interface Sample {
  at: number;
  percent: number;
}

interface Track {
  first: Sample;
  latest: Sample;
}

/** Below this much observed time or progress, the rate is noise. */
export const MIN_SPAN_MS = 15_000;
export const MIN_PROGRESS = 1;

export class ProgressRates {
  private readonly tracks = new Map<string, Track>();

  /** Records what a job reports now. Progress that goes backwards (a new phase) starts a new track. */
  record(key: string, percent: number | null, at: number): void {
    if (percent === null || !Number.isFinite(percent)) {
      this.tracks.delete(key);
      return;
    }
    const track = this.tracks.get(key);
    if (!track || percent < track.latest.percent) {
      this.tracks.set(key, { first: { at, percent }, latest: { at, percent } });
      return;
    }
    if (percent > track.latest.percent) track.latest = { at, percent };
  }

  forget(key: string): void {
    this.tracks.delete(key);
  }

  /** Milliseconds left, or null while the estimate would not mean anything. */
  remaining(key: string, now: number): number | null {
    const track = this.tracks.get(key);
    if (!track) return null;
    const span = track.latest.at - track.first.at;
    const progress = track.latest.percent - track.first.percent;
    if (span < MIN_SPAN_MS || progress < MIN_PROGRESS || track.latest.percent >= 100) return null;
    const msPerPercent = span / progress;
    // Time since the last step counts as already spent on the next one.
    const left = (100 - track.latest.percent) * msPerPercent - (now - track.latest.at);
    return Math.max(0, left);
  }

  /** Drops tracks of jobs no longer shown. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.tracks.keys()) if (!keys.has(key)) this.tracks.delete(key);
  }

  get size(): number {
    return this.tracks.size;
  }
}
