//! The fast YAML event source against granit_parser on arbitrary text: when the fast path takes
//! the text, its events (with their spans) and the document built from them must be exactly
//! granit's.
#![no_main]

use composeguard_model::yaml::{compare_fast_events_with_granit, parse, parse_fast_only, parse_with_granit, Limits};
use composeguard_model::FileId;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(diff) = compare_fast_events_with_granit(text) {
        panic!("fast events differ from granit's on {text:?}\n{diff}");
    }
    for limits in [Limits::default(), Limits { max_file_bytes: 1 << 20, max_depth: 8, max_alias_nodes: 1000 }] {
        let Some(fast) = parse_fast_only(text, FileId(0), &limits) else { continue };
        let fast = format!("{fast:?}");
        let granit = format!("{:?}", parse_with_granit(text, FileId(0), &limits));
        assert!(fast == granit, "fast document differs from granit's on {text:?}\nfast:   {fast}\ngranit: {granit}");
        let public = format!("{:?}", parse(text, FileId(0), &limits));
        assert!(public == granit, "parse differs from granit on {text:?}");
    }
});
