use composeguard_model::yaml::Key;

use super::{top_level, written_here};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports top-level keys out of the canonical order.
    ///
    /// The order is: `x-` extensions, `version`, `name`, `include`, `services`, `networks`,
    /// `volumes`, `configs`, `secrets`, `models`.
    ///
    /// ## Why is this bad?
    /// Extensions usually hold YAML anchors, which must be defined before the aliases that use
    /// them, so they come first; `name` and `include` say what the project is; services are the
    /// body; the resources they refer to follow. Every file in that order reads the same way.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// name: shop
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// name: shop
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    pub struct TopLevelKeysOrder => {
        name: "top-level-keys-order",
        code: "CG605",
        category: Style,
        severity: Info,
        fixable: false,
        default_enabled: false,
        sources: ["dclint top-level-properties-order"],
    }
}

const ORDER: &[&str] = &["version", "name", "include", "services", "networks", "volumes", "configs", "secrets", "models"];

fn rank(key: &str) -> usize {
    if key.starts_with("x-") {
        return 0;
    }
    ORDER.iter().position(|k| *k == key).map_or(ORDER.len() + 1, |i| i + 1)
}

impl Rule for TopLevelKeysOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let Some(top) = top_level(cx) else { return };
        let mut furthest: Option<(&Key, usize)> = None;
        for (key, _) in top.iter().filter(|(k, _)| written_here(k)) {
            let r = rank(&key.name);
            match furthest {
                Some((before, br)) if r < br && before.span.file == key.span.file => {
                    out.report(key.span, message(&key.name, &before.name)).path(key.name.clone()).help(format!("move `{}` above `{}`", key.name, before.name));
                }
                Some((_, br)) if br >= r => {}
                _ => furthest = Some((key, r)),
            }
        }
    }
}

fn message(key: &str, before: &str) -> String {
    format!("top-level `{key}` comes after `{before}`")
}
