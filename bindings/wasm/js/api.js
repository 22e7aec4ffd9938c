// The public API over the raw wasm-bindgen exports, shared by the web and Node.js entry points:
// argument checks, and recovery when the engine crashes.

/** How the panic hook in src/lib.rs begins its message. */
const PANIC_PREFIX = 'composeguard panicked: ';

/**
 * Whether an exception from the engine means it crashed: a Rust panic (turned into an Error by the
 * panic hook), a trap, or an exhausted stack. Everything else (TypeError for bad options) is an
 * answer, not a crash.
 */
function isCrash(error) {
  return (
    error instanceof WebAssembly.RuntimeError ||
    error instanceof RangeError ||
    (error instanceof Error && error.message.startsWith(PANIC_PREFIX))
  );
}

/**
 * @param {object} raw the wasm-bindgen module
 * @param {() => boolean} ready whether the module is instantiated
 */
export function bindApi(raw, ready) {
  function call(name, run) {
    if (!ready()) {
      throw new Error(`composeguard: ${name}() was called before the module was loaded; await init() first`);
    }
    try {
      return run();
    } catch (error) {
      if (!isCrash(error)) throw error;
      // The instance may be left in any state: start a fresh one for the next call.
      raw.__wbg_reset_state();
      const message = error.message.startsWith(PANIC_PREFIX) ? error.message.slice(PANIC_PREFIX.length) : error.message;
      throw new Error(`composeguard: internal error in ${name}(): ${message} (this is a bug: please report it with the input)`, {
        cause: error,
      });
    }
  }

  function lint(text, options) {
    if (typeof text !== 'string') {
      throw new TypeError(`composeguard: lint(text, options): text must be a string, got ${typeof text}`);
    }
    if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
      throw new TypeError('composeguard: lint(text, options): options must be an object');
    }
    return call('lint', () => raw.lint(text, options ?? undefined));
  }

  function rules() {
    return call('rules', () => raw.rules());
  }

  function explain(name) {
    if (typeof name !== 'string') {
      throw new TypeError(`composeguard: explain(name): name must be a string, got ${typeof name}`);
    }
    return call('explain', () => raw.explain(name));
  }

  /** Not part of the API: makes the engine panic, to test the crash path. */
  function panicForTesting() {
    return call('panicForTesting', () => raw.__panicForTesting());
  }

  return { lint, rules, explain, panicForTesting };
}
