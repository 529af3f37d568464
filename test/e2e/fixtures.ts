/// <reference lib="dom" />
/**
 * Fixtures for the window's end-to-end tests: the built renderer served on 127.0.0.1, a page whose
 * window.jobwatch is the test bridge to the real core, and simulators that are closed after each test.
 */
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../electron/sim/index';
import type { ServerView } from '../../electron/core/view';
import { TestBridge } from './bridge/test-bridge';

const DIST = resolve('dist/renderer');
export const SCREENSHOTS = resolve('test-results/screenshots');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** A tiny static server for dist/renderer (as Electron serves it from app://): files only, no directory listing. */
function serveRenderer(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

export interface JobwatchWindow {
  page: Page;
  bridge: TestBridge;
  /** Starts a simulator that is closed after the test. */
  simulator(options?: SimulatorOptions): Promise<Simulator>;
  /** Adds a simulator as a server straight through the core (tests not about the add flow). */
  addServer(sim: Simulator, name: string): Promise<ServerView>;
  /** Waits until the core reports the server live. */
  live(name: string): Promise<void>;
  /** Opens (or reopens) the window. */
  open(): Promise<void>;
  /** Fails the test if the page reported a CSP violation or an invalid event. */
  checkHealth(): Promise<void>;
}

export const test = base.extend<{ jobwatch: JobwatchWindow }, { rendererUrl: string }>({
  rendererUrl: [
    async ({}, use) => {
      if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/renderer is missing: the global setup builds it.');
      const server = await serveRenderer();
      await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await new Promise((done) => server.close(done));
    },
    { scope: 'worker' },
  ],

  jobwatch: async ({ page, context, rendererUrl }, use) => {
    const bridge = new TestBridge();
    await bridge.start();
    await bridge.attach(context, page);
    const sims: Simulator[] = [];
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        (window as unknown as { __cspViolations: string[] }).__cspViolations ??= [];
        (window as unknown as { __cspViolations: string[] }).__cspViolations.push(`${event.violatedDirective}: ${event.blockedURI}`);
      });
    });
    const jobwatch: JobwatchWindow = {
      page,
      bridge,
      simulator: async (options = {}) => {
        const sim = await startSimulator({ host: '127.0.0.1', port: 0, failDelayMs: 50, ...options });
        sims.push(sim);
        return sim;
      },
      addServer: (sim, name) =>
        bridge.monitor.addServer(
          {
            name,
            url: sim.url,
            auth: { method: 'api-key', username: sim.credentials.username },
            fingerprint256: sim.fingerprint256 ?? null,
          },
          sim.credentials.apiKey,
        ),
      live: async (name) => {
        await expect
          .poll(() => bridge.monitor.snapshot().servers.find((s) => s.name === name)?.state, { message: `${name} goes live` })
          .toBe('live');
      },
      open: async () => {
        await page.goto(rendererUrl);
        await expect(page.getByRole('heading', { name: 'Jobwatch', level: 1 })).toBeVisible();
      },
      checkHealth: async () => {
        const csp = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
        expect(csp, 'CSP violations').toEqual([]);
        const invalid = await page.evaluate(() => window.__jobwatchInvalidEvents);
        expect(invalid, 'events that broke the contract').toEqual([]);
        expect(bridge.refused, 'requests that broke the contract').toEqual([]);
        expect(errors, 'console errors').toEqual([]);
      },
    };
    await use(jobwatch);
    await bridge.close();
    for (const sim of sims) await sim.close();
  },
});

export { expect };

/** Saves a screenshot of the window for people to look at (test-results/screenshots/<name>.png). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** The window passes axe's WCAG 2.1 A/AA and best-practice rules; the failure lists each rule and where it broke. */
export async function expectNoAxeViolations(page: Page, view: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  const summary = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe violations on ${view}`).toEqual([]);
}

/** Forces the theme the way the settings do (data-theme on <html>), and the OS preference to match. */
export async function useTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await page.evaluate((t) => (document.documentElement.dataset['theme'] = t), theme);
}
