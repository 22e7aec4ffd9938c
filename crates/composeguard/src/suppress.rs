//! Inline suppressions: comments in the compose file that waive findings.
//!
//! ```yaml
//! services:
//!   dind:
//!     # composeguard: ignore[privileged, CG212] docker-in-docker for the CI runner
//!     privileged: true
//!     image: docker:27-dind   # composeguard: ignore[image-without-digest]
//! # composeguard: ignore-file[missing-project-name] named by the deploy script
//! ```
//!
//! `ignore[…]` on a line of its own covers the next line that holds something other than a
//! comment; written after a value, it covers its own line. `ignore-file[…]` covers the whole
//! file it is in. Rules are named by name or code, comma-separated; the rest of the comment is
//! the reason. Suppressed findings stay in the report, marked with their suppression; spec
//! errors (what compose rejects) cannot be suppressed. Suppressions that waive nothing are
//! reported by the `unused-suppression` rule.

use composeguard_model::{FileId, SourceFile, SourceMap, Span};

use crate::diagnostic::{Category, Diagnostic, Severity, Suppression};
use crate::rule::{Finding, Findings, RuleMeta};
use crate::rules::style::unused_suppression::{malformed_message, unknown_message, unused_message};
use crate::rules::style::UnusedSuppression;

const MARKER: &str = "composeguard:";

/// What a directive covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One line (0-based).
    Line(usize),
    /// The whole file.
    File,
}

/// One rule named in a directive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// As written (a name or a code).
    pub name: String,
    pub span: Span,
    /// Whether it suppressed at least one finding.
    pub used: bool,
}

/// A `# composeguard: ignore[…]` or `ignore-file[…]` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub file: FileId,
    pub scope: Scope,
    /// Empty when the comment names no rule (reported as malformed).
    pub entries: Vec<Entry>,
    pub reason: Option<String>,
    /// The comment, from `#` to the end of the line.
    pub span: Span,
}

impl Directive {
    fn kind(&self) -> &'static str {
        match self.scope {
            Scope::Line(_) => "inline",
            Scope::File => "file",
        }
    }
}

/// Every directive in every source file.
pub fn parse(sources: &SourceMap) -> Vec<Directive> {
    let mut out = Vec::new();
    for (id, file) in sources.iter() {
        parse_file(id, file, &mut out);
    }
    out
}

fn parse_file(id: FileId, file: &SourceFile, out: &mut Vec<Directive>) {
    let text = file.text.as_str();
    if !text.contains(MARKER) {
        return;
    }
    let lines: Vec<(usize, &str)> = line_offsets(text).collect();
    for (index, &(start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else { continue };
        let own_line = line.get(..hash).is_some_and(|before| before.trim().is_empty());
        let comment = line.get(hash..).unwrap_or("").trim_end_matches('\r');
        let span = span_of(id, start + hash, comment.len());
        let body = comment.get(1..).unwrap_or("").trim_start();
        let Some(body) = body.strip_prefix(MARKER) else { continue };
        let body_start = start + hash + comment.len() - body.len();
        let Some((file_wide, rest)) = directive_kind(body) else {
            out.push(Directive { file: id, scope: Scope::Line(index), entries: Vec::new(), reason: None, span });
            continue;
        };
        let scope = if file_wide {
            Scope::File
        } else if own_line {
            Scope::Line(next_content_line(&lines, index))
        } else {
            Scope::Line(index)
        };
        let rest_at = body_start + body.len() - rest.len();
        let (entries, reason) = parse_list(id, rest, rest_at);
        out.push(Directive { file: id, scope, entries, reason, span });
    }
}

/// `(start offset, line text without the newline)` for each line.
fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (start, line)
    })
}

/// The byte index of a `#` that starts a suppression comment on this line.
fn comment_start(line: &str) -> Option<usize> {
    line.match_indices('#').map(|(i, _)| i).find(|&i| {
        let starts_comment = i == 0 || line.get(..i).and_then(|b| b.chars().last()).is_some_and(char::is_whitespace);
        starts_comment && line.get(i + 1..).is_some_and(|rest| rest.trim_start().starts_with(MARKER))
    })
}

/// `ignore-file` (true) or `ignore` (false), and the text after the keyword.
fn directive_kind(body: &str) -> Option<(bool, &str)> {
    let body = body.trim_start();
    if let Some(rest) = body.strip_prefix("ignore-file") {
        return Some((true, rest));
    }
    body.strip_prefix("ignore").filter(|rest| !rest.starts_with(|c: char| c.is_alphanumeric() || c == '-')).map(|rest| (false, rest))
}

/// `[a, b] reason` → the entries with their spans, and the reason.
fn parse_list(file: FileId, rest: &str, rest_at: usize) -> (Vec<Entry>, Option<String>) {
    let trimmed = rest.trim_start();
    let mut at = rest_at + rest.len() - trimmed.len();
    let Some(inner) = trimmed.strip_prefix('[') else { return (Vec::new(), None) };
    let Some(close) = inner.find(']') else { return (Vec::new(), None) };
    at += 1;
    let list = inner.get(..close).unwrap_or("");
    let mut entries = Vec::new();
    let mut offset = 0;
    for part in list.split(',') {
        let name = part.trim();
        if !name.is_empty() {
            let lead = part.len() - part.trim_start().len();
            entries.push(Entry { name: name.to_string(), span: span_of(file, at + offset + lead, name.len()), used: false });
        }
        offset += part.len() + 1;
    }
    let reason = inner.get(close + 1..).map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
    (entries, reason)
}

/// The first line after `index` that holds something besides blanks and comments.
fn next_content_line(lines: &[(usize, &str)], index: usize) -> usize {
    lines
        .iter()
        .enumerate()
        .skip(index + 1)
        .find(|(_, (_, l))| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        })
        .map_or(index + 1, |(i, _)| i)
}

fn span_of(file: FileId, start: usize, len: usize) -> Span {
    let start = u32::try_from(start).unwrap_or(u32::MAX);
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    Span::new(file, start, start.saturating_add(len))
}

/// Whether a directive entry names this rule.
fn names(entry: &str, rule: &str, code: &str) -> bool {
    entry == rule || entry.eq_ignore_ascii_case(code)
}

/// Marks the diagnostics that directives waive; spec errors are never waived. Directive entries
/// that waive something are marked used.
pub fn apply(diagnostics: &mut [Diagnostic], directives: &mut [Directive], sources: &SourceMap) {
    if directives.is_empty() {
        return;
    }
    for d in diagnostics.iter_mut().filter(|d| !d.is_suppressed()) {
        if d.category == Category::Spec && d.severity == Severity::Error {
            continue;
        }
        let line = sources.get(d.span.file).map(|f| f.lines.line_of(d.span.start));
        for directive in directives.iter_mut().filter(|x| x.file == d.span.file) {
            let covers = match directive.scope {
                Scope::File => true,
                Scope::Line(l) => Some(l) == line,
            };
            if !covers {
                continue;
            }
            let kind = directive.kind();
            let reason = directive.reason.clone();
            let mut matched = false;
            for entry in directive.entries.iter_mut().filter(|e| names(&e.name, &d.rule, &d.code)) {
                entry.used = true;
                matched = true;
            }
            if matched && d.suppression.is_none() {
                d.suppression = Some(Box::new(Suppression { kind: kind.to_string(), reason }));
            }
        }
    }
}

/// Findings of `unused-suppression` for directives that waived nothing. `ran` tells whether a
/// rule ran: a suppression of a rule that did not run is not reported.
pub fn unused(directives: &[Directive], ran: &dyn Fn(&RuleMeta) -> bool) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut findings = Findings::new(&UnusedSuppression::META, &mut out);
    for directive in directives {
        if directive.entries.is_empty() {
            findings.report(directive.span, malformed_message()).help("name the rules to suppress in brackets, comma-separated");
            continue;
        }
        for entry in directive.entries.iter().filter(|e| !e.used) {
            match crate::rules::find(&entry.name) {
                None => {
                    let help = match crate::config::similar_name(&entry.name, crate::rules::all_metas().into_iter().map(|m| m.name)) {
                        Some(name) => format!("did you mean `{name}`?"),
                        None => "`composeguard rules` lists the rules".to_string(),
                    };
                    findings.report(entry.span, unknown_message(&entry.name)).help(help);
                }
                Some(meta) if meta.is_spec_error() => {
                    findings
                        .report(entry.span, format!("`{}` cannot be suppressed: it reports what docker compose rejects (a spec error)", entry.name))
                        .help("fix the file; if compose accepts it, please report it as a composeguard bug");
                }
                Some(meta) if ran(meta) => {
                    findings.report(entry.span, unused_message(&entry.name)).help("remove the rule from the comment, or the comment");
                }
                Some(_) => {}
            }
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn directives(text: &str) -> Vec<Directive> {
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("compose.yaml", text));
        parse(&sources)
    }

    #[test]
    fn own_line_covers_the_next_content_line() {
        let text = "services:\n  web:\n    # composeguard: ignore[a, CG123] because\n    # more words\n\n    image: x\n";
        let d = directives(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].scope, Scope::Line(5));
        assert_eq!(d[0].reason.as_deref(), Some("because"));
        let names: Vec<&str> = d[0].entries.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a", "CG123"]);
        let e = &d[0].entries[1];
        assert_eq!(&text[e.span.start as usize..e.span.end as usize], "CG123");
    }

    #[test]
    fn trailing_covers_its_own_line() {
        let d = directives("a: 1\nimage: x  #composeguard:ignore[b]\n");
        assert_eq!(d[0].scope, Scope::Line(1));
        assert_eq!(d[0].reason, None);
    }

    #[test]
    fn file_wide_and_malformed() {
        let d = directives("# composeguard: ignore-file[x] r\nimage: \"a#composeguard: ignore[y]\"\nb: 1 # composeguard: ignore\n# composeguard: ignored[x]\n");
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[0].scope, Scope::File);
        assert!(d[1].entries.is_empty());
        assert!(d[2].entries.is_empty());
    }
}
