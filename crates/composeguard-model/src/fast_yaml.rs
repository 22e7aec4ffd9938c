//! A fast event source for the YAML that compose files are made of.
//!
//! It reads the common subset (block mappings and sequences, single-line plain and quoted
//! scalars, comments, anchors and aliases, single-line flow collections, literal and folded block
//! scalars, document markers) and produces exactly the events, with exactly the spans, that
//! `granit_parser` produces for the same text. Anything else — tags, directives, explicit keys,
//! tabs, multi-line plain or quoted scalars, multi-line flow collections, any syntax error, any
//! doubt — makes it give up ([`Bail`]) at once, and the caller parses the file again with
//! `granit_parser`, which stays the only source of error messages.
//!
//! The grammar it accepts is a strict subset in which the structure follows from indentation
//! alone: after every node, the next content line must start exactly at the column of an open
//! block collection (or close them all), so plain scalars can never continue on the next line,
//! and no construct whose meaning depends on the scanner's simple-key or indentation corner cases
//! is accepted.

use std::borrow::Cow;
use crate::HashMap;

use granit_parser::{Event, ScalarStyle, StructureStyle};

use crate::span::{FileId, Span};

/// The fast path gave up: the text (or the event consumer) needs the full parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail;

type Res<T = ()> = Result<T, Bail>;

/// Longest implicit key accepted, in bytes. `granit_parser` drops a simple-key candidate after
/// 1024 characters (an error for a block mapping key); bytes are at least characters.
const MAX_KEY_BYTES: usize = 1000;

/// Deepest nesting the fast path handles (it recurses once per level); deeper files take the
/// full parser, which applies the configured limit.
const MAX_NESTING: usize = 128;

/// Feeds the events of `text` (which has no NUL byte) to `sink` (which returns `false` to
/// stop), or bails.
///
/// `max_depth` is the nesting limit the full parser enforces; the fast path bails before
/// reaching it, so limit errors always come from the full parser.
pub(crate) fn parse<'a, F>(text: &'a str, file: FileId, max_depth: usize, sink: F) -> Res
where
    F: FnMut(Event<'a>, Span) -> bool,
{
    if u32::try_from(text.len()).is_err() {
        return Err(Bail);
    }
    let mut fast = Fast {
        text,
        b: text.as_bytes(),
        file,
        sink,
        pos: 0,
        line_start: 0,
        next: Next::End,
        depth: 0,
        max_depth: max_depth.min(MAX_NESTING),
        anchors: HashMap::default(),
        next_anchor_id: 1,
        last_end: 0,
    };
    fast.stream()
}

/// Compares the fast events of `text` with `granit_parser`'s, event by event and span by span
/// (for the fuzz target): `Ok(false)` when the fast path gives up, `Ok(true)` when it takes the
/// text and agrees, `Err` with both traces when it disagrees.
pub fn compare_with_granit(text: &str) -> Result<bool, String> {
    if text.contains('\0') {
        // `yaml::parse` reports NUL bytes before any parsing; the fast path never sees them.
        return Ok(false);
    }
    let mut fast = Vec::new();
    let taken = parse(text, FileId(0), 200, |event, span| {
        fast.push((format!("{event:?}"), span.start, span.end));
        true
    });
    if taken.is_err() {
        return Ok(false);
    }
    let mut granit = Vec::new();
    for event in granit_parser::Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                let start = span.start.byte_offset().and_then(|b| u32::try_from(b).ok());
                let end = span.end.byte_offset().and_then(|b| u32::try_from(b).ok());
                granit.push((format!("{event:?}"), start.unwrap_or(u32::MAX), end.unwrap_or(u32::MAX)));
            }
            Err(err) => {
                granit.push((format!("error: {err}"), 0, 0));
                break;
            }
        }
    }
    if fast == granit {
        Ok(true)
    } else {
        Err(format!("fast:   {fast:?}\ngranit: {granit:?}"))
    }
}

/// What follows the node just read: a content line (its indentation; `pos` is at its first
/// character), or the end of the document (end of the text, or a `---`/`...` marker at `pos`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Content(usize),
    End,
}

/// Where a node sits: as a block mapping value (after the `:` at `colon`) or as a block sequence
/// entry; `col` is the column of the collection.
#[derive(Clone, Copy)]
enum Ctx {
    MapValue { col: usize, colon: usize },
    SeqItem { col: usize },
}

impl Ctx {
    fn col(self) -> usize {
        match self {
            Self::MapValue { col, .. } | Self::SeqItem { col } => col,
        }
    }
}

/// A scalar token: its span, value and style, and the `:` that follows it, if it is a key.
struct Tok<'a> {
    start: usize,
    end: usize,
    value: Cow<'a, str>,
    style: ScalarStyle,
    colon: Option<usize>,
    /// First position after the token and the blanks that follow it.
    after: usize,
}

struct Fast<'a, F> {
    text: &'a str,
    b: &'a [u8],
    file: FileId,
    sink: F,
    /// Current position.
    pos: usize,
    /// Start of the line `pos` is on (columns are byte offsets from it: the fast path only
    /// computes columns over ASCII indentation and `- ` indicators).
    line_start: usize,
    next: Next,
    depth: usize,
    max_depth: usize,
    /// Anchor names of the current document and their most recent ids.
    anchors: HashMap<&'a str, usize>,
    next_anchor_id: usize,
    /// End of the last emitted event (where an implicit document end is placed).
    last_end: usize,
}

impl<'a, F> Fast<'a, F>
where
    F: FnMut(Event<'a>, Span) -> bool,
{
    /// The byte at `i`, or 0 past the end (the text has no NUL bytes).
    #[inline(always)]
    #[allow(clippy::inline_always)] // measured: the hottest helper, called from every scan
    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    fn slice(&self, start: usize, end: usize) -> Res<&'a str> {
        self.text.get(start..end).ok_or(Bail)
    }

    #[inline]
    fn emit(&mut self, event: Event<'a>, start: usize, end: usize) -> Res {
        self.last_end = end;
        // Offsets fit: the text length was checked against `u32` up front.
        let span = Span::new(self.file, start as u32, end as u32);
        if (self.sink)(event, span) {
            Ok(())
        } else {
            Err(Bail)
        }
    }

    fn emit_empty(&mut self, anchor: usize, at: usize) -> Res {
        self.emit(Event::Scalar(Cow::Borrowed("~"), ScalarStyle::Plain, anchor, None), at, at)
    }

    fn enter(&mut self) -> Res {
        self.depth += 1;
        if self.depth >= self.max_depth {
            return Err(Bail);
        }
        Ok(())
    }

    /// The 8 bytes at `i` as a little-endian word, when there are 8.
    #[inline]
    fn word(&self, i: usize) -> Option<u64> {
        let bytes: [u8; 8] = self.b.get(i..i + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    }

    /// The first position at or after `i` that is not a space.
    #[inline]
    fn skip_spaces(&self, mut i: usize) -> usize {
        while let Some(x) = self.word(i) {
            let other = x ^ (u64::from(b' ') * ONES);
            if other != 0 {
                return i + (other.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while self.at(i) == b' ' {
            i += 1;
        }
        i
    }

    /// The first position at or after `i` whose byte has one of the `mask` classes.
    #[inline]
    fn find(&self, i: usize, mask: u8) -> usize {
        let rest = self.b.get(i..).unwrap_or_default();
        i + rest.iter().position(|&c| class(c) & mask != 0).unwrap_or(rest.len())
    }

    /// The byte at `i` is `ODD`: the length of its character when the fast path takes it as
    /// content (a non-ASCII character YAML allows), else bail (a tab, a control character, DEL,
    /// a C1 control other than NEL, U+FEFF, U+FFFE, U+FFFF).
    fn odd_char(&self, i: usize) -> Res<usize> {
        match self.at(i) {
            0xc2 => {
                let n = self.at(i + 1);
                if (0x80..=0x9f).contains(&n) && n != 0x85 {
                    return Err(Bail);
                }
                Ok(2)
            }
            0xef => {
                let (n1, n2) = (self.at(i + 1), self.at(i + 2));
                if (n1 == 0xbb && n2 == 0xbf) || (n1 == 0xbf && (n2 == 0xbe || n2 == 0xbf)) {
                    return Err(Bail);
                }
                Ok(3)
            }
            _ => Err(Bail),
        }
    }

    /// Position of the line break (`\r` of `\r\n`, or `\n`) ending the line at `i`, or the end;
    /// bails on characters the fast path does not take.
    fn line_end(&self, mut i: usize) -> Res<usize> {
        loop {
            i = self.find(i, C_LINE);
            match self.at(i) {
                b'\n' => return Ok(i),
                b'\r' if self.at(i + 1) == b'\n' => return Ok(i),
                0 if i >= self.b.len() => return Ok(i),
                _ => i += self.odd_char(i)?,
            }
        }
    }

    /// Start of the line after the break at `i` (`i` is a line end); bails on a lone `\r`.
    fn after_break(&self, i: usize) -> Res<usize> {
        match self.at(i) {
            b'\r' if self.at(i + 1) == b'\n' => Ok(i + 2),
            b'\n' => Ok(i + 1),
            0 if i >= self.b.len() => Ok(i),
            _ => Err(Bail),
        }
    }

    fn is_marker(&self, i: usize) -> bool {
        let c = self.at(i);
        (c == b'-' || c == b'.')
            && self.at(i + 1) == c
            && self.at(i + 2) == c
            && matches!(self.at(i + 3), b' ' | b'\n' | b'\r' | 0)
    }

    /// From the start of a line, skips blank and comment lines and sets `next`.
    fn scan_lines(&mut self, mut i: usize) -> Res {
        loop {
            let start = i;
            i = self.skip_spaces(i);
            match self.at(i) {
                b'\n' | b'\r' => i = self.after_break(i)?,
                b'#' => i = self.after_break(self.line_end(i)?)?,
                0 if i >= self.b.len() => {
                    self.pos = i;
                    self.line_start = start;
                    self.next = Next::End;
                    return Ok(());
                }
                _ => {
                    self.pos = i;
                    self.line_start = start;
                    self.next = if i == start && self.is_marker(i) { Next::End } else { Next::Content(i - start) };
                    return Ok(());
                }
            }
        }
    }

    /// After a node that ends at `i` on its line: only blanks and a comment may follow.
    #[inline]
    fn finish_line(&mut self, i: usize) -> Res {
        if self.at(i) == b'\n' {
            return self.scan_lines(i + 1);
        }
        let j = self.skip_spaces(i);
        let end = match self.at(j) {
            b'#' if j > 0 && self.at(j - 1) == b' ' => self.line_end(j)?,
            b'\n' | b'\r' => j,
            0 if j >= self.b.len() => j,
            _ => return Err(Bail),
        };
        let next = self.after_break(end)?;
        self.scan_lines(next)
    }

    fn stream(&mut self) -> Res {
        self.emit(Event::StreamStart, 0, 0)?;
        self.scan_lines(0)?;
        loop {
            // Leading `...` markers are skipped.
            while self.next == Next::End && self.at(self.pos) == b'.' {
                let p = self.pos;
                self.finish_line(p + 3)?;
            }
            if self.next == Next::End && self.pos >= self.b.len() {
                let end = self.b.len();
                return self.emit(Event::StreamEnd, end, end);
            }
            if self.next == Next::End {
                // `---`
                let p = self.pos;
                self.emit(Event::DocumentStart(true, None), p, p + 3)?;
                self.finish_line(p + 3)?;
                if self.next == Next::End {
                    self.emit_empty(0, p + 3)?;
                } else {
                    self.root()?;
                }
            } else {
                let p = self.pos;
                self.emit(Event::DocumentStart(false, None), p, p)?;
                self.root()?;
            }
            if self.next != Next::End {
                return Err(Bail);
            }
            if self.at(self.pos) == b'.' {
                let p = self.pos;
                self.emit(Event::DocumentEnd, p, p + 3)?;
                self.finish_line(p + 3)?;
            } else {
                let at = self.last_end;
                self.emit(Event::DocumentEnd, at, at)?;
            }
            self.anchors.clear();
        }
    }

    /// The root node of a document: a block mapping or sequence at column 0.
    fn root(&mut self) -> Res {
        if self.next != Next::Content(0) {
            return Err(Bail);
        }
        let p = self.pos;
        if self.at(p) == b'-' && is_blankz(self.at(p + 1)) {
            return self.block_sequence(0, false, 0);
        }
        let tok = self.scalar(p, false)?;
        if tok.colon.is_none() {
            return Err(Bail);
        }
        self.block_mapping(0, 0, Some(tok))
    }

    /// A block mapping at column `col`; `first` is its first key when already scanned, else `pos`
    /// is at the first key.
    fn block_mapping(&mut self, col: usize, anchor: usize, first: Option<Tok<'a>>) -> Res {
        self.enter()?;
        let start = first.as_ref().map_or(self.pos, |t| t.start);
        self.emit(Event::MappingStart(StructureStyle::Block, anchor, None), start, start)?;
        let mut first = first;
        loop {
            let key = match first.take() {
                Some(t) => t,
                None => match self.simple_key(self.pos) {
                    Some(end) => {
                        let value = Cow::Borrowed(self.slice(self.pos, end)?);
                        Tok { start: self.pos, end, value, style: ScalarStyle::Plain, colon: Some(end), after: end }
                    }
                    None => self.scalar(self.pos, false)?,
                },
            };
            let Some(colon) = key.colon else { return Err(Bail) };
            if colon - key.start > MAX_KEY_BYTES {
                return Err(Bail);
            }
            self.emit(Event::Scalar(key.value, key.style, 0, None), key.start, key.end)?;
            self.pos = colon + 1;
            self.value(Ctx::MapValue { col, colon })?;
            match self.next {
                Next::Content(i) if i == col => {
                    if self.at(self.pos) == b'-' && is_blankz(self.at(self.pos + 1)) {
                        return Err(Bail);
                    }
                }
                Next::Content(i) if i > col => return Err(Bail),
                _ => break,
            }
        }
        let p = self.pos;
        self.emit(Event::MappingEnd, p, p)?;
        self.depth -= 1;
        Ok(())
    }

    /// Where the block entry token of the `-` before `i` is placed: after the blanks and any
    /// comment that follow the indicator.
    fn entry_mark(&self, i: usize) -> Res<usize> {
        let j = self.skip_spaces(i);
        if self.at(j) == b'#' {
            self.line_end(j)
        } else {
            Ok(j)
        }
    }

    /// A block sequence at column `col` (`pos` at its first `-`). `indentless`: a mapping value at
    /// the mapping's own column.
    fn block_sequence(&mut self, col: usize, indentless: bool, anchor: usize) -> Res {
        self.enter()?;
        let p = self.pos;
        let start = if indentless { self.entry_mark(p + 1)? } else { p };
        self.emit(Event::SequenceStart(StructureStyle::Block, anchor, None), start, start)?;
        loop {
            self.pos += 1;
            self.value(Ctx::SeqItem { col })?;
            match self.next {
                Next::Content(i) if i == col => {
                    if self.at(self.pos) == b'-' && is_blankz(self.at(self.pos + 1)) {
                        continue;
                    }
                    if indentless {
                        break;
                    }
                    return Err(Bail);
                }
                Next::Content(i) if i > col => return Err(Bail),
                _ => break,
            }
        }
        let p = self.pos;
        self.emit(Event::SequenceEnd, p, p)?;
        self.depth -= 1;
        Ok(())
    }

    /// The node after a `:` or `-` indicator (`pos` just after it).
    fn value(&mut self, ctx: Ctx) -> Res {
        let mut p = self.skip_spaces(self.pos);
        let mut anchor = 0;
        let mut anchor_end = 0;
        if self.at(p) == b'&' {
            let (id, end) = self.anchor(p)?;
            if !matches!(self.at(end), b' ' | b'\n' | b'\r' | 0) {
                return Err(Bail);
            }
            anchor = id;
            anchor_end = end;
            p = self.skip_spaces(end);
        }
        let c = self.at(p);
        if c == b'#' || c == b'\n' || c == b'\r' || (c == 0 && p >= self.b.len()) {
            // The node is on the next lines, or empty.
            if c == b'#' && self.at(p.wrapping_sub(1)) != b' ' {
                return Err(Bail);
            }
            let empty_at = if anchor != 0 {
                anchor_end
            } else {
                match ctx {
                    Ctx::MapValue { colon, .. } => colon,
                    Ctx::SeqItem { .. } => self.entry_mark(self.pos)?,
                }
            };
            self.finish_line(p)?;
            return self.next_line_value(ctx, anchor, empty_at);
        }
        match c {
            b'*' if anchor == 0 => {
                let end = self.alias(p)?;
                self.finish_line(end)
            }
            b'[' => {
                let end = self.flow_sequence(p, anchor)?;
                self.finish_line(end)
            }
            b'{' => {
                let end = self.flow_mapping(p, anchor)?;
                self.finish_line(end)
            }
            b'|' | b'>' => self.block_scalar(p, ctx.col(), anchor),
            b'-' if is_blankz(self.at(p + 1)) => match ctx {
                Ctx::SeqItem { .. } if anchor == 0 => {
                    self.pos = p;
                    self.block_sequence(p - self.line_start, false, 0)
                }
                _ => Err(Bail),
            },
            _ => {
                let tok = self.scalar(p, false)?;
                if tok.colon.is_some() {
                    return match ctx {
                        Ctx::SeqItem { .. } if anchor == 0 => self.block_mapping(p - self.line_start, 0, Some(tok)),
                        _ => Err(Bail),
                    };
                }
                let end = tok.after;
                self.emit(Event::Scalar(tok.value, tok.style, anchor, None), tok.start, tok.end)?;
                self.finish_line(end)
            }
        }
    }

    /// The node of a `:` or `-` whose line ended: on the following lines, or empty (at
    /// `empty_at`).
    fn next_line_value(&mut self, ctx: Ctx, anchor: usize, empty_at: usize) -> Res {
        let Next::Content(i) = self.next else {
            return self.emit_empty(anchor, empty_at);
        };
        let col = ctx.col();
        let p = self.pos;
        let dash = self.at(p) == b'-' && is_blankz(self.at(p + 1));
        if i == col && dash && matches!(ctx, Ctx::MapValue { .. }) {
            return self.block_sequence(col, true, anchor);
        }
        if i <= col {
            return self.emit_empty(anchor, empty_at);
        }
        if dash {
            return self.block_sequence(i, false, anchor);
        }
        match self.at(p) {
            b'*' if anchor == 0 => {
                let end = self.alias(p)?;
                self.finish_line(end)
            }
            b'[' => {
                let end = self.flow_sequence(p, anchor)?;
                self.finish_line(end)
            }
            b'{' => {
                let end = self.flow_mapping(p, anchor)?;
                self.finish_line(end)
            }
            _ => {
                let tok = self.scalar(p, false)?;
                if tok.colon.is_some() {
                    return self.block_mapping(i, anchor, Some(tok));
                }
                let end = tok.after;
                self.emit(Event::Scalar(tok.value, tok.style, anchor, None), tok.start, tok.end)?;
                self.finish_line(end)
            }
        }
    }

    /// The name after `&` or `*` at `p`: the characters go-yaml takes in a name (ASCII letters,
    /// digits, `_` and `-`), ended by a byte below `!` or `,]}` (anything else is left to the
    /// full parser, which reports what go-yaml refuses).
    fn anchor_name(&self, p: usize) -> Res<(&'a str, usize)> {
        let start = p + 1;
        let mut i = start;
        loop {
            let c = self.at(i);
            if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' {
                i += 1;
            } else if c > b' ' && !matches!(c, b',' | b']' | b'}') {
                return Err(Bail);
            } else {
                break;
            }
        }
        if i == start {
            return Err(Bail);
        }
        Ok((self.slice(start, i)?, i))
    }

    /// Registers the anchor at `p`; returns its id and the end of its name.
    fn anchor(&mut self, p: usize) -> Res<(usize, usize)> {
        let (name, end) = self.anchor_name(p)?;
        let id = self.next_anchor_id;
        self.next_anchor_id += 1;
        self.anchors.insert(name, id);
        Ok((id, end))
    }

    /// Emits the alias at `p`; returns its end.
    fn alias(&mut self, p: usize) -> Res<usize> {
        let (name, end) = self.anchor_name(p)?;
        let id = *self.anchors.get(name).ok_or(Bail)?;
        self.emit(Event::Alias(id), p, end)?;
        Ok(end)
    }

    /// The end of the key at `p` when it has the common shape `name: ` (ASCII letters, digits and
    /// `_-./`, starting with a letter, digit or `_`, then `:` and a space or a `\n`), which
    /// [`Self::scalar`] would read the same way; `None` to take the general path.
    #[inline]
    fn simple_key(&self, p: usize) -> Option<usize> {
        let rest = self.b.get(p..)?;
        let first = *rest.first()?;
        if !(first.is_ascii_alphanumeric() || first == b'_') {
            return None;
        }
        let n = rest.iter().position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/')))?;
        if rest.get(n) == Some(&b':') && matches!(rest.get(n + 1), Some(b' ' | b'\n')) {
            Some(p + n)
        } else {
            None
        }
    }

    /// A plain or quoted scalar at `p`, and whether a `:` indicator follows it on its line.
    #[inline]
    fn scalar(&self, p: usize, flow: bool) -> Res<Tok<'a>> {
        let c = self.at(p);
        if c == b'"' || c == b'\'' {
            return self.quoted_token(p);
        }
        if !plain_start(c, self.at(p + 1), flow) {
            return Err(Bail);
        }
        let end = self.plain_end(p, flow)?;
        Ok(self.token(p, end, Cow::Borrowed(self.slice(p, end)?), ScalarStyle::Plain))
    }

    #[inline(never)]
    fn quoted_token(&self, p: usize) -> Res<Tok<'a>> {
        let (value, end) = self.quoted(p)?;
        let style = if self.at(p) == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
        Ok(self.token(p, end, value, style))
    }

    #[inline]
    fn token(&self, start: usize, end: usize, value: Cow<'a, str>, style: ScalarStyle) -> Tok<'a> {
        let after = self.skip_spaces(end);
        let colon = (self.at(after) == b':' && is_blankz(self.at(after + 1))).then_some(after);
        Tok { start, end, value, style, colon, after }
    }

    /// First position at or after `i` where a plain scalar in block context may stop: a byte
    /// below `!`, a `:`, DEL, or any non-ASCII byte (a superset of `C_BLOCK`), eight bytes at a
    /// time.
    #[inline]
    fn find_block_stop(&self, mut i: usize) -> usize {
        while let Some(x) = self.word(i) {
            // In each of these three masks the lowest flagged byte is exact (borrows and carries
            // only spread towards higher bytes), so the lowest flag of their union is too.
            let below = x.wrapping_sub(0x21 * ONES) & !x;
            let y = x ^ (u64::from(b':') * ONES);
            let colon = y.wrapping_sub(ONES) & !y;
            let high = (x & LOW7).wrapping_add(ONES) | x;
            let m = (below | colon | high) & HIGH;
            if m != 0 {
                return i + (m.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        self.find(i, C_BLOCK)
    }

    /// End of the plain scalar starting at `p` (its first character is valid).
    #[inline]
    fn plain_end(&self, p: usize, flow: bool) -> Res<usize> {
        let mut i = p;
        let mut end = p;
        loop {
            let stop = if flow { self.find(i, C_FLOW) } else { self.find_block_stop(i) };
            if stop > i {
                i = stop;
                end = i;
            }
            match self.at(i) {
                b' ' => {
                    let after = self.skip_spaces(i + 1);
                    let next = self.at(after);
                    if matches!(next, b'#' | b'\n' | b'\r' | 0) || (flow && is_flow(next)) {
                        return Ok(end);
                    }
                    i = after;
                }
                b':' => {
                    let next = self.at(i + 1);
                    if is_blankz(next) || (flow && is_flow(next)) {
                        return Ok(end);
                    }
                    i += 1;
                    end = i;
                }
                b'\n' => return Ok(end),
                b'\r' if self.at(i + 1) == b'\n' => return Ok(end),
                0 if i >= self.b.len() => return Ok(end),
                c if flow && is_flow(c) => return Ok(end),
                c if class(c) & C_ALL == 0 => {
                    // a content byte the word scan stopped at (non-ASCII)
                    i += 1;
                    end = i;
                }
                _ => {
                    i += self.odd_char(i)?;
                    end = i;
                }
            }
        }
    }

    /// A single-line quoted scalar at `p`: its value and the end of the closing quote.
    fn quoted(&self, p: usize) -> Res<(Cow<'a, str>, usize)> {
        let quote = self.at(p);
        let start = p + 1;
        let mut i = start;
        let mut seg = start;
        let mut owned: Option<String> = None;
        loop {
            i = self.find(i, C_QUOTE);
            match self.at(i) {
                c if c == quote && c == b'"' => break,
                c if c == quote => {
                    if self.at(i + 1) != b'\'' {
                        break;
                    }
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.slice(seg, i + 1)?);
                    i += 2;
                    seg = i;
                }
                b'\\' if quote == b'"' => {
                    let (ch, len) = self.escape(i)?;
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(self.slice(seg, i)?);
                    s.push(ch);
                    i += len;
                    seg = i;
                }
                b'"' | b'\'' | b'\\' => i += 1,
                _ => i += self.odd_char(i)?,
            }
        }
        let value = match owned {
            None => Cow::Borrowed(self.slice(start, i)?),
            Some(mut s) => {
                s.push_str(self.slice(seg, i)?);
                Cow::Owned(s)
            }
        };
        Ok((value, i + 1))
    }

    /// The escape sequence at `i` (a backslash): its character and length.
    fn escape(&self, i: usize) -> Res<(char, usize)> {
        let simple = match self.at(i + 1) {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            // `\/` (YAML 1.2) is left to granit, and then refused by the builder as go-yaml refuses
            // it; go-yaml's `\'` (read as `'`) is left to the full parser's reading, which
            // rewrites it (see `yaml::Rewrites`)
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' => return self.hex_escape(i, 2),
            b'u' => return self.hex_escape(i, 4),
            b'U' => return self.hex_escape(i, 8),
            _ => return Err(Bail),
        };
        Ok((simple, 2))
    }

    fn hex_escape(&self, i: usize, digits: usize) -> Res<(char, usize)> {
        let mut value = 0u32;
        for k in 0..digits {
            let d = char::from(self.at(i + 2 + k)).to_digit(16).ok_or(Bail)?;
            value = (value << 4) | d;
        }
        // Surrogates (pairs included) are left to the full parser.
        let ch = char::from_u32(value).ok_or(Bail)?;
        Ok((ch, 2 + digits))
    }

    /// A single-line flow sequence at `p`; returns the position after its `]`.
    fn flow_sequence(&mut self, p: usize, anchor: usize) -> Res<usize> {
        self.enter()?;
        self.emit(Event::SequenceStart(StructureStyle::Flow, anchor, None), p, p + 1)?;
        let mut i = self.skip_spaces(p + 1);
        if self.at(i) != b']' {
            loop {
                i = self.flow_node(i)?;
                let (next, closed) = self.flow_separator(i, b']')?;
                i = next;
                if closed {
                    break;
                }
            }
        }
        self.emit(Event::SequenceEnd, i, i + 1)?;
        self.depth -= 1;
        Ok(i + 1)
    }

    /// A single-line flow mapping at `p`; returns the position after its `}`.
    fn flow_mapping(&mut self, p: usize, anchor: usize) -> Res<usize> {
        self.enter()?;
        self.emit(Event::MappingStart(StructureStyle::Flow, anchor, None), p, p + 1)?;
        let mut i = self.skip_spaces(p + 1);
        if self.at(i) != b'}' {
            loop {
                let key = self.scalar(i, true)?;
                let Some(colon) = key.colon else { return Err(Bail) };
                if colon - key.start > MAX_KEY_BYTES || self.at(colon + 1) != b' ' {
                    return Err(Bail);
                }
                self.emit(Event::Scalar(key.value, key.style, 0, None), key.start, key.end)?;
                i = self.skip_spaces(colon + 1);
                if matches!(self.at(i), b',' | b'}') {
                    return Err(Bail);
                }
                i = self.flow_node(i)?;
                let (next, closed) = self.flow_separator(i, b'}')?;
                i = next;
                if closed {
                    break;
                }
            }
        }
        self.emit(Event::MappingEnd, i, i + 1)?;
        self.depth -= 1;
        Ok(i + 1)
    }

    /// What follows an item of a flow collection that ends with `close`: the next item's start
    /// and `false`, or the position of `close` and `true` (a trailing comma is allowed).
    fn flow_separator(&self, i: usize, close: u8) -> Res<(usize, bool)> {
        let i = self.skip_spaces(i);
        match self.at(i) {
            b',' => {
                let next = self.skip_spaces(i + 1);
                Ok((next, self.at(next) == close))
            }
            c if c == close => Ok((i, true)),
            _ => Err(Bail),
        }
    }

    /// A node inside a flow collection at `i`; returns its end.
    fn flow_node(&mut self, i: usize) -> Res<usize> {
        match self.at(i) {
            b'[' => self.flow_sequence(i, 0),
            b'{' => self.flow_mapping(i, 0),
            b'*' => self.alias(i),
            _ => {
                let tok = self.scalar(i, true)?;
                let end = tok.end;
                self.emit(Event::Scalar(tok.value, tok.style, 0, None), tok.start, tok.end)?;
                Ok(end)
            }
        }
    }

    /// A literal (`|`) or folded (`>`) block scalar whose indicator is at `p`, in a collection at
    /// column `parent`. Mirrors `granit_parser`'s reading line by line.
    fn block_scalar(&mut self, p: usize, parent: usize, anchor: usize) -> Res {
        let literal = self.at(p) == b'|';
        let mut i = p + 1;
        let chomp = match self.at(i) {
            b'-' => {
                i += 1;
                Chomp::Strip
            }
            b'+' => {
                i += 1;
                Chomp::Keep
            }
            _ => Chomp::Clip,
        };
        // Explicit indentation indicators are left to the full parser.
        let h = self.skip_spaces(i);
        let header_end = match self.at(h) {
            b'#' if h > i => self.line_end(h)?,
            b'\n' | b'\r' => h,
            _ => return Err(Bail),
        };
        let mut pos = self.after_break(header_end)?;
        if pos >= self.b.len() {
            return Err(Bail);
        }

        // Leading empty lines and the indentation of the first content line.
        let mut breaks = 0usize;
        let mut max_indent = 0;
        let col = loop {
            let ls = pos;
            pos = self.skip_spaces(pos);
            max_indent = max_indent.max(pos - ls);
            match self.at(pos) {
                b'\n' | b'\r' => {
                    pos = self.after_break(pos)?;
                    breaks += 1;
                }
                _ => break pos - ls,
            }
        };
        let indent = max_indent.max(parent + 1);
        if pos >= self.b.len() || col != indent {
            // No content line, or an invalid indentation: the full parser decides.
            return Err(Bail);
        }

        let start = pos;
        let mut out = String::new();
        let mut leading_break = false;
        let mut leading_blank = false;
        let mut col = col;
        while col == indent && pos < self.b.len() {
            let trailing_blank = self.at(pos) == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                push_breaks(&mut out, breaks);
                if breaks == 0 {
                    out.push(' ');
                }
            } else {
                if leading_break {
                    out.push('\n');
                }
                push_breaks(&mut out, breaks);
            }
            leading_break = false;
            breaks = 0;
            leading_blank = trailing_blank;
            let end = self.line_end(pos)?;
            out.push_str(self.slice(pos, end)?);
            pos = end;
            if pos >= self.b.len() {
                break;
            }
            pos = self.after_break(pos)?;
            leading_break = true;
            // Indentation and empty lines.
            loop {
                let ls = pos;
                while pos - ls < indent && self.at(pos) == b' ' {
                    pos += 1;
                }
                col = pos - ls;
                match self.at(pos) {
                    b'\n' | b'\r' => {
                        pos = self.after_break(pos)?;
                        breaks += 1;
                    }
                    _ => break,
                }
            }
        }
        if chomp != Chomp::Strip {
            // A last content line ended by the end of the text still gets its line break.
            if !leading_break && pos >= self.b.len() {
                out.push('\n');
            }
            if leading_break {
                out.push('\n');
            }
        }
        if chomp == Chomp::Keep {
            push_breaks(&mut out, breaks);
        }
        let style = if literal { ScalarStyle::Literal } else { ScalarStyle::Folded };
        self.emit(Event::Scalar(Cow::Owned(out), style, anchor, None), start, pos)?;
        // `pos` is at the first character of the line that ended the scalar (after at most
        // `indent` spaces), or at the end of the text.
        let ls = pos - col;
        if pos >= self.b.len() {
            self.scan_lines(pos)
        } else {
            self.scan_lines(ls)
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

fn push_breaks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('\n');
    }
}

#[inline]
fn is_blankz(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | 0)
}

#[inline]
fn is_flow(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Whether `c` (followed by `next`) starts a plain scalar (the cases the fast path handles).
#[inline(always)]
#[allow(clippy::inline_always)] // measured: not inlined otherwise
fn plain_start(c: u8, next: u8, flow: bool) -> bool {
    match c {
        b'-' => !(is_blankz(next) || (flow && is_flow(next))),
        b'?' | b':' => !flow && !is_blankz(next),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
        | b'`' | b' ' | b'\n' | b'\r' | b'\t' | 0 => false,
        _ => true,
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// Byte classes: where a run of content stops in a plain scalar in block context (`C_BLOCK`), in
/// flow context (`C_FLOW`), in a quoted scalar (`C_QUOTE`), in a comment or block scalar line
/// (`C_LINE`). The bytes that need a closer look (`ODD`: controls, tab, DEL, the lead bytes of
/// C1 controls and of U+FEFF/U+FFFE/U+FFFF) stop them all.
const C_BLOCK: u8 = 1;
const C_FLOW: u8 = 2;
const C_QUOTE: u8 = 4;
const C_LINE: u8 = 8;
const C_ALL: u8 = C_BLOCK | C_FLOW | C_QUOTE | C_LINE;

static CLASS: [u8; 256] = class_table();

#[inline]
#[allow(clippy::indexing_slicing)] // a byte always indexes a 256-entry table
fn class(c: u8) -> u8 {
    CLASS[usize::from(c)]
}

#[allow(clippy::indexing_slicing)] // indexes below 256
const fn class_table() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = C_ALL;
        c += 1;
    }
    t[0x7f] = C_ALL;
    t[0xc2] = C_ALL;
    t[0xef] = C_ALL;
    t[b' ' as usize] = C_BLOCK | C_FLOW;
    t[b':' as usize] = C_BLOCK | C_FLOW;
    t[b',' as usize] = C_FLOW;
    t[b'[' as usize] = C_FLOW;
    t[b']' as usize] = C_FLOW;
    t[b'{' as usize] = C_FLOW;
    t[b'}' as usize] = C_FLOW;
    // (go-yaml ends a plain scalar at a `?` in flow context: left to the full parser)
    t[b'?' as usize] = C_FLOW;
    t[b'"' as usize] = C_QUOTE;
    t[b'\'' as usize] = C_QUOTE;
    t[b'\\' as usize] = C_QUOTE;
    t
}

#[cfg(test)]
mod tests {
    //! Event-level comparison with `granit_parser`: the events and spans must be the same, not
    //! only the tree built from them (`tests/yaml_fast_differential.rs` compares the trees).

    use super::*;

    /// Asserts the fast events equal granit's when the fast path accepts `text`; returns whether
    /// it accepted.
    fn same(text: &str) -> bool {
        match compare_with_granit(text) {
            Ok(taken) => taken,
            Err(diff) => panic!("events differ for {text:?}:\n{diff}"),
        }
    }

    #[test]
    fn accepted_snippets_match_granit() {
        let accepted = [
            "a: 1\nb:\n  - x\n  - y: 2\n    z: &q 3\nc: *q\nd: []\ne: {}\nf:\ng: \"q\"  # c\n",
            "f:   \ng: # c\nh:",
            "x: &a\n  k: v\ny: &b\n- 1\nz: &c [1]\nw: &d\n  # c\n  k: v\n",
            "- - a\n  - b\n- c\n-\n- d",
            "k:\n- a\n- b: 1\n  c: 2\n",
            "k:\n- # c\n- a",
            "---\na: 1\n",
            "a: 1\n...\n",
            "a: 1\n---\nb: 2\n",
            "--- # c\na: 1\n--- \n- x\n...\n",
            "---\n",
            "a: 1\n---\n",
            "",
            "# only a comment\n",
            "a: 'it''s'\nb: \"a\\\"b\\n\\t\\u00e9\\x41\"\n",
            "a: b:c\nurl: http://x.y/z?q=1#frag\nh: a#b\n",
            "a: 1\r\nb:\r\n  - x\r\n  -\r\n",
            "a: 1   \nb: x  \n",
            "k: héllo wörld ✓\n\"ключ\": значение\n",
            "<<: *x\n",
            "x: &x {a: 1}\ny:\n  <<: [*x]\n  b: 2\n",
            "c: [\"CMD\", \"curl\", -f, 'x']\nd: [a, b, ]\ne: {a: 1, b: [x, y], c: {d: e}, }\n",
            "k: |\n  line 1\n  line 2\nj: >-\n  folded\n  text\n\n  para\nl: |+\n  keep\n\n",
            "k: |\n  a\n   b\n\n  c\n",
            "k: >\n  a\n   b\n  c\n\n\n  d\n",
            "- |\n  x\n- >\n  y",
            "a:\n  b:\n    c: 1\n  d: 2\ne: 3\n",
            "a:\n  \"x\"\nb:\n  [1, 2]\nc:\n  plain\n",
            "- &a\n  k: v\n- *a\n- &b x\n- &c\n",
            "a: &a\nb: *a\n",
            "? a\n",
            "a: |\n  x\n...\n",
            "a: |\n  x\n---\nb: |+\n  y\n\n",
            "a: >\n  x\n  # c\n# d\nb: 1\n",
            "a: |-\n  x\n\n\n",
            "a: |\n  x\n\n  \n   \n",
            "a: 1 # c\r\nb: 'x' # d\r\n",
            "a  :\nb   : &x\nc: *x\n",
            "- - - a: b\n      c: d\n    - e\n  - f\n- g\n",
            "a: &x\n",
            "k:\n- &a\n- *a\n",
            "k:\n-\n  a: 1\n",
            "- \"a\": 1\n  'b': 2\n",
            "a: [\"x\", 'y', z, *q]\n",
            "q: &q 1\na: [\"x\", 'y', z, *q]\nb: {k: *q, 'l': \"m\"}\n",
        ];
        let mut count = 0;
        for text in accepted {
            if same(text) {
                count += 1;
            } else {
                eprintln!("bailed: {text:?}");
            }
        }
        assert!(count >= accepted.len() - 4, "only {count} of {} accepted", accepted.len());
    }
}
