// Entry point for browsers and bundlers: `await init()` loads the wasm, then lint/rules/explain.
import rawInit, * as raw from '../pkg/web/composeguard_wasm.js';
import { bindApi } from './api.js';

let loaded = false;

/**
 * Loads the wasm module. Without an argument it is fetched from next to this file (bundlers such as
 * Vite emit it as an asset); pass a URL, a Response, bytes or a WebAssembly.Module to load it from
 * elsewhere. Calling it again does nothing.
 */
export default async function init(input) {
  await rawInit(input === undefined ? undefined : { module_or_path: input });
  loaded = true;
}

/** Loads the wasm module synchronously from bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  raw.initSync({ module });
  loaded = true;
}

const api = bindApi(raw, () => loaded);
export const { lint, rules, explain } = api;
/** @internal */
export const __panicForTesting = api.panicForTesting;
