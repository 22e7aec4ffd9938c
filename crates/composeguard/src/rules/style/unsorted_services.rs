use composeguard_model::yaml::Key;

use super::{service_mappings, written_here};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports services that are not in alphabetical order (case-insensitive).
    ///
    /// ## Why is this bad?
    /// In a file with many services, alphabetical order is the one order everyone can predict:
    /// readers find a service without searching, and two people adding services at the same
    /// time touch different lines, so merges conflict less.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///   web:
    ///     image: nginx:1.27
    /// ```
    pub struct UnsortedServices => {
        name: "unsorted-services",
        code: "CG601",
        category: Style,
        severity: Info,
        fixable: false,
        default_enabled: false,
        sources: ["dclint services-alphabetical-order"],
    }
}

impl Rule for UnsortedServices {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let mut previous: Option<&Key> = None;
        for (key, _) in service_mappings(cx).filter(|(k, _)| written_here(k)) {
            if let Some(prev) = previous.filter(|p| p.span.file == key.span.file) {
                if key.name.to_lowercase() < prev.name.to_lowercase() {
                    out.report(key.span, message(&key.name, &prev.name))
                        .path(format!("services.{}", key.name))
                        .service(&key.name)
                        .help("sort services alphabetically");
                }
            }
            previous = Some(key);
        }
    }
}

fn message(service: &str, previous: &str) -> String {
    format!("service `{service}` comes after `{previous}`; services are not in alphabetical order")
}
