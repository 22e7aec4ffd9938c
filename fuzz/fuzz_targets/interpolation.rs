//! `${…}` substitution on arbitrary templates: never panics, and a template without `$` is
//! returned unchanged.
#![no_main]

use composeguard_model::interpolate::substitute;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let vars = |name: &str| match name {
        "SET" => Some("value".to_string()),
        "EMPTY" => Some(String::new()),
        "DOLLAR" => Some("$HOME".to_string()),
        _ => None,
    };
    let result = substitute(text, &vars);
    if !text.contains('$') {
        assert_eq!(result.map(|s| s.value).as_deref(), Ok(text));
    }
});
