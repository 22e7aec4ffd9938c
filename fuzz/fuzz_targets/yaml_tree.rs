//! YAML text → located tree: never panics, every span inside the text, limits respected.
#![no_main]

use composeguard_model::yaml::{parse, Limits, Node, Value};
use composeguard_model::FileId;
use libfuzzer_sys::fuzz_target;

fn check(node: &Node, len: u32, depth: usize, limits: &Limits) {
    assert!(node.span.start <= node.span.end && node.span.end <= len, "span {:?} outside 0..{len}", node.span);
    assert!(depth <= limits.max_depth + 1, "depth {depth}");
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check(n, len, depth + 1, limits)),
        Value::Map(m) => {
            for (k, v) in &m.entries {
                assert!(k.span.end <= len);
                check(v, len, depth + 1, limits);
            }
        }
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = Limits { max_file_bytes: 1 << 20, max_depth: 64, max_alias_nodes: 100_000 };
    let doc = parse(text, FileId(0), &limits);
    let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
    for root in &doc.roots {
        check(root, len, 0, &limits);
    }
    for issue in &doc.issues {
        assert!(issue.span.start <= issue.span.end && issue.span.end <= len, "issue span {:?}", issue.span);
    }
});
