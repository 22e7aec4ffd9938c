//! `extends`: a service takes another service's definition (from the same file or another one)
//! and lays its own attributes over it, with the merge rules of [`crate::merge`].
//!
//! As in compose, chains are followed (a base may extend another), the relative paths of a base
//! read from another file are rebased onto the project folder, and a cycle is an error. The
//! merged nodes keep their spans, so an inherited value points into the base's file; the
//! [`crate::merge::Inheritance`] records let a finding name the `extends` it came through.

use crate::issue::{Issue, IssueKind, Severity};
use crate::merge::{Inheritance, Merger};
use crate::paths::{is_remote_resource, join_clean, rebase, relative_to};
use crate::project::{parent_dir, Assembler, Scope};
use crate::span::Span;
use crate::yaml::{Mapping, Node, Value};

/// The longest `extends` chain followed (deeper is refused as hostile input).
const MAX_CHAIN: usize = 256;

/// One service on the way of an `extends` chain: its file and name.
type Link = (String, String);

/// The `extends` of a service, read from the tree.
struct ExtendsRef {
    service: String,
    service_span: Span,
    file: Option<(String, Span)>,
    span: Span,
}

fn read_extends(node: &Node) -> Option<ExtendsRef> {
    match &node.value {
        Value::String(s) => Some(ExtendsRef { service: s.clone(), service_span: node.span, file: None, span: node.span }),
        Value::Map(m) => {
            let service = m.get("service")?;
            let name = service.as_str()?.to_string();
            // a `file` that is not a string is not followed: `extends` stays in the service, where
            // the spec checks report its type (docker compose fails on it)
            let file = match m.get("file") {
                Some(f) if !matches!(f.value, Value::Null) => Some((f.as_str()?.to_string(), f.span)),
                _ => None,
            };
            Some(ExtendsRef { service: name, service_span: service.span, file, span: node.span })
        }
        _ => None,
    }
}

impl Assembler<'_> {
    /// Resolves the `extends` of every service of a document (`file` is the document's file).
    pub(crate) fn apply_extends(&mut self, doc: &mut Node, file: &str, scope: &Scope<'_>) {
        let Some(services) = doc.as_map_mut().and_then(|m| m.get_mut("services")).and_then(Node::as_map_mut) else { return };
        if !services.entries.iter().any(|(_, s)| s.as_map().is_some_and(|m| m.contains_key("extends"))) {
            return;
        }
        let names: Vec<String> = services.entries.iter().map(|(k, _)| k.name.clone()).collect();
        for name in names {
            let mut chain: Vec<Link> = Vec::new();
            self.resolve_service(services, &name, file, scope, &mut chain);
        }
    }

    /// The service `name` of `services` (in `file`) with its `extends` applied; the resolved
    /// definition is stored back, so each service is resolved once.
    fn resolve_service(&mut self, services: &mut Mapping, name: &str, file: &str, scope: &Scope<'_>, chain: &mut Vec<Link>) -> Option<Node> {
        let service = services.get(name)?;
        let Some(body) = service.as_map() else { return Some(service.clone()) };
        let Some((ext_key, ext_node)) = body.get_entry("extends") else { return Some(service.clone()) };
        // `extends: !reset …` removes the key: there is nothing to extend in this file
        if ext_node.tag == Some(crate::yaml::MergeTag::Reset) {
            return Some(service.clone());
        }
        let Some(mut ext) = read_extends(ext_node) else {
            // in a file read for `extends`, compose follows this `extends` too, and fails when it
            // names no service (in the project's own files the spec checks report it)
            if ext_node.as_map().is_some_and(|m| !m.get("service").is_some_and(|s| matches!(s.value, Value::String(_))))
                && chain.first().is_some_and(|(f, _)| f != file)
            {
                self.issues.push(
                    Issue::error(IssueKind::MissingKey, ext_node.span, format!("`services.{name}.extends` is missing the required key `service` (in `{file}`, read for `extends`)"))
                        .with_path(format!("services.{name}.extends")),
                );
            }
            return Some(service.clone());
        };
        ext.span = ext_key.span;
        let link = (file.to_string(), name.to_string());
        if chain.len() >= MAX_CHAIN {
            self.issues.push(
                Issue::error(IssueKind::InputLimit, ext.span, format!("`extends` chain of service `{name}` is deeper than {MAX_CHAIN} services"))
                    .with_path(format!("services.{name}.extends")),
            );
            return Some(service.clone());
        }
        if chain.contains(&link) {
            let mut names: Vec<String> = chain.iter().skip_while(|l| **l != link).map(|(_, s)| format!("`{s}`")).collect();
            names.push(format!("`{name}`"));
            self.issues.push(
                Issue::error(IssueKind::DependencyCycle, ext.span, format!("`extends` cycle: {}", names.join(" extends ")))
                    .with_path(format!("services.{name}.extends"))
                    .with_help("a service cannot extend itself, directly or through others"),
            );
            return Some(service.clone());
        }
        chain.push(link);
        let base = match &ext.file {
            Some((f, f_span)) if is_remote_resource(f) => {
                self.issues.push(
                    Issue { severity: Severity::Info, ..Issue::error(IssueKind::RemoteResource, *f_span, format!("remote `extends` file `{f}` was not fetched, so service `{name}` was not checked with it")) }
                        .with_path(format!("services.{name}.extends.file")),
                );
                None
            }
            Some((f, f_span)) => self.base_from_file(name, &ext, f, *f_span, scope, chain),
            None => {
                if services.contains_key(&ext.service) {
                    self.resolve_service(services, &ext.service, file, scope, chain)
                } else {
                    self.issues.push(
                        Issue::error(IssueKind::UndefinedReference, ext.service_span, format!("service `{name}` extends undefined service `{}`", ext.service))
                            .with_path(format!("services.{name}.extends"))
                            .with_help("define the service in this file, or name the file that defines it with `extends.file`"),
                    );
                    None
                }
            }
        };
        chain.pop();
        let base = base?;
        let base_span = base.span;
        let over = services.get(name)?.clone();
        let mut merger = Merger::new(&mut self.issues, &mut self.provenance);
        let mut merged = merger.merge_service(base, over.clone(), name);
        merged.span = over.span;
        if let Some(m) = merged.as_map_mut() {
            m.remove("extends");
        }
        // what the base inherited itself is found by following its own record
        self.provenance.add_inheritance(Inheritance { service: name.to_string(), base: ext.service.clone(), range: base_span, via: ext.span });
        if let Some(slot) = services.get_mut(name) {
            *slot = merged.clone();
        }
        Some(merged)
    }

    /// The service `ext.service` of another file, resolved in that file, with its relative
    /// paths rebased onto the project folder.
    fn base_from_file(&mut self, name: &str, ext: &ExtendsRef, file: &str, file_span: Span, scope: &Scope<'_>, chain: &mut Vec<Link>) -> Option<Node> {
        let path = join_clean(&scope.dir, file);
        let (_, docs) = self.documents(&path, Some(file_span), scope.vars)?;
        let mut root: Option<Node> = None;
        for doc in docs {
            root = Some(match root {
                None => doc,
                Some(b) => Merger::new(&mut self.issues, &mut self.provenance).merge_root(b, doc),
            });
        }
        let mut root = root.unwrap_or_else(|| Node::new(Value::Null, Span::default()));
        let folder = parent_dir(&path);
        let prefix = relative_to(&scope.dir, &folder).unwrap_or(folder);
        rebase(&mut root, &prefix);
        let Some(services) = root.as_map_mut().and_then(|m| m.get_mut("services")).and_then(Node::as_map_mut) else {
            self.issues.push(
                Issue::error(IssueKind::UndefinedReference, ext.service_span, format!("service `{name}` extends `{}`, but `{file}` has no services", ext.service))
                    .with_path(format!("services.{name}.extends")),
            );
            return None;
        };
        for (k, service) in &mut services.entries {
            crate::merge::canonical_extends_forms(service);
            // compose reads the `extends` of each service of the file: it fails on one that is
            // neither a name nor a mapping, and crashes on a `file` that is not a string
            let Some(e) = service.as_map().and_then(|m| m.get("extends")).filter(|e| e.tag != Some(crate::yaml::MergeTag::Reset)) else { continue };
            let problem = match &e.value {
                Value::String(_) => None,
                Value::Map(m) => m.get("file").filter(|f| !matches!(f.value, Value::String(_))).map(|f| (f.span, "extends.file", "must be a string")),
                _ => Some((e.span, "extends", "must be a service name or a mapping")),
            };
            if let Some((span, key, what)) = problem {
                self.issues.push(
                    Issue::error(IssueKind::InvalidType, span, format!("`services.{}.{key}` {what} (in `{file}`, read for `extends`)", k.name))
                        .with_path(format!("services.{}.{key}", k.name)),
                );
            }
        }
        if !services.contains_key(&ext.service) {
            let known: Vec<&str> = services.entries.iter().map(|(k, _)| k.name.as_str()).collect();
            let hint = crate::de::did_you_mean(&ext.service, known.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            let mut issue = Issue::error(
                IssueKind::UndefinedReference,
                ext.service_span,
                format!("service `{name}` extends `{}`, which is not defined in `{file}`", ext.service),
            )
            .with_path(format!("services.{name}.extends.service"));
            if let Some(h) = hint {
                issue = issue.with_help(h);
            }
            self.issues.push(issue);
            return None;
        }
        self.resolve_service(services, &ext.service, &path, scope, chain)
    }
}
