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
            // the first entry of each variable, and each variable and value set so far, by hash
            // (a scan of all earlier entries per entry made 20 000 of them take a quarter of a
            // second). Both maps borrow the entries' text, as (variable, value) pairs (`- KEY`
            // alone, with no value, differs from `- KEY=`): a copy of each key and a `format!` of
            // each key and value were most of the rule's 2.3 M instructions on 300 files, for a
            // handful of findings. `first_of` is keyed by `(variable, None)`, so that both are
            // one map type and the browser build has one map's code for both.
            let mut first_of: composeguard_model::HashMap<(&str, Option<&str>), usize> = composeguard_model::HashMap::default();
            let mut set: composeguard_model::HashMap<(&str, Option<&str>), usize> = composeguard_model::HashMap::default();
            for (i, entry) in env.entries.iter().enumerate() {
                let first = *first_of.entry((entry.key.value.as_str(), None)).or_insert(i);
                // report each differing repeat once, against the first entry
                let repeated = set.insert((entry.key.value.as_str(), entry.value.as_ref().map(|v| v.value.as_str())), i).is_some();
                let Some(first) = env.entries.get(first).filter(|_| first != i) else { continue };
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

