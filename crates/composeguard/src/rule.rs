//! Rule metadata, the rule trait and the `declare_rule!` macro.

use std::borrow::Cow;

use composeguard_model::{Issue, IssueKind, Span};

use crate::context::Context;
use crate::diagnostic::{Category, Fix, Severity};

/// Everything known about a rule besides its logic.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name (what users write in config and suppressions).
    pub name: &'static str,
    /// `CGnnn`, never reused.
    pub code: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Whether the rule can offer a fix.
    pub fixable: bool,
    /// Whether the rule runs without being selected.
    pub default_enabled: bool,
    /// The peer rule or benchmark item it matches ("KICS 451d79dc", "CIS Docker 5.4"…).
    pub sources: &'static [&'static str],
    /// The documentation (markdown with What it does / Why is this bad? / Example / Use instead).
    pub docs: &'static str,
}

impl RuleMeta {
    /// Whether the rule reports what docker compose rejects (a `spec` rule whose findings are
    /// errors): such a rule always runs, and its findings cannot be ignored, waived, suppressed
    /// or baselined, so a file compose rejects never passes.
    pub fn is_spec_error(&self) -> bool {
        self.category == Category::Spec && self.severity == Severity::Error
    }

    /// The documentation as markdown (doc comments keep a leading space on each line; this
    /// removes it).
    pub fn docs_text(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The first sentence of "What it does".
    pub fn summary(&self) -> String {
        let body = section(&self.docs_text(), "What it does").unwrap_or_default();
        let line = body.split("\n\n").next().unwrap_or("").replace('\n', " ");
        line.trim().to_string()
    }

    /// A documentation section by heading (`## Heading`).
    pub fn section(&self, heading: &str) -> Option<String> {
        section(&self.docs_text(), heading)
    }

    /// The YAML of the bad example (the first yaml block after `## Example`).
    pub fn bad_example(&self) -> Option<String> {
        code_block_after(&self.docs_text(), "## Example")
    }

    /// The YAML of the good example (the first yaml block after `Use instead:`).
    pub fn good_example(&self) -> Option<String> {
        code_block_after(&self.docs_text(), "Use instead:")
    }
}

fn section(docs: &str, heading: &str) -> Option<String> {
    let marker = format!("## {heading}");
    let start = docs.find(&marker)? + marker.len();
    let rest = docs.get(start..)?;
    let end = rest.find("\n## ").unwrap_or(rest.len());
    Some(rest.get(..end)?.trim().to_string())
}

fn code_block_after(docs: &str, marker: &str) -> Option<String> {
    let start = docs.find(marker)? + marker.len();
    let rest = docs.get(start..)?;
    let open = rest.find("```yaml")? + "```yaml".len();
    let body = rest.get(open..)?;
    let body = body.strip_prefix('\n').unwrap_or(body);
    let close = body.find("```")?;
    Some(body.get(..close)?.to_string())
}

/// A finding before it is located and filtered.
#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub span: Span,
    pub message: String,
    pub path: String,
    /// Mostly the rule's fixed advice, so it is not copied per finding.
    pub help: Option<Cow<'static, str>>,
    pub related: Vec<(Span, String)>,
    pub fix: Option<Box<Fix>>,
    /// The service this finding is about (for profiles and per-service waivers).
    pub service: Option<String>,
    /// Overrides the rule's default severity (spec warnings).
    pub severity: Option<Severity>,
    /// Where the value is written when a YAML alias or merge copied it (see
    /// [`FindingBuilder::anchor`]).
    pub anchor: Option<Span>,
}

/// Collects a rule's findings.
pub struct Findings<'a> {
    pub(crate) rule: &'static RuleMeta,
    pub(crate) out: &'a mut Vec<Finding>,
}

impl<'a> Findings<'a> {
    pub fn new(rule: &'static RuleMeta, out: &'a mut Vec<Finding>) -> Self {
        Self { rule, out }
    }

    /// Reports a finding at `span`; refine it with the returned builder.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> FindingBuilder<'_> {
        self.out.push(Finding {
            rule: self.rule,
            span,
            message: message.into(),
            path: String::new(),
            help: None,
            related: Vec::new(),
            fix: None,
            service: None,
            severity: None,
            anchor: None,
        });
        let last = self.out.len() - 1;
        FindingBuilder { finding: self.out.get_mut(last) }
    }
}

/// Adds details to the finding just reported (each method also returns the builder, so calls
/// chain; dropping it is fine).
pub struct FindingBuilder<'a> {
    finding: Option<&'a mut Finding>,
}

// Each call sets the finding in place and hands the builder on: dropping it after the last call
// is how it is used, so its methods are not `#[must_use]`.
#[allow(clippy::return_self_not_must_use)]
impl FindingBuilder<'_> {
    pub fn path(mut self, path: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.path = path.into();
        }
        self
    }

    pub fn help(mut self, help: impl Into<Cow<'static, str>>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.help = Some(help.into());
        }
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.related.push((span, message.into()));
        }
        self
    }

    /// A related label at `anchor` when the value came through a YAML alias or merge. A value
    /// written once is reported once by a rule: the findings of later copies (the other services
    /// that merge the same anchor) are dropped when the rule has run.
    pub fn anchor(mut self, anchor: Option<Span>) -> Self {
        match anchor {
            Some(a) => {
                if let Some(f) = self.finding.as_deref_mut() {
                    f.anchor = Some(a);
                }
                self.related(a, "value defined here (through a YAML anchor)")
            }
            None => self,
        }
    }

    /// For a finding reported where an anchor wrote the value (`span` the place the alias put
    /// it, when an alias copied it): the alias, as a related location.
    pub fn copied(self, span: Span, anchor: Option<Span>) -> Self {
        match anchor {
            Some(_) => self.related(span, "copied here by an alias"),
            None => self,
        }
    }

    pub fn service(mut self, name: impl Into<String>) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.service = Some(name.into());
        }
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.fix = Some(Box::new(fix));
        }
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        if let Some(f) = self.finding.as_deref_mut() {
            f.severity = Some(severity);
        }
        self
    }
}

/// A checklist rule.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>);
}

/// Declares a rule: its documentation (the doc comment) and metadata.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct Privileged => {
///         name: "privileged",
///         code: "CG301",
///         category: Security,
///         severity: Error,
///         fixable: false,
///         default_enabled: true,
///         sources: ["compose-lint CL-0002"],
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $name:ident => {
            name: $rule_name:literal,
            code: $code:literal,
            category: $category:ident,
            severity: $severity:ident,
            fixable: $fixable:literal,
            default_enabled: $enabled:literal,
            sources: [$($source:literal),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name;

        impl $name {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                name: $rule_name,
                code: $code,
                category: $crate::diagnostic::Category::$category,
                severity: $crate::diagnostic::Severity::$severity,
                fixable: $fixable,
                default_enabled: $enabled,
                sources: &[$($source),*],
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// A spec check: its metadata and the loader issue kind it documents.
pub struct SpecRule {
    pub kind: IssueKind,
    pub meta: &'static RuleMeta,
}

/// Spec rule metadata for a loader issue.
pub fn spec_meta(kind: IssueKind) -> &'static RuleMeta {
    crate::spec::rules::meta(kind)
}

/// Turns a loader issue into a finding.
pub fn finding_from_issue(issue: &Issue) -> Finding {
    Finding {
        rule: spec_meta(issue.kind),
        span: issue.span,
        message: issue.message.clone(),
        path: issue.path.clone(),
        help: issue.help.clone().or_else(|| default_help(issue)).map(Cow::Owned),
        related: issue.related.iter().map(|r| (r.span, r.message.clone())).collect(),
        fix: None,
        service: None,
        severity: Some(issue.severity),
        anchor: None,
    }
}

/// What to do about a spec issue whose check gave no help of its own: for a value of the wrong
/// type, how to write the type wanted (read from the message, "must be X, found Y"); for a
/// missing key, the key to add.
fn default_help(issue: &Issue) -> Option<String> {
    match issue.kind {
        IssueKind::InvalidType => type_help(&issue.message),
        IssueKind::InvalidValue if issue.message.ends_with(" is not a number") => Some("write a number, without quotes or units".into()),
        IssueKind::InvalidValue if is_item_of(&issue.path, "ports") && issue.message.contains(" port") => {
            Some("a port is `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, such as `127.0.0.1:8080:80` or `53:53/udp`".into())
        }
        IssueKind::InvalidValue if is_item_of(&issue.path, "volumes") && issue.message.contains("invalid volume") => {
            Some("a volume is `SOURCE:TARGET[:MODE]` (`./data:/data:ro`, `db-data:/var/lib/db`) or a container path alone".into())
        }
        IssueKind::InvalidTopLevel => Some("a compose file is a mapping of top-level keys, such as `services:` with one entry per service".into()),
        IssueKind::UndefinedReference if issue.message.contains(" undefined service `") => {
            Some("define the service under `services:`, or fix or remove the reference".into())
        }
        IssueKind::ConflictingKeys if issue.message.contains(" sets both ") => Some("keep one of the two".into()),
        IssueKind::MissingKey => issue.missing_key().map(|key| match key {
            "condition" => "add `condition: service_started` (or `service_healthy`, `service_completed_successfully`)".to_string(),
            "type" if issue.path.contains(".volumes[") => "add `type: bind`, `volume` or `tmpfs` (or `image`, `npipe`, `cluster`)".to_string(),
            "capabilities" => "add `capabilities: [gpu]` (the capabilities the device must have)".to_string(),
            key => format!("add `{key}: …` here"),
        }),
        _ => None,
    }
}

/// Whether `path` is an item of a service's `section` list (`services.web.ports[0]`).
fn is_item_of(path: &str, section: &str) -> bool {
    let Some(at) = path.rfind(&format!(".{section}[")) else { return false };
    let index = path.get(at + section.len() + 2..).and_then(|t| t.strip_suffix(']'));
    path.starts_with("services.") && index.is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
}

/// [`default_help`] for an `invalid-type` message.
fn type_help(message: &str) -> Option<String> {
    // a value that interpolation left unreadable: "`x` cannot be read as an integer"
    if let Some((_, wanted)) = message.split_once(" cannot be read as ") {
        let help = if wanted.starts_with("a boolean") { "write `true` or `false`" } else { "write a number, without quotes or units" };
        return Some(help.into());
    }
    let (_, rest) = message.split_once(" must be ").or_else(|| message.split_once(" must not be "))?;
    let found = rest.split_once(", found ").map_or("", |(_, f)| f);
    let null = found.starts_with("null") || message.ends_with("must not be null");
    if null {
        return Some("give the key a value, or remove it".into());
    }
    let help = if rest.starts_with("a mapping or a list of `KEY=value` strings") {
        "write one `KEY: value` per line below the key (or a list of `- KEY=value`)"
    } else if rest.starts_with("a sequence") || rest.starts_with("a list") {
        if found.starts_with("a mapping") {
            "write one `- item` per line (a list), not `key: value` pairs"
        } else {
            "write a list: one `- item` per line below the key, or `[item]` on one line"
        }
    } else if rest.starts_with("a mapping") {
        "write one `key: value` per line, indented below the key"
    } else if rest.starts_with("a string with a unit") {
        "add a unit to the number: `30s`, `1m30s`, `500ms`"
    } else if found.starts_with("a mapping") || found.starts_with("mapping") {
        "write a single value here, not `key: value` pairs (quote a text that holds `: `)"
    } else if found.starts_with("a sequence") {
        "write a single value here, not a list"
    } else if rest.starts_with("a string") {
        "put the value in quotes to make it a string"
    } else if rest.starts_with("a boolean") {
        "write `true` or `false`"
    } else if rest.starts_with("negative") || rest.contains("found -") {
        "write 0 or a positive number"
    } else if rest.starts_with("a number") || rest.starts_with("an integer") || rest.starts_with("a whole") {
        "write a number, without quotes or units"
    } else {
        return None;
    };
    Some(help.into())
}

/// Keeps one finding of a rule per anchored value: a value an anchor writes once and `<<`
/// merges copy into several services is one place to fix, reported for the first service that
/// uses it, with each other service's copy as a related location (the findings of one service
/// are all kept).
pub fn once_per_anchor(found: &mut Vec<Finding>) {
    if found.iter().all(|f| f.anchor.is_none()) {
        return;
    }
    // the first finding of each anchor, and the copies that go with it
    let mut anchors: composeguard_model::HashSet<Span> = composeguard_model::HashSet::default();
    let mut first: Vec<(Span, usize)> = Vec::new();
    let mut copies: Vec<(usize, Span, String)> = Vec::new();
    let mut keep = vec![true; found.len()];
    for (i, f) in found.iter().enumerate() {
        let Some(a) = f.anchor else { continue };
        if anchors.insert(a) {
            first.push((a, i));
            continue;
        }
        let Some(&(_, j)) = first.iter().find(|(b, _)| *b == a) else { continue };
        if found.get(j).is_some_and(|earlier| earlier.service != f.service) {
            if let Some(k) = keep.get_mut(i) {
                *k = false;
            }
            let also = f.service.as_deref().map_or_else(|| "also here".to_string(), |s| format!("also in service `{s}`"));
            copies.push((j, f.span, also));
        }
    }
    for (j, span, message) in copies {
        if let Some(f) = found.get_mut(j) {
            if !f.related.iter().any(|(s, _)| *s == span) {
                f.related.push((span, message));
            }
        }
    }
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::type_help;

    #[test]
    fn type_errors_say_how_to_write_the_type_wanted() {
        let help = |m: &str| type_help(m).unwrap_or_default();
        assert!(help("`services.a.ports` must be a sequence, found a string").contains("`- item`"));
        assert!(help("`services.a.cap_add` must be a sequence, found a mapping").contains("not `key: value`"));
        assert!(help("`services.a.privileged` must be a boolean, found an integer").contains("`true` or `false`"));
        assert!(help("`services.a.command[1]` must be a string, found a boolean").contains("quotes"));
        assert!(help("`services.a.image` must be a string, found a sequence").contains("not a list"));
        assert!(help("`services.a.environment[0]` must be a string, found a mapping").contains("single value"));
        assert!(help("`services.a` must be a mapping, found null").contains("remove it"));
        assert!(help("`x.interval` must be a string with a unit (such as `30s`), found an integer").contains("unit"));
        assert!(help("`x.cpu_shares`: `many` cannot be read as an integer: strconv.ParseInt").contains("number"));
        assert_eq!(type_help("something else entirely"), None);
    }

    #[test]
    fn items_of_a_service_list_are_told_apart() {
        use super::is_item_of;
        assert!(is_item_of("services.web.ports[0]", "ports"));
        assert!(is_item_of("services.web.1.ports[12]", "ports"));
        assert!(!is_item_of("services.web.ports[0].published", "ports"));
        assert!(!is_item_of("services.web.expose[0]", "ports"));
        assert!(!is_item_of("services.web.build.ports[x]", "ports"));
    }
}
