import { defineConfig } from '@playwright/test';
import base from '../../../playwright.config';

/**
 * `npm run bench:window`: the window's frame-time measurement (window-frames.pw.ts) in Debian's Chromium, with the
 * same browser and bridge as the end-to-end tests. A measurement that prints figures, not a timed assertion.
 */
const chromium = base.projects?.find((p) => p.name === 'chromium');
export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: 'window-frames.pw.ts',
  globalSetup: '../../e2e/global-setup.ts',
  outputDir: '../../../test-results/bench-window',
  timeout: 240_000,
  projects: [{ name: 'chromium', use: chromium?.use ?? {} }],
});
