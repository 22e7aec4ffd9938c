// Entry point for Node.js: the module is loaded when this file is imported; init() is there so that
// code written for the browser runs unchanged.
import { createRequire } from 'node:module';
import { bindApi } from './api.js';

const raw = createRequire(import.meta.url)('../pkg/node/composeguard_wasm.js');

/** Does nothing in Node.js (the module is already loaded). */
export default async function init() {}

/** Does nothing in Node.js (the module is already loaded). */
export function initSync() {}

const api = bindApi(raw, () => true);
export const { lint, rules, explain } = api;
/** @internal */
export const __panicForTesting = api.panicForTesting;
