//! composeguard for WebAssembly: `lint`, `rules` and `explain` for JavaScript.
//!
//! A thin layer: options come in as a plain JS object (read with serde-wasm-bindgen), reports go
//! out as plain JS objects (through JSON; see `convert`). The public JS API, its types and its
//! error handling are in `js/` and `index.d.ts`; the functions here are its raw imports.

pub mod convert;

use wasm_bindgen::prelude::*;

/// Installs the panic hook. A panic is a bug (bad input is a diagnostic, never a panic); the hook
/// turns it into a JS exception with the panic's message instead of a bare `unreachable` trap, and
/// the JS layer then starts a fresh instance.
#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        wasm_bindgen::throw_str(&format!("{PANIC_PREFIX}{info}"));
    }));
}

/// How a panic's message begins (the JS layer recognises crashes by it).
const PANIC_PREFIX: &str = "composeguard panicked: ";

/// Lints one compose file. `options` is a plain object (or `undefined`); returns the report.
#[wasm_bindgen(js_name = lint, skip_typescript)]
pub fn lint(text: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let options = if options.is_undefined() || options.is_null() {
        convert::JsLintOptions::default()
    } else {
        // Through a JSON value, so that unknown options are refused (serde-wasm-bindgen reads only
        // the fields a struct names) and strings with lone surrogates are read, as `text` is.
        let value: serde_json::Value =
            serde_wasm_bindgen::from_value(options).map_err(|e| type_error(&format!("invalid lint options: {}", e.to_string().trim_start_matches("Error: "))))?;
        serde_json::from_value(value).map_err(|e| type_error(&format!("invalid lint options: {e}")))?
    };
    let json = convert::lint_json(text, options).map_err(|e| type_error(&e))?;
    js_sys::JSON::parse(&json)
}

/// Every rule (spec checks and checklist rules).
#[wasm_bindgen(js_name = rules, skip_typescript)]
pub fn rules() -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&convert::rules_json())
}

/// A rule's documentation by name or code; `undefined` when there is no such rule.
#[wasm_bindgen(js_name = explain, skip_typescript)]
pub fn explain(name: &str) -> Result<JsValue, JsValue> {
    match convert::explain_json(name) {
        Some(json) => js_sys::JSON::parse(&json),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// Panics, so that tests can check what a crash looks like from JS. Not part of the API.
#[wasm_bindgen(js_name = __panicForTesting, skip_typescript)]
pub fn panic_for_testing() {
    panic!("__panicForTesting was called");
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
