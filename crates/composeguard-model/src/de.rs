//! A serde `Deserializer` over the located node tree that reports every error and keeps going.
//!
//! The typed model derives `Deserialize`. Three things make that fit a validator:
//!
//! * each error is recorded, with its node's span and model path, by the innermost node that
//!   sees it; what travels up is only [`DeError::Reported`];
//! * model fields are wrapped with [`lenient`], which turns a failed field into its default, so the
//!   rest of the struct (and the file) is still read;
//! * [`crate::span::Spanned`] receives its node's location through a private newtype name.
//!
//! Unknown keys are reported here (with a did-you-mean from the struct's own field list), and
//! `x-` keys are handed to the struct's `x-*` field where the spec allows extensions.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::issue::{Issue, IssueKind};
use crate::span::{Span, Spanned};
use crate::yaml::{Key, Mapping, Node, Value};

pub(crate) const SPANNED: &str = "$composeguard::Spanned";
pub(crate) const LENIENT: &str = "$composeguard::Lenient";
/// The message of an error already recorded, for code generic over the deserializer (which can
/// only make errors from messages): it becomes [`DeError::Reported`].
pub(crate) const REPORTED: &str = "$composeguard::Reported";
/// The start of the message of a missing key, for code generic over the deserializer (see
/// [`missing_key`]).
const MISSING: &str = "$composeguard::Missing ";
/// The start of the message of a value only compose's final decoding refuses (see
/// [`refused_when_decoded`]).
const DECODED: &str = "$composeguard::Decoded ";
/// Asks for the node's kind before reading it (see `model::ByKind`).
pub(crate) const KIND: &str = "$composeguard::Kind";
/// The field name that receives a struct's `x-` keys.
pub const EXTENSIONS: &str = "x-*";

/// An error travelling through serde. Messages are turned into issues by the node that sees them.
#[derive(Debug)]
pub enum DeError {
    /// Already recorded as an issue.
    Reported,
    /// Not yet recorded: the innermost node records it.
    Message { kind: IssueKind, text: String },
}

impl DeError {
    pub fn invalid(text: impl Into<String>) -> Self {
        Self::Message { kind: IssueKind::InvalidValue, text: text.into() }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Reported => f.write_str("reported"),
            Self::Message { text, .. } => f.write_str(text),
        }
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        let text = msg.to_string();
        if text == REPORTED {
            return Self::Reported;
        }
        Self::Message { kind: IssueKind::InvalidValue, text }
    }

    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        let found = match unexp {
            de::Unexpected::Bool(_) => "a boolean".to_string(),
            de::Unexpected::Unsigned(_) | de::Unexpected::Signed(_) => "an integer".to_string(),
            de::Unexpected::Float(_) => "a number".to_string(),
            de::Unexpected::Str(_) | de::Unexpected::Char(_) => "a string".to_string(),
            de::Unexpected::Unit | de::Unexpected::Option => "null".to_string(),
            de::Unexpected::Seq => "a sequence".to_string(),
            de::Unexpected::Map => "a mapping".to_string(),
            other => other.to_string(),
        };
        Self::Message { kind: IssueKind::InvalidType, text: format!("must be {exp}, found {found}") }
    }

    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Self::Message { kind: IssueKind::InvalidValue, text: format!("invalid value {unexp}: expected {exp}") }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let list = expected.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
        let hint = did_you_mean(variant, expected.iter().copied()).map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default();
        Self::Message { kind: IssueKind::InvalidValue, text: format!("`{variant}` is not one of {list}{hint}") }
    }

    fn missing_field(field: &'static str) -> Self {
        Self::Message { kind: IssueKind::MissingKey, text: format!("{MISSING}{field} missing required key `{field}`") }
    }
}

/// The model path of a node, as a linked list up to the root.
#[derive(Clone, Copy)]
pub enum Path<'p> {
    Root,
    Key(&'p str, &'p Path<'p>),
    Index(usize, &'p Path<'p>),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(k, parent) => {
                if matches!(parent, Path::Root) {
                    write!(f, "{k}")
                } else {
                    write!(f, "{parent}.{k}")
                }
            }
            Path::Index(i, parent) => write!(f, "{parent}[{i}]"),
        }
    }
}

impl Path<'_> {
    /// The last key segment (the field name a node is under).
    pub fn last_key(&self) -> Option<&str> {
        match self {
            Path::Root => None,
            Path::Key(k, _) => Some(k),
            Path::Index(_, p) => p.last_key(),
        }
    }
}

impl Path<'_> {
    /// The segments from the root, list indices as `[]`.
    fn segments(&self) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = self;
        loop {
            match cur {
                Path::Root => break,
                Path::Key(k, p) => {
                    out.push(*k);
                    cur = p;
                }
                Path::Index(_, p) => {
                    out.push("[]");
                    cur = p;
                }
            }
        }
        out.reverse();
        out
    }
}

/// Where the spec allows `null` (everything else rejects it, as docker compose does).
fn null_allowed(path: &Path<'_>) -> bool {
    let segs = path.segments();
    match segs.as_slice() {
        ["include"]
        | ["networks" | "volumes", _]
        // (`pid: null` is in the spec, but crashes docker compose, so it is refused here)
        | ["services", _, "deploy" | "develop" | "command" | "entrypoint"]
        | ["services", _, "networks" | "models", _]
        | ["services", _, "post_start" | "pre_stop", "[]", "command"]
        | ["services", _, "develop", "watch", "[]", "exec", "command"]
        | ["services", _, "logging", "options", _] => true,
        // `x-` extension values are free-form
        rest => rest.iter().any(|s| s.starts_with("x-")),
    }
}

/// Whether `path` is inside an `x-` extension: under an `x-` key that is not a name in a
/// free-form mapping (a label, a variable, a network's name…).
fn in_extension(path: &Path<'_>) -> bool {
    let segs = path.segments();
    let Some(i) = segs.iter().position(|s| s.starts_with("x-")) else { return false };
    let parent = i.checked_sub(1).and_then(|j| segs.get(j)).copied();
    !matches!(
        parent,
        Some(
            "labels" | "environment" | "annotations" | "sysctls" | "extra_hosts" | "driver_opts" | "options" | "args" | "storage_opt"
                | "ulimits" | "depends_on" | "networks" | "secrets" | "configs" | "volumes" | "services" | "models" | "devices"
                | "tmpfs"
        )
    )
}

/// `services.*.ulimits` or `services.*.build.ulimits`.
fn is_ulimits(path: &Path<'_>) -> bool {
    matches!(path.segments().as_slice(), ["services", _, "ulimits"] | ["services", _, "build", "ulimits"])
}

/// A ulimit whose name the spec's pattern (`^[a-z]+$`) does not match: the schema leaves its
/// value unchecked, and compose reads it ignoring keys other than `soft` and `hard`.
fn loose_ulimit(path: &Path<'_>) -> bool {
    match path {
        Path::Key(name, parent) => (name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase())) && is_ulimits(parent),
        _ => false,
    }
}

/// An empty key of an options mapping whose keys the spec's pattern (`^.+$`) checks: the schema
/// leaves its value unchecked, and compose turns whatever it holds into text (secrets'
/// `driver_opts` are read as strings, and refuse it).
fn unchecked_option(path: &Path<'_>, key: &str) -> bool {
    key.is_empty()
        && matches!(
            path.segments().as_slice(),
            ["services", _, "logging", "options"] | ["services", _, "networks", _, "driver_opts"] | ["networks" | "volumes", _, "driver_opts"]
        )
}

/// An error saying the key `key` is missing (`text` says so in words): the issue records the
/// key, so that an unknown key naming it, or an error in its unreadable value, explains it
/// ([`crate::issue::drop_explained_missing_keys`]).
pub(crate) fn missing_key<E: de::Error>(key: &str, text: &str) -> E {
    E::custom(format!("{MISSING}{key} {text}"))
}

/// An error about a value compose's schema lets through and only its final decoding of the
/// merged project refuses (a duration, a byte size): a later file of a stack mends it, so it is
/// not an error of the files merged so far ([`crate::issue::Issue::is_refused_when_decoded`]).
pub(crate) fn refused_when_decoded<E: de::Error>(text: &str) -> E {
    E::custom(format!("{DECODED}{text}"))
}

/// Collects issues during deserialization.
#[derive(Default)]
pub struct Recorder {
    issues: RefCell<Vec<Issue>>,
    /// How many issues there were when the top-level `services` were reached (where the issues
    /// of services read apart belong).
    services_at: Cell<Option<usize>>,
}

impl Recorder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&self, issue: Issue) {
        self.issues.borrow_mut().push(issue);
    }

    pub fn into_issues(self) -> Vec<Issue> {
        self.issues.into_inner()
    }

    /// The issues, and how many of them came before the top-level `services`.
    pub(crate) fn into_issues_and_services_at(self) -> (Vec<Issue>, Option<usize>) {
        (self.issues.into_inner(), self.services_at.get())
    }

    fn record(&self, node: &Node, path: &Path<'_>, kind: IssueKind, text: &str) {
        let (missing, text) = match text.strip_prefix(MISSING).and_then(|rest| rest.split_once(' ')) {
            Some((key, text)) => (Some(key), text),
            None => (None, text),
        };
        let (decoded, text) = match text.strip_prefix(DECODED) {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let path_s = path.to_string();
        let subject = if path_s.is_empty() { "the file".to_string() } else { format!("`{path_s}`") };
        let mut issue = Issue::error(kind, node.span, format!("{subject} {text}")).with_path(path_s);
        if let Some(a) = node.anchor {
            issue = issue.with_related(a, "value defined here");
        }
        let one_item = || one_item_for_a_list(node, text).or_else(|| key_written_twice(node, path)).or_else(|| nothing_below(node, path, text)).or_else(|| nested_variable(node, path)).or_else(|| number_for_a_text(node, text)).or_else(|| section_as_a_list(node, path));
        if let Some(help) = (kind == IssueKind::InvalidType).then(|| missing_blank(node).or_else(|| pair_in_text_list(node, path)).or_else(one_item)).flatten() {
            issue = issue.with_help(help);
        }
        if let Some(key) = missing {
            issue = issue.with_missing_key(key);
        }
        if decoded {
            issue = issue.refused_when_decoded();
        }
        self.push(issue);
    }
}

/// The help for a plain text where a mapping or a list was wanted, when the text is one that
/// lacks the blank YAML needs after `:` or `-` (`image:nginx`, `-"80:80"`, `<<:*base`).
fn missing_blank(node: &Node) -> Option<String> {
    let Value::String(text) = &node.value else { return None };
    if node.style != crate::yaml::Style::Plain || text.contains('\n') {
        return None;
    }
    if let Some(rest) = text.strip_prefix('-').filter(|r| r.starts_with(|c: char| !c.is_whitespace() && c != '-')) {
        return Some(format!("a list item needs a blank after its `-`: `- {rest}`"));
    }
    let (key, value) = text.split_once(':')?;
    // a service's attribute (`image`), a top-level key, or a merge: other text (`A:1`,
    // `nginx:1.27`) may be meant as it stands
    let top_level = ["services", "networks", "volumes", "secrets", "configs", "models", "include", "name", "version"];
    let plain_key = key == "<<" || crate::go_order::is_service_key(key) || top_level.contains(&key);
    (plain_key && value.starts_with(|c: char| !c.is_whitespace() && c != '/' && c != ':')).then(|| format!("a key needs a blank after its `:`: `{key}: {value}`"))
}

/// The help for a mapping where a value was wanted, when the mapping holds the same key again
/// (`test:` then `test: [...]` under a healthcheck): the key written twice.
fn key_written_twice(node: &Node, path: &Path<'_>) -> Option<String> {
    let Path::Key(name, _) = path else { return None };
    node.as_map()?.get(name).map(|_| format!("`{name}:` is written twice, one inside the other: remove the outer `{name}:` line"))
}

/// The help for a key left without a value where a mapping or a list was wanted
/// (`environment:` followed by `ports:` at its own indentation): its entries are missing, or
/// not indented under it.
fn nothing_below(node: &Node, path: &Path<'_>, text: &str) -> Option<String> {
    let Path::Key(name, parent) = path else { return None };
    let entries = text.starts_with("must be a mapping") || text.starts_with("must be a sequence") || text.contains("a list");
    if !entries || !matches!(node.value, Value::Null) || matches!(parent, Path::Root) {
        return None;
    }
    // (`depends_on: {db: }`: a dependency with no condition)
    if let Path::Key("depends_on", _) = parent {
        return Some(format!("list the service (`depends_on: [{name}]`), or give it a `condition:`"));
    }
    Some(format!("`{name}:` has no value: indent its entries under it, or remove the line"))
}

/// The help for a variable of `environment` (or a build argument, a label) given a mapping or
/// a list: a variable holds one text.
fn nested_variable(node: &Node, path: &Path<'_>) -> Option<String> {
    let Path::Key(name, Path::Key(list @ ("environment" | "args" | "labels"), _)) = path else { return None };
    let first = node.as_map().and_then(|m| m.entries.first()).map(|(k, _)| k.name.as_str());
    match (&node.value, first) {
        (Value::Map(_), Some(key)) => Some(format!("a value of `{list}` is one text: write one entry per value (`{name}_{key}: …`), or quote the whole value")),
        (Value::Seq(_), _) => Some(format!("a value of `{list}` is one text: join the items into one (quoted) text")),
        _ => None,
    }
}

/// The help for an integer where only a text is taken (`user: 1000`, a `command` item `6380`):
/// quoted, YAML reads it as text.
fn number_for_a_text(node: &Node, text: &str) -> Option<String> {
    let n = match node.value {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        _ => return None,
    };
    text.starts_with("must be a string,").then(|| format!("quote it to make it a text: `\"{n}\"`"))
}

/// The help for a top-level section written as a list (`volumes: [data]`, `services: [- web:
/// ...]`): a mapping keyed by name.
fn section_as_a_list(node: &Node, path: &Path<'_>) -> Option<String> {
    let Path::Key(section @ ("services" | "volumes" | "networks" | "secrets" | "configs"), Path::Root) = path else { return None };
    let Value::Seq(items) = &node.value else { return None };
    match &items.first()?.value {
        Value::String(name) => Some(format!("declare them by name, as a mapping: `{section}: {{{name}: {{}}}}`")),
        Value::Map(_) => Some(format!("remove the `-` before each entry: `{section}` is a mapping keyed by name")),
        _ => None,
    }
}

/// The help for one text where only a list is taken (`ports: "80:80"`, `profiles: debug`):
/// the list of that one item.
fn one_item_for_a_list(node: &Node, text: &str) -> Option<String> {
    let Value::String(item) = &node.value else { return None };
    (text.starts_with("must be a sequence,") && !item.contains('\n') && !item.contains('$'))
        .then(|| format!("write a list, even of one item: `[{}]`", serde_json::Value::String(item.clone())))
}

/// The help for an item of a list of `KEY=value` texts (`environment`, `labels`, `sysctls`,
/// build `args`) that YAML read as a one-entry mapping, because of a `: ` in it: `- KEY: value`
/// (the mapping form written as a list) or `- MESSAGE=Hello: World` (a value holding `: `).
fn pair_in_text_list(node: &Node, path: &Path<'_>) -> Option<String> {
    let Path::Index(_, Path::Key(list, _)) = path else { return None };
    if !matches!(*list, "environment" | "labels" | "sysctls" | "args" | "annotations" | "extra_hosts") {
        return None;
    }
    let map = node.as_map()?;
    let [(key, value)] = map.entries.as_slice() else { return None };
    let value_text = match &value.value {
        Value::String(v) => v.clone(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        _ => return None,
    };
    let sep = if *list == "extra_hosts" { ":" } else { "=" };
    // a credential's value is not echoed
    let variable = key.name.split(sep).next().unwrap_or_default();
    let value_text = if crate::interpolate::is_sensitive_key(variable) { crate::interpolate::mask(&value_text) } else { value_text };
    Some(if key.name.contains(sep) {
        format!("YAML reads the `: ` in this item as a mapping: quote the whole item, `- \"{}: {value_text}\"`", key.name)
    } else {
        format!("write the item as `- {}{sep}{value_text}`, or drop the `-` of every item to write a mapping", key.name)
    })
}

/// Deserializes a node.
pub struct NodeDe<'de, 'p> {
    pub node: &'de Node,
    pub rec: &'p Recorder,
    pub path: &'p Path<'p>,
}

/// Records a not-yet-recorded error at `node`.
fn settle<T>(r: Result<T, DeError>, node: &Node, rec: &Recorder, path: &Path<'_>) -> Result<T, DeError> {
    match r {
        Err(DeError::Message { kind, text }) => {
            rec.record(node, path, kind, &text);
            Err(DeError::Reported)
        }
        other => other,
    }
}

impl<'de, 'p> NodeDe<'de, 'p> {
    pub fn new(node: &'de Node, rec: &'p Recorder, path: &'p Path<'p>) -> Self {
        Self { node, rec, path }
    }

    fn report<T>(&self, r: Result<T, DeError>) -> Result<T, DeError> {
        match r {
            Err(DeError::Message { kind, text }) => {
                self.rec.record(self.node, self.path, kind, &text);
                Err(DeError::Reported)
            }
            other => other,
        }
    }

    fn type_error(&self, expected: &str) -> DeError {
        let found = self.node.value.kind_name();
        self.rec.record(
            self.node,
            self.path,
            IssueKind::InvalidType,
            &format!("must be {expected}, found {found}"),
        );
        DeError::Reported
    }

    fn visit_scalar<V: Visitor<'de>>(&self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::UInt(u) => visitor.visit_u64(*u),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_borrowed_str(s),
            // compose reads a date in an `x-` extension as the text it is written as (it refuses
            // one anywhere its schema types the value)
            Value::Timestamp(text) if in_extension(self.path) => visitor.visit_borrowed_str(text),
            Value::Timestamp(_) => {
                return Err(self.type_error(&visitor_expecting(&visitor)));
            }
            Value::Seq(items) => visitor.visit_seq(SeqDe { items: items.iter(), index: 0, rec: self.rec, path: self.path }),
            Value::Map(m) => visitor.visit_map(MapDe::plain(m, self.rec, self.path)),
        };
        self.report(r)
    }
}

fn visitor_expecting<'de, V: Visitor<'de>>(v: &V) -> String {
    struct E<'a, V>(&'a V);
    impl<'de, V: Visitor<'de>> fmt::Display for E<'_, V> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.expecting(f)
        }
    }
    E(v).to_string()
}

impl<'de> de::Deserializer<'de> for NodeDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.visit_scalar(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Bool(b) => self.report(visitor.visit_bool(*b)),
            // compose casts strings to booleans when decoding
            Value::String(s) => match s.to_ascii_lowercase().as_str() {
                "true" | "y" | "yes" | "on" => self.report(visitor.visit_bool(true)),
                "false" | "n" | "no" | "off" => self.report(visitor.visit_bool(false)),
                _ => {
                    self.rec.record(self.node, self.path, IssueKind::InvalidType, &format!("must be a boolean, found `{s}`"));
                    Err(DeError::Reported)
                }
            },
            _ => Err(self.type_error("a boolean")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::String(s) => self.report(visitor.visit_borrowed_str(s)),
            // (the visitor says what string: `a duration with a unit, such as `30s``)
            _ => Err(self.type_error(&visitor_expecting(&visitor))),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null if null_allowed(self.path) => self.report(visitor.visit_none()),
            Value::Null => {
                self.rec.record(self.node, self.path, IssueKind::InvalidType, "must not be null");
                Err(DeError::Reported)
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        match name {
            KIND => {
                let kind = match &self.node.value {
                    Value::Null => "null",
                    Value::Bool(_) => "bool",
                    Value::Int(_) | Value::UInt(_) => "int",
                    Value::Float(_) => "float",
                    Value::String(_) => "string",
                    Value::Timestamp(_) => "timestamp",
                    Value::Seq(_) => "seq",
                    Value::Map(_) => "map",
                };
                let node = self.node;
                let r = visitor.visit_seq(KindSeq { kind: Some(kind), de: Some(NodeDe { node, rec: self.rec, path: self.path }) });
                match r {
                    Err(DeError::Message { kind, text }) => {
                        self.rec.record(node, self.path, kind, &text);
                        Err(DeError::Reported)
                    }
                    other => other,
                }
            }
            SPANNED => {
                let (node, rec, path) = (self.node, self.rec, self.path);
                let span = self.node.span;
                let anchor = self.node.anchor;
                settle(visitor.visit_seq(SpannedSeq { de: Some(self), span, anchor, step: 0 }), node, rec, path)
            }
            // any other newtype, and `attempt`'s (`LENIENT`): an error is recorded at the node
            _ => {
                let (node, rec, path) = (self.node, self.rec, self.path);
                settle(visitor.visit_newtype_struct(self), node, rec, path)
            }
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Seq(items) => {
                let r = visitor.visit_seq(SeqDe { items: items.iter(), index: 0, rec: self.rec, path: self.path });
                self.report(r)
            }
            _ => Err(self.type_error("a sequence")),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Map(m) => {
                let r = visitor.visit_map(MapDe::plain(m, self.rec, self.path));
                self.report(r)
            }
            _ => Err(self.type_error("a mapping")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Map(m) => {
                let r = visitor.visit_map(MapDe::strict(self.node, m, fields, self.rec, self.path));
                self.report(r)
            }
            _ => Err(self.type_error("a mapping")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::String(s) => {
                let r = visitor.visit_enum(s.as_str().into_deserializer());
                self.report(r)
            }
            _ => Err(self.type_error("a string")),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Null => self.report(visitor.visit_unit()),
            _ => Err(self.type_error("null")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit_struct tuple tuple_struct identifier
    }
}

struct KindSeq<'de, 'p> {
    kind: Option<&'static str>,
    de: Option<NodeDe<'de, 'p>>,
}

impl<'de> SeqAccess<'de> for KindSeq<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        if let Some(kind) = self.kind.take() {
            return seed.deserialize(kind.into_deserializer()).map(Some);
        }
        match self.de.take() {
            Some(de) => seed.deserialize(de).map(Some),
            None => Ok(None),
        }
    }
}

struct SpannedSeq<'de, 'p> {
    de: Option<NodeDe<'de, 'p>>,
    span: Span,
    anchor: Option<Span>,
    step: u8,
}

impl<'de> SeqAccess<'de> for SpannedSeq<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let step = self.step;
        self.step += 1;
        let n = |v: u32| seed_u64(u64::from(v));
        match step {
            0 => seed.deserialize(n(self.span.file.0)).map(Some),
            1 => seed.deserialize(n(self.span.start)).map(Some),
            2 => seed.deserialize(n(self.span.end)).map(Some),
            3 => seed.deserialize(seed_u64(self.anchor.map_or(u64::MAX, |a| u64::from(a.file.0)))).map(Some),
            4 => seed.deserialize(n(self.anchor.map_or(0, |a| a.start))).map(Some),
            5 => seed.deserialize(n(self.anchor.map_or(0, |a| a.end))).map(Some),
            6 => match self.de.take() {
                Some(de) => seed.deserialize(de).map(Some),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }
}

fn seed_u64(v: u64) -> de::value::U64Deserializer<DeError> {
    v.into_deserializer()
}

struct SeqDe<'de, 'p> {
    items: std::slice::Iter<'de, Node>,
    index: usize,
    rec: &'p Recorder,
    path: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for SeqDe<'de, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else { return Ok(None) };
        let path = Path::Index(self.index, self.path);
        self.index += 1;
        settle(seed.deserialize(NodeDe { node, rec: self.rec, path: &path }), node, self.rec, &path).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

enum Pending<'de> {
    Entry(&'de Key, &'de Node),
    Extensions,
    Location,
}

/// The field name that receives a struct's own location.
pub const LOCATION: &str = "$span";
/// A field with this name marks a struct whose unknown keys are accepted (the spec allows them).
pub const ANY_KEYS: &str = "$any";

struct MapDe<'de, 'p> {
    entries: Entries<'de>,
    /// Struct fields (for unknown-key detection); `None` for free-form maps.
    fields: Option<&'static [&'static str]>,
    extensions: Vec<&'de (Key, Node)>,
    extensions_done: bool,
    location: Option<(Span, Option<Span>)>,
    pending: Option<Pending<'de>>,
    rec: &'p Recorder,
    path: &'p Path<'p>,
}

impl<'de, 'p> MapDe<'de, 'p> {
    fn plain(m: &'de Mapping, rec: &'p Recorder, path: &'p Path<'p>) -> Self {
        Self {
            entries: Entries::Mapping(m.entries.iter()),
            fields: None,
            extensions: Vec::new(),
            extensions_done: true,
            location: None,
            pending: None,
            rec,
            path,
        }
    }

    fn strict(node: &'de Node, m: &'de Mapping, fields: &'static [&'static str], rec: &'p Recorder, path: &'p Path<'p>) -> Self {
        Self {
            entries: Entries::Mapping(m.entries.iter()),
            fields: Some(fields),
            extensions: Vec::new(),
            extensions_done: false,
            location: fields.contains(&LOCATION).then_some((node.span, node.anchor)),
            pending: None,
            rec,
            path,
        }
    }
}

/// The entries a [`MapDe`] reads: a mapping's, or the `x-` entries a struct set aside (read by
/// the same `MapDe`, so no type's visitor is compiled a second time for them).
enum Entries<'de> {
    Mapping(std::slice::Iter<'de, (Key, Node)>),
    Extensions(std::vec::IntoIter<&'de (Key, Node)>),
}

impl<'de> Entries<'de> {
    fn next(&mut self) -> Option<&'de (Key, Node)> {
        match self {
            Self::Mapping(it) => it.next(),
            Self::Extensions(it) => it.next(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::Mapping(it) => it.len(),
            Self::Extensions(it) => it.len(),
        }
    }
}

impl<'de> MapAccess<'de> for MapDe<'de, '_> {
    type Error = DeError;

    /// Exact for free-form maps (the nodes are already in memory), so a map of 5000 services
    /// is allocated once at its size instead of doubling past it.
    fn size_hint(&self) -> Option<usize> {
        self.fields.is_none().then(|| self.entries.len())
    }

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        while let Some(entry) = self.entries.next() {
            let (key, value) = (&entry.0, &entry.1);
            if self.fields.is_none()
                && key.name.starts_with("x-")
                && matches!(value.value, Value::Int(_) | Value::UInt(_) | Value::String(_) | Value::Map(_))
                && is_ulimits(self.path)
            {
                // compose moves an `x-` key out of `ulimits` into its extensions once it has
                // checked that its value is a number, a string or a mapping: not a ulimit
                continue;
            }
            if self.fields.is_none() && unchecked_option(self.path, &key.name) {
                continue;
            }
            if let Some(fields) = self.fields {
                if !fields.contains(&key.name.as_str()) {
                    if fields.contains(&ANY_KEYS) {
                        continue;
                    }
                    if loose_ulimit(self.path) {
                        continue;
                    }
                    let allows_x = fields.contains(&EXTENSIONS);
                    if key.name.starts_with("x-") && allows_x {
                        self.extensions.push(entry);
                        continue;
                    }
                    report_unknown_key(self.rec, key, value, self.path, fields);
                    continue;
                }
            }
            self.pending = Some(Pending::Entry(key, value));
            return seed.deserialize(KeyDe { key }).map(Some);
        }
        if !self.extensions_done {
            self.extensions_done = true;
            if self.fields.is_some_and(|f| f.contains(&EXTENSIONS)) {
                self.pending = Some(Pending::Extensions);
                return seed.deserialize(EXTENSIONS.into_deserializer()).map(Some);
            }
        }
        if self.location.is_some() {
            self.pending = Some(Pending::Location);
            return seed.deserialize(LOCATION.into_deserializer()).map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.pending.take() {
            Some(Pending::Entry(key, node)) => {
                if matches!(self.path, Path::Root) && key.name == "services" {
                    self.rec.services_at.set(Some(self.rec.issues.borrow().len()));
                }
                let path = Path::Key(&key.name, self.path);
                settle(seed.deserialize(NodeDe { node, rec: self.rec, path: &path }), node, self.rec, &path)
            }
            Some(Pending::Extensions) => {
                let ext = std::mem::take(&mut self.extensions);
                seed.deserialize(ExtDe { entries: ext, rec: self.rec, path: self.path })
            }
            Some(Pending::Location) => {
                let (span, anchor) = self.location.take().unwrap_or_default();
                seed.deserialize(LocDe { span, anchor })
            }
            None => Err(DeError::Reported),
        }
    }
}

/// Hands a struct its own location (as `Spanned<()>`).
struct LocDe {
    span: Span,
    anchor: Option<Span>,
}

impl<'de> de::Deserializer<'de> for LocDe {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        if name == SPANNED {
            let vals = [
                u64::from(self.span.file.0),
                u64::from(self.span.start),
                u64::from(self.span.end),
                self.anchor.map_or(u64::MAX, |a| u64::from(a.file.0)),
                u64::from(self.anchor.map_or(0, |a| a.start)),
                u64::from(self.anchor.map_or(0, |a| a.end)),
            ];
            return visitor.visit_seq(LocSeq { vals, step: 0 });
        }
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct LocSeq {
    vals: [u64; 6],
    step: usize,
}

impl<'de> SeqAccess<'de> for LocSeq {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let step = self.step;
        self.step += 1;
        match self.vals.get(step) {
            Some(v) => seed.deserialize(seed_u64(*v)).map(Some),
            None if step == 6 => seed.deserialize(de::value::UnitDeserializer::new()).map(Some),
            None => Ok(None),
        }
    }
}

/// A mapping that sets `image` or `build`: a service's body, wherever it was written (under
/// the top level, or indented into another service).
pub fn looks_like_a_service(node: &Node) -> bool {
    node.as_map().is_some_and(|m| m.contains_key("image") || m.contains_key("build"))
}

fn report_unknown_key(rec: &Recorder, key: &Key, value: &Node, path: &Path<'_>, fields: &[&str]) {
    let where_ = path.to_string();
    let place = if where_.is_empty() { "at the top level".to_string() } else { format!("in `{where_}`") };
    let candidates = fields.iter().copied().filter(|f| *f != EXTENSIONS && *f != LOCATION);
    let mut issue = Issue::error(IssueKind::UnknownKey, key.span, format!("unknown key `{}` {place}", key.name))
        .with_path(if where_.is_empty() { key.name.clone() } else { format!("{where_}.{}", key.name) });
    // a known misplacement first: `limits` on a service is `deploy.resources.limits`, not a
    // typo of `ulimits`
    let has_image = looks_like_a_service(value);
    let looks_like_a_service = where_.is_empty() && has_image;
    let parts = path.segments();
    // a service written inside the one above it (indented one level too far)
    let nested_service = has_image && matches!(parts.as_slice(), ["services", _]);
    // a service key written inside one of the service's sections (`ports` under `deploy`)
    let service_key_too_deep = match parts.as_slice() {
        ["services", svc, _, ..] if crate::go_order::is_service_key(&key.name) => Some(*svc),
        _ => None,
    };
    if let Some(c) = key.name.chars().find(|c| c.is_whitespace() && *c != ' ') {
        issue = issue.with_help(format!(
            "the key holds an invisible {} (U+{:04X}), which YAML does not take for indentation: retype the line's leading spaces as plain spaces",
            if c == '\u{a0}' { "non-breaking space" } else { "whitespace character" },
            u32::from(c)
        ));
    } else if let Some(help) = misplaced(&key.name, &where_, &parts) {
        issue = issue.with_help(help);
    } else if let Some(help) = well_known_name(&key.name, &parts) {
        issue = issue.with_help(help);
    } else if looks_like_a_service {
        issue = issue.with_help(format!("`{}` looks like a service: put it under `services:`", key.name));
    } else if nested_service {
        issue = issue.with_help(format!("`{}` looks like a service written inside `{where_}`: indent it as far as the other services", key.name));
    } else if let Some(svc) = service_key_too_deep {
        issue = issue.with_help(format!("`{}` is a service key, indented too far: it belongs at `services.{svc}.{}`", key.name, key.name));
    } else if let Some(s) = did_you_mean(&key.name, candidates) {
        issue = issue.with_help(format!("did you mean `{s}`?")).with_suggested_key(s);
    } else if fields.contains(&EXTENSIONS) {
        // `X-common` and `x_common` are extension keys written almost right
        let meant = ["X-", "x_", "X_"].iter().find_map(|p| key.name.strip_prefix(p)).filter(|rest| !rest.is_empty());
        issue = issue.with_help(match meant {
            Some(rest) => format!("custom keys must start with a lowercase `x-`: `x-{rest}`"),
            None => "custom keys must start with `x-`".to_string(),
        });
    } else if key.name.starts_with("x-") {
        let at = if where_.is_empty() { "here".to_string() } else { format!("in `{where_}`") };
        issue = issue.with_help(format!("the specification takes no `x-` extension keys {at}: put it on the service, or at the top level"));
    }
    if let Some(a) = key.anchor {
        issue = issue.with_related(a, "key defined here");
    }
    rec.push(issue);
}

/// The help for a service named like a service attribute (`environment`, `ports`) whose body
/// is no service (not a mapping, or one without any service attribute): most likely the
/// attribute, dedented to the level of the service names.
pub fn dedented_attribute(name: &str, body: &Node) -> Option<String> {
    let looks_like_a_service = body.as_map().is_some_and(|m| m.iter().any(|(k, _)| crate::go_order::is_service_key(&k.name)));
    if matches!(name, "volumes" | "networks" | "secrets" | "configs") && body.as_map().is_some() && !looks_like_a_service {
        // a mapping of names: the top-level section, indented under `services:`
        return Some(format!("a `{name}:` that declares {name} is a top-level key: move it out of `services:` (no indentation)"));
    }
    (crate::go_order::is_service_key(name) && !looks_like_a_service).then(|| format!("`{name}` is a service attribute: is it indented under its service?"))
}

/// Gives the first error of each service that is a dedented attribute (see
/// [`dedented_attribute`]) the help that says so: the rest of its message (an unknown key `A`,
/// a sequence where a mapping was wanted) is about a service that is none.
pub(crate) fn help_dedented_attributes(root: &Node, issues: &mut [Issue]) {
    let Some(services) = root.as_map().and_then(|m| m.get("services")).and_then(Node::as_map) else { return };
    for (key, body) in services.iter() {
        let Some(help) = dedented_attribute(&key.name, body) else { continue };
        let at = format!("services.{}", key.name);
        let within = |i: &Issue| i.path.strip_prefix(at.as_str()).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']));
        // a help that takes the attribute for a service (`interval` belongs under
        // `services.healthcheck.healthcheck`) is wrong
        let wrong = format!("`{at}.{}.", key.name);
        let mut first = true;
        for issue in issues.iter_mut().filter(|i| i.severity == crate::issue::Severity::Error && within(i)) {
            if first {
                issue.help = Some(help.clone());
                first = false;
            } else if issue.help.as_deref().is_some_and(|h| h.contains(&wrong)) {
                issue.help = None;
            }
        }
    }
}

/// A `services:` left empty with the services written below it at the top level, not indented
/// (`services:` then `web:` then `image: nginx`, all at column 1): one mistake, reported once,
/// on `services`; the keys below it are not also unknown top-level keys.
pub(crate) fn help_unindented_services(root: &Node, issues: &mut Vec<Issue>) {
    const TOP_LEVEL: [&str; 9] = ["services", "networks", "volumes", "secrets", "configs", "models", "include", "name", "version"];
    let Some(top) = root.as_map() else { return };
    let Some(at) = top.entries.iter().position(|(k, v)| k.name == "services" && matches!(v.value, Value::Null)) else { return };
    let below: Vec<&str> =
        top.entries.iter().skip(at + 1).map(|(k, _)| k.name.as_str()).take_while(|k| !TOP_LEVEL.contains(k) && !k.starts_with("x-")).collect();
    let Some(first) = below.first() else { return };
    let Some(null) = issues.iter_mut().find(|i| i.kind == IssueKind::InvalidType && i.path == "services") else { return };
    null.help = Some(format!("the lines below `services:` are not indented: indent `{first}` and its keys under `services:`"));
    issues.retain(|i| !(i.kind == IssueKind::UnknownKey && below.contains(&i.path.as_str())));
}

/// Where a key that is unknown at `where_` belongs, when it is a common misplacement: a
/// `deploy` key written on the service, a resource limit on `deploy`, a service key at the top
/// level.
fn misplaced(key: &str, where_: &str, parts: &[&str]) -> Option<String> {
    let service = match parts {
        ["services", name, ..] => Some(*name),
        _ => None,
    };
    let rest = parts.get(2..).unwrap_or_default();
    let svc = service.unwrap_or("<name>");
    match (service, rest, key) {
        (Some(_), [], "restart_policy" | "replicas" | "resources" | "placement" | "update_config" | "rollback_config" | "endpoint_mode") => {
            Some(format!("`{key}` belongs under `deploy`: `services.{svc}.deploy.{key}`"))
        }
        (Some(_), [] | ["deploy"], "limits" | "reservations") => Some(format!("`{key}` belongs under `deploy.resources`: `services.{svc}.deploy.resources.{key}`")),
        (Some(_), [], "memory") => Some("a memory limit is `mem_limit` on the service, or `deploy.resources.limits.memory`".to_string()),
        (Some(_), [], "context" | "dockerfile" | "args" | "dockerfile_inline" | "additional_contexts") => {
            Some(format!("`{key}` belongs under `build`: `services.{svc}.build.{key}`"))
        }
        (Some(_), [], "interval" | "timeout" | "retries" | "test" | "start_period" | "start_interval") => {
            Some(format!("`{key}` belongs under `healthcheck`: `services.{svc}.healthcheck.{key}`"))
        }
        (Some(_), [] | ["logging"], "max-size" | "max-file") => Some(format!("`{key}` is a logging option: `services.{svc}.logging.options.{key}`")),
        (Some(_), [], "aliases" | "ipv4_address" | "ipv6_address") => {
            Some(format!("`{key}` is set per network: `services.{svc}.networks.<network>.{key}`"))
        }
        (Some(_), ["build"], "command") => Some(format!("`command` belongs on the service, not under `build`: `services.{svc}.command`")),
        (Some(_), ["deploy"], "memory" | "cpus" | "pids") => Some(format!("`{key}` belongs under `resources.limits` or `resources.reservations`: `services.{svc}.deploy.resources.limits.{key}`")),
        (Some(_), ["deploy", "resources"], "mem_limit" | "mem_reservation") => Some(format!("under `deploy.resources` a memory limit is `limits.memory` (`services.{svc}.deploy.resources.limits.memory`); `{key}` goes on the service")),
        (Some(_), ["deploy"], "mem_limit") => Some(format!("under `deploy` a memory limit is `resources.limits.memory`: `services.{svc}.deploy.resources.limits.memory`")),
        (Some(_), ["deploy"], "restart") => Some(format!("under `deploy` it is `restart_policy` (`condition: on-failure`...); `restart` goes on the service: `services.{svc}.restart`")),
        (Some(_), ["deploy", "resources"], "memory" | "cpus" | "pids" | "devices") => Some(format!("`{key}` goes under `limits` or `reservations`: `services.{svc}.deploy.resources.limits.{key}`")),
        (None, [], "image" | "build" | "ports" | "environment" | "volumes_from" | "command" | "container_name" | "depends_on" | "restart" | "healthcheck" | "profiles")
            if where_.is_empty() =>
        {
            Some(format!("`{key}` is a service key: put it under `services.<name>.{key}`"))
        }
        _ => match parts {
            // a service's address or alias on a network, written on the network itself
            ["networks", net] if matches!(key, "ipv4_address" | "ipv6_address" | "aliases") => {
                Some(format!("`{key}` is set by each service that joins the network: `services.<name>.networks.{net}.{key}`"))
            }
            // a secret's or config's file, named as other tools name it
            [section @ ("secrets" | "configs"), name] if matches!(key, "path" | "filename" | "source" | "src") => {
                Some(format!("did you mean `file`? the file that holds it is `{section}.{name}.file`"))
            }
            _ => None,
        },
    }
}

/// Names people write for a key, from `docker run` flags or other tools, and the key compose
/// means: (where, as written, help). `where` is `service` or `healthcheck` (of a service).
/// Checked before the spelling match, which would pick a key spelled alike but meaning
/// something else (`cpu_limit` is not `mem_limit`, `net` is not `init`).
const WELL_KNOWN_NAMES: &[(&str, &[&str], &str)] = &[
    ("service", &["cpu_limit", "cpu_limits", "cpu"], "did you mean `cpus`?"),
    ("service", &["net"], "did you mean `network_mode` (`host`, `none`, `service:<name>`) or `networks`?"),
    ("service", &["env"], "did you mean `environment`?"),
    ("service", &["build_args"], "did you mean `build.args`? build arguments go under `build`: `services.{svc}.build.args`"),
    ("service", &["restart_policies"], "did you mean `deploy.restart_policy`? it goes under `deploy`: `services.{svc}.deploy.restart_policy`"),
    ("service", &["workdir", "working_directory", "workingdir"], "did you mean `working_dir`?"),
    ("service", &["logs"], "did you mean `logging`?"),
    ("service", &["log_driver"], "did you mean `logging`? the driver is `services.{svc}.logging.driver`"),
    ("service", &["log_opt"], "did you mean `logging`? its options are `services.{svc}.logging.options`"),
    ("service", &["port_bindings", "port_mapping"], "did you mean `ports`?"),
    ("healthcheck", &["retry"], "did you mean `retries`?"),
    // the service-level names, written under `deploy.resources.limits` or `.reservations`
    ("resources", &["mem_limit", "mem_reservation", "memory_limit", "mem"], "did you mean `memory`? (`mem_limit` is the service's own key; under `deploy.resources` it is `memory`)"),
    ("resources", &["cpu_limit", "cpu_count", "cpu_quota"], "did you mean `cpus`? (a number of CPUs, such as `'0.5'`)"),
    ("resources", &["pids_limit"], "did you mean `pids`? (`pids_limit` is the service's own key; under `deploy.resources` it is `pids`)"),
];

/// The help for an unknown key at `where_` that [`WELL_KNOWN_NAMES`] knows.
fn well_known_name(key: &str, parts: &[&str]) -> Option<String> {
    let (svc, level) = match parts {
        ["services", svc] => (*svc, "service"),
        ["services", svc, "healthcheck"] => (*svc, "healthcheck"),
        ["services", svc, "deploy", "resources", "limits" | "reservations"] => (*svc, "resources"),
        _ => return None,
    };
    WELL_KNOWN_NAMES
        .iter()
        .find(|(at, names, _)| *at == level && names.contains(&key))
        .map(|(_, _, help)| help.replace("{svc}", svc))
}

/// A mapping key: a string, which `Spanned<String>` can also read with its location.
struct KeyDe<'de> {
    key: &'de Key,
}

impl<'de> de::Deserializer<'de> for KeyDe<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_borrowed_str(&self.key.name)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        if name == SPANNED {
            let span = self.key.span;
            let anchor = self.key.anchor;
            return visitor.visit_seq(KeySpannedSeq { key: Some(self.key), span, anchor, step: 0 });
        }
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct KeySpannedSeq<'de> {
    key: Option<&'de Key>,
    span: Span,
    anchor: Option<Span>,
    step: u8,
}

impl<'de> SeqAccess<'de> for KeySpannedSeq<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let step = self.step;
        self.step += 1;
        let n = |v: u32| seed_u64(u64::from(v));
        match step {
            0 => seed.deserialize(n(self.span.file.0)).map(Some),
            1 => seed.deserialize(n(self.span.start)).map(Some),
            2 => seed.deserialize(n(self.span.end)).map(Some),
            3 => seed.deserialize(seed_u64(self.anchor.map_or(u64::MAX, |a| u64::from(a.file.0)))).map(Some),
            4 => seed.deserialize(n(self.anchor.map_or(0, |a| a.start))).map(Some),
            5 => seed.deserialize(n(self.anchor.map_or(0, |a| a.end))).map(Some),
            6 => match self.key.take() {
                Some(key) => seed.deserialize(KeyDe { key }).map(Some),
                None => Ok(None),
            },
            _ => Ok(None),
        }
    }
}

/// The `x-` entries of a struct, as a map.
struct ExtDe<'de, 'p> {
    entries: Vec<&'de (Key, Node)>,
    rec: &'p Recorder,
    path: &'p Path<'p>,
}

impl<'de> de::Deserializer<'de> for ExtDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_map(MapDe {
            entries: Entries::Extensions(self.entries.into_iter()),
            fields: None,
            extensions: Vec::new(),
            extensions_done: true,
            location: None,
            pending: None,
            rec: self.rec,
            path: self.path,
        })
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// `#[serde(default, deserialize_with = "lenient")]`: a field that fails to deserialize takes its
/// default value (the error is already recorded), so the rest of the struct is still read.
pub fn lenient<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    // The error is recorded by the node; the field falls back to its default.
    Ok(attempt(d).unwrap_or_default())
}

/// Reads a `T` whose error, if any, the node records where it is (so the caller may go on
/// without it: [`lenient`], the items of `model::List`).
pub(crate) fn attempt<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: de::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value")
        }
        fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
            T::deserialize(d)
        }
    }
    d.deserialize_newtype_struct(LENIENT, V(PhantomData))
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Spanned<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a located value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Spanned<T>, A::Error> {
                let missing = || de::Error::custom("internal: span");
                let file: u64 = seq.next_element()?.ok_or_else(missing)?;
                let start: u64 = seq.next_element()?.ok_or_else(missing)?;
                let end: u64 = seq.next_element()?.ok_or_else(missing)?;
                let afile: u64 = seq.next_element()?.ok_or_else(missing)?;
                let astart: u64 = seq.next_element()?.ok_or_else(missing)?;
                let aend: u64 = seq.next_element()?.ok_or_else(missing)?;
                let value: T = seq.next_element()?.ok_or_else(missing)?;
                let u = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
                let span = Span::new(crate::span::FileId(u(file)), u(start), u(end));
                let anchor = (afile != u64::MAX).then(|| Span::new(crate::span::FileId(u(afile)), u(astart), u(aend)));
                Ok(Spanned { value, span, anchor })
            }
            // Deserializers other than ours carry no location.
            fn visit_newtype_struct<D: de::Deserializer<'de>>(self, d: D) -> Result<Spanned<T>, D::Error> {
                T::deserialize(d).map(|value| Spanned { value, span: Span::default(), anchor: None })
            }
        }
        d.deserialize_newtype_struct(SPANNED, V(PhantomData))
    }
}

/// Edit distance for did-you-mean suggestions (Levenshtein with adjacent transpositions).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows i-2, i-1 and i of the distance table
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        if let Some(first) = cur.first_mut() {
            *first = i + 1;
        }
        for (j, &cb) in b.iter().enumerate() {
            let at = |row: &[usize], k: usize| row.get(k).copied().unwrap_or(usize::MAX / 2);
            let substitute = at(&prev, j) + usize::from(ca != cb);
            let mut best = substitute.min(at(&prev, j + 1) + 1).min(at(&cur, j) + 1);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&cb) && b.get(j - 1) == Some(&ca);
            if swapped {
                best = best.min(at(&before, j - 1) + 1);
            }
            if let Some(slot) = cur.get_mut(j + 1) {
                *slot = best;
            }
        }
        std::mem::swap(&mut before, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest candidate to `word`, if close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase().replace('-', "_");
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&lower, c);
        let limit = match c.len() {
            0..=3 => 1,
            4..=7 => 2,
            _ => 3,
        };
        // also accept a plural/singular or prefix slip ("environments", "env"), and a key with a
        // word added after it ("dockerfile_path", "image_name"), ranked after any typo
        let close = d <= limit
            || (lower.len() >= 3 && c.starts_with(&lower) && c.len() - lower.len() <= 8)
            || (c.len() >= 4 && lower.strip_prefix(c).is_some_and(|rest| rest.starts_with('_')));
        if close && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The declared name closest to `word`, a name that refers to a service, volume, network… that
/// is not declared: a typo as [`did_you_mean`] finds one (`pg_data` for `pgdata`), or else the
/// one name of which the other is a shortening, starting alike (`front` for `frontend`, `db`
/// for `database`, and the other way round). Names are the user's own, so a shortening of
/// another kind than a prefix is only taken for a short name (up to 4 characters) and when
/// no other declared name fits.
pub fn did_you_mean_name<'a>(word: &str, names: impl Iterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if word.is_empty() {
        return None;
    }
    if let Some(found) = did_you_mean(word, names.clone()) {
        return Some(found);
    }
    let word_lower = word.to_ascii_lowercase();
    let shortening = |name: &str| {
        let name_lower = name.to_ascii_lowercase();
        let (short, long) = if name_lower.len() < word_lower.len() { (name_lower, word_lower.clone()) } else { (word_lower.clone(), name_lower) };
        if short.len() < 2 || short.len() == long.len() || short.chars().next() != long.chars().next() {
            return false;
        }
        if short.len() >= 3 && long.starts_with(&short) {
            return true;
        }
        // a subsequence: `db` in `database`
        let mut rest = long.chars();
        short.len() <= 4 && short.chars().all(|c| rest.any(|l| l == c))
    };
    let mut fits = names.filter(|n| shortening(n));
    match (fits.next(), fits.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Deserializes `T` from `node`, recording every problem; `None` when the node as a whole failed.
pub fn from_node<'de, T: Deserialize<'de>>(node: &'de Node, rec: &Recorder) -> Option<T> {
    let root = Path::Root;
    T::deserialize(NodeDe::new(node, rec, &root)).ok()
}

/// From this many services, [`read_services`] reads them on every core.
#[cfg(feature = "parallel")]
const PARALLEL_SERVICES: usize = 64;

/// Reads the top-level `services` mapping one service at a time (with the `parallel` feature, a
/// mapping of many services one per task on every core), giving what the model's deserializer
/// gives reading each one: the services, and their issues in the services' order. A service that
/// cannot be read at all (`web: just a string`) is left out, with its issue; the others are still
/// read, so their mistakes are reported too and the rules see them.
pub(crate) fn read_services(services: &Mapping) -> (crate::model::Named<Box<crate::model::Service>>, Vec<Issue>) {
    /// A service read on its own: its name and model (`None` when it could not be read), and
    /// its issues.
    type Read = (Option<(Spanned<String>, Box<crate::model::Service>)>, Vec<Issue>);
    let under = Path::Key("services", &Path::Root);
    let one = |(key, node): &(crate::yaml::Key, Node)| -> Read {
        let rec = Recorder::new();
        let path = Path::Key(&key.name, &under);
        let name = Spanned::<String>::deserialize(KeyDe { key }).ok();
        let service = settle(Box::<crate::model::Service>::deserialize(NodeDe { node, rec: &rec, path: &path }), node, &rec, &path).ok();
        (name.zip(service), rec.into_issues())
    };
    let read: Vec<Read> = match () {
        #[cfg(feature = "parallel")]
        () if services.entries.len() >= PARALLEL_SERVICES => {
            use rayon::prelude::*;
            services.entries.par_iter().map(one).collect()
        }
        () => services.entries.iter().map(one).collect(),
    };
    let mut map = crate::model::Named::with_capacity_and_hasher(read.len(), crate::BuildHasher::default());
    let mut issues = Vec::new();
    for (entry, found) in read {
        issues.extend(found);
        if let Some((name, service)) = entry {
            map.insert(name, service);
        }
    }
    (map, issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("image", "imgae"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("environment", "enviroment"), 1);
    }

    #[test]
    fn suggestions() {
        let fields = ["environment", "image", "ports", "volumes"];
        assert_eq!(did_you_mean("enviroment", fields.iter().copied()), Some("environment"));
        assert_eq!(did_you_mean("imgae", fields.iter().copied()), Some("image"));
        assert_eq!(did_you_mean("port", fields.iter().copied()), Some("ports"));
        assert_eq!(did_you_mean("banana", fields.iter().copied()), None);
        assert_eq!(did_you_mean("image_name", fields.iter().copied()), Some("image"));
        assert_eq!(did_you_mean("ports_list", fields.iter().copied()), Some("ports"));
        // a typo is closer than a key with a word added
        assert_eq!(did_you_mean("images", ["image", "images_x"].into_iter()), Some("image"));
        assert_eq!(did_you_mean("portsmouth", fields.iter().copied()), None);
    }

    #[test]
    fn name_suggestions() {
        let names = |list: &'static [&'static str]| list.iter().copied();
        assert_eq!(did_you_mean_name("pg_data", names(&["pgdata", "cache"])), Some("pgdata"));
        assert_eq!(did_you_mean_name("db_pasword", names(&["db_password"])), Some("db_password"));
        assert_eq!(did_you_mean_name("frontend", names(&["front", "back"])), Some("front"));
        assert_eq!(did_you_mean_name("front", names(&["frontend", "backend"])), Some("frontend"));
        assert_eq!(did_you_mean_name("database", names(&["db", "web"])), Some("db"));
        assert_eq!(did_you_mean_name("db", names(&["database", "web"])), Some("database"));
        // two names fit the shortening: no guess
        assert_eq!(did_you_mean_name("db", names(&["database", "dashboard"])), None);
        assert_eq!(did_you_mean_name("cache", names(&["db", "web"])), None);
        assert_eq!(did_you_mean_name("", names(&["db"])), None);
    }

    /// The issues of a compose file read from `text`.
    fn issues(text: &str) -> Vec<String> {
        let options = crate::project::LoadOptions::default();
        let project = crate::project::load_text("compose.yaml", text, &options, &crate::project::NoFiles);
        project.issues.iter().map(|i| i.message.clone()).collect()
    }

    /// The help of the unknown-key issue for `key` in a compose file read from `text`.
    fn unknown_key_help(text: &str, key: &str) -> Option<String> {
        let options = crate::project::LoadOptions::default();
        let project = crate::project::load_text("compose.yaml", text, &options, &crate::project::NoFiles);
        let issue = project.issues.iter().find(|i| i.kind == IssueKind::UnknownKey && i.message.starts_with(&format!("unknown key `{key}` ")));
        issue.unwrap_or_else(|| panic!("no unknown key `{key}` in {:?}", project.issues)).help.clone()
    }

    #[test]
    fn a_date_where_a_string_or_a_mapping_is_wanted_is_called_a_timestamp() {
        // docker compose v2.40.3: services.a.devices.0 invalid jsonType time.Time (it was
        // called "a string", which the value looks like)
        for value in ["devices: [2001-12-14]", "volumes: [2001-12-14T21:59:43.10-05:00]", "ports: [2001-12-14]"] {
            let text = format!("services:\n  a:\n    image: x\n    {value}\n");
            let found = issues(&text);
            assert!(found.iter().any(|m| m.ends_with("found a timestamp")), "{value}: {found:?}");
        }
    }

    #[test]
    fn an_empty_option_key_takes_any_value_where_compose_reads_options_as_text() {
        // docker compose v2.40.3 accepts these (`config` prints the value as Go's `%v` does)
        for text in [
            "services:\n  a:\n    image: x\n    logging: {options: {\"\": [1], b: 1}}\n",
            "services:\n  a:\n    image: x\n    logging: {options: {\"\": true}}\n",
            "services:\n  a:\n    image: x\n    networks: {n: {driver_opts: {\"\": {a: 1}}}}\nnetworks:\n  n: {}\n",
            "services:\n  a:\n    image: x\nnetworks:\n  n: {driver_opts: {\"\": [1]}}\nvolumes:\n  v: {driver_opts: {\"\": null}}\n",
        ] {
            assert_eq!(issues(text), Vec::<String>::new(), "{text}");
        }
        // ... and refuses a named option of another type, and any in secrets' driver_opts:
        // 'secrets[s].driver_opts[]' expected type 'string', got unconvertible type '[]interface {}'
        for text in [
            "services:\n  a:\n    image: x\n    logging: {options: {b: [1]}}\n",
            "services:\n  a:\n    image: x\nnetworks:\n  n: {driver_opts: {b: [1]}}\n",
            "services:\n  a:\n    image: x\nsecrets:\n  s: {file: ./s, driver_opts: {\"\": [1]}}\n",
        ] {
            assert!(issues(text).iter().any(|m| m.contains("found a sequence")), "{text}: {:?}", issues(text));
        }
    }

    // each refused by docker compose v2.40.3 as an unknown key; the help names what was meant,
    // not the key spelled closest (`mem_limit` for `cpu_limit`, `init` for `net`)
    #[test]
    fn well_known_wrong_names() {
        let service = "services:\n  web:\n    image: nginx:1.27\n";
        for (key, want) in [
            ("cpu_limit", "`cpus`"),
            ("cpu_limits", "`cpus`"),
            ("cpu", "`cpus`"),
            ("net", "`network_mode`"),
            ("env", "`environment`"),
            ("build_args", "services.web.build.args"),
            ("restart_policies", "services.web.deploy.restart_policy"),
            ("workdir", "`working_dir`"),
            ("working_directory", "`working_dir`"),
            ("workingdir", "`working_dir`"),
            ("logs", "`logging`"),
            ("log_driver", "services.web.logging.driver"),
            ("log_opt", "services.web.logging.options"),
            ("port_bindings", "`ports`"),
            ("port_mapping", "`ports`"),
        ] {
            let help = unknown_key_help(&format!("{service}    {key}: x\n"), key).unwrap_or_default();
            assert!(help.starts_with("did you mean") && help.contains(want), "{key}: {help}");
        }
        let retry = format!("{service}    healthcheck:\n      test: [\"CMD\", \"true\"]\n      retry: 3\n");
        assert_eq!(unknown_key_help(&retry, "retry").as_deref(), Some("did you mean `retries`?"));
        // the table is for services: elsewhere the spelling match still answers
        let elsewhere = unknown_key_help("services: {}\nnetworks:\n  n:\n    env: x\n", "env").unwrap_or_default();
        assert!(!elsewhere.contains("environment"), "{elsewhere}");
    }

    #[test]
    fn a_missing_blank_after_a_colon_or_dash_is_named() {
        let help = |text: &str| {
            let project = crate::project::load_text("compose.yaml", text, &crate::project::LoadOptions::default(), &crate::project::NoFiles);
            let issue = project.issues.iter().find(|i| i.kind == IssueKind::InvalidType).unwrap_or_else(|| panic!("{text:?}: {:?}", project.issues));
            issue.help.clone().unwrap_or_default()
        };
        assert_eq!(help("services:\n  web:\n    image:nginx\n"), "a key needs a blank after its `:`: `image: nginx`");
        assert_eq!(help("services:\n  web:\n    image: nginx\n    ports:\n      -\"80:80\"\n"), "a list item needs a blank after its `-`: `- \"80:80\"`");
        assert_eq!(help("x-b: &b\n  image: nginx\nservices:\n  web:\n    <<:*b\n"), "a key needs a blank after its `:`: `<<: *b`");
        // a value that may be meant as written gets no such help
        assert_eq!(help("services:\n  web:\n    image: nginx\n    environment: A:1\n"), "");
        assert_eq!(help("services:\n  web: nginx:1.27\n"), "");
    }

    #[test]
    fn keys_at_the_wrong_level() {
        let service = "services:\n  web:\n    image: nginx:1.27\n";
        for (extra, key, want) in [
            ("    aliases: [a]\n", "aliases", "`services.web.networks.<network>.aliases`"),
            ("    ipv4_address: 10.0.0.5\n", "ipv4_address", "`services.web.networks.<network>.ipv4_address`"),
            ("    ipv6_address: \"::1\"\n", "ipv6_address", "`services.web.networks.<network>.ipv6_address`"),
            ("    logging:\n      driver: json-file\n      max-size: 10m\n", "max-size", "`services.web.logging.options.max-size`"),
            ("    logging:\n      max-file: \"3\"\n", "max-file", "`services.web.logging.options.max-file`"),
            ("    build:\n      context: .\n      command: echo\n", "command", "`services.web.command`"),
            ("networks:\n  front:\n    ipv4_address: 10.0.0.5\n", "ipv4_address", "`services.<name>.networks.front.ipv4_address`"),
            ("profiles: [dev]\n", "profiles", "`services.<name>.profiles`"),
        ] {
            let help = unknown_key_help(&format!("{service}{extra}"), key).unwrap_or_default();
            assert!(help.contains(want), "{key}: {help}");
        }
    }

    // (each checked with docker compose v2.40.3 `config`)
    #[test]
    fn dates_are_text_in_extensions_only() {
        let base = "services:\n  app:\n    image: nginx:1.27\n";
        for ok in ["x-a: 2001-12-14\n", "    x-k: 2001-12-14\n", "x-c:\n  d: [2001-12-14]\n"] {
            assert_eq!(issues(&format!("{base}{ok}")), Vec::<String>::new(), "{ok}");
        }
        for refused in ["    labels:\n      x-k: 2001-12-14\n", "    hostname: 2001-12-14\n", "    environment:\n      A: 2001-12-14\n"] {
            assert!(issues(&format!("{base}{refused}")).iter().any(|m| m.contains("timestamp")), "{refused}");
        }
    }
}
