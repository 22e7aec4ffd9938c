//! GitHub Actions workflow commands: one annotation per unsuppressed finding.
//!
//! `::warning file=compose.yaml,line=3,col=12,endLine=3,endColumn=24,title=CG502 image-floating-tag::…`

use std::fmt::Write as _;

use composeguard_model::PositionEncoding;

use crate::diagnostic::Severity;
use crate::lint::Report;

/// Renders the annotations, one per line.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.diagnostics().filter(|d| !d.is_suppressed()) {
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let ((line, col), (end_line, end_col)) = super::positions(report, d, PositionEncoding::Utf16);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
            property(&d.file),
            property(&format!("{} {}", d.code, d.rule)),
            data(&message),
        );
    }
    out
}

/// Escapes a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property's value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{data, property};

    #[test]
    fn escapes() {
        assert_eq!(data("a%b\nc"), "a%25b%0Ac");
        assert_eq!(property("C:\\x,y"), "C%3A\\x%2Cy");
    }
}
