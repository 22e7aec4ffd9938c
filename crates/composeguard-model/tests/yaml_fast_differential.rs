//! The fast YAML event source against `granit_parser`: on every input, the fast path either gives
//! up or builds exactly the document (roots and issues) the full parser builds. It must also take
//! the files compose users write: the generated benchmark files and most of the corpus.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use composeguard_model::yaml::{compare_fast_events_with_granit, parse, parse_fast_only, parse_with_granit, Limits};
use composeguard_model::FileId;

#[path = "../../composeguard/benches/support/generate.rs"]
#[allow(dead_code, clippy::all, clippy::pedantic)]
mod generate;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Compares the two paths on `text`; returns whether the fast path took it.
fn check_with(text: &str, limits: &Limits, what: &str) -> bool {
    let granit = format!("{:?}", parse_with_granit(text, FileId(3), limits));
    let Some(fast) = parse_fast_only(text, FileId(3), limits) else {
        return false;
    };
    let fast = format!("{fast:?}");
    assert!(fast == granit, "fast path differs from granit on {what}:\n--- text\n{text}\n--- fast\n{fast}\n--- granit\n{granit}");
    let public = format!("{:?}", parse(text, FileId(3), limits));
    assert!(public == granit, "parse differs from granit on {what}");
    true
}

fn check(text: &str, what: &str) -> bool {
    check_with(text, &Limits::default(), what)
}

/// Every prefix of `text` (cut at each char boundary, or at each line when `lines`), and `text`
/// with each line removed: half-written files exercise the give-up paths.
fn check_variants(text: &str, what: &str, lines: bool) {
    let cuts: Vec<usize> = if lines {
        text.match_indices('\n').map(|(i, _)| i + 1).collect()
    } else {
        text.char_indices().map(|(i, _)| i).collect()
    };
    for cut in cuts {
        if let Some(prefix) = text.get(..cut) {
            check(prefix, &format!("{what} cut at {cut}"));
        }
    }
    let all: Vec<&str> = text.split_inclusive('\n').collect();
    for skip in 0..all.len() {
        let without: String = all.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
        check(&without, &format!("{what} without line {skip}"));
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Runs the comparison on every YAML file under `dir`; returns (files, accepted by the fast path).
fn check_dir(dir: &Path) -> (usize, usize, Vec<String>) {
    let mut files = Vec::new();
    yaml_files(dir, &mut files);
    let mut accepted = 0;
    let mut bailed = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        let what = path.display().to_string();
        if check(&text, &what) {
            accepted += 1;
        } else {
            bailed.push(what.clone());
        }
        check_variants(&text, &what, true);
    }
    (files.len(), accepted, bailed)
}

#[test]
fn corpus_files_match_and_are_mostly_fast() {
    let corpus = workspace_root().join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let (files, accepted, bailed) = check_dir(&corpus);
    eprintln!("corpus: the fast path took {accepted} of {files} files; gave up on:");
    for b in &bailed {
        eprintln!("  {b}");
    }
    assert!(files > 0);
    assert!(accepted * 100 >= files * 80, "the fast path took only {accepted} of {files} corpus files");
}

#[test]
fn fixtures_and_examples_match() {
    let root = workspace_root();
    let mut total = 0;
    let mut fast = 0;
    for dir in ["tests/fixtures", "tests/hardened", "tests/projects", "examples", "fuzz/regressions"] {
        let (files, accepted, _) = check_dir(&root.join(dir));
        total += files;
        fast += accepted;
    }
    eprintln!("fixtures and examples: the fast path took {fast} of {total} files");
    assert!(total > 0);
}

#[test]
fn benchmark_files_take_the_fast_path() {
    for (name, text) in [
        ("small", generate::SMALL.to_string()),
        ("hardened-50", generate::compose_file(50)),
        ("typical-50", generate::typical_compose_file(50)),
        ("hardened-500", generate::compose_file(500)),
        ("typical-500", generate::typical_compose_file(500)),
    ] {
        assert!(check(&text, name), "the fast path gave up on the {name} benchmark file");
    }
}

/// Inputs written to reach every corner of the fast path; each either matches or bails.
const SNIPPETS: &[&str] = &[
    // comments everywhere
    "# head\na: 1 # after\n# between\nb: # after key\n  # inside\n  c: 2\n  # end\n# tail\n",
    "a:\n  # c\n  - x # c\n  # c\n  - y\n",
    "a: 1\n  # indented comment\nb: 2\n",
    "a: 1 #c\nb: '2'#c\nc: \"3\" #c\nd: [1]#c\n",
    // nested sequences, compact forms
    "- - a\n  - b\n- - - c\n",
    "- a: 1\n  b:\n    - x\n  c: 3\n- d: 4\n",
    "-   a: 1\n    b: 2\n-\n  c: 3\n-\n- - x\n  -\n",
    "k:\n- a\n- b: 1\n  c: 2\nj: 3\n",
    "k:\n-\n- a\nj:\n- # c\n  x: 1\n",
    "- a\nb: 1\n",
    "a:\n  - b\n c: 1\n",
    "a:\n   - b\n  - c\n",
    // empty values
    "key:   # c\nother:\n",
    "a:\nb:\n",
    "a:\n\n\n",
    "- \n-\n- # c\n",
    // empty and multiple documents
    "",
    "\n\n",
    "# c\n",
    "---\n",
    "--- # c\n...\n",
    "---\n---\n",
    "...\n",
    "...\na: 1\n",
    "a: 1\n...\n---\nb: 2\n...\n",
    "a: 1\n---\n- x\n",
    "a: &x 1\n---\nb: *x\n",
    "--- a\n",
    "---a: 1\n",
    "a: 1\n--- x\n",
    "a: 1\n...x\n",
    "a: 1\n... # c\nb: 2\n",
    // quoted keys and values
    "\"a\": 1\n'b': 2\n\"c d\" : 3\n'': 4\n",
    "a: \"a\\\"b\"\nb: 'it''s'\nc: ''''\nd: \"\"\n",
    "a: \"\\0\\a\\b\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\\N\\_\\L\\P\"\n",
    "a: \"\\x41\\u00e9\\U0001F600\"\n",
    "a: \"\\ud83d\\ude00\"\n",
    "a: \"\\q\"\n",
    "a: \"\\x4\"\n",
    "a: \"unterminated\nb: 1\n",
    "a: 'multi\n  line'\n",
    "a: \"x\" y\n",
    "a: \"x\":\n",
    "\"a\":b\n",
    "key: \"x\" # c\n",
    // anchors and aliases
    "- &a x\n- *a\n- &b [1, 2]\n- *b\n- &c {k: v}\n- *c\n",
    "base: &base\n  image: x\n  env: &env\n    A: 1\nsvc:\n  <<: *base\n  env: *env\n",
    "a: &a 1\nb: &a 2\nc: *a\n",
    "a: *nope\n",
    "a: &a\nb: *a\n",
    "a: &a # c\n  b: 1\nc: *a\n",
    "a: &a\n- 1\n- 2\nb: *a\n",
    "- &a\n- &b # c\n- *a\n",
    "a: &a *b\n",
    "&a a: 1\n",
    "- &a a: 1\n",
    "a: &a: 1\n",
    "a: *a:\n",
    "a: &x-y.z_1 v\nb: *x-y.z_1\n",
    "a: &é v\n",
    "x: &x {a: 1}\ny: &y {b: 2}\nz:\n  <<: [*x, *y]\n  c: 3\n",
    "<<: {a: 1}\nb: 2\n",
    "'<<': {a: 1}\n",
    "a:\n  <<: 1\n",
    // flow collections
    "a: [\"CMD\", \"curl\", \"-f\", \"http://localhost\"]\n",
    "a: [a, b, ]\nb: {a: 1, }\nc: [ ]\nd: { }\ne: [[1, 2], [3]]\nf: [{a: b}]\n",
    "a: [a,b]\nb: [a ,b]\nc: {a: 1,b: 2}\n",
    "a: [,]\nb: [a,,b]\n",
    "a: [a: 1]\n",
    "a: {a}\n",
    "a: {a: }\n",
    "a: {a:1}\n",
    "a: {\"a\":1}\n",
    "a: [http://x, a:b, -x]\n",
    "a: [-]\n",
    "a: [- x]\n",
    "a: [?x]\n",
    "a: [a #c]\n",
    "a: [a, b\n  , c]\n",
    "a: [*x]\n",
    "a: &x [1]\nb: [*x, *x]\n",
    "a: [&x 1]\n",
    "a: [1]]\n",
    "a: ]\n",
    "a: {a: [1, {b: c}]}\n",
    "[a, b]\n",
    "{a: 1}\n",
    "a:\n  [1, 2]\nb:\n  {c: d}\n",
    // plain scalars with indicators inside
    "a: b:c\nd: e :f\ng: h#i\nj: k # l\nurl: http://example.com:8080/x?y=z#w\n",
    "a: b: c\n",
    "a: -1\nb: --flag\nc: -\n",
    "a: ?x\nb: :x\nc: ? x\n",
    "a: x,y\nb: x[0]\nc: x{a}\n",
    "a: b\n  c\n",
    "a: b # c\n  d\n",
    "- a\n  b\n",
    "a b: c d\n",
    "a:b: c\n",
    "-a: 1\n?b: 2\n:c: 3\n",
    "a: !tag x\n",
    "a: !!str x\n",
    "%YAML 1.2\n---\na: 1\n",
    "? a\n: b\n",
    "a: %x\n",
    "a: @x\n",
    "a: `x\n",
    "a: 1\n b: 2\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    // block scalars
    "a: |\n  x\n  y\nb: >\n  x\n  y\n",
    "a: |-\n  x\n\n\nb: |+\n  x\n\n\nc: >-\n  x\n\n  y\n",
    "a: >\n  x\n    indented\n  y\n\n  z\n",
    "a: |\n\n  x\n",
    "a: |\n   \n  x\n",
    "a: |\n  x\n   \n  y\n",
    "a: |\n  x\n    \n",
    "a: |\n  x\n  ",
    "a: |\n  x",
    "a: |+\n  x",
    "a: |\n",
    "a: |\nb: 1\n",
    "a: |2\n   x\n",
    "a: | # c\n  x\n",
    "a: |#c\n  x\n",
    "a: |x\n  x\n",
    "- |\n  a\n- >-\n  b\n  c\n-\n  |\n  x\n",
    "a:\n  b: |\n    x\n  c: 1\n",
    "a: |\n  x\n# c\nb: 1\n",
    "a: |\n  x\n # c\nb: 1\n",
    "a: |\n  x\n  # not a comment\nb: 1\n",
    "a: |\n  ---\n  ...\n",
    "a: &a |\n  x\nb: *a\n",
    "a: >\n\n  x\n\n\n  y\n",
    "a: >+\n  x\n\n",
    "a: >\n   x\n  y\n",
    // windows line endings, trailing spaces, unicode
    "a: 1\r\nb:\r\n  - x\r\n  - 'y'\r\n  -\r\nc: |\r\n  l1\r\n  l2\r\n",
    "a: 1\rb: 2\n",
    "a: 1   \nb:   \n  - x   \n",
    "ключ: значение\n\"ключ2\": 'знач'\nemoji: 🚀 ✓\n",
    "a: \u{feff}x\n",
    "\u{feff}a: 1\n",
    // (a NEL ends a line for go-yaml: left to the full parser, which reads it so)
    "a: x\u{85}y\n",
    // (`%` is a directive only at the start of a line)
    "a: 100%\nb: x%y\nc: '%'\n",
    "a: x\u{80}y\n",
    "a: \u{7f}\n",
    "a:\tb\n",
    "a:\n\t- b\n",
    // numbers, booleans and non-string keys (the builder reports these)
    "1: a\ntrue: b\nnull: c\n~: d\n2020-01-01: e\n",
    "a: 1\na: 2\n",
    "a: 0x1F\nb: 1_000\nc: .inf\nd: 1e3\ne: 0755\n",
];

#[test]
fn snippets_match() {
    let mut accepted = 0;
    for (i, text) in SNIPPETS.iter().enumerate() {
        if check(text, &format!("snippet {i}")) {
            accepted += 1;
        }
        check_variants(text, &format!("snippet {i}"), false);
    }
    eprintln!("snippets: the fast path took {accepted} of {}", SNIPPETS.len());
    assert!(accepted * 2 >= SNIPPETS.len(), "the fast path took only {accepted} of {} snippets", SNIPPETS.len());
}

#[test]
fn depth_limit_matches() {
    for depth in 1..12 {
        let mut block = String::new();
        for level in 0..depth {
            block.push_str(&" ".repeat(level * 2));
            block.push_str("k:\n");
        }
        let flow = format!("k: {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let mut seq = String::new();
        for level in 0..depth {
            seq.push_str(&" ".repeat(level * 2));
            seq.push_str("- x\n");
        }
        for max_depth in 0..14 {
            let limits = Limits { max_depth, ..Limits::default() };
            for text in [&block, &flow, &seq] {
                check_with(text, &limits, &format!("depth {depth} with max_depth {max_depth}"));
            }
        }
    }
}

#[test]
fn alias_limit_matches() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..5 {
        let p = i - 1;
        let aliases = vec![format!("*a{p}"); 10].join(", ");
        let _ = writeln!(text, "a{i}: &a{i} [{aliases}]");
    }
    // 10^5 nodes once expanded: below, at and above the limit.
    for max_alias_nodes in [10, 1000, 100_000, 1_000_000] {
        let limits = Limits { max_alias_nodes, ..Limits::default() };
        check_with(&text, &limits, &format!("alias bomb with max_alias_nodes {max_alias_nodes}"));
    }
}

/// A small deterministic generator of compose-like YAML: nested block mappings and sequences
/// (compact and indentless ones too), scalars of every style, flow collections, anchors, aliases,
/// block scalars, comments and blank lines, then sometimes a few random edits. Each text must
/// give the same events (spans included) and the same document on both paths.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap_or(1)).unwrap_or(0)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("x")
    }

    fn key(&mut self) -> &'static str {
        if self.chance(85) {
            self.pick(&["image", "ports", "x-y", "<<", "a b", "a:b", "\"q\"", "'s'", "k.e_y/1", "é", "-x", "b", "c"])
        } else {
            self.pick(&["?x", ":x", "'it''s'", "1", "true", "null", "~", "2020-01-01", "a#b", "\"\"", "\"a: b\"", "on", "*x", "&x k", "! k", "[a]"])
        }
    }

    fn scalar(&mut self) -> &'static str {
        if self.chance(85) {
            self.pick(&[
                "v", "1", "0x1F", "1.5", "yes", "~", "\"x\"", "'y'", "\"a\\nb\\u00e9\"", "'it''s'", "http://x:80/y?z=1#f",
                "a:b", "a #b", "a#b", "-1", "a,b", "x[0]", "[a, b]", "[a,b,]", "[\"CMD\", \"curl\", -f]",
                "{a: 1, b: [x, y]}", "[]", "{}", "*x", "&x v", "&x", "|", "|-", "|+", ">", ">-", ">+", "| # c",
                "unless-stopped", "registry.example.com/team/app0:1.0.0", "\"127.0.0.1:10000:8080\"", "${A:-b}",
            ])
        } else {
            self.pick(&[
                "\"\\q\"", "\"\\ud83d\\ude00\"", "\"\\U0001F600\"", "!tag x", "%x", "@x", "`x", "[a: 1]", "{a}", "[-]",
                "{\"a\": 1}", "{a:1}", "[*x]", "*nope", "&y [1]", "|2", "- v", "a: b", "\"unterminated", "'a'x", "é ✓",
            ])
        }
    }

    fn block(&mut self, out: &mut String, indent: usize, depth: usize, compact: Option<usize>) {
        let sequence = self.chance(35);
        for i in 0..=self.below(4) {
            if i > 0 || compact.is_none() {
                if self.chance(10) {
                    out.push_str(&" ".repeat(self.below(6)));
                    out.push_str("# comment\n");
                }
                if self.chance(5) {
                    out.push('\n');
                }
                out.push_str(&" ".repeat(indent));
            }
            if sequence {
                out.push('-');
            } else {
                out.push_str(self.key());
                if self.chance(5) {
                    out.push(' ');
                }
                out.push(':');
            }
            self.value(out, indent, depth, sequence);
        }
    }

    fn value(&mut self, out: &mut String, indent: usize, depth: usize, sequence: bool) {
        let choice = self.below(10);
        if choice < 3 && depth < 5 {
            if sequence && self.chance(40) {
                out.push(' ');
                self.block(out, indent + 2, depth + 1, Some(indent + 2));
                return;
            }
            if self.chance(20) {
                out.push_str(" &x");
            }
            if self.chance(20) {
                out.push_str(" # c");
            }
            out.push('\n');
            let extra = if !sequence && self.chance(25) { 0 } else { 1 + self.below(3) };
            if self.chance(15) {
                out.push_str(&" ".repeat(indent + extra));
                out.push_str(self.scalar());
                out.push('\n');
            } else {
                self.block(out, indent + extra, depth + 1, None);
            }
            return;
        }
        if choice < 4 {
            out.push_str(if self.chance(30) { " # c\n" } else { "\n" });
            return;
        }
        out.push(' ');
        let scalar = self.scalar();
        out.push_str(scalar);
        out.push('\n');
        if scalar.starts_with('|') || scalar.starts_with('>') {
            let content = indent + 1 + self.below(3);
            for _ in 0..self.below(4) {
                match self.below(5) {
                    0 => out.push('\n'),
                    1 => {
                        out.push_str(&" ".repeat(content + 1 + self.below(2)));
                        out.push_str("more\n");
                    }
                    2 => {
                        out.push_str(&" ".repeat(self.below(content + 3)));
                        out.push('\n');
                    }
                    _ => {
                        out.push_str(&" ".repeat(content));
                        out.push_str(self.pick(&["text", "a b", "# not a comment", "x: y", "- z"]));
                        out.push('\n');
                    }
                }
            }
        }
    }

    fn edit(&mut self, text: &str) -> String {
        let mut chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            return String::new();
        }
        let at = self.below(chars.len());
        match self.below(4) {
            0 => {
                chars.remove(at);
            }
            1 => {
                let c = self.pick(&[" ", "\n", ":", "-", "#", "\t", "\r", "'", "\"", "[", "]", "{", "}", ",", "&", "*", "!", "|", ">", "?", "\\", "é"]);
                chars.splice(at..at, c.chars());
            }
            2 => chars.insert(at, ' '),
            _ => chars.truncate(at),
        }
        chars.into_iter().collect()
    }
}

#[test]
fn generated_documents_match() {
    let mut gen = Gen(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    let cases = 4000;
    for case in 0..cases {
        let mut text = String::new();
        if gen.chance(10) {
            text.push_str("---\n");
        }
        if gen.chance(10) {
            text.push_str("x: &x {a: 1}\n");
        }
        gen.block(&mut text, 0, 0, None);
        if gen.chance(5) {
            text.push_str(gen.pick(&["...\n", "---\n", "---\na: 1\n", "--- # c\n- x\n"]));
        }
        if gen.chance(30) {
            for _ in 0..=gen.below(3) {
                text = gen.edit(&text);
            }
        }
        if gen.chance(10) {
            text = text.replace('\n', "\r\n");
        }
        if let Err(diff) = compare_fast_events_with_granit(&text) {
            panic!("generated case {case}: fast events differ from granit's on {text:?}\n{diff}");
        }
        if check(&text, &format!("generated case {case}")) {
            accepted += 1;
        }
        check_with(&text, &Limits { max_depth: 4, ..Limits::default() }, &format!("generated case {case} with max_depth 4"));
    }
    eprintln!("generated: the fast path took {accepted} of {cases}");
    assert!(accepted * 4 >= cases, "the fast path took only {accepted} of {cases} generated documents");
}
