use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a variable set twice, with different values, in the list form of `environment`.
    ///
    /// An entry repeated word for word (`- KEY=value` twice) is harmless and left alone. In the
    /// mapping form a repeated key is a YAML error, reported as `duplicate-key`.
    ///
    /// ## Why is this bad?
    /// compose keeps the last value without a warning, so the first line has no effect while it
    /// still reads as the configuration. One of the two is a leftover, and it is easy to edit
    /// the wrong one.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       - LOG_LEVEL=info
    ///       - PORT=8080
    ///       - LOG_LEVEL=debug
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       - LOG_LEVEL=debug
    ///       - PORT=8080
    /// ```
    pub struct DuplicateEnvironmentKey => {
        name: "duplicate-environment-key",
        code: "CG106",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec environment"],
    }
}

impl Rule for DuplicateEnvironmentKey {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let env = &service.environment;
            if !env.list_form {
                continue;
            }
            // the earlier entries of each variable (a scan of all earlier entries per entry
            // made 20 000 of them take a quarter of a second)
            let mut earlier: composeguard_model::HashMap<&str, Vec<&KeyValue>> = composeguard_model::HashMap::default();
            for (i, entry) in env.entries.iter().enumerate() {
                let same_key = earlier.entry(entry.key.value.as_str()).or_default();
                let first = same_key.first().copied();
                // report each differing repeat once, against the first entry
                let repeated = same_key.iter().any(|e| same_value(e, entry));
                same_key.push(entry);
                let Some(first) = first else { continue };
                if repeated {
                    continue;
                }
                out.report(entry.key.span, format!("service `{}` sets `{}` twice in `environment`", name.value, entry.key.value))
                    .path(format!("services.{}.environment[{i}]", name.value))
                    .service(&name.value)
                    .anchor(entry.key.anchor)
                    .related(first.span, "first set here")
                    .help("keep one entry; compose uses the last one");
            }
        }
    }
}

/// Whether two entries set the same value (both none, for `- KEY` alone).
fn same_value(a: &KeyValue, b: &KeyValue) -> bool {
    a.value.as_ref().map(|v| &v.value) == b.value.as_ref().map(|v| &v.value)
}
