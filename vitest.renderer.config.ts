// The window's unit and component tests: Svelte 5 components and .svelte.ts state modules in happy-dom.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte({ configFile: fileURLToPath(new URL('./renderer/svelte.config.js', import.meta.url)) })],
  // Svelte's browser build (mount, not SSR) in tests.
  resolve: { conditions: ['browser'] },
  test: {
    include: ['test/renderer/**/*.test.ts'],
    environment: 'happy-dom',
    setupFiles: ['test/renderer/setup.ts'],
    testTimeout: 10_000,
  },
});
