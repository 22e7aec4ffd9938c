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
            serde_json::to_writer_pretty(&mut buffered, report).map_err(std::io::Error::other)?;
            std::io::Write::write_all(&mut buffered, b"\n")?;
            std::io::Write::flush(&mut buffered)
        }
        _ => out.write_all(render(report, format, color).as_bytes()),
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
}
