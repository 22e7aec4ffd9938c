//! With the `parallel` feature, a project with many services has them read on every core. What it
//! gives must be what the one-pass read gives: the same services, the same issues in the same
//! order, and the same tree afterwards.

#![cfg(feature = "parallel")]
// in the helpers too (clippy.toml allows them in `#[test]` functions): a test panicking on a broken fixture fails, as it should
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::fmt::Write as _;

use composeguard_model::de::{from_node, Recorder};
use composeguard_model::model::Compose;
use composeguard_model::project::{load_text, LoadOptions, NoFiles};
use composeguard_model::Issue;

/// The services and the issues of the one-pass read of the loaded tree.
fn one_pass(root: &composeguard_model::yaml::Node) -> (String, Vec<Issue>) {
    let rec = Recorder::new();
    let compose: Compose = from_node(root, &rec).expect("the model reads");
    (format!("{:?}", compose.services), rec.into_issues())
}

fn compare(text: &str) -> (usize, usize) {
    let project = load_text("compose.yaml", text, &LoadOptions::default(), &NoFiles);
    let root = project.root.as_ref().expect("a tree");
    let (services, issues) = one_pass(root);
    // (as loading does: a value interpolation could not cast is reported once, by interpolation)
    let issues = composeguard_model::project::without_cast_duplicates(&project.issues, issues);
    assert_eq!(format!("{:?}", project.compose.services), services, "services differ");
    // the model's issues come last (after those of parsing and interpolation)
    assert!(project.issues.len() >= issues.len() && !issues.is_empty());
    assert_eq!(project.issues[project.issues.len() - issues.len()..], issues[..], "issues differ");
    // the tree is whole again: it still holds every service
    let in_tree = root.as_map().and_then(|m| m.get("services")).and_then(|s| s.as_map()).map_or(0, |m| m.entries.len());
    (in_tree, project.compose.services.len())
}

/// A service with a mistake of some kind every few services, and top-level keys on both sides
/// of `services` that have mistakes of their own.
fn many_services(n: usize, broken_at: Option<usize>) -> String {
    let mut out = String::from("name: demo\nnetworks:\n  front:\n    driver: 3\n    bogus: true\nservices:\n");
    for i in 0..n {
        if Some(i) == broken_at {
            // not a mapping: the one-pass read gives up on every service
            let _ = writeln!(out, "  svc{i}: just a string");
            continue;
        }
        let _ = writeln!(out, "  svc{i}:\n    image: app:{i}");
        match i % 5 {
            0 => out.push_str("    imagee: typo\n"),
            1 => out.push_str("    ports: 80\n"),
            2 => out.push_str("    healthcheck:\n      interval: soon\n"),
            3 => out.push_str("    environment:\n      - A=1\n      - B\n"),
            _ => out.push_str("    deploy:\n      replicas: many\n"),
        }
    }
    out.push_str("volumes:\n  data:\n    driver_opts: 7\nsecrets:\n  s:\n    file: ./s\n    extra: 1\n");
    out
}

#[test]
fn many_services_read_apart_match_the_one_pass_read() {
    let (in_tree, read) = compare(&many_services(150, None));
    assert_eq!((in_tree, read), (150, 150));
}

/// A service that cannot be read (`svc77: just a string`) is left out, with its issue, where the
/// one-pass read gives up on every service: the others are read, and their mistakes reported, as
/// the one-pass read reports them without the broken service.
#[test]
fn a_service_that_cannot_be_read_leaves_the_others_read() {
    for (n, broken) in [(120, 77), (5, 2), (3, 0)] {
        let text = many_services(n, Some(broken));
        let project = load_text("compose.yaml", &text, &LoadOptions::default(), &NoFiles);
        assert_eq!(project.compose.services.len(), n - 1, "{n} services, svc{broken} broken");
        assert!(!project.compose.services.keys().any(|k| k.value == format!("svc{broken}")));
        let refused: Vec<&Issue> = project.issues.iter().filter(|i| i.path == format!("services.svc{broken}")).collect();
        assert_eq!(refused.len(), 1, "{:?}", project.issues);
        assert!(refused[0].message.contains("must be a mapping"), "{}", refused[0].message);
        // the issues of the other services are those the one-pass read gives without the broken one
        let without = text.replace(&format!("  svc{broken}: just a string\n"), "");
        let whole = load_text("compose.yaml", &without, &LoadOptions::default(), &NoFiles);
        let others: Vec<&Issue> = project.issues.iter().filter(|i| i.path != format!("services.svc{broken}")).collect();
        assert_eq!(others.iter().map(|i| (&i.message, &i.path)).collect::<Vec<_>>(), whole.issues.iter().map(|i| (&i.message, &i.path)).collect::<Vec<_>>());
        // the tree still holds every service
        let root = project.root.as_ref().expect("a tree");
        assert_eq!(root.as_map().and_then(|m| m.get("services")).and_then(|s| s.as_map()).map_or(0, |m| m.entries.len()), n);
    }
}

#[test]
fn few_services_and_services_first_or_last() {
    compare(&many_services(3, None));
    let mut last = String::from("volumes:\n  v:\n    bad: 1\nservices:\n");
    for i in 0..80 {
        let _ = writeln!(last, "  s{i}:\n    image: x\n    restart: sometimes{i}");
    }
    compare(&last);
    let mut first = String::from("services:\n");
    for i in 0..80 {
        let _ = writeln!(first, "  s{i}:\n    image: x\n    unknown{i}: 1");
    }
    first.push_str("x-extra:\n  a: 1\nnetworks:\n  n:\n    nope: 2\n");
    compare(&first);
}
