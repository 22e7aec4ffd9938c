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

/// A file's services, found by name through an index (a scan of the mapping per lookup made
/// 20 000 services extending one take seconds). The mapping keeps its entries where they are:
/// a resolved service replaces its own entry.
struct Services<'m> {
    map: &'m mut Mapping,
    index: crate::HashMap<String, usize>,
}

impl<'m> Services<'m> {
    fn new(map: &'m mut Mapping) -> Self {
        let mut index = crate::HashMap::default();
        for (i, (k, _)) in map.entries.iter().enumerate() {
            index.entry(k.name.clone()).or_insert(i);
        }
        Self { map, index }
    }

    fn get(&self, name: &str) -> Option<&Node> {
        self.index.get(name).and_then(|&i| self.map.entries.get(i)).map(|(_, v)| v)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.index.get(name).and_then(|&i| self.map.entries.get_mut(i)).map(|(_, v)| v)
    }

    fn contains_key(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
}

impl Assembler<'_> {
    /// Records `issue` unless the same one is recorded (a file read for several `extends` is
    /// checked each time); a set, so a file with many problems read for many `extends` is not
    /// quadratic.
    fn push_once(&mut self, issue: Issue) {
        if self.extends_reported.insert((issue.span, issue.message.clone())) {
            self.issues.push(issue);
        }
    }

    /// Resolves the `extends` of every service of a document (`file` is the document's file).
    pub(crate) fn apply_extends(&mut self, doc: &mut Node, file: &str, scope: &Scope<'_>) {
        let Some(services) = doc.as_map_mut().and_then(|m| m.get_mut("services")).and_then(Node::as_map_mut) else { return };
        if !services.entries.iter().any(|(_, s)| s.as_map().is_some_and(|m| m.contains_key("extends"))) {
            return;
        }
        let names: Vec<String> = services.entries.iter().map(|(k, _)| k.name.clone()).collect();
        let mut services = Services::new(services);
        for name in names {
            let mut chain: Vec<Link> = Vec::new();
            self.resolve_service(&mut services, &name, file, scope, &mut chain);
        }
    }

    /// The service `name` of `services` (in `file`) with its `extends` applied; the resolved
    /// definition is stored back, so each service is resolved once.
    fn resolve_service(&mut self, services: &mut Services<'_>, name: &str, file: &str, scope: &Scope<'_>, chain: &mut Vec<Link>) -> Option<Node> {
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
        let ext_node_span = ext_node.span;
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
            let cycle: Vec<&Link> = chain.iter().skip_while(|l| **l != link).collect();
            let mut names: Vec<String> = cycle.iter().map(|(_, s)| format!("`{s}`")).collect();
            names.push(format!("`{name}`"));
            self.push_once(
                Issue::error(IssueKind::DependencyCycle, ext.span, format!("`extends` cycle: {}", names.join(" extends ")))
                    .with_path(format!("services.{name}.extends"))
                    .with_help("a service cannot extend itself, directly or through others"),
            );
            // through other files, each service of the cycle keeps its `extends` (the files are
            // read afresh for each hop): nothing is inherited, and the cycle is the one error
            if cycle.iter().any(|(f, _)| f != file) {
                return None;
            }
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
                    let known = services.map.entries.iter().map(|(k, _)| k.name.as_str()).filter(|k| *k != name);
                    let help = match crate::de::did_you_mean_name(&ext.service, known) {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => "define the service in this file, or name the file that defines it with `extends.file`".to_string(),
                    };
                    self.issues.push(
                        Issue::error(IssueKind::UndefinedReference, ext.service_span, format!("service `{name}` extends undefined service `{}`", ext.service))
                            .with_path(format!("services.{name}.extends"))
                            .with_help(help),
                    );
                    None
                }
            }
        };
        chain.pop();
        let Some(base) = base else {
            self.provenance.unresolved_extends.insert(ext_node_span);
            return None;
        };
        if base.is_null() {
            if let Some((f, _)) = &ext.file {
                // a service of another file left empty (`base:` with nothing under it): compose
                // extends nothing and leaves `extends` in place, its `file` made absolute
                let absolute = join_clean(&scope.dir, f);
                let slot = services.get_mut(name)?;
                if let Some(file) = slot.as_map_mut().and_then(|m| m.get_mut("extends")).and_then(Node::as_map_mut).and_then(|m| m.get_mut("file")) {
                    file.value = Value::String(absolute);
                }
                return Some(slot.clone());
            }
        }
        let kept = base.as_map().and_then(|m| m.get("extends")).filter(|e| e.tag != Some(crate::yaml::MergeTag::Reset));
        if kept.and_then(Node::as_map).is_some_and(|e| e.contains_key("file") && e.contains_key("service")) {
            // the base kept its own `extends` (above): compose refuses to extend it
            self.issues.push(
                Issue::error(
                    IssueKind::InvalidValue,
                    ext.span,
                    format!("service `{name}` extends `{}`, whose own `extends` names an empty service of another file; compose cannot override its `extends`", ext.service),
                )
                .with_path(format!("services.{name}.extends"))
                .with_help(format!("give the service that `{}` extends a definition, or extend another service", ext.service)),
            );
            return Some(services.get(name)?.clone());
        }
        let base_span = base.span;
        let over = services.get(name)?.clone();
        let mut merger = Merger::new(&mut self.issues, &mut self.provenance);
        let mut merged = merger.merge_service(base, over.clone(), name, ext.file.is_none());
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
        if let Some(resolved) = self.base_from_prepared(&path, ext, file, scope, chain) {
            return resolved;
        }
        let from = self.issues.len();
        // what parsing the file finds is reported once, by its first read: only what reading
        // it (interpolating it) reports is reported again by a later `extends` of it
        let _ = self.parse_file(&path, Some(file_span));
        let read_from = self.issues.len();
        let read = self.documents(&path, Some(file_span), scope);
        let read_issues = self.issues.len();
        if read.is_none() {
            self.explain_unresolved(from, file_span, file, &scope.dir);
        }
        let (id, docs) = read?;
        // a file that does not parse (or whose top level is no mapping) is reported as such:
        // that it has no services follows from it
        if docs.is_empty() && self.issues.iter().any(|i| i.span.file == id && i.severity == Severity::Error) {
            return None;
        }
        let docs_len = docs.len();
        let mut root: Option<Node> = None;
        for doc in docs {
            root = Some(match root {
                None => doc,
                Some(b) => Merger::new(&mut self.issues, &mut self.provenance).merge_root(b, doc),
            });
        }
        let mut root = root.unwrap_or_else(|| Node::new(Value::Null, Span::default()));
        // checked as compose reads a file: without its `!reset` values; the tags stay for the
        // `extends` chain within that file, where compose applies them to what a service
        // inherits (they are dropped from the service handed back)
        // (once per file and scope: the same documents give the same issues, reported once)
        if scope.rereads.borrow_mut().checked.insert((path.clone(), file.to_string())) {
            let mut plain = root.clone();
            crate::merge::strip_tags(&mut plain);
            for issue in canonical_form_errors(&plain, file) {
                self.push_once(issue);
            }
        }
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
                self.push_once(
                    Issue::error(IssueKind::InvalidType, span, format!("`services.{}.{key}` {what} (in `{file}`, read for `extends`)", k.name))
                        .with_path(format!("services.{}.{key}", k.name))
                        .read_for_extends(),
                );
            }
        }
        if !services.contains_key(&ext.service) {
            let known: Vec<&str> = services.entries.iter().map(|(k, _)| k.name.as_str()).collect();
            let hint = crate::de::did_you_mean_name(&ext.service, known.iter().copied()).map(|s| format!("did you mean `{s}`?"));
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
        if docs_len == 1 {
            let issues = self.issues.get(read_from..read_issues).unwrap_or_default().to_vec();
            scope.rereads.borrow_mut().prepared.insert((path.clone(), file.to_string()), (services.clone(), issues));
        }
        let mut resolved = self.resolve_service(&mut Services::new(services), &ext.service, &path, scope, chain)?;
        crate::merge::strip_tags(&mut resolved);
        Some(resolved)
    }

    /// [`Self::base_from_file`] for a file whose services are prepared in this scope (see
    /// [`crate::project::Rereads::prepared`]): what reading it again would report is reported,
    /// and the chain is resolved on copies of the services it goes through. `None` when the
    /// file is not prepared, or when the chain leaves its services (an undefined base, whose
    /// message names the services there are): then the file is read as the first time.
    #[allow(clippy::option_option)] // `None`: read the file as the first time; `Some(None)`: no base
    fn base_from_prepared(&mut self, path: &str, ext: &ExtendsRef, file: &str, scope: &Scope<'_>, chain: &mut Vec<Link>) -> Option<Option<Node>> {
        let mut subset = {
            let rereads = scope.rereads.borrow();
            let (services, issues) = rereads.prepared.get(&(path.to_string(), file.to_string()))?;
            let needed = chain_in_file(services, &ext.service)?;
            // what reading the file again reports (its interpolation), as `documents` does
            self.issues.extend(issues.iter().cloned());
            Mapping { entries: services.entries.iter().filter(|(k, _)| needed.contains(k.name.as_str())).cloned().collect() }
        };
        let resolved = self.resolve_service(&mut Services::new(&mut subset), &ext.service, path, scope, chain);
        Some(resolved.map(|mut r| {
            crate::merge::strip_tags(&mut r);
            r
        }))
    }
}

/// The services of `services` that resolving `start` reads: it and, following `extends`
/// without `file`, its bases in the same mapping. `None` when one of them is not there.
fn chain_in_file<'m>(services: &'m Mapping, start: &'m str) -> Option<crate::HashSet<&'m str>> {
    let mut needed = crate::HashSet::default();
    let mut next = Some(start);
    while let Some(name) = next.filter(|n| needed.insert(*n)) {
        let service = services.get(name)?;
        next = service
            .as_map()
            .and_then(|m| m.get("extends"))
            .filter(|e| e.tag != Some(crate::yaml::MergeTag::Reset))
            .and_then(|e| match &e.value {
                Value::String(s) => Some(s.as_str()),
                Value::Map(m) if m.get("file").is_none_or(|f| matches!(f.value, Value::Null)) => m.get("service").and_then(Node::as_str),
                _ => None,
            });
    }
    Some(needed)
}

/// The items of a list or the values of a mapping (compose transforms `key.*`, either one).
fn members(n: Option<&Node>) -> Vec<(String, &Node)> {
    match n.map(|n| &n.value) {
        Some(Value::Seq(items)) => items.iter().enumerate().map(|(i, v)| (format!("[{i}]"), v)).collect(),
        Some(Value::Map(m)) => m.iter().map(|(k, v)| (format!(".{}", k.name), v)).collect(),
        _ => Vec::new(),
    }
}

/// What compose fails on when it turns a file read for `extends` into its canonical form: it
/// skips the schema for such a file, but still indexes its lists and rewrites their short
/// syntaxes, in every service (not only the one extended) and every top-level resource. Only
/// kinds of values are checked here (a short syntax that does not parse is left to the spec
/// checks of the service that uses it).
fn canonical_form_errors(root: &Node, file: &str) -> Vec<Issue> {
    let mut found = Found { issues: Vec::new(), file };
    let Some(top) = root.as_map() else { return found.issues };
    // (a date is no string for compose: it reads it as a time)
    let is_str = |n: &Node| matches!(n.value, Value::String(_));
    let is_int = |n: &Node| matches!(n.value, Value::Int(_));
    let is_map = |n: &Node| matches!(n.value, Value::Map(_));
    // each item of a list that compose indexes by its `key=` text must be a string
    let strings = |n: Option<&Node>, path: &dyn Fn() -> String, found: &mut Found<'_>| {
        for (i, item) in n.and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
            if !is_str(item) {
                found.bad_type(item, format!("{}[{i}]", path()), "must be a string");
            }
        }
    };
    if let Some(services) = top.get("services").and_then(Node::as_map) {
        for (k, s) in services.iter() {
            let Some(m) = s.as_map() else { continue };
            let p = |key: &str| format!("services.{}.{key}", k.name);
            for key in ["annotations", "cap_add", "cap_drop", "dns", "dns_opt", "dns_search", "environment", "labels", "links", "profiles", "sysctls", "tmpfs", "networks", "models"] {
                strings(m.get(key), &|| p(key), &mut found);
            }
            if let Some(labels) = m.get("deploy").and_then(Node::as_map).and_then(|d| d.get("labels")) {
                strings(Some(labels), &|| p("deploy.labels"), &mut found);
            }
            if let Some(nets) = m.get("networks").and_then(Node::as_map) {
                for (n, v) in nets.iter() {
                    for key in ["aliases", "link_local_ips"] {
                        strings(v.as_map().and_then(|a| a.get(key)), &|| p(&format!("networks.{}.{key}", n.name)), &mut found);
                    }
                }
            }
            if let Some(ports) = m.get("ports") {
                match ports.as_seq() {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let spec = match &item.value {
                                Value::String(t) => Some(t.clone()),
                                Value::Int(n) => Some(n.to_string()),
                                _ => None,
                            };
                            if let Some(Err(e)) = spec.map(|t| crate::model::parse_port_spec(&t)) {
                                found.push(IssueKind::InvalidValue, item, p(&format!("ports[{i}]")), &format!("is not a valid port: {e}"));
                            } else if !(is_int(item) || is_str(item) || is_map(item)) {
                                found.bad_type(item, p(&format!("ports[{i}]")), "must be a port string, number or mapping");
                            } else if item.as_map().is_some_and(|pm| !pm.contains_key("target")) {
                                found.bad_type(item, p(&format!("ports[{i}]")), "is missing the target port");
                            }
                        }
                    }
                    None => found.bad_type(ports, p("ports"), "must be a list"),
                }
            }
            if let Some(build) = m.get("build") {
                match build.as_map() {
                    Some(b) => {
                        for key in ["args", "additional_contexts", "tags", "labels"] {
                            strings(b.get(key), &|| p(&format!("build.{key}")), &mut found);
                        }
                        if let Some(contexts) = b.get("additional_contexts") {
                            match &contexts.value {
                                Value::Seq(items) => {
                                    for (i, item) in items.iter().enumerate() {
                                        if matches!(&item.value, Value::String(t) if !t.contains('=')) {
                                            found.bad_type(item, p(&format!("build.additional_contexts[{i}]")), "must be `name=context`");
                                        }
                                    }
                                }
                                Value::Map(cm) => {
                                    for (c, v) in cm.iter() {
                                        if !is_str(v) {
                                            found.bad_type(v, p(&format!("build.additional_contexts.{}", c.name)), "must be a string");
                                        }
                                    }
                                }
                                _ => found.bad_type(contexts, p("build.additional_contexts"), "must be a list or a mapping"),
                            }
                        }
                        if let Some(ssh) = b.get("ssh") {
                            match ssh.as_seq() {
                                Some(items) => {
                                    for (i, item) in items.iter().enumerate() {
                                        let ok = matches!(&item.value, Value::String(t) if t.contains('=') || t == "default");
                                        if !ok {
                                            found.bad_type(item, p(&format!("build.ssh[{i}]")), "must be `default` or `id=path`");
                                        }
                                    }
                                }
                                None if !is_map(ssh) => found.bad_type(ssh, p("build.ssh"), "must be a list or a mapping"),
                                None => {}
                            }
                        }
                        for (at, item) in members(b.get("secrets")) {
                            if !(is_str(item) || is_map(item)) {
                                found.bad_type(item, p(&format!("build.secrets{at}")), "must be a name or a mapping");
                            }
                        }
                        for (at, v) in members(b.get("ulimits")) {
                            if !(is_int(v) || is_map(v)) {
                                found.bad_type(v, p(&format!("build.ulimits{at}")), "must be a number or a mapping");
                            }
                        }
                    }
                    None if !is_str(build) => found.bad_type(build, p("build"), "must be a path or a mapping"),
                    None => {}
                }
            }
            if let Some(deps) = m.get("depends_on") {
                match &deps.value {
                    Value::Seq(_) => strings(Some(deps), &|| p("depends_on"), &mut found),
                    Value::Map(dm) => {
                        for (d, v) in dm.iter() {
                            if !is_map(v) {
                                found.bad_type(v, p(&format!("depends_on.{}", d.name)), "must be a mapping");
                            }
                        }
                    }
                    _ => found.bad_type(deps, p("depends_on"), "must be a list or a mapping"),
                }
            }
            if let Some(env_file) = m.get("env_file") {
                match env_file.as_seq() {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            if item.as_map().is_some_and(|e| !e.contains_key("path")) {
                                found.bad_type(item, p(&format!("env_file[{i}]")), "is missing the required key `path`");
                            }
                        }
                    }
                    None if !is_str(env_file) => found.bad_type(env_file, p("env_file"), "must be a path or a list"),
                    None => {}
                }
            }
            if let Some(gpus) = m.get("gpus").filter(|n| !is_str(n) && n.as_seq().is_none()) {
                found.bad_type(gpus, p("gpus"), "must be `all` or a list");
            }
            for key in ["volumes", "devices"] {
                // (compose indexes the items by their target in the list form only)
                let listed = m.get(key).is_some_and(|n| n.as_seq().is_some());
                for (at, item) in members(m.get(key)) {
                    match &item.value {
                        Value::String(t) if key == "volumes" => {
                            if let Err(e) = crate::model::parse_volume_spec(t) {
                                found.push(IssueKind::InvalidValue, item, p(&format!("{key}{at}")), &format!("is not a valid volume: {e}"));
                            }
                        }
                        Value::String(t) if t.split(':').count() > 3 => {
                            found.push(IssueKind::InvalidValue, item, p(&format!("{key}{at}")), "is a confusing device mapping; use the long syntax");
                        }
                        Value::String(_) => {}
                        Value::Map(v) if !listed || v.get("target").is_some_and(|t| matches!(t.value, Value::String(_))) => {}
                        Value::Map(_) => found.bad_type(item, p(&format!("{key}{at}")), "is missing a string `target`"),
                        _ => found.bad_type(item, p(&format!("{key}{at}")), "must be a string or a mapping"),
                    }
                }
            }
            for key in ["secrets", "configs"] {
                let listed = m.get(key).is_some_and(|n| n.as_seq().is_some());
                for (at, item) in members(m.get(key)) {
                    let target_not_string = listed && item.as_map().and_then(|t| t.get("target")).is_some_and(|t| !is_str(t));
                    if !(is_str(item) || is_map(item)) {
                        found.bad_type(item, p(&format!("{key}{at}")), "must be a name or a mapping");
                    } else if target_not_string {
                        found.bad_type(item, p(&format!("{key}{at}.target")), "must be a string");
                    }
                }
            }
            for (at, v) in members(m.get("ulimits")) {
                if !(is_int(v) || is_map(v)) {
                    found.bad_type(v, p(&format!("ulimits{at}")), "must be a number or a mapping");
                }
            }
            for (i, item) in m.get("expose").and_then(Node::as_seq).unwrap_or_default().iter().enumerate() {
                if !(is_int(item) || is_str(item)) {
                    found.bad_type(item, p(&format!("expose[{i}]")), "must be a port string or number");
                }
            }
        }
    }
    for section in ["networks", "volumes", "secrets", "configs"] {
        for (at, v) in members(top.get(section)).into_iter().filter(|(_, v)| !(v.is_null() || is_map(v))) {
            found.bad_type(v, format!("{section}{at}"), "must be a mapping");
        }
        for (k, v) in top.get(section).and_then(Node::as_map).map(|s| s.iter().collect::<Vec<_>>()).unwrap_or_default() {
            // compose adopts a (deprecated) `external.name`, and fails when it differs from `name`
            let r = v.as_map();
            let external_name = r.and_then(|r| r.get("external")).and_then(Node::as_map).and_then(|e| e.get("name"));
            if let (Some(ext), Some(name)) = (external_name, r.and_then(|r| r.get("name"))) {
                if ext.value != name.value {
                    found.push(IssueKind::ConflictingKeys, ext, format!("{section}.{}.external.name", k.name), "conflicts with `name`; only use `name`");
                }
            }
            match r {
                Some(r) if section == "networks" => {
                    strings(r.get("labels"), &|| format!("networks.{}.labels", k.name), &mut found);
                    let options = r.get("ipam").and_then(Node::as_map).and_then(|i| i.get("options"));
                    strings(options, &|| format!("networks.{}.ipam.options", k.name), &mut found);
                }
                _ => {}
            }
        }
    }
    for (at, item) in members(top.get("include")) {
        if !(is_str(item) || is_map(item)) {
            found.bad_type(item, format!("include{at}"), "must be a path or a mapping");
        }
    }
    found.issues
}

/// What [`canonical_form_errors`] found, each issue saying which file it is in.
struct Found<'f> {
    issues: Vec<Issue>,
    file: &'f str,
}

impl Found<'_> {
    fn push(&mut self, kind: IssueKind, node: &Node, path: String, what: &str) {
        self.issues.push(Issue::error(kind, node.span, format!("`{path}` {what} (in `{}`, read for `extends`)", self.file)).with_path(path).read_for_extends());
    }

    /// A value of the wrong kind (what most of the checks find).
    fn bad_type(&mut self, node: &Node, path: String, what: &str) {
        self.push(IssueKind::InvalidType, node, path, what);
    }
}
