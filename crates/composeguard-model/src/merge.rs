//! Merging located trees as docker compose merges files: a later file (or YAML document, or a
//! service that `extends` another) is laid over an earlier one.
//!
//! The rules follow the Compose specification's merge section as compose-go applies them:
//! mappings merge by key, most sequences are appended, and some attributes have their own rule:
//!
//! * `command`, `entrypoint` and `healthcheck.test` are replaced;
//! * key/value attributes (`environment`, `labels`, `annotations`, `sysctls`, `build.args`…)
//!   merge by key, whichever syntax each side uses;
//! * `build` given as a context string merges with the object form;
//! * `depends_on`, `networks` and `models` given as lists merge with the mapping form;
//! * `extra_hosts` is appended without repeating entries; `logging` merges only when the driver
//!   is the same; a ulimit is replaced; `ipam.config` merges by subnet;
//! * sequences compose keeps unique (ports, volumes by target, secrets and configs by target,
//!   `cap_add`, `dns`…) replace the earlier entry with the same key in place;
//! * `!reset` removes the earlier value, `!override` replaces it whatever the rule.
//!
//! Nodes keep the spans of the file that set them, so the typed model read from the merged tree
//! points every value at its own file; [`Provenance`] records what an override replaced.

use crate::{HashMap, HashSet};

use crate::issue::{Issue, IssueKind};
use crate::model::{is_host_path, parse_port_spec, parse_volume_spec};
use crate::span::Span;
use crate::yaml::{Key, Mapping, MergeTag, Node, Style, Value};

/// One item per key, as compose keeps a list unique: a later item replaces the earlier one with
/// its key, in that one's place; an item without a key is kept.
pub fn keep_unique_by<'a, T>(items: impl IntoIterator<Item = &'a T>, key: impl Fn(&T) -> Option<String>) -> Vec<&'a T> {
    let mut out: Vec<&T> = Vec::new();
    // each key's place in `out` (a scan per item made long lists quadratic)
    let mut placed: HashMap<String, usize> = HashMap::default();
    for item in items {
        let Some(k) = key(item) else {
            out.push(item);
            continue;
        };
        match placed.entry(k) {
            std::collections::hash_map::Entry::Occupied(at) => {
                if let Some(slot) = out.get_mut(*at.get()) {
                    *slot = item;
                }
            }
            std::collections::hash_map::Entry::Vacant(at) => {
                at.insert(out.len());
                out.push(item);
            }
        }
    }
    out
}

/// Where merged values came from, for secondary labels on diagnostics.
#[derive(Clone, Debug, Default)]
pub struct Provenance {
    /// A value set over an earlier one (a later file, a later document, a service extending
    /// another): its span → the span of the value it replaced.
    pub overrides: HashMap<Span, Span>,
    /// Service bodies inherited through `extends`.
    pub inherited: Vec<Inheritance>,
    /// The `extends` values (their spans) whose base could not be loaded further up the chain
    /// (a file that is missing or broken, a cycle through other files): the error is reported
    /// where it is, and the service that extends is left as written.
    pub unresolved_extends: HashSet<Span>,
    /// Values a later `!reset` removed, by path (`services.web.build`, `networks`).
    pub resets: HashMap<String, Reset>,
    /// The first record of each extending service in `inherited`.
    by_service: HashMap<String, usize>,
    /// Key/value attributes (and `extra_hosts`) merged from two values, by path and span:
    /// compose holds the result as a list, where a later `!reset` of one key finds nothing.
    listed: HashSet<(String, Span)>,
}

impl Provenance {
    /// Records that `record.service` inherits from `record.base`.
    pub fn add_inheritance(&mut self, record: Inheritance) {
        self.by_service.entry(record.service.clone()).or_insert(self.inherited.len());
        self.inherited.push(record);
    }

    /// The inheritance record of an extending service.
    pub fn inheritance(&self, service: &str) -> Option<&Inheritance> {
        self.by_service.get(service).and_then(|i| self.inherited.get(*i))
    }
}

/// A value that a later file (or document, or an extending service) removed with `!reset`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reset {
    /// The key whose value is tagged `!reset`.
    pub at: Span,
    /// The value it removed.
    pub removed: Span,
    /// The keys of the removed mapping (the networks of `networks: !reset {}`).
    pub names: Vec<String>,
}

/// A service that inherited attributes through `extends`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inheritance {
    /// The extending service.
    pub service: String,
    /// The extended service.
    pub base: String,
    /// The extended service's definition (values inside it were inherited).
    pub range: Span,
    /// The `extends` entry of the extending service.
    pub via: Span,
}

/// What merging needs besides the two trees.
pub(crate) struct Merger<'a> {
    pub issues: &'a mut Vec<Issue>,
    pub provenance: &'a mut Provenance,
    /// Laying a service over the one it `extends`: that base is the service as written, where a
    /// file merged into an earlier one meets what compose has already read (`gpus: all` as a
    /// list, `build.ssh` as a mapping).
    extending: bool,
    /// Laying a service over one of its own file (`extends` without `file`): compose meets that
    /// base as written, before it reads `depends_on` or `networks` lists as mappings.
    base_as_written: bool,
}

/// How one attribute merges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// Mappings by key, sequences appended (with unicity where compose applies it), scalars
    /// replaced.
    Default,
    /// The later value replaces the earlier one.
    Replace,
    /// `KEY=value` lists and mappings, merged by key.
    KeyValue,
    /// A string or a list of strings, appended.
    StringList,
    /// `build`: a context string or the object.
    Build,
    /// `depends_on`: a list of names or the mapping.
    DependsOn,
    /// `networks`, `models` of a service: a list of names or a mapping.
    Names,
    /// `extra_hosts`: appended without repeats.
    ExtraHosts,
    /// `logging`: merged when the driver is the same.
    Logging,
    /// `networks.*.ipam.config`: merged by subnet.
    IpamConfig,
    /// `gpus`: `all` or a list; an earlier `all` is already a list when a later file merges.
    Gpus,
    /// `build.ssh`: the earlier value is already a mapping of ids when a later file merges.
    Ssh,
    /// A top-level network, volume, secret or config: an earlier `external: {name: …}` is
    /// already `name: …` with `external: true` when a later file merges.
    Resource,
}

fn matches(path: &[&str], pattern: &[&str]) -> bool {
    path.len() == pattern.len() && path.iter().zip(pattern).all(|(p, q)| *q == "*" || p == q)
}

fn rule_for(path: &[&str]) -> Rule {
    match path {
        ["services", _, attr] => match *attr {
            "command" | "entrypoint" => Rule::Replace,
            "annotations" | "environment" | "labels" | "sysctls" => Rule::KeyValue,
            "dns" | "dns_opt" | "dns_search" | "env_file" | "label_file" | "tmpfs" => Rule::StringList,
            "build" => Rule::Build,
            "depends_on" => Rule::DependsOn,
            "networks" | "models" => Rule::Names,
            "extra_hosts" => Rule::ExtraHosts,
            "logging" => Rule::Logging,
            "gpus" => Rule::Gpus,
            _ => Rule::Default,
        },
        ["services", _, "build", attr] => match *attr {
            "args" | "additional_contexts" | "labels" => Rule::KeyValue,
            "extra_hosts" => Rule::ExtraHosts,
            "ssh" => Rule::Ssh,
            _ => Rule::Default,
        },
        ["services", _, "healthcheck", "test"] | ["services", _, "ulimits", _] => Rule::Replace,
        ["services", _, "deploy", "labels"] | ["networks", _, "labels"] => Rule::KeyValue,
        // appended as `key=value` items with no unicity: an item in both files is then repeated,
        // which the spec refuses
        ["volumes", _, "labels"] => Rule::StringList,
        ["networks", _, "ipam", "config"] => Rule::IpamConfig,
        ["networks" | "volumes" | "secrets" | "configs", _] => Rule::Resource,
        _ => Rule::Default,
    }
}

/// How compose tells entries of a unique sequence apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unicity {
    /// The text before `=`.
    KeyValue,
    /// The container path of a mount.
    VolumeTarget,
    /// The container path of a device.
    DeviceTarget,
    /// The target of a secret or config, by default under this folder.
    Mount(&'static str),
    /// `env_file` entries by path.
    EnvFile,
    /// The exposed port.
    Expose,
    /// Published ports by host address, host port, container port and protocol.
    Port,
}

/// The unicity rule of the sequence at `path`, if compose applies one.
pub(crate) fn unicity_for(path: &[&str]) -> Option<Unicity> {
    const KEY_VALUE: &[&[&str]] = &[
        &["networks", "*", "labels"],
        &["services", "*", "annotations"],
        &["services", "*", "build", "args"],
        &["services", "*", "build", "additional_contexts"],
        &["services", "*", "build", "platform"],
        &["services", "*", "build", "tags"],
        &["services", "*", "build", "labels"],
        &["services", "*", "cap_add"],
        &["services", "*", "cap_drop"],
        &["services", "*", "deploy", "labels"],
        &["services", "*", "dns"],
        &["services", "*", "dns_opt"],
        &["services", "*", "dns_search"],
        &["services", "*", "environment"],
        &["services", "*", "labels"],
        &["services", "*", "links"],
        &["services", "*", "networks", "*", "aliases"],
        &["services", "*", "networks", "*", "link_local_ips"],
        &["services", "*", "profiles"],
        &["services", "*", "sysctls"],
        &["services", "*", "tmpfs"],
    ];
    if KEY_VALUE.iter().any(|p| matches(path, p)) {
        return Some(Unicity::KeyValue);
    }
    match path {
        ["services", _, "devices"] => Some(Unicity::DeviceTarget),
        ["services", _, "volumes"] => Some(Unicity::VolumeTarget),
        ["services", _, "configs"] => Some(Unicity::Mount("")),
        ["services", _, "secrets"] => Some(Unicity::Mount("/run/secrets")),
        ["services", _, "env_file"] => Some(Unicity::EnvFile),
        ["services", _, "expose"] => Some(Unicity::Expose),
        ["services", _, "ports"] => Some(Unicity::Port),
        _ => None,
    }
}

/// The unicity key of one sequence entry (`None`: compose could not index it, keep it).
pub(crate) fn unicity_key(rule: Unicity, node: &Node) -> Option<String> {
    match rule {
        Unicity::KeyValue => {
            let s = node.scalar_to_string()?;
            Some(s.split_once('=').map_or(s.clone(), |(k, _)| k.to_string()))
        }
        // compose rewrites the short syntax into the long one, its target cleaned (`/data/` is
        // `/data`), and merges again; a long syntax target is compared as written
        Unicity::VolumeTarget => match &node.value {
            Value::Map(m) => m.get("target").and_then(Node::scalar_to_string),
            Value::String(s) => parse_volume_spec(s).ok().map(|v| crate::paths::clean_target(&v.target)),
            _ => None,
        },
        Unicity::DeviceTarget => match &node.value {
            Value::Map(m) => m.get("target").and_then(Node::scalar_to_string),
            Value::String(s) => {
                let mut parts = s.split(':');
                let first = parts.next().unwrap_or("");
                Some(parts.next().unwrap_or(first).to_string())
            }
            _ => None,
        },
        Unicity::Mount(dir) => match &node.value {
            Value::String(s) => Some(format!("{dir}/{s}")),
            Value::Map(m) => match m.get("target").and_then(Node::scalar_to_string) {
                Some(t) => Some(t),
                None => Some(format!("{dir}/{}", m.get("source").and_then(Node::scalar_to_string).unwrap_or_default())),
            },
            _ => None,
        },
        Unicity::EnvFile => match &node.value {
            Value::Map(m) => m.get("path").and_then(Node::scalar_to_string),
            _ => node.scalar_to_string(),
        },
        Unicity::Expose => node.scalar_to_string(),
        Unicity::Port => port_keys(node).map(|k| k.join(",")),
    }
}

/// The unicity keys of the ports one `ports` entry stands for (a range gives several).
pub(crate) fn port_keys(node: &Node) -> Option<Vec<String>> {
    match &node.value {
        Value::Map(m) => {
            let text = |k: &str| m.get(k).and_then(Node::scalar_to_string);
            let target = text("target")?;
            // compose formats the value as Go's `%s` does: an integer (`published: 80`) is
            // `%!s(int=80)`, so it never matches the `80` of a short syntax or a quoted `"80"`
            let published = match m.get("published").map(|p| &p.value) {
                Some(Value::Int(i)) => format!("%!s(int={i})"),
                _ => text("published").unwrap_or_else(|| "%!s(<nil>)".into()),
            };
            let host = text("host_ip").unwrap_or_else(|| "0.0.0.0".into());
            let protocol = text("protocol").unwrap_or_else(|| "tcp".into());
            Some(vec![format!("{host}:{published}:{target}/{protocol}")])
        }
        Value::String(_) | Value::Int(_) => {
            let spec = node.scalar_to_string()?;
            let ports = parse_port_spec(&spec).ok()?;
            Some(
                ports
                    .iter()
                    .map(|p| {
                        let host = p.host_ip.clone().filter(|h| !h.is_empty()).unwrap_or_else(|| "0.0.0.0".into());
                        let published = p.published.clone().unwrap_or_else(|| "%!s(<nil>)".into());
                        let protocol = p.protocol.clone().unwrap_or_else(|| "tcp".into());
                        format!("{host}:{published}:{}/{protocol}", p.target)
                    })
                    .collect(),
            )
        }
        _ => None,
    }
}

/// Drops `!reset` values everywhere under `node` and forgets `!override` tags (with nothing
/// earlier to reset or override, they only mark the value).
pub fn strip_tags(node: &mut Node) {
    node.tag = None;
    match &mut node.value {
        Value::Map(m) => {
            m.entries.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
            for (_, v) in &mut m.entries {
                strip_tags(v);
            }
        }
        Value::Seq(items) => {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
            items.iter_mut().for_each(strip_tags);
        }
        _ => {}
    }
}

impl<'a> Merger<'a> {
    /// Lays `over` (a whole file or document) over `base`.
    pub fn new(issues: &'a mut Vec<Issue>, provenance: &'a mut Provenance) -> Self {
        Self { issues, provenance, extending: false, base_as_written: false }
    }

    pub fn merge_root(&mut self, base: Node, over: Node) -> Node {
        let mut path = Vec::new();
        self.merge(base, over, &mut path)
    }

    /// Lays the service `over` over the service `base` it extends (`name` is the service;
    /// `same_file`: the base is a service of the same file, as written).
    pub fn merge_service(&mut self, mut base: Node, over: Node, name: &str, same_file: bool) -> Node {
        // compose drops a file's `!reset` values as it reads the file, before `extends`: the
        // base has none (they only ever remove what an earlier file set)
        strip_tags(&mut base);
        let mut path = vec!["services".to_string(), name.to_string()];
        let was = std::mem::replace(&mut self.extending, true);
        let was_written = std::mem::replace(&mut self.base_as_written, same_file);
        // compose applies a `!reset` or `!override` of the service to the base it extends and,
        // in a later file, to the earlier files too: the merged service keeps the tags
        let mut tagged = Vec::new();
        if let Value::Map(m) = &over.value {
            tagged_keys(m, &mut Vec::new(), &mut tagged);
        }
        let mut merged = self.merge(base, over, &mut path);
        self.extending = was;
        self.base_as_written = was_written;
        for (keys, key, tag) in tagged {
            retag(&mut merged, &keys, key, tag);
        }
        merged
    }

    fn merge(&mut self, base: Node, mut over: Node, path: &mut Vec<String>) -> Node {
        if over.tag == Some(MergeTag::Override) {
            strip_tags(&mut over);
            self.replaced(&over, &base);
            return over;
        }
        let segs: Vec<&str> = path.iter().map(String::as_str).collect();
        let rule = match rule_for(&segs) {
            Rule::Gpus | Rule::Ssh if self.extending => Rule::Default,
            rule => rule,
        };
        let unicity = unicity_for(&segs);
        drop(segs);
        match rule {
            Rule::Replace => {
                strip_tags(&mut over);
                self.replaced(&over, &base);
                over
            }
            Rule::KeyValue => self.merge_key_values(base, over, path),
            Rule::StringList => self.merge_string_lists(base, over, unicity),
            Rule::Build => {
                let base = context_to_map(base);
                let over = context_to_map(over);
                self.merge_default(base, over, path, unicity)
            }
            Rule::DependsOn | Rule::Names if self.base_as_written && matches!(base.value, Value::Seq(_)) => {
                // the list as written has no key for a `!reset` of one name to remove
                let mut over = over;
                if let Value::Map(o) = &mut over.value {
                    o.entries.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
                }
                let depends_on = rule == Rule::DependsOn;
                self.merge_default(names_to_map(base, depends_on), names_to_map(over, depends_on), path, unicity)
            }
            Rule::DependsOn => {
                let base = names_to_map(base, true);
                let over = names_to_map(over, true);
                self.merge_default(base, over, path, unicity)
            }
            Rule::Names => {
                let base = names_to_map(base, false);
                let over = names_to_map(over, false);
                self.merge_default(base, over, path, unicity)
            }
            Rule::ExtraHosts => self.merge_extra_hosts(base, over, path),
            // compose merges logging as two mappings, and crashes on anything else
            Rule::Logging if !(base.as_map().is_some() && over.as_map().is_some()) => {
                let odd = if over.as_map().is_some() { &base } else { &over };
                let message = format!("`{}` is merged as two mappings, and docker compose crashes on {} here", path.join("."), describe(odd));
                self.refuse(over, base.span, path, message, "remove the key, or write `!reset null` to drop the logging settings")
            }
            Rule::Ssh => self.merge_default(ssh_to_map(base), over, path, unicity),
            Rule::Resource => self.merge_default(external_to_flag(base), over, path, unicity),
            Rule::Gpus => {
                let base = match base.value {
                    // compose has already turned the earlier `all` into `[{count: all}]`: a later
                    // list is appended to it, and a string cannot override it
                    Value::String(_) if !over.is_null() => gpus_as_list(&base),
                    _ => base,
                };
                self.merge_default(base, over, path, unicity)
            }
            Rule::Logging => {
                let driver = |n: &Node| n.as_map().and_then(|m| m.get("driver")).and_then(Node::scalar_to_string);
                match (driver(&base), driver(&over)) {
                    (Some(b), Some(o)) if b != o => {
                        strip_tags(&mut over);
                        self.replaced(&over, &base);
                        over
                    }
                    _ => self.merge_default(base, over, path, unicity),
                }
            }
            Rule::IpamConfig => self.merge_ipam_config(base, over, path),
            Rule::Default => self.merge_default(base, over, path, unicity),
        }
    }

    /// Reports that `over` cannot be merged into the value at `base_span` (compose fails or
    /// crashes there), and keeps `over`.
    fn refuse(&mut self, mut over: Node, base_span: Span, path: &[String], message: String, help: &str) -> Node {
        self.issues.push(
            Issue::error(IssueKind::InvalidType, over.span, message)
                .with_path(path.join("."))
                .with_related(base_span, "the value it would override")
                .with_help(help),
        );
        strip_tags(&mut over);
        over
    }

    /// Records that `over` replaced `base`.
    fn replaced(&mut self, over: &Node, base: &Node) {
        if over.span != base.span && !base.span.is_empty() {
            self.provenance.overrides.insert(over.span, base.span);
        }
    }

    fn merge_default(&mut self, base: Node, mut over: Node, path: &mut Vec<String>, unicity: Option<Unicity>) -> Node {
        if over.is_null() {
            return base;
        }
        match (base.value, over.value) {
            (Value::Map(b), Value::Map(o)) => {
                let merged = self.merge_mappings(b, o, path);
                Node { value: Value::Map(merged), span: base.span, anchor: base.anchor, style: base.style, tag: None }
            }
            (Value::Seq(b), Value::Seq(o)) => {
                let items = self.append(b, o, unicity);
                Node { value: Value::Seq(items), span: base.span, anchor: base.anchor, style: base.style, tag: None }
            }
            (b @ (Value::Map(_) | Value::Seq(_)), o) => {
                let kind = if matches!(b, Value::Map(_)) { "a mapping" } else { "a sequence" };
                over.value = o;
                let message = format!("`{}` cannot override {kind} with {}", path.join("."), describe(&over));
                self.refuse(over, base.span, path, message, "use the same syntax as the file it overrides, or tag the value `!override`")
            }
            (b, o) => {
                let base = Node { value: b, ..base };
                over.value = o;
                strip_tags(&mut over);
                self.replaced(&over, &base);
                over
            }
        }
    }

    fn merge_mappings(&mut self, mut base: Mapping, over: Mapping, path: &mut Vec<String>) -> Mapping {
        for (key, mut value) in over.entries {
            match value.tag {
                Some(MergeTag::Reset) => {
                    if let Some((_, removed)) = base.remove(&key.name) {
                        let names = removed.as_map().map(|m| m.entries.iter().map(|(k, _)| k.name.clone()).collect()).unwrap_or_default();
                        path.push(key.name.clone());
                        self.provenance.resets.insert(path.join("."), Reset { at: key.span, removed: removed.span, names });
                        path.pop();
                    }
                    continue;
                }
                Some(MergeTag::Override) => {
                    strip_tags(&mut value);
                    if let Some(old) = base.get(&key.name) {
                        let old_span = old.span;
                        if !old_span.is_empty() {
                            self.provenance.overrides.insert(value.span, old_span);
                        }
                    }
                    base.insert(key, value);
                    continue;
                }
                None => {}
            }
            if let Some(i) = base.entries.iter().position(|(k, _)| k.name == key.name) {
                {
                    if let Some(slot) = base.entries.get_mut(i) {
                        let old = std::mem::replace(&mut slot.1, Node::new(Value::Null, Span::default()));
                        let over_span = value.span;
                        path.push(key.name.clone());
                        slot.1 = self.merge(old, value, path);
                        path.pop();
                        // a replaced value is reported at the key that replaced it
                        if slot.1.span == over_span {
                            if !slot.0.span.is_empty() && slot.0.span != key.span {
                                self.provenance.overrides.insert(key.span, slot.0.span);
                            }
                            slot.0 = key;
                        }
                    }
                }
            } else {
                strip_tags(&mut value);
                base.entries.push((key, value));
            }
        }
        base
    }

    /// Appends `over` to `base`; with a unicity rule, an entry replaces the earlier entry with
    /// the same key in place (and earlier repeats of that key go).
    fn append(&mut self, mut base: Vec<Node>, over: Vec<Node>, unicity: Option<Unicity>) -> Vec<Node> {
        // Where each key of the base is (a scan of the base per item made long lists quadratic):
        // an item of `over` replaces the first base item with its key and drops the others.
        let mut places: HashMap<String, Vec<usize>> = HashMap::default();
        if let Some(u) = unicity {
            for (i, b) in base.iter().enumerate() {
                if let Some(k) = unicity_key(u, b) {
                    places.entry(k).or_default().push(i);
                }
            }
        }
        let mut dropped: Vec<usize> = Vec::new();
        for mut item in over {
            if item.tag == Some(MergeTag::Reset) {
                continue;
            }
            strip_tags(&mut item);
            let Some(key) = unicity.and_then(|u| unicity_key(u, &item)) else {
                base.push(item);
                continue;
            };
            let at = base.len();
            let positions = places.entry(key).or_default();
            // the later base items with this key go (once: they are not found again)
            if positions.len() > 1 {
                dropped.extend(positions.drain(1..));
            }
            if let Some(slot) = positions.first().copied().and_then(|f| base.get_mut(f)) {
                if slot.span != item.span && !slot.span.is_empty() {
                    self.provenance.overrides.insert(item.span, slot.span);
                }
                *slot = item;
            } else {
                positions.push(at);
                base.push(item);
            }
        }
        if !dropped.is_empty() {
            dropped.sort_unstable();
            let mut i = 0;
            base.retain(|_| {
                let keep = dropped.binary_search(&i).is_err();
                i += 1;
                keep
            });
        }
        base
    }

    fn merge_key_values(&mut self, base: Node, over: Node, path: &[String]) -> Node {
        if over.is_null() && over.tag.is_none() {
            return base;
        }
        // compose merges the two as one list of `KEY=value` strings, and refuses an item of any
        // other type in it (`environment: [1]` over a mapping)
        let base_len = match &base.value {
            Value::Map(m) => m.entries.len(),
            Value::Seq(items) => items.len(),
            _ => 0,
        };
        if let Value::Seq(items) = &over.value {
            for (i, item) in items.iter().enumerate() {
                if !matches!(item.value, Value::String(_)) && item.tag != Some(MergeTag::Reset) {
                    let at = path.join(".");
                    self.issues.push(
                        Issue::error(
                            IssueKind::InvalidType,
                            item.span,
                            format!("`{at}[{i}]` must be a `KEY=value` string, found {}: docker compose refuses it when it merges this value with another (a stacked file or `extends`)", item.value.kind_name()),
                        )
                        .with_path(format!("{at}[{}]", base_len + i))
                        .with_related(base.span, "the value it is merged with")
                        .with_help("quote the item (`\"1\"`), or write the key and value (`KEY=1`)"),
                    );
                }
            }
        }
        let span = base.span;
        let listed = self.is_listed(&base, path);
        self.provenance.listed.insert((path.join("."), span));
        let mut out: Vec<(Key, Node)> = key_values(base);
        for (key, mut value) in key_values(over) {
            if value.tag == Some(MergeTag::Reset) {
                if !listed {
                    out.retain(|(k, _)| k.name != key.name);
                }
                continue;
            }
            strip_tags(&mut value);
            let mut first = true;
            let mut replaced = false;
            out.retain_mut(|(k, v)| {
                if k.name != key.name {
                    return true;
                }
                if first {
                    first = false;
                    replaced = true;
                    if !v.span.is_empty() && v.span != value.span {
                        self.provenance.overrides.insert(value.span, v.span);
                    }
                    *v = value.clone();
                    return true;
                }
                false
            });
            if !replaced {
                out.push((key, value));
            }
        }
        // compose's merged value is a list; a nameless item (`""`, `=x`) is valid there but not
        // as a mapping key, so with one the merge stays a list of `KEY=value` items
        if out.iter().any(|(k, _)| k.name.is_empty() && k.span.is_empty()) {
            let items = out
                .into_iter()
                .map(|(k, v)| {
                    let text = match v.scalar_to_string() {
                        Some(value) if !v.is_null() => format!("{}={value}", k.name),
                        _ => k.name,
                    };
                    Node { value: Value::String(text), span: v.span, anchor: v.anchor, style: Style::DoubleQuoted, tag: None }
                })
                .collect();
            return Node { value: Value::Seq(items), span, anchor: None, style: Style::Block, tag: None };
        }
        Node { value: Value::Map(Mapping { entries: out }), span, anchor: None, style: Style::Block, tag: None }
    }

    fn merge_string_lists(&mut self, base: Node, over: Node, unicity: Option<Unicity>) -> Node {
        if over.is_null() && over.tag.is_none() {
            return base;
        }
        let span = base.span;
        let items = self.append(into_list(base), into_list(over), unicity);
        Node { value: Value::Seq(items), span, anchor: None, style: Style::Block, tag: None }
    }

    /// Whether compose holds the value merged into as a list: written as one, or the result of
    /// an earlier merge of the attribute (a key/value attribute or `extra_hosts`). A `!reset` or
    /// `!override` of one key removes that key from the earlier value only when it is a mapping.
    fn is_listed(&self, base: &Node, path: &[String]) -> bool {
        !matches!(base.value, Value::Map(_)) || self.provenance.listed.contains(&(path.join("."), base.span))
    }

    fn merge_extra_hosts(&mut self, mut base: Node, mut over: Node, path: &[String]) -> Node {
        if over.is_null() && over.tag.is_none() {
            return base;
        }
        let span = base.span;
        let listed = self.is_listed(&base, path);
        self.provenance.listed.insert((path.join("."), span));
        // a tagged host of the later mapping takes the earlier one's place (`!reset` drops both)
        if let Value::Map(o) = &mut over.value {
            let tagged: Vec<String> = o.entries.iter().filter(|(_, v)| v.tag.is_some()).map(|(k, _)| k.name.clone()).collect();
            if let (Value::Map(b), false) = (&mut base.value, listed) {
                b.entries.retain(|(k, _)| !tagged.contains(&k.name));
            }
            o.entries.retain(|(_, v)| v.tag != Some(MergeTag::Reset));
        }
        if let Value::Seq(items) = &mut over.value {
            items.retain(|v| v.tag != Some(MergeTag::Reset));
        }
        let mut items = host_list(base);
        for mut item in host_list(over) {
            strip_tags(&mut item);
            let text = item.scalar_to_string();
            if !items.iter().any(|b| b.scalar_to_string() == text) {
                items.push(item);
            }
        }
        Node { value: Value::Seq(items), span, anchor: None, style: Style::Block, tag: None }
    }

    /// compose's `ipam.config` merge: entries with a new subnet are added, entries with a known
    /// subnet merge into it; with nothing earlier, nothing is added.
    ///
    /// compose-go merges each earlier entry *in place* (Go maps are references) and keeps
    /// references to both files' entries in its result, so an entry merged again later changes
    /// every place it was put, and one entry can be listed several times. The entries are kept
    /// in an arena here, and the result holds indices into it, to give the same list.
    #[allow(clippy::indexing_slicing)] // `right`, `left` and the items of `out` are positions in `arena`
    fn merge_ipam_config(&mut self, base: Node, over: Node, path: &mut Vec<String>) -> Node {
        let span = base.span;
        let (Value::Seq(configs), Value::Seq(overrides)) = (base.value, over.value) else {
            return Node::new(Value::Seq(Vec::new()), span);
        };
        let subnet = |n: &Node| n.as_map().and_then(|m| m.get("subnet")).and_then(Node::scalar_to_string);
        let originals = configs.len();
        let mut arena: Vec<Node> = configs;
        arena.extend(overrides.into_iter().map(|mut o| {
            strip_tags(&mut o);
            o
        }));
        let mut out: Vec<usize> = Vec::new();
        for right in 0..originals {
            for left in originals..arena.len() {
                let left_subnet = subnet(&arena[left]);
                if left_subnet != subnet(&arena[right]) && !out.iter().any(|&a| subnet(&arena[a]) == left_subnet) {
                    out.push(left);
                    continue;
                }
                let merged = match (&arena[right].value, &arena[left].value) {
                    (Value::Map(b), Value::Map(o)) => {
                        let merged = self.merge_mappings(b.clone(), o.clone(), path);
                        arena[right].value = Value::Map(merged);
                        right
                    }
                    _ => left,
                };
                let merged_subnet = subnet(&arena[merged]);
                match out.iter().position(|&a| subnet(&arena[a]) == merged_subnet) {
                    Some(i) => out[i] = merged,
                    None => out.push(merged),
                }
            }
        }
        let items = out.into_iter().map(|i| arena[i].clone()).collect();
        Node { value: Value::Seq(items), span, anchor: None, style: Style::Block, tag: None }
    }
}

/// The keys under `m` whose value has a merge tag: their path (the key last) and the tag.
fn tagged_keys(m: &Mapping, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Key, MergeTag)>) {
    for (k, v) in &m.entries {
        match (&v.tag, &v.value) {
            (Some(tag), _) => out.push((path.clone(), k.clone(), *tag)),
            (None, Value::Map(inner)) => {
                path.push(k.name.clone());
                tagged_keys(inner, path, out);
                path.pop();
            }
            _ => {}
        }
    }
}

/// Tags the value of `key` under the mapping at `path` in `node` (a `!reset` key gone from the
/// merge is put back as a tagged null, for a later file's merge to remove).
fn retag(node: &mut Node, path: &[String], key: Key, tag: MergeTag) {
    let mut cur = node;
    for p in path {
        let Some(next) = cur.as_map_mut().and_then(|m| m.get_mut(p)) else { return };
        cur = next;
    }
    let Some(m) = cur.as_map_mut() else { return };
    match m.get_mut(&key.name) {
        Some(v) if tag == MergeTag::Override => v.tag = Some(tag),
        None if tag == MergeTag::Reset => {
            let span = key.span;
            m.insert(key, Node { tag: Some(tag), ..Node::new(Value::Null, span) });
        }
        // (a `!reset` the base's list ignored keeps the value, untagged)
        Some(_) | None => {}
    }
}

fn describe(n: &Node) -> &'static str {
    match n.value {
        Value::Null => "null",
        Value::Seq(_) => "a sequence",
        Value::Map(_) => "a mapping",
        _ => "a scalar",
    }
}

/// Entries of a key/value attribute, from either syntax (`KEY=value` items become a key and a
/// string value located at the item; a bare `KEY` has a null value).
///
/// compose merges these as lists: a mapping becomes `KEY=value` items, a string one item, and
/// any other scalar nothing. An item with no name (`""` or `=x`) is kept, as compose keeps it.
fn key_values(node: Node) -> Vec<(Key, Node)> {
    match node.value {
        Value::Map(m) => m.entries,
        Value::Seq(items) => items.iter().filter_map(item_to_entry).collect(),
        Value::String(_) => item_to_entry(&node).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn item_to_entry(item: &Node) -> Option<(Key, Node)> {
    if item.tag == Some(MergeTag::Reset) {
        return None;
    }
    let text = item.scalar_to_string()?;
    let (name, value) = match text.split_once('=') {
        Some((k, v)) => (k.to_string(), Value::String(v.to_string())),
        None => (text.clone(), Value::Null),
    };
    let key = Key { span: item.span.sub(0, name.len()), name, anchor: item.anchor };
    Some((key, Node { value, span: item.span, anchor: item.anchor, style: Style::DoubleQuoted, tag: None }))
}

/// A value merged as a list, as compose's merge reads it: a list as it is, a string as a list of
/// one, a mapping as its sorted `key=value` items (see [`host_list`]); any other scalar (a
/// number, a boolean, null) as nothing, so an override of that kind leaves the earlier list.
fn into_list(node: Node) -> Vec<Node> {
    match node.value {
        Value::Seq(items) => items,
        Value::String(_) => vec![node],
        Value::Map(_) => host_list(node),
        _ => Vec::new(),
    }
}

/// `extra_hosts` in either syntax as a list of `host=ip` strings (the mapping sorted, as compose
/// sorts it); any other value as [`into_list`] reads it.
fn host_list(node: Node) -> Vec<Node> {
    match node.value {
        Value::Map(m) => {
            let mut items: Vec<Node> = Vec::new();
            for (k, v) in m.entries {
                let span = v.span;
                match &v.value {
                    Value::Seq(ips) => {
                        for ip in ips {
                            let text = format!("{}={}", k.name, ip.scalar_to_string().unwrap_or_default());
                            items.push(Node { value: Value::String(text), span: ip.span, anchor: ip.anchor, style: Style::DoubleQuoted, tag: None });
                        }
                    }
                    Value::Null => items.push(Node::new(Value::String(k.name.clone()), k.span)),
                    _ => {
                        let text = format!("{}={}", k.name, v.scalar_to_string().unwrap_or_default());
                        items.push(Node { value: Value::String(text), span, anchor: v.anchor, style: Style::DoubleQuoted, tag: None });
                    }
                }
            }
            items.sort_by_key(Node::scalar_to_string);
            items
        }
        _ => into_list(node),
    }
}

/// A service of a file read only for `extends`, in the forms compose gives it there: compose
/// skips the schema for such a file and turns it into its canonical forms before it merges, so
/// a list of names that the schema alone refuses (a name twice in `depends_on`, `networks`,
/// `models` or `build.ssh`) is read as its mapping, and `gpus` given as any string means all
/// GPUs. Lists with other than strings are left as they are.
pub(crate) fn canonical_extends_forms(service: &mut Node) {
    let all_strings = |n: &Node| n.as_seq().is_some_and(|items| items.iter().all(|i| matches!(i.value, Value::String(_))));
    let Some(m) = service.as_map_mut() else { return };
    for (key, dependency_defaults) in [("depends_on", true), ("networks", false), ("models", false)] {
        if let Some(slot) = m.get_mut(key).filter(|n| all_strings(n)) {
            *slot = last_of_each_key(names_to_map(slot.clone(), dependency_defaults));
        }
    }
    // each dependency of the mapping form gets its defaults, `condition: service_started` and
    // `required: true` (the schema, which would refuse an entry without `condition`, is not
    // applied to such a file)
    if let Some(deps) = m.get_mut("depends_on").and_then(Node::as_map_mut) {
        for (_, dep) in &mut deps.entries {
            let span = dep.span;
            if let Some(d) = dep.as_map_mut() {
                dependency_defaults(d, span);
            }
        }
    }
    if let Some(ssh) = m.get_mut("build").and_then(Node::as_map_mut).and_then(|b| b.get_mut("ssh")).filter(|n| all_strings(n)) {
        *ssh = ssh_to_map(ssh.clone());
    }
    if let Some(gpus) = m.get_mut("gpus").filter(|n| matches!(n.value, Value::String(_))) {
        *gpus = gpus_as_list(gpus);
    }
}

/// `gpus` given as a string, as compose has it once read: all GPUs, `[{count: all}]`.
pub(crate) fn gpus_as_list(gpus: &Node) -> Node {
    let mut all = Mapping::default();
    all.insert(Key { name: "count".into(), span: gpus.span, anchor: None }, Node::new(Value::String("all".into()), gpus.span));
    let item = Node { value: Value::Map(all), ..*gpus };
    Node { value: Value::Seq(vec![item]), ..*gpus }
}

/// A mapping with one entry per key (the last one, where the first was).
fn last_of_each_key(node: Node) -> Node {
    let Value::Map(m) = node.value else { return node };
    let mut out = Mapping::default();
    for (k, v) in m.entries {
        out.insert(k, v);
    }
    Node { value: Value::Map(out), ..node }
}

/// `build.ssh` as compose has it once read: a mapping of ids to paths (`default` alone, or an
/// id without `=`, maps to null).
pub(crate) fn ssh_to_map(node: Node) -> Node {
    // the same `id=path` split as `KEY=value` items
    let entries: Vec<(Key, Node)> = match &node.value {
        Value::Seq(items) => items.iter().filter_map(item_to_entry).collect(),
        Value::String(_) => item_to_entry(&node).into_iter().collect(),
        _ => return node,
    };
    let mut map = Mapping::default();
    for (k, v) in entries {
        map.insert(k, v);
    }
    Node { value: Value::Map(map), span: node.span, anchor: node.anchor, style: Style::Block, tag: node.tag }
}

/// A resource as compose has it once read: `external: {name: x}` is `name: x` and
/// `external: true`.
pub(crate) fn external_to_flag(mut node: Node) -> Node {
    let Some(m) = node.as_map_mut() else { return node };
    let Some(i) = m.entries.iter().position(|(k, v)| k.name == "external" && v.as_map().is_some()) else { return node };
    let Some(ext) = m.entries.get_mut(i).map(|(_, v)| v) else { return node };
    let name = ext.as_map().and_then(|e| e.get_entry("name")).map(|(k, v)| (k.clone(), v.clone()));
    *ext = Node { value: Value::Bool(true), span: ext.span, anchor: ext.anchor, style: Style::Plain, tag: None };
    if let Some((key, value)) = name {
        if !m.contains_key("name") {
            m.insert(key, value);
        }
    }
    node
}

/// `build: ./dir` as `build: {context: ./dir}`.
pub(crate) fn context_to_map(node: Node) -> Node {
    match node.value {
        Value::String(_) => {
            let span = node.span;
            let key = Key { name: "context".into(), span, anchor: node.anchor };
            Node { value: Value::Map(Mapping { entries: vec![(key, node.clone())] }), span, anchor: None, style: Style::Block, tag: node.tag }
        }
        Value::Map(_) => node,
        // compose merges anything else as nothing: the other side stands
        _ => empty_map(&node),
    }
}

/// An empty mapping where `node` was (compose's merge reads a value of the wrong kind as none).
fn empty_map(node: &Node) -> Node {
    Node { value: Value::Map(Mapping::default()), span: node.span, anchor: node.anchor, style: Style::Block, tag: node.tag }
}

/// compose's defaults of a `depends_on` entry, where it has none: `condition: service_started`
/// and `required: true` (keys and values at `span`).
pub(crate) fn dependency_defaults(entry: &mut Mapping, span: Span) {
    for (key, value) in [("condition", Value::String("service_started".into())), ("required", Value::Bool(true))] {
        if !entry.contains_key(key) {
            entry.entries.push((Key { name: key.into(), span, anchor: None }, Node::new(value, span)));
        }
    }
}

/// A list of names as a mapping (`depends_on` entries get compose's defaults).
pub(crate) fn names_to_map(node: Node, with_defaults: bool) -> Node {
    let items = match node.value {
        Value::Seq(items) => items,
        Value::Map(_) => return node,
        // compose merges anything else as nothing: the other side stands
        _ => return empty_map(&node),
    };
    let mut entries = Vec::new();
    for item in items {
        let Some(name) = item.scalar_to_string() else { continue };
        let key = Key { name, span: item.span, anchor: item.anchor };
        let value = if with_defaults {
            let mut defaults = Mapping::default();
            dependency_defaults(&mut defaults, item.span);
            Node::new(Value::Map(defaults), item.span)
        } else {
            Node::new(Value::Null, item.span)
        };
        entries.push((key, value));
    }
    Node { value: Value::Map(Mapping { entries }), span: node.span, anchor: node.anchor, style: Style::Block, tag: node.tag }
}

/// Structural equality of two trees, ignoring locations and styles (compose's `DeepEqual` on
/// decoded values).
pub fn same_value(a: &Node, b: &Node) -> bool {
    match (&a.value, &b.value) {
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.entries.iter().all(|(k, v)| y.get(&k.name).is_some_and(|w| same_value(v, w)))
        }
        (Value::Seq(x), Value::Seq(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_value(v, w)),
        (x, y) => x == y,
    }
}

/// Whether a bind source in the short syntax is a host path (for path rewriting).
pub(crate) fn short_bind_source(spec: &str) -> Option<String> {
    let v = parse_volume_spec(spec).ok()?;
    v.source.filter(|s| is_host_path(s))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::span::FileId;
    use crate::yaml::{parse, Limits};

    fn doc(text: &str, file: u32) -> Node {
        parse(text, FileId(file), &Limits::default()).roots.into_iter().next().unwrap()
    }

    fn merged(a: &str, b: &str) -> Node {
        let mut issues = Vec::new();
        let mut prov = Provenance::default();
        let mut m = Merger::new(&mut issues, &mut prov);
        let out = m.merge_root(doc(a, 0), doc(b, 1));
        assert!(issues.is_empty(), "{issues:?}");
        out
    }

    fn at<'a>(n: &'a Node, path: &[&str]) -> &'a Node {
        let mut cur = n;
        for p in path {
            cur = cur.as_map().and_then(|m| m.get(p)).unwrap();
        }
        cur
    }

    fn texts(n: &Node) -> Vec<String> {
        n.as_seq().unwrap().iter().map(|i| i.scalar_to_string().unwrap()).collect()
    }

    #[test]
    fn command_is_replaced_and_ports_unique() {
        let m = merged(
            "services:\n  a:\n    command: [x, y]\n    ports: ['80:80', '81:81']\n",
            "services:\n  a:\n    command: z\n    ports: ['0.0.0.0:80:80', '82:82']\n",
        );
        assert_eq!(at(&m, &["services", "a", "command"]).as_str(), Some("z"));
        assert_eq!(texts(at(&m, &["services", "a", "ports"])), ["0.0.0.0:80:80", "81:81", "82:82"]);
    }

    #[test]
    fn environment_merges_by_key_across_syntaxes() {
        let m = merged(
            "services:\n  a:\n    environment: [A=1, B=2]\n",
            "services:\n  a:\n    environment:\n      B: 3\n      C:\n",
        );
        let env = at(&m, &["services", "a", "environment"]).as_map().unwrap();
        let keys: Vec<&str> = env.entries.iter().map(|(k, _)| k.name.as_str()).collect();
        assert_eq!(keys, ["A", "B", "C"]);
        assert_eq!(env.get("B").unwrap().value, Value::Int(3));
        assert!(env.get("C").unwrap().is_null());
    }

    #[test]
    fn reset_and_override() {
        let m = merged(
            "services:\n  a:\n    image: x\n    ports: ['80:80']\n    labels: {a: b}\n",
            "services:\n  a:\n    ports: !reset []\n    labels: !override {c: d}\n",
        );
        assert!(at(&m, &["services", "a"]).as_map().unwrap().get("ports").is_none());
        let labels = at(&m, &["services", "a", "labels"]).as_map().unwrap();
        assert_eq!(labels.len(), 1);
        assert!(labels.get("c").is_some());
    }

    #[test]
    fn reset_of_one_key_removes_it_only_from_a_mapping() {
        let keys = |n: &Node| n.as_map().unwrap().entries.iter().map(|(k, _)| k.name.clone()).collect::<Vec<_>>();
        let reset = "services:\n  a:\n    environment: {B: !reset null}\n    extra_hosts: {b: !reset null, c: !override 4.4.4.4}\n";
        // written as a list, the earlier value keeps the key
        let m = merged("services:\n  a:\n    environment: [A=1, B=1]\n    extra_hosts: [a=1.1.1.1, b=2.2.2.2, c=3.3.3.3]\n", reset);
        assert_eq!(keys(at(&m, &["services", "a", "environment"])), ["A", "B"]);
        assert_eq!(texts(at(&m, &["services", "a", "extra_hosts"])), ["a=1.1.1.1", "b=2.2.2.2", "c=3.3.3.3", "c=4.4.4.4"]);
        // written as a mapping, it goes (an `!override` host takes the earlier one's place)
        let m = merged("services:\n  a:\n    environment: {A: 1, B: 1}\n    extra_hosts: {a: 1.1.1.1, b: 2.2.2.2, c: 3.3.3.3}\n", reset);
        assert_eq!(keys(at(&m, &["services", "a", "environment"])), ["A"]);
        assert_eq!(texts(at(&m, &["services", "a", "extra_hosts"])), ["a=1.1.1.1", "c=4.4.4.4"]);
        // merged from two files, the mapping is a list for the third
        let mut issues = Vec::new();
        let mut prov = Provenance::default();
        let mut m = Merger::new(&mut issues, &mut prov);
        let two = m.merge_root(doc("services:\n  a:\n    labels: {a: x, b: y}\n", 0), doc("services:\n  a:\n    labels: {c: z}\n", 1));
        let three = m.merge_root(two, doc("services:\n  a:\n    labels: {b: !reset null}\n", 2));
        assert_eq!(keys(at(&three, &["services", "a", "labels"])), ["a", "b", "c"]);
    }

    #[test]
    fn depends_on_and_build_forms() {
        let m = merged(
            "services:\n  a:\n    build: ./dir\n    depends_on: [db]\n",
            "services:\n  a:\n    build: {target: t}\n    depends_on: {db: {condition: service_healthy}}\n",
        );
        assert_eq!(at(&m, &["services", "a", "build", "context"]).as_str(), Some("./dir"));
        assert_eq!(at(&m, &["services", "a", "build", "target"]).as_str(), Some("t"));
        let dep = at(&m, &["services", "a", "depends_on", "db"]);
        assert_eq!(at(dep, &["condition"]).as_str(), Some("service_healthy"));
        assert_eq!(at(dep, &["required"]).value, Value::Bool(true));
    }

    #[test]
    fn override_is_recorded() {
        let mut issues = Vec::new();
        let mut prov = Provenance::default();
        let mut m = Merger::new(&mut issues, &mut prov);
        let out = m.merge_root(doc("services:\n  a:\n    image: x\n", 0), doc("services:\n  a:\n    image: y\n", 1));
        let image = at(&out, &["services", "a", "image"]);
        assert_eq!(image.span.file, FileId(1));
        assert_eq!(prov.overrides.get(&image.span).map(|s| s.file), Some(FileId(0)));
    }
}
