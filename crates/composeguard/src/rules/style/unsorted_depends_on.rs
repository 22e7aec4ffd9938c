use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `depends_on` list or mapping whose services are not in alphabetical order.
    ///
    /// ## Why is this bad?
    /// The order of `depends_on` means nothing to compose, which starts dependencies by the
    /// graph. Sorted entries are easier to scan for a missing or duplicated dependency and keep
    /// diffs small.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     depends_on: [db, cache]
    ///   cache:
    ///     image: redis:7.4.1
    ///   db:
    ///     image: postgres:16.4
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     depends_on: [cache, db]
    ///   cache:
    ///     image: redis:7.4.1
    ///   db:
    ///     image: postgres:16.4
    /// ```
    pub struct UnsortedDependsOn => {
        name: "unsorted-depends-on",
        code: "CG606",
        category: Style,
        severity: Info,
        fixable: false,
        default_enabled: false,
        sources: ["dclint service-dependencies-alphabetical-order"],
    }
}

impl Rule for UnsortedDependsOn {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.all_services() {
            let mut previous: Option<&Spanned<String>> = None;
            for dependency in service.depends_on.services.keys().filter(|d| d.anchor.is_none()) {
                if let Some(prev) = previous {
                    if dependency.value.to_lowercase() < prev.value.to_lowercase() {
                        out.report(dependency.span, message(&name.value, &dependency.value, &prev.value))
                            .path(format!("services.{}.depends_on", name.value))
                            .service(&name.value)
                            .help("sort the dependencies alphabetically");
                    }
                }
                previous = Some(dependency);
            }
        }
    }
}

fn message(service: &str, dependency: &str, previous: &str) -> String {
    format!("dependency `{dependency}` of service `{service}` comes after `{previous}`; `depends_on` is not sorted")
}
