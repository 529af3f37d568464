// Synthesizes the failure sound, build/sounds/failure.wav: two falling tones (A5 then E5) with soft attacks and
// decays, 16-bit mono PCM at 22 050 Hz, about 0.55 s. Made in code so nothing is downloaded and the licence is
// the project's. Deterministic: the same bytes on every run (test/shell/sound.test.ts checks the committed file).
// Run by hand (`node scripts/make-sound.mjs [out.wav]`); the generated file is committed and shipped as an
// extraResource (electron-builder.yml), outside app.asar, so the platform's player can read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const SAMPLE_RATE = 22_050;
/** Peak amplitude: below full scale, so a player's own gain cannot clip it. */
const PEAK = 0.6;
const TONES = [
  { hz: 880, start: 0, length: 0.22 },
  { hz: 659.25, start: 0.2, length: 0.35 },
];

function samples() {
  const total = Math.ceil(SAMPLE_RATE * Math.max(...TONES.map((t) => t.start + t.length)));
  const out = new Float64Array(total);
  for (const tone of TONES) {
    const from = Math.round(tone.start * SAMPLE_RATE);
    const count = Math.round(tone.length * SAMPLE_RATE);
    for (let i = 0; i < count && from + i < total; i++) {
      const t = i / SAMPLE_RATE;
      // 8 ms attack (no click), exponential decay; a quiet octave above for a bell-like colour.
      const envelope = Math.min(1, t / 0.008) * Math.exp((-4 * t) / tone.length);
      const wave = Math.sin(2 * Math.PI * tone.hz * t) + 0.25 * Math.sin(4 * Math.PI * tone.hz * t);
      out[from + i] += (envelope * wave) / 1.25;
    }
  }
  return out;
}

/** A canonical 44-byte-header WAV (RIFF, fmt PCM 1 channel 16 bit, data). */
export function failureWav() {
  const pcm = samples();
  const data = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) {
    data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, pcm[i] * PEAK)) * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const out = process.argv[2] ?? 'build/sounds/failure.wav';
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, failureWav());
