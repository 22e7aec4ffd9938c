//! The metadata policy: unique names and codes, codes in their category's block, documentation
//! sections present, severities that fit the category.

use std::collections::HashSet;

use composeguard::rules::all_metas;
use composeguard::{Category, Severity};

fn code_block(category: Category) -> char {
    match category {
        Category::Spec => '0',
        Category::Correctness => '1',
        Category::Security => '2',
        Category::Reliability => '3',
        Category::Resources => '4',
        Category::Reproducibility => '5',
        Category::Style => '6',
    }
}

#[test]
fn names_and_codes_are_unique_and_well_formed() {
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for m in all_metas() {
        assert!(names.insert(m.name), "duplicate rule name {}", m.name);
        assert!(codes.insert(m.code), "duplicate rule code {}", m.code);
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !m.name.starts_with('-'),
            "{} is not kebab-case",
            m.name
        );
        assert!(m.code.len() == 5 && m.code.starts_with("CG") && m.code[2..].chars().all(|c| c.is_ascii_digit()), "{} is not CGnnn", m.code);
        assert_eq!(m.code.chars().nth(2), Some(code_block(m.category)), "{} ({}) is outside its category's block", m.code, m.name);
    }
}

#[test]
fn docs_have_the_fixed_sections() {
    for m in all_metas() {
        for section in ["## What it does", "## Why is this bad?", "## Example", "Use instead:"] {
            assert!(m.docs.contains(section), "{}: docs lack `{section}`", m.name);
        }
        assert!(!m.summary().is_empty(), "{}: empty summary", m.name);
        assert!(!m.sources.is_empty(), "{}: no sources", m.name);
    }
}

#[test]
fn severity_fits_the_category() {
    for m in all_metas() {
        match m.category {
            Category::Correctness => assert_eq!(m.severity, Severity::Error, "{}: correctness rules are errors", m.name),
            Category::Style => {
                assert_ne!(m.severity, Severity::Error, "{}: style is never an error", m.name);
                // `unused-suppression` is about composeguard's own comments, not the file's layout
                assert!(!m.default_enabled || m.name == "unused-suppression", "{}: style rules are off by default", m.name);
            }
            _ => {}
        }
    }
}

#[test]
fn every_checklist_rule_has_fixtures() {
    let root = composeguard_tests::workspace_root().join("tests").join("fixtures");
    for m in all_metas() {
        let dir = root.join(m.name);
        let mut bad = false;
        let mut good = false;
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                bad |= name.starts_with("bad") && name.ends_with(".yaml");
                good |= name.starts_with("good") && name.ends_with(".yaml");
            }
        }
        assert!(bad && good, "{}: tests/fixtures/{}/ needs bad*.yaml and good*.yaml", m.name, m.name);
    }
}
