//! The short-syntax parsers of the model: ports, volumes, durations, byte sizes.
#![no_main]

use composeguard_model::model::{format_go_duration, parse_byte_size, parse_duration, parse_port_spec, parse_volume_spec};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = parse_port_spec(text);
    let _ = parse_volume_spec(text);
    if let Ok(nanos) = parse_duration(text) {
        // what compose prints must read back as the same duration
        let shown = format_go_duration(nanos);
        assert_eq!(parse_duration(&shown), Ok(nanos), "{text:?} -> {shown:?}");
    }
    let _ = parse_byte_size(text);
});
