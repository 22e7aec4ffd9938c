//! rustc-style output: the message, then the source line with a caret under the offending token.

use annotate_snippets::renderer::DecorStyle;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use composeguard_model::{SourceFile, SourceMap, Span};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Report;

/// Renders every unsuppressed diagnostic and a summary line.
pub fn render(report: &Report, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() }.decor_style(DecorStyle::Ascii);
    let mut out = String::new();
    for d in report.diagnostics().filter(|d| !d.is_suppressed()) {
        out.push_str(&render_one(d, &report.sources, &renderer));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// `Found 2 errors, 1 warning in 1 file.` or `All checks passed (3 files).`
pub fn summary_line(report: &Report) -> String {
    let s = report.summary;
    let files = report.files.len();
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    if s.error + s.warning + s.info == 0 {
        return format!("All checks passed ({}).", plural(files, "file"));
    }
    let mut parts = Vec::new();
    if s.error > 0 {
        parts.push(plural(s.error, "error"));
    }
    if s.warning > 0 {
        parts.push(plural(s.warning, "warning"));
    }
    if s.info > 0 {
        parts.push(plural(s.info, "note"));
    }
    format!("Found {} in {}.", parts.join(", "), plural(files, "file"))
}

/// The lines around `spans` (all in one file): where they start and end (byte offsets), and the
/// first one's number (from the file's line index, so a file with many findings costs no more per
/// finding than a small one).
fn excerpt(src: &SourceFile, spans: &[Span]) -> (usize, usize, usize) {
    let text = src.text.as_str();
    let mut start = spans.iter().map(|s| s.start as usize).min().unwrap_or(0).min(text.len());
    let mut end = spans.iter().map(|s| s.end as usize).max().unwrap_or(0).min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    let line_start = text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let line_end = text.get(end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| end + i);
    let first_line = src.lines.line_of(u32::try_from(line_start).unwrap_or(u32::MAX)) + 1;
    (line_start, line_end, first_line)
}

fn render_one(d: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::NOTE,
    };
    let id = format!("{} {}", d.code, d.rule);
    let title = level.primary_title(d.message.as_str()).id(id);
    // the primary file, with related spans of the same file
    type Marks<'m> = Vec<(composeguard_model::FileId, Vec<(Span, Option<&'m str>, bool)>)>;
    fn add<'m>(files: &mut Marks<'m>, span: Span, label: Option<&'m str>, primary: bool) {
        if let Some(entry) = files.iter_mut().find(|(f, _)| *f == span.file) {
            entry.1.push((span, label, primary));
        } else {
            files.push((span.file, vec![(span, label, primary)]));
        }
    }
    let mut files: Marks<'_> = Vec::new();
    add(&mut files, d.span, None, true);
    for r in &d.related {
        add(&mut files, r.span, Some(r.message.as_str()), false);
    }
    let mut snippets = Vec::new();
    for (file, spans) in &files {
        let Some(src) = sources.get(*file) else { continue };
        let all: Vec<Span> = spans.iter().map(|(s, _, _)| *s).collect();
        let (from, to, first_line) = excerpt(src, &all);
        let text = src.text.get(from..to).unwrap_or("");
        let mut snippet = Snippet::source(text).line_start(first_line).path(src.path.as_str());
        for (span, label, primary) in spans {
            let mut s = (span.start as usize).saturating_sub(from).min(text.len());
            let mut e = (span.end as usize).saturating_sub(from).min(text.len()).max(s);
            while s > 0 && !text.is_char_boundary(s) {
                s -= 1;
            }
            while e < text.len() && !text.is_char_boundary(e) {
                e += 1;
            }
            let kind = if *primary { AnnotationKind::Primary } else { AnnotationKind::Context };
            let ann = kind.span(s..e);
            snippet = snippet.annotation(match label {
                Some(l) => ann.label(*l),
                None => ann,
            });
        }
        snippets.push(snippet);
    }
    let mut report = vec![Group::with_title(title).elements(snippets)];
    if let Some(help) = &d.help {
        report.push(Group::with_title(Level::HELP.secondary_title(help.as_str())));
    }
    renderer.render(&report)
}
