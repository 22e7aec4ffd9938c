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
}

impl Issue {
    pub fn error(kind: IssueKind, span: Span, message: String) -> Self {
        Self { kind, severity: Severity::Error, message, span, path: String::new(), related: Vec::new(), help: None }
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

    #[must_use]
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { span, message: message.into() });
        self
    }
}
