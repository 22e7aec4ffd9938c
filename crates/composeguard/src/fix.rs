//! Applying the fixes of a report to the text of its files (no I/O: the CLI reads and writes).
//!
//! Each finding's fix is applied whole or not at all; a fix whose edits overlap one already taken
//! waits for the next round, when the file is checked again and the finding, if still there,
//! brings its fix at the new offsets.

use std::collections::BTreeMap;

use composeguard_model::FileId;

use crate::diagnostic::{Edit, Fix};
use crate::lint::Report;

/// The text of one file with the fixes that could be applied, and how many findings they fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub file: FileId,
    pub text: String,
    pub fixes: usize,
}

/// The fixes of `report`'s unsuppressed findings, applied to the files `wanted` accepts (by
/// path as shown), each file's text as the report read it. Files without a fix are left out.
pub fn apply_fixes(report: &Report, wanted: &dyn Fn(&str) -> bool) -> Vec<Fixed> {
    let mut by_file: BTreeMap<FileId, Vec<&Fix>> = BTreeMap::new();
    for d in report.diagnostics().filter(|d| !d.is_suppressed()) {
        let Some(fix) = d.fix.as_deref() else { continue };
        // a fix spread over several files is left for the user
        let Some(first) = fix.edits.first() else { continue };
        if fix.edits.iter().any(|e| e.span.file != first.span.file) {
            continue;
        }
        by_file.entry(first.span.file).or_default().push(fix);
    }
    let mut out = Vec::new();
    for (id, fixes) in by_file {
        let Some(source) = report.sources.get(id) else { continue };
        if !wanted(&source.path) {
            continue;
        }
        let (text, applied) = apply(&source.text, &fixes);
        if applied > 0 {
            out.push(Fixed { file: id, text, fixes: applied });
        }
    }
    out
}

/// `fixes` applied to `text`, in order, skipping any whose edits overlap an earlier one's or
/// fall outside the text; the new text and how many fixes were applied.
pub fn apply(text: &str, fixes: &[&Fix]) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|e| {
            let (start, end) = (e.span.start as usize, e.span.end as usize);
            start <= end && text.is_char_boundary(start) && text.is_char_boundary(end) && end <= text.len()
        });
        if !fits || fix.edits.iter().any(|e| taken.iter().any(|t| conflict(t, e))) {
            continue;
        }
        taken.extend(fix.edits.iter());
        applied += 1;
    }
    // last first, so that the offsets of the others stay good
    taken.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    let mut out = text.to_string();
    for e in taken {
        out.replace_range(e.span.start as usize..e.span.end as usize, &e.replacement);
    }
    (out, applied)
}

/// Whether two edits cannot both be made: their ranges share a byte, one inserts strictly inside
/// the other's range, or both insert at one point (their order would decide the text).
fn conflict(a: &Edit, b: &Edit) -> bool {
    let (a, b) = ((a.span.start, a.span.end), (b.span.start, b.span.end));
    let inside = |point: u32, (start, end): (u32, u32)| start < point && point < end;
    (a.0 < b.1 && b.0 < a.1) || (a.0 == a.1 && inside(a.0, b)) || (b.0 == b.1 && inside(b.0, a)) || (a.0 == a.1 && a == b)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::{lint, LintOptions};
    use composeguard_model::Span;

    fn fix(edits: &[(u32, u32, &str)]) -> Fix {
        Fix { description: String::new(), edits: edits.iter().map(|&(s, e, r)| Edit::new(Span::new(FileId(0), s, e), r)).collect() }
    }

    #[test]
    fn applies_fixes_that_do_not_overlap() {
        let (a, b, c) = (fix(&[(0, 1, "A")]), fix(&[(2, 3, "C"), (4, 4, "!")]), fix(&[(0, 2, "x")]));
        // `c` overlaps `a`, and waits
        assert_eq!(apply("abcd", &[&a, &b, &c]), ("AbCd!".to_string(), 2));
        // an edit past the end, or inside a character, is never applied
        assert_eq!(apply("é", &[&fix(&[(1, 1, "x")]), &fix(&[(0, 9, "")])]), ("é".to_string(), 0));
        // two insertions at one point would depend on their order
        assert_eq!(apply("ab", &[&fix(&[(1, 1, "x")]), &fix(&[(1, 1, "y")])]), ("axb".to_string(), 1));
    }

    #[test]
    fn fixes_a_report() {
        let text = "version: \"3\"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - 8080:80\n";
        let options = LintOptions { select: vec!["obsolete-version".into(), "unquoted-ports".into()], ..LintOptions::default() };
        let report = lint("compose.yaml", text, &options);
        let fixed = apply_fixes(&report, &|path| path == "compose.yaml");
        assert_eq!(fixed.len(), 1);
        assert_eq!(fixed[0].fixes, 2);
        assert_eq!(fixed[0].text, "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n");
        assert!(apply_fixes(&report, &|_| false).is_empty());
        // checked again, nothing is left to fix
        let again = lint("compose.yaml", &fixed[0].text, &options);
        assert!(again.diagnostics().all(|d| d.fix.is_none()), "{:?}", again.diagnostics().collect::<Vec<_>>());
    }
}
