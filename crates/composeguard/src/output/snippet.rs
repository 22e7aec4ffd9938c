//! A small rustc-style snippet renderer: a title line, then for each file the source lines
//! around its marks, `^` under the primary one and `-` under related ones with their labels, and
//! a `help:` line.
//!
//! The layout follows rustc's emitter with ASCII decorations in 140 columns (and gives the same
//! text as the `annotate-snippets` crate 0.12 did for this project): the gutter is as wide as the
//! largest line number shown; between two marked lines, one unmarked line is shown and more are
//! elided as `...`; marks on one line share the underline row, and labels that would collide hang
//! below it on `|` lines, the rightmost first; a span over several lines is drawn with `_` and
//! `|` in a column left of the code (one column per overlapping span); columns count characters
//! as a terminal shows them (a tab is 4, an East Asian wide character 2); lines too wide for 140
//! columns are cut around the marks with `...`.
//!
//! The common finding (each shown line has one single-line mark, and nothing needs cutting) is
//! written straight out; anything else is drawn on a small grid of characters, one per row of
//! output, so that later marks can overwrite earlier ones exactly as the rules need. The tests
//! check that both give the same text. Everything is indexed with checked access and saturating
//! arithmetic: no input makes it panic.

use std::borrow::Cow;
use std::cmp::{max, min, Reverse};

/// Columns the output is fitted to.
const TERM_WIDTH: usize = 140;

/// The severity shown in a title.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
    Help,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
            Self::Help => "help",
        }
    }

    fn paint(self) -> Paint {
        match self {
            Self::Error => Paint::Red,
            Self::Warning => Paint::Yellow,
            Self::Note => Paint::Green,
            Self::Help => Paint::Cyan,
        }
    }
}

/// The styles of the colored output (all bold but `Plain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paint {
    Plain,
    Bold,
    Red,
    Yellow,
    Green,
    Cyan,
    /// Line numbers, separators and related marks.
    Blue,
}

impl Paint {
    fn open(self) -> &'static str {
        match self {
            Self::Plain => "",
            Self::Bold => "\x1b[1m",
            Self::Red => "\x1b[1m\x1b[91m",
            Self::Yellow => "\x1b[1m\x1b[33m",
            Self::Green => "\x1b[1m\x1b[92m",
            Self::Cyan => "\x1b[1m\x1b[96m",
            Self::Blue => "\x1b[1m\x1b[94m",
        }
    }

    fn close(self) -> &'static str {
        if self == Self::Plain { "" } else { "\x1b[0m" }
    }
}

/// A marked byte range of an [`Excerpt`]'s text.
#[derive(Clone, Copy, Debug)]
pub struct Mark<'a> {
    pub start: usize,
    pub end: usize,
    /// `^` (the finding) rather than `-` (a related location).
    pub primary: bool,
    pub label: Option<&'a str>,
}

/// Source lines of one file and the marks in them.
#[derive(Clone, Debug)]
pub struct Excerpt<'a> {
    pub path: &'a str,
    /// Set when `text` is a window of a long line rather than whole lines: the 1-based line and
    /// column shown after the path (which the window alone cannot tell).
    pub origin: Option<(usize, usize)>,
    pub text: &'a str,
    /// The number of the first line of `text`.
    pub first_line: usize,
    /// (Borrowed for the one mark of most findings, which needs no vector.)
    pub marks: Cow<'a, [Mark<'a>]>,
}

/// Renders findings as text, with or without ANSI colors.
#[derive(Clone, Debug)]
pub struct Renderer {
    color: bool,
    /// Draw simple excerpts directly rather than on the grid (the same text, faster).
    direct: bool,
}

impl Renderer {
    /// No colors.
    pub const fn plain() -> Self {
        Self { color: false, direct: true }
    }

    /// ANSI colors: the level's color for its name and `^` marks, blue for line numbers and
    /// related marks, bold for the title.
    pub const fn styled() -> Self {
        Self { color: true, direct: true }
    }

    /// Draws everything on the grid (to test the direct drawing against it).
    #[cfg(test)]
    pub(crate) const fn grid_only(self) -> Self {
        Self { direct: false, ..self }
    }

    /// Appends `level[id]: title`, each excerpt, then `help: …` (no newline at the end) to
    /// `out`: a caller rendering many findings writes them into one buffer rather than a string
    /// each. The id is given in pieces, written one after the other.
    pub fn render_into(&self, out: &mut String, level: Level, id: &[&str], title: &str, excerpts: &[Excerpt<'_>], help: Option<&str>) {
        // (one excerpt, as most findings have, needs no vector)
        let one: [Prepared<'_, '_>; 1];
        let several: Vec<Prepared<'_, '_>>;
        let prepared: &[Prepared<'_, '_>] = if let [e] = excerpts {
            one = [Prepared::new(e)];
            &one
        } else {
            several = excerpts.iter().map(Prepared::new).collect();
            &several
        };
        let max_line = prepared.iter().map(|p| p.last_line).max();
        let ctx = Ctx {
            level,
            num_len: max_line.map_or(0, decimal_digits),
            max_depth: prepared.iter().map(|p| p.depth).max().unwrap_or(0),
        };

        // the title (a plain one is one line as it is)
        let plain_title = printable_ascii(title);
        let title = if plain_title { Cow::Borrowed(title) } else { normalize(title) };
        let (first, more) = if plain_title { (title.as_ref(), None) } else { title.split_once('\n').map_or((title.as_ref(), None), |(a, b)| (a, Some(b))) };
        let mut w = Styled::new(out, self.color);
        w.push(level.name(), level.paint());
        w.push_char('[', level.paint());
        for piece in id {
            w.push(piece, level.paint());
        }
        w.push_char(']', level.paint());
        w.push(": ", Paint::Bold);
        w.push(first, Paint::Bold);
        w.end();
        // (a title of one line starts no iterator over the others)
        if let Some(more) = more {
            for text in more.split('\n') {
                // continuation lines line up after `level[id]: `
                let label_width = str_width(level.name()) + 1 + id.iter().map(|p| str_width(p)).sum::<usize>() + 1 + 2;
                out.push('\n');
                push_spaces_segment(self, out, label_width, text, Paint::Bold);
            }
        }

        let group_len = if help.is_some() { 2 } else { 1 };
        if self.direct && !prepared.is_empty() && ctx.max_depth == 0 && prepared.iter().all(|p| p.is_simple(&ctx)) {
            self.direct(out, &ctx, prepared, group_len > 1);
        } else {
            self.grid(out, &ctx, prepared, group_len);
        }

        if let Some(help) = help {
            out.push('\n');
            let (first, more) = if printable_ascii(help) { (help, None) } else { help.split_once('\n').map_or((help, None), |(a, b)| (a, Some(b))) };
            self.segments(out, &[(Level::Help.name(), Level::Help.paint()), (": ", Paint::Plain), (first, Paint::Plain)]);
            if let Some(more) = more {
                for text in more.split('\n') {
                    out.push('\n');
                    push_spaces_segment(self, out, Level::Help.name().len() + 2, text, Paint::Plain);
                }
            }
        }
    }

    /// The excerpts drawn on a grid (any marks).
    fn grid(&self, out: &mut String, ctx: &Ctx, prepared: &[Prepared<'_, '_>], group_len: usize) {
        let mut grid = Grid::new(self.color);
        if prepared.is_empty() && group_len > 1 {
            let row = grid.rows();
            grid.putc(row, ctx.num_len + 1, '|', Paint::Blue);
        }
        for (i, p) in prepared.iter().enumerate() {
            // the first excerpt is the primary mark's file (a comparison of each excerpt's path
            // with the first's, and a flag, said the same at a `memcmp` a finding)
            let is_primary = i == 0;
            let is_last = i + 1 == prepared.len();
            Self::excerpt(&mut grid, ctx, p, is_primary, !is_last || group_len > 1);
            if is_last && group_len > 1 {
                let row = grid.rows();
                grid.putc(row, ctx.num_len + 1, '|', Paint::Blue);
            }
        }
        grid.write(out);
    }

    /// Excerpts whose lines each have one single-line mark and fit in the width, written
    /// directly: the same text as [`Self::grid`] draws for them.
    fn direct(&self, out: &mut String, ctx: &Ctx, prepared: &[Prepared<'_, '_>], more: bool) {
        let num_len = ctx.num_len;
        for (i, p) in prepared.iter().enumerate() {
            let is_primary = i == 0;
            let lines: &[AnnLine<'_>] = &p.shown;
            let at = if is_primary {
                lines.iter().find_map(|l| p.anns(l).iter().find(|a| a.primary).map(|a| (l, a))).or_else(|| lines.first().and_then(|l| p.anns(l).first().map(|a| (l, a))))
            } else {
                self.separator(out, num_len);
                lines.first().and_then(|l| p.anns(l).first().map(|a| (l, a)))
            };
            // `--> path:line:col`
            out.push('\n');
            let arrow = if is_primary { "--> " } else { "::: " };
            let mut w = Styled::new(out, self.color);
            w.push_spaces(num_len, Paint::Plain);
            w.push(arrow, Paint::Blue);
            w.push(p.excerpt.path, Paint::Plain);
            if let Some((l, a)) = at {
                w.push_char(':', Paint::Plain);
                w.push_number(l.number, 0, Paint::Plain);
                w.push_char(':', Paint::Plain);
                w.push_number(a.start.char + 1, 0, Paint::Plain);
            }
            w.end();
            self.separator(out, num_len);
            for (k, l) in lines.iter().enumerate() {
                self.code_row(out, ctx, l.number, &l.shown());
                if let Some(a) = p.anns(l).first() {
                    // the marks
                    out.push('\n');
                    let ch = if a.primary { "^" } else { "-" };
                    let width = a.end.display.saturating_sub(a.start.display);
                    let marks = match if a.primary { CARETS } else { DASHES }.get(..width) {
                        Some(m) => Cow::Borrowed(m),
                        None => Cow::Owned(ch.repeat(width)),
                    };
                    let paint = ctx.mark_paint(a.primary);
                    let mut w = Styled::new(out, self.color);
                    w.push_spaces(num_len + 1, Paint::Plain);
                    w.push_char('|', Paint::Blue);
                    w.push_spaces(a.start.display + 1, Paint::Plain);
                    w.push(&marks, paint);
                    if let Some(label) = a.label.filter(|l| !l.is_empty()) {
                        w.push_char(' ', Paint::Plain);
                        w.push(label, paint);
                    }
                    w.end();
                }
                if let Some(next) = lines.get(k + 1) {
                    match next.number.saturating_sub(l.number) {
                        0..=1 => {}
                        2 => {
                            let (text, plain) = p.line(l.number + 1).map_or(("", true), |(t, info)| (t, info.plain));
                            self.code_row(out, ctx, l.number + 1, &if plain { Cow::Borrowed(text) } else { normalize(text) });
                        }
                        _ => {
                            out.push('\n');
                            self.segments(out, &[("...", Paint::Blue)]);
                        }
                    }
                }
            }
            if more && i + 1 == prepared.len() {
                self.separator(out, num_len);
            }
        }
    }

    /// A new row with the gutter's `|`.
    fn separator(&self, out: &mut String, num_len: usize) {
        out.push('\n');
        let mut w = Styled::new(out, self.color);
        w.push_spaces(num_len + 1, Paint::Plain);
        w.push_char('|', Paint::Blue);
        w.end();
    }

    /// A new row `NN | code`.
    fn code_row(&self, out: &mut String, ctx: &Ctx, number: usize, code: &str) {
        out.push('\n');
        let mut w = Styled::new(out, self.color);
        w.push_number(number, ctx.num_len, Paint::Blue);
        w.push_char(' ', Paint::Plain);
        w.push_char('|', Paint::Blue);
        if !code.is_empty() {
            w.push_char(' ', Paint::Plain);
            w.push(code, Paint::Plain);
        }
        w.end();
    }

    /// Writes styled pieces of one line.
    fn segments(&self, out: &mut String, parts: &[(&str, Paint)]) {
        let mut w = Styled::new(out, self.color);
        for &(text, paint) in parts {
            w.push(text, paint);
        }
        w.end();
    }

    /// One excerpt: its location line, then its lines and marks.
    fn excerpt(g: &mut Grid, ctx: &Ctx, p: &Prepared<'_, '_>, is_primary: bool, is_cont: bool) {
        let num_len = ctx.num_len;
        let lines: &[AnnLine<'_>] = &p.shown;
        if !is_primary {
            let row = g.rows();
            g.putc(row, num_len + 1, '|', Paint::Blue);
        }
        let (line, column) = if let Some((line, column)) = p.excerpt.origin {
            (Some(line), Some(column))
        } else if is_primary {
            // where the primary mark is
            let at = lines.iter().find(|l| p.anns(l).iter().any(|a| a.primary)).or_else(|| lines.iter().find(|l| l.count > 0));
            match at {
                Some(l) => {
                    let first = p.anns(l).iter().min_by_key(|a| (Reverse(a.primary), a.start.char));
                    (Some(l.number), first.map(|a| a.start.char + 1))
                }
                None => (None, None),
            }
        } else {
            match lines.iter().find(|l| l.count > 0).or_else(|| lines.first()) {
                Some(l) => (Some(l.number), p.anns(l).first().map(|a| a.start.char + 1)),
                None => (None, None),
            }
        };
        let row = g.rows();
        origin_row(g, ctx, row, is_primary, p.excerpt.path, line, column);
        g.putc(row + 1, num_len + 1, '|', Paint::Blue);

        // the left margin every line has in common, and the columns the marks span
        let mut whitespace = usize::MAX;
        let mut span_left = usize::MAX;
        let mut span_right = 0;
        let mut label_right = 0;
        let mut max_line_len = 0;
        for l in lines {
            let mut lead = 0;
            let mut text_seen = false;
            for c in l.text.chars() {
                if c.is_whitespace() {
                    lead += if c == '\t' { 4 } else { 1 };
                } else {
                    text_seen = true;
                    break;
                }
            }
            if text_seen {
                whitespace = min(whitespace, lead);
            }
            max_line_len = max(max_line_len, str_width(l.text));
            for a in p.anns(l) {
                if !matches!(a.shape, Shape::Through(_)) {
                    span_left = min(span_left, min(a.start.display, a.end.display));
                }
                span_right = max(span_right, max(a.start.display, a.end.display));
                label_right = max(label_right, a.end.display + a.label.map_or(0, |l| str_width(l) + 1));
            }
        }
        if whitespace == usize::MAX {
            whitespace = 0;
        }
        if span_left == usize::MAX {
            span_left = 0;
        }
        let width_offset = 3 + num_len;
        let code_offset = if ctx.max_depth == 0 { width_offset } else { width_offset + ctx.max_depth + 1 };
        let margin = Margin::new(whitespace, span_left, span_right, label_right, TERM_WIDTH.saturating_sub(code_offset), max_line_len);
        let cols = Cols { width_offset, code_offset };

        // the open multi-line spans: the depth of their vertical line and its paint
        let mut open: Vec<(usize, Paint)> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let before = g.rows();
            let close_window = !is_cont && i + 1 == lines.len();
            let depths = Self::source_line(g, ctx, l, p.anns(l), cols, margin, close_window);
            let mut to_add: Vec<(usize, Paint)> = Vec::new();
            for (depth, paint) in depths {
                if let Some(k) = open.iter().position(|(d, _)| *d == depth) {
                    open.swap_remove(k);
                } else if let Some(entry) = to_add.iter_mut().find(|(d, _)| *d == depth) {
                    entry.1 = paint;
                } else {
                    to_add.push((depth, paint));
                }
            }
            to_add.sort_by_key(|(d, _)| *d);
            for &(depth, paint) in &open {
                for row in before..g.rows() {
                    g.putc(row, (width_offset + depth).saturating_sub(1), '|', paint);
                }
            }
            if let Some(next) = lines.get(i + 1) {
                let delta = next.number.saturating_sub(l.number);
                if delta >= 2 {
                    let row = g.rows();
                    if delta > 2 {
                        g.puts(row, 0, "...", Paint::Blue);
                    } else {
                        let text = p.line_text(l.number + 1).unwrap_or("");
                        draw_line(g, ctx, &normalize(text), l.number + 1, row, cols, margin);
                    }
                    for &(depth, paint) in &open {
                        g.putc(row, (width_offset + depth).saturating_sub(1), '|', paint);
                    }
                    for a in p.anns(l) {
                        if let Shape::Start(depth) = a.shape {
                            g.putc(row, (width_offset + depth).saturating_sub(1), '|', ctx.mark_paint(a.primary));
                        }
                    }
                }
            }
            open.extend(to_add);
        }
    }

    /// One source line and the rows of marks under it. Returns the depths (and paints) of the
    /// multi-line spans that start or end on it.
    fn source_line(g: &mut Grid, ctx: &Ctx, line: &AnnLine<'_>, line_anns: &[Ann<'_>], cols: Cols, margin: Margin, close_window: bool) -> Vec<(usize, Paint)> {
        let Cols { width_offset, code_offset } = cols;
        let text = normalize(line.text);
        let row0 = g.rows();
        let left = draw_line(g, ctx, &text, line.number, row0, cols, margin);
        let sep = width_offset.saturating_sub(2);
        if line_anns.is_empty() {
            if close_window {
                g.putc(row0 + 1, sep, '|', Paint::Blue);
            }
            return Vec::new();
        }

        // A span starting after nothing but whitespace is drawn as `/` left of the line.
        let mut starts = Vec::new();
        let mut short_start = true;
        for a in line_anns {
            match a.shape {
                Shape::Start(depth) if text.chars().take(a.start.display).all(char::is_whitespace) => {
                    starts.push((depth, ctx.mark_paint(a.primary)));
                }
                Shape::Through(_) => {}
                _ => {
                    short_start = false;
                    break;
                }
            }
        }
        if short_start {
            for &(depth, paint) in &starts {
                g.putc(row0, (width_offset + depth).saturating_sub(1), '/', paint);
            }
            return starts;
        }

        // Rightmost marks first; each gets the row of its label: 0 is the underline row, and a
        // label that would run into another mark hangs lower.
        let mut anns = line_anns.to_vec();
        anns.sort_by_key(|a| Reverse((a.start.display, a.start.char)));
        let mut overlap = vec![false; anns.len()];
        let mut positions: Vec<(usize, Ann<'_>)> = Vec::with_capacity(anns.len());
        let mut line_len = 0;
        let mut p = 0;
        for (i, a) in anns.iter().enumerate() {
            for (j, next) in anns.iter().enumerate() {
                let over = overlaps(next, a, 0);
                if over && j > 1 {
                    if let Some(o) = overlap.get_mut(i) {
                        *o = true;
                    }
                    if let Some(o) = overlap.get_mut(j) {
                        *o = true;
                    }
                }
                if over && a.has_label() && j > i && p == 0 {
                    // an unlabelled mark of the same span merges with this one
                    if next.start.display == a.start.display && next.start.char == a.start.char && next.end.display == a.end.display && next.end.char == a.end.char && !next.has_label() {
                        continue;
                    }
                    p += 1;
                    break;
                }
            }
            positions.push((p, *a));
            for (j, next) in anns.iter().enumerate() {
                if j <= i {
                    continue;
                }
                let pad = next.label.map_or(0, |l| l.len() + 2);
                let over = overlaps(next, a, pad);
                if (over && a.has_label() && next.has_label())
                    || (a.takes_space() && next.has_label())
                    || (a.has_label() && next.takes_space())
                    || (a.takes_space() && next.takes_space())
                    || (over && (next.end.display, next.end.char) <= (a.end.display, a.end.char) && next.has_label() && p == 0)
                {
                    p += 1;
                    break;
                }
            }
            line_len = max(line_len, p);
        }
        if line_len != 0 {
            line_len += 1;
        }
        if line_anns.iter().all(Ann::is_line) {
            return Vec::new();
        }
        if positions.iter().all(|(_, a)| matches!(a.shape, Shape::Start(_))) {
            if let Some(max_pos) = positions.iter().map(|(pos, _)| *pos).max() {
                for (pos, _) in &mut positions {
                    *pos = max_pos - *pos;
                }
                line_len = line_len.saturating_sub(1);
            }
        }

        for pos in 0..=line_len {
            g.putc(row0 + pos + 1, sep, '|', Paint::Blue);
        }
        if close_window {
            g.putc(row0 + line_len + 1, sep, '|', Paint::Blue);
        }
        let at = |display: usize| (code_offset + display).saturating_sub(left);
        // the horizontal lines of multi-line spans
        for &(pos, a) in &positions {
            if let Shape::Start(depth) | Shape::End(depth) = a.shape {
                let paint = ctx.mark_paint(a.primary);
                for col in width_offset + depth..at(a.start.display) {
                    g.putc(row0 + pos + 1, col, '_', paint);
                }
            }
        }
        // the vertical lines down to hanging labels, and those of multi-line spans
        for &(pos, a) in &positions {
            let paint = ctx.mark_paint(a.primary);
            let pos = pos + 1;
            if pos > 1 && (a.has_label() || a.takes_space()) {
                for row in row0 + 1..=row0 + pos {
                    g.putc(row, at(a.start.display), '|', paint);
                }
            }
            match a.shape {
                Shape::Start(depth) => {
                    let col = (width_offset + depth).saturating_sub(1);
                    g.putc(row0 + pos, col, ' ', paint);
                    for row in row0 + pos + 1..row0 + line_len + 2 {
                        g.putc(row, col, '|', paint);
                    }
                }
                Shape::End(depth) => {
                    let col = (width_offset + depth).saturating_sub(1);
                    for row in row0..row0 + pos {
                        g.putc(row, col, '|', paint);
                    }
                    g.putc(row0 + pos, col, '|', paint);
                }
                _ => {}
            }
        }
        // the labels
        for &(pos, a) in &positions {
            let (row, col) = if pos == 0 {
                let gap = if a.end.display == 0 { 2 } else { 1 };
                (pos + 1, (a.end.display + gap).saturating_sub(left))
            } else {
                (pos + 2, a.start.display.saturating_sub(left))
            };
            if let Some(label) = a.label {
                g.puts(row0 + row, code_offset + col, label, ctx.mark_paint(a.primary));
            }
        }
        // the underlines, longest first so that shorter ones show on top
        positions.sort_by_key(|(_, a)| (Reverse(a.len()), a.primary));
        for &(pos, a) in &positions {
            let paint = ctx.mark_paint(a.primary);
            let ch = if a.primary { '^' } else { '-' };
            for d in a.start.display..a.end.display {
                g.putc(row0 + 1, at(d), ch, paint);
            }
            if a.takes_space() || (pos != 0 && a.has_label()) {
                g.putc(row0 + 1, at(a.start.display), ch, paint);
            }
        }
        // a very long mark shows its two ends with `...` between
        for (i, (_, a)) in positions.iter().enumerate() {
            if overlap.get(i).copied().unwrap_or(false) || a.shape != Shape::Single {
                continue;
            }
            let width = a.end.display.saturating_sub(a.start.display);
            if width > margin.term_width * 2 && width > 5 * 2 + 3 {
                let pad = max(margin.term_width / 3, 5);
                let from = code_offset + (a.start.display + pad).saturating_sub(left);
                let to = code_offset + a.end.display.saturating_sub(pad).saturating_sub(left);
                g.replace(row0, from, to, "...");
                g.replace(row0 + 1, from, to, "...");
            }
        }
        positions
            .iter()
            .filter_map(|(_, a)| match a.shape {
                Shape::Start(depth) | Shape::End(depth) => Some((depth, ctx.mark_paint(a.primary))),
                _ => None,
            })
            .collect()
    }
}

const SPACES: &str = "                                                                                                                                                                ";
const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";
const DASHES: &str = "----------------------------------------------------------------------------------------------------------------------------------------------------------------";

/// `n` spaces.
fn spaces(n: usize) -> Cow<'static, str> {
    match SPACES.get(..n) {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(" ".repeat(n)),
    }
}

/// Writes the styled pieces of a line: an escape sequence where the style changes (when colored),
/// and a reset at its end.
struct Styled<'o> {
    out: &'o mut String,
    color: bool,
    current: Paint,
}

// (`#[inline]`: these are a few instructions each, and a finding makes some 60 calls of them)
impl<'o> Styled<'o> {
    #[inline]
    fn new(out: &'o mut String, color: bool) -> Self {
        Self { out, color, current: Paint::Plain }
    }

    #[inline]
    fn push(&mut self, text: &str, paint: Paint) {
        if text.is_empty() {
            return;
        }
        self.paint(paint);
        self.out.push_str(text);
    }

    #[inline]
    fn push_char(&mut self, c: char, paint: Paint) {
        self.paint(paint);
        self.out.push(c);
    }

    #[inline]
    fn push_spaces(&mut self, n: usize, paint: Paint) {
        if n == 0 {
            return;
        }
        self.paint(paint);
        // one copy of a slice of spaces (a `push` a space was 10 instructions a space, more
        // than the copy of 2 or more)
        self.out.push_str(&spaces(n));
    }

    /// `n` right-aligned in `width` columns.
    fn push_number(&mut self, n: usize, width: usize, paint: Paint) {
        self.paint(paint);
        // the digits from the last, into the end of a buffer (20 hold any `usize`)
        let mut digits = [b'0'; 20];
        let mut first = digits.len();
        let mut v = n;
        while let Some(d) = first.checked_sub(1).and_then(|i| digits.get_mut(i)) {
            *d = b'0' + (v % 10) as u8;
            first -= 1;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let digits = digits.get(first..).unwrap_or_default();
        if width > digits.len() {
            self.out.push_str(&spaces(width - digits.len()));
        }
        for &d in digits {
            self.out.push(char::from(d));
        }
    }

    #[inline]
    fn paint(&mut self, paint: Paint) {
        if self.color && paint != self.current {
            self.out.push_str(self.current.close());
            self.current = paint;
            self.out.push_str(paint.open());
        }
    }

    #[inline]
    fn end(self) {
        if self.color {
            self.out.push_str(self.current.close());
        }
    }
}

/// Writes `width` spaces then `text` in `paint`, as one line.
fn push_spaces_segment(r: &Renderer, out: &mut String, width: usize, text: &str, paint: Paint) {
    let pad = " ".repeat(width);
    r.segments(out, &[(pad.as_str(), Paint::Plain), (text, paint)]);
}

/// `--> path:line:col` (or `::: ` for a related file).
fn origin_row(g: &mut Grid, ctx: &Ctx, row: usize, is_primary: bool, path: &str, line: Option<usize>, column: Option<usize>) {
    let num_len = ctx.num_len;
    g.puts(row, num_len, if is_primary { "--> " } else { "::: " }, Paint::Blue);
    let mut col = num_len + 4;
    col = g.puts(row, col, path, Paint::Plain);
    if let Some(line) = line {
        col = g.puts(row, col, ":", Paint::Plain);
        col = g.put_number(row, col, line, 0, Paint::Plain);
        if let Some(column) = column {
            col = g.puts(row, col, ":", Paint::Plain);
            g.put_number(row, col, column, 0, Paint::Plain);
        }
    }
}

/// Draws one source line (cut to the margin): its number, the separator and the code. Returns
/// the display column the code starts at.
fn draw_line(g: &mut Grid, ctx: &Ctx, text: &str, number: usize, row: usize, cols: Cols, margin: Margin) -> usize {
    let Cols { width_offset, code_offset } = cols;
    let line_len = str_width(text);
    let mut left = margin.left(line_len);
    let right = margin.right(line_len);
    // the characters from display column `left` that fit before `right`
    let mut skipped = 0;
    let mut from = text.len();
    let mut chars = text.char_indices();
    let mut first = None;
    for (i, ch) in chars.by_ref() {
        if skipped < left {
            skipped += char_width(ch);
        } else {
            from = i;
            first = Some(ch);
            break;
        }
    }
    let mut to = from;
    let room = right.saturating_sub(left);
    let mut taken = 0;
    if let Some(ch) = first {
        taken += char_width(ch);
        if taken <= room {
            to = from + ch.len_utf8();
            for (i, ch) in chars {
                taken += char_width(ch);
                if taken > room {
                    break;
                }
                to = i + ch.len_utf8();
            }
        }
    }
    if skipped > left {
        left = skipped;
    }
    let code = text.get(from..to).unwrap_or("");
    let (width_taken, bytes_taken) = if margin.was_cut_left() {
        let mut bytes = 0;
        let mut width = 0;
        for ch in code.chars() {
            width += char_width(ch);
            bytes += ch.len_utf8();
            if width >= 3 {
                break;
            }
        }
        g.puts(row, code_offset, "...", Paint::Blue);
        (width, bytes)
    } else {
        (0, 0)
    };
    let rest = code.get(bytes_taken..).unwrap_or("");
    g.puts(row, code_offset + width_taken, rest, Paint::Plain);
    if line_len > right {
        let mut chars_taken = 0;
        let mut width = 0;
        for ch in code.chars().rev() {
            width += char_width(ch);
            chars_taken += 1;
            if width >= 3 {
                break;
            }
        }
        let col = (code_offset + width_taken + rest.chars().count()).saturating_sub(chars_taken);
        g.puts(row, col, "...", Paint::Blue);
    }
    g.put_number(row, 0, number, ctx.num_len, Paint::Blue);
    g.putc(row, width_offset.saturating_sub(2), '|', Paint::Blue);
    left
}

#[derive(Clone, Copy)]
struct Cols {
    width_offset: usize,
    code_offset: usize,
}

struct Ctx {
    level: Level,
    /// Digits of the largest line number shown.
    num_len: usize,
    /// The most multi-line spans that overlap in one excerpt.
    max_depth: usize,
}

impl Ctx {
    fn mark_paint(&self, primary: bool) -> Paint {
        if primary { self.level.paint() } else { Paint::Blue }
    }
}

fn decimal_digits(n: usize) -> usize {
    let n = u64::try_from(n).unwrap_or(u64::MAX);
    POWERS_OF_TEN.iter().take_while(|&&p| p <= n).count().max(1)
}

/// 10⁰ to 10¹⁹.
const POWERS_OF_TEN: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// A position in an excerpt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Loc {
    /// Line number.
    line: usize,
    /// Characters before it on its line.
    char: usize,
    /// Display columns before it on its line.
    display: usize,
    byte: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Single,
    /// The first character of a multi-line span (its depth).
    Start(usize),
    /// The last character of a multi-line span.
    End(usize),
    /// A line inside a multi-line span.
    Through(usize),
}

/// A mark on one line.
#[derive(Clone, Copy, Debug)]
struct Ann<'a> {
    /// The number of the line it is on.
    line: usize,
    start: Loc,
    end: Loc,
    primary: bool,
    label: Option<&'a str>,
    shape: Shape,
}

impl Ann<'_> {
    fn is_line(&self) -> bool {
        matches!(self.shape, Shape::Through(_))
    }

    fn len(&self) -> usize {
        self.end.display.abs_diff(self.start.display)
    }

    fn has_label(&self) -> bool {
        self.label.is_some_and(|l| !l.is_empty())
    }

    fn takes_space(&self) -> bool {
        matches!(self.shape, Shape::Start(_) | Shape::End(_))
    }
}

fn overlaps(a1: &Ann<'_>, a2: &Ann<'_>, padding: usize) -> bool {
    num_overlap(a1.start.display, a1.end.display + padding, a2.start.display, a2.end.display, false)
}

fn num_overlap(a_start: usize, a_end: usize, b_start: usize, b_end: usize, inclusive: bool) -> bool {
    let extra = usize::from(inclusive);
    (b_start..b_end + extra).contains(&a_start) || (a_start..a_end + extra).contains(&b_start)
}

/// A multi-line span before it is split into its lines.
#[derive(Clone, Copy, Debug)]
struct Multi<'a> {
    depth: usize,
    start: Loc,
    end: Loc,
    primary: bool,
    label: Option<&'a str>,
    overlaps_exactly: bool,
}

impl<'a> Multi<'a> {
    fn same_span(&self, other: &Multi<'_>) -> bool {
        self.start == other.start && self.end == other.end
    }

    fn as_start(&self) -> Ann<'a> {
        let end = Loc { line: self.start.line, char: self.start.char + 1, display: self.start.display + 1, byte: self.start.byte + 1 };
        Ann { line: self.start.line, start: self.start, end, primary: self.primary, label: None, shape: Shape::Start(self.depth) }
    }

    fn as_end(&self) -> Ann<'a> {
        let start = Loc {
            line: self.end.line,
            char: self.end.char.saturating_sub(1),
            display: self.end.display.saturating_sub(1),
            byte: self.end.byte.saturating_sub(1),
        };
        Ann { line: self.end.line, start, end: self.end, primary: self.primary, label: self.label, shape: Shape::End(self.depth) }
    }

    fn as_line(&self, line: usize) -> Ann<'a> {
        Ann { line, start: Loc::default(), end: Loc::default(), primary: self.primary, label: None, shape: Shape::Through(self.depth) }
    }
}

/// A line of an excerpt: where its text starts and ends, and where the next one starts.
#[derive(Clone, Copy, Debug)]
struct LineInfo {
    start: usize,
    /// The end of its text (before `\n` or `\r\n`).
    text_end: usize,
    /// The start of the next line.
    end: usize,
    /// Whether its text is printable ASCII.
    plain: bool,
}

/// Items of which an excerpt mostly has one (its lines, its marks, its shown lines), the one
/// kept inline: vectors of one were the three allocations of a finding's excerpt.
#[derive(Clone, Debug)]
enum Few<T> {
    One([T; 1]),
    Many(Vec<T>),
}

impl<T: Copy> Few<T> {
    const fn new() -> Self {
        Self::Many(Vec::new())
    }

    fn push(&mut self, item: T) {
        match self {
            Self::Many(v) if v.capacity() == 0 => *self = Self::One([item]),
            Self::Many(v) => v.push(item),
            Self::One([first]) => *self = Self::Many(vec![*first, item]),
        }
    }
}

impl<T> std::ops::Deref for Few<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            Self::One(one) => one,
            Self::Many(v) => v,
        }
    }
}

impl<T> std::ops::DerefMut for Few<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Self::One(one) => one,
            Self::Many(v) => v,
        }
    }
}

/// A shown line; its marks are `Prepared::anns[first..first + count]`.
#[derive(Clone, Copy, Debug)]
struct AnnLine<'a> {
    number: usize,
    text: &'a str,
    /// Whether `text` is printable ASCII (checked once: its width and what is shown of it
    /// follow).
    plain: bool,
    first: usize,
    count: usize,
}

impl AnnLine<'_> {
    /// The text as shown ([`normalize`]d).
    fn shown(&self) -> Cow<'_, str> {
        if self.plain { Cow::Borrowed(self.text) } else { normalize(self.text) }
    }

    /// Display columns of the text.
    fn width(&self) -> usize {
        if self.plain { self.text.len() } else { str_width(self.text) }
    }
}

/// An excerpt split into lines, with its marks placed on them.
struct Prepared<'e, 'a> {
    excerpt: &'e Excerpt<'a>,
    lines: Few<LineInfo>,
    /// The shown lines, in order.
    shown: Few<AnnLine<'a>>,
    /// The marks of the shown lines, line by line, each line's in the order they were placed.
    anns: Few<Ann<'a>>,
    /// The most multi-line spans that overlap.
    depth: usize,
    /// The line number the gutter is sized for.
    last_line: usize,
}

impl<'e, 'a> Prepared<'e, 'a> {
    fn new(excerpt: &'e Excerpt<'a>) -> Self {
        let text = excerpt.text;
        let mut lines = Few::new();
        let mut pos = 0;
        if text.is_empty() {
            lines.push(LineInfo { start: 0, text_end: 0, end: 0, plain: true });
        }
        while pos < text.len() {
            // one pass over the line finds its end and whether it is printable ASCII (its width
            // is then its length, and it is shown as it is)
            let rest = text.as_bytes().get(pos..).unwrap_or_default();
            let (nl, printable) = scan_line(rest);
            if let Some(nl) = nl.map(|x| pos + x) {
                let text_end = if nl > pos && text.as_bytes().get(nl - 1) == Some(&b'\r') { nl - 1 } else { nl };
                lines.push(LineInfo { start: pos, text_end, end: nl + 1, plain: pos + printable >= text_end });
                pos = nl + 1;
            } else {
                lines.push(LineInfo { start: pos, text_end: text.len(), end: text.len(), plain: pos + printable >= text.len() });
                pos = text.len();
            }
        }
        // the line breaks before the last mark's end, but one that ends it: the lines ended by a
        // break (all but an unended last one) up to there, rather than a second pass over the text
        let end = excerpt.marks.iter().map(|m| m.end).max().unwrap_or(text.len()).min(text.len());
        let breaks = lines.iter().take_while(|l| l.end > l.text_end && l.end <= end).count();
        let newlines = breaks - usize::from(end > 0 && text.as_bytes().get(end - 1) == Some(&b'\n'));
        let mut p = Self { excerpt, lines, shown: Few::new(), anns: Few::new(), depth: 0, last_line: excerpt.first_line + newlines };
        p.place_marks();
        // group the marks by line (a stable sort keeps each line's in their order)
        p.anns.sort_by_key(|a| a.line);
        for (i, a) in p.anns.iter().enumerate() {
            match p.shown.last_mut() {
                Some(l) if l.number == a.line => l.count += 1,
                _ => {
                    let (text, plain) = p.line(a.line).map_or(("", true), |(t, l)| (t, l.plain));
                    p.shown.push(AnnLine { number: a.line, text, plain, first: i, count: 1 });
                }
            }
        }
        p
    }

    /// The marks of a shown line.
    fn anns(&self, line: &AnnLine<'_>) -> &[Ann<'a>] {
        self.anns.get(line.first..line.first + line.count).unwrap_or_default()
    }

    /// Whether [`Renderer::direct`] can draw this excerpt: each shown line has one single-line
    /// mark, nothing is cut to fit the width, and line numbers fit the gutter.
    fn is_simple(&self, ctx: &Ctx) -> bool {
        if self.excerpt.origin.is_some() || self.depth > 0 {
            return false;
        }
        let code_offset = ctx.num_len + 3;
        let width = TERM_WIDTH.saturating_sub(code_offset);
        let mut whitespace = usize::MAX;
        let mut span_left = usize::MAX;
        for (k, l) in self.shown.iter().enumerate() {
            let [a] = self.anns(l) else { return false };
            if a.shape != Shape::Single || decimal_digits(l.number) > ctx.num_len || l.width() > width || a.end.display > width {
                return false;
            }
            if l.plain {
                // (printable ASCII: a space is its only whitespace)
                if let Some(lead) = l.text.bytes().position(|b| b != b' ') {
                    whitespace = min(whitespace, lead);
                }
            } else {
                let mut lead = 0;
                for c in l.text.chars() {
                    if !c.is_whitespace() {
                        whitespace = min(whitespace, lead);
                        break;
                    }
                    lead += if c == '\t' { 4 } else { 1 };
                }
            }
            span_left = min(span_left, a.start.display);
            if let Some(next) = self.shown.get(k + 1) {
                if next.number == l.number + 2 && self.line(l.number + 1).is_some_and(|(t, info)| if info.plain { t.len() } else { str_width(t) } > width) {
                    return false;
                }
            }
        }
        // no leading whitespace is cut
        min(whitespace, span_left).saturating_sub(Margin::ELLIPSIS_PADDING) <= Margin::LONG_WHITESPACE
    }

    /// The text of line `number`, if the excerpt has it.
    fn line_text(&self, number: usize) -> Option<&'a str> {
        self.line(number).map(|(text, _)| text)
    }

    /// The text of line `number` and where it is, if the excerpt has it.
    fn line(&self, number: usize) -> Option<(&'a str, LineInfo)> {
        let i = number.checked_sub(self.excerpt.first_line)?;
        let l = self.lines.get(i)?;
        Some((self.excerpt.text.get(l.start..l.text_end)?, *l))
    }

    /// The line holding byte `offset` (the last one past the end).
    fn line_index(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|l| l.end <= offset);
        if i < self.lines.len() { i } else { self.lines.len().saturating_sub(1) }
    }

    /// Where `offset` is on line `i`: the line, its text, and how far into the text (bytes).
    fn loc_in(&self, i: usize, offset: usize) -> (Loc, LineInfo, &'a str, usize) {
        let l = self.lines.get(i).copied().unwrap_or(LineInfo { start: 0, text_end: 0, end: 0, plain: true });
        let line_text = self.excerpt.text.get(l.start..l.text_end).unwrap_or("");
        let n = boundary(line_text, offset.saturating_sub(l.start));
        let (char, display) = if l.plain { (n, n) } else { widths(line_text.get(..n).unwrap_or("")) };
        (Loc { line: self.excerpt.first_line + i, char, display, byte: offset }, l, line_text, n)
    }

    /// The start and end of a byte range.
    fn locate(&self, start: usize, end: usize) -> (Loc, Loc) {
        let si = self.line_index(start);
        let (raw, sl, line_text, n) = self.loc_in(si, start);
        let mut lo = raw;
        // a start past the text of its line (on its line break)
        if start.saturating_sub(sl.start) > sl.text_end.saturating_sub(sl.start) {
            lo.char += 1;
        }
        if start == end {
            return (lo, lo);
        }
        let ei = self.line_index(end);
        if ei == si {
            // on the same line: only the marked text is measured
            let m = boundary(line_text, end.saturating_sub(sl.start)).max(n);
            let (chars, display) = if sl.plain { (m - n, m - n) } else { widths(line_text.get(n..m).unwrap_or("")) };
            return (lo, Loc { line: raw.line, char: raw.char + chars, display: raw.display + display, byte: end });
        }
        let (mut hi, el, _, _) = self.loc_in(ei, end);
        if lo.line != hi.line && end > el.text_end {
            hi.char += 1;
            hi.display += 1;
        }
        (lo, hi)
    }

    /// Places the marks: line numbers and the marks on them.
    fn place_marks(&mut self) {
        let mut multi: Vec<Multi<'a>> = Vec::new();
        for m in self.excerpt.marks.iter() {
            let (lo, mut hi) = self.locate(m.start, m.end);
            if lo.display == hi.display && lo.line == hi.line {
                hi.display += 1;
            }
            if lo.line == hi.line {
                self.anns.push(Ann { line: lo.line, start: lo, end: hi, primary: m.primary, label: m.label, shape: Shape::Single });
            } else {
                multi.push(Multi { depth: 1, start: lo, end: hi, primary: m.primary, label: m.label, overlaps_exactly: false });
            }
        }
        if multi.is_empty() {
            return;
        }
        // overlapping multi-line spans go to different depths
        multi.sort_by_key(|m| (m.start.line, usize::MAX - m.end.line));
        let original = multi.clone();
        let mut primary_spans: Vec<(Loc, Loc)> = Vec::new();
        for (outer, ann) in original.iter().enumerate() {
            if ann.primary {
                primary_spans.push((ann.start, ann.end));
            }
            for (inner, a) in multi.iter_mut().enumerate() {
                if !ann.same_span(a) && num_overlap(ann.start.line, ann.end.line, a.start.line, a.end.line, true) {
                    a.depth += 1;
                } else if ann.same_span(a) && outer != inner {
                    a.overlaps_exactly = true;
                } else {
                    if primary_spans.iter().any(|(s, e)| a.start == *s && a.end == *e) {
                        a.primary = true;
                    }
                    break;
                }
            }
        }
        let max_depth = multi.iter().map(|m| m.depth).max().unwrap_or(0);
        for m in &mut multi {
            m.depth = max_depth + 1 - m.depth;
        }
        self.depth = max_depth;
        // a line that only closes a bracket (or is blank) does not count as content
        let filter = |s: &str| {
            let s = s.trim();
            !(s.starts_with("//") && !(s.starts_with("///") || s.starts_with("//!"))) && !["", "{", "}", "(", ")", "[", "]"].contains(&s)
        };
        for m in multi {
            let mut end_ann = m.as_end();
            if m.overlaps_exactly {
                end_ann.shape = Shape::Single;
            } else {
                self.anns.push(m.as_start());
                // show up to 4 lines from the start, without trailing blank ones
                let middle = min(m.start.line + 4, m.end.line);
                let until = (m.start.line..middle)
                    .rev()
                    .filter_map(|line| self.line_text(line).map(|s| (line + 1, s)))
                    .find(|(_, s)| filter(s))
                    .map_or(m.start.line, |(line, _)| line);
                for line in m.start.line + 1..until {
                    self.anns.push(m.as_line(line));
                }
                let line_end = m.end.line.saturating_sub(1);
                let end_is_empty = self.line_text(line_end).is_some_and(|s| !filter(s));
                if middle < line_end && !end_is_empty {
                    self.anns.push(m.as_line(line_end));
                }
            }
            self.anns.push(end_ann);
        }
    }
}

/// The characters and display columns of the first `n` bytes of `line`.
/// `n`, at most the length of `line`, moved back to a character boundary.
fn boundary(line: &str, n: usize) -> usize {
    let mut n = n.min(line.len());
    while n > 0 && !line.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// The characters and display columns of `s`.
fn widths(s: &str) -> (usize, usize) {
    if printable_ascii(s) {
        return (s.len(), s.len());
    }
    if s.is_ascii() {
        let tabs = s.bytes().filter(|&b| b == b'\t').count();
        return (s.len(), s.len() + 3 * tabs);
    }
    s.chars().fold((0, 0), |(c, d), ch| (c + 1, d + char_width(ch)))
}

/// Columns a character takes (a tab 4; control characters 1, as they are shown as symbols).
fn char_width(ch: char) -> usize {
    match ch {
        '\t' => 4,
        ' '..='~' | '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => 1,
        _ => unicode_width::UnicodeWidthChar::width(ch).unwrap_or(1),
    }
}

fn str_width(s: &str) -> usize {
    widths(s).1
}

/// Tabs as 4 spaces, control characters as their visible symbols, text-direction controls as
/// `�`, and no zero-width joiners: what is shown lines up with the marks under it.
fn normalize(s: &str) -> Cow<'_, str> {
    fn replaced(c: char) -> bool {
        matches!(c, '\u{0}'..='\u{8}' | '\t' | '\u{b}'..='\u{1f}' | '\u{7f}' | '\u{200d}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if printable_ascii(s) || !s.chars().any(replaced) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            '\u{200d}' => {}
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` has only printable ASCII characters.
fn printable_ascii(s: &str) -> bool {
    printable_prefix(s.as_bytes()) == s.len()
}

/// How many bytes `bytes` starts with that are printable ASCII (checked 8 bytes at a time).
fn printable_prefix(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let printable = |word: &[u8]| {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
        // a byte below 0x20 (borrows into its high bit), or from 0x7f up (carries into it)
        let below = x.wrapping_sub(0x20 * ONES) & !x;
        let above = x.wrapping_add(ONES) | x;
        (below | above) & HIGH == 0
    };
    let mut at = 0;
    for word in bytes.chunks_exact(8) {
        if !printable(word) {
            break;
        }
        at += 8;
    }
    // the bytes after the last whole word: as the word that ends the text (its first bytes
    // checked again), which settles the usual text, printable to its end, without a byte loop
    let tail = bytes.len().checked_sub(8).and_then(|i| bytes.get(i..));
    if at < bytes.len() && at + 8 > bytes.len() && tail.is_some_and(printable) {
        return bytes.len();
    }
    at + bytes.get(at..).unwrap_or_default().iter().take_while(|b| (0x20..0x7f).contains(*b)).count()
}

/// Where the first `\n` of `bytes` is, and how many bytes it starts with that are printable
/// ASCII: the end of a line and whether the line is plain, in one pass over the usual line
/// (whose `\n` is its first byte that is not printable). `str::find` alone took 145
/// instructions for the excerpt of one compose line.
fn scan_line(bytes: &[u8]) -> (Option<usize>, usize) {
    let printable = printable_prefix(bytes);
    match bytes.get(printable..).unwrap_or_default() {
        [] => (None, printable),
        [b'\n', ..] => (Some(printable), printable),
        rest => (rest.iter().position(|&b| b == b'\n').map(|i| printable + i), printable),
    }
}

/// Which columns of long lines are shown.
#[derive(Clone, Copy, Debug)]
struct Margin {
    whitespace_left: usize,
    span_left: usize,
    span_right: usize,
    computed_left: usize,
    computed_right: usize,
    term_width: usize,
    label_right: usize,
}

impl Margin {
    /// Room for `...`.
    const ELLIPSIS_PADDING: usize = 6;
    /// Leading whitespace beyond this is cut.
    const LONG_WHITESPACE: usize = 20;
    const LONG_WHITESPACE_PADDING: usize = 4;

    fn new(whitespace_left: usize, span_left: usize, span_right: usize, label_right: usize, term_width: usize, max_line_len: usize) -> Self {
        let whitespace_left = min(whitespace_left, span_left);
        let mut m = Self {
            whitespace_left: whitespace_left.saturating_sub(Self::ELLIPSIS_PADDING),
            span_left: span_left.saturating_sub(Self::ELLIPSIS_PADDING),
            span_right: span_right + Self::ELLIPSIS_PADDING,
            computed_left: 0,
            computed_right: 0,
            term_width,
            label_right: label_right + Self::ELLIPSIS_PADDING,
        };
        m.compute(max_line_len);
        m
    }

    fn was_cut_left(&self) -> bool {
        self.computed_left > 0
    }

    fn compute(&mut self, max_line_len: usize) {
        self.computed_left = if self.whitespace_left > Self::LONG_WHITESPACE {
            self.whitespace_left - (Self::LONG_WHITESPACE - Self::LONG_WHITESPACE_PADDING)
        } else {
            0
        };
        self.computed_right = max(max_line_len, self.computed_left);
        if self.computed_right.saturating_sub(self.computed_left) > self.term_width {
            if self.label_right.saturating_sub(self.whitespace_left) <= self.term_width && self.label_right >= self.whitespace_left {
                // cutting the leading whitespace is enough
                self.computed_left = self.whitespace_left;
                self.computed_right = self.computed_left + self.term_width;
            } else if self.label_right.saturating_sub(self.span_left) <= self.term_width {
                // the marks and labels fit: center them
                let padding_left = self.term_width.saturating_sub(self.label_right.saturating_sub(self.span_left)) / 2;
                self.computed_left = self.span_left.saturating_sub(padding_left);
                self.computed_right = self.computed_left + self.term_width;
            } else if self.span_right.saturating_sub(self.span_left) <= self.term_width {
                // the marks fit
                let padding_left = self.term_width.saturating_sub(self.span_right.saturating_sub(self.span_left)) / 5 * 2;
                self.computed_left = self.span_left.saturating_sub(padding_left);
                self.computed_right = self.computed_left + self.term_width;
            } else {
                self.computed_left = self.span_left;
                self.computed_right = self.span_right;
            }
        }
    }

    fn left(&self, line_len: usize) -> usize {
        min(self.computed_left, line_len)
    }

    fn right(&self, line_len: usize) -> usize {
        if line_len.saturating_sub(self.computed_left) <= self.term_width { line_len } else { min(line_len, self.computed_right) }
    }
}

#[derive(Clone, Copy, Debug)]
struct Cell {
    ch: char,
    paint: Paint,
}

const BLANK: Cell = Cell { ch: ' ', paint: Paint::Plain };

/// Rows of styled characters, drawn in any order.
struct Grid {
    rows: Vec<Vec<Cell>>,
    color: bool,
}

impl Grid {
    fn new(color: bool) -> Self {
        Self { rows: Vec::with_capacity(8), color }
    }

    fn rows(&self) -> usize {
        self.rows.len()
    }

    fn row(&mut self, row: usize) -> Option<&mut Vec<Cell>> {
        if row >= self.rows.len() {
            self.rows.resize_with(row + 1, || Vec::with_capacity(64));
        }
        self.rows.get_mut(row)
    }

    fn putc(&mut self, row: usize, col: usize, ch: char, paint: Paint) {
        let Some(r) = self.row(row) else { return };
        if col >= r.len() {
            r.resize(col + 1, BLANK);
        }
        if let Some(cell) = r.get_mut(col) {
            *cell = Cell { ch, paint };
        }
    }

    /// Writes `s` from `col` on; returns the column after it.
    fn puts(&mut self, row: usize, col: usize, s: &str, paint: Paint) -> usize {
        if s.is_empty() {
            return col;
        }
        let Some(r) = self.row(row) else { return col };
        let mut c = col;
        for ch in s.chars() {
            if let Some(cell) = r.get_mut(c) {
                *cell = Cell { ch, paint };
            } else {
                if r.len() < c {
                    r.resize(c, BLANK);
                }
                r.push(Cell { ch, paint });
            }
            c += 1;
        }
        c
    }

    /// Writes `n` right-aligned in `width` columns; returns the column after it.
    fn put_number(&mut self, row: usize, col: usize, n: usize, width: usize, paint: Paint) -> usize {
        let mut digits = [0u8; 20];
        let mut len = 0;
        let mut v = n;
        loop {
            if let Some(d) = digits.get_mut(len) {
                *d = b'0' + (v % 10) as u8;
            }
            len += 1;
            v /= 10;
            if v == 0 || len == digits.len() {
                break;
            }
        }
        let mut c = col;
        for _ in len..width {
            self.putc(row, c, ' ', paint);
            c += 1;
        }
        for i in (0..len).rev() {
            let d = digits.get(i).copied().unwrap_or(b'0');
            self.putc(row, c, char::from(d), paint);
            c += 1;
        }
        c
    }

    /// Replaces columns `start..end` of a row with `s` (the row gets shorter or longer).
    fn replace(&mut self, row: usize, start: usize, end: usize, s: &str) {
        if start >= end {
            return;
        }
        let Some(r) = self.rows.get_mut(row) else { return };
        if end > r.len() {
            return;
        }
        r.splice(start..end, s.chars().map(|ch| Cell { ch, paint: Paint::Blue }));
    }

    /// Appends the rows, each after a newline.
    fn write(&self, out: &mut String) {
        for r in &self.rows {
            out.push('\n');
            if self.color {
                let mut current = Paint::Plain;
                for cell in r {
                    if cell.paint != current {
                        out.push_str(current.close());
                        current = cell.paint;
                        out.push_str(current.open());
                    }
                    out.push(cell.ch);
                }
                out.push_str(current.close());
            } else {
                for cell in r {
                    out.push(cell.ch);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{decimal_digits, printable_ascii, Paint, Styled};

    #[test]
    fn printable_ascii_checks_every_byte() {
        let simple = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b));
        for c in (0u32..=0x7f).chain([0xe9, 0x65e5, 0x1f680]) {
            let Some(c) = char::from_u32(c) else { continue };
            for len in 0..20 {
                for at in 0..len {
                    let s: String = (0..len).map(|i| if i == at { c } else { 'a' }).collect();
                    assert_eq!(printable_ascii(&s), simple(&s), "{s:?}");
                }
            }
        }
        assert!(printable_ascii("services:  web: ~}"));
    }

    #[test]
    fn numbers() {
        for (n, digits) in [(0, 1), (9, 1), (10, 2), (99_999, 5), (100_000, 6), (usize::MAX, usize::MAX.to_string().len())] {
            assert_eq!(decimal_digits(n), digits, "{n}");
            let mut out = String::new();
            let mut w = Styled::new(&mut out, false);
            w.push_number(n, 7, Paint::Plain);
            w.end();
            assert_eq!(out, format!("{n:>7}"));
        }
    }
}
