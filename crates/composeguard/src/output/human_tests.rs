//! The human renderer's output for a table of cases: single and several marks, marks on one line
//! and on several, other files, multi-line and empty spans, tabs, wide characters, long lines.
//!
//! The expected texts were captured from the renderer this crate used before its own
//! (`annotate-snippets` 0.12, ASCII decorations), and pin the same output, with two deliberate
//! differences: a window of a long line no longer has a stray ` ::: ` line under its location
//! (`window_*`), and the last line of an excerpt of a CRLF file no longer ends in `␍` (`crlf*`).

#![allow(clippy::needless_raw_string_hashes, clippy::unicode_not_nfc, clippy::vec_init_then_push, clippy::indexing_slicing)]

use std::fmt::Write as _;

use composeguard_model::{FileId, SourceFile, SourceMap, Span};

use super::render_diagnostic;
use crate::diagnostic::{Category, Diagnostic, Position, RelatedLocation, Severity};

const COMPOSE: &str = "services:
  web:
    image: nginx
    ports:
      - \"8080:80\"
      - \"8080:81\"
    environment:
      A: 1
      B: 2
      C: 3
    volumes:
      - type: bind
        source: ./a
        target: /etc/x
      - ./b:/etc/x
";

const OVERRIDE: &str = "services:
  web:
    image: nginx:1.27
    ports:
      - \"8080:80\"
";

/// Byte range of the `n`th (0-based) occurrence of `needle` in `text`.
fn at(text: &str, needle: &str, n: usize) -> (u32, u32) {
    let start = text.match_indices(needle).nth(n).map_or_else(|| panic!("no {n}th `{needle}`"), |(i, _)| i);
    (start as u32, (start + needle.len()) as u32)
}

/// A point (empty span) where the `n`th `needle` starts.
fn point(text: &str, needle: &str, n: usize) -> (u32, u32) {
    let (s, _) = at(text, needle, n);
    (s, s)
}

struct Case {
    files: Vec<(&'static str, String)>,
    severity: Severity,
    message: String,
    primary: (u32, u32, u32),
    related: Vec<(u32, u32, u32, String)>,
    help: Option<String>,
}

impl Case {
    fn new(text: &str, span: (u32, u32)) -> Self {
        Self {
            files: vec![("compose.yaml", text.to_string())],
            severity: Severity::Warning,
            message: "service `web` does a thing".into(),
            primary: (0, span.0, span.1),
            related: Vec::new(),
            help: Some("do it differently".into()),
        }
    }
    fn file(mut self, path: &'static str, text: &str) -> Self {
        self.files.push((path, text.to_string()));
        self
    }
    fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    fn message(mut self, m: &str) -> Self {
        self.message = m.into();
        self
    }
    fn help(mut self, h: Option<&str>) -> Self {
        self.help = h.map(Into::into);
        self
    }
    fn primary_in(mut self, file: u32) -> Self {
        self.primary.0 = file;
        self
    }
    fn related(mut self, file: u32, span: (u32, u32), label: &str) -> Self {
        self.related.push((file, span.0, span.1, label.into()));
        self
    }

    fn render(&self, color: bool) -> String {
        self.render_with(&super::renderer(color))
    }

    fn render_with(&self, renderer: &super::Renderer) -> String {
        let mut sources = SourceMap::new();
        for (path, text) in &self.files {
            sources.add(SourceFile::new(*path, text.as_str()));
        }
        let span = |f: u32, s: u32, e: u32| Span::new(FileId(f), s, e);
        let d = Diagnostic {
            rule: "a-rule".into(),
            code: "CG999".into(),
            category: Category::Correctness,
            severity: self.severity,
            message: self.message.clone(),
            file: std::sync::Arc::from(""),
            path: String::new(),
            start: Position::default(),
            end: Position::default(),
            help: self.help.clone().map(Into::into),
            related: self
                .related
                .iter()
                .map(|(f, s, e, m)| RelatedLocation {
                    file: String::new(),
                    start: Position::default(),
                    end: Position::default(),
                    message: m.clone(),
                    span: span(*f, *s, *e),
                })
                .collect(),
            fix: None,
            profiles: Vec::new(),
            suppression: None,
            span: span(self.primary.0, self.primary.1, self.primary.2),
        };
        render_diagnostic(&d, &sources, renderer)
    }
}

fn long_line(n: usize) -> String {
    let mut s = String::from("services: {");
    let mut i = 0;
    while s.len() < n {
        let _ = write!(s, "s{i}: {{image: nginx}}, ");
        i += 1;
    }
    s.push_str("last: {image: nginx, privileged: true}}\n");
    s
}

fn cases() -> Vec<(&'static str, Case, bool)> {
    let c = COMPOSE;
    let o = OVERRIDE;
    let mut v: Vec<(&'static str, Case, bool)> = Vec::new();
    v.push(("simple", Case::new(c, at(c, "nginx", 0)), false));
    v.push(("simple_color", Case::new(c, at(c, "nginx", 0)), true));
    v.push(("error_no_help", Case::new(c, at(c, "nginx", 0)).severity(Severity::Error).help(None), false));
    v.push(("note", Case::new(c, at(c, "nginx", 0)).severity(Severity::Info), false));
    v.push(("note_color", Case::new(c, at(c, "nginx", 0)).severity(Severity::Info).help(None), true));
    v.push(("error_color", Case::new(c, at(c, "8080", 1)).severity(Severity::Error).related(0, at(c, "8080", 0), "first here"), true));
    v.push(("related_before_far", Case::new(c, at(c, "8080", 1)).related(0, at(c, "web", 0), "service here"), false));
    v.push(("related_adjacent", Case::new(c, at(c, "8080", 1)).related(0, at(c, "8080", 0), "first published here"), false));
    v.push(("related_gap_one", Case::new(c, at(c, "8080", 1)).related(0, at(c, "ports", 0), "ports here"), false));
    v.push(("related_after_far", Case::new(c, at(c, "nginx", 0)).related(0, at(c, "B: 2", 0), "set here"), false));
    v.push(("related_far_color", Case::new(c, at(c, "nginx", 0)).related(0, at(c, "B: 2", 0), "set here"), true));
    v.push(("same_line_related_left", Case::new(c, at(c, "80\"", 0)).related(0, at(c, "8080", 0), "host port"), false));
    v.push(("same_line_related_right", Case::new(c, at(c, "8080", 0)).related(0, at(c, "80\"", 0), "container port"), false));
    v.push((
        "same_line_three",
        Case::new(c, at(c, "8080:80", 0)).related(0, at(c, "- ", 0), "the item").related(0, at(c, "\"\n", 0), "the quote"),
        false,
    ));
    v.push((
        "same_line_three_color",
        Case::new(c, at(c, "8080:80", 0)).related(0, at(c, "- ", 0), "the item").related(0, at(c, "\"\n", 0), "the quote"),
        true,
    ));
    v.push(("overlapping", Case::new(c, at(c, "\"8080:80\"", 0)).related(0, at(c, "8080", 0), "inside"), false));
    v.push(("overlapping_primary_inside", Case::new(c, at(c, "8080", 0)).related(0, at(c, "\"8080:80\"", 0), "around"), false));
    v.push(("identical_spans", Case::new(c, at(c, "8080", 0)).related(0, at(c, "8080", 0), "same"), false));
    v.push((
        "labels_would_collide",
        Case::new(c, at(c, "type", 0))
            .related(0, at(c, "bind", 0), "a rather long label for the bind")
            .related(0, at(c, "- ", 2), "a long label for the dash"),
        false,
    ));
    v.push(("other_file", Case::new(c, at(c, "nginx", 0)).file("override.yaml", o).related(1, at(o, "nginx:1.27", 0), "overridden here"), false));
    v.push((
        "other_file_color",
        Case::new(c, at(c, "nginx", 0)).file("override.yaml", o).related(1, at(o, "nginx:1.27", 0), "overridden here"),
        true,
    ));
    v.push((
        "other_file_and_same_file",
        Case::new(c, at(c, "8080", 1))
            .file("override.yaml", o)
            .related(1, at(o, "8080", 0), "also here")
            .related(0, at(c, "8080", 0), "first here")
            .related(1, at(o, "ports", 0), "ports"),
        false,
    ));
    v.push((
        "primary_in_second_file",
        Case::new(o, at(o, "nginx:1.27", 0)).file("base.yaml", c).related(1, at(c, "nginx", 0), "base image"),
        false,
    ));
    let bind = (at(c, "type: bind", 0).0, at(c, "/etc/x", 0).1);
    v.push(("multiline_primary", Case::new(c, bind), false));
    v.push(("multiline_primary_color", Case::new(c, bind), true));
    v.push(("multiline_related", Case::new(c, at(c, "./b:/etc/x", 0)).related(0, bind, "first mounted here"), false));
    let whole_item = (at(c, "- type", 0).0, at(c, "/etc/x", 0).1);
    v.push(("multiline_from_line_start_text", Case::new(c, at(c, "./b:/etc/x", 0)).related(0, whole_item, "item"), false));
    let env = (at(c, "A: 1", 0).0, at(c, "C: 3", 0).1);
    v.push(("multiline_whole_lines", Case::new(c, env).help(None), false));
    let services = (at(c, "web:", 0).0, at(c, "C: 3", 0).1);
    v.push(("multiline_long", Case::new(c, services), false));
    v.push(("multiline_nested", Case::new(c, env).related(0, services, "the service"), false));
    v.push(("multiline_nested_other_order", Case::new(c, services).related(0, env, "the environment"), false));
    let ports_to_env = (at(c, "8080", 0).0, at(c, "B: 2", 0).1);
    v.push(("multiline_two_overlapping", Case::new(c, ports_to_env).related(0, (at(c, "image", 0).0, at(c, "81", 0).1), "crossing"), false));
    v.push((
        "multiline_ends_where_primary_is",
        Case::new(c, at(c, "./a", 0)).related(0, (at(c, "- type", 0).0, at(c, "source", 0).1), "ends here"),
        false,
    ));
    let line_with_newline = (at(c, "    image", 0).0, at(c, "    ports", 0).0);
    v.push(("span_includes_newline", Case::new(c, line_with_newline), false));
    v.push(("point_mid_line", Case::new(c, point(c, "nginx", 0)), false));
    v.push(("point_end_of_line", Case::new(c, point(c, "\n    ports", 0)), false));
    let no_nl = "services:\n  web:\n    image: nginx";
    v.push(("point_eof_no_newline", Case::new(no_nl, (no_nl.len() as u32, no_nl.len() as u32)), false));
    v.push(("point_eof_after_newline", Case::new(c, (c.len() as u32, c.len() as u32)), false));
    v.push(("span_beyond_eof", Case::new(no_nl, (no_nl.len() as u32 - 2, no_nl.len() as u32 + 10)), false));
    v.push(("empty_file", Case::new("", (0, 0)), false));
    v.push(("file_missing", Case::new(c, (0, 3)).primary_in(7), false));
    let tabs = "services:\n  web:\n\timage:\tnginx\n    x: \t\ty\n";
    v.push(("tab_before_span", Case::new(tabs, at(tabs, "nginx", 0)), false));
    v.push(("tab_is_span", Case::new(tabs, at(tabs, "\t", 1)).related(0, at(tabs, "\t\t", 0), "tabs"), false));
    let wide = "services:\n  web:\n    labels:\n      名前: \"日本語のラベル\" # x\n      emoji: \"🚀🚀\" # y\n      e\u{301}: z\n";
    v.push(("wide_chars_before", Case::new(wide, at(wide, "# x", 0)).related(0, at(wide, "名前", 0), "key"), false));
    v.push(("wide_chars_span", Case::new(wide, at(wide, "日本語のラベル", 0)), false));
    v.push(("emoji", Case::new(wide, at(wide, "# y", 0)).related(0, at(wide, "🚀", 1), "rocket"), false));
    v.push(("combining", Case::new(wide, at(wide, "z", 0)), false));
    let ctl = "services:\n  web:\n    image: nginx\u{0}:1.27\u{1b}[0m x\u{200d}y\n";
    v.push(("control_chars", Case::new(ctl, point(ctl, "\u{0}", 0)).related(0, at(ctl, "y", 0), "after zwj"), false));
    let crlf = "services:\r\n  web:\r\n    image: nginx\r\n    ports:\r\n      - \"80:80\"\r\n";
    v.push(("crlf", Case::new(crlf, at(crlf, "nginx", 0)).related(0, at(crlf, "ports", 0), "ports"), false));
    v.push(("crlf_multiline", Case::new(crlf, (at(crlf, "web", 0).0, at(crlf, "nginx", 0).1)), false));
    v.push(("crlf_point_eol", Case::new(crlf, point(crlf, "\r\n    ports", 0)), false));
    v.push(("gutter_9_10", Case::new(c, at(c, "C: 3", 0)).related(0, at(c, "B: 2", 0), "nine"), false));
    v.push(("gutter_8_12", Case::new(c, at(c, "bind", 0)).related(0, at(c, "A: 1", 0), "eight"), false));
    let mut big = String::from("services:\n  web:\n");
    for i in 0..120 {
        let _ = writeln!(big, "    # comment {i}");
    }
    big.push_str("    image: nginx\n");
    v.push(("gutter_3_digits", Case::new(&big, at(&big, "nginx", 0)).related(0, at(&big, "web", 0), "service"), false));
    v.push(("gutter_3_digits_near", Case::new(&big, at(&big, "nginx", 0)).related(0, at(&big, "comment 119", 0), "comment"), false));
    let l200 = format!("services:\n  web:\n    command: [\"sh\", \"-c\", \"{}\", \"end-marker\"]\n", "echo hello; ".repeat(16));
    v.push(("line_200_mark_end", Case::new(&l200, at(&l200, "end-marker", 0)), false));
    v.push(("line_200_mark_start", Case::new(&l200, at(&l200, "command", 0)), false));
    v.push(("line_200_mark_both", Case::new(&l200, at(&l200, "end-marker", 0)).related(0, at(&l200, "command", 0), "key"), false));
    v.push(("line_200_mark_end_long_label", Case::new(&l200, at(&l200, "sh", 0)).related(0, at(&l200, "end-marker", 0), "a label that is rather long, long enough to be cut"), false));
    let l400 = format!("services:\n  web:\n    command: \"{}\"\n", "abcdefghij".repeat(40));
    v.push(("span_400_wide", Case::new(&l400, at(&l400, &"abcdefghij".repeat(40), 0)), false));
    let deep = format!("services:\n  web:\n{}image: nginx\n{}x: y\n", " ".repeat(40), " ".repeat(36));
    v.push(("deep_indent", Case::new(&deep, at(&deep, "nginx", 0)), false));
    v.push(("deep_indent_two_lines", Case::new(&deep, at(&deep, "nginx", 0)).related(0, at(&deep, "x: y", 0), "next"), false));
    v.push(("deep_indent_and_shallow", Case::new(&deep, at(&deep, "nginx", 0)).related(0, at(&deep, "web", 0), "service"), false));
    let huge = long_line(10_000);
    v.push(("window_long_line", Case::new(&huge, at(&huge, "privileged: true", 0)), false));
    v.push(("window_long_line_color", Case::new(&huge, at(&huge, "privileged: true", 0)), true));
    v.push(("window_long_line_related", Case::new(&huge, at(&huge, "privileged: true", 0)).related(0, at(&huge, "last", 0), "last service"), false));
    v.push(("window_long_line_middle", Case::new(&huge, at(&huge, "s300:", 0)), false));
    v.push(("window_long_line_start", Case::new(&huge, at(&huge, "services", 0)), false));
    v.push(("window_in_related_file", Case::new(c, at(c, "nginx", 0)).file("huge.yaml", &huge).related(1, at(&huge, "privileged", 0), "also privileged"), false));
    let mut far = String::from("services:\n  web:\n    image: nginx\n");
    for i in 0..300 {
        let _ = writeln!(far, "    # padding comment line {i}");
    }
    far.push_str("    privileged: true\n");
    v.push(("window_far_apart_lines", Case::new(&far, at(&far, "privileged", 0)).related(0, at(&far, "nginx", 0), "image"), false));
    // marks more than 64 KiB apart: an excerpt each, the primary's first
    let mut very_far = String::from("services:\n  web:\n    image: nginx\n");
    for i in 0..3000 {
        let _ = writeln!(very_far, "    # padding comment line {i}");
    }
    very_far.push_str("    privileged: true\n    user: root\n");
    v.push((
        "excerpts_of_marks_thousands_of_lines_apart",
        Case::new(&very_far, at(&very_far, "privileged", 0)).related(0, at(&very_far, "nginx", 0), "image").related(0, at(&very_far, "root", 0), "user"),
        false,
    ));
    v.push(("window_far_apart_other_file", Case::new(&far, at(&far, "privileged", 0)).file("o.yaml", o).related(1, at(o, "web", 0), "here"), false));
    v.push((
        "message_newline_tab",
        Case::new(c, at(c, "nginx", 0)).message("first line\n\tsecond line").help(Some("help line one\nhelp\tline two")),
        false,
    ));
    v.push(("empty_label", Case::new(c, at(c, "8080", 1)).related(0, at(c, "8080", 0), ""), false));
    v.push(("path_with_spaces", Case::new(c, at(c, "nginx", 0)).file("my dir/ov.yaml", o).related(1, at(o, "web", 0), "here"), false));
    v
}

/// Captured outputs, one per case (regenerate with `PROBE_PRINT=1 cargo test -p composeguard
/// human_probe -- --nocapture` and review every difference).
const EXPECTED: &[(&str, &str)] = &[
    ("simple", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
help: do it differently"#),
    ("simple_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:3:12\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m3\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m     image: nginx\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m            \u{1b}[1m\u{1b}[33m^^^^^\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("error_no_help", r#"error[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^"#),
    ("note", r#"note[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
help: do it differently"#),
    ("note_color", "\u{1b}[1m\u{1b}[92mnote[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:3:12\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m3\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m     image: nginx\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m            \u{1b}[1m\u{1b}[92m^^^^^\u{1b}[0m"),
    ("error_color", "\u{1b}[1m\u{1b}[91merror[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:6:10\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m5\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       - \"8080:80\"\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m          \u{1b}[1m\u{1b}[94m----\u{1b}[0m \u{1b}[1m\u{1b}[94mfirst here\u{1b}[0m\n\u{1b}[1m\u{1b}[94m6\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       - \"8080:81\"\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m          \u{1b}[1m\u{1b}[91m^^^^\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("related_before_far", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:10
  |
2 |   web:
  |   --- service here
...
6 |       - "8080:81"
  |          ^^^^
  |
help: do it differently"#),
    ("related_adjacent", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:10
  |
5 |       - "8080:80"
  |          ---- first published here
6 |       - "8080:81"
  |          ^^^^
  |
help: do it differently"#),
    ("related_gap_one", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:10
  |
4 |     ports:
  |     ----- ports here
5 |       - "8080:80"
6 |       - "8080:81"
  |          ^^^^
  |
help: do it differently"#),
    ("related_after_far", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
...
9 |       B: 2
  |       ---- set here
  |
help: do it differently"#),
    ("related_far_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:3:12\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m3\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m     image: nginx\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m            \u{1b}[1m\u{1b}[33m^^^^^\u{1b}[0m\n\u{1b}[1m\u{1b}[94m...\u{1b}[0m\n\u{1b}[1m\u{1b}[94m9\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       B: 2\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m       \u{1b}[1m\u{1b}[94m----\u{1b}[0m \u{1b}[1m\u{1b}[94mset here\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("same_line_related_left", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:15
  |
5 |       - "8080:80"
  |          ---- ^^^
  |          |
  |          host port
  |
help: do it differently"#),
    ("same_line_related_right", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:10
  |
5 |       - "8080:80"
  |          ^^^^ --- container port
  |
help: do it differently"#),
    ("same_line_three", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:10
  |
5 |         - "8080:80"
  |  _______--_^^^^^^^-
  | |       |
  | |       the item
6 | |       - "8080:81"
  | |_- the quote
  |
help: do it differently"#),
    ("same_line_three_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:5:10\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m5\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m         - \"8080:80\"\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m _______--_\u{1b}[0m\u{1b}[1m\u{1b}[33m^^^^^^^\u{1b}[0m\u{1b}[1m\u{1b}[94m-\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       \u{1b}[1m\u{1b}[94mthe item\u{1b}[0m\n\u{1b}[1m\u{1b}[94m6\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m       - \"8080:81\"\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m|_-\u{1b}[0m \u{1b}[1m\u{1b}[94mthe quote\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("overlapping", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:9
  |
5 |       - "8080:80"
  |         ^----^^^^
  |          |
  |          inside
  |
help: do it differently"#),
    ("overlapping_primary_inside", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:10
  |
5 |       - "8080:80"
  |         -^^^^---- around
  |
help: do it differently"#),
    ("identical_spans", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:10
  |
5 |       - "8080:80"
  |          ^^^^
  |          |
  |          same
  |
help: do it differently"#),
    ("labels_would_collide", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:12:9
   |
12 |       - type: bind
   |       --^^^^  ---- a rather long label for the bind
   |       |
   |       a long label for the dash
   |
help: do it differently"#),
    ("other_file", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
 ::: override.yaml:3:12
  |
3 |     image: nginx:1.27
  |            ---------- overridden here
  |
help: do it differently"#),
    ("other_file_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:3:12\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m3\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m     image: nginx\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m            \u{1b}[1m\u{1b}[33m^^^^^\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n \u{1b}[1m\u{1b}[94m::: \u{1b}[0moverride.yaml:3:12\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m3\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m     image: nginx:1.27\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m            \u{1b}[1m\u{1b}[94m----------\u{1b}[0m \u{1b}[1m\u{1b}[94moverridden here\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("other_file_and_same_file", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:10
  |
5 |       - "8080:80"
  |          ---- first here
6 |       - "8080:81"
  |          ^^^^
  |
 ::: override.yaml:4:5
  |
4 |     ports:
  |     ----- ports
5 |       - "8080:80"
  |          ---- also here
  |
help: do it differently"#),
    ("primary_in_second_file", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx:1.27
  |            ^^^^^^^^^^
  |
 ::: base.yaml:3:12
  |
3 |     image: nginx
  |            ----- base image
  |
help: do it differently"#),
    ("multiline_primary", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:12:9
   |
12 |         - type: bind
   |  _________^
13 | |         source: ./a
14 | |         target: /etc/x
   | |______________________^
   |
help: do it differently"#),
    ("multiline_primary_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:12:9\n   \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m12\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m         - type: bind\n   \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[33m _________^\u{1b}[0m\n\u{1b}[1m\u{1b}[94m13\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[33m|\u{1b}[0m         source: ./a\n\u{1b}[1m\u{1b}[94m14\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[33m|\u{1b}[0m         target: /etc/x\n   \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[33m|______________________^\u{1b}[0m\n   \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("multiline_related", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:15:9
   |
12 |         - type: bind
   |  _________-
13 | |         source: ./a
14 | |         target: /etc/x
   | |______________________- first mounted here
15 |         - ./b:/etc/x
   |           ^^^^^^^^^^
   |
help: do it differently"#),
    ("multiline_from_line_start_text", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:15:9
   |
12 | /       - type: bind
13 | |         source: ./a
14 | |         target: /etc/x
   | |______________________- item
15 |         - ./b:/etc/x
   |           ^^^^^^^^^^
   |
help: do it differently"#),
    ("multiline_whole_lines", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:8:7
   |
 8 | /       A: 1
 9 | |       B: 2
10 | |       C: 3
   | |__________^"#),
    ("multiline_long", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:2:3
   |
 2 | /   web:
 3 | |     image: nginx
 4 | |     ports:
 5 | |       - "8080:80"
...  |
 9 | |       B: 2
10 | |       C: 3
   | |__________^
   |
help: do it differently"#),
    ("multiline_nested", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:8:7
   |
 2 | /    web:
 3 | |      image: nginx
 4 | |      ports:
 5 | |        - "8080:80"
...  |
 8 | |/       A: 1
 9 | ||       B: 2
10 | ||       C: 3
   | ||__________^ the service
   |  |__________|
   |
   |
help: do it differently"#),
    ("multiline_nested_other_order", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:2:3
   |
 2 | /    web:
 3 | |      image: nginx
 4 | |      ports:
 5 | |        - "8080:80"
...  |
 8 | |/       A: 1
 9 | ||       B: 2
10 | ||       C: 3
   | ||__________^
   |  |__________|
   |             the environment
   |
help: do it differently"#),
    ("multiline_two_overlapping", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:10
  |
3 | /      image: nginx
4 | |      ports:
5 | |        - "8080:80"
  | | __________^
6 | ||       - "8080:81"
  | ||________________- crossing
7 |  |     environment:
8 |  |       A: 1
9 |  |       B: 2
  |  |__________^
  |
help: do it differently"#),
    ("multiline_ends_where_primary_is", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:13:17
   |
12 | /       - type: bind
13 | |         source: ./a
   | |              -  ^^^
   | |______________|
   |                ends here
   |
help: do it differently"#),
    ("span_includes_newline", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:1
  |
3 | /     image: nginx
4 | |     ports:
  | |_^
  |
help: do it differently"#),
    ("point_mid_line", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^
  |
help: do it differently"#),
    ("point_end_of_line", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:17
  |
3 |     image: nginx
  |                 ^
  |
help: do it differently"#),
    ("point_eof_no_newline", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:17
  |
3 |     image: nginx
  |                 ^
  |
help: do it differently"#),
    ("point_eof_after_newline", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:16:1
   |
16 |
   | ^
   |
help: do it differently"#),
    ("span_beyond_eof", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:15
  |
3 |     image: nginx
  |               ^^
  |
help: do it differently"#),
    ("empty_file", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:1:1
  |
1 |
  | ^
  |
help: do it differently"#),
    ("file_missing", r#"warning[CG999 a-rule]: service `web` does a thing
 |
help: do it differently"#),
    ("tab_before_span", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:9
  |
3 |     image:    nginx
  |               ^^^^^
  |
help: do it differently"#),
    ("tab_is_span", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:8
  |
3 |     image:    nginx
  |           ^^^^
4 |     x:         y
  |        -------- tabs
  |
help: do it differently"#),
    ("wide_chars_before", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:4:21
  |
4 |       名前: "日本語のラベル" # x
  |       ---- key               ^^^
  |
help: do it differently"#),
    ("wide_chars_span", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:4:12
  |
4 |       名前: "日本語のラベル" # x
  |              ^^^^^^^^^^^^^^
  |
help: do it differently"#),
    ("emoji", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:5:19
  |
5 |       emoji: "🚀🚀" # y
  |                 --  ^^^
  |                 |
  |                 rocket
  |
help: do it differently"#),
    ("combining", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:11
  |
6 |       é: z
  |          ^
  |
help: do it differently"#),
    ("control_chars", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:17
  |
3 |     image: nginx␀:1.27␛[0m xy
  |                 ^           - after zwj
  |
help: do it differently"#),
    ("crlf", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
4 |     ports:
  |     ----- ports
  |
help: do it differently"#),
    ("crlf_multiline", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:2:3
  |
2 | /   web:
3 | |     image: nginx
  | |________________^
  |
help: do it differently"#),
    ("crlf_point_eol", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:17
  |
3 |     image: nginx
  |                 ^
  |
help: do it differently"#),
    ("gutter_9_10", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:10:7
   |
 9 |       B: 2
   |       ---- nine
10 |       C: 3
   |       ^^^^
   |
help: do it differently"#),
    ("gutter_8_12", r#"warning[CG999 a-rule]: service `web` does a thing
  --> compose.yaml:12:15
   |
 8 |       A: 1
   |       ---- eight
...
12 |       - type: bind
   |               ^^^^
   |
help: do it differently"#),
    ("gutter_3_digits", r#"warning[CG999 a-rule]: service `web` does a thing
   --> compose.yaml:123:12
    |
  2 |   web:
    |   --- service
...
123 |     image: nginx
    |            ^^^^^
    |
help: do it differently"#),
    ("gutter_3_digits_near", r#"warning[CG999 a-rule]: service `web` does a thing
   --> compose.yaml:123:12
    |
122 |     # comment 119
    |       ----------- comment
123 |     image: nginx
    |            ^^^^^
    |
help: do it differently"#),
    ("line_200_mark_end", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:224
  |
3 | ... hello; echo hello; echo hello; echo hello; echo hello; ", "end-marker"]
  |                                                                ^^^^^^^^^^
  |
help: do it differently"#),
    ("line_200_mark_start", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:5
  |
3 |     command: ["sh", "-c", "echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello...
  |     ^^^^^^^
  |
help: do it differently"#),
    ("line_200_mark_both", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:224
  |
3 |     command: ["sh", "-c", "echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; ", "end-marker"]
  |     ------- key                                                                                                                                                                                                                ^^^^^^^^^^
  |
help: do it differently"#),
    ("line_200_mark_end_long_label", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:16
  |
3 | ... ["sh", "-c", "echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; echo hello; ", "end-marker"]
  |       ^^                                                                                                                                                                                                              ---------- a label that is rather long, long enough to be cut
  |
help: do it differently"#),
    ("span_400_wide", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:15
  |
3 | ...: "abcdefghijabcdefghijabcdefghijabcdefghijabcde...fghijabcdefghijabcdefghijabcdefghijabcdefghij"
  |       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^...^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
  |
help: do it differently"#),
    ("deep_indent", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:48
  |
3 | ...                   image: nginx
  |                              ^^^^^
  |
help: do it differently"#),
    ("deep_indent_two_lines", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:48
  |
3 | ...                       image: nginx
  |                                  ^^^^^
4 | ...                   x: y
  |                       ---- next
  |
help: do it differently"#),
    ("deep_indent_and_shallow", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:48
  |
2 |   web:
  |   --- service
3 |                                         image: nginx
  |                                                ^^^^^
  |
help: do it differently"#),
    ("window_long_line", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:1:10043
  |
1 | ...mage: nginx}, s459: {image: nginx}, last: {image: nginx, privileged: true}}
  |                                                             ^^^^^^^^^^^^^^^^
  |
help: do it differently"#),
    ("window_long_line_color", "\u{1b}[1m\u{1b}[33mwarning[CG999 a-rule]\u{1b}[0m\u{1b}[1m: service `web` does a thing\u{1b}[0m\n \u{1b}[1m\u{1b}[94m--> \u{1b}[0mcompose.yaml:1:10043\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[94m1\u{1b}[0m \u{1b}[1m\u{1b}[94m|\u{1b}[0m \u{1b}[1m\u{1b}[94m...\u{1b}[0mmage: nginx}, s459: {image: nginx}, last: {image: nginx, privileged: true}}\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m                                                             \u{1b}[1m\u{1b}[33m^^^^^^^^^^^^^^^^\u{1b}[0m\n  \u{1b}[1m\u{1b}[94m|\u{1b}[0m\n\u{1b}[1m\u{1b}[96mhelp\u{1b}[0m: do it differently"),
    ("window_long_line_related", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:1:10043
  |
1 | ..., s458: {image: nginx}, s459: {image: nginx}, last: {image: nginx, privileged: true}}
  |                                                  ---- last service    ^^^^^^^^^^^^^^^^
  |
help: do it differently"#),
    ("window_long_line_middle", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:1:6502
  |
1 | : nginx}, s295: {image: nginx}, s296: {image: nginx}, s297: {image: nginx}, s298: {image: nginx}, s299: {image: nginx}, s300: {image:...
  |                                                                                                                         ^^^^^
  |
help: do it differently"#),
    ("window_long_line_start", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:1:1
  |
1 | services: {s0: {image: nginx}, s1: {image: nginx}, s2: {image: nginx}, s3: {image: nginx}, s4: {image: nginx}, s5: {image: nginx
  | ^^^^^^^^
  |
help: do it differently"#),
    ("window_in_related_file", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
 ::: huge.yaml:1:10043
  |
1 | ... nginx}, s459: {image: nginx}, last: {image: nginx, privileged: true}}
  |                                                        ---------- also privileged
  |
help: do it differently"#),
    ("window_far_apart_lines", r#"warning[CG999 a-rule]: service `web` does a thing
   --> compose.yaml:304:5
    |
  3 |     image: nginx
    |            ----- image
...
304 |     privileged: true
    |     ^^^^^^^^^^
    |
help: do it differently"#),
    ("excerpts_of_marks_thousands_of_lines_apart", r#"warning[CG999 a-rule]: service `web` does a thing
    --> compose.yaml:3004:5
     |
3004 |     privileged: true
     |     ^^^^^^^^^^
3005 |     user: root
     |           ---- user
     |
    ::: compose.yaml:3:12
     |
   3 |     image: nginx
     |            ----- image
     |
help: do it differently"#),
    ("window_far_apart_other_file", r#"warning[CG999 a-rule]: service `web` does a thing
   --> compose.yaml:304:5
    |
304 |     privileged: true
    |     ^^^^^^^^^^
    |
   ::: o.yaml:2:3
    |
  2 |   web:
    |   --- here
    |
help: do it differently"#),
    ("message_newline_tab", r#"warning[CG999 a-rule]: first line
                           second line
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
help: help line one
      help	line two"#),
    ("empty_label", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:6:10
  |
5 |       - "8080:80"
  |          ----
6 |       - "8080:81"
  |          ^^^^
  |
help: do it differently"#),
    ("path_with_spaces", r#"warning[CG999 a-rule]: service `web` does a thing
 --> compose.yaml:3:12
  |
3 |     image: nginx
  |            ^^^^^
  |
 ::: my dir/ov.yaml:2:3
  |
2 |   web:
  |   --- here
  |
help: do it differently"#),
];

#[test]
fn human_probe() {
    let print = std::env::var_os("PROBE_PRINT").is_some();
    let mut failures = Vec::new();
    for (name, case, color) in cases() {
        let got = case.render(color);
        if print {
            if color {
                println!("    ({name:?}, {got:?}),");
            } else {
                println!("    ({name:?}, r#\"{got}\"#),");
            }
            continue;
        }
        let on_grid = case.render_with(&super::renderer(color).grid_only());
        if on_grid != got {
            failures.push(format!("--- {name}: the grid draws\n{on_grid}\n--- the direct drawing\n{got}"));
        }
        match EXPECTED.iter().find(|(n, _)| *n == name) {
            Some((_, want)) if *want == got => {}
            Some((_, want)) => failures.push(format!("--- {name}: expected\n{want}\n--- got\n{got}")),
            None => failures.push(format!("--- {name}: no expectation; got\n{got}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Random texts (line breaks, CRLF, tabs, wide and zero-width characters, control characters,
/// long lines) and random spans, in range or not: rendering never panics, and the direct drawing
/// agrees with the grid.
#[test]
fn random_spans_render_alike_and_never_panic() {
    const PIECES: &[&str] = &[
        "a", "b: c", "  ", "\n", "\r\n", "\t", "日本", "🚀", "e\u{301}", "\u{200d}", "\u{0}", "\u{1b}", "- \"80:80\"", "{", "}", "//", "x",
    ];
    struct Rng(u64);
    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % (n.max(1) as u64)) as usize
        }
        fn span(&mut self, len: usize) -> (u32, u32) {
            let a = self.next(len + 3) as u32;
            let b = if self.next(3) == 0 { a } else { self.next(len + 3) as u32 };
            (a.min(b), a.max(b))
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for round in 0..3000 {
        let mut texts = Vec::new();
        for _ in 0..2 {
            let mut text = String::new();
            let pieces = rng.next(60);
            for _ in 0..pieces {
                text.push_str(PIECES[rng.next(PIECES.len())]);
            }
            if rng.next(10) == 0 {
                text.push_str(&"y".repeat(150 + rng.next(5000)));
            }
            texts.push(text);
        }
        let primary = rng.span(texts[0].len());
        let mut case = Case::new(&texts[0], primary).file("other.yaml", &texts[1]);
        case.severity = [Severity::Error, Severity::Warning, Severity::Info][round % 3];
        for _ in 0..rng.next(4) {
            let f = rng.next(2);
            let s = rng.span(texts[f].len());
            case = case.related(f as u32, s, ["", "label", "a longer label here"][rng.next(3)]);
        }
        if rng.next(5) == 0 {
            case = case.message("two\nlines").help(Some("also\ntwo"));
        }
        for color in [false, true] {
            let direct = case.render(color);
            let grid = case.render_with(&super::renderer(color).grid_only());
            assert_eq!(direct, grid, "round {round}: {texts:?}");
        }
    }
}

/// A finding with more related locations than a reader follows (a value `extends` gives
/// thousands of services) shows the first twenty and says how many more the JSON lists.
#[test]
fn related_locations_past_twenty_are_counted_not_drawn() {
    let mut text = String::from("services:\n  base:\n    image: nginx:latest\n");
    for i in 0..25 {
        let _ = write!(text, "  s{i:02}:\n    extends: base\n");
    }
    let mut case = Case::new(&text, at(&text, "nginx:latest", 0));
    for i in 0..25 {
        let start = u32::try_from(text.find(&format!("s{i:02}:")).unwrap()).unwrap();
        case = case.related(0, (start, start + 3), &format!("inherited by s{i:02}"));
    }
    let got = case.render(false);
    assert_eq!(got.matches("inherited by").count(), 20, "{got}");
    assert!(got.contains("inherited by s19") && !got.contains("inherited by s20"), "{got}");
    assert!(got.ends_with("help: do it differently\n      5 more related locations are not shown (`--format json` lists every one)"), "{got}");
    let got = case.help(None).render(false);
    assert!(got.ends_with("help: 5 more related locations are not shown (`--format json` lists every one)"), "{got}");
}

/// A diagnostic's `start.line` only spares a search of the line index: a wrong one (a report
/// from other sources, a diagnostic built by hand) renders the same text as the right one.
#[test]
fn a_wrong_start_line_renders_the_same() {
    let report = crate::lint::lint("compose.yaml", COMPOSE, &crate::lint::LintOptions::default());
    let renderer = super::renderer(false);
    let mut checked = 0;
    for d in report.diagnostics() {
        let right = render_diagnostic(d, &report.sources, &renderer);
        for line in [0, 1, 2, d.start.line.saturating_sub(1), d.start.line + 1, 999] {
            let mut wrong = d.clone();
            wrong.start.line = line;
            assert_eq!(render_diagnostic(&wrong, &report.sources, &renderer), right, "start line {line} for {right}");
        }
        checked += 1;
    }
    assert!(checked > 3, "{checked} findings");
}
