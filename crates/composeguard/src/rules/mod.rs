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

/// Which rules run: the defaults, plus `select`, minus `ignore`, the more precise entry winning
/// where both name a rule. Entries are rule names, codes, code prefixes (`CG2`), categories, or
/// `all`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    select: Vec<String>,
    ignore: Vec<String>,
}

/// How precisely `entry` names `meta`, when it names it at all: `all` least, then its category,
/// then a code prefix (the longer the more precise), then its name or code.
fn specificity(entry: &str, meta: &RuleMeta) -> Option<usize> {
    if entry == meta.name || entry.eq_ignore_ascii_case(meta.code) {
        Some(usize::MAX)
    } else if entry.len() >= 3 && entry.len() < meta.code.len() && meta.code.to_ascii_uppercase().starts_with(&entry.to_ascii_uppercase()) {
        Some(2 + entry.len())
    } else if entry == meta.category.as_str() {
        Some(1)
    } else if entry == "all" {
        Some(0)
    } else {
        None
    }
}

impl Selection {
    /// Whether an entry of this selection (either list) names the rule at all.
    pub fn names(&self, meta: &RuleMeta) -> bool {
        self.select.iter().chain(&self.ignore).any(|e| specificity(e, meta).is_some())
    }

    pub fn new(select: &[String], ignore: &[String]) -> Self {
        Self { select: select.to_vec(), ignore: ignore.to_vec() }
    }

    /// Whether the rule runs. Where `select` and `ignore` both name it, the more precise entry
    /// wins, `ignore` on a tie: `--ignore all --select security` runs the security rules only,
    /// `--select security --ignore privileged` all of them but `privileged`.
    /// A spec error rule always runs ([`RuleMeta::is_spec_error`]): `ignore = ["all"]` or
    /// `--ignore spec` leave it on.
    pub fn enabled(&self, meta: &RuleMeta) -> bool {
        if meta.is_spec_error() {
            return true;
        }
        let most = |entries: &[String]| entries.iter().filter_map(|e| specificity(e, meta)).max();
        match (most(&self.select), most(&self.ignore)) {
            (selected, None) => meta.default_enabled || selected.is_some(),
            (None, Some(_)) => false,
            (Some(selected), Some(ignored)) => selected > ignored,
        }
    }
}
