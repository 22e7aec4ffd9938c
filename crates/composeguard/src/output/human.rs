//! rustc-style output: the message, then the source line with a caret under the offending token.

use std::borrow::Cow;

use composeguard_model::{SourceFile, SourceMap, Span};

pub use super::snippet::Renderer;
use super::snippet::{Excerpt, Level, Mark};

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Report;

/// Renders every unsuppressed diagnostic and a summary line.
pub fn render(report: &Report, color: bool) -> String {
    let renderer = renderer(color);
    let mut out = String::new();
    for d in report.diagnostics().filter(|d| !d.is_suppressed()) {
        render_diagnostic_into(d, &report.sources, &renderer, &mut out);
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    out
}

/// The renderer [`render`] uses.
pub fn renderer(color: bool) -> Renderer {
    if color { Renderer::styled() } else { Renderer::plain() }
}

/// One finding as [`render`] shows it (without the blank line after it), so a caller can render
/// findings on several threads and join them: `render` is each of these followed by `"\n\n"`,
/// then [`summary_line`] and `"\n"`.
pub fn render_diagnostic(d: &Diagnostic, sources: &SourceMap, renderer: &Renderer) -> String {
    // about its size: the texts, the decorations and a source line or two
    let mut out = String::with_capacity(d.message.len() + d.help.as_ref().map_or(0, |h| h.len()) + d.file.len() + 192);
    render_diagnostic_into(d, sources, renderer, &mut out);
    out
}


/// `Found 2 errors, 1 warning in 1 file.` or `All checks passed (3 files).`
pub fn summary_line(report: &Report) -> String {
    summary_text(report.summary, report.files.len())
}

/// [`summary_line`] for these counts over `files` files (the sum of several reports').
pub fn summary_text(s: crate::lint::Summary, files: usize) -> String {
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
/// finding than a small one). `near` is the 1-based line the first span is thought to start on
/// (a diagnostic's `start.line`): when the index agrees, it is not searched for it.
fn excerpt<'m>(src: &SourceFile, spans: impl Iterator<Item = Marked<'m>> + Clone, near: Option<u32>) -> (usize, usize, usize) {
    let text = src.text.as_str();
    let mut start = spans.clone().map(|(s, _, _)| s.start as usize).min().unwrap_or(0).min(text.len());
    let mut end = spans.map(|(s, _, _)| s.end as usize).max().unwrap_or(0).min(text.len());
    while start > 0 && !text.is_char_boundary(start) {
        start -= 1;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let holds_start = |line: usize| line < src.lines.line_count() && src.lines.line_start(line) <= offset(start) && (line + 1 >= src.lines.line_count() || offset(start) < src.lines.line_start(line + 1));
    let first = match near.and_then(|n| (n as usize).checked_sub(1)) {
        Some(line) if holds_start(line) => line,
        _ => src.lines.line_of(offset(start)),
    };
    let line_start = src.lines.line_start(first) as usize;
    // most marks end on the line they start on: no second search of the index then
    let on_first = first + 1 >= src.lines.line_count() || offset(end) < src.lines.line_start(first + 1);
    let last = if on_first { first } else { src.lines.line_of(offset(end)) };
    // the end of the last line (its `\n` or `\r\n`, or the end of the text)
    let mut line_end = if last + 1 < src.lines.line_count() { (src.lines.line_start(last + 1) as usize).saturating_sub(1) } else { text.len() };
    if line_end > 0 && text.as_bytes().get(line_end - 1) == Some(&b'\r') && text.as_bytes().get(line_end) == Some(&b'\n') {
        line_end -= 1;
    }
    (line_start, line_end.max(line_start), first + 1)
}

/// A span to mark, its label, and whether it is the primary one.
type Marked<'m> = (Span, Option<&'m str>, bool);

/// Excerpts longer than this (bytes) are cut to a window around their marks.
const MAX_EXCERPT: usize = 4096;
/// An excerpt of one file longer than this (bytes) is split where its marks are more than half
/// this apart: each group of marks gets an excerpt of its own, and the lines between the groups
/// are neither read nor shown. Marks closer together share an excerpt, the lines between them
/// elided (`...`).
const MAX_SPREAD: usize = 64 * 1024;
/// Bytes shown on each side of the marks in a window.
const WINDOW_CONTEXT: usize = 120;

/// A window of `text` around `spans`, within `from..to`, on character boundaries.
fn window<'m>(text: &str, spans: impl Iterator<Item = Marked<'m>> + Clone, from: usize, to: usize) -> (usize, usize) {
    let start = spans.clone().map(|(s, _, _)| s.start as usize).min().unwrap_or(from).clamp(from, to);
    let end = spans.map(|(s, _, _)| s.end as usize).max().unwrap_or(start).clamp(start, to);
    let mut lo = start.saturating_sub(WINDOW_CONTEXT).max(from);
    let mut hi = end.saturating_add(WINDOW_CONTEXT).min(to);
    while lo > from && !text.is_char_boundary(lo) {
        lo -= 1;
    }
    while hi < to && !text.is_char_boundary(hi) {
        hi += 1;
    }
    (lo, hi)
}

/// The marks of one file in groups of marks close together (less than half [`MAX_SPREAD`]
/// apart), the group of the primary mark first, then in file order.
fn far_apart(spans: Vec<Marked<'_>>) -> Vec<Vec<Marked<'_>>> {
    // in file order (a few marks: an insertion sort, which adds little to the browser build)
    let mut sorted: Vec<Marked<'_>> = Vec::with_capacity(spans.len());
    for m in spans {
        let at = sorted.iter().position(|o| (o.0.start, o.0.end) > (m.0.start, m.0.end)).unwrap_or(sorted.len());
        sorted.insert(at, m);
    }
    let mut groups: Vec<Vec<Marked<'_>>> = Vec::new();
    let mut group_end = 0usize;
    for m in sorted {
        let near = groups.last().is_some_and(|_| (m.0.start as usize).saturating_sub(group_end) <= MAX_SPREAD / 2);
        match groups.last_mut() {
            Some(g) if near => g.push(m),
            _ => groups.push(vec![m]),
        }
        group_end = group_end.max(m.0.end as usize);
    }
    // the primary's group first, the others in file order
    if let Some(i) = groups.iter().position(|g| g.iter().any(|(_, _, primary)| *primary)) {
        if let Some(head) = groups.get_mut(..=i) {
            head.rotate_right(1);
        }
    }
    groups
}

/// The excerpt of one file showing `spans`, whose lines are `lines` ([`excerpt`]'s); a window of
/// a very long line around them.
fn one_excerpt<'a>(src: &'a SourceFile, spans: impl Iterator<Item = Marked<'a>> + Clone, lines: (usize, usize, usize)) -> Excerpt<'a> {
    let (mut shown, from) = unmarked_excerpt(src, &spans, lines);
    shown.marks = Cow::Owned(spans.map(|m| mark_in(shown.text, from, m)).collect());
    shown
}

/// [`one_excerpt`] without its marks, and the offset in the file its text starts at.
fn unmarked_excerpt<'a>(src: &'a SourceFile, spans: &(impl Iterator<Item = Marked<'a>> + Clone), lines: (usize, usize, usize)) -> (Excerpt<'a>, usize) {
    let (mut from, mut to, mut first_line) = lines;
    let mut origin = None;
    if to - from > MAX_EXCERPT {
        // A very long line (minified or generated YAML): show a window around the marks,
        // not the whole line, and give the location explicitly.
        let (lo, hi) = window(&src.text, spans.clone(), from, to);
        if hi - lo < to - from {
            let at = spans.clone().find(|(_, _, p)| *p).or_else(|| spans.clone().next()).map(|(s, _, _)| s);
            if let Some(at) = at {
                let at = src.line_column(at.start, composeguard_model::PositionEncoding::CodePoints);
                origin = Some((at.line as usize, at.column as usize));
            }
            from = lo;
            to = hi;
            first_line = src.lines.line_of(u32::try_from(lo).unwrap_or(u32::MAX)) + 1;
        }
    }
    let text = src.text.get(from..to).unwrap_or("");
    (Excerpt { path: src.path.as_str(), origin, text, first_line, marks: Cow::Borrowed(&[]) }, from)
}

/// A marked span as a mark in the `text` of an excerpt, which starts at byte `from` of the file.
fn mark_in<'a>(text: &str, from: usize, (span, label, primary): Marked<'a>) -> Mark<'a> {
    let mut s = (span.start as usize).saturating_sub(from).min(text.len());
    let mut e = (span.end as usize).saturating_sub(from).min(text.len()).max(s);
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    Mark { start: s, end: e, primary, label }
}

/// [`render_diagnostic`], appended to `out` (many findings in one buffer, without a string and
/// a copy for each).
pub fn render_diagnostic_into(d: &Diagnostic, sources: &SourceMap, renderer: &Renderer, out: &mut String) {
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    };
    let shown = d.related.len().min(MAX_RELATED);
    let help = match d.related.len() - shown {
        0 => d.help.as_deref().map(Cow::Borrowed),
        left => {
            let more = format!("{left} more related locations are not shown (`--format json` lists every one)");
            Some(Cow::Owned(d.help.as_deref().map_or(more.clone(), |h| format!("{h}\n{more}"))))
        }
    };
    let id = [&*d.code, " ", &*d.rule];
    if shown == 0 {
        // the finding's mark alone (most findings): its excerpt and mark on the stack, not in
        // two vectors of one
        let only = (d.span, None, true);
        let Some(src) = sources.get(d.span.file) else {
            renderer.render_into(out, level, &id, &d.message, &[], help.as_deref());
            return;
        };
        let spans = std::iter::once(only);
        let (mut shown, from) = unmarked_excerpt(src, &spans, excerpt(src, spans.clone(), Some(d.start.line)));
        let marks = [mark_in(shown.text, from, only)];
        shown.marks = Cow::Borrowed(&marks);
        renderer.render_into(out, level, &id, &d.message, std::slice::from_ref(&shown), help.as_deref());
        return;
    }
    // every marked span: the finding's, then the related ones (as many as a reader follows)
    let all = || std::iter::once((d.span, None, true)).chain(d.related.iter().take(shown).map(|r| (r.span, Some(r.message.as_str()), false)));
    let mut excerpts: Vec<Excerpt<'_>> = Vec::with_capacity(1);
    // one excerpt a file, in the order the files are first marked
    for (i, (first, _, _)) in all().enumerate() {
        if all().take(i).any(|(s, _, _)| s.file == first.file) {
            continue;
        }
        let Some(src) = sources.get(first.file) else { continue };
        let spans = all().filter(|(s, _, _)| s.file == first.file);
        let lines = excerpt(src, spans.clone(), None);
        if lines.1 - lines.0 > MAX_SPREAD && spans.clone().nth(1).is_some() {
            // marks far apart in a long file (a value inherited from a service thousands of lines
            // up): an excerpt each for the marks close together, the primary's first, rather than
            // one excerpt of every line between them (a run over 20 000 such findings read and
            // copied those lines for each)
            for group in far_apart(spans.collect()) {
                let group = group.into_iter();
                excerpts.push(one_excerpt(src, group.clone(), excerpt(src, group, None)));
            }
        } else {
            excerpts.push(one_excerpt(src, spans, lines));
        }
    }
    renderer.render_into(out, level, &id, &d.message, &excerpts, help.as_deref());
}

/// Related locations a finding shows at most in human output. A value that `extends` or an
/// anchor gives thousands of services is one finding with a location for each; the JSON, SARIF
/// and other formats list every one.
const MAX_RELATED: usize = 20;

#[cfg(test)]
#[path = "human_tests.rs"]
mod tests;
