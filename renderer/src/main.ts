import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import NoBridge from './components/NoBridge.svelte';
import { findApi } from './lib/api';

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');
const api = findApi();
// Without the preload there is nothing to show; say so instead of a blank window.
if (api) mount(App, { target, props: { api } });
else mount(NoBridge, { target });
