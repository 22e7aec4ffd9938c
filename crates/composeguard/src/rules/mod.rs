//! The checklist rules: one file per rule, grouped in a folder per category. Each category's
//! `mod.rs` lists its rules in `RULES`; this file joins them into the registry.

pub mod correctness;
pub mod prelude;
pub mod reliability;
pub mod reproducibility;
pub mod resources;
pub mod security;
pub mod style;
pub mod util;

use std::sync::OnceLock;

use crate::rule::{Rule, RuleMeta};

/// Every checklist rule, in code order.
pub fn registry() -> &'static [&'static dyn Rule] {
    static ALL: OnceLock<Vec<&'static dyn Rule>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut v: Vec<&'static dyn Rule> = Vec::new();
        for list in [correctness::RULES, security::RULES, reliability::RULES, resources::RULES, reproducibility::RULES, style::RULES] {
            v.extend_from_slice(list);
        }
        v.sort_by_key(|r| r.meta().code);
        v
    })
}

/// Every rule's metadata: the spec rules, then the checklist rules.
pub fn all_metas() -> Vec<&'static RuleMeta> {
    let mut v: Vec<&'static RuleMeta> = crate::spec::rules::SPEC_RULES.iter().map(|(_, m)| *m).collect();
    v.extend(registry().iter().map(|r| r.meta()));
    v
}

/// Finds a rule by name or code.
pub fn find(name_or_code: &str) -> Option<&'static RuleMeta> {
    all_metas().into_iter().find(|m| m.name == name_or_code || m.code.eq_ignore_ascii_case(name_or_code))
}

/// Which rules run: the defaults, plus `select`, minus `ignore`. Entries are rule names, codes,
/// code prefixes (`CG2`), categories, or `all`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

fn matches(entry: &str, meta: &RuleMeta) -> bool {
    entry == "all"
        || entry == meta.name
        || entry.eq_ignore_ascii_case(meta.code)
        || entry == meta.category.as_str()
        || (entry.len() >= 3
            && entry.len() < meta.code.len()
            && meta.code.to_ascii_uppercase().starts_with(&entry.to_ascii_uppercase()))
}

impl Selection {
    pub fn new(select: &[String], ignore: &[String]) -> Self {
        Self { select: select.to_vec(), ignore: ignore.to_vec() }
    }

    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        let selected = meta.default_enabled || self.select.iter().any(|e| matches(e, meta));
        let ignored = self.ignore.iter().any(|e| matches(e, meta));
        // An exact name or code in `select` wins over a broader `ignore` (a category, `all`).
        let exact_select = self.select.iter().any(|e| e == meta.name || e.eq_ignore_ascii_case(meta.code));
        let exact_ignore = self.ignore.iter().any(|e| e == meta.name || e.eq_ignore_ascii_case(meta.code));
        selected && (!ignored || (exact_select && !exact_ignore))
    }
}
