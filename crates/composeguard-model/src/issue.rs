//! Problems found while reading and validating a compose file, before they become
//! `composeguard::Diagnostic`s. The model crate only knows the spec checks; the checklist rules
//! live in the `composeguard` crate.

use serde::Serialize;

use crate::span::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Self::Info),
            "warning" | "warn" => Ok(Self::Warning),
            "error" => Ok(Self::Error),
            other => Err(format!("unknown severity `{other}` (expected error, warning or info)")),
        }
    }
}

macro_rules! issue_kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// Which spec check produced an issue. Each is a rule of category `spec` in the registry.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum IssueKind {
            $($(#[$doc])* $variant,)*
        }

        impl IssueKind {
            pub const ALL: &'static [IssueKind] = &[$(IssueKind::$variant,)*];

            /// The rule name (kebab-case, stable).
            pub fn name(self) -> &'static str {
                match self {
                    $(IssueKind::$variant => $name,)*
                }
            }
        }
    };
}

issue_kinds! {
    /// The text is not valid YAML.
    YamlSyntax => "yaml-syntax",
    /// A mapping key appears twice.
    DuplicateKey => "duplicate-key",
    /// A mapping key is a number, boolean, null or collection.
    NonStringKey => "non-string-key",
    /// The input exceeds a size, depth or alias-expansion limit.
    InputLimit => "input-limit",
    /// The file has no content, or its top level is not a mapping.
    InvalidTopLevel => "invalid-top-level",
    /// A key the Compose specification does not define.
    UnknownKey => "unknown-key",
    /// A value of the wrong type.
    InvalidType => "invalid-type",
    /// A value of the right type that compose still rejects (enum, pattern, range, syntax).
    InvalidValue => "invalid-value",
    /// A required key is missing.
    MissingKey => "missing-key",
    /// Keys that cannot be used together.
    ConflictingKeys => "conflicting-keys",
    /// `${…}` syntax compose cannot read.
    InvalidInterpolation => "invalid-interpolation",
    /// `${VAR:?err}` / `${VAR?err}` with the variable missing.
    MissingRequiredVariable => "missing-required-variable",
    /// A variable that is not set and has no default (compose warns and uses "").
    UnsetVariable => "unset-variable",
    /// A YAML 1.1 boolean spelling (`yes`, `on`, …) that compose converts with a warning.
    Yaml11Boolean => "yaml11-boolean",
    /// A service refers to a network, volume, secret, config, model or service that is not defined.
    UndefinedReference => "undefined-reference",
    /// `depends_on` (or `extends`, `include`) forms a cycle.
    DependencyCycle => "dependency-cycle",
    /// A service with neither `image` nor `build`.
    MissingImage => "missing-image",
    /// The same container path is mounted twice.
    DuplicateMountTarget => "duplicate-mount-target",
    /// A file compose must read (`env_file`, `extends`, `include`) cannot be read.
    MissingFile => "missing-file",
    /// A remote resource (git, OCI include) that was not fetched.
    RemoteResource => "remote-resource",
}

/// A secondary location, with what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// A problem at a location.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    pub kind: IssueKind,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Where the problem is in the compose model, `services.web.ports[0]`.
    pub path: String,
    pub related: Vec<Related>,
    pub help: Option<String>,
    /// What the issue is about, for the checks that weigh one issue against another (boxed: few
    /// issues have one, and every issue is moved around).
    pub subject: Option<Box<Subject>>,
}

/// What an issue is about, besides its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A key that is missing (or whose value is missing because it could not be read): see
    /// [`drop_explained_missing_keys`].
    MissingKey(String),
    /// The key an unknown key's did-you-mean names.
    SuggestedKey(String),
    /// An unset variable, or a required one that is missing.
    Variable(String),
    /// A value compose refuses in a file it reads for `extends` (reported there, once, not
    /// again for each service that inherits it).
    ReadForExtends,
    /// A value compose's schema lets through and only its decoding of the merged project
    /// refuses (a duration, a byte size): not an error of a stack's files merged so far.
    RefusedWhenDecoded,
}

impl Issue {
    pub fn error(kind: IssueKind, span: Span, message: String) -> Self {
        Self {
            kind,
            severity: Severity::Error,
            message,
            span,
            path: String::new(),
            related: Vec::new(),
            help: None,
            subject: None,
        }
    }

    pub fn warning(kind: IssueKind, span: Span, message: String) -> Self {
        Self { severity: Severity::Warning, ..Self::error(kind, span, message) }
    }

    #[must_use]
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the issue as the key `key` missing at its path.
    #[must_use]
    pub fn with_missing_key(mut self, key: impl Into<String>) -> Self {
        self.subject = Some(Box::new(Subject::MissingKey(key.into())));
        self
    }

    /// Marks the issue (an unknown key) as suggesting `key`.
    #[must_use]
    pub fn with_suggested_key(mut self, key: impl Into<String>) -> Self {
        self.subject = Some(Box::new(Subject::SuggestedKey(key.into())));
        self
    }

    /// Marks the issue as about the variable `name` (unset, or required and missing).
    #[must_use]
    pub fn with_variable(mut self, name: impl Into<String>) -> Self {
        self.subject = Some(Box::new(Subject::Variable(name.into())));
        self
    }

    /// Marks the issue as found in a file read for `extends`.
    #[must_use]
    pub fn read_for_extends(mut self) -> Self {
        self.subject = Some(Box::new(Subject::ReadForExtends));
        self
    }

    /// Marks the issue as one compose finds only when it decodes the merged project.
    #[must_use]
    pub fn refused_when_decoded(mut self) -> Self {
        self.subject = Some(Box::new(Subject::RefusedWhenDecoded));
        self
    }

    /// Whether only compose's decoding of the merged project finds the issue (a later file of
    /// a stack mends it).
    pub fn is_refused_when_decoded(&self) -> bool {
        matches!(self.subject.as_deref(), Some(Subject::RefusedWhenDecoded))
    }

    /// Whether the issue was found in a file read for `extends`.
    pub fn is_read_for_extends(&self) -> bool {
        matches!(self.subject.as_deref(), Some(Subject::ReadForExtends))
    }

    /// The key the issue says is missing.
    pub fn missing_key(&self) -> Option<&str> {
        match self.subject.as_deref() {
            Some(Subject::MissingKey(k)) => Some(k),
            _ => None,
        }
    }

    /// The key an unknown key's did-you-mean names.
    pub fn suggested_key(&self) -> Option<&str> {
        match self.subject.as_deref() {
            Some(Subject::SuggestedKey(k)) => Some(k),
            _ => None,
        }
    }

    /// The variable the issue is about.
    pub fn variable(&self) -> Option<&str> {
        match self.subject.as_deref() {
            Some(Subject::Variable(v)) => Some(v),
            _ => None,
        }
    }

    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { span, message: message.into() });
        self
    }

    /// [`Self::with_related`] when `when` holds (a value set in another file than the issue's).
    #[must_use]
    pub fn with_related_if(self, when: bool, span: Span, message: impl Into<String>) -> Self {
        if when {
            self.with_related(span, message)
        } else {
            self
        }
    }
}

/// Adds the issues found in the files of a stack merged so far (compose checks each against its
/// schema as it merges them) to `out`: each once (not again where `out` has it), with help that
/// says why a later file does not mend it.
pub fn push_stack_issues(out: &mut Vec<Issue>, found: impl IntoIterator<Item = Issue>) {
    let mut seen: crate::HashSet<(Span, String)> = out.iter().map(|i| (i.span, i.message.clone())).collect();
    for mut issue in found {
        if seen.insert((issue.span, issue.message.clone())) {
            if issue.help.is_none() {
                issue.help = Some("compose checks the files as it merges them, one at a time: a later file does not mend this one".into());
            }
            out.push(issue);
        }
    }
}

/// Drops from `issues` each missing key that another error explains, as compose reports one
/// error for one mistake: an unknown key in the same mapping whose did-you-mean names the
/// missing key (`conditon` for `condition`), or an error in the key's own value (written, but
/// unreadable: `target: "80/tcp"`). `others` are further issues that may explain them (the
/// model's, for the spec checks).
pub fn drop_explained_missing_keys(issues: &mut Vec<Issue>, others: &[Issue]) {
    if !issues.iter().any(|i| i.missing_key().is_some()) {
        return;
    }
    let all = || issues.iter().chain(others).filter(|i| i.severity == Severity::Error);
    // (the mapping's path, the key): an unknown key there that names it
    let suggested: crate::HashSet<(&str, &str)> = all()
        .filter(|i| i.kind == IssueKind::UnknownKey)
        .filter_map(|i| Some((i.path.rsplit_once('.')?.0, i.suggested_key()?)))
        .collect();
    // the paths of values that could not be read
    let refused: crate::HashSet<&str> = all().filter(|i| i.missing_key().is_none() && i.kind != IssueKind::UnknownKey).map(|i| i.path.as_str()).collect();
    let explained = |i: &Issue| {
        let Some(key) = i.missing_key() else { return false };
        if suggested.contains(&(i.path.as_str(), key)) {
            return true;
        }
        let at = format!("{}.{key}", i.path);
        refused.iter().any(|p| p.strip_prefix(at.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '['])))
    };
    let keep: Vec<bool> = issues.iter().map(|i| !explained(i)).collect();
    let mut keep = keep.into_iter();
    issues.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn missing(path: &str, key: &str) -> Issue {
        Issue::error(IssueKind::MissingKey, Span::default(), format!("`{path}` is missing the required key `{key}`")).with_path(path).with_missing_key(key)
    }

    fn unknown(path: &str, key: &str, suggested: Option<&str>) -> Issue {
        let issue = Issue::error(IssueKind::UnknownKey, Span::default(), format!("unknown key `{key}`")).with_path(format!("{path}.{key}"));
        match suggested {
            Some(s) => issue.with_suggested_key(s),
            None => issue,
        }
    }

    #[test]
    fn a_misspelt_required_key_is_not_also_missing() {
        let at = "services.web.depends_on.db";
        let mut issues = vec![missing(at, "condition"), unknown(at, "conditon", Some("condition"))];
        drop_explained_missing_keys(&mut issues, &[]);
        assert_eq!(issues.iter().map(|i| i.kind).collect::<Vec<_>>(), [IssueKind::UnknownKey]);
        // the unknown key among the other issues (the model's, for the spec checks)
        let mut issues = vec![missing(at, "condition")];
        drop_explained_missing_keys(&mut issues, &[unknown(at, "conditon", Some("condition"))]);
        assert!(issues.is_empty());
    }

    #[test]
    fn a_required_key_whose_value_is_unreadable_is_not_also_missing() {
        let at = "services.web.ports[0]";
        let target = Issue::error(IssueKind::InvalidType, Span::default(), "cannot be read".into()).with_path(format!("{at}.target"));
        let mut issues = vec![missing(at, "target"), target];
        drop_explained_missing_keys(&mut issues, &[]);
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, IssueKind::InvalidType);
    }

    #[test]
    fn other_mistakes_do_not_explain_a_missing_key() {
        let at = "services.web.env_file[0]";
        let others = [
            // no did-you-mean, or one naming another key
            unknown(at, "fil", None),
            unknown(at, "formt", Some("format")),
            // the same key in another mapping
            unknown("services.api.env_file[0]", "pth", Some("path")),
            // a key that only starts like it
            Issue::error(IssueKind::InvalidType, Span::default(), "bad".into()).with_path(format!("{at}.paths")),
            // a warning
            Issue::warning(IssueKind::UnsetVariable, Span::default(), "unset".into()).with_path(format!("{at}.path")),
        ];
        let mut issues = vec![missing(at, "path")];
        drop_explained_missing_keys(&mut issues, &others);
        assert_eq!(issues.len(), 1);
    }
}
