// Lint for the whole tree, with type information (typescript-eslint) and Svelte support. `npm run lint` runs it
// inside `npm test`; layers and cycles are checked by dependency-cruiser (`npm run lint:deps`), formatting by Prettier.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'release/**', '.ci-out/**', 'build/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.renderer.config.ts', 'renderer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      // `_name` marks a parameter an interface requires but this implementation does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Ports are promise-returning interfaces; an implementation that happens not to wait is still async by contract.
      '@typescript-eslint/require-await': 'off',
      // A closure may read a binding that is assigned once, later (the session's callbacks and their runtime).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Rejecting with an AbortSignal's reason is the platform's own convention.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true, allowThrowingAny: true }],
    },
  },
  {
    // Test doubles stand in for loosely typed things (electron, sockets, JSON from the wire) on purpose.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/only-throw-error': 'off',
    },
  },
  {
    files: ['renderer/**/*.svelte', 'renderer/**/*.svelte.ts', 'renderer/**/*.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, projectService: true, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['renderer/**/*.svelte'],
    rules: {
      // The Svelte parser cannot always type a callback prop's parameters in markup; svelte-check types them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `let { … } = $props()` is how Svelte 5 declares props.
      'prefer-const': 'off',
    },
  },
  {
    files: ['renderer/**/*.svelte.ts'],
    rules: {
      // MonitorState keeps maps in $state.raw and replaces them whole on every change; they are never mutated in place.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    // Playwright fixtures must destructure their (unused) first argument: `async ({}, use) => …`.
    files: ['test/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } } },
);
