//! Hostile input: each case gets a clear diagnostic or completes, within a memory bound.
//!
//! Memory is measured, not guessed: this test binary counts every allocation (a wrapper around
//! the system allocator), and each case asserts the peak of live heap bytes while it ran. The
//! cases run one at a time (a lock), so one case's peak is not another's. Timings are not
//! asserted (CI machines vary); the limits that bound the work are.
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use composeguard::lint::{lint_project, LintOptions, Report};
use composeguard_model::project::{load_bytes, LoadOptions, NoFiles};
use composeguard_model::yaml::Limits;

/// The system allocator, counting live and peak bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        p
    }
}

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const MB: usize = 1024 * 1024;

/// Runs `f` alone and returns its result and the peak heap growth (bytes) while it ran.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

fn lint_bytes(bytes: &[u8], limits: Limits) -> Report {
    let options = LintOptions { limits, ..LintOptions::default() };
    let load = LoadOptions { limits, ..LoadOptions::default() };
    let project = load_bytes("compose.yaml", bytes, &load, &NoFiles);
    lint_project(&project, &options, &NoFiles)
}

fn rules(report: &Report) -> Vec<&str> {
    report.diagnostics().map(|d| &*d.rule).collect()
}

fn only(report: &Report, rule: &str) -> String {
    let hits: Vec<_> = report.diagnostics().filter(|d| d.rule == rule).collect();
    assert_eq!(hits.len(), 1, "want one `{rule}`, got {:?}", rules(report));
    hits[0].message.clone()
}

#[test]
fn billion_laughs_stops_at_the_alias_budget() {
    let mut text = String::from("x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        let _ = writeln!(text, "x-a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]");
    }
    text.push_str("services:\n  web:\n    image: nginx:1.27\n    command: *a9\n");
    let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
    let message = only(&report, "input-limit");
    assert!(message.contains("alias"), "{message}");
    assert!(peak < 400 * MB, "peak {peak} bytes");

    // a lower budget stops it sooner, with less memory
    let small = Limits { max_alias_nodes: 10_000, ..Limits::default() };
    let (report, small_peak) = measured(|| lint_bytes(text.as_bytes(), small));
    assert!(only(&report, "input-limit").contains("10000"));
    assert!(small_peak < 16 * MB, "peak {small_peak} bytes");
}

#[test]
fn deep_nesting_is_refused_in_block_and_flow_style() {
    let depth = 10_000;
    let cases = [
        ("block sequence", format!("services:\n  web:\n    command:\n      {}x\n", "- ".repeat(depth))),
        ("block mapping", {
            // `a:` on each line, one more space each time (about 50 MB would be needed for
            // 10 000 levels, so this one goes as deep as the default limit needs to trip)
            let mut t = String::from("x-deep:\n");
            for i in 1..=300 {
                let _ = writeln!(t, "{}a:", " ".repeat(i));
            }
            t
        }),
        ("flow sequence", format!("x-deep: {}{}\n", "[".repeat(depth), "]".repeat(depth))),
        ("flow mapping", format!("x-deep: {}1{}\n", "{a: ".repeat(depth), "}".repeat(depth))),
    ];
    for (name, text) in cases {
        let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
        let message = only(&report, "input-limit");
        assert!(message.contains("nesting"), "{name}: {message}");
        assert!(peak < 32 * MB, "{name}: peak {peak} bytes");
    }
    // the limit is configurable
    let text = format!("x-deep: {}1{}\n", "[".repeat(50), "]".repeat(50));
    let strict = Limits { max_depth: 20, ..Limits::default() };
    assert!(only(&lint_bytes(text.as_bytes(), strict), "input-limit").contains("nesting"));
    assert!(!rules(&lint_bytes(text.as_bytes(), Limits::default())).contains(&"input-limit"));
}

#[test]
fn a_50_mb_file_is_read_or_refused_by_the_size_limit() {
    // 50 MB: a small service, then comments (what a generated or vendored file may carry)
    let mut text = String::from("services:\n  web:\n    image: nginx:1.27\n");
    let line = format!("# {}\n", "padding ".repeat(12));
    while text.len() < 50 * MB {
        text.push_str(&line);
    }
    let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
    assert!(!report.is_invalid(), "{:?}", rules(&report));
    // the text is held by the project and the report (about twice), not more
    assert!(peak < 4 * 50 * MB, "peak {peak} bytes");

    let small = Limits { max_file_bytes: 10 * MB, ..Limits::default() };
    let (report, peak) = measured(|| lint_bytes(text.as_bytes(), small));
    let message = only(&report, "input-limit");
    assert!(message.contains("above the limit"), "{message}");
    assert!(peak < 4 * 50 * MB, "peak {peak} bytes");
}

#[test]
fn invalid_utf8_is_located() {
    let text = b"services:\n  web:\n    image: ngin\xff\xfex\n";
    let report = lint_bytes(text, Limits::default());
    let d = report.diagnostics().find(|d| d.rule == "yaml-syntax").expect("a yaml-syntax diagnostic");
    assert!(d.message.contains("UTF-8"), "{}", d.message);
    assert_eq!((d.start.line, d.start.column), (3, 16));
}

/// `text` encoded as UTF-16 after its byte order mark.
fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
    for unit in text.encode_utf16() {
        out.extend(if little { unit.to_le_bytes() } else { unit.to_be_bytes() });
    }
    out
}

#[test]
fn utf16_with_a_byte_order_mark_is_read() {
    // compose's YAML reader decodes UTF-16 after its byte order mark, in either byte order
    let text = "services:\n  web:\n    image: nginx:1.27\n    labels: {k: \"é☃\"}\n    bogus: 1\n";
    for little in [true, false] {
        let report = lint_bytes(&utf16(text, little), Limits::default());
        assert!(!rules(&report).contains(&"yaml-syntax"), "{:?}", rules(&report));
        let d = report.diagnostics().find(|d| d.rule == "unknown-key").expect("an unknown-key diagnostic");
        assert_eq!((d.start.line, d.start.column), (5, 5));
    }
    // without the mark, the NUL bytes are not text
    let mut bare = utf16(text, true);
    bare.drain(..2);
    assert!(rules(&lint_bytes(&bare, Limits::default())).contains(&"yaml-syntax"));
}

#[test]
fn invalid_utf16_is_located() {
    // a lone low surrogate, then half a character at the end
    let mut bytes = utf16("services:\n  web:\n    image: ngin", true);
    bytes.extend([0x00, 0xDC]);
    bytes.extend(&utf16("x\n", true)[2..]);
    let report = lint_bytes(&bytes, Limits::default());
    let d = report.diagnostics().find(|d| d.rule == "yaml-syntax").expect("a yaml-syntax diagnostic");
    assert!(d.message.contains("UTF-16"), "{}", d.message);
    assert_eq!((d.start.line, d.start.column), (3, 16));
    let mut odd = utf16("services:\n  web:\n    image: nginx\n", true);
    odd.push(b'x');
    assert!(rules(&lint_bytes(&odd, Limits::default())).contains(&"yaml-syntax"));
}

#[test]
fn a_second_byte_order_mark_is_text() {
    // The first mark goes with the decoding, as when the CLI reads the file; a U+FEFF after it
    // is a character of the first line (bytes handed in once dropped it as well, and every
    // position on that line moved).
    let utf8 = lint_bytes(b"\xEF\xBB\xBF\xEF\xBB\xBFservicez: {}\n", Limits::default());
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend("\u{feff}servicez: {}\n".encode_utf16().flat_map(u16::to_le_bytes));
    let utf16 = lint_bytes(&utf16, Limits::default());
    for report in [utf8, utf16] {
        let d = report.diagnostics().find(|d| d.rule == "unknown-key").expect("an unknown-key diagnostic");
        assert_eq!((d.start.offset, d.end.offset), (3, 11));
        assert_eq!(&report.sources.get(d.span.file).unwrap().text[3..11], "servicez");
    }
}

#[test]
fn nul_bytes_are_located() {
    let text = b"services:\n  web:\n    image: nginx\0:1.27\n";
    let report = lint_bytes(text, Limits::default());
    let d = report.diagnostics().find(|d| d.rule == "yaml-syntax").expect("a yaml-syntax diagnostic");
    assert!(d.message.contains("NUL"), "{}", d.message);
    assert_eq!((d.start.line, d.start.column), (3, 17));
}

#[test]
fn a_1_mb_single_line_completes() {
    // one flow mapping on one line: 20 000 services
    let mut text = String::from("services: {");
    let mut i = 0;
    while text.len() < MB {
        let _ = write!(text, "s{i}: {{image: nginx, privileged: true}}, ");
        i += 1;
    }
    text.push_str("last: {image: nginx}}\n");
    assert!(!text.trim_end().contains('\n'));
    let (report, peak) = measured(|| {
        let report = lint_bytes(text.as_bytes(), Limits::default());
        let human = composeguard::output::render(&report, composeguard::output::Format::Human, false);
        (report, human.len())
    });
    let (report, human_len) = report;
    let privileged = report.diagnostics().filter(|d| d.rule == "privileged").count();
    assert_eq!(privileged, i);
    assert!(!report.is_invalid());
    // each finding shows a window of the line, not the whole megabyte
    assert!(human_len < 2_000 * report.diagnostics().count(), "{human_len} bytes of output");
    assert!(peak < 512 * MB, "peak {peak} bytes");
}

#[test]
fn a_single_huge_scalar_completes() {
    let text = format!("services:\n  web:\n    image: nginx:1.27\n    command: \"{}\"\n", "x".repeat(MB));
    let report = lint_bytes(text.as_bytes(), Limits::default());
    assert!(!report.is_invalid(), "{:?}", rules(&report));
}

#[test]
fn a_line_of_40_000_substitutions_completes() {
    // each `${A:-x}` runs, as compose matches it, to the last `}` of the line: read as nested
    // calls this overflowed the stack, and scanning to the line's end per match took seconds
    let line = "${A:-x}".repeat(40_000);
    let vars = composeguard_model::Environment::default();
    let sub = composeguard_model::interpolate::substitute(&line, &vars).unwrap();
    assert_eq!(sub.value, "x".repeat(40_000));
    let text = format!("services:\n  web:\n    image: nginx:1.27\n    command: \"{line}\"\n");
    let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
    assert!(!report.is_invalid(), "{:?}", rules(&report));
    assert!(peak < 64 * MB, "peak {peak} bytes");
}

#[test]
fn defaults_nested_too_deep_are_refused() {
    let nested = |n: usize| format!("{}x{}", "${A:-".repeat(n), "}".repeat(n));
    let text = format!("services:\n  web:\n    image: nginx:1.27\n    command: \"{}\"\n", nested(10_000));
    let report = lint_bytes(text.as_bytes(), Limits::default());
    let message = only(&report, "input-limit");
    assert!(message.contains("deeper than the supported limit of 100 levels"), "{message}");
    let d = report.diagnostics().find(|d| d.rule == "input-limit").unwrap();
    assert_eq!((d.start.line, d.start.column), (4, 14));
    // fifty levels are read, to the innermost default
    let text = format!("services:\n  web:\n    image: nginx:1.27\n    command: \"{}\"\n", nested(50));
    let report = lint_bytes(text.as_bytes(), Limits::default());
    assert!(!report.is_invalid(), "{:?}", rules(&report));
}

#[test]
fn a_100_000_service_file_completes() {
    let mut text = String::from("services:\n");
    for i in 0..100_000 {
        let _ = writeln!(text, "  s{i}:\n    image: nginx:1.27\n    depends_on: [s{}]", i / 2);
    }
    let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
    assert!(report.is_invalid(), "s0 depends on itself: a cycle");
    let files = report.files.len();
    assert_eq!(files, 1);
    assert!(report.summary.warning >= 100_000, "{:?}", report.summary);
    // about 12 KB a service here: the typed service (about 3 KB), its located tree, and the
    // nine findings each of these services gets
    assert!(peak < 1536 * MB, "peak {peak} bytes");
}

#[test]
fn many_tab_led_lines_complete() {
    // go-yaml reads these tabs (a run of comments, a quoted string, `[…]`): each is checked, once
    let lines = 200_000;
    for (body, tail) in [
        ("# notes\n", "\t# more\n"),
        ("    command: \"echo\n", "\tword\n"),
        ("    command: [echo,\n", "\tword,\n"),
    ] {
        let close = if body.contains('"') { "\tend\"\n" } else if body.contains('[') { "\tend]\n" } else { "" };
        let text = format!("services:\n  web:\n    image: nginx:1.27\n{body}{}{close}", tail.repeat(lines));
        let (report, peak) = measured(|| lint_bytes(text.as_bytes(), Limits::default()));
        assert!(!report.is_invalid() || body.contains('['), "{body:?}: {:?}", rules(&report));
        assert!(peak < 512 * MB, "peak {peak} bytes");
    }
}

#[test]
fn ten_thousand_documents_complete() {
    // compose checks the documents merged so far after each one; only the first few prefixes
    // get that read of their own, so many documents stay a linear pass
    let mut text = String::new();
    for i in 0..10_000 {
        let _ = writeln!(text, "---\nservices:\n  s{i}:\n    image: nginx:1.27");
    }
    let report = lint_bytes(text.as_bytes(), Limits::default());
    assert!(!report.is_invalid(), "{:?}", rules(&report));
    assert!(report.summary.warning >= 10_000, "{:?}", report.summary);
}

#[test]
fn fuzz_regressions_lint_cleanly() {
    let dir = composeguard_tests::workspace_root().join("fuzz").join("regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        println!("skipped: {} is absent", dir.display());
        return;
    };
    let mut n = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "md") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let report = lint_bytes(&bytes, Limits::default());
        for format in composeguard::output::Format::ALL.map(|(_, f)| f) {
            let _ = composeguard::output::render(&report, format, false);
        }
        n += 1;
    }
    println!("{n} regression inputs");
}
