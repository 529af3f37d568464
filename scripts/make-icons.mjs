// Draws the app icon and the tray icons (one per tray state and platform) as SVG, rasterises them in Debian's
// Chromium through Playwright, and packs Windows .ico and macOS .icns files itself (both formats accept PNG
// entries). Run once by hand (`node scripts/make-icons.mjs`); the generated files in build/ are committed.
//
// Tray states differ by shape as well as colour, so they read on a monochrome macOS menu bar and for people who
// do not tell red from green: idle = ring, running = ring with a bold arc, failure = filled disc with "!",
// attention (server offline or needing the user) = ring with a slash, paused = two bars.
import { chromium } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = 'build';
const TRAY = join(OUT, 'tray');
mkdirSync(TRAY, { recursive: true });

const COLOURS = {
  idle: '#8b95a5',
  running: '#2f80ed',
  failure: '#e5484d',
  attention: '#f59e0b',
  paused: '#8b95a5',
};

/** One tray glyph on a 32×32 grid. `ink` is the colour; `cut` is what "transparent" holes are filled with via a mask. */
function trayGlyph(state, ink) {
  const ring = `<circle cx="16" cy="16" r="11" fill="none" stroke="${ink}" stroke-width="3.5"/>`;
  switch (state) {
    case 'idle':
      return ring;
    case 'running':
      // A faint full ring and a bold quarter-and-a-bit arc: "something is going round".
      return (
        `<circle cx="16" cy="16" r="11" fill="none" stroke="${ink}" stroke-opacity="0.35" stroke-width="3.5"/>` +
        `<path d="M16 5 A11 11 0 0 1 27 16" fill="none" stroke="${ink}" stroke-width="5.5" stroke-linecap="round"/>`
      );
    case 'failure':
      // Filled disc with an exclamation mark cut out of it.
      return (
        `<mask id="m"><rect width="32" height="32" fill="#fff"/>` +
        `<rect x="14" y="7.5" width="4" height="11" rx="2" fill="#000"/><circle cx="16" cy="23" r="2.4" fill="#000"/></mask>` +
        `<circle cx="16" cy="16" r="13.5" fill="${ink}" mask="url(#m)"/>`
      );
    case 'attention':
      // Ring crossed by a slash: "cannot reach".
      return ring + `<path d="M7 25 L25 7" stroke="${ink}" stroke-width="3.5" stroke-linecap="round"/>`;
    case 'paused':
      return (
        `<rect x="8.5" y="6" width="5.5" height="20" rx="1.5" fill="${ink}"/>` +
        `<rect x="18" y="6" width="5.5" height="20" rx="1.5" fill="${ink}"/>`
      );
    default:
      throw new Error(`unknown state ${state}`);
  }
}

function traySvg(state, ink) {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">${trayGlyph(state, ink)}</svg>`;
}

/** The application icon: a rounded square in TrueNAS-like blue with a white ring and a check. */
function appSvg() {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024">
  <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1f8fe0"/><stop offset="1" stop-color="#0b5aa8"/></linearGradient></defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#g)"/>
  <circle cx="512" cy="512" r="270" fill="none" stroke="#ffffff" stroke-opacity="0.35" stroke-width="72"/>
  <path d="M512 242 A270 270 0 1 1 242 512" fill="none" stroke="#ffffff" stroke-width="72" stroke-linecap="round"/>
  <path d="M402 520 L480 598 L632 446" fill="none" stroke="#ffffff" stroke-width="64" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage({ deviceScaleFactor: 1 });

async function rasterise(svg, size) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<html><body style="margin:0;background:transparent">` +
      svg.replace('<svg ', `<svg width="${size}" height="${size}" `) +
      `</body></html>`,
  );
  return page.locator('svg').screenshot({ omitBackground: true, type: 'png' });
}

/** ICO: 6-byte header, 16-byte directory entries, then PNG payloads (accepted by Windows Vista and later). */
function packIco(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  const entries = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0);
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2);
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4);
    entry.writeUInt16LE(32, 6);
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** ICNS: "icns" + total length, then (type, length, PNG) chunks. */
function packIcns(chunks) {
  const parts = chunks.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

const written = [];
function write(path, data) {
  writeFileSync(path, data);
  written.push(`${path} (${data.length} B)`);
}

for (const state of Object.keys(COLOURS)) {
  const colour = traySvg(state, COLOURS[state]);
  // macOS template images: black with alpha; the system tints them for light and dark menu bars.
  const template = traySvg(state, '#000000');
  write(join(TRAY, `tray-${state}Template.png`), await rasterise(template, 16));
  write(join(TRAY, `tray-${state}Template@2x.png`), await rasterise(template, 32));
  // Linux (StatusNotifierItem / AppIndicator) and the Windows fallback: coloured PNGs.
  write(join(TRAY, `tray-${state}.png`), await rasterise(colour, 32));
  write(join(TRAY, `tray-${state}@2x.png`), await rasterise(colour, 64));
  const icoImages = [];
  for (const size of [16, 24, 32, 48, 256]) icoImages.push({ size, png: await rasterise(colour, size) });
  write(join(TRAY, `tray-${state}.ico`), packIco(icoImages));
}

const app = appSvg();
const appPng = {};
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) appPng[size] = await rasterise(app, size);
write(join(OUT, 'icon.png'), appPng[1024]);
write(join(OUT, 'icon-512.png'), appPng[512]);
write(join(OUT, 'icon.ico'), packIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: appPng[size] }))));
write(
  join(OUT, 'icon.icns'),
  packIcns([
    { type: 'icp4', png: appPng[16] },
    { type: 'icp5', png: appPng[32] },
    { type: 'ic11', png: appPng[32] },
    { type: 'icp6', png: appPng[64] },
    { type: 'ic12', png: appPng[64] },
    { type: 'ic07', png: appPng[128] },
    { type: 'ic08', png: appPng[256] },
    { type: 'ic13', png: appPng[256] },
    { type: 'ic09', png: appPng[512] },
    { type: 'ic14', png: appPng[512] },
    { type: 'ic10', png: appPng[1024] },
  ]),
);
// Linux packages take a folder of <size>x<size>.png files.
mkdirSync(join(OUT, 'icons'), { recursive: true });
for (const size of [16, 32, 48, 64, 128, 256, 512]) write(join(OUT, 'icons', `${size}x${size}.png`), appPng[size]);

await browser.close();
process.stdout.write(`${written.join('\n')}\n`);
