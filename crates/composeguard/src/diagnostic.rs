//! The diagnostic contract: what every finding carries, in every output format.

use std::borrow::Cow;
use std::sync::Arc;
use serde::Serialize;

pub use composeguard_model::Severity;
use composeguard_model::{FileId, PositionEncoding, SourceMap, Span};

/// What kind of problem a rule finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// What `docker compose config` rejects.
    Spec,
    /// Accepted by compose, but wrong or failing at `up`.
    Correctness,
    Security,
    Reliability,
    Resources,
    Reproducibility,
    Style,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Self::Spec,
        Self::Correctness,
        Self::Security,
        Self::Reliability,
        Self::Resources,
        Self::Reproducibility,
        Self::Style,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Spec => "spec",
            Self::Correctness => "correctness",
            Self::Security => "security",
            Self::Reliability => "reliability",
            Self::Resources => "resources",
            Self::Reproducibility => "reproducibility",
            Self::Style => "style",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A 1-based line and column, and the byte offset.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Position {
    pub line: u32,
    pub column: u32,
    pub offset: u32,
}

/// A secondary location: the anchor behind an alias, the first duplicate, the file that set a value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RelatedLocation {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub message: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

/// One text replacement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Edit {
    pub file: String,
    pub start: Position,
    pub end: Position,
    pub replacement: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Edit {
    /// Replaces the text under `span` (an empty span inserts, an empty replacement deletes);
    /// `file`, `start` and `end` are filled when the report is built.
    pub fn new(span: Span, replacement: impl Into<String>) -> Self {
        Self { file: String::new(), start: Position::default(), end: Position::default(), replacement: replacement.into(), span }
    }
}

/// A fix: edits that resolve the finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// Why a finding does not count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Suppression {
    /// `inline`, `file`, `config` or `baseline`.
    pub kind: String,
    pub reason: Option<String>,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Diagnostic {
    // `Cow`: borrowed from the rule's metadata (a file with 35 000 findings would otherwise
    // hold 70 000 small copies of names and codes)
    /// The rule's stable kebab-case name.
    pub rule: Cow<'static, str>,
    /// The rule's code, e.g. `CG201`.
    pub code: Cow<'static, str>,
    pub category: Category,
    pub severity: Severity,
    pub message: String,
    // shared by the diagnostics of a file (a file with 35 000 findings held as many copies of
    // its path)
    pub file: Arc<str>,
    /// Where in the compose model, e.g. `services.web.ports[0]`.
    pub path: String,
    pub start: Position,
    pub end: Position,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Cow<'static, str>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedLocation>,
    // boxed, with `suppression`: most findings have neither, and a file can have 35 000 findings
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<Fix>>,
    /// Profiles of the service the finding is about, when it has any and every service is checked
    /// (no profile chosen, or `--all-profiles`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
    /// Set when an inline comment, the configuration or a baseline waives the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Box<Suppression>>,
    #[serde(skip)]
    #[schemars(skip)]
    pub span: Span,
}

impl Diagnostic {
    /// Fills `file`, `start`, `end` (and those of related locations and edits) from spans.
    pub fn locate(&mut self, sources: &SourceMap, encoding: PositionEncoding) {
        self.locate_with(sources, encoding, |_, path| Arc::from(path));
    }

    /// [`Diagnostic::locate`], with `file` from `shared` (given the file and its path): the
    /// caller can hand every diagnostic of a file the same path.
    pub(crate) fn locate_with(&mut self, sources: &SourceMap, encoding: PositionEncoding, shared: impl Fn(FileId, &str) -> Arc<str>) {
        if let Some((file, start, end)) = locate(sources, self.span, encoding) {
            self.file = shared(self.span.file, file);
            self.start = start;
            self.end = end;
        }
        for r in &mut self.related {
            if let Some((file, start, end)) = locate(sources, r.span, encoding) {
                r.file = file.to_string();
                r.start = start;
                r.end = end;
            }
        }
        if let Some(fix) = &mut self.fix {
            for e in &mut fix.edits {
                if let Some((file, start, end)) = locate(sources, e.span, encoding) {
                    e.file = file.to_string();
                    e.start = start;
                    e.end = end;
                }
            }
        }
    }

    pub fn is_suppressed(&self) -> bool {
        self.suppression.is_some()
    }
}

fn locate(sources: &SourceMap, span: Span, encoding: PositionEncoding) -> Option<(&str, Position, Position)> {
    let f = sources.get(span.file)?;
    let (s, e) = f.span_line_columns(span, encoding);
    Some((
        f.path.as_str(),
        Position { line: s.line, column: s.column, offset: span.start },
        Position { line: e.line, column: e.column, offset: span.end },
    ))
}
