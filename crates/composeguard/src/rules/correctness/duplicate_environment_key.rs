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
            for (i, entry) in env.entries.iter().enumerate() {
                let earlier = env.entries.get(..i).unwrap_or(&[]);
                let Some(first) = earlier.iter().find(|e| e.key.value == entry.key.value) else { continue };
                let value = |e: &KeyValue| e.value.as_ref().map(|v| v.value.clone());
                // report each differing repeat once, against the first entry
                if value(first) == value(entry)
                    || earlier.iter().any(|e| e.key.value == entry.key.value && value(e) == value(entry))
                {
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
