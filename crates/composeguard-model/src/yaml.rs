//! YAML text → a located node tree.
//!
//! Built straight from the parser's events, so every node keeps its byte range. Aliases are
//! expanded (within a budget), `<<` merge keys are applied with YAML's precedence, duplicate keys
//! are reported, and plain scalars resolve the way docker compose's YAML decoder resolves them
//! (YAML 1.2 core schema: `yes`/`on` stay strings, `0755` is octal, `1_000` is an integer).

use std::borrow::Cow;

use crate::HashMap;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, StructureStyle};

use crate::issue::{Issue, IssueKind, Related};
use crate::span::{FileId, Span};

/// Bounds that keep hostile input from exhausting time or memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes.
    pub max_file_bytes: usize,
    /// Deepest accepted nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes that alias expansion may create in one file (billion-laughs guard).
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 64 * 1024 * 1024, max_depth: 200, max_alias_nodes: 1_000_000 }
    }
}

/// How a node was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
    Block,
    Flow,
}

impl Style {
    /// A quoted or block scalar: never resolved to a number, boolean or null.
    pub fn is_quoted(self) -> bool {
        matches!(self, Self::SingleQuoted | Self::DoubleQuoted | Self::Literal | Self::Folded)
    }
}

/// The compose-specific tags `!reset` and `!override`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeTag {
    Reset,
    Override,
}

/// A scalar or collection value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX`.
    UInt(u64),
    Float(f64),
    /// A plain scalar that YAML reads as a timestamp (`2001-12-14`); compose rejects these in typed
    /// fields, so they are kept apart from strings.
    Timestamp(String),
    String(String),
    Seq(Vec<Node>),
    Map(Mapping),
}

impl Value {
    /// What the value is, for messages (`found a string`).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Int(_) | Self::UInt(_) => "an integer",
            Self::Float(_) => "a number",
            Self::Timestamp(_) => "a timestamp",
            Self::String(_) => "a string",
            Self::Seq(_) => "a sequence",
            Self::Map(_) => "a mapping",
        }
    }
}

/// A mapping: entries in source order, keys unique.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mapping {
    pub entries: Vec<(Key, Node)>,
}

/// A mapping key (always a string once loaded, as compose requires).
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub span: Span,
    pub anchor: Option<Span>,
}

impl Mapping {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    pub fn get_entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries.iter().find(|(k, _)| k.name == key).map(|(k, v)| (k, v))
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries.iter_mut().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k.name == key)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Key, &Node)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets `key`, replacing an existing entry in place or appending.
    pub fn insert(&mut self, key: Key, value: Node) {
        if let Some(slot) = self.entries.iter_mut().find(|(k, _)| k.name == key.name) {
            *slot = (key, value);
        } else {
            self.entries.push((key, value));
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<(Key, Node)> {
        let pos = self.entries.iter().position(|(k, _)| k.name == key)?;
        Some(self.entries.remove(pos))
    }
}

/// One node of the located tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    /// Where findings about this node are reported (the alias, if it came through one).
    pub span: Span,
    /// The anchored definition this node was copied from, when it came through an alias or merge.
    pub anchor: Option<Span>,
    pub style: Style,
    pub tag: Option<MergeTag>,
}

impl Node {
    pub fn new(value: Value, span: Span) -> Self {
        Self { value, span, anchor: None, style: Style::Plain, tag: None }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Mapping> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Mapping> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// The JSON-ish type name compose uses in its messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) | Value::UInt(_) => "integer",
            Value::Float(_) => "number",
            Value::Timestamp(_) => "timestamp",
            Value::String(_) => "string",
            Value::Seq(_) => "sequence",
            Value::Map(_) => "mapping",
        }
    }

    /// The scalar as text, as compose turns a scalar into a string (numbers in Go's format).
    pub fn scalar_to_string(&self) -> Option<String> {
        Some(match &self.value {
            Value::Null => String::new(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::Float(f) => format_go_float(*f),
            Value::Timestamp(s) | Value::String(s) => s.clone(),
            Value::Seq(_) | Value::Map(_) => return None,
        })
    }

    /// Marks this node and everything under it as reached through the alias at `via`.
    fn relocate(&mut self, via: Span) {
        if self.anchor.is_none() {
            self.anchor = Some(self.span);
        }
        self.span = via;
        match &mut self.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| n.relocate(via)),
            Value::Map(m) => {
                for (k, v) in &mut m.entries {
                    if k.anchor.is_none() {
                        k.anchor = Some(k.span);
                    }
                    k.span = via;
                    v.relocate(via);
                }
            }
            _ => {}
        }
    }

    fn count(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::count).sum(),
            Value::Map(m) => m.entries.iter().map(|(_, v)| 1 + v.count()).sum(),
            _ => 0,
        }
    }
}

/// Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` does.
pub fn format_go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf".into() } else { "-Inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    // Shortest round-trip digits, from Rust's scientific formatting: "d.ddde±x".
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // Go uses precision 6 for the exponent decision when formatting the shortest digits.
    let eprec = 6;
    let sign = if negative { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() { String::new() } else { format!(".{rest}") };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    let dp = exp + 1; // digits before the decimal point
    if dp <= 0 {
        let zeros = "0".repeat(usize::try_from(-dp).unwrap_or(0));
        return format!("{sign}0.{zeros}{digits}");
    }
    let dpu = usize::try_from(dp).unwrap_or(0);
    if dpu >= digits.len() {
        let zeros = "0".repeat(dpu - digits.len());
        return format!("{sign}{digits}{zeros}");
    }
    let (int, frac) = digits.split_at(dpu);
    format!("{sign}{int}.{frac}")
}

/// The result of reading one YAML file.
#[derive(Debug, Default)]
pub struct Document {
    /// One root per YAML document in the stream (compose merges them in order).
    pub roots: Vec<Node>,
    pub issues: Vec<Issue>,
    /// Whether any node has a `!reset` or `!override` tag (most files have none, and then
    /// nothing needs to look for them).
    pub merge_tags: bool,
}

/// Parses `text` into located nodes, reporting problems as issues (never panics).
///
/// The common subset of YAML that compose files use is read by a fast event source
/// (`fast_yaml`); when it meets anything else, or the tree builder stops, the text is parsed again
/// from scratch with `granit_parser`. Both feed the same builder the same events, so the result
/// does not depend on which one read the file.
pub fn parse(text: &str, file: FileId, limits: &Limits) -> Document {
    if let Some(doc) = rejected_input(text, file, limits) {
        return doc;
    }
    let fast = if has_unicode_breaks(text) { None } else { fast_document(text, file, limits) };
    let mut doc = fast.unwrap_or_else(|| granit_document(text, file, limits));
    refuse_what_go_yaml_refuses(&mut doc, text, file);
    doc
}

/// What go-yaml refuses in a stream that both readers accept.
fn refuse_what_go_yaml_refuses(doc: &mut Document, text: &str, file: FileId) {
    refuse_unknown_directives(doc, text, file);
    refuse_bom_before_document(doc, text, file);
    refuse_leading_document_end(doc, text, file);
}

/// [`parse`] without the fast event source (for tests comparing the two).
#[doc(hidden)]
pub fn parse_with_granit(text: &str, file: FileId, limits: &Limits) -> Document {
    rejected_input(text, file, limits).unwrap_or_else(|| {
        let mut doc = granit_document(text, file, limits);
        refuse_what_go_yaml_refuses(&mut doc, text, file);
        doc
    })
}

#[doc(hidden)]
pub use crate::fast_yaml::compare_with_granit as compare_fast_events_with_granit;

/// The fast event source alone: `None` when it gives up on the text (for tests). What it reads
/// gets the same checks as [`parse`] gives it.
#[doc(hidden)]
pub fn parse_fast_only(text: &str, file: FileId, limits: &Limits) -> Option<Document> {
    if rejected_input(text, file, limits).is_some() || has_unicode_breaks(text) {
        return None;
    }
    let mut doc = fast_document(text, file, limits)?;
    refuse_what_go_yaml_refuses(&mut doc, text, file);
    Some(doc)
}

/// go-yaml knows two directives, `%YAML` and `%TAG`, and refuses any other (`%FOO bar` before
/// `---`: "found unknown directive name"), where YAML itself says to ignore it. A line that starts
/// with `%` is a directive unless it continues a quoted scalar.
fn refuse_unknown_directives(doc: &mut Document, text: &str, file: FileId) {
    if !(text.starts_with('%') || text.contains("\n%") || text.contains("\r%")) || doc.issues.iter().any(|i| i.kind == IssueKind::YamlSyntax) {
        return;
    }
    let b = text.as_bytes();
    let line_starts = memchr::memchr_iter(b'%', b).filter(|&i| i == 0 || matches!(b.get(i - 1), Some(b'\n' | b'\r')));
    for at in line_starts {
        let line = text.get(at..).unwrap_or_default();
        let line = line.get(..line.find(['\n', '\r']).unwrap_or(line.len())).unwrap_or_default();
        let name_len = line.bytes().skip(1).take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-')).count();
        let name = line.get(1..=name_len).unwrap_or_default();
        let known = matches!(name, "YAML" | "TAG") && matches!(line.as_bytes().get(1 + name_len), None | Some(b' ' | b'\t'));
        let pos = u32::try_from(at).unwrap_or(u32::MAX);
        if known || name.is_empty() || doc.roots.iter().any(|r| in_scalar(r, pos)) {
            continue;
        }
        let end = u32::try_from(at + line.len()).unwrap_or(u32::MAX);
        doc.issues.push(
            Issue::error(
                IssueKind::YamlSyntax,
                Span::new(file, pos, end),
                format!("invalid YAML: unknown directive `{}` (compose's YAML reader knows only `%YAML` and `%TAG`)", line.trim_end()),
            )
            .with_help("remove the line, or start it with `#` to make it a comment"),
        );
        return;
    }
}

/// go-yaml reads a byte order mark past the start of the file as text, also where the parser
/// takes it as the start of a document (a line of its own before `---`, after `...`): there,
/// compose finds a value where it wants a document.
fn refuse_bom_before_document(doc: &mut Document, text: &str, file: FileId) {
    if doc.issues.iter().any(|i| i.kind == IssueKind::YamlSyntax) {
        return;
    }
    let b = text.as_bytes();
    let boms = memchr::memmem::find_iter(b, "\u{feff}".as_bytes()).filter(|&i| i > 0 && matches!(b.get(i - 1), Some(b'\n' | b'\r')));
    for at in boms {
        let pos = u32::try_from(at).unwrap_or(u32::MAX);
        if doc.roots.iter().any(|r| in_scalar(r, pos)) {
            continue;
        }
        doc.issues.push(
            Issue::error(
                IssueKind::YamlSyntax,
                Span::new(file, pos, pos.saturating_add(3)),
                "invalid YAML: a byte order mark (U+FEFF) starts this line: compose's YAML reader reads it as text, not as the start of a document".into(),
            )
            .with_help("remove the byte order mark (an editor shows it as nothing, or as `<feff>`)"),
        );
        return;
    }
}

/// go-yaml skips a `...` line after a document, but not before the first: there it starts a
/// document and finds no node in it ("did not find expected node content"), where YAML itself
/// lets a stream begin with document end markers.
fn refuse_leading_document_end(doc: &mut Document, text: &str, file: FileId) {
    if doc.issues.iter().any(|i| i.kind == IssueKind::YamlSyntax) {
        return;
    }
    let mut at = usize::from(text.starts_with('\u{feff}')) * 3;
    // the first line that is neither blank nor a comment
    while let Some(rest) = text.get(at..) {
        let line = rest.get(..rest.find('\n').map_or(rest.len(), |n| n + 1)).unwrap_or_default();
        let content = line.trim_start_matches([' ', '\t']);
        if line.is_empty() || !(content.starts_with('#') || content.trim_end_matches(['\n', '\r']).is_empty()) {
            break;
        }
        at += line.len();
    }
    let rest = text.get(at..).unwrap_or_default();
    if !(rest.starts_with("...") && matches!(rest.as_bytes().get(3), None | Some(b' ' | b'\t' | b'\n' | b'\r'))) {
        return;
    }
    let pos = u32::try_from(at).unwrap_or(u32::MAX);
    doc.issues.push(
        Issue::error(
            IssueKind::YamlSyntax,
            Span::new(file, pos, pos.saturating_add(3)),
            "invalid YAML: `...` ends a document before any has started (compose's YAML reader finds no node content)".into(),
        )
        .with_help("remove the `...` line (a `...` belongs after a document, to end it)"),
    );
}

/// Whether `at` is inside a scalar (or a key) of `node`, past its first byte.
fn in_scalar(node: &Node, at: u32) -> bool {
    let inside = |span: Span| span.start < at && at < span.end;
    match &node.value {
        Value::Seq(items) => items.iter().any(|n| in_scalar(n, at)),
        Value::Map(m) => m.entries.iter().any(|(k, v)| inside(k.span) || in_scalar(v, at)),
        _ => inside(node.span),
    }
}

/// The file-level checks done before parsing: the size limit and NUL bytes.
fn rejected_input(text: &str, file: FileId, limits: &Limits) -> Option<Document> {
    let mut doc = Document::default();
    if text.len() > limits.max_file_bytes {
        doc.issues.push(Issue::error(
            IssueKind::InputLimit,
            Span::point(file, 0),
            // (standard input is read to one byte past the limit: its size is not known)
            if text.len() == limits.max_file_bytes.saturating_add(1) {
                format!("file is larger than the limit of {} bytes", limits.max_file_bytes)
            } else {
                format!("file is {} bytes, above the limit of {} bytes", text.len(), limits.max_file_bytes)
            },
        ));
        return Some(doc);
    }
    if let Some(pos) = memchr::memchr(0, text.as_bytes()) {
        let at = u32::try_from(pos).unwrap_or(u32::MAX);
        doc.issues.push(Issue::error(
            IssueKind::YamlSyntax,
            Span::new(file, at, at.saturating_add(1)),
            "invalid YAML: NUL byte in the file".to_string(),
        ));
        return Some(doc);
    }
    None
}

/// The tree from the fast event source, or `None` when it gave up or the builder stopped (an
/// error the full parser will report with its own wording and location).
fn fast_document(text: &str, file: FileId, limits: &Limits) -> Option<Document> {
    let mut builder = Builder::new(text, file, limits);
    crate::fast_yaml::parse(text, file, limits.max_depth, |event, span| builder.event(event, span).is_ok()).ok()?;
    Some(builder.into_document())
}

/// The tree from `granit_parser`'s events, read as go-yaml reads what the parser reads otherwise:
/// a tab that starts a line inside `[…]`/`{…}`, a comment with no space before it, the escape
/// `\'`, an alias used as a key with no space before its `:` (`*a: x`), and, in a flow
/// collection, a plain scalar that starts with `-` or has a `:` before `,`, `]`, `}`, `[` or `{`.
/// Each is changed in the text (byte for byte, so every offset stays where it was) and the text
/// read again; [`Rewrites`] turns the events back into what the original text says.
fn granit_document(text: &str, file: FileId, limits: &Limits) -> Document {
    // (each reading fixes at least one place; a small file may take more of them)
    let max_rereads = (READ_AGAIN_BYTES / text.len().max(1)).clamp(16, 256);
    let mut rewrites = Rewrites::default();
    let mut changed: Option<String> = rewrites.unicode_breaks(text);
    let (mut doc, mut pending) = granit_with_flow_tabs(changed.as_deref().unwrap_or(text), text, file, limits, &rewrites);
    for _ in 0..max_rereads {
        let current = changed.as_deref().unwrap_or(text);
        let mut next = current.to_string();
        if pending.is_empty() {
            let Some(issue) = doc.issues.iter().find(|i| matches!(i.kind, IssueKind::YamlSyntax)) else { break };
            let at = issue.span.start as usize;
            if !rewrites.rewrite(&issue.message, at, text, &mut next) {
                break;
            }
        } else {
            // a `:` go-yaml reads as part of a plain scalar (`[a:]` is the string `a:`), a `?`
            // it reads as a key indicator (`{?a: b}` is `{a: b}`)
            for &(at, byte) in &pending {
                if next.is_char_boundary(at) && next.is_char_boundary(at + 1) {
                    next.replace_range(at..=at, if byte == b'x' { "x" } else { " " });
                }
            }
            rewrites.plain.extend(pending.iter().filter(|(_, byte)| *byte == b'x').map(|&(at, _)| at));
            rewrites.plain.sort_unstable();
        }
        (doc, pending) = granit_with_flow_tabs(&next, text, file, limits, &rewrites);
        changed = Some(next);
    }
    // a syntax error on a line a separator or a NEL starts: say what ended the line
    if changed.is_some() && has_unicode_breaks(text) {
        if let Some(issue) = doc.issues.iter_mut().find(|i| i.kind == IssueKind::YamlSyntax) {
            let before = text.get(..issue.span.start as usize).unwrap_or_default().trim_end_matches([' ', '\t']);
            let name = match before.chars().next_back() {
                Some('\u{2028}') => Some("a line separator (U+2028)"),
                Some('\u{2029}') => Some("a paragraph separator (U+2029)"),
                Some('\u{85}') => Some("a NEL (U+0085)"),
                _ => None,
            };
            if let Some(name) = name {
                issue.help = Some(format!("{name} before this ends a line for compose's YAML reader, as a line feed does: remove it, or write the value in quotes"));
            }
        }
    }
    // an alias the parser found no anchor for, as go-yaml refuses its name (`*a.b`)
    let unknown = doc.issues.iter_mut().find(|i| i.kind == IssueKind::YamlSyntax).filter(|i| i.message.contains("unknown anchor"));
    if let Some(issue) = unknown {
        let at = issue.span.start as usize;
        let end = text.get(at..).map_or(at, |rest| at + rest.find([' ', '\t', '\r', '\n', ',', '[', ']', '{', '}']).unwrap_or(rest.len()));
        if let Some(refused) = text.as_bytes().get(at).filter(|&&c| c == b'*').and_then(|_| anchor_name_issue(text, at, end, file)) {
            *issue = refused;
        }
    }
    doc
}

/// What [`granit_document`] reads again at most: this many bytes in all.
const READ_AGAIN_BYTES: usize = 4 << 20;

/// What was changed in a text before it was read again, to read its events back as go-yaml reads
/// the original.
#[derive(Default)]
struct Rewrites {
    /// Bytes of plain scalars written as `x`, sorted: a `-` the parser refuses to start a plain
    /// scalar with before `,[]{}`, a `:` it reads as an indicator before `,]}[{`.
    plain: Vec<usize>,
    /// Aliases used as keys (`*a:`), their `*` written as `x` (a plain key to the parser).
    alias_keys: Vec<usize>,
    /// The character each `\'` of a double-quoted scalar was written as (two bytes, and found
    /// nowhere in the original text).
    quote: Option<char>,
    /// The character each U+FEFF inside a document was written as (three bytes, found nowhere in
    /// the original text): go-yaml reads a byte order mark past the start as any other
    /// character (`user: \u{feff}root` is that text), the parser refuses it.
    bom: Option<char>,
    /// The characters that stand for the end of a line at a line separator (U+2028) and at a
    /// paragraph separator (U+2029), each written as one of them and `\n` (two bytes each, found
    /// nowhere in the original text); see [`Rewrites::unicode_breaks`].
    separators: Option<(char, char)>,
}

/// Whether `text` has a NEL (U+0085), a line separator (U+2028) or a paragraph separator
/// (U+2029): line breaks to go-yaml, content to the parser and to the fast event source.
fn has_unicode_breaks(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(0xc2, 0xe2, b).any(|i| match b.get(i) {
        Some(0xc2) => b.get(i + 1) == Some(&0x85),
        _ => b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xa8 | 0xa9)),
    })
}

impl Rewrites {
    /// go-yaml ends a line at a NEL, a line separator or a paragraph separator, as at `\n`. A NEL
    /// becomes `\n` in a scalar, as a line feed does, so it is written `\r\n`. A separator is
    /// kept in the scalar where a line feed would be (no folding into a space): it is written as
    /// a marker character and `\n`, and the marker read back as the separator; where no scalar
    /// ends before it (an empty line, after `,` or `: `), it is written ` \r\n`. `None`: none in
    /// `text`.
    fn unicode_breaks(&mut self, text: &str) -> Option<String> {
        if !has_unicode_breaks(text) {
            return None;
        }
        let mut unused = ('\u{680}'..='\u{6ff}').filter(|c| !text.contains(*c));
        let separators = (unused.next()?, unused.next()?);
        self.separators = Some(separators);
        let mut out = String::with_capacity(text.len());
        for (i, c) in text.char_indices() {
            match c {
                '\u{85}' => out.push_str("\r\n"),
                '\u{2028}' | '\u{2029}' => {
                    let before = text.get(..i).unwrap_or_default();
                    let line = before.rfind(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']).map_or(before, |at| before.get(at..).map_or("", |rest| rest.get(rest.chars().next().map_or(1, char::len_utf8)..).unwrap_or_default()));
                    // (the marker must continue the scalar that ends there: not after an indicator)
                    let content = line.trim_end_matches([' ', '\t']);
                    let mut last = content.chars().rev();
                    let scalar_before = match (last.next(), last.next()) {
                        // an opening quote (one after a blank or an indicator): the quoted scalar goes on
                        (Some('"' | '\''), before) => before.is_none_or(|b| matches!(b, ' ' | '\t' | ',' | '[' | '{' | ':' | '-' | '?')),
                        (Some(p), _) => !matches!(p, ',' | '[' | ']' | '{' | '}' | ':' | '-' | '?' | '|' | '>'),
                        (None, _) => false,
                    };
                    if scalar_before {
                        out.push(if c == '\u{2028}' { separators.0 } else { separators.1 });
                        out.push('\n');
                    } else {
                        out.push_str(" \r\n");
                    }
                }
                c => out.push(c),
            }
        }
        Some(out)
    }

    /// `value` (a scalar of `style`) with the markers of [`Self::unicode_breaks`] read back as
    /// go-yaml reads the separators.
    fn restore_separators(&self, value: &str, style: ScalarStyle) -> Option<String> {
        let (ls, ps) = self.separators?;
        if !value.contains([ls, ps]) {
            return None;
        }
        let mut out = String::with_capacity(value.len());
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            let separator = if c == ls { '\u{2028}' } else if c == ps { '\u{2029}' } else { '\0' };
            if separator == '\0' {
                out.push(c);
                continue;
            }
            // the parser ended the line after the marker: it folded that break into a space, or
            // kept it as `\n` in a literal block (and at the end of a folded one), or chomped it
            let block = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
            if !block {
                // (go-yaml drops the blanks before a line break in a flow scalar, as before `\n`)
                out.truncate(out.trim_end_matches([' ', '\t']).len());
            }
            let rest = chars.as_str();
            if rest.is_empty() && (block || style == ScalarStyle::Plain) {
                // (go-yaml's `|-` and `>-` chomp the separator, as they chomp `\n`)
                continue;
            }
            if rest.starts_with(' ') || rest.starts_with('\n') && (style == ScalarStyle::Literal || rest == "\n") {
                chars.next();
            }
            out.push(separator);
        }
        Some(out)
    }

    /// Changes `next` where the parser stopped with `message` at `at` (in `original`, `next`
    /// being the text it read); `false` when there is nothing to change.
    fn rewrite(&mut self, message: &str, at: usize, original: &str, next: &mut String) -> bool {
        let b = next.as_bytes();
        let byte = b.get(at).copied();
        if message.contains("comments must be separated") && byte == Some(b'#') {
            // go-yaml reads a `#` right after a quoted scalar, `]`, `}`, `,` or a block
            // scalar's header as a comment, where the parser wants a space before it
            let end = next.get(at..).and_then(|rest| rest.find(['\n', '\r'])).map_or(next.len(), |n| at + n);
            blank(next, at, end);
            return true;
        }
        if message.contains("unknown escape character") && byte == Some(b'"') {
            // go-yaml reads `\'` as `'`
            let escapes = quote_escapes(b, at);
            if escapes.is_empty() {
                return false;
            }
            let Some(quote) = self.quote.or_else(|| ('\u{700}'..='\u{7ff}').find(|c| !original.contains(*c))) else { return false };
            self.quote = Some(quote);
            let mut buf = [0u8; 4];
            let with: &str = quote.encode_utf8(&mut buf);
            for i in escapes {
                next.replace_range(i..i + 2, with);
            }
            return true;
        }
        if message.contains("BOM must not appear") && next.get(at..).is_some_and(|rest| rest.starts_with('\u{feff}')) {
            let Some(bom) = self.bom.or_else(|| ('\u{a000}'..='\u{a48c}').find(|c| !original.contains(*c))) else { return false };
            self.bom = Some(bom);
            let mut buf = [0u8; 4];
            next.replace_range(at..at + 3, bom.encode_utf8(&mut buf));
            return true;
        }
        if message.contains("cannot start with '-'") && byte == Some(b'-') {
            // go-yaml starts a plain scalar with any `-` that has no blank after it
            next.replace_range(at..=at, "x");
            let i = self.plain.partition_point(|&p| p < at);
            self.plain.insert(i, at);
            return true;
        }
        if message.contains("unknown anchor") && byte == Some(b'*') {
            // go-yaml ends an alias's name at a `:`: `*a: x` is the alias `a` as a key
            let name = b.get(at + 1..).map_or(0, |rest| rest.iter().take_while(|&&c| is_anchor_char(c)).count());
            let colon = at + 1 + name;
            let after = b.get(colon + 1).copied();
            if name > 0 && b.get(colon) == Some(&b':') && after.is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}')) {
                next.replace_range(at..=at, "x");
                self.alias_keys.push(at);
                return true;
            }
        }
        false
    }

    /// The event the original text has where the parser read `event` at `start..end` of `text`
    /// (`anchors`: the names of the anchors so far).
    fn restore<'e>(&self, event: Event<'e>, text: &str, original: &str, start: usize, end: usize, anchors: &HashMap<String, usize>) -> Result<Event<'e>, &'static str> {
        let mut event = self.restore_rewritten(event, text, original, start, end, anchors)?;
        if let Event::Scalar(value, style, anchor, tag) = event {
            event = match self.restore_separators(&value, style) {
                Some(restored) => Event::Scalar(Cow::Owned(restored), style, anchor, tag),
                None => Event::Scalar(value, style, anchor, tag),
            };
        }
        Ok(match (event, self.bom) {
            (Event::Scalar(value, style, anchor, tag), Some(bom)) if value.contains(bom) => Event::Scalar(Cow::Owned(value.replace(bom, "\u{feff}")), style, anchor, tag),
            (event, _) => event,
        })
    }

    fn restore_rewritten<'e>(&self, event: Event<'e>, text: &str, original: &str, start: usize, end: usize, anchors: &HashMap<String, usize>) -> Result<Event<'e>, &'static str> {
        match event {
            Event::Scalar(_, ScalarStyle::Plain, ..) if !self.alias_keys.is_empty() && self.alias_keys.contains(&start) => {
                let name = original.get(start + 1..end).unwrap_or_default();
                anchors.get(name).map(|&id| Event::Alias(id)).ok_or("invalid YAML: unknown anchor")
            }
            Event::Scalar(value, ScalarStyle::Plain, anchor, tag) if self.plain.get(self.plain.partition_point(|&p| p < start)).is_some_and(|&p| p < end) => {
                // (a plain scalar on one line is its text; one over several lines keeps the `x`)
                let value = match (text.get(start..end), original.get(start..end)) {
                    (Some(read), Some(was)) if read == value => Cow::Owned(was.to_string()),
                    _ => value,
                };
                Ok(Event::Scalar(value, ScalarStyle::Plain, anchor, tag))
            }
            Event::Scalar(value, ScalarStyle::DoubleQuoted, anchor, tag) if self.quote.is_some_and(|q| value.contains(q)) => {
                let value = self.quote.map_or_else(String::new, |q| value.replace(q, "'"));
                Ok(Event::Scalar(Cow::Owned(value), ScalarStyle::DoubleQuoted, anchor, tag))
            }
            event => Ok(event),
        }
    }
}

/// The `\'` escapes of the double-quoted scalar whose opening quote is at `at`.
fn quote_escapes(b: &[u8], at: usize) -> Vec<usize> {
    let mut found = Vec::new();
    let mut i = at + 1;
    while let Some(k) = b.get(i..).and_then(|rest| memchr::memchr2(b'\\', b'"', rest)) {
        i += k;
        if b.get(i) == Some(&b'"') {
            break;
        }
        if b.get(i + 1) == Some(&b'\'') {
            found.push(i);
        }
        // the escaped character is skipped (a non-ASCII one is passed over as content)
        i += if b.get(i + 1).is_some_and(u8::is_ascii) { 2 } else { 1 };
    }
    found
}

/// A character go-yaml takes in an anchor or alias name.
fn is_anchor_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// [`granit_document`] before comments: a text whose flow collections have tab-led lines, which
/// go-yaml skips and the parser refuses, is read again with those tabs as spaces, and that
/// reading is kept when each of them is inside a flow collection. Also returns the bytes to
/// change for the next reading (see [`granit_pass`]).
fn granit_with_flow_tabs(text: &str, original: &str, file: FileId, limits: &Limits, rewrites: &Rewrites) -> (Document, Pending) {
    /// Lines of flow collections with leading tabs, read again at most this many times.
    const MAX_TAB_LINES: usize = 16;
    let (mut doc, _, mut pending) = granit_pass(text, original, file, limits, false, rewrites);
    let Some(first) = refused_leading_tab(&doc, text) else { return (doc, pending) };
    let mut fixed = text.to_string();
    let mut replaced = vec![first];
    spaces_for_leading_tabs(&mut fixed, first);
    for _ in 0..MAX_TAB_LINES {
        let (retry, flows, retry_pending) = granit_pass(&fixed, original, file, limits, true, rewrites);
        // (a collection's start may come after the parser stopped: the reading with the tabs
        // as spaces tells whether they are inside one)
        if !replaced.iter().all(|&at| flows.iter().any(|&(s, e)| s < at && at < e)) {
            return (doc, pending);
        }
        match refused_leading_tab(&retry, &fixed) {
            Some(at) if !replaced.contains(&at) => {
                spaces_for_leading_tabs(&mut fixed, at);
                replaced.push(at);
                (doc, pending) = (retry, retry_pending);
            }
            _ => return (retry, retry_pending),
        }
    }
    (doc, pending)
}

/// Where the parser refused a tab in a line's indentation: the line's first tab.
fn refused_leading_tab(doc: &Document, text: &str) -> Option<usize> {
    // (the parser's refusal: composeguard's own, which comes with help, is never in a flow)
    let issue = doc.issues.iter().find(|i| i.kind == IssueKind::YamlSyntax && i.help.as_deref() == Some(PARSER_TAB_HELP))?;
    let at = (issue.span.start as usize).min(text.len());
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |n| n + 1);
    let indent = text.get(line_start..)?.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    text.get(line_start..line_start + indent)?.find('\t').map(|t| line_start + t)
}

/// Replaces the tabs in the indentation of the line holding `at` with spaces (byte for byte, so
/// every offset stays where it was).
fn spaces_for_leading_tabs(text: &mut String, at: usize) {
    let line_start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |n| n + 1);
    let indent = text.get(line_start..).map_or(0, |l| l.bytes().take_while(|&b| b == b' ' || b == b'\t').count());
    blank(text, line_start, line_start + indent);
}

/// Replaces `text[from..to]` with as many spaces (so every offset stays where it was).
fn blank(text: &mut String, from: usize, to: usize) {
    if let Some(len) = to.checked_sub(from).filter(|_| text.is_char_boundary(from) && text.is_char_boundary(to)) {
        text.replace_range(from..to, &" ".repeat(len));
    }
}

/// One reading of `text` by `granit_parser`, and the byte ranges of its flow collections (when
/// `flows` is asked for, or the text has tabs to check).
///
/// `text` is `original` with the changes `rewrites` lists; its events are read back as the
/// original's. Also returns the bytes to change for the next reading (see [`GoReading::pending`]).
fn granit_pass(text: &str, original: &str, file: FileId, limits: &Limits, flows: bool, rewrites: &Rewrites) -> (Document, Vec<(usize, usize)>, Pending) {
    let mut builder = Builder::new(text, file, limits);
    let mut options = granit_parser::Options::default();
    options.block_nesting_limit = limits.max_depth;
    options.flow_nesting_limit = limits.max_depth;
    options.emit_anchor_events = true;
    // an alias may name an anchor of an earlier document (the builder resolves it)
    options.emit_unresolved_aliases = true;
    let parser = Parser::new_from_str_with_options(text, options);
    // tabs that go-yaml refuses and the parser accepts (only gathered when a line has one)
    let mut tabs = crate::tabs::TabCheck::new(text).or_else(|| flows.then(crate::tabs::TabCheck::default));
    let mut go = GoReading::default();
    for event in parser {
        match event {
            Ok((event, span)) => {
                let span = builder.span(&span);
                if let Some(t) = tabs.as_mut() {
                    t.observe(text, &event, span.start as usize, span.end as usize);
                }
                let event = match go.event(event, text, original, span, rewrites) {
                    Ok(event) => event,
                    Err(stop) => {
                        builder.issues.push(stop);
                        break;
                    }
                };
                if let Err(stop) = builder.event(event, span) {
                    builder.issues.push(stop);
                    break;
                }
            }
            Err(err) => {
                let issue = scan_error(&err, file, text);
                let issue = unclosed_flow(&builder.stack, text, issue);
                builder.issues.push(issue);
                break;
            }
        }
    }
    let ranges = tabs.as_ref().map(crate::tabs::TabCheck::flows).unwrap_or_default();
    let refused = tabs.filter(|_| !builder.issues.iter().any(|i| i.kind == IssueKind::YamlSyntax)).and_then(|t| t.check(text, file));
    let mut doc = builder.into_document();
    if let Some(issue) = refused {
        // compose stops at this error: nothing of the file is read
        doc.roots.clear();
        doc.issues.push(issue);
    }
    (doc, ranges, go.pending)
}

/// Bytes of a text to change for its next reading, and the byte to write there.
type Pending = Vec<(usize, u8)>;

/// What go-yaml reads otherwise than the parser, seen in the parser's events.
#[derive(Default)]
struct GoReading {
    /// The open flow collections, innermost last: `None` for a sequence, for a mapping whether
    /// its next node is a key.
    flow: Vec<Option<bool>>,
    /// Anchor names and their latest ids (kept when an alias is a key: see [`Rewrites`]).
    names: HashMap<String, usize>,
    /// Bytes to change for the next reading, and what to write there: a `:` that ends a plain
    /// scalar for the parser and is part of it for go-yaml (`x`), a `?` that starts a flow
    /// mapping's key for the parser and is a key indicator for go-yaml (a space).
    pending: Pending,
    /// The span of the last key of the innermost flow mapping.
    key: Option<(usize, usize)>,
}

impl GoReading {
    /// Checks `event` (at `span` of `text`) and reads it back as in `original`.
    fn event<'e>(&mut self, event: Event<'e>, text: &str, original: &str, span: Span, rewrites: &Rewrites) -> Result<Event<'e>, Issue> {
        let (start, end) = (span.start as usize, span.end as usize);
        let mut node_done = false;
        if event.is_node() {
            match self.flow.last() {
                Some(Some(true)) => self.key = Some((start, end)),
                Some(Some(false)) => self.check_key_line(text, original, span)?,
                _ => {}
            }
        }
        match &event {
            Event::SequenceStart(style, ..) if !self.flow.is_empty() || *style == StructureStyle::Flow => self.flow.push(None),
            Event::MappingStart(style, ..) if !self.flow.is_empty() || *style == StructureStyle::Flow => self.flow.push(Some(true)),
            Event::SequenceEnd | Event::MappingEnd => node_done = self.flow.pop().is_some(),
            Event::Anchor(id, name) => {
                if let Some(issue) = anchor_name_issue(original, start, end, span.file) {
                    return Err(issue);
                }
                if !rewrites.alias_keys.is_empty() {
                    self.names.insert(name.to_string(), *id);
                }
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => {
                if let Some(issue) = anchor_name_issue(original, start, end, span.file) {
                    return Err(issue);
                }
                node_done = true;
            }
            Event::Scalar(_, style, ..) => {
                if *style == ScalarStyle::Plain && end > start {
                    if let Some(&top) = self.flow.last() {
                        self.flow_plain(text, span, top, rewrites)?;
                    }
                }
                node_done = true;
            }
            _ => {}
        }
        if node_done {
            if let Some(Some(key)) = self.flow.last_mut() {
                *key = !*key;
            }
        }
        rewrites
            .restore(event, text, original, start, end, &self.names)
            .map_err(|message| Issue::error(IssueKind::YamlSyntax, span, message.into()))
    }

    /// go-yaml reads an implicit key of a flow mapping only when its `:` is on the line the key
    /// starts on (`{a\n: b}` and `{a\n b: c}` are refused); `span` is the key's value.
    fn check_key_line(&mut self, text: &str, original: &str, span: Span) -> Result<(), Issue> {
        let Some((start, end)) = self.key.take() else { return Ok(()) };
        let b = text.as_bytes();
        // the `:` between the key and its value (none: the key has no value)
        let mut i = end;
        let colon = loop {
            match b.get(i) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => i += 1,
                Some(b'#') => i += text.get(i..).and_then(|rest| rest.find(['\n', '\r'])).unwrap_or(0).max(1),
                Some(b':') => break i,
                _ => return Ok(()),
            }
        };
        if colon > span.start as usize || !text.get(start..colon).is_some_and(|k| k.contains(['\n', '\r'])) {
            return Ok(());
        }
        // an explicit key (`? a`) may take several lines
        let before = original.get(..start).map(|t| t.trim_end_matches([' ', '\t', '\r', '\n']));
        if before.is_some_and(|t| t.ends_with('?')) {
            return Ok(());
        }
        let at = u32::try_from(start).unwrap_or(u32::MAX);
        Err(Issue::error(
            IssueKind::YamlSyntax,
            Span::new(span.file, at, u32::try_from(end).unwrap_or(u32::MAX)),
            "invalid YAML: a key in `{…}` must have its `:` on the line it starts on (compose's YAML reader does not find the key otherwise)".into(),
        )
        .with_help("write the key and its `:` on one line"))
    }

    /// A plain scalar at `span` in a flow collection (`top`: see [`Self::flow`]). go-yaml reads a
    /// `:` there as a value indicator and a `?` as a key indicator, whatever follows them, and a
    /// `:` in the scalar ends it only before a blank.
    fn flow_plain(&mut self, text: &str, span: Span, top: Option<bool>, rewrites: &Rewrites) -> Result<(), Issue> {
        let (start, end) = (span.start as usize, span.end as usize);
        let b = text.as_bytes();
        let scalar = text.get(start..end).unwrap_or_default();
        let refuse = |at: usize, message: &str| {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            Issue::error(IssueKind::YamlSyntax, Span::new(span.file, at, at.saturating_add(1)), format!("invalid YAML: {message}"))
                .with_help(format!("quote the value: \"{scalar}\""))
        };
        if b.get(start) == Some(&b':') {
            return Err(refuse(start, "a plain value in `[…]` or `{…}` cannot start with `:` (compose's YAML reader takes it as a key's `:` there, and finds no value)"));
        }
        if let Some(k) = scalar.get(1..).and_then(|rest| rest.find('?')) {
            return Err(refuse(start + 1 + k, "`?` in a plain value in `[…]` or `{…}` (compose's YAML reader ends the value there and takes `?` as a key indicator)"));
        }
        if b.get(start) == Some(&b'?') {
            match top {
                // an explicit key, as `? a`
                Some(true) => self.pending.push((start, b' ')),
                Some(false) => return Err(refuse(start, "a value in `{…}` cannot start with `?` (compose's YAML reader takes it as a key indicator there)")),
                // (in a sequence, go-yaml reads `[?a]` as `[{a: null}]`: not followed)
                None => {}
            }
            return Ok(());
        }
        let ends_with_colon = b.get(end) == Some(&b':') && matches!(b.get(end + 1), Some(b',' | b']' | b'}' | b'[' | b'{'));
        if ends_with_colon && !rewrites.alias_keys.contains(&start) {
            self.pending.push((end, b'x'));
        }
        Ok(())
    }
}

/// go-yaml's refusal of the anchor or alias name whose `&` or `*` is at `start`, the parser
/// ending it at `end`: go-yaml takes only ASCII letters, digits, `_` and `-` in a name, and wants
/// a blank or one of `,]}:?%@` and a backquote after it.
fn anchor_name_issue(text: &str, start: usize, end: usize, file: FileId) -> Option<Issue> {
    let b = text.as_bytes();
    let name = text.get(start + 1..end)?;
    let valid = name.bytes().take_while(|&c| is_anchor_char(c)).count();
    let what = if b.get(start) == Some(&b'&') { "anchor" } else { "alias" };
    let (at, message, help) = if let Some(c) = name.get(valid..).and_then(|rest| rest.chars().next()) {
        let key_colon = c == ':' && valid + 1 == name.len();
        if valid > 0 && matches!(c, ':' | '?') && (what == "anchor" || key_colon) {
            // go-yaml ends the name there and reads on (an alias's `:` as a key's is read again
            // before: see `Rewrites`; what else follows an alias is an error to it)
            return None;
        }
        (
            start + 1 + valid,
            format!("invalid YAML: the {what} name `{name}` has `{c}`, which compose's YAML reader does not take in a name (only ASCII letters, digits, `_` and `-`)"),
            "rename the anchor and its aliases with ASCII letters, digits, `_` and `-` only",
        )
    } else if matches!(b.get(end), Some(b'[' | b'{')) {
        (
            end,
            format!("invalid YAML: `{}` right after the {what} `{name}` (compose's YAML reader wants a space there)", char::from(b.get(end).copied().unwrap_or(b'['))),
            "put a space after the name",
        )
    } else {
        return None;
    };
    let len = text.get(at..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8);
    let at32 = u32::try_from(at).unwrap_or(u32::MAX);
    let len32 = u32::try_from(len).unwrap_or(1);
    Some(Issue::error(IssueKind::YamlSyntax, Span::new(file, at32, at32.saturating_add(len32)), message).with_help(help))
}

fn scan_error(err: &ScanError, file: FileId, text: &str) -> Issue {
    let marker = err.marker();
    let offset = marker.byte_offset().unwrap_or_else(|| {
        text.char_indices().nth(marker.index()).map_or(text.len(), |(i, _)| i)
    });
    let info = err.info();
    // the parser marks where the token it was reading starts: a tab is shown where it stands
    if let Some(tab) = info.contains("tab").then(|| refused_tab(text, offset)).flatten() {
        let at = u32::try_from(tab).unwrap_or(u32::MAX);
        return Issue::error(IssueKind::YamlSyntax, Span::new(file, at, at.saturating_add(1)), format!("invalid YAML: {info}"))
            .with_help(PARSER_TAB_HELP);
    }
    let at = u32::try_from(offset).unwrap_or(u32::MAX);
    let mut issue = Issue::error(IssueKind::YamlSyntax, Span::new(file, at, at), format!("invalid YAML: {info}"));
    if let Some(c) = info.strip_prefix("unexpected character: `").and_then(|rest| rest.strip_suffix('\'')).and_then(unescape_char) {
        issue = unexpected_character(issue, c, text, offset);
    } else if info.contains("simple key expected ':'") && under_block_scalar(text, offset) {
        issue = issue.with_help("indent the lines of a block scalar (`|` or `>`) deeper than its key");
    } else if info.contains("mapping values are not allowed") || info.contains("simple key expected ':'") {
        if let Some((line, fixed)) = key_without_colon(text, offset, info.contains("simple key")) {
            let (start, end) = (u32::try_from(line.0).unwrap_or(u32::MAX), u32::try_from(line.1).unwrap_or(u32::MAX));
            issue = issue.with_related(Span::new(file, start, end), "this line has no `:` after its key").with_help(format!("did you mean `{fixed}`?"));
        }
    }
    if info.contains("nesting") || info.contains("recursion") {
        issue.kind = IssueKind::InputLimit;
        issue.message = format!("nesting is deeper than the supported limit ({info})");
    }
    if issue.help.is_none() {
        issue.help = syntax_help(&info, text.as_bytes().get(offset).copied()).map(str::to_string);
    }
    issue
}

/// What to do about a parser error that says what is wrong in the parser's words only.
fn syntax_help(info: &str, at: Option<u8>) -> Option<&'static str> {
    Some(if info.contains("mapping values are not allowed") {
        "a `: ` in a plain value starts a mapping: quote the value (`\"…\"`), or, if this line is a key, indent it as deep as the keys beside it, not deeper"
    } else if info.contains("did not find expected key") {
        "indent this line as deep as the keys of the mapping it belongs to (a line indented less ends the mapping; a key must line up with the keys above it)"
    } else if info.contains("did not find expected '-' indicator") {
        "a list holds only `- ` items: start this line with `- `, or indent it under the item it belongs to"
    } else if info.contains("unclosed quote") {
        if at == Some(b'\'') { "close the value with a matching `'`" } else { "close the value with a matching `\"`" }
    } else if info.contains("unclosed bracket '{'") {
        "close the `{` with `}` after the last entry"
    } else if info.contains("unclosed bracket") {
        "close the `[` with `]` after the last item"
    } else {
        return None;
    })
}

/// The character of the parser's "unexpected character" error, which shows it between a
/// backquote and a quote, written as Rust's `escape_debug` writes it.
fn unescape_char(shown: &str) -> Option<char> {
    let mut chars = shown.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        (Some('\\'), Some('u')) => {
            let hex = shown.strip_prefix("\\u{")?.strip_suffix('}')?;
            char::from_u32(u32::from_str_radix(hex, 16).ok()?)
        }
        (Some('\\'), Some(e)) if chars.next().is_none() => match e {
            't' => Some('\t'),
            'r' => Some('\r'),
            'n' => Some('\n'),
            '0' => Some('\0'),
            '\\' | '\'' | '"' => Some(e),
            _ => None,
        },
        _ => None,
    }
}

/// The parser's "unexpected character" error, at the character (the parser marks where the
/// value holding it starts) and with what to do: a control character is removed or escaped, a
/// reserved indicator (`@`, a backquote) that starts a plain value is quoted.
fn unexpected_character(mut issue: Issue, c: char, text: &str, offset: usize) -> Issue {
    let line_end = text.get(offset..).and_then(|t| t.find('\n')).map_or(text.len(), |n| offset + n);
    if let Some(at) = text.get(offset..line_end).and_then(|t| t.find(c)).map(|n| offset + n) {
        let start = u32::try_from(at).unwrap_or(u32::MAX);
        let len = u32::try_from(c.len_utf8()).unwrap_or(1);
        issue.span = Span::new(issue.span.file, start, start.saturating_add(len));
    }
    let (message, help) = if c.is_control() {
        (
            format!("invalid YAML: control character U+{:04X} in the text", u32::from(c)),
            "remove the control character (in a double-quoted value, an escape such as `\\t` or `\\x07` writes one)",
        )
    } else if c == '`' {
        ("invalid YAML: a plain value cannot start with a backquote (`` ` ``), which YAML reserves".to_string(), "put the value in quotes")
    } else if c == '@' {
        ("invalid YAML: a plain value cannot start with `@`, which YAML reserves".to_string(), "put the value in quotes")
    } else {
        (format!("invalid YAML: unexpected character `{c}`"), "put the value in quotes")
    };
    issue.message = message;
    issue.with_help(help)
}

/// Whether the line at `offset` follows a key whose value is a block scalar (`script: |`) and
/// is indented no deeper than that key: a block scalar's text left under-indented.
fn under_block_scalar(text: &str, offset: usize) -> bool {
    let offset = offset.min(text.len());
    let line_start = text.get(..offset).and_then(|b| b.rfind('\n')).map_or(0, |n| n + 1);
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let here = text.get(line_start..).map_or(0, indent);
    let above = text.get(..line_start.saturating_sub(1)).unwrap_or("");
    let Some(key_line) = above.lines().rev().find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) else { return false };
    let value = key_line.trim_end().rsplit_once(": ").map_or_else(|| key_line.trim_end().trim_start_matches("- "), |(_, v)| v);
    let block = value.starts_with(['|', '>']) && value.len() <= 3 && value.bytes().skip(1).all(|b| matches!(b, b'-' | b'+' | b'1'..=b'9'));
    block && here <= indent(key_line)
}

/// A parser error that comes where a `[…]` or `{…}` opened on an earlier line should have
/// closed: the error's line is indented no deeper than the line the collection opens on (a key
/// or item of the block around it), so the collection was most likely left open. Its opening
/// bracket is shown, with how to close it.
fn unclosed_flow(stack: &[Frame], text: &str, issue: Issue) -> Issue {
    let Some((open, bracket)) = stack.iter().rev().find_map(|frame| match frame {
        Frame::Seq { start, style: Style::Flow, .. } => Some((*start, ('[', ']'))),
        Frame::Map { start, style: Style::Flow, .. } => Some((*start, ('{', '}'))),
        _ => None,
    }) else {
        return issue;
    };
    let line_start = |at: usize| text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |n| n + 1);
    let indent = |start: usize| text.get(start..).map_or(0, |l| l.bytes().take_while(|&b| b == b' ').count());
    let (opened, failed) = (open.start as usize, issue.span.start as usize);
    let (open_line, error_line) = (line_start(opened), line_start(failed));
    if text.as_bytes().get(opened) != Some(&(bracket.0 as u8)) || error_line <= open_line || indent(error_line) > indent(open_line) {
        return issue;
    }
    let at = Span::new(open.file, open.start, open.start.saturating_add(1));
    let (o, c) = bracket;
    let mut issue = issue.with_related(at, format!("this `{o}` is never closed"));
    if issue.help.is_none() {
        issue = issue.with_help(format!("close the `{o}` with `{c}` at the end of its last item"));
    }
    issue
}

/// The line whose key lacks its `:`, for a parser error at `offset` about a `:` it did not
/// expect (the line before it read on as one plain text: `web` above `image: x`) or a key it
/// found without one (`environment` alone, `simple`): the line's byte range, and the line as
/// meant (`web:`, `image: nginx`).
fn key_without_colon(text: &str, offset: usize, on_this_line: bool) -> Option<((usize, usize), String)> {
    let offset = offset.min(text.len());
    let line_of = |at: usize| {
        let start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |n| n + 1);
        let end = text.get(start..).and_then(|l| l.find('\n')).map_or(text.len(), |n| start + n);
        (start, end)
    };
    let mut line = line_of(offset);
    if !on_this_line {
        // the nearest line above that is not blank or a comment
        loop {
            let before = line.0.checked_sub(1)?;
            line = line_of(before);
            let content = text.get(line.0..line.1)?.trim();
            if !content.is_empty() && !content.starts_with('#') {
                break;
            }
        }
    }
    let raw = text.get(line.0..line.1)?.trim_end_matches('\r');
    let indent = raw.len() - raw.trim_start().len();
    let body = raw.trim_start();
    let (dash, body) = match body.strip_prefix("- ") {
        Some(rest) => ("- ", rest.trim_start()),
        None => ("", body),
    };
    // a plain key: a name, perhaps followed by a value after a blank (`image nginx:1.27`)
    let (key, value) = body.split_once(' ').map_or((body, ""), |(k, v)| (k, v.trim()));
    let plain = !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !plain || key.contains(':') || value.starts_with('#') || value.contains(": ") {
        return None;
    }
    let fixed = if value.is_empty() { format!("{dash}{key}:") } else { format!("{dash}{key}: {value}") };
    Some(((line.0 + indent, line.0 + raw.len()), fixed))
}

/// The help of the parser's own errors about tabs (the checks of `tabs` have theirs).
const PARSER_TAB_HELP: &str = "indent with spaces: YAML does not take a tab in a line's indentation";

/// The tab a parser error about tabs is about, from where the parser stopped: in the indentation
/// of that line, else the first tab in the indentation of a line after it (a plain scalar read on
/// over the following lines).
fn refused_tab(text: &str, offset: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (before, after) = bytes.split_at(offset.min(bytes.len()));
    let offset = before.len();
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let leading = |start: usize| bytes.get(start..).unwrap_or_default().iter().take_while(|&&b| b == b' ' || b == b'\t').position(|&b| b == b'\t').map(|i| start + i);
    if let Some(tab) = leading(line_start).filter(|&t| t <= offset) {
        return Some(tab);
    }
    memchr::memchr_iter(b'\n', after).find_map(|i| leading(offset + i + 1))
}

/// A copy of `target` for an alias at `span`, counted against the alias budget (a billion-laughs
/// guard) before anything is copied.
fn alias_copy(target: &Node, span: Span, alias_nodes: &mut usize, limits: &Limits) -> Result<Node, Issue> {
    *alias_nodes = alias_nodes.saturating_add(target.count());
    if *alias_nodes > limits.max_alias_nodes {
        return Err(Issue::error(
            IssueKind::InputLimit,
            span,
            format!("aliases expand to more than {} nodes (an alias bomb?); the file was not read further", limits.max_alias_nodes),
        ));
    }
    let mut node = target.clone();
    node.relocate(span);
    Ok(node)
}

enum Frame {
    /// `items_from`: where this sequence's items start on the builder's item stack.
    Seq { start: Span, items_from: usize, anchor: usize, tag: Option<MergeTag>, style: Style },
    /// `entries_from`: where this mapping's entries start on the builder's entry stack.
    Map { start: Span, entries_from: usize, key: Option<Key>, anchor: usize, tag: Option<MergeTag>, style: Style },
}

struct Builder<'a> {
    text: &'a str,
    file: FileId,
    limits: &'a Limits,
    stack: Vec<Frame>,
    /// The items and entries of the open collections, innermost last: a collection takes its
    /// own off the top when it ends, into a vector of exactly its size (growing one vector per
    /// collection left up to half of each unused, a third of the tree of a big file).
    items: Vec<Node>,
    entries: Vec<(Key, Node)>,
    anchors: HashMap<usize, Node>,
    /// The name of each anchor of the current document, by id.
    anchor_names: HashMap<usize, String>,
    /// The anchors of the earlier documents, by name: go-yaml keeps them for the documents
    /// after (an alias in a later document may name one).
    earlier: HashMap<String, Node>,
    alias_nodes: usize,
    roots: Vec<Node>,
    issues: Vec<Issue>,
    /// Key of the entry being built when a key was not a string (reported once, value dropped).
    skip_value: Vec<bool>,
    /// A `!reset` or `!override` tag was seen.
    merge_tags: bool,
    /// Documents started so far.
    documents: usize,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, file: FileId, limits: &'a Limits) -> Self {
        Self {
            text,
            file,
            limits,
            stack: Vec::new(),
            items: Vec::new(),
            entries: Vec::new(),
            anchors: HashMap::default(),
            anchor_names: HashMap::default(),
            earlier: HashMap::default(),
            alias_nodes: 0,
            roots: Vec::new(),
            issues: Vec::new(),
            skip_value: Vec::new(),
            merge_tags: false,
            documents: 0,
        }
    }

    fn into_document(self) -> Document {
        Document { roots: self.roots, issues: self.issues, merge_tags: self.merge_tags }
    }

    /// What an alias of the anchored collection `node` copies: compose drops the nodes tagged
    /// `!reset` inside it where it is defined (they reset their own place, not the alias's).
    fn anchored(&self, node: &Node) -> Node {
        let mut copy = node.clone();
        if self.merge_tags {
            drop_resets(&mut copy);
        }
        copy
    }

    /// The compose tag of a node, noting that the document has one.
    fn merge_tag(&mut self, tag: Option<&granit_parser::Tag>) -> Option<MergeTag> {
        let found = merge_tag(tag);
        self.merge_tags |= found.is_some();
        found
    }

    fn offset(&self, m: &granit_parser::Marker) -> u32 {
        let b = m.byte_offset().unwrap_or_else(|| {
            self.text.char_indices().nth(m.index()).map_or(self.text.len(), |(i, _)| i)
        });
        u32::try_from(b).unwrap_or(u32::MAX)
    }

    fn span(&self, s: &granit_parser::Span) -> Span {
        Span::new(self.file, self.offset(&s.start), self.offset(&s.end))
    }

    /// Whether `span` runs to the end of the text and the text's last line, which has content,
    /// has no line break.
    fn ends_the_text_unbroken(&self, span: Span) -> bool {
        let text = self.text;
        if span.end as usize != text.len() || text.ends_with(['\n', '\r']) {
            return false;
        }
        let last = text.rfind(['\n', '\r']).map_or(text, |i| text.get(i + 1..).unwrap_or_default());
        !last.trim_matches([' ', '\t']).is_empty()
    }

    /// compose's YAML reader (go-yaml) does not know the escape `\/` that YAML 1.2 added, and
    /// refuses a double-quoted scalar with one; `granit_parser` reads it as `/`. go-yaml also
    /// refuses a surrogate escape even in a pair (`\ud83d\ude00`), which the parser combines.
    fn check_escapes(&self, span: Span) -> Result<(), Issue> {
        let raw = self.text.get(span.start as usize..span.end as usize).unwrap_or("").as_bytes();
        let mut i = 0;
        while let Some(at) = raw.get(i..).and_then(|rest| memchr::memchr(b'\\', rest)).map(|k| i + k) {
            let digits = match raw.get(at + 1) {
                Some(b'u') => 4,
                Some(b'U') => 8,
                _ => 0,
            };
            let code = raw.get(at + 2..at + 2 + digits).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u32::from_str_radix(h, 16).ok());
            if digits > 0 && code.is_some_and(|c| (0xd800..=0xdfff).contains(&c)) {
                let start = span.start.saturating_add(u32::try_from(at).unwrap_or(u32::MAX));
                let shown = String::from_utf8_lossy(raw.get(at..at + 2 + digits).unwrap_or_default()).into_owned();
                return Err(Issue::error(
                    IssueKind::YamlSyntax,
                    Span::new(self.file, start, start.saturating_add(u32::try_from(2 + digits).unwrap_or(0))),
                    format!("invalid YAML: found invalid Unicode character escape code `{shown}` (compose's YAML reader takes no surrogate, even in a pair)"),
                )
                .with_help("write the character itself, or its `\\U` escape (`\\U0001F600` for U+1F600)"));
            }
            if raw.get(at + 1) == Some(&b'/') {
                let start = span.start.saturating_add(u32::try_from(at).unwrap_or(u32::MAX));
                return Err(Issue::error(
                    IssueKind::YamlSyntax,
                    Span::new(self.file, start, start.saturating_add(2)),
                    "invalid YAML: found unknown escape character `\\/` (compose's YAML reader does not accept it)".into(),
                )
                .with_help("write `/` without the backslash"));
            }
            // the escaped character is skipped, so `\\/` is a backslash, then `/`
            i = at + 2;
        }
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), Issue> {
        match event {
            Event::DocumentStart(_, Some(version)) if (version.major, version.minor) != (1, 1) => {
                // compose's YAML decoder only accepts `%YAML 1.1`
                return Err(Issue::error(
                    IssueKind::YamlSyntax,
                    Span::point(self.file, 0),
                    format!("invalid YAML: the `%YAML {}.{}` directive is not supported (compose reads YAML 1.1 directives only)", version.major, version.minor),
                )
                .with_help("remove the `%YAML` line"));
            }
            Event::DocumentStart(explicit, _) => {
                if !explicit && self.documents > 0 {
                    // go-yaml wants `---` before any document but the first
                    return Err(Issue::error(
                        IssueKind::YamlSyntax,
                        span,
                        "invalid YAML: a document after `...` must start with `---` (compose's YAML reader finds no document start)".into(),
                    )
                    .with_help("put a `---` line before it, or remove the `...` line"));
                }
                self.documents += 1;
            }
            Event::DocumentEnd => {
                // the latest definition of a name wins (ids grow through the stream)
                let mut defined: Vec<(usize, Node)> = self.anchors.drain().collect();
                defined.sort_unstable_by_key(|(id, _)| *id);
                for (id, node) in defined {
                    if let Some(name) = self.anchor_names.remove(&id) {
                        self.earlier.insert(name, node);
                    }
                }
                self.anchor_names.clear();
            }
            Event::Anchor(id, name) => {
                self.anchor_names.insert(id, name.into_owned());
            }
            Event::Scalar(mut value, style, anchor, tag) => {
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) && self.ends_the_text_unbroken(span) && value.ends_with('\n') {
                    // go-yaml gives a block scalar's last line the line break it has in the text:
                    // none when the text ends on that line (`granit_parser` adds one)
                    value.to_mut().pop();
                }
                if style == ScalarStyle::DoubleQuoted {
                    self.check_escapes(span)?;
                }
                let merge_tag = self.merge_tag(tag.as_deref());
                let mut node = Self::scalar(&value, style, tag.as_deref(), span)?;
                node.tag = merge_tag;
                if anchor != 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push(node);
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    return Err(Issue::error(IssueKind::YamlSyntax, span, "invalid YAML: unknown anchor".into()));
                };
                let node = alias_copy(target, span, &mut self.alias_nodes, self.limits)?;
                self.push(node);
            }
            Event::UnresolvedAlias(name) => {
                // an anchor of an earlier document of the stream, as go-yaml resolves it
                let Some(target) = self.earlier.get(name.as_ref()) else {
                    return Err(Issue::error(IssueKind::YamlSyntax, span, format!("invalid YAML: unknown anchor `{name}`"))
                        .with_help(format!("an alias names an anchor written before it: define `&{name}` on a value above this line")));
                };
                let node = alias_copy(target, span, &mut self.alias_nodes, self.limits)?;
                self.push(node);
            }
            Event::SequenceStart(style, anchor, tag) => {
                self.depth_check(span)?;
                let tag = self.merge_tag(tag.as_deref());
                self.stack.push(Frame::Seq {
                    start: span,
                    items_from: self.items.len(),
                    anchor,
                    tag,
                    style: structure_style(style),
                });
            }
            Event::MappingStart(style, anchor, tag) => {
                self.depth_check(span)?;
                let tag = self.merge_tag(tag.as_deref());
                self.stack.push(Frame::Map {
                    start: span,
                    entries_from: self.entries.len(),
                    key: None,
                    anchor,
                    tag,
                    style: structure_style(style),
                });
                self.skip_value.push(false);
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { start, items_from, anchor, tag, style }) = self.stack.pop() {
                    let items: Vec<Node> = self.items.drain(items_from.min(self.items.len())..).collect();
                    let end = items.last().map_or(span.end, |n| n.span.end.max(start.start));
                    let mut node = Node::new(Value::Seq(items), Span::new(self.file, start.start, end));
                    node.style = style;
                    node.tag = tag;
                    if anchor != 0 {
                        self.anchors.insert(anchor, self.anchored(&node));
                    }
                    self.push(node);
                }
            }
            Event::MappingEnd => {
                self.skip_value.pop();
                if let Some(Frame::Map { start, entries_from, anchor, tag, style, .. }) = self.stack.pop() {
                    let entries: Vec<(Key, Node)> = self.entries.drain(entries_from.min(self.entries.len())..).collect();
                    let end = entries.last().map_or(span.end, |(_, v)| v.span.end.max(start.start));
                    let mapping = self.finish_mapping(entries);
                    let mut node = Node::new(Value::Map(mapping), Span::new(self.file, start.start, end));
                    node.style = style;
                    node.tag = tag;
                    if anchor != 0 {
                        self.anchors.insert(anchor, self.anchored(&node));
                    }
                    self.push(node);
                }
            }
            // the stream's start and end, comments
            _ => {}
        }
        Ok(())
    }

    fn depth_check(&self, span: Span) -> Result<(), Issue> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(Issue::error(
                IssueKind::InputLimit,
                span,
                format!("nesting is deeper than the supported limit of {} levels", self.limits.max_depth),
            ));
        }
        Ok(())
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.roots.push(node),
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map { key, .. }) => {
                if let Some(k) = key.take() {
                    let skip = self.skip_value.last().copied().unwrap_or(false);
                    if skip {
                        if let Some(s) = self.skip_value.last_mut() {
                            *s = false;
                        }
                        // a number keyed by a number (`- 8080: 80`): a port mapping written
                        // with a blank after its `:`
                        let last = self.issues.last_mut().filter(|i| i.kind == IssueKind::NonStringKey && i.span == k.span);
                        if let Some(issue) = last.filter(|_| matches!(node.value, Value::Int(_) | Value::UInt(_))) {
                            issue.help = Some("quote the key to make it a string; a port mapping is one text with no blank after `:`: `- \"8080:80\"`".into());
                        }
                    } else {
                        self.entries.push((k, node));
                    }
                } else {
                    let (span, anchor) = (node.span, node.anchor);
                    match key_name(node) {
                        Ok(name) => {
                            *key = Some(Key { name, span, anchor });
                        }
                        Err(shown) => {
                            // compose refuses non-string keys; report and drop the entry.
                            *key = Some(Key { name: String::new(), span, anchor });
                            if let Some(s) = self.skip_value.last_mut() {
                                *s = true;
                            }
                            let mut issue = Issue::error(
                                IssueKind::NonStringKey,
                                span,
                                format!("mapping key {shown} is not a string"),
                            );
                            issue.help = Some("quote the key to make it a string".into());
                            self.issues.push(issue);
                        }
                    }
                }
            }
        }
    }

    /// Applies `<<` merge keys and reports duplicate keys.
    fn finish_mapping(&mut self, entries: Vec<(Key, Node)>) -> Mapping {
        // Each name once, with the first reportable occurrence's span (keys that are empty and
        // have no span are never reported, but still count for keeping the first entry).
        let mut seen = SeenKeys::with_capacity(entries.len());
        let mut duplicates = Vec::new();
        // Entries whose name came earlier (in increasing order): the first one wins.
        let mut repeated: Vec<usize> = Vec::new();
        for (i, (k, _)) in entries.iter().enumerate() {
            let reportable = !(k.name.is_empty() && k.span.is_empty());
            match seen.get_mut(&k.name) {
                None => seen.insert(&k.name, reportable.then_some(k.span)),
                Some(first) => {
                    repeated.push(i);
                    match *first {
                        Some(first) if reportable => duplicates.push((k.name.clone(), k.span, first)),
                        None if reportable => *first = Some(k.span),
                        _ => {}
                    }
                }
            }
        }
        drop(seen);
        for (name, span, first) in duplicates {
            let mut issue = Issue::error(IssueKind::DuplicateKey, span, format!("mapping key `{name}` is already defined"));
            issue.related.push(Related { span: first, message: "first defined here".into() });
            issue.help = Some("remove one of the two entries; YAML does not allow repeated keys".into());
            self.issues.push(issue);
        }

        let has_merge = entries.iter().any(|(k, _)| k.name == "<<" && !k_is_quoted(k, self.text));
        if !has_merge {
            if repeated.is_empty() {
                return Mapping { entries };
            }
            let entries = entries.into_iter().enumerate().filter(|(i, _)| repeated.binary_search(i).is_err()).map(|(_, e)| e).collect();
            return Mapping { entries };
        }
        let is_merge = |k: &Key| k.name == "<<" && !k_is_quoted(k, self.text);
        // compose drops a `!reset` key before go-yaml applies the merge, so a value the merge
        // brings fills it; it still resets what earlier files set, which is what `!override`
        // of the merged value does
        let reset: Vec<String> = entries.iter().filter(|(k, v)| !is_merge(k) && v.tag == Some(MergeTag::Reset)).map(|(k, _)| k.name.clone()).collect();
        let explicit: Vec<String> = entries.iter().filter(|(k, _)| !is_merge(k)).map(|(k, _)| k.name.clone()).filter(|n| !reset.contains(n)).collect();
        let mut refilled: Vec<(Key, Node)> = Vec::new();
        let mut out = Mapping { entries: Vec::with_capacity(entries.len()) };
        for (k, v) in entries {
            if k.name == "<<" && !k_is_quoted(&k, self.text) {
                // compose drops a `!reset` node, an alias of one too, before the merge is applied:
                // a `<<` of one (or of a list of them) merges nothing
                if v.tag == Some(MergeTag::Reset) {
                    continue;
                }
                // a `!reset` key of a mapping written as the `<<` value resets the key, as one
                // beside the merge does; in a list, or through an alias, it is dropped
                let inline = matches!(v.value, Value::Map(_)) && v.anchor.is_none();
                let sources: Vec<Node> = match v.value {
                    Value::Map(_) => vec![v],
                    Value::Seq(items) if items.iter().all(|n| matches!(n.value, Value::Map(_))) => items,
                    _ => {
                        self.issues.push(Issue::error(
                            IssueKind::YamlSyntax,
                            v.span,
                            "invalid YAML: a `<<` merge needs a mapping or a list of mappings".into(),
                        ));
                        continue;
                    }
                };
                for source in sources.into_iter().filter(|source| source.tag != Some(MergeTag::Reset)) {
                    // (an `!override` in a mapping written in a `<<` list is not applied either:
                    // its value is merged as any other)
                    let listed = !inline && source.anchor.is_none();
                    if let Value::Map(m) = source.value {
                        for (mk, mut mv) in m.entries {
                            if !inline && mv.tag == Some(MergeTag::Reset) {
                                continue;
                            }
                            if listed && mv.tag == Some(MergeTag::Override) {
                                mv.tag = None;
                            }
                            if reset.contains(&mk.name) {
                                if !refilled.iter().any(|(r, _)| r.name == mk.name) {
                                    refilled.push((mk, mv));
                                }
                                continue;
                            }
                            if explicit.contains(&mk.name) || out.contains_key(&mk.name) {
                                continue;
                            }
                            out.entries.push((mk, mv));
                        }
                    }
                }
            } else if !out.contains_key(&k.name) {
                out.entries.push((k, v));
            }
        }
        for (mk, mut mv) in refilled {
            mv.tag = Some(MergeTag::Override);
            if let Some(slot) = out.get_mut(&mk.name) {
                *slot = mv;
            }
        }
        out
    }

    fn scalar(value: &str, style: ScalarStyle, tag: Option<&granit_parser::Tag>, span: Span) -> Result<Node, Issue> {
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let (core, custom) = match go_tag(tag) {
            GoTag::None => (None, false),
            GoTag::Core(name @ ("str" | "map" | "seq" | "int" | "float" | "bool" | "null" | "binary" | "timestamp")) => (Some(name), false),
            GoTag::Core(_) | GoTag::Local(_) | GoTag::Other => (None, true),
        };
        let resolved = match core {
            // go-yaml reads a scalar tagged as a collection as plain text
            Some("str" | "map" | "seq") => Value::String(value.to_string()),
            // go-yaml decodes `!!binary` (padded base64; line breaks are skipped) into its text
            Some("binary") => match decode_base64(value) {
                Some(bytes) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
                None => return Err(Issue::error(IssueKind::YamlSyntax, span, "invalid YAML: !!binary value contains invalid base64 data".to_string())),
            },
            // (go-yaml reads the text even when it is quoted: `!!timestamp "2001-12-14"` is a date)
            Some(want @ ("int" | "float" | "bool" | "null" | "timestamp")) => {
                let v = resolve_plain(value);
                let ok = match (want, &v) {
                    ("int", Value::Int(_) | Value::UInt(_)) | ("float", Value::Float(_)) | ("bool", Value::Bool(_)) | ("null", Value::Null) | ("timestamp", Value::Timestamp(_)) => true,
                    ("float", Value::Int(i)) => {
                        #[allow(clippy::cast_precision_loss)]
                        let f = *i as f64;
                        return Ok(Node { value: Value::Float(f), span, anchor: None, style, tag: None });
                    }
                    _ => false,
                };
                if !ok {
                    return Err(Issue::error(
                        IssueKind::YamlSyntax,
                        span,
                        format!("invalid YAML: cannot decode `{value}` as a !!{want}"),
                    ));
                }
                v
            }
            _ if custom || style.is_quoted() => Value::String(value.to_string()),
            _ => resolve_plain(value),
        };
        Ok(Node { value: resolved, span, anchor: None, style, tag: None })
    }
}

/// The keys of one mapping seen so far: a short list for the usual small mapping, a hash map for
/// a big one (the `services` of a large file).
enum SeenKeys<'a> {
    Few(Vec<(&'a str, Option<Span>)>),
    Many(HashMap<&'a str, Option<Span>>),
}

impl<'a> SeenKeys<'a> {
    const FEW: usize = 16;

    fn with_capacity(n: usize) -> Self {
        if n <= Self::FEW {
            Self::Few(Vec::with_capacity(n))
        } else {
            Self::Many(HashMap::with_capacity_and_hasher(n, crate::BuildHasher::default()))
        }
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Option<Span>> {
        match self {
            Self::Few(v) => v.iter_mut().find(|(k, _)| *k == name).map(|(_, s)| s),
            Self::Many(m) => m.get_mut(name),
        }
    }

    fn insert(&mut self, name: &'a str, span: Option<Span>) {
        match self {
            Self::Few(v) => v.push((name, span)),
            Self::Many(m) => {
                m.insert(name, span);
            }
        }
    }
}

fn k_is_quoted(k: &Key, text: &str) -> bool {
    matches!(text.as_bytes().get(k.span.start as usize), Some(b'"' | b'\''))
}

/// Standard padded base64, as Go's `base64.StdEncoding` reads it (`\r` and `\n` skipped).
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text.bytes().filter(|b| !matches!(b, b'\r' | b'\n')).collect();
    if digits.len() % 4 != 0 {
        return None;
    }
    let value = |b: u8| match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(digits.len() / 4 * 3);
    let quads = digits.chunks_exact(4);
    let last = quads.len().saturating_sub(1);
    for (i, quad) in quads.enumerate() {
        let pad = quad.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return None;
        }
        let mut n: u32 = 0;
        for &b in quad.get(..4 - pad)? {
            n = (n << 6) | u32::from(value(b)?);
        }
        n <<= 6 * pad;
        let bytes = n.to_be_bytes();
        out.extend_from_slice(bytes.get(1..4 - pad)?);
    }
    Some(out)
}

/// `node` without the entries and items tagged `!reset`, at any depth.
fn drop_resets(node: &mut Node) {
    match &mut node.value {
        Value::Map(m) => {
            m.entries.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
            m.entries.iter_mut().for_each(|(_, v)| drop_resets(v));
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            items.iter_mut().for_each(drop_resets);
        }
        _ => {}
    }
}

fn merge_tag(tag: Option<&granit_parser::Tag>) -> Option<MergeTag> {
    match go_tag(tag) {
        GoTag::Local("reset") => Some(MergeTag::Reset),
        GoTag::Local("override") => Some(MergeTag::Override),
        _ => None,
    }
}

/// A node's tag as go-yaml reads it.
#[derive(Debug, PartialEq, Eq)]
enum GoTag<'t> {
    /// No tag, or the non-specific `!`, which resolves the scalar as if it had none.
    None,
    /// A tag of the YAML namespace (`!!str`, or written out as `!<tag:yaml.org,2002:str>`), by
    /// its name.
    Core(&'t str),
    /// A local tag (`!reset`, or `!<!reset>`), by its name without the `!`.
    Local(&'t str),
    /// Any other tag.
    Other,
}

fn go_tag(tag: Option<&granit_parser::Tag>) -> GoTag<'_> {
    const YAML: &str = "tag:yaml.org,2002:";
    let Some(tag) = tag else { return GoTag::None };
    match tag.parts() {
        // a verbatim tag (`!<…>`) comes whole in the suffix; the non-specific `!` too
        ("", "!") => GoTag::None,
        ("", verbatim) => match (verbatim.strip_prefix(YAML), verbatim.strip_prefix('!')) {
            (Some(name), _) => GoTag::Core(name),
            (None, Some(name)) => GoTag::Local(name),
            (None, None) => GoTag::Other,
        },
        (YAML, name) => GoTag::Core(name),
        ("!", name) => GoTag::Local(name),
        _ => GoTag::Other,
    }
}

fn structure_style(style: StructureStyle) -> Style {
    match style {
        StructureStyle::Block => Style::Block,
        StructureStyle::Flow => Style::Flow,
    }
}

/// A key node's string, or how to show the non-string key in a message.
fn key_name(node: Node) -> Result<String, String> {
    match node.value {
        Value::String(s) => Ok(s),
        // compose's decoder reads `2020-01-01:` as a date, which is not a string key
        Value::Timestamp(s) => Err(format!("`{s}` (a date)")),
        Value::Null => Err("null".into()),
        Value::Seq(_) | Value::Map(_) => Err(format!("of type {}", node.type_name())),
        _ => Err(format!("`{}`", node.scalar_to_string().unwrap_or_default())),
    }
}

/// Resolves a plain scalar as compose's YAML decoder does.
pub fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let Some(first) = s.bytes().next() else { return Value::Null };
    match first {
        b'.' => {
            if is_yaml_float(s) {
                if let Some(f) = parse_yaml_float(s) {
                    return Value::Float(f);
                }
            }
            Value::String(s.to_string())
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if looks_like_timestamp(s) {
                return Value::Timestamp(s.to_string());
            }
            let plain: std::borrow::Cow<'_, str> =
                if s.contains('_') { s.chars().filter(|&c| c != '_').collect::<String>().into() } else { s.into() };
            if let Some(v) = parse_go_int(&plain) {
                return v;
            }
            if is_yaml_float(&plain) {
                if let Some(f) = parse_yaml_float(&plain) {
                    return Value::Float(f);
                }
            }
            Value::String(s.to_string())
        }
        _ => Value::String(s.to_string()),
    }
}

/// A float as Go's `ParseFloat` reads it for the YAML decoder: a number past the largest float
/// is out of range, and the scalar stays a string (`1e400`), where Rust would read infinity.
fn parse_yaml_float(s: &str) -> Option<f64> {
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go's `strconv.ParseInt(s, 0, 64)`, falling back to `ParseUint`: sign, `0x`/`0o`/`0b`
/// prefixes, and a leading `0` for octal.
fn parse_go_int(s: &str) -> Option<Value> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..)?),
        Some(b'+') => (false, s.get(1..)?),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(d) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, body.get(1..)?)
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if neg {
        if i64::try_from(magnitude).is_ok() {
            #[allow(clippy::cast_possible_wrap)]
            return Some(Value::Int(-(magnitude as i64)));
        }
        if magnitude == (i64::MAX as u64) + 1 {
            return Some(Value::Int(i64::MIN));
        }
        return None;
    }
    match i64::try_from(magnitude) {
        Ok(i) => Some(Value::Int(i)),
        Err(_) => Some(Value::UInt(magnitude)),
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A plain scalar Go's YAML decoder reads as a timestamp. go-yaml first checks for four digits
/// and a dash, then tries its layouts with Go's `time.Parse`: `2006-1-2T15:4:5.999999999Z07:00`
/// (also with `t`), `2006-1-2 15:4:5.999999999` (no zone; runs of spaces count as one) and
/// `2006-1-2`. Month and day take one or two digits and must make a real date (`2001-02-30` is
/// text); hours, minutes and seconds take one or two digits; a fraction is `.` or `,` and any
/// number of digits; a zone is `Z` or `±hh:mm`. `2001-12-14 21:59:43.10 -5`, valid YAML 1.1, is
/// text to go-yaml.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    // Go's `getnum`: one or two digits, or exactly two when `fixed`
    let num = |i: &mut usize, fixed: bool| -> Option<u32> {
        let d1 = b.get(*i).filter(|c| c.is_ascii_digit())?;
        let d2 = b.get(*i + 1).filter(|c| c.is_ascii_digit());
        if fixed && d2.is_none() {
            return None;
        }
        *i += 1 + usize::from(d2.is_some());
        Some(d2.map_or(u32::from(d1 - b'0'), |d2| u32::from(d1 - b'0') * 10 + u32::from(d2 - b'0')))
    };
    let expect = |i: &mut usize, c: u8| (b.get(*i) == Some(&c)).then(|| *i += 1);
    let parse = || -> Option<bool> {
        if !b.iter().take(4).all(u8::is_ascii_digit) {
            return None;
        }
        let year: u32 = s.get(..4)?.parse().ok()?;
        let mut i = 4;
        expect(&mut i, b'-')?;
        let month = num(&mut i, false).filter(|m| (1..=12).contains(m))?;
        expect(&mut i, b'-')?;
        let day = num(&mut i, false)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if day < 1 || day > days {
            return None;
        }
        if i == b.len() {
            return Some(true);
        }
        let zoned = match b.get(i)? {
            b'T' | b't' => {
                i += 1;
                true
            }
            b' ' => {
                while b.get(i) == Some(&b' ') {
                    i += 1;
                }
                false
            }
            _ => return None,
        };
        num(&mut i, false).filter(|h| *h < 24)?;
        expect(&mut i, b':')?;
        num(&mut i, false).filter(|m| *m < 60)?;
        expect(&mut i, b':')?;
        num(&mut i, false).filter(|s| *s < 60)?;
        if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        if zoned {
            match b.get(i)? {
                b'Z' => i += 1,
                b'+' | b'-' => {
                    i += 1;
                    let hours = num(&mut i, true)?;
                    expect(&mut i, b':')?;
                    let minutes = num(&mut i, true)?;
                    if hours > 24 || minutes > 60 {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        Some(i == b.len())
    };
    parse().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_go_yamls() {
        // what docker compose v2.40.3 refuses as a timestamp in `environment`, and accepts as text
        for ts in ["2001-1-1", "2004-02-29", "2001-12-14t21:59:43,5Z", "2001-12-14T1:2:3Z", "2001-12-14  21:59:43", "2001-12-14 1:2:3.123456789123", "2001-12-14T21:59:43+24:60"] {
            assert!(super::looks_like_timestamp(ts), "{ts}");
        }
        for text in ["2001-02-29", "2001-02-30", "2001-12-14 21:59:43.10 -5", "2001-12-14T24:00:00Z", "2001-12-14T21:59:43+25:00", "2001-12-14T21:59:43", "2001-13-01", "2001-1-001", "2001-12-14 21:59"] {
            assert!(!super::looks_like_timestamp(text), "{text}");
        }
    }

    #[test]
    fn the_yaml_1_2_slash_escape_is_refused_as_go_yaml_refuses_it() {
        let (_, issues) = one("a: \"x\\/y\"\n");
        assert!(issues.iter().any(|i| i.message.contains("unknown escape")), "{issues:?}");
        // an escaped backslash before a slash is two characters, not an escape of the slash
        let (n, issues) = one("a: \"x\\\\/y\"\n");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(n.map(|n| get(&n, &["a"]).value.clone()), Some(super::Value::String("x\\/y".into())));
    }

    #[test]
    fn a_comment_against_a_token_is_read_as_go_yaml_reads_it() {
        // (each accepted by docker compose v2.40.3, with these values)
        let (n, issues) = one("a: \"x\"# c\nb: [1, 2]# d\nc: |# e\n  text\nd: [3,# f\n  4]\n");
        assert!(issues.is_empty(), "{issues:?}");
        let n = n.unwrap_or_else(|| Node::new(super::Value::Null, Span::default()));
        assert_eq!(get(&n, &["a"]).value, super::Value::String("x".into()));
        assert_eq!(get(&n, &["c"]).value, super::Value::String("text\n".into()));
        assert_eq!(get(&n, &["d"]).as_seq().map(<[Node]>::len), Some(2));
        // inside a plain scalar, `#` with no space before it is text
        let (n, _) = one("a: x#y\n");
        assert_eq!(n.map(|n| get(&n, &["a"]).value.clone()), Some(super::Value::String("x#y".into())));
    }

    /// The value at `x` of `text` read both ways (the fast path, then the full parser), or the
    /// first issue's message and 1-based line and column.
    fn read_x(text: &str) -> Result<Value, (String, usize, usize)> {
        let docs = [parse(text, FileId(0), &Limits::default()), parse_with_granit(text, FileId(0), &Limits::default())];
        let [a, b] = docs;
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text:?}");
        if let Some(issue) = a.issues.first() {
            let at = issue.span.start as usize;
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            return Err((issue.message.clone(), text[..at].matches('\n').count() + 1, text[line_start..at].chars().count() + 1));
        }
        Ok(get(&a.roots[0], &["x"]).value.clone())
    }

    fn strings(items: &[&str]) -> Value {
        Value::Seq(items.iter().map(|s| Node::new(Value::String((*s).into()), Span::default())).collect())
    }

    /// A sequence's or mapping's values without their spans, for comparing.
    fn plain_value(v: &Value) -> String {
        match v {
            Value::Seq(items) => format!("[{}]", items.iter().map(|n| plain_value(&n.value)).collect::<Vec<_>>().join(", ")),
            Value::Map(m) => format!("{{{}}}", m.entries.iter().map(|(k, n)| format!("{:?}: {}", k.name, plain_value(&n.value))).collect::<Vec<_>>().join(", ")),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn a_backslash_quote_escape_is_read_as_go_yaml_reads_it() {
        // (each accepted by docker compose v2.40.3, with this value)
        for (text, want) in [
            ("x: \"it\\'s\"\n", "it's"),
            ("x: \"\\'\"\n", "'"),
            ("x: \"\\'\\x41\"\n", "'A"),
            ("x: \"multi \\'line\n  \\' end\"\n", "multi 'line ' end"),
            // an escaped backslash, then a quote: no escape of the quote
            ("x: \"a\\\\'b\"\n", "a\\'b"),
            ("a: \"\\'\"\nx: \"b\\'c\"  # c\n", "b'c"),
        ] {
            assert_eq!(read_x(text), Ok(Value::String(want.into())), "{text:?}");
        }
        let text = "x: {\"a\\'b\": \"c\\'d\\'\"}\n";
        assert_eq!(read_x(text).map(|v| plain_value(&v)), Ok("{\"a'b\": String(\"c'd'\")}".into()));
        let text = "x: [\"sh\", \"-c\", \"echo \\'hi\\' \\\"x\\\"\"]\n";
        assert_eq!(read_x(text).map(|v| plain_value(&v)), Ok(plain_value(&strings(&["sh", "-c", "echo 'hi' \"x\""]))));
        // other unknown escapes stay refused
        assert!(read_x("x: \"a\\qb\"\n").is_err());
    }

    #[test]
    fn an_alias_may_name_an_anchor_of_an_earlier_document() {
        // docker compose v2.40.3 accepts each (go-yaml keeps the anchors of the documents read
        // so far), the latest definition of a name winning, even one after `...`
        let roots = |text: &str| {
            let doc = parse(text, FileId(0), &Limits::default());
            assert!(doc.issues.is_empty(), "{text:?}: {:?}", doc.issues);
            doc.roots
        };
        let docs = roots("a: &i one\n---\nx: *i\n");
        assert_eq!(get(&docs[1], &["x"]).value, Value::String("one".into()));
        let docs = roots("a: &i one\n---\nb: &i two\nx: *i\n---\ny: *i\n");
        assert_eq!(get(&docs[1], &["x"]).value, Value::String("two".into()));
        assert_eq!(get(&docs[2], &["y"]).value, Value::String("two".into()));
        // an alias before the document's own definition names the earlier one
        let docs = roots("a: &i one\n---\nx: *i\nb: &i two\n");
        assert_eq!(get(&docs[1], &["x"]).value, Value::String("one".into()));
        let docs = roots("b: &m {k: v}\n...\n---\nx: {<<: *m, j: w}\n");
        assert_eq!(get(&docs[1], &["x", "k"]).value, Value::String("v".into()));
        // a later document's anchor is not known before it: refused, with the name
        let doc = parse("x: *i\n---\na: &i one\n", FileId(0), &Limits::default());
        assert!(doc.issues.iter().any(|i| i.message == "invalid YAML: unknown anchor `i`" && i.span.start == 3), "{:?}", doc.issues);
    }

    #[test]
    fn anchor_and_alias_names_are_go_yamls() {
        // docker compose v2.40.3 refuses each of these: "did not find expected alphabetic or
        // numeric character" (a name is ASCII letters, digits, `_` and `-`, followed by a blank or
        // one of `,]}:?`)
        for (text, line, col) in [
            ("x: &a.b v\n", 1, 6),
            ("x: &a/b v\n", 1, 6),
            ("x: [&a/b v]\n", 1, 7),
            ("x: &é v\n", 1, 5),
            ("x: &😀 v\n", 1, 5),
            ("x: &a* v\n", 1, 6),
            ("x: &a! v\n", 1, 6),
            ("x: &a\" v\n", 1, 6),
            ("x: &a%b v\n", 1, 6),
            ("x: &a[1]\n", 1, 6),
            ("a: &a v\nx: *a.b\n", 2, 6),
            ("a: &a v\nx: [*a/b]\n", 2, 7),
            ("a: &a:b v\nx: *a:b\n", 2, 6),
        ] {
            match read_x(text) {
                Err((message, l, c)) => {
                    assert!(message.contains("name") || message.contains("right after"), "{text:?}: {message}");
                    assert_eq!((l, c), (line, col), "{text:?}: {message}");
                }
                Ok(v) => panic!("{text:?} read as {v:?}"),
            }
        }
        // ... and accepts these, with these values
        assert_eq!(read_x("a: &a-b_C9 v\nx: *a-b_C9\n"), Ok(Value::String("v".into())));
        assert_eq!(read_x("a: &a v\nx: [&b, 1, *a]\n").map(|v| plain_value(&v)), Ok("[Null, Int(1), String(\"v\")]".into()));
        // an alias as a key: go-yaml ends its name at the `:`
        for text in ["a: &a k\nx: {*a: 1}\n", "a: &a k\nx:\n  *a: 1\n", "a: &a k\nx:\n  *a :\n    1\n", "a: &a k\nx:\n  *a:\n    1\n"] {
            assert_eq!(read_x(text).map(|v| plain_value(&v)), Ok("{\"k\": Int(1)}".into()), "{text:?}");
        }
        assert!(read_x("x:\n  *a: 1\n").is_err_and(|(m, ..)| m.contains("unknown anchor")));
    }

    #[test]
    fn flow_indicators_are_read_as_go_yaml_reads_them() {
        // (accepted by docker compose v2.40.3, with these values): a `-` starts a plain scalar
        // whenever no blank follows it, and a `:` ends one only before a blank
        for (text, want) in [
            ("x: [-, a:, -:, \"b\", x-]\n", &["-", "a:", "-:", "b", "x-"][..]),
            ("x: [a:, b]\n", &["a:", "b"]),
            ("x: [a:b:, c]\n", &["a:b:", "c"]),
            ("x: [a:,\n  b]\n", &["a:", "b"]),
        ] {
            assert_eq!(read_x(text).map(|v| plain_value(&v)), Ok(plain_value(&strings(want))), "{text:?}");
        }
        assert_eq!(read_x("x: {a:, k: -, j: a:}\n").map(|v| plain_value(&v)), Ok("{\"a:\": Null, \"k\": String(\"-\"), \"j\": String(\"a:\")}".into()));
        assert_eq!(read_x("x: {?a: b}\n").map(|v| plain_value(&v)), Ok("{\"a\": String(\"b\")}".into()));
        // (in block context both are text)
        assert_eq!(read_x("x: http://x/?a=1\n"), Ok(Value::String("http://x/?a=1".into())));
        // refused by compose: a `:` in a flow collection is a value indicator, whatever follows
        // ("did not find expected node content"), and a plain scalar ends at `[` or `{`
        for (text, line, col) in [("x: [::1]\n", 1, 5), ("x: {k: ::1}\n", 1, 8), ("x: [a, :a]\n", 1, 8), ("x: [a:[b]]\n", 1, 6), ("x: {a:[b]}\n", 1, 6)] {
            match read_x(text) {
                Err((_, l, c)) => assert_eq!((l, c), (line, col), "{text:?}"),
                Ok(v) => panic!("{text:?} read as {v:?}"),
            }
        }
        // a `?` is a key indicator in a flow collection, whatever follows it: compose refuses it
        // inside a plain scalar ("did not find expected ',' or ']'") and as a mapping's value
        // ("did not find expected node content"), and reads `{?a: b}` as `{a: b}`
        for (text, line, col) in [("x: [curl, http://x/?a=1]\n", 1, 20), ("x: {u: http://x/?a=1}\n", 1, 17), ("x: [a?]\n", 1, 6), ("x: {k: ?a}\n", 1, 8)] {
            match read_x(text) {
                Err((_, l, c)) => assert_eq!((l, c), (line, col), "{text:?}"),
                Ok(v) => panic!("{text:?} read as {v:?}"),
            }
        }
    }

    #[test]
    fn surrogate_escapes_are_refused_as_go_yaml_refuses_them() {
        // docker compose v2.40.3: "found invalid Unicode character escape code", pairs included
        for (text, col) in [("x: \"\\ud83d\\ude00\"\n", 5), ("x: \"a \\U0000D83D\\uDE00\"\n", 4), ("x: \"\\ud83d\"\n", 4), ("x: \"\\uDFFF\"\n", 4)] {
            assert!(read_x(text).is_err_and(|(_, line, c)| line == 1 && c == col), "{text:?}: {:?}", read_x(text));
        }
        // an escaped backslash before `u` is no escape; other characters stay accepted
        assert_eq!(read_x("x: \"\\\\ud83d\"\n"), Ok(Value::String("\\ud83d".into())));
        assert_eq!(read_x("x: \"\\U0001F600\\u00e9\"\n"), Ok(Value::String("\u{1F600}\u{e9}".into())));
    }

    #[test]
    fn a_document_after_an_end_marker_needs_a_start_marker() {
        // docker compose v2.40.3: "did not find expected <document start>"
        let doc = parse("a: 1\n...\nb: 1\n", FileId(0), &Limits::default());
        assert!(doc.issues.first().is_some_and(|i| i.message.contains("`---`") && i.span.start == 9), "{:?}", doc.issues);
        // ... and accepts these
        for text in ["a: 1\n...\n---\nb: 1\n", "---\na: 1\n...\n# c\n\n---\nb: 1\n", "a: 1\n...\n", "a: 1\n...\n...\n", "a: 1\n---\nb: 1\n"] {
            let doc = parse(text, FileId(0), &Limits::default());
            assert!(doc.issues.is_empty(), "{text:?}: {:?}", doc.issues);
        }
    }

    #[test]
    fn an_end_marker_before_the_first_document_is_refused() {
        // docker compose v2.40.3: "did not find expected node content", after blank lines,
        // comments or a byte order mark too, and whatever follows the marker
        for (text, at) in [
            ("...\nservices: {}\n", 0),
            ("\n\n...\n# c\nservices: {}\n", 2),
            ("# c\n...\n", 4),
            ("  # c\n... # d\n---\nservices: {}\n", 6),
            ("\u{feff}...\r\nservices: {}\r\n", 3),
            ("...", 0),
        ] {
            for doc in [parse(text, FileId(0), &Limits::default()), parse_with_granit(text, FileId(0), &Limits::default())] {
                assert!(
                    doc.issues.iter().any(|i| i.kind == IssueKind::YamlSyntax && i.message.contains("before any has started") && i.span.start == at),
                    "{text:?}: {:?}",
                    doc.issues
                );
            }
        }
        // ... and accepts these: markers after a document, a scalar that starts with dots
        for text in ["services: {}\n...\n...\n", "---\n...\n---\na: 1\n", "...a: 1\n", "  ...\n", "a: |\n  x\n...\n"] {
            let doc = parse(text, FileId(0), &Limits::default());
            assert!(!doc.issues.iter().any(|i| i.message.contains("before any has started")), "{text:?}: {:?}", doc.issues);
        }
    }

    #[test]
    fn a_flow_key_has_its_colon_on_its_line() {
        // docker compose v2.40.3 refuses these: "did not find expected ',' or '}'"
        for text in ["x: {a\n  b: c}\n", "x: {a\n  : b}\n", "x: {\"a\"\n  : b}\n", "x: {a # c\n  : b}\n", "x: [a\n  : b]\n"] {
            assert!(read_x(text).is_err(), "{text:?}");
        }
        // ... and accepts these, with these values
        for (text, want) in [
            ("x: {\n  \"a\": \"b\",\n  \"c\":\n    \"d\"\n}\n", "{\"a\": String(\"b\"), \"c\": String(\"d\")}"),
            ("x: {? a\n  : b}\n", "{\"a\": String(\"b\")}"),
            ("x: {a: b, # c\n  c: d}\n", "{\"a\": String(\"b\"), \"c\": String(\"d\")}"),
            ("x: {a: {b: c,\n  d: e}, f: g}\n", "{\"a\": {\"b\": String(\"c\"), \"d\": String(\"e\")}, \"f\": String(\"g\")}"),
            ("x: [a: b,\n  c]\n", "[{\"a\": String(\"b\")}, String(\"c\")]"),
        ] {
            assert_eq!(read_x(text).map(|v| plain_value(&v)), Ok(want.into()), "{text:?}");
        }
    }

    #[test]
    fn binary_tag_is_decoded_as_go_yaml_does() {
        let value = |text: &str| {
            let (n, issues) = one(&format!("a: !!binary {text}\n"));
            if !issues.is_empty() {
                return Err(issues);
            }
            Ok(n.map(|n| get(&n, &["a"]).value.clone()))
        };
        assert_eq!(value("aGVsbG8="), Ok(Some(Value::String("hello".into()))));
        assert_eq!(value("|\n  aGVs\n  bG8="), Ok(Some(Value::String("hello".into()))));
        assert_eq!(value("''"), Ok(Some(Value::String(String::new()))));
        for bad in ["aGVsbG8", "aGVs bG8=", "a===", "=AAA"] {
            assert!(value(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_are_read_as_go_yaml_reads_them() {
        let value = |text: &str| {
            let (n, issues) = one(&format!("a: {text}\n"));
            assert!(issues.is_empty(), "{text}: {issues:?}");
            n.map(|n| get(&n, &["a"]).clone())
        };
        // verbatim tags are their short forms
        assert_eq!(value("!<tag:yaml.org,2002:str> 1").map(|n| n.value), Some(Value::String("1".into())));
        assert_eq!(value("!<tag:yaml.org,2002:int> 0x10").map(|n| n.value), Some(Value::Int(16)));
        assert_eq!(value("!<!reset> x").and_then(|n| n.tag), Some(MergeTag::Reset));
        // the non-specific `!` resolves the scalar as if it had no tag
        assert_eq!(value("! 1").map(|n| n.value), Some(Value::Int(1)));
        assert_eq!(value("! true").map(|n| n.value), Some(Value::Bool(true)));
        // a collection tag on a scalar leaves text; any other tag too
        assert_eq!(value("!!map 1").map(|n| n.value), Some(Value::String("1".into())));
        assert_eq!(value("!!seq true").map(|n| n.value), Some(Value::String("true".into())));
        assert_eq!(value("!!foo 1").map(|n| n.value), Some(Value::String("1".into())));
        assert_eq!(value("!custom 1").map(|n| n.value), Some(Value::String("1".into())));
        assert!(one("a: !<tag:yaml.org,2002:int> x\n").1.iter().any(|i| i.message.contains("cannot decode `x` as a !!int")));
    }

    #[test]
    fn a_float_out_of_range_stays_a_string() {
        // go-yaml keeps the scalar when Go's ParseFloat fails on it; an underflow is zero
        assert_eq!(resolve_plain("1e400"), Value::String("1e400".into()));
        assert_eq!(resolve_plain("-1_0e400"), Value::String("-1_0e400".into()));
        assert_eq!(resolve_plain(".5e400"), Value::String(".5e400".into()));
        assert_eq!(resolve_plain("1e-400"), Value::Float(0.0));
        assert_eq!(resolve_plain("1.7976931348623157e308"), Value::Float(f64::MAX));
        assert_eq!(resolve_plain(".inf"), Value::Float(f64::INFINITY));
    }

    use super::*;

    fn one(text: &str) -> (Option<Node>, Vec<Issue>) {
        let mut d = parse(text, FileId(0), &Limits::default());
        (d.roots.pop(), d.issues)
    }

    fn get<'a>(n: &'a Node, path: &[&str]) -> &'a Node {
        let mut cur = n;
        for p in path {
            cur = cur.as_map().and_then(|m| m.get(p)).unwrap();
        }
        cur
    }

    #[test]
    fn a_block_scalar_ending_the_text_has_no_last_line_break() {
        // go-yaml keeps only the line breaks in the text; `|2` sends the text to `granit_parser`
        for (text, want) in [
            ("a: |\n  x\n  y", "x\ny"),
            ("a: |2\n  x\n  y ", "x\ny "),
            ("a: >\n  x\n  y", "x y"),
            ("a: |+\n  x\n\n  y", "x\n\ny"),
            ("a: |\n  x\n  y\n", "x\ny\n"),
            ("a: |\n  x\n  ", "x\n"),
            ("a: |\n    x\n  # c", "x\n"),
        ] {
            for doc in [parse(text, FileId(0), &Limits::default()), parse_with_granit(text, FileId(0), &Limits::default())] {
                assert!(doc.issues.is_empty(), "{text:?}: {:?}", doc.issues);
                assert_eq!(get(&doc.roots[0], &["a"]).value, Value::String(want.into()), "{text:?}");
            }
        }
    }

    #[test]
    fn scalars_resolve_like_compose() {
        let (n, issues) = one("a: yes\nb: 0755\nc: 08\nd: 1_000\ne: 0x1F\nf: .5\ng: 1e3\nh: '1'\ni: ~\nj: True\nk: 22:22\nl: 2001-12-14\nm: -0b11\n");
        assert!(issues.is_empty(), "{issues:?}");
        let n = n.unwrap();
        assert_eq!(get(&n, &["a"]).value, Value::String("yes".into()));
        assert_eq!(get(&n, &["b"]).value, Value::Int(493));
        assert_eq!(get(&n, &["c"]).value, Value::Float(8.0));
        assert_eq!(get(&n, &["d"]).value, Value::Int(1000));
        assert_eq!(get(&n, &["e"]).value, Value::Int(31));
        assert_eq!(get(&n, &["f"]).value, Value::Float(0.5));
        assert_eq!(get(&n, &["g"]).value, Value::Float(1000.0));
        assert_eq!(get(&n, &["h"]).value, Value::String("1".into()));
        assert_eq!(get(&n, &["i"]).value, Value::Null);
        assert_eq!(get(&n, &["j"]).value, Value::Bool(true));
        assert_eq!(get(&n, &["k"]).value, Value::String("22:22".into()));
        assert_eq!(get(&n, &["l"]).value, Value::Timestamp("2001-12-14".into()));
        assert_eq!(get(&n, &["m"]).value, Value::Int(-3));
    }

    #[test]
    fn go_float_format() {
        assert_eq!(format_go_float(1e20), "1e+20");
        assert_eq!(format_go_float(1000.0), "1000");
        assert_eq!(format_go_float(0.5), "0.5");
        assert_eq!(format_go_float(3.25159), "3.25159");
        assert_eq!(format_go_float(1_234_567.0), "1.234567e+06");
        assert_eq!(format_go_float(0.0001), "0.0001");
        assert_eq!(format_go_float(0.00001), "1e-05");
        assert_eq!(format_go_float(1.5e300), "1.5e+300");
    }

    #[test]
    fn merge_precedence_and_alias_location() {
        let text = "x: &a {image: a, user: u}\ny: &b {image: b, tty: true}\ns:\n  <<: [*a, *b]\n  image: c\n";
        let (n, issues) = one(text);
        assert!(issues.is_empty(), "{issues:?}");
        let n = n.unwrap();
        let s = get(&n, &["s"]).as_map().unwrap();
        let names: Vec<_> = s.entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(names, ["user", "tty", "image"]);
        assert_eq!(s.get("image").unwrap().value, Value::String("c".into()));
        let user = s.get("user").unwrap();
        assert_eq!(&text[user.span.start as usize..user.span.end as usize], "*a");
        let anchor = user.anchor.unwrap();
        assert_eq!(&text[anchor.start as usize..anchor.end as usize], "u");
    }

    #[test]
    fn duplicate_key_points_at_second() {
        let (_, issues) = one("a: 1\nb: 2\na: 3\n");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::DuplicateKey);
        assert_eq!(issues[0].span.start, 10);
        assert_eq!(issues[0].related[0].span.start, 0);
    }

    #[test]
    fn billion_laughs_is_bounded() {
        use std::fmt::Write as _;
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            let _ = writeln!(text, "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]");
        }
        let (_, issues) = one(&text);
        assert!(issues.iter().any(|i| i.kind == IssueKind::InputLimit), "{issues:?}");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let text = "[".repeat(10_000);
        let (_, issues) = one(&text);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::InputLimit, "{issues:?}");
    }

    #[test]
    fn non_string_keys_are_reported() {
        let (n, issues) = one("env:\n  1: x\n  b: y\n");
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::NonStringKey);
        let env = get(&n.unwrap(), &["env"]).as_map().unwrap().len();
        assert_eq!(env, 1);
    }

    #[test]
    fn a_refused_tab_is_shown_where_it_stands() {
        // a tab in a key's indentation, and a tab in the indentation of a plain scalar's next line
        for (text, line_start) in [("services:\n  web:\n\timage: nginx\n", 17), ("a:\n  b: one\n\t two\n", 12), ("a:\n  - x\n\t- y\n", 9)] {
            let doc = parse_with_granit(text, FileId(0), &Limits::default());
            let issue = doc.issues.iter().find(|i| i.kind == IssueKind::YamlSyntax).expect(text);
            assert_eq!((issue.span.start, issue.span.end), (line_start, line_start + 1), "{text:?}: {}", issue.message);
            assert!(issue.help.as_deref().is_some_and(|h| h.contains("spaces")), "{text:?}");
        }
    }

    #[test]
    fn a_flow_collection_left_open_is_shown() {
        let related = |text: &str| {
            let doc = parse(text, FileId(0), &Limits::default());
            let issue = doc.issues.iter().find(|i| i.kind == IssueKind::YamlSyntax).unwrap_or_else(|| panic!("{text:?}"));
            issue.related.iter().map(|r| (r.span.start, r.message.clone())).collect::<Vec<_>>()
        };
        let head = "services:\n  web:\n    image: nginx:1.27\n";
        let at = u32::try_from(head.len()).unwrap();
        assert_eq!(related(&format!("{head}    command: [\"npm\", \"start\"\n    restart: always\n")), [(at + 13, "this `[` is never closed".to_string())]);
        assert_eq!(related(&format!("{head}    environment: {{A: 1, B: 2\n    restart: always\n")), [(at + 17, "this `{` is never closed".to_string())]);
        // a mistake inside a collection that goes on over more lines is not blamed on its start
        assert_eq!(related(&format!("{head}    command: [\"npm\",\n      \"run\" \"start\"]\n")), []);
    }

    #[test]
    fn a_key_without_its_colon_is_named() {
        let help = |text: &str| {
            let doc = parse(text, FileId(0), &Limits::default());
            let issue = doc.issues.iter().find(|i| i.kind == IssueKind::YamlSyntax).unwrap_or_else(|| panic!("{text:?}"));
            issue.help.clone().unwrap_or_default()
        };
        assert_eq!(help("services:\n  web\n    image: nginx:1.27\n"), "did you mean `web:`?");
        assert_eq!(help("services:\n  web:\n    image nginx:1.27\n    restart: always\n"), "did you mean `image: nginx:1.27`?");
        assert_eq!(help("services:\n  web:\n    image: nginx:1.27\n    environment\n      A: b\n"), "did you mean `environment:`?");
        // a `:` too many is not a `:` missing: quote the value
        assert!(help("services:\n  web:\n    image: a: b\n").starts_with("a `: ` in a plain value starts a mapping: quote the value"));
        // the text of a block scalar indented no deeper than its key is not a key without `:`
        assert_eq!(help("services:\n  web:\n    command: |\n    echo hi\n"), "indent the lines of a block scalar (`|` or `>`) deeper than its key");
    }

    #[test]
    fn an_unexpected_character_is_shown_where_it_stands() {
        let issue = |text: &str| {
            let doc = parse(text, FileId(0), &Limits::default());
            doc.issues.into_iter().find(|i| i.kind == IssueKind::YamlSyntax).unwrap_or_else(|| panic!("{text:?}"))
        };
        let head = "services:\n  web:\n    hostname: ";
        let at = u32::try_from(head.len()).unwrap();
        let bell = issue(&format!("{head}web\u{7}host\n"));
        assert_eq!((bell.span.start, bell.span.end), (at + 3, at + 4));
        assert_eq!(bell.message, "invalid YAML: control character U+0007 in the text");
        let reserved = issue(&format!("{head}@web\n"));
        assert_eq!(reserved.span.start, at);
        assert!(reserved.message.contains("cannot start with `@`") && reserved.help.as_deref() == Some("put the value in quotes"));
        assert_eq!(unescape_char("\\u{1b}"), Some('\u{1b}'));
        assert_eq!(unescape_char("`"), Some('`'));
        assert_eq!(unescape_char("ab"), None);
    }
}
