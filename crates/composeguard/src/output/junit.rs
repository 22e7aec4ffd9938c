//! `JUnit` XML: a test suite per file, a test case per finding (suppressed ones skipped), and a
//! passing test case for a file without findings, so CI dashboards show every file checked.

use std::fmt::Write as _;

use crate::lint::Report;

/// Renders the report as `JUnit` XML.
pub fn render(report: &Report) -> String {
    let mut body = String::new();
    let (mut total_tests, mut total_failures, mut total_skipped) = (0, 0, 0);
    for file in &report.files {
        let mut cases = String::new();
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        for d in &file.diagnostics {
            tests += 1;
            let name = format!("{} {} at {}:{}", d.code, d.rule, d.start.line, d.start.column);
            let _ = write!(cases, "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\">", escape(&name), escape(&file.path), escape(&file.path), d.start.line);
            if let Some(s) = &d.suppression {
                skipped += 1;
                let why = match &s.reason {
                    Some(r) => format!("suppressed ({}): {r}", s.kind),
                    None => format!("suppressed ({})", s.kind),
                };
                let _ = write!(cases, "<skipped message=\"{}\"/>", escape(&why));
            } else {
                failures += 1;
                let mut text = format!("{}:{}:{}: {} [{}]", file.path, d.start.line, d.start.column, d.message, d.severity.as_str());
                if let Some(help) = &d.help {
                    text.push_str("\nhelp: ");
                    text.push_str(help);
                }
                let _ = write!(cases, "<failure message=\"{}\" type=\"{}\">{}</failure>", escape(&d.message), d.severity.as_str(), escape(&text));
            }
            cases.push_str("</testcase>\n");
        }
        if tests == 0 {
            tests = 1;
            let _ = writeln!(cases, "    <testcase name=\"composeguard\" classname=\"{}\" file=\"{}\"/>", escape(&file.path), escape(&file.path));
        }
        let _ = write!(
            body,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            escape(&file.path)
        );
        total_tests += tests;
        total_failures += failures;
        total_skipped += skipped;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"composeguard\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"0\" skipped=\"{total_skipped}\">\n{body}</testsuites>\n"
    )
}

/// Escapes text for XML attributes and content; drops characters XML 1.0 cannot carry.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;\u{FFFD}");
    }
}
