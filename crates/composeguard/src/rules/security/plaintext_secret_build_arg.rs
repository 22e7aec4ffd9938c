use composeguard_model::HashSet;
use super::util::{entry_secret, SecretReason};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a credential written as a literal in `build.args`.
    ///
    /// Credentials are found by key name (`NPM_TOKEN`,
    /// `GITHUB_TOKEN`, `PIP_INDEX_PASSWORD`…) or by the shape of a known token, with the same
    /// exceptions as `plaintext-secret-env` (references, `*_FILE` keys, empty values…). A
    /// reference whose default is a credential (`${NPM_TOKEN:-npm_…}`) is a warning.
    ///
    /// ## Why is this bad?
    /// Build arguments are not secret: their values are recorded in the image's history
    /// (`docker history --no-trunc` shows them for every `RUN` step that used them) and in the
    /// build cache, so anyone who can pull the image can read the token. They are also in the
    /// compose file, in version control. Use build secrets, which are mounted only for the
    /// `RUN` step that needs them and never stored in a layer.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     build:
    ///       context: .
    ///       args:
    ///         NPM_TOKEN: npm_0123456789abcdefghijABCDEFGHIJ012345
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     build:
    ///       context: .
    ///       secrets:
    ///         - npm_token
    /// secrets:
    ///   npm_token:
    ///     environment: NPM_TOKEN
    /// ```
    pub struct PlaintextSecretBuildArg => {
        name: "plaintext-secret-build-arg",
        code: "CG228",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0020", "Docker docs: build secrets", "CIS Docker 4.10"],
    }
}

impl Rule for PlaintextSecretBuildArg {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // a literal an alias copies into several services is reported once, where it is written
        let mut reported: HashSet<Span> = HashSet::default();
        for (name, service) in cx.services() {
            let svc = &name.value;
            let Some(build) = service.build.as_ref() else { continue };
            for entry in build.value.config.args.iter() {
                let (Some(value), Some((span, reason))) = (entry.value.as_ref(), entry_secret(cx, entry)) else { continue };
                if !reported.insert(span) {
                    continue;
                }
                let key = &entry.key.value;
                let message = match reason {
                    SecretReason::Key => format!("service `{svc}` passes `{key}` as a literal build argument"),
                    SecretReason::Shape(what) => format!("service `{svc}` passes `{key}` as a build argument that looks like {what}"),
                    SecretReason::Default => format!("service `{svc}` passes a literal `{key}` written in the file as a build argument when the variable is unset"),
                };
                let b = out
                    .report(span, message)
                    .path(format!("services.{svc}.build.args.{key}"))
                    .service(svc)
                    .copied(value.span, value.anchor)
                    .help("use a build secret (`build.secrets`, `RUN --mount=type=secret`) instead of a build argument");
                // a fallback is used only where the variable is unset
                if reason == SecretReason::Default {
                    b.severity(crate::diagnostic::Severity::Warning);
                }
            }
        }
    }
}
