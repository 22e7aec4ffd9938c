//! Tabs that docker compose's YAML reader (go-yaml) refuses where YAML 1.2 allows them.
//!
//! go-yaml's scanner skips a tab between tokens only inside `[…]`/`{…}` or where no key can
//! start; so a tab at the start of a line, or right after a block entry's `-` (or `?`), is a
//! character "that cannot start any token". A plain scalar reads on over the following lines,
//! and a tab it meets in a line's indentation "violates indentation"; a block scalar's lines
//! must be indented with spaces. A comment line is the exception: after a comment, go-yaml
//! reads every following comment line whatever its leading blanks.
//!
//! The YAML parser accepts these, so the text is checked after a successful parse, with the
//! tokens the parser reported, and only when a line has a tab where go-yaml looks for one.

use granit_parser::{Event, ScalarStyle, StructureStyle};

use crate::issue::{Issue, IssueKind};
use crate::span::{FileId, Span};

/// What a token is, for the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    Quoted,
    Block,
    /// An alias, or the end of a flow collection.
    Other,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
    /// The column of the block collection the token is in (`-1` at the top level): a plain
    /// scalar's continuation lines must be indented past it.
    parent: isize,
}

/// A tab go-yaml may refuse: at `at`, either in a line's indentation or after an indicator.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    at: usize,
    after_indicator: bool,
}

/// The tokens of a text that has tabs where go-yaml looks at them, gathered from the parser's
/// events (or, with no tab to check, only its flow collections).
#[derive(Default)]
pub(crate) struct TabCheck {
    candidates: Vec<Candidate>,
    tokens: Vec<Token>,
    flows: Vec<(usize, usize)>,
    /// Open collections: flow, the column of a block one, and where a flow one starts.
    stack: Vec<(bool, isize, usize)>,
}

impl TabCheck {
    /// `None` when no tab stands where go-yaml would refuse it (the usual case: no work then).
    pub(crate) fn new(text: &str) -> Option<Self> {
        memchr::memchr(b'\t', text.as_bytes())?;
        let candidates = candidates(text);
        (!candidates.is_empty()).then(|| Self { candidates, tokens: Vec::new(), flows: Vec::new(), stack: Vec::new() })
    }

    /// The byte ranges of the flow collections seen so far, those still open running to the end.
    pub(crate) fn flows(&self) -> Vec<(usize, usize)> {
        let open = self.stack.iter().filter(|(flow, _, _)| *flow).map(|&(_, _, from)| (from, usize::MAX));
        self.flows.iter().copied().chain(open).collect()
    }

    /// Records one parser event at `start..end` (byte offsets).
    pub(crate) fn observe(&mut self, text: &str, event: &Event<'_>, start: usize, end: usize) {
        let parent = self.stack.iter().rev().find(|(flow, _, _)| !flow).map_or(-1, |(_, col, _)| *col);
        match event {
            Event::Scalar(_, style, _, _) => {
                let kind = match style {
                    ScalarStyle::Plain => Kind::Plain,
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => Kind::Quoted,
                    _ => Kind::Block,
                };
                self.tokens.push(Token { start, end, kind, parent });
            }
            Event::Alias(_) => self.tokens.push(Token { start, end, kind: Kind::Other, parent }),
            Event::SequenceStart(style, ..) | Event::MappingStart(style, ..) => {
                let flow = *style == StructureStyle::Flow;
                self.stack.push((flow, isize::try_from(column(text, start)).unwrap_or(isize::MAX), start));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((true, _, from)) = self.stack.pop() {
                    self.flows.push((from, end.max(from + 1)));
                    self.tokens.push(Token { start: end.saturating_sub(1).max(from), end, kind: Kind::Other, parent });
                }
            }
            _ => {}
        }
    }

    /// The first tab go-yaml refuses, as the issue compose would stop at.
    ///
    /// Linear in the text: tokens and flow collections are found by binary search, and what lies
    /// between a token and the tabs after it is read once however many tabs follow it.
    pub(crate) fn check(mut self, text: &str, file: FileId) -> Option<Issue> {
        self.tokens.sort_by_key(|t| (t.start, t.end));
        self.flows.sort_unstable();
        let mut reach = 0;
        let reaches: Vec<usize> = self.flows.iter().map(|&(_, e)| {
            reach = reach.max(e);
            reach
        }).collect();
        let mut scan = Scan::default();
        self.candidates.iter().find_map(|c| self.refusal(text, *c, &reaches, &mut scan)).map(|(at, message)| {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            Issue::error(IssueKind::YamlSyntax, Span::new(file, at, at.saturating_add(1)), format!("invalid YAML: {message}"))
                .with_help("indent with spaces: docker compose's YAML reader refuses a tab here")
        })
    }

    /// Why go-yaml refuses the tab, if it does. `reaches[i]`: the furthest end of the first `i + 1`
    /// flow collections (by start).
    fn refusal(&self, text: &str, c: Candidate, reaches: &[usize], scan: &mut Scan) -> Option<(usize, &'static str)> {
        let at = c.at;
        let opened = self.flows.partition_point(|&(s, _)| s < at);
        if opened.checked_sub(1).and_then(|i| reaches.get(i)).is_some_and(|&e| at < e) {
            return None;
        }
        // tokens do not overlap: the last one that starts before the tab holds it or ends before it
        let index = self.tokens.partition_point(|t| t.start < at).checked_sub(1);
        let before = index.and_then(|i| self.tokens.get(i));
        let inside = before.filter(|t| at < t.end);
        if inside.is_some_and(|t| matches!(t.kind, Kind::Quoted | Kind::Other)) {
            return None;
        }
        if c.after_indicator {
            return inside.is_none().then_some((at, NO_TOKEN));
        }
        let col = column(text, at);
        scan.advance(text, index, before.map_or(0, |t| t.end.min(at)), at);
        match before {
            Some(t) if t.kind == Kind::Block && scan.blank => (col < scan.block_indent(text, t)).then_some((at, BLOCK_INDENT)),
            Some(t) if t.kind == Kind::Plain && scan.blank => {
                let indent = t.parent + 1;
                (isize::try_from(col).unwrap_or(isize::MAX) < indent).then_some((at, PLAIN_INDENT))
            }
            _ => (!(scan.comment_line && scan.comment_follows(text, at))).then_some((at, NO_TOKEN)),
        }
    }
}

/// What the text between a token and the tabs after it holds, read once for all those tabs.
#[derive(Default)]
struct Scan {
    /// The token the gap follows (`None`: the start of the text), and how far the gap is read.
    #[allow(clippy::option_option)] // none read yet, the start of the text, or a token
    token: Option<Option<usize>>,
    read_to: usize,
    /// Only blanks and line breaks so far.
    blank: bool,
    /// A line of the gap (after the token's own line) is a comment.
    comment_line: bool,
    /// Reading a line's leading blanks.
    leading: bool,
    /// The block scalar whose content indentation is known, and that indentation.
    block: Option<(usize, usize)>,
    /// Tabs before this offset have their answer in `follows`: whether the first line from theirs
    /// on that is not blank is a comment.
    follows_until: usize,
    follows: bool,
}

impl Scan {
    /// Reads the gap after `token` (which ends at `from`) up to `to`.
    fn advance(&mut self, text: &str, token: Option<usize>, from: usize, to: usize) {
        if self.token != Some(token) {
            // (a comment on the token's own line is read with that line, and starts no run; at
            // the start of the text there is no such line)
            *self = Self { token: Some(token), read_to: from, blank: true, leading: token.is_none(), follows_until: self.follows_until, follows: self.follows, ..Self::default() };
        }
        for &b in text.as_bytes().get(self.read_to..to).unwrap_or_default() {
            match b {
                b'\n' => self.leading = true,
                b' ' | b'\t' | b'\r' => {}
                b'#' if self.leading => {
                    self.comment_line = true;
                    self.leading = false;
                    self.blank = false;
                }
                _ => {
                    self.leading = false;
                    self.blank = false;
                }
            }
        }
        self.read_to = self.read_to.max(to);
    }

    /// Whether a comment line comes at or after the tab's line, with only blank lines between:
    /// go-yaml's run of comments then reads the tab's line.
    fn comment_follows(&mut self, text: &str, at: usize) -> bool {
        if at < self.follows_until {
            return self.follows;
        }
        let mut line_start = text.get(..at).and_then(|b| b.rfind('\n')).map_or(0, |n| n + 1);
        let mut answer = false;
        for line in text.get(line_start..).unwrap_or("").split_inclusive('\n') {
            let content = line.trim_start_matches([' ', '\t']).trim_end_matches(['\r', '\n']);
            if !content.is_empty() {
                answer = content.starts_with('#');
                break;
            }
            line_start += line.len();
        }
        self.follows_until = line_start;
        self.follows = answer;
        answer
    }

    /// The indentation of a block scalar's content: its first line with text (at least one past
    /// its parent, as go-yaml requires).
    fn block_indent(&mut self, text: &str, t: &Token) -> usize {
        if let Some((_, indent)) = self.block.filter(|(start, _)| *start == t.start) {
            return indent;
        }
        let body = text.get(t.start..t.end).unwrap_or("");
        let first = body.split('\n').skip(1).find(|l| !l.trim().is_empty());
        let parent = usize::try_from(t.parent + 1).unwrap_or(0);
        let indent = first.map_or(parent.max(1), |l| l.bytes().take_while(|&b| b == b' ').count().max(parent).max(1));
        self.block = Some((t.start, indent));
        indent
    }
}

const NO_TOKEN: &str = "found a tab character that cannot start any token";
const PLAIN_INDENT: &str = "found a tab character that violates indentation";
const BLOCK_INDENT: &str = "found a tab character where an indentation space is expected";

/// Tabs in a line's indentation, and tabs right after a block entry's `-` or a `?`.
fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let bytes = line.as_bytes();
        let mut i = bytes.iter().position(|&b| b != b' ').unwrap_or(bytes.len());
        if bytes.get(i) == Some(&b'\t') {
            out.push(Candidate { at: line_start + i, after_indicator: false });
        } else {
            // `- ` and `? ` indicators, nested (`- - x`), then blanks
            while matches!(bytes.get(i), Some(b'-' | b'?')) && matches!(bytes.get(i + 1), Some(b' ' | b'\t')) {
                i += 1;
                let blanks = bytes.iter().skip(i).take_while(|&&b| b == b' ' || b == b'\t').count();
                if let Some(tab) = bytes.iter().skip(i).take(blanks).position(|&b| b == b'\t') {
                    out.push(Candidate { at: line_start + i + tab, after_indicator: true });
                    break;
                }
                i += blanks;
            }
        }
        line_start += line.len();
    }
    out
}

/// The byte column of `at` in its line.
fn column(text: &str, at: usize) -> usize {
    let before = text.get(..at).unwrap_or(text);
    at - before.rfind('\n').map_or(0, |n| n + 1)
}

#[cfg(test)]
mod tests {
    use crate::span::FileId;
    use crate::yaml::{parse, Limits};

    /// The YAML error message for `text`, if any.
    fn refused(text: &str) -> Option<String> {
        let doc = parse(text, FileId(0), &Limits::default());
        doc.issues.iter().find(|i| i.kind == crate::issue::IssueKind::YamlSyntax).map(|i| i.message.clone())
    }

    const HEAD: &str = "services:\n  app:\n    image: nginx\n";

    // Each case was run through docker compose v2.40.3 (`config`), which refuses or accepts it.
    #[test]
    fn tabs_compose_refuses() {
        for (text, why) in [
            (format!("{HEAD}\t# after a plain value\n"), "violates indentation"),
            (format!("{HEAD}\n\t\n    restart: always\n"), "violates indentation"),
            (format!("{HEAD}  \t# c\n"), "violates indentation"),
            ("services:\n  app:\n    image: \"nginx\"\n\t# c\n".to_string(), "cannot start any token"),
            (format!("{HEAD}    environment:\n\t# c\n      A: b\n"), "cannot start any token"),
            (format!("{HEAD}    command:\n      -\techo\n"), "cannot start any token"),
            (format!("{HEAD}    command:\n      - \techo\n"), "cannot start any token"),
            (format!("{HEAD}    labels:\n      ?\ta\n      : b\n"), "cannot start any token"),
            (format!("{HEAD}    command: [a, b]\n\t# c\n"), "cannot start any token"),
            ("\t# first line\nservices: {}\n".to_string(), "cannot start any token"),
            (format!("{HEAD}    image2: nginx # a comment on the line\n\t# c\n"), "cannot start any token"),
            ("services:\n  app:\n    image: \"nginx\"\n# a\n\t\n    restart: always\n".to_string(), "cannot start any token"),
            (format!("{HEAD}    environment:\n      A: |\n        x\n\n\t\n      B: y\n"), "indentation space is expected"),
            // a tab inside `[…]` is skipped, the one after it is not
            (format!("{HEAD}    command: [a,\n\tb]\n\t# c\n"), "cannot start any token"),
        ] {
            let message = refused(&text).unwrap_or_default();
            assert!(message.contains(why), "{text:?}: {message}");
        }
    }

    #[test]
    fn tabs_compose_accepts() {
        for text in [
            "services:\n  app:\n    image:\tnginx\n".to_string(),
            "services:\n  app:\t\n    image: nginx\t# c\n".to_string(),
            format!("{HEAD}    command: echo\n      \tcontinued\n"),
            format!("{HEAD}    command: |\n      echo\n      \tindented content\n"),
            format!("{HEAD}    command: \"echo\n\tfoo\"\n"),
            format!("{HEAD}    command: 'echo\n\tfoo'\n"),
            format!("{HEAD}    # a comment line\n\t# and one after it\n"),
            "services:\n  app:\n    image: \"nginx\"\n# a\n\t\n# b\n".to_string(),
            "# head\n\t# c2\nservices:\n  app:\n    image: nginx\n".to_string(),
            format!("{HEAD}    command: [\"a\",\n      \t\"b\"]\n"),
            // inside `[…]`/`{…}` go-yaml skips tabs, even those that start a line
            format!("{HEAD}    command: [a,\n\tb]\n"),
            format!("{HEAD}    environment: {{A: 1,\n\tB: 2}}\n"),
            format!("{HEAD}    command:\n      [\n        \"a\",\n\t  \"b\",\n      ]\n"),
        ] {
            assert_eq!(refused(&text), None, "{text:?}");
        }
    }
}
