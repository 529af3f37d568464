// For the root type check (plain tsc): .svelte files are components. svelte-check checks them for real.
declare module '*.svelte' {
  import type { Component } from 'svelte';
  const component: Component<Record<string, unknown>>;
  export default component;
}
