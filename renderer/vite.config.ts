import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = fileURLToPath(new URL('.', import.meta.url));

// Root is renderer/ and the output is relative ('./'), because Electron loads the bundle from app:// or a file.
export default defineConfig({
  root: here,
  base: './',
  // With the root in a subfolder the plugin does not find svelte.config.js on its own.
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) })],
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome140',
    // The CSP forbids inline scripts and data: script URLs; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', strictPort: true },
  preview: { host: '127.0.0.1' },
});
