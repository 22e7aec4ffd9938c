//! Renderers: human (rustc-style snippets), JSON, and the CI formats.

pub mod human;

use crate::lint::Report;

/// Output formats of `composeguard check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "human" | "text" => Ok(Self::Human),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown format `{other}`")),
        }
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
    }
}
