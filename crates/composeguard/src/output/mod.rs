//! Renderers: human (rustc-style snippets), JSON, and the CI formats: SARIF 2.1.0, GitHub
//! workflow commands, `JUnit` XML and `GitLab` code quality.

pub mod github;
pub mod gitlab;
pub mod human;
pub mod junit;
pub mod sarif;
mod snippet;

use composeguard_model::PositionEncoding;

use crate::diagnostic::Diagnostic;
use crate::lint::Report;

/// Output formats of `composeguard check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
    Gitlab,
}

impl Format {
    /// Every format, by its name on the command line.
    pub const ALL: [(&'static str, Format); 6] = [
        ("human", Self::Human),
        ("json", Self::Json),
        ("sarif", Self::Sarif),
        ("github", Self::Github),
        ("junit", Self::Junit),
        ("gitlab", Self::Gitlab),
    ];
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "text" {
            return Ok(Self::Human);
        }
        Self::ALL.iter().find(|(name, _)| *name == s).map(|(_, f)| *f).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            format!("unknown format `{s}` (expected {})", names.join(", "))
        })
    }
}

/// Renders a report in `format` (`color` only affects human output).
pub fn render(report: &Report, format: Format, color: bool) -> String {
    match format {
        Format::Human => human::render(report, color),
        Format::Json => {
            let mut s = report.to_json();
            s.push('\n');
            s
        }
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Junit => junit::render(report),
        Format::Gitlab => gitlab::render(report),
    }
}

/// Writes a report in `format` to `out`: what [`render`] returns, without holding all of it at
/// once for JSON, which is serialized straight to `out` (700 000 findings are 430 MB of JSON).
pub fn write(report: &Report, format: Format, color: bool, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            // through a buffer of a known type: the serializer's many small writes (a key, a
            // quote, an indent) each went through `dyn Write` to the caller's writer, a call
            // and a copy apiece (a third of a `--format json` run over 300 files)
            let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut *out);
            write_json(report, &mut buffered)?;
            std::io::Write::write_all(&mut buffered, b"\n")?;
            std::io::Write::flush(&mut buffered)
        }
        _ => out.write_all(render(report, format, color).as_bytes()),
    }
}

/// The report as pretty JSON (what `serde_json::to_writer_pretty` writes), written to `out`.
pub(crate) fn write_json<W: std::io::Write>(report: &Report, out: W) -> std::io::Result<()> {
    let mut json = serde_json::Serializer::with_formatter(out, Pretty::default());
    serde::Serialize::serialize(report, &mut json).map_err(std::io::Error::other)
}

/// `serde_json`'s `PrettyFormatter` (an indent of two spaces), the same text, with each line
/// break and the indent after it written at once: it wrote the break, then the indent a level at
/// a time, each a call of the writer (6 of them for a field of a diagnostic's position).
#[derive(Default)]
struct Pretty {
    /// Levels of indent.
    level: usize,
    /// Whether the array or object being written has an element yet.
    has_value: bool,
}

/// `,` and a line break, then room for 64 levels of indent.
const BREAK: &[u8] = b",\n                                                                                                                                ";

impl Pretty {
    /// A line break (after a `,` if `comma`) and the indent of the current level.
    fn new_line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        let from = usize::from(!comma);
        if let Some(all) = BREAK.get(from..2 + 2 * self.level) {
            return w.write_all(all);
        }
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        for _ in 0..self.level {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Opens an array or an object: `[` or `{`, one level deeper.
    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    /// Closes an array or an object: on a line of its own unless it is empty.
    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.level = self.level.saturating_sub(1);
        if self.has_value {
            self.new_line(w, false)?;
        }
        w.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// A diagnostic's start and end (line, column), columns counted in `encoding` from the report's
/// sources; the diagnostic's own positions when its source is not there.
pub(crate) fn positions(report: &Report, d: &Diagnostic, encoding: PositionEncoding) -> ((u32, u32), (u32, u32)) {
    match report.sources.get(d.span.file).filter(|f| *f.path == *d.file) {
        Some(file) => {
            let s = file.line_column(d.span.start, encoding);
            let e = file.line_column(d.span.end, encoding);
            ((s.line, s.column), (e.line, e.column))
        }
        None => ((d.start.line, d.start.column), (d.end.line, d.end.column)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn written_output_is_the_rendered_text_in_every_format() {
        let text = "services:\n  web:\n    image: nginx:latest\n    enviroment:\n      A: 1\n    ports: [\"80:80\"]\n";
        let report = crate::lint::lint("compose.yaml", text, &crate::lint::LintOptions::default());
        assert!(report.diagnostics().count() > 3);
        for (name, format) in Format::ALL {
            let mut out = Vec::new();
            write(&report, format, false, &mut out).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), render(&report, format, false), "{name}");
        }
    }

    /// The JSON written through [`Pretty`] is `serde_json`'s pretty text: every optional field of
    /// a diagnostic, empty lists, text to escape, and nesting deeper than its indents.
    #[test]
    fn json_is_serde_jsons_pretty_text() {
        let text = "services:\n  web:\n    image: nginx:latest\n    ports: [\"80:80\", \"80:80\"]\n";
        let mut report = crate::lint::lint("compose.yaml", text, &crate::lint::LintOptions::default());
        report.files.push(crate::lint::FileReport { path: "empty.yaml".into(), diagnostics: Vec::new() });
        let d = report.files.first_mut().and_then(|f| f.diagnostics.first_mut()).unwrap();
        d.message = "a \"quoted\" \\ tab\t, bell\u{7}, é, 😀".into();
        d.profiles = vec!["debug".into(), "x".into()];
        d.suppression = Some(Box::new(crate::diagnostic::Suppression { kind: "config".into(), reason: None }));
        d.fix = Some(Box::new(crate::diagnostic::Fix {
            description: "pin it".into(),
            edits: vec![crate::diagnostic::Edit::new(d.span, "nginx:1.27")],
        }));
        d.related.push(crate::diagnostic::RelatedLocation {
            file: "compose.yaml".into(),
            start: crate::Position::default(),
            end: crate::Position::default(),
            message: "here".into(),
            span: d.span,
        });
        let mut out = Vec::new();
        write(&report, Format::Json, false, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string_pretty(&report).unwrap() + "\n");

        let mut deep = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": null}]});
        for i in 0..70 {
            deep = if i % 2 == 0 { serde_json::json!([deep, i]) } else { serde_json::json!({"k": deep, "e": []}) };
        }
        let mut out = Vec::new();
        serde::Serialize::serialize(&deep, &mut serde_json::Serializer::with_formatter(&mut out, Pretty::default())).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string_pretty(&deep).unwrap());
    }
}
