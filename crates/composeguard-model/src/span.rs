//! Byte ranges into source files, and the line index that turns them into lines and columns.

use serde::Serialize;

/// Identifies one source file of a project (an index into [`SourceMap`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range `start..end` in one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(file: FileId, start: u32, end: u32) -> Self {
        Self { file, start, end }
    }

    /// An empty span at `offset`.
    pub const fn point(file: FileId, offset: u32) -> Self {
        Self { file, start: offset, end: offset }
    }

    pub const fn len(&self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// A sub-range of this span, `offset` bytes in and `len` bytes long, clamped to the span.
    #[must_use]
    pub fn sub(&self, offset: usize, len: usize) -> Self {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        let len = u32::try_from(len).unwrap_or(u32::MAX);
        let start = self.start.saturating_add(offset).min(self.end);
        let end = start.saturating_add(len).min(self.end);
        Self { file: self.file, start, end }
    }
}

/// A value with the location it was read from.
///
/// `span` is where a finding about the value is reported. When the value reached its place through
/// a YAML alias or a `<<` merge, `span` is the alias and `anchor` is the definition it copies.
#[derive(Clone, Debug, Default)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
    pub anchor: Option<Span>,
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Spanned<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl std::borrow::Borrow<str> for Spanned<String> {
    fn borrow(&self) -> &str {
        &self.value
    }
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Self { value, span, anchor: None }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Spanned<U> {
        Spanned { value: f(self.value), span: self.span, anchor: self.anchor }
    }

    pub const fn as_ref(&self) -> Spanned<&T> {
        Spanned { value: &self.value, span: self.span, anchor: self.anchor }
    }

    /// Which written entry this is: its place and, for a copy an alias made, its anchor's (every
    /// copy of an aliased list sits at the alias; the items of a short-syntax range share both).
    pub const fn entry(&self) -> (Span, Option<Span>) {
        (self.span, self.anchor)
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
}

/// A 1-based line and column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LineColumn {
    pub line: u32,
    pub column: u32,
}

/// How columns are counted: UTF-8 bytes (terminals), code points (Python) or UTF-16 units (JS).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PositionEncoding {
    #[default]
    Utf8,
    CodePoints,
    Utf16,
}

/// Line starts of one text, for offset → line/column conversion.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    /// Code points and UTF-16 units before every [`STRIDE`]th byte, built the first time a column
    /// on a long line is counted in either: counting from the line's start for each finding took
    /// time in the square of the findings on one long line (a minified file).
    counts: std::sync::OnceLock<Vec<(u32, u32)>>,
}

/// Bytes between two entries of [`LineIndex::counts`].
const STRIDE: usize = 1024;

/// Code points and UTF-16 units in `bytes`, which may start or end inside a character: a code
/// point is a byte that does not continue a character, and one of four bytes takes two units.
fn count_units(bytes: &[u8]) -> (u32, u32) {
    let points = bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count();
    let wide = bytes.iter().filter(|&&b| b >= 0xF0).count();
    (u32::try_from(points).unwrap_or(u32::MAX), u32::try_from(points + wide).unwrap_or(u32::MAX))
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        // `memchr` looks at 16 or 32 bytes an instruction where the CPU allows it; a byte loop took
        // 7.5 instructions a byte, and `str::match_indices` 8 (it starts a search for each line,
        // and compose lines are short)
        let bytes = text.as_bytes();
        if memchr::memchr(b'\r', bytes).is_none() {
            line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)));
        } else {
            // a lone `\r` ends a line too, as YAML and editors read it (`\r\n` is one break)
            line_starts.extend(
                memchr::memchr2_iter(b'\n', b'\r', bytes)
                    .filter(|&i| !(bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) == Some(&b'\n')))
                    .map(|i| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            );
        }
        Self { line_starts, counts: std::sync::OnceLock::new() }
    }

    /// Code points and UTF-16 units before byte `at` of `text`.
    fn units_before(&self, text: &str, at: usize) -> (u32, u32) {
        let bytes = text.as_bytes();
        let table = self.counts.get_or_init(|| {
            let mut table = Vec::with_capacity(bytes.len() / STRIDE + 1);
            let mut total = (0u32, 0u32);
            for chunk in bytes.chunks(STRIDE) {
                table.push(total);
                let (p, u) = count_units(chunk);
                total = (total.0.saturating_add(p), total.1.saturating_add(u));
            }
            table
        });
        let base = table.get(at / STRIDE).copied().unwrap_or_default();
        let (p, u) = count_units(bytes.get(at / STRIDE * STRIDE..at).unwrap_or_default());
        (base.0.saturating_add(p), base.1.saturating_add(u))
    }

    /// The 0-based line holding `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// Byte offset where the 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> u32 {
        self.line_starts.get(line).copied().unwrap_or(0)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of `offset` in `text`, columns counted in `encoding`.
    pub fn line_column(&self, text: &str, offset: u32, encoding: PositionEncoding) -> LineColumn {
        let offset = offset.min(u32::try_from(text.len()).unwrap_or(u32::MAX));
        let line = self.line_of(offset);
        let start = self.line_start(line) as usize;
        let end = floor_char_boundary(text, start, offset as usize);
        let column = self.units(text, start, end, encoding);
        LineColumn {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        }
    }

    /// [`Self::line_column`] of `start` and of `end`. When both are on one line and close
    /// together (as the ends of most findings' spans are), the index is searched once and the
    /// end's column counted on from the start's (two searches and two counts from the line's start took a third of
    /// locating the findings of a run).
    pub fn range_line_columns(&self, text: &str, start: u32, end: u32, encoding: PositionEncoding) -> (LineColumn, LineColumn) {
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let (start, end) = (start.min(len), end.min(len));
        let line = self.line_of(start);
        let line_start = self.line_start(line) as usize;
        let next_line = self.line_starts.get(line + 1).copied().unwrap_or(u32::MAX);
        let from = floor_char_boundary(text, line_start, start as usize);
        let column = self.units(text, line_start, from, encoding);
        let at = |column: usize| LineColumn {
            line: u32::try_from(line + 1).unwrap_or(u32::MAX),
            column: u32::try_from(column + 1).unwrap_or(u32::MAX),
        };
        if start <= end && end < next_line && ((end - start) as usize) <= 2 * STRIDE {
            // (counts add up over a character boundary, in every encoding)
            let to = floor_char_boundary(text, from, end as usize);
            let more = self.units(text, from, to, encoding);
            (at(column), at(column + more))
        } else {
            (at(column), self.line_column(text, end, encoding))
        }
    }

    /// Columns from `start` to `end` of `text` (both character boundaries on one line), counted
    /// in `encoding`.
    fn units(&self, text: &str, start: usize, end: usize, encoding: PositionEncoding) -> usize {
        let prefix = text.get(start..end).unwrap_or("");
        match encoding {
            PositionEncoding::Utf8 => prefix.len(),
            // a long line: counted from the table, not from the line's start
            _ if prefix.len() > 2 * STRIDE => {
                let (a, b) = (self.units_before(text, start), self.units_before(text, end));
                match encoding {
                    PositionEncoding::CodePoints => b.0.saturating_sub(a.0) as usize,
                    _ => b.1.saturating_sub(a.1) as usize,
                }
            }
            // (most prefixes are ASCII, a character a byte)
            _ if prefix.is_ascii() => prefix.len(),
            PositionEncoding::CodePoints => prefix.chars().count(),
            PositionEncoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        }
    }
}

/// `at`, moved back to the start of the character it is in (not before `floor`).
fn floor_char_boundary(text: &str, floor: usize, at: usize) -> usize {
    let mut at = at;
    while at > floor && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// One loaded source file.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as the user gave it (or a display name for text handed in directly).
    pub path: String,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let text = text.into();
        let lines = LineIndex::new(&text);
        Self { path: path.into(), text, lines }
    }

    pub fn line_column(&self, offset: u32, encoding: PositionEncoding) -> LineColumn {
        self.lines.line_column(&self.text, offset, encoding)
    }

    /// [`Self::line_column`] of both ends of a span of this file.
    pub fn span_line_columns(&self, span: Span, encoding: PositionEncoding) -> (LineColumn, LineColumn) {
        self.lines.range_line_columns(&self.text, span.start, span.end, encoding)
    }

    /// The source text of a span (empty when out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start as usize..span.end as usize).unwrap_or("")
    }
}

/// Every file a project was read from, indexed by [`FileId`].
///
/// Files are shared (`Arc`): a report keeps its project's sources without copying their text.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.add_shared(std::sync::Arc::new(file))
    }

    /// Adds a file another map holds too (no copy of its text).
    pub fn add_shared(&mut self, file: std::sync::Arc<SourceFile>) -> FileId {
        self.files.push(file);
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|f| &**f)
    }

    /// The shared handle of a file (to add it to another map).
    pub fn get_shared(&self, id: FileId) -> Option<&std::sync::Arc<SourceFile>> {
        self.files.get(id.0 as usize)
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), &**f))
    }

    pub fn find(&self, path: &str) -> Option<FileId> {
        self.iter().find(|(_, f)| f.path == path).map(|(id, _)| id)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_on_a_long_line_match_a_count_from_its_start() {
        let mut text = String::from("a: 1\nb: ");
        for i in 0..3000 {
            text.push_str(["x", "é", "😀", "中"][i % 4]);
        }
        text.push('\n');
        let idx = LineIndex::new(&text);
        let start = text.find("b:").unwrap();
        for (at, _) in text.char_indices().filter(|(i, _)| *i >= start).step_by(97) {
            let prefix = &text[start..at];
            let offset = u32::try_from(at).unwrap();
            let cp = idx.line_column(&text, offset, PositionEncoding::CodePoints).column as usize;
            let u16 = idx.line_column(&text, offset, PositionEncoding::Utf16).column as usize;
            assert_eq!(cp, prefix.chars().count() + 1, "at {at}");
            assert_eq!(u16, prefix.encode_utf16().count() + 1, "at {at}");
        }
    }

    /// Both ends at once are the two ends one at a time: on one line or not, inside characters,
    /// past the end, reversed, and on a line long enough for the table.
    #[test]
    fn a_range_is_located_as_its_two_ends() {
        let mut text = String::from("a: é😀x\r\nb: \"中\"\rc\n\n");
        for piece in ["x", "é", "😀", "中"].iter().cycle().take(2500) {
            text.push_str(piece);
        }
        text.push_str("\nd: 1");
        let idx = LineIndex::new(&text);
        let len = u32::try_from(text.len()).unwrap_or(u32::MAX);
        let offsets: Vec<u32> = (0..=len + 2).step_by(41).chain([0, 1, 2, 5, 6, len - 1, len, len + 1]).collect();
        for encoding in [PositionEncoding::Utf8, PositionEncoding::CodePoints, PositionEncoding::Utf16] {
            for &start in &offsets {
                for &end in offsets.iter().filter(|&&e| e.abs_diff(start) < 3000) {
                    let one_by_one = (idx.line_column(&text, start, encoding), idx.line_column(&text, end, encoding));
                    assert_eq!(idx.range_line_columns(&text, start, end, encoding), one_by_one, "{start}..{end} {encoding:?}");
                }
            }
        }
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a: 1\rb: 2\r\nc: 3\nd: 4";
        let idx = LineIndex::new(text);
        let at = |s: &str| idx.line_column(text, u32::try_from(text.find(s).unwrap()).unwrap(), PositionEncoding::Utf8);
        assert_eq!(at("b"), LineColumn { line: 2, column: 1 });
        assert_eq!(at("c"), LineColumn { line: 3, column: 1 });
        assert_eq!(at("d"), LineColumn { line: 4, column: 1 });
    }

    #[test]
    fn columns_in_each_encoding() {
        let text = "a: 1\nb: \"é😀x\"\n";
        let idx = LineIndex::new(text);
        let x = u32::try_from(text.find('x').unwrap()).unwrap();
        assert_eq!(idx.line_column(text, x, PositionEncoding::Utf8), LineColumn { line: 2, column: 11 });
        assert_eq!(idx.line_column(text, x, PositionEncoding::CodePoints), LineColumn { line: 2, column: 7 });
        assert_eq!(idx.line_column(text, x, PositionEncoding::Utf16), LineColumn { line: 2, column: 8 });
        assert_eq!(idx.line_column(text, 0, PositionEncoding::Utf8), LineColumn { line: 1, column: 1 });
    }
}
