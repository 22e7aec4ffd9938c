use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment, or a rule named in one, that suppresses nothing.
    ///
    /// That is: the rule ran and found nothing the comment covers, the name is not a rule, or
    /// the comment (`# composeguard: ignore[…]` or `ignore-file[…]`) names no rule at all.
    ///
    /// ## Why is this bad?
    /// A suppression outlives the problem it was written for. Left in place, it hides the next
    /// finding of that rule on that line without anyone deciding so, and readers wonder what it
    /// is protecting. A misspelt rule name suppresses nothing while looking as if it did.
    ///
    /// This rule is on by default, unlike the other style rules: it is about composeguard's own
    /// comments, not the compose file's layout. Suppressions of rules that did not run (not
    /// selected, or ignored) are not reported.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     # composeguard: ignore[image-floating-tag] pinned by the platform team
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     # composeguard: ignore[image-floating-tag] the platform team retags it weekly
    ///     image: nginx:stable
    /// ```
    pub struct UnusedSuppression => {
        name: "unused-suppression",
        code: "CG600",
        category: Style,
        severity: Info,
        fixable: false,
        default_enabled: true,
        sources: ["ruff RUF100", "eslint --report-unused-disable-directives"],
    }
}

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Nothing to do here: unused suppressions are known only once every other rule has run, so
    /// [`crate::suppress`] reports them.
    fn check(&self, _cx: &Context<'_>, _out: &mut Findings<'_>) {}
}

/// A rule named in a suppression comment that matched no finding.
pub(crate) fn unused_message(rule: &str) -> String {
    format!("suppression of `{rule}` is unused: there is no such finding here")
}

/// A name in a suppression comment that is not a rule.
pub(crate) fn unknown_message(rule: &str) -> String {
    format!("suppression names `{rule}`, which is not a rule")
}

/// A suppression comment with no rule list.
pub(crate) fn malformed_message() -> String {
    "suppression comment names no rule: write `# composeguard: ignore[rule-name] reason`".to_string()
}
