//! The resolved project as `docker compose config` prints it: every syntax in its canonical
//! form, defaults filled in, paths absolute, names derived, `environment` resolved with the
//! `env_file`s, services filtered by the active profiles and resources nobody uses left out.
//!
//! Both texts are the ones docker compose prints: [`crate::go_order`] puts the keys in
//! compose-go's order, [`crate::go_yaml`] writes YAML as Go's encoder does, and the YAML holds
//! what only compose's YAML holds (struct `x-` extensions, the models in use).

use crate::IndexMap;
use serde_json::{Map, Value as Json};

use crate::go_order;
use crate::interpolate::parse_go_float;
use crate::merge::{unicity_for, unicity_key};
use crate::model::{format_go_duration, parse_byte_size, parse_duration, parse_port_spec, parse_volume_spec, split_shell_words, MountType};
use crate::paths::{expand_home, is_remote_context, join_clean};
use crate::project::{service_is_active, FileSystem, Project};
use crate::yaml::{format_go_float, Node, Value};

/// What the serializer needs besides the project.
struct Out<'a> {
    project: &'a Project,
    fs: &'a dyn FileSystem,
}

/// Starts a string the YAML writer prints plain as it is (the rest of it): a value of an
/// extension that Go's YAML encoder writes untagged and JSON cannot hold (a date, which is a
/// string to JSON; an infinity or NaN, which is `null` here and makes compose's JSON encoder fail).
pub(crate) const AS_IS: char = '\u{fdd0}';

/// `value` without the marks of [`AS_IS`], as JSON holds it.
fn without_as_is(value: &mut Json) {
    match value {
        Json::String(s) => {
            if let Some(rest) = s.strip_prefix(AS_IS) {
                *value = if matches!(rest, ".inf" | "-.inf" | ".nan") { Json::Null } else { Json::String(rest.to_string()) };
            }
        }
        Json::Array(items) => items.iter_mut().for_each(without_as_is),
        Json::Object(m) => m.values_mut().for_each(without_as_is),
        _ => {}
    }
}

/// The resolved project as JSON (`docker compose config --format json`).
pub fn to_json(project: &Project, fs: &dyn FileSystem) -> Json {
    let mut doc = go_order::order(escape_dollars(Out { project, fs }.document()), go_order::Format::Json);
    without_as_is(&mut doc);
    if let Json::Object(top) = &mut doc {
        for (_, v) in top.iter_mut().filter(|(k, _)| k.starts_with("x-")) {
            empty_lists_as_null(v);
        }
    }
    doc
}

/// compose writes an empty list of a top-level `x-` value as `null` in JSON (a nil slice to Go's
/// encoder), at any depth; its YAML keeps `[]`.
fn empty_lists_as_null(value: &mut Json) {
    match value {
        Json::Array(items) if items.is_empty() => *value = Json::Null,
        Json::Array(items) => items.iter_mut().for_each(empty_lists_as_null),
        Json::Object(m) => m.values_mut().for_each(empty_lists_as_null),
        _ => {}
    }
}

/// compose prints every `$` as `$$`, so the output reads back to the same values.
fn escape_dollars(value: Json) -> Json {
    match value {
        Json::String(s) if s.contains('$') => Json::String(s.replace('$', "$$")),
        Json::Array(items) => Json::Array(items.into_iter().map(escape_dollars).collect()),
        Json::Object(m) => Json::Object(m.into_iter().map(|(k, v)| (if k.contains('$') { k.replace('$', "$$") } else { k }, escape_dollars(v))).collect()),
        other => other,
    }
}

/// The resolved project as pretty-printed JSON text, numbers written as Go's `encoding/json`
/// writes them (`2`, not `2.0`; `0.000001`; `1e+21`).
pub fn to_json_string(project: &Project, fs: &dyn FileSystem) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoJson(serde_json::ser::PrettyFormatter::new()));
    if serde::Serialize::serialize(&to_json(project, fs), &mut ser).is_err() {
        return "{}".into();
    }
    String::from_utf8(out).unwrap_or_else(|_| "{}".into())
}

/// `serde_json`'s pretty printer, with Go's float format.
struct GoJson<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for GoJson<'_> {
    fn write_f64<W: ?Sized + std::io::Write>(&mut self, w: &mut W, value: f64) -> std::io::Result<()> {
        w.write_all(go_json_float(value).as_bytes())
    }
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
    /// Go escapes `<`, `>` and `&` (for HTML) and the line and paragraph separators.
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&', '\u{2028}', '\u{2029}']) {
            let (plain, tail) = rest.split_at(at);
            w.write_all(plain.as_bytes())?;
            let c = tail.chars().next().unwrap_or('&');
            write!(w, "\\u{:04x}", u32::from(c))?;
            rest = tail.get(c.len_utf8()..).unwrap_or("");
        }
        w.write_all(rest.as_bytes())
    }
}

/// `f` as Go's `encoding/json` writes a float: plain decimals from 1e-6 up to 1e21, Go's
/// shortest exponent form outside (`1e+21`, and `1e-7` where `%g` writes `1e-07`).
fn go_json_float(f: f64) -> String {
    let abs = f.abs();
    if abs == 0.0 || (1e-6..1e21).contains(&abs) {
        return format!("{f}");
    }
    let text = format_go_float(f);
    match text.split_once("e-0") {
        Some((mantissa, digit)) if digit.len() == 1 => format!("{mantissa}e-{digit}"),
        _ => text,
    }
}

/// The resolved project as YAML text.
pub fn to_yaml_string(project: &Project, fs: &dyn FileSystem) -> String {
    let out = Out { project, fs };
    let mut doc = out.document();
    out.yaml_extras(&mut doc);
    crate::go_yaml::to_string(&go_order::order(escape_dollars(doc), go_order::Format::Yaml))
}

/// A mapping's values by key, for looking up each of its many entries (a scan per lookup made
/// `config` on 100 000 services take 16 s).
fn by_name(map: &crate::yaml::Mapping) -> crate::HashMap<&str, &Node> {
    map.iter().map(|(k, v)| (k.name.as_str(), v)).collect()
}

fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.as_map().and_then(|m| m.get(key))
}

/// A scalar as compose's `fmt.Sprint` shows it.
fn text(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null | Value::Seq(_) | Value::Map(_) => None,
        _ => node.scalar_to_string(),
    }
}

fn non_empty(s: Option<String>) -> Option<Json> {
    s.filter(|s| !s.is_empty()).map(Json::String)
}

fn int(node: &Node) -> Option<i64> {
    match &node.value {
        Value::Int(i) => Some(*i),
        // compose's decoder wraps an integer past `i64::MAX` into an integer field
        #[allow(clippy::cast_possible_wrap)]
        Value::UInt(u) => Some(*u as i64),
        // compose's decoder truncates a number into an integer field (`cpu_shares: 1.5` is 1);
        // the schema refuses fractions where it wants integers
        #[allow(clippy::cast_possible_truncation)]
        // (and, as Go's conversion does on amd64, one past the 64-bit range, an infinity or NaN
        // is `i64::MIN`: `cpu_shares: .inf` is -9223372036854775808)
        #[allow(clippy::cast_precision_loss)]
        Value::Float(f) => Some(if !f.is_finite() || *f >= i64::MAX as f64 || *f < i64::MIN as f64 { i64::MIN } else { f.trunc() as i64 }),
        Value::String(s) => crate::interpolate::parse_go_decimal(s),
        _ => None,
    }
}

fn float32(node: &Node) -> Option<Json> {
    let f = match &node.value {
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => *i as f64,
        #[allow(clippy::cast_precision_loss)]
        Value::UInt(u) => *u as f64,
        Value::Float(f) => *f,
        Value::String(s) => parse_go_float(s)?,
        _ => return None,
    };
    #[allow(clippy::cast_possible_truncation)]
    let f32v = f as f32;
    if f32v == 0.0 {
        return None;
    }
    let shortest: f64 = f32v.to_string().parse().ok()?;
    serde_json::Number::from_f64(shortest).map(Json::Number)
}

fn boolean(node: &Node) -> Option<bool> {
    match &node.value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "y" | "yes" | "on" | "1" | "t" => Some(true),
            "false" | "n" | "no" | "off" | "0" | "f" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn duration(node: &Node) -> Option<Json> {
    let t = text(node)?;
    parse_duration(&t).ok().map(|n| Json::String(format_go_duration(n)))
}

/// `UnitBytes`: an integer, or a size string; 0 is left out.
fn bytes(node: &Node) -> Option<Json> {
    let n = match &node.value {
        Value::Int(i) => *i,
        Value::String(s) => parse_byte_size(s).ok()?,
        _ => return None,
    };
    (n != 0).then(|| Json::String(n.to_string()))
}

/// A string or a list of strings.
fn string_list(node: &Node) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => items.iter().filter_map(text).collect(),
        Value::Null => Vec::new(),
        _ => text(node).into_iter().collect(),
    }
}

fn json_list(items: Vec<String>) -> Option<Json> {
    (!items.is_empty()).then(|| Json::Array(items.into_iter().map(Json::String).collect()))
}

/// A sequence with compose's unicity rule for `path` (the last of equal keys, at the first's
/// place).
fn unique<'n>(items: &'n [Node], path: &[&str]) -> Vec<&'n Node> {
    let Some(rule) = unicity_for(path) else { return items.iter().collect() };
    crate::merge::keep_unique_by(items, |item| unicity_key(rule, item))
}

fn unique_strings(node: &Node, path: &[&str]) -> Vec<String> {
    match &node.value {
        Value::Seq(items) => unique(items, path).into_iter().filter_map(text).collect(),
        _ => string_list(node),
    }
}

/// `KEY=value` pairs or a mapping, in order (a bare `KEY` or a null value gives `None`).
fn pairs(node: &Node) -> Vec<(String, Option<String>)> {
    match &node.value {
        Value::Map(m) => m.entries.iter().map(|(k, v)| (k.name.clone(), text(v).or_else(|| (!v.is_null()).then(String::new)))).collect(),
        Value::Seq(items) => items
            .iter()
            .filter_map(text)
            .map(|s| match s.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (s, None),
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// compose's `Mapping` / `Labels`: missing values are empty strings.
fn mapping(node: &Node) -> Option<Json> {
    let mut out = Map::new();
    for (k, v) in pairs(node) {
        out.insert(k, Json::String(v.unwrap_or_default()));
    }
    (!out.is_empty()).then_some(Json::Object(out))
}

/// compose's `MappingWithEquals`: missing values are null.
fn mapping_with_equals(entries: &IndexMap<String, Option<String>>) -> Option<Json> {
    let out: Map<String, Json> = entries.iter().map(|(k, v)| (k.clone(), v.clone().map_or(Json::Null, Json::String))).collect();
    (!out.is_empty()).then_some(Json::Object(out))
}

/// What compose writes for the `x-` keys of a mapping that is not a struct: it moves them into
/// an entry `#extensions` before it decodes the mapping, and the decoder makes that entry a
/// string (Go's `%v` of the keys and values), an empty struct, or nothing, by the map's type.
#[derive(Clone, Copy)]
enum ExtensionsAs {
    Text,
    /// Text of the values as written (paths already resolved).
    TextResolved,
    TextList,
    Empty,
    Dropped,
}

/// Where `doc` holds mappings read from the same place in the tree, and how compose writes
/// their `x-` keys.
fn map_extensions(doc: &mut Json, root: &Node) {
    const SERVICE: &[(&[&str], ExtensionsAs)] = &[
        (&["labels"], ExtensionsAs::Text),
        (&["annotations"], ExtensionsAs::Text),
        (&["environment"], ExtensionsAs::Text),
        (&["sysctls"], ExtensionsAs::Text),
        (&["logging", "options"], ExtensionsAs::Text),
        (&["deploy", "labels"], ExtensionsAs::Text),
        (&["build", "args"], ExtensionsAs::Text),
        (&["build", "labels"], ExtensionsAs::Text),
        (&["build", "additional_contexts"], ExtensionsAs::TextResolved),
        (&["provider", "options"], ExtensionsAs::TextList),
        (&["models"], ExtensionsAs::Empty),
    ];
    const TOP: &[(&[&str], ExtensionsAs)] = &[
        (&["networks", "*", "labels"], ExtensionsAs::Text),
        (&["networks", "*", "driver_opts"], ExtensionsAs::Text),
        (&["secrets", "*", "labels"], ExtensionsAs::Text),
        (&["volumes", "*", "labels"], ExtensionsAs::Dropped),
        (&["volumes", "*", "driver_opts"], ExtensionsAs::Dropped),
        (&["networks", "*", "ipam", "options"], ExtensionsAs::Dropped),
        (&["configs", "*", "labels"], ExtensionsAs::Dropped),
    ];
    if let (Some(Json::Object(services)), Some(tree)) = (doc.get_mut("services"), get(root, "services").and_then(Node::as_map)) {
        let tree = by_name(tree);
        for (name, svc) in services.iter_mut() {
            let Some(node) = tree.get(name.as_str()) else { continue };
            for (path, how) in SERVICE {
                if let (Some(d), Some(n)) = (pointer_mut(svc, path), node_at(node, path)) {
                    move_extensions(d, n, *how);
                }
            }
            // in list items, where the list kept one item per node
            for (list, rest) in [(&["volumes"][..], &["volume", "labels"][..]), (&["deploy", "resources", "reservations", "devices"], &["options"]), (&["gpus"], &["options"])] {
                if let (Some(Json::Array(items)), Some(nodes)) = (pointer_mut(svc, list), node_at(node, list).and_then(Node::as_seq)) {
                    if items.len() == nodes.len() {
                        for (d, n) in items.iter_mut().zip(nodes) {
                            if let (Some(d), Some(n)) = (pointer_mut(d, rest), node_at(n, rest)) {
                                move_extensions(d, n, ExtensionsAs::Text);
                            }
                        }
                    }
                }
            }
            // per network of the service
            if let (Some(Json::Object(nets)), Some(tree_nets)) = (svc.get_mut("networks"), get(node, "networks").and_then(Node::as_map)) {
                let tree_nets = by_name(tree_nets);
                for (net, d) in nets.iter_mut() {
                    if let (Some(d), Some(n)) = (pointer_mut(d, &["driver_opts"]), tree_nets.get(net.as_str()).and_then(|n| get(n, "driver_opts"))) {
                        move_extensions(d, n, ExtensionsAs::Text);
                    }
                }
            }
        }
    }
    for (path, how) in TOP {
        let [section, "*", rest @ ..] = path else { continue };
        let (Some(Json::Object(items)), Some(tree)) = (doc.get_mut(*section), get(root, section).and_then(Node::as_map)) else { continue };
        let tree = by_name(tree);
        for (name, item) in items.iter_mut() {
            if let (Some(d), Some(n)) = (pointer_mut(item, rest), tree.get(name.as_str()).and_then(|n| node_at(n, rest))) {
                move_extensions(d, n, *how);
            }
        }
    }
}

fn pointer_mut<'a>(mut v: &'a mut Json, path: &[&str]) -> Option<&'a mut Json> {
    for key in path {
        v = v.get_mut(*key)?;
    }
    Some(v)
}

fn node_at<'n>(mut n: &'n Node, path: &[&str]) -> Option<&'n Node> {
    for key in path {
        n = get(n, key)?;
    }
    Some(n)
}

fn move_extensions(doc: &mut Json, node: &Node, how: ExtensionsAs) {
    let (Json::Object(d), Some(m)) = (doc, node.as_map()) else { return };
    let ext: Vec<(&str, &Node)> = m.iter().filter(|(k, _)| k.name.starts_with("x-")).map(|(k, v)| (k.name.as_str(), v)).collect();
    if ext.is_empty() {
        return;
    }
    let mut sorted: Vec<(&str, String)> = ext
        .iter()
        .map(|(k, v)| {
            let written = d.remove(*k);
            let text = match (how, written) {
                (ExtensionsAs::TextResolved, Some(Json::String(s))) => s,
                _ => go_fmt(v),
            };
            (*k, text)
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let text = || format!("map[{}]", sorted.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join(" "));
    match how {
        ExtensionsAs::Text | ExtensionsAs::TextResolved => drop(d.insert("#extensions".into(), Json::String(text()))),
        ExtensionsAs::TextList => drop(d.insert("#extensions".into(), Json::Array(vec![Json::String(text())]))),
        ExtensionsAs::Empty => drop(d.insert("#extensions".into(), Json::Object(Map::new()))),
        ExtensionsAs::Dropped => {}
    }
}

/// A decoded YAML value as Go's `fmt` prints it with `%v`.
fn go_fmt(node: &Node) -> String {
    match &node.value {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) => format_go_float(*f),
        Value::String(s) | Value::Timestamp(s) => s.clone(),
        Value::Seq(items) => format!("[{}]", items.iter().map(go_fmt).collect::<Vec<_>>().join(" ")),
        Value::Map(m) => {
            let mut entries: Vec<(&str, &Node)> = m.iter().map(|(k, v)| (k.name.as_str(), v)).collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            format!("map[{}]", entries.iter().map(|(k, v)| format!("{k}:{}", go_fmt(v))).collect::<Vec<_>>().join(" "))
        }
    }
}

/// Adds to `doc` (a struct of compose-go at `path`, read from `node`) the `x-` keys that Go's
/// YAML encoder inlines, then does the same in the structs under it; list items only where the
/// list kept one item per node.
fn struct_extensions(doc: &mut Json, node: &Node, path: &mut Vec<String>) {
    match (doc, &node.value) {
        (Json::Object(d), Value::Map(m)) => {
            let (is_struct, inlines) = {
                let segs: Vec<&str> = path.iter().map(String::as_str).collect();
                (go_order::is_struct(&segs), go_order::inlines_extensions(&segs))
            };
            if inlines {
                for (k, v) in m.iter().filter(|(k, _)| k.name.starts_with("x-")) {
                    if !d.contains_key(&k.name) {
                        d.insert(k.name.clone(), plain(v));
                    }
                }
            }
            // (by name when there are many: a scan per key made 20 000 variables take 0.25 s)
            let index = (m.len() > 16).then(|| by_name(m));
            for (k, dv) in d.iter_mut() {
                if k.starts_with("x-") {
                    continue;
                }
                let child = match &index {
                    Some(index) => index.get(k.as_str()).copied(),
                    None => m.get(k),
                };
                let Some(child) = child else { continue };
                path.push(if is_struct { k.clone() } else { "*".to_string() });
                struct_extensions(dv, child, path);
                path.pop();
            }
        }
        (Json::Array(d), Value::Seq(items)) if d.len() == items.len() => {
            path.push("[]".to_string());
            for (dv, child) in d.iter_mut().zip(items) {
                struct_extensions(dv, child, path);
            }
            path.pop();
        }
        _ => {}
    }
}

/// Any value as plain JSON (extensions).
fn plain(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or_else(|| Json::String(format!("{AS_IS}{}", crate::go_yaml::go_yaml_float(*f))), Json::Number),
        Value::String(s) => Json::String(s.clone()),
        Value::Timestamp(s) => Json::String(format!("{AS_IS}{}", go_time(s))),
        Value::Seq(items) => Json::Array(items.iter().map(plain).collect()),
        Value::Map(m) => Json::Object(m.entries.iter().map(|(k, v)| (k.name.clone(), plain(v))).collect()),
    }
}

fn put(obj: &mut Map<String, Json>, key: &str, value: Option<Json>) {
    if let Some(v) = value {
        obj.insert(key.to_string(), v);
    }
}

fn put_str(obj: &mut Map<String, Json>, node: &Node, key: &str) {
    put(obj, key, get(node, key).and_then(text).and_then(|s| non_empty(Some(s))));
}

fn put_bool(obj: &mut Map<String, Json>, node: &Node, key: &str) {
    if get(node, key).and_then(boolean) == Some(true) {
        obj.insert(key.to_string(), Json::Bool(true));
    }
}

/// A `*bool`: present whenever written.
fn put_opt_bool(obj: &mut Map<String, Json>, node: &Node, key: &str) {
    if let Some(b) = get(node, key).and_then(boolean) {
        obj.insert(key.to_string(), Json::Bool(b));
    }
}

fn put_int(obj: &mut Map<String, Json>, node: &Node, key: &str) {
    if let Some(i) = get(node, key).and_then(int).filter(|i| *i != 0) {
        obj.insert(key.to_string(), Json::from(i));
    }
}

fn put_list(obj: &mut Map<String, Json>, node: &Node, key: &str) {
    put(obj, key, get(node, key).map(string_list).and_then(json_list));
}

impl Out<'_> {
    fn wd(&self) -> &str {
        &self.project.working_dir
    }

    fn home(&self) -> Option<&str> {
        self.project.home.as_deref()
    }

    /// compose's `absPath`: `~` expanded, relative paths joined onto the project folder.
    fn abs(&self, p: &str) -> String {
        let p = expand_home(p, self.home());
        if p.starts_with('/') || p.is_empty() {
            p
        } else {
            join_clean(self.wd(), &p)
        }
    }

    /// compose's `maybeUnixPath`: like [`Self::abs`], but absolute paths are kept as written.
    fn unix_path(&self, p: &str) -> String {
        let p = expand_home(p, self.home());
        let windows_abs = p.as_bytes().get(1) == Some(&b':') && matches!(p.as_bytes().get(2), Some(b'\\' | b'/'));
        if p.starts_with('/') || windows_abs || p.starts_with("\\\\") || p.is_empty() {
            p
        } else {
            join_clean(self.wd(), &p)
        }
    }

    /// A path compose always joins onto the project folder (a bind volume's `device`, a secret's
    /// or config's `file`): an empty one is the folder itself.
    fn joined(&self, p: &str) -> String {
        if p.is_empty() {
            self.wd().to_string()
        } else {
            self.unix_path(p)
        }
    }

    fn context(&self, p: &str) -> String {
        if is_remote_context(p) {
            p.to_string()
        } else {
            self.abs(p)
        }
    }

    fn var(&self, name: &str) -> Option<String> {
        self.project.variables.get(name).cloned()
    }

    /// The project as compose decodes it, before either encoder: the `x-` keys of plain
    /// mappings already where compose puts them.
    fn document(&self) -> Json {
        let mut doc = self.project();
        if let Some(root) = &self.project.root {
            map_extensions(&mut doc, root);
        }
        doc
    }

    /// What compose's YAML holds and its JSON does not: the models the services use, the `x-`
    /// extensions of every struct (inlined), and build `ssh` keys written `id: path`.
    fn yaml_extras(&self, doc: &mut Json) {
        let Some(root) = self.project.root.as_ref() else { return };
        let Some(top) = doc.as_object_mut() else { return };
        let used: std::collections::BTreeSet<String> = top
            .get("services")
            .and_then(Json::as_object)
            .into_iter()
            .flat_map(|s| s.values())
            .filter_map(|s| s.get("models").and_then(Json::as_object))
            .flat_map(|m| m.keys().cloned())
            .collect();
        if let Some(declared) = get(root, "models").and_then(Node::as_map) {
            let models: Map<String, Json> = declared
                .iter()
                .filter(|(k, _)| used.contains(&k.name))
                .map(|(k, v)| {
                    let mut model = plain(v);
                    // Go's zero values, which `omitempty` leaves out
                    if let Some(o) = model.as_object_mut() {
                        o.retain(|key, value| match key.as_str() {
                            "name" | "model" => value.as_str() != Some(""),
                            "context_size" => value.as_i64() != Some(0),
                            "runtime_flags" => value.as_array().is_none_or(|a| !a.is_empty()),
                            _ => true,
                        });
                    }
                    (k.name.clone(), model)
                })
                .collect();
            if !models.is_empty() {
                top.insert("models".into(), Json::Object(models));
            }
        }
        for section in ["services", "networks", "volumes", "secrets", "configs"] {
            let (Some(Json::Object(items)), Some(declared)) = (top.get_mut(section), get(root, section).and_then(Node::as_map)) else { continue };
            let declared = by_name(declared);
            for (name, item) in items.iter_mut() {
                if let Some(node) = declared.get(name.as_str()) {
                    struct_extensions(item, node, &mut vec![section.to_string(), "*".to_string()]);
                }
            }
        }
        for svc in top.get_mut("services").and_then(Json::as_object_mut).into_iter().flat_map(|s| s.values_mut()) {
            // a ulimit that is not a single number is written as its soft and hard limits
            for at in ["/ulimits", "/build/ulimits"] {
                for limit in svc.pointer_mut(at).and_then(Json::as_object_mut).into_iter().flat_map(|u| u.values_mut()) {
                    if let Json::Object(l) = limit {
                        let soft = l.get("soft").cloned().unwrap_or_else(|| Json::from(0));
                        let hard = l.get("hard").cloned().unwrap_or_else(|| Json::from(0));
                        *l = [("soft".to_string(), soft), ("hard".to_string(), hard)].into_iter().collect();
                    }
                }
            }
            if let Some(Json::Array(keys)) = svc.pointer_mut("/build/ssh") {
                for key in keys {
                    if let Json::String(k) = key {
                        if let Some((id, path)) = k.split_once('=') {
                            *k = format!("{id}: {path}");
                        }
                    }
                }
            }
        }
    }

    fn project(&self) -> Json {
        let mut top = Map::new();
        top.insert("name".into(), Json::String(self.project.name.clone()));
        let empty = Node::new(Value::Null, crate::span::Span::default());
        let root = self.project.root.as_ref().unwrap_or(&empty);
        let all_services = get(root, "services").and_then(Node::as_map);
        let mut services = Map::new();
        let mut used = Used::default();
        if let Some(all) = all_services {
            for (name, svc) in all.iter() {
                let profiles: Vec<String> = get(svc, "profiles").map(string_list).unwrap_or_default();
                let refs: Vec<&str> = profiles.iter().map(String::as_str).collect();
                if !service_is_active(&refs, &self.project.profiles) {
                    continue;
                }
                let out = self.service(&name.name, svc, &mut used);
                services.insert(name.name.clone(), out);
            }
        }
        top.insert("services".into(), Json::Object(services));
        let name = &self.project.name;
        // networks: the implicit `default` and those services use
        let mut networks = Map::new();
        let declared = get(root, "networks").and_then(Node::as_map).map(by_name);
        for net in &used.networks {
            let node = declared.as_ref().and_then(|d| d.get(net.as_str()).copied());
            if node.is_none() && net != "default" {
                continue;
            }
            networks.insert(net.clone(), Self::network(net, node, name));
        }
        put(&mut top, "networks", (!networks.is_empty()).then_some(Json::Object(networks)));
        for (section, wanted) in [("volumes", &used.volumes), ("secrets", &used.secrets), ("configs", &used.configs)] {
            let mut out = Map::new();
            if let Some(declared) = get(root, section).and_then(Node::as_map) {
                for (k, v) in declared.iter() {
                    if !wanted.contains(&k.name) {
                        continue;
                    }
                    let obj = match section {
                        "volumes" => self.volume(&k.name, v, name),
                        _ => self.file_object(section, &k.name, v, name),
                    };
                    out.insert(k.name.clone(), obj);
                }
            }
            put(&mut top, section, (!out.is_empty()).then_some(Json::Object(out)));
        }
        if let Some(m) = root.as_map() {
            for (k, v) in m.iter().filter(|(k, _)| k.name.starts_with("x-")) {
                top.insert(k.name.clone(), plain(v));
            }
        }
        Json::Object(top)
    }

    fn resource_name(key: &str, node: Option<&Node>, project: &str) -> String {
        if let Some(n) = node.and_then(|n| get(n, "name")).and_then(text) {
            return n;
        }
        if let Some(ext) = node.and_then(|n| get(n, "external")) {
            if let Some(n) = get(ext, "name").and_then(text) {
                return n;
            }
            if boolean(ext) == Some(true) || ext.as_map().is_some() {
                return key.to_string();
            }
        }
        format!("{project}_{key}")
    }

    /// The `name` to print: compose sets one only where the file has no `name` key, and leaves
    /// out an empty one (`name: ${UNSET}`).
    fn name_json(key: &str, node: Option<&Node>, project: &str) -> Option<Json> {
        let name = Self::resource_name(key, node, project);
        (!name.is_empty()).then_some(Json::String(name))
    }

    fn external(node: Option<&Node>) -> bool {
        node.and_then(|n| get(n, "external")).is_some_and(|e| e.as_map().is_some() || boolean(e) == Some(true))
    }

    fn network(key: &str, node: Option<&Node>, project: &str) -> Json {
        let mut o = Map::new();
        put(&mut o, "name", Self::name_json(key, node, project));
        let mut ipam = Map::new();
        if let Some(n) = node {
            put_str(&mut o, n, "driver");
            put(&mut o, "driver_opts", get(n, "driver_opts").and_then(mapping));
            if let Some(i) = get(n, "ipam") {
                put_str(&mut ipam, i, "driver");
                if let Some(Value::Seq(pools)) = get(i, "config").map(|c| &c.value) {
                    let list: Vec<Json> = pools
                        .iter()
                        .map(|p| {
                            let mut po = Map::new();
                            put_str(&mut po, p, "subnet");
                            put_str(&mut po, p, "gateway");
                            put_str(&mut po, p, "ip_range");
                            put(&mut po, "aux_addresses", get(p, "aux_addresses").and_then(mapping));
                            Json::Object(po)
                        })
                        .collect();
                    if !list.is_empty() {
                        ipam.insert("config".into(), Json::Array(list));
                    }
                }
            }
            if Self::external(node) {
                o.insert("external".into(), Json::Bool(true));
            }
            put_bool(&mut o, n, "internal");
            put_bool(&mut o, n, "attachable");
            put(&mut o, "labels", get(n, "labels").and_then(mapping));
            put_opt_bool(&mut o, n, "enable_ipv4");
            put_opt_bool(&mut o, n, "enable_ipv6");
        }
        o.insert("ipam".into(), Json::Object(ipam));
        Json::Object(o)
    }

    fn volume(&self, key: &str, node: &Node, project: &str) -> Json {
        let mut o = Map::new();
        put(&mut o, "name", Self::name_json(key, Some(node), project));
        put_str(&mut o, node, "driver");
        if let Some(opts) = get(node, "driver_opts") {
            let mut m = Map::new();
            let bind = get(node, "driver").and_then(text).as_deref() == Some("local") && get(opts, "o").and_then(text).as_deref() == Some("bind");
            for (k, v) in pairs(opts) {
                let v = v.unwrap_or_default();
                let v = if bind && k == "device" { self.joined(&v) } else { v };
                m.insert(k, Json::String(v));
            }
            put(&mut o, "driver_opts", (!m.is_empty()).then_some(Json::Object(m)));
        }
        if Self::external(Some(node)) {
            o.insert("external".into(), Json::Bool(true));
        }
        put(&mut o, "labels", get(node, "labels").and_then(mapping));
        Json::Object(o)
    }

    fn file_object(&self, section: &str, key: &str, node: &Node, project: &str) -> Json {
        let mut o = Map::new();
        put(&mut o, "name", Self::name_json(key, Some(node), project));
        if let Some(f) = get(node, "file").and_then(text) {
            o.insert("file".into(), Json::String(self.joined(&f)));
        }
        put_str(&mut o, node, "environment");
        if section == "configs" && get(node, "environment").is_none() {
            put_str(&mut o, node, "content");
        }
        if Self::external(Some(node)) {
            o.insert("external".into(), Json::Bool(true));
        }
        put(&mut o, "labels", get(node, "labels").and_then(mapping));
        put_str(&mut o, node, "driver");
        put(&mut o, "driver_opts", get(node, "driver_opts").and_then(mapping));
        put_str(&mut o, node, "template_driver");
        Json::Object(o)
    }

    #[allow(clippy::too_many_lines)]
    fn service(&self, name: &str, svc: &Node, used: &mut Used) -> Json {
        let mut o = Map::new();
        let path = |k: &'static str| -> [&str; 3] { ["services", "*", k] };
        put_list(&mut o, svc, "profiles");
        put(&mut o, "annotations", get(svc, "annotations").and_then(mapping));
        put_opt_bool(&mut o, svc, "attach");
        if let Some(b) = get(svc, "build") {
            o.insert("build".into(), self.build(b));
        }
        if let Some(d) = get(svc, "develop").filter(|d| !d.is_null()) {
            o.insert("develop".into(), self.develop(d));
        }
        if let Some(b) = get(svc, "blkio_config") {
            o.insert("blkio_config".into(), blkio(b));
        }
        for key in ["cap_add", "cap_drop"] {
            put(&mut o, key, get(svc, key).map(|n| unique_strings(n, &path(key))).and_then(json_list));
        }
        for key in ["cgroup_parent", "cgroup", "cpuset", "container_name", "domainname", "hostname", "image", "ipc", "isolation", "mac_address", "network_mode", "pid", "platform", "restart", "runtime", "stop_signal", "user", "userns_mode", "uts", "working_dir", "volume_driver"] {
            put_str(&mut o, svc, key);
        }
        for key in ["cpu_count", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "oom_score_adj", "pids_limit"] {
            put_int(&mut o, svc, key);
        }
        for key in ["cpu_percent", "cpus"] {
            put(&mut o, key, get(svc, key).and_then(float32));
        }
        o.insert("command".into(), get(svc, "command").map_or(Json::Null, command));
        o.insert("entrypoint".into(), get(svc, "entrypoint").map_or(Json::Null, command));
        if let Some(Value::Seq(items)) = get(svc, "configs").map(|n| &n.value) {
            let refs: Vec<Json> = unique(items, &path("configs")).into_iter().map(|i| file_ref(i, None)).collect();
            for i in items {
                used.configs.insert(ref_source(i));
            }
            put(&mut o, "configs", (!refs.is_empty()).then_some(Json::Array(refs)));
        }
        if let Some(c) = get(svc, "credential_spec") {
            let mut co = Map::new();
            for k in ["config", "file", "registry"] {
                put_str(&mut co, c, k);
            }
            o.insert("credential_spec".into(), Json::Object(co));
        }
        put(&mut o, "depends_on", depends_on(svc));
        // `deploy:` with nothing after it is no deploy section
        if let Some(d) = get(svc, "deploy").filter(|d| !matches!(d.value, Value::Null)) {
            o.insert("deploy".into(), deploy(d, get(svc, "scale").and_then(int)));
        }
        put_list(&mut o, svc, "device_cgroup_rules");
        if let Some(Value::Seq(items)) = get(svc, "devices").map(|n| &n.value) {
            let list: Vec<Json> = unique(items, &path("devices")).into_iter().map(device).collect();
            put(&mut o, "devices", (!list.is_empty()).then_some(Json::Array(list)));
        }
        for key in ["dns", "dns_opt", "dns_search", "tmpfs"] {
            let mut items = get(svc, key).map(|n| unique_strings(n, &path(key))).unwrap_or_default();
            if key == "dns" {
                items.retain(|s| !s.is_empty());
            }
            put(&mut o, key, json_list(items));
        }
        if let Some(p) = get(svc, "provider") {
            let mut po = Map::new();
            put_str(&mut po, p, "type");
            if let Some(opts) = get(p, "options").and_then(Node::as_map) {
                let m: Map<String, Json> = opts.iter().map(|(k, v)| (k.name.clone(), Json::Array(string_list(v).into_iter().map(Json::String).collect()))).collect();
                put(&mut po, "options", (!m.is_empty()).then_some(Json::Object(m)));
            }
            o.insert("provider".into(), Json::Object(po));
        }
        put(&mut o, "environment", self.environment(name, svc));
        put(&mut o, "expose", get(svc, "expose").map(|n| unique_strings(n, &path("expose"))).and_then(json_list));
        // an `extends` compose leaves in place: it names an empty service of another file
        if let Some(e) = get(svc, "extends").filter(|e| e.as_map().is_some()) {
            let mut eo = Map::new();
            put_str(&mut eo, e, "file");
            put_str(&mut eo, e, "service");
            o.insert("extends".into(), Json::Object(eo));
        }
        for key in ["external_links", "group_add", "links", "security_opt", "volumes_from"] {
            put_list(&mut o, svc, key);
        }
        put(&mut o, "extra_hosts", get(svc, "extra_hosts").and_then(hosts));
        if let Some(g) = get(svc, "gpus") {
            let list: Vec<Json> = match &g.value {
                Value::Seq(items) => items.iter().map(device_request).collect(),
                _ => vec![json_obj([("count", Json::from(-1))])],
            };
            // an empty list is left out, as `omitempty` does
            if !list.is_empty() {
                o.insert("gpus".into(), Json::Array(list));
            }
        }
        if let Some(h) = get(svc, "healthcheck") {
            o.insert("healthcheck".into(), healthcheck(h));
        }
        put_opt_bool(&mut o, svc, "init");
        put(&mut o, "labels", self.labels(svc));
        if let Some(l) = get(svc, "logging") {
            let mut lo = Map::new();
            put_str(&mut lo, l, "driver");
            put(&mut lo, "options", get(l, "options").and_then(mapping));
            o.insert("logging".into(), Json::Object(lo));
        }
        for key in ["mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size"] {
            put(&mut o, key, get(svc, key).and_then(bytes));
        }
        if let Some(m) = get(svc, "models") {
            let mut mo = Map::new();
            match &m.value {
                Value::Seq(items) => {
                    for i in items.iter().filter_map(text) {
                        mo.insert(i, Json::Null);
                    }
                }
                Value::Map(map) => {
                    for (k, v) in map.iter() {
                        let mut vo = Map::new();
                        put_str(&mut vo, v, "endpoint_var");
                        put_str(&mut vo, v, "model_var");
                        mo.insert(k.name.clone(), if v.is_null() { Json::Null } else { Json::Object(vo) });
                    }
                }
                _ => {}
            }
            put(&mut o, "models", (!mo.is_empty()).then_some(Json::Object(mo)));
        }
        let networks = service_networks(svc);
        for k in networks.keys() {
            used.networks.insert(k.clone());
        }
        put(&mut o, "networks", (!networks.is_empty()).then_some(Json::Object(networks)));
        put_bool(&mut o, svc, "oom_kill_disable");
        if let Some(Value::Seq(items)) = get(svc, "ports").map(|n| &n.value) {
            let list = ports(items);
            put(&mut o, "ports", (!list.is_empty()).then_some(Json::Array(list)));
        }
        for key in ["privileged", "read_only", "stdin_open", "tty", "use_api_socket"] {
            put_bool(&mut o, svc, key);
        }
        if let Some(p) = get(svc, "pull_policy").and_then(text).filter(|p| !p.is_empty()) {
            o.insert("pull_policy".into(), Json::String(if p == "if_not_present" { "missing".into() } else { p }));
        }
        if let Some(s) = get(svc, "scale").and_then(int) {
            o.insert("scale".into(), Json::from(s));
        }
        let mut secrets: Vec<Json> = Vec::new();
        if let Some(Value::Seq(items)) = get(svc, "secrets").map(|n| &n.value) {
            secrets = unique(items, &path("secrets")).into_iter().map(|i| file_ref(i, Some("/run/secrets"))).collect();
            for i in items {
                used.secrets.insert(ref_source(i));
            }
        }
        if let Some(Value::Seq(items)) = get(svc, "build").and_then(|b| get(b, "secrets")).map(|n| &n.value) {
            for i in items {
                used.secrets.insert(ref_source(i));
            }
        }
        put(&mut o, "secrets", (!secrets.is_empty()).then_some(Json::Array(secrets)));
        put(&mut o, "stop_grace_period", get(svc, "stop_grace_period").and_then(duration));
        if let Some(so) = get(svc, "storage_opt") {
            put(&mut o, "storage_opt", mapping(so));
        }
        put(&mut o, "sysctls", get(svc, "sysctls").and_then(mapping));
        put(&mut o, "ulimits", get(svc, "ulimits").and_then(ulimits));
        if let Some(Value::Seq(items)) = get(svc, "volumes").map(|n| &n.value) {
            let mut list = Vec::new();
            for item in unique(items, &path("volumes")) {
                if let Some((v, named)) = self.service_volume(item) {
                    if let Some(n) = named {
                        used.volumes.insert(n);
                    }
                    list.push(v);
                }
            }
            put(&mut o, "volumes", (!list.is_empty()).then_some(Json::Array(list)));
        }
        for key in ["post_start", "pre_stop"] {
            if let Some(Value::Seq(items)) = get(svc, key).map(|n| &n.value) {
                let list: Vec<Json> = items.iter().map(Self::hook).collect();
                put(&mut o, key, (!list.is_empty()).then_some(Json::Array(list)));
            }
        }
        Json::Object(o)
    }

    fn hook(h: &Node) -> Json {
        let mut o = Map::new();
        o.insert("command".into(), get(h, "command").map_or(Json::Null, command));
        put_str(&mut o, h, "user");
        put_bool(&mut o, h, "privileged");
        put_str(&mut o, h, "working_dir");
        if let Some(e) = get(h, "environment") {
            let entries: IndexMap<String, Option<String>> = pairs(e).into_iter().collect();
            put(&mut o, "environment", mapping_with_equals(&entries));
        }
        Json::Object(o)
    }

    fn build(&self, b: &Node) -> Json {
        let mut o = Map::new();
        // an empty context (`context: ${UNSET}`) stays empty, which compose leaves out
        let context = |c: &str| Some(self.context(c)).filter(|c| !c.is_empty()).map(Json::String);
        if let Value::String(ctx) = &b.value {
            put(&mut o, "context", context(ctx));
            o.insert("dockerfile".into(), Json::String("Dockerfile".into()));
            return Json::Object(o);
        }
        let ctx = get(b, "context").and_then(text).unwrap_or_else(|| ".".into());
        put(&mut o, "context", context(&ctx));
        put_str(&mut o, b, "dockerfile");
        put_str(&mut o, b, "dockerfile_inline");
        if get(b, "dockerfile").is_none() && get(b, "dockerfile_inline").is_none() {
            o.insert("dockerfile".into(), Json::String("Dockerfile".into()));
        }
        put_list(&mut o, b, "entitlements");
        if let Some(a) = get(b, "args") {
            let mut args: IndexMap<String, Option<String>> = IndexMap::default();
            for (k, v) in pairs(a) {
                match v.or_else(|| self.var(&k)) {
                    Some(v) => {
                        args.insert(k, Some(v));
                    }
                    None => {
                        args.shift_remove(&k);
                    }
                }
            }
            put(&mut o, "args", mapping_with_equals(&args));
        }
        for key in ["provenance", "sbom"] {
            // an empty string is Go's zero value, which `omitempty` leaves out
            put(&mut o, key, get(b, key).and_then(text).filter(|t| !t.is_empty()).map(Json::String));
        }
        if let Some(ssh) = get(b, "ssh") {
            let mut keys: Vec<Json> = Vec::new();
            for (id, p) in ssh_pairs(ssh) {
                keys.push(Json::String(match p {
                    // a string is a path (an empty one is the project folder); compose leaves a
                    // number as it is
                    Some(SshPath::Text(p)) => format!("{id}={}", if p.is_empty() { self.joined(&p) } else { self.unix_path(&p) }),
                    Some(SshPath::Other(p)) => format!("{id}={p}"),
                    None => id,
                }));
            }
            put(&mut o, "ssh", (!keys.is_empty()).then_some(Json::Array(keys)));
        }
        put(&mut o, "labels", get(b, "labels").and_then(mapping));
        put_list(&mut o, b, "cache_from");
        put_list(&mut o, b, "cache_to");
        put_bool(&mut o, b, "no_cache");
        if let Some(ac) = get(b, "additional_contexts") {
            let mut m = Map::new();
            for (k, v) in pairs(ac) {
                m.insert(k, Json::String(self.context(&v.unwrap_or_default())));
            }
            put(&mut o, "additional_contexts", (!m.is_empty()).then_some(Json::Object(m)));
        }
        put_bool(&mut o, b, "pull");
        put(&mut o, "extra_hosts", get(b, "extra_hosts").and_then(hosts));
        put_str(&mut o, b, "isolation");
        put_str(&mut o, b, "network");
        put_str(&mut o, b, "target");
        if let Some(Value::Seq(items)) = get(b, "secrets").map(|n| &n.value) {
            let list: Vec<Json> = items.iter().map(|i| file_ref(i, None)).collect();
            put(&mut o, "secrets", (!list.is_empty()).then_some(Json::Array(list)));
        }
        put(&mut o, "shm_size", get(b, "shm_size").and_then(bytes));
        put(&mut o, "tags", get(b, "tags").map(|n| unique_strings(n, &["services", "*", "build", "tags"])).and_then(json_list));
        put(&mut o, "ulimits", get(b, "ulimits").and_then(ulimits));
        put_list(&mut o, b, "platforms");
        put_bool(&mut o, b, "privileged");
        Json::Object(o)
    }

    fn develop(&self, d: &Node) -> Json {
        let mut o = Map::new();
        if let Some(Value::Seq(rules)) = get(d, "watch").map(|w| &w.value) {
            let list: Vec<Json> = rules
                .iter()
                .map(|r| {
                    let mut ro = Map::new();
                    ro.insert("path".into(), Json::String(get(r, "path").and_then(text).map(|p| self.abs(&p)).unwrap_or_default()));
                    ro.insert("action".into(), Json::String(get(r, "action").and_then(text).unwrap_or_default()));
                    put_str(&mut ro, r, "target");
                    if let Some(e) = get(r, "exec") {
                        ro.insert("exec".into(), Self::hook(e));
                    } else {
                        ro.insert("exec".into(), json_obj([("command", Json::Null)]));
                    }
                    put_list(&mut ro, r, "include");
                    put_list(&mut ro, r, "ignore");
                    put_bool(&mut ro, r, "initial_sync");
                    Json::Object(ro)
                })
                .collect();
            put(&mut o, "watch", (!list.is_empty()).then_some(Json::Array(list)));
        }
        Json::Object(o)
    }

    /// `environment`: `env_file`s first, the service's own entries over them, unset entries
    /// taken from the project's variables.
    fn environment(&self, name: &str, svc: &Node) -> Option<Json> {
        let own: Vec<(String, Option<String>)> = get(svc, "environment").map(pairs).unwrap_or_default();
        let mut env: IndexMap<String, Option<String>> = IndexMap::default();
        for (k, v) in own {
            let v = v.or_else(|| self.var(&k));
            env.insert(k, v);
        }
        let mut from_files: IndexMap<String, String> = IndexMap::default();
        for (k, v) in &env {
            if let Some(v) = v {
                from_files.insert(k.clone(), v.clone());
            }
        }
        let _ = name;
        for (path, format) in env_files(svc) {
            let full = self.abs(&path);
            let Ok(content) = self.fs.read(&full) else { continue };
            let lookup = |k: &str| -> Option<String> { self.var(k).or_else(|| env.get(k).cloned().flatten()) };
            let earlier = |k: &str| from_files.get(k).cloned();
            if let Ok(entries) = parse_env_file_after(&content, format.as_deref(), &lookup, &earlier) {
                for (k, v) in entries {
                    from_files.insert(k, v);
                }
            }
        }
        let mut out: IndexMap<String, Option<String>> = from_files.into_iter().map(|(k, v)| (k, Some(v))).collect();
        for (k, v) in env {
            out.insert(k, v);
        }
        mapping_with_equals(&out)
    }

    /// `labels`, with the `label_file`s under them.
    fn labels(&self, svc: &Node) -> Option<Json> {
        let mut labels: IndexMap<String, String> = IndexMap::default();
        if let Some(files) = get(svc, "label_file") {
            for f in string_list(files) {
                if let Ok(content) = self.fs.read(&self.abs(&f)) {
                    let lookup = |k: &str| labels.get(k).cloned();
                    if let Ok(entries) = crate::dotenv::parse(&content, &lookup) {
                        for e in entries {
                            labels.insert(e.key, e.value);
                        }
                    }
                }
            }
        }
        for (k, v) in get(svc, "labels").map(pairs).unwrap_or_default() {
            labels.insert(k, v.unwrap_or_default());
        }
        let m: Map<String, Json> = labels.into_iter().map(|(k, v)| (k, Json::String(v))).collect();
        (!m.is_empty()).then_some(Json::Object(m))
    }

    /// One mount; also the named volume it uses.
    fn service_volume(&self, item: &Node) -> Option<(Json, Option<String>)> {
        let mut o = Map::new();
        match &item.value {
            Value::String(spec) => {
                let v = parse_volume_spec(spec).ok()?;
                let ty = mount_type(v.r#type);
                o.insert("type".into(), Json::String(ty.into()));
                let source = v.source.clone().filter(|s| !s.is_empty());
                if let Some(s) = &source {
                    let s = if v.r#type == MountType::Bind { self.unix_path(s) } else { s.clone() };
                    o.insert("source".into(), Json::String(s));
                }
                o.insert("target".into(), Json::String(crate::paths::clean_target(&v.target)));
                if v.read_only {
                    o.insert("read_only".into(), Json::Bool(true));
                }
                if let Some(b) = &v.bind {
                    let mut bo = Map::new();
                    if let Some(s) = &b.selinux {
                        bo.insert("selinux".into(), Json::String(if s.value == crate::model::SeLinux::Shared { "z".into() } else { "Z".into() }));
                    }
                    if let Some(p) = &b.propagation {
                        bo.insert("propagation".into(), Json::String(p.value.clone()));
                    }
                    if b.create_host_path.as_ref().is_some_and(|c| c.value) {
                        bo.insert("create_host_path".into(), Json::Bool(true));
                    }
                    o.insert("bind".into(), Json::Object(bo));
                }
                if let Some(vv) = &v.volume {
                    let mut vo = Map::new();
                    if vv.nocopy.as_ref().is_some_and(|n| n.value) {
                        vo.insert("nocopy".into(), Json::Bool(true));
                    }
                    o.insert("volume".into(), Json::Object(vo));
                }
                let named = (v.r#type == MountType::Volume).then_some(source).flatten();
                Some((Json::Object(o), named))
            }
            Value::Map(_) => {
                let ty = get(item, "type").and_then(text).unwrap_or_default();
                put(&mut o, "type", non_empty(Some(ty.clone())));
                // an empty bind source is the project folder (compose resolves it as a path)
                let source = get(item, "source").and_then(text).filter(|s| !s.is_empty() || ty == "bind");
                if let Some(s) = &source {
                    let s = match ty.as_str() {
                        "bind" if s.is_empty() => self.joined(s),
                        "bind" => self.unix_path(s),
                        _ => s.clone(),
                    };
                    o.insert("source".into(), Json::String(s));
                }
                if let Some(t) = get(item, "target").and_then(text) {
                    // compose cleans every target as a path: an empty one becomes `.`
                    let t = if t.is_empty() { ".".to_owned() } else { crate::paths::clean_target(&t) };
                    o.insert("target".into(), Json::String(t));
                }
                put_bool(&mut o, item, "read_only");
                put_str(&mut o, item, "consistency");
                if let Some(b) = get(item, "bind") {
                    let mut bo = Map::new();
                    put_str(&mut bo, b, "selinux");
                    put_str(&mut bo, b, "propagation");
                    put_bool(&mut bo, b, "create_host_path");
                    put_str(&mut bo, b, "recursive");
                    o.insert("bind".into(), Json::Object(bo));
                }
                if let Some(v) = get(item, "volume") {
                    let mut vo = Map::new();
                    put(&mut vo, "labels", get(v, "labels").and_then(mapping));
                    put_bool(&mut vo, v, "nocopy");
                    put_str(&mut vo, v, "subpath");
                    o.insert("volume".into(), Json::Object(vo));
                }
                if let Some(t) = get(item, "tmpfs") {
                    let mut to = Map::new();
                    put(&mut to, "size", get(t, "size").and_then(bytes));
                    // 32 bits, as compose keeps it
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    if let Some(m) = get(t, "mode").and_then(int).map(|m| m as u32).filter(|m| *m != 0) {
                        to.insert("mode".into(), Json::from(m));
                    }
                    o.insert("tmpfs".into(), Json::Object(to));
                }
                if let Some(i) = get(item, "image") {
                    let mut io = Map::new();
                    put_str(&mut io, i, "subpath");
                    o.insert("image".into(), Json::Object(io));
                }
                let named = (ty == "volume").then_some(source).flatten();
                Some((Json::Object(o), named))
            }
            _ => None,
        }
    }
}

/// Resources the enabled services use.
#[derive(Default)]
struct Used {
    networks: UsedNames,
    volumes: UsedNames,
    secrets: UsedNames,
    configs: UsedNames,
}

/// Names in the order first used, each once.
type UsedNames = indexmap::IndexSet<String, crate::BuildHasher>;

fn json_obj<const N: usize>(entries: [(&str, Json); N]) -> Json {
    Json::Object(entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn mount_type(t: MountType) -> &'static str {
    match t {
        MountType::Bind => "bind",
        MountType::Volume => "volume",
        MountType::Tmpfs => "tmpfs",
        MountType::Cluster => "cluster",
        MountType::Npipe => "npipe",
        MountType::Image => "image",
    }
}


/// `command` / `entrypoint`: a shell string split into words, or the list.
fn command(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Seq(items) => Json::Array(items.iter().map(|i| Json::String(text(i).unwrap_or_default())).collect()),
        _ => {
            let s = text(node).unwrap_or_default();
            Json::Array(split_shell_words(&s).unwrap_or_else(|_| vec![s]).into_iter().map(Json::String).collect())
        }
    }
}

fn ref_source(node: &Node) -> String {
    match &node.value {
        Value::Map(_) => get(node, "source").and_then(text).unwrap_or_default(),
        _ => text(node).unwrap_or_default(),
    }
}

/// A secret or config reference; `default_dir` gives secrets their default target.
fn file_ref(node: &Node, default_dir: Option<&str>) -> Json {
    let mut o = Map::new();
    let source = ref_source(node);
    put(&mut o, "source", non_empty(Some(source.clone())));
    // a secret without the `target` key gets the default one; an empty or null target is
    // Go's zero value, left out
    match (get(node, "target"), default_dir) {
        (Some(t), _) => put(&mut o, "target", text(t).filter(|t| !t.is_empty()).map(Json::String)),
        (None, Some(dir)) => {
            o.insert("target".into(), Json::String(format!("{dir}/{source}")));
        }
        (None, None) => {}
    }
    put_str(&mut o, node, "uid");
    put_str(&mut o, node, "gid");
    if let Some(m) = get(node, "mode") {
        let mode = match &m.value {
            Value::Int(i) => Some(*i),
            Value::String(s) => crate::model::parse_octal_mode(s).ok(),
            _ => None,
        };
        if let Some(mode) = mode {
            // Go's `0%o`: a negative mode keeps its sign (`0-1`)
            let text = if mode < 0 { format!("0-{:o}", mode.unsigned_abs()) } else { format!("0{mode:o}") };
            o.insert("mode".into(), Json::String(text));
        }
    }
    Json::Object(o)
}

fn depends_on(svc: &Node) -> Option<Json> {
    let mut deps: IndexMap<String, Json> = IndexMap::default();
    match get(svc, "depends_on").map(|d| &d.value) {
        Some(Value::Seq(items)) => {
            for name in items.iter().filter_map(text) {
                deps.insert(name, json_obj([("condition", Json::String("service_started".into())), ("required", Json::Bool(true))]));
            }
        }
        Some(Value::Map(m)) => {
            for (k, v) in m.iter() {
                let mut d = Map::new();
                d.insert("condition".into(), Json::String(get(v, "condition").and_then(text).unwrap_or_else(|| "service_started".into())));
                if get(v, "restart").and_then(boolean) == Some(true) {
                    d.insert("restart".into(), Json::Bool(true));
                }
                d.insert("required".into(), Json::Bool(get(v, "required").and_then(boolean).unwrap_or(true)));
                deps.insert(k.name.clone(), Json::Object(d));
            }
        }
        _ => {}
    }
    let implicit = |deps: &mut IndexMap<String, Json>, name: &str, restart: bool| {
        if !deps.contains_key(name) {
            let mut d = Map::new();
            d.insert("condition".into(), Json::String("service_started".into()));
            if restart {
                d.insert("restart".into(), Json::Bool(true));
            }
            d.insert("required".into(), Json::Bool(true));
            deps.insert(name.to_string(), Json::Object(d));
        }
    };
    for link in get(svc, "links").map(string_list).unwrap_or_default() {
        let parts: Vec<&str> = link.split(':').collect();
        let name = if parts.len() == 2 { parts.first().copied().unwrap_or("") } else { link.as_str() };
        implicit(&mut deps, name, true);
    }
    for ns in ["network_mode", "ipc", "pid", "uts", "cgroup"] {
        if let Some(target) = get(svc, ns).and_then(text).and_then(|v| v.strip_prefix("service:").map(str::to_string)) {
            implicit(&mut deps, &target, true);
        }
    }
    for vf in get(svc, "volumes_from").map(string_list).unwrap_or_default() {
        if !vf.starts_with("container:") {
            let name = vf.split(':').next().unwrap_or("").to_string();
            implicit(&mut deps, &name, false);
        }
    }
    (!deps.is_empty()).then(|| Json::Object(deps.into_iter().collect()))
}

/// `deploy`, its `replicas` taken from the service's `scale` when it has none (as compose
/// completes it).
fn deploy(d: &Node, scale: Option<i64>) -> Json {
    let mut o = Map::new();
    put_str(&mut o, d, "mode");
    if let Some(r) = get(d, "replicas").and_then(int).or(scale) {
        o.insert("replicas".into(), Json::from(r));
    }
    put(&mut o, "labels", get(d, "labels").and_then(mapping));
    for key in ["update_config", "rollback_config"] {
        if let Some(u) = get(d, key) {
            let mut uo = Map::new();
            if let Some(p) = get(u, "parallelism").and_then(int) {
                uo.insert("parallelism".into(), Json::from(p));
            }
            put(&mut uo, "delay", get(u, "delay").and_then(duration).filter(|d| d != "0s"));
            put_str(&mut uo, u, "failure_action");
            put(&mut uo, "monitor", get(u, "monitor").and_then(duration).filter(|d| d != "0s"));
            put(&mut uo, "max_failure_ratio", get(u, "max_failure_ratio").and_then(float32));
            put_str(&mut uo, u, "order");
            o.insert(key.into(), Json::Object(uo));
        }
    }
    let mut res = Map::new();
    if let Some(r) = get(d, "resources") {
        for key in ["limits", "reservations"] {
            if let Some(l) = get(r, key) {
                let mut lo = Map::new();
                put(&mut lo, "cpus", get(l, "cpus").and_then(float32));
                put(&mut lo, "memory", get(l, "memory").and_then(bytes));
                put_int(&mut lo, l, "pids");
                if let Some(Value::Seq(devs)) = get(l, "devices").map(|n| &n.value) {
                    let list: Vec<Json> = devs.iter().map(device_request).collect();
                    put(&mut lo, "devices", (!list.is_empty()).then_some(Json::Array(list)));
                }
                if let Some(Value::Seq(gens)) = get(l, "generic_resources").map(|n| &n.value) {
                    let list: Vec<Json> = gens
                        .iter()
                        .map(|g| {
                            let mut go = Map::new();
                            if let Some(spec) = get(g, "discrete_resource_spec") {
                                go.insert(
                                    "discrete_resource_spec".into(),
                                    json_obj([
                                        ("kind", Json::String(get(spec, "kind").and_then(text).unwrap_or_default())),
                                        ("value", Json::from(get(spec, "value").and_then(int).unwrap_or(0))),
                                    ]),
                                );
                            }
                            Json::Object(go)
                        })
                        .collect();
                    put(&mut lo, "generic_resources", (!list.is_empty()).then_some(Json::Array(list)));
                }
                res.insert(key.into(), Json::Object(lo));
            }
        }
    }
    o.insert("resources".into(), Json::Object(res));
    if let Some(r) = get(d, "restart_policy") {
        let mut ro = Map::new();
        put_str(&mut ro, r, "condition");
        put(&mut ro, "delay", get(r, "delay").and_then(duration));
        if let Some(m) = get(r, "max_attempts").and_then(int) {
            ro.insert("max_attempts".into(), Json::from(m));
        }
        put(&mut ro, "window", get(r, "window").and_then(duration));
        o.insert("restart_policy".into(), Json::Object(ro));
    }
    let mut placement = Map::new();
    if let Some(p) = get(d, "placement") {
        put_list(&mut placement, p, "constraints");
        if let Some(Value::Seq(prefs)) = get(p, "preferences").map(|n| &n.value) {
            let list: Vec<Json> = prefs
                .iter()
                .map(|pr| {
                    let mut po = Map::new();
                    put_str(&mut po, pr, "spread");
                    Json::Object(po)
                })
                .collect();
            put(&mut placement, "preferences", (!list.is_empty()).then_some(Json::Array(list)));
        }
        put_int(&mut placement, p, "max_replicas_per_node");
    }
    o.insert("placement".into(), Json::Object(placement));
    put_str(&mut o, d, "endpoint_mode");
    Json::Object(o)
}

fn device_request(d: &Node) -> Json {
    let mut o = Map::new();
    put_list(&mut o, d, "capabilities");
    put_str(&mut o, d, "driver");
    match get(d, "count") {
        Some(c) => {
            let n = match text(c) {
                Some(t) if t.eq_ignore_ascii_case("all") => Some(-1),
                Some(t) => t.parse::<i64>().ok(),
                None => None,
            };
            if let Some(n) = n.filter(|n| *n != 0) {
                o.insert("count".into(), Json::from(n));
            }
        }
        None => {
            if get(d, "device_ids").is_none() {
                o.insert("count".into(), Json::from(-1));
            }
        }
    }
    put_list(&mut o, d, "device_ids");
    put(&mut o, "options", get(d, "options").and_then(mapping));
    Json::Object(o)
}

fn device(node: &Node) -> Json {
    let mut o = Map::new();
    if let Value::Map(_) = &node.value {
        put_str(&mut o, node, "source");
        put_str(&mut o, node, "target");
        put_str(&mut o, node, "permissions");
    } else {
        let s = text(node).unwrap_or_default();
        let (src, dst, perms) = crate::model::device_spec_parts(&s);
        put(&mut o, "source", non_empty(Some(src.to_string())));
        put(&mut o, "target", non_empty(Some(dst.to_string())));
        put(&mut o, "permissions", non_empty(Some(perms.to_string())));
    }
    Json::Object(o)
}

fn healthcheck(h: &Node) -> Json {
    let mut o = Map::new();
    if let Some(t) = get(h, "test") {
        let list: Vec<String> = match &t.value {
            Value::Seq(items) => items.iter().map(|i| text(i).unwrap_or_default()).collect(),
            Value::Null => Vec::new(),
            _ => vec!["CMD-SHELL".into(), text(t).unwrap_or_default()],
        };
        put(&mut o, "test", json_list(list));
    }
    for key in ["timeout", "interval", "start_period", "start_interval"] {
        put(&mut o, key, get(h, key).and_then(duration));
    }
    if let Some(r) = get(h, "retries").and_then(int) {
        // an unsigned field: compose keeps a number past `i64::MAX` as it is
        #[allow(clippy::cast_sign_loss)]
        // (a number from 2^63 is converted as Go does on amd64: exactly below 2^64, else 2^63, as
        // an infinity or NaN is)
        #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        let r = match get(h, "retries").map(|n| &n.value) {
            Some(Value::UInt(_)) if r < 0 => Json::from(r as u64),
            Some(Value::Float(f)) if !f.is_finite() || *f >= i64::MAX as f64 => Json::from(if *f < u64::MAX as f64 { *f as u64 } else { 1 << 63 }),
            _ => Json::from(r),
        };
        o.insert("retries".into(), r);
    }
    put_bool(&mut o, h, "disable");
    Json::Object(o)
}

fn blkio(b: &Node) -> Json {
    let mut o = Map::new();
    // weights are 16 bits in compose: a larger number keeps its low bits
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let weight = |n: &Node| get(n, "weight").and_then(int).map_or(0, |w| w as u16);
    if weight(b) != 0 {
        o.insert("weight".into(), Json::from(weight(b)));
    }
    if let Some(Value::Seq(items)) = get(b, "weight_device").map(|n| &n.value) {
        let list: Vec<Json> = items
            .iter()
            .map(|i| json_obj([("Path", Json::String(get(i, "path").and_then(text).unwrap_or_default())), ("Weight", Json::from(weight(i)))]))
            .collect();
        put(&mut o, "weight_device", (!list.is_empty()).then_some(Json::Array(list)));
    }
    for key in ["device_read_bps", "device_read_iops", "device_write_bps", "device_write_iops"] {
        if let Some(Value::Seq(items)) = get(b, key).map(|n| &n.value) {
            let list: Vec<Json> = items
                .iter()
                .map(|i| {
                    let rate = match get(i, "rate").map(|r| &r.value) {
                        Some(Value::Int(n)) => *n,
                        Some(Value::String(s)) => parse_byte_size(s).unwrap_or(0),
                        _ => 0,
                    };
                    json_obj([("Path", Json::String(get(i, "path").and_then(text).unwrap_or_default())), ("Rate", Json::String(rate.to_string()))])
                })
                .collect();
            put(&mut o, key, (!list.is_empty()).then_some(Json::Array(list)));
        }
    }
    Json::Object(o)
}

/// `extra_hosts` as compose prints them: `host=ip`, sorted.
fn hosts(node: &Node) -> Option<Json> {
    let mut list: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |host: &str, ips: Vec<String>| match list.iter_mut().find(|(h, _)| h == host) {
        Some((_, existing)) => existing.extend(ips),
        None => list.push((host.to_string(), ips)),
    };
    match &node.value {
        Value::Seq(items) => {
            for s in items.iter().filter_map(text) {
                let cut = s.split_once('=').or_else(|| s.split_once(':'));
                if let Some((h, ips)) = cut {
                    add(h, ips.split(',').map(str::to_string).collect());
                }
            }
        }
        Value::Map(m) => {
            for (k, v) in m.iter() {
                let ips = match &v.value {
                    Value::Seq(items) => items.iter().filter_map(text).collect(),
                    Value::Null => vec![String::new()],
                    _ => text(v).into_iter().collect(),
                };
                add(&k.name, ips);
            }
        }
        _ => {}
    }
    // a host without addresses still makes the list present, and empty
    let any_host = !list.is_empty();
    let mut out: Vec<String> = Vec::new();
    for (h, ips) in list {
        for ip in ips {
            let ip = if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') { ip.get(1..ip.len() - 1).unwrap_or(&ip).to_string() } else { ip };
            out.push(format!("{h}={ip}"));
        }
    }
    out.sort();
    if out.is_empty() && any_host {
        return Some(Json::Array(Vec::new()));
    }
    json_list(out)
}

fn ulimits(node: &Node) -> Option<Json> {
    let m = node.as_map()?;
    let mut o = Map::new();
    for (k, v) in m.iter() {
        if k.name.starts_with("x-") {
            // compose moves `x-` keys into extensions, which it writes as an empty ulimit
            o.insert("#extensions".to_string(), Json::Object(Map::new()));
            continue;
        }
        let value = match &v.value {
            Value::Map(_) => {
                let mut lo = Map::new();
                put_int(&mut lo, v, "soft");
                put_int(&mut lo, v, "hard");
                Json::Object(lo)
            }
            // a single value of 0 is no value: compose writes an empty mapping
            _ => match int(v).unwrap_or(0) {
                0 => Json::Object(Map::new()),
                n => Json::from(n),
            },
        };
        o.insert(k.name.clone(), value);
    }
    (!o.is_empty()).then_some(Json::Object(o))
}

/// The path of an `ssh` key: a string, or another scalar (not resolved against the folder).
enum SshPath {
    Text(String),
    Other(String),
}

/// `ssh` entries: `id=path` items or a mapping.
fn ssh_pairs(node: &Node) -> Vec<(String, Option<SshPath>)> {
    if let Value::Map(m) = &node.value {
        return m
            .entries
            .iter()
            .map(|(k, v)| {
                let path = match &v.value {
                    Value::Null => None,
                    Value::String(s) => Some(SshPath::Text(s.clone())),
                    _ => text(v).map(SshPath::Other),
                };
                (k.name.clone(), path)
            })
            .collect();
    }
    // compose reads the list into a mapping: an id listed again keeps its last path
    let mut out: Vec<(String, Option<SshPath>)> = Vec::new();
    for (k, v) in pairs(node) {
        let v = v.map(SshPath::Text);
        match out.iter_mut().find(|(id, _)| *id == k) {
            Some(slot) => slot.1 = v,
            None => out.push((k, v)),
        }
    }
    out
}

/// A service's networks (the implicit `default` when none is given).
fn service_networks(svc: &Node) -> Map<String, Json> {
    let mut out = Map::new();
    if get(svc, "provider").is_some() || get(svc, "network_mode").is_some() {
        if let Some(n) = get(svc, "networks") {
            collect_networks(n, &mut out);
        }
        return out;
    }
    match get(svc, "networks") {
        Some(n) => {
            collect_networks(n, &mut out);
            if out.is_empty() {
                out.insert("default".into(), Json::Null);
            }
        }
        None => {
            out.insert("default".into(), Json::Null);
        }
    }
    out
}

fn collect_networks(n: &Node, out: &mut Map<String, Json>) {
    match &n.value {
        Value::Seq(items) => {
            for name in items.iter().filter_map(text) {
                out.insert(name, Json::Null);
            }
        }
        Value::Map(m) => {
            for (k, v) in m.iter() {
                if v.is_null() {
                    out.insert(k.name.clone(), Json::Null);
                    continue;
                }
                let mut o = Map::new();
                put(&mut o, "aliases", get(v, "aliases").map(|a| unique_strings(a, &["services", "*", "networks", "*", "aliases"])).and_then(json_list));
                put(&mut o, "driver_opts", get(v, "driver_opts").and_then(mapping));
                put_int(&mut o, v, "gw_priority");
                put_str(&mut o, v, "interface_name");
                put_str(&mut o, v, "ipv4_address");
                put_str(&mut o, v, "ipv6_address");
                put(&mut o, "link_local_ips", get(v, "link_local_ips").map(|a| unique_strings(a, &["services", "*", "networks", "*", "link_local_ips"])).and_then(json_list));
                put_str(&mut o, v, "mac_address");
                put_int(&mut o, v, "priority");
                out.insert(k.name.clone(), Json::Object(o));
            }
        }
        _ => {}
    }
}

/// Ports in the long form, one per published port, without repeats.
fn ports(items: &[Node]) -> Vec<Json> {
    // by key, in the order first written, a later port replacing an earlier one
    let mut out: Map<String, Json> = Map::new();
    let mut push = |key: String, value: Json| {
        out.insert(key, value);
    };
    for item in items {
        if let Value::Map(_) = &item.value {
            {
                let mut o = Map::new();
                put_str(&mut o, item, "name");
                // a missing mode or protocol gets compose's default; one written empty is left
                // out, as Go leaves out an empty string
                let mode = get(item, "mode").and_then(text).unwrap_or_else(|| "ingress".into());
                if !mode.is_empty() {
                    o.insert("mode".into(), Json::String(mode));
                }
                put_str(&mut o, item, "host_ip");
                // 32 bits, as compose keeps it
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                if let Some(t) = get(item, "target").and_then(int).map(|t| t as u32).filter(|t| *t != 0) {
                    o.insert("target".into(), Json::from(t));
                }
                put_str(&mut o, item, "published");
                let protocol = get(item, "protocol").and_then(text).unwrap_or_else(|| "tcp".into());
                if !protocol.is_empty() {
                    o.insert("protocol".into(), Json::String(protocol));
                }
                put_str(&mut o, item, "app_protocol");
                let key = crate::merge::port_keys(item).and_then(|k| k.into_iter().next()).unwrap_or_default();
                push(key, Json::Object(o));
            }
        } else {
            {
                let Some(spec) = text(item) else { continue };
                let Ok(parsed) = parse_port_spec(&spec) else { continue };
                for p in parsed {
                    let mut o = Map::new();
                    o.insert("mode".into(), Json::String(p.mode.clone().unwrap_or_else(|| "ingress".into())));
                    if let Some(ip) = p.host_ip.clone().filter(|i| !i.is_empty()) {
                        o.insert("host_ip".into(), Json::String(ip));
                    }
                    if p.target != 0 {
                        o.insert("target".into(), Json::from(p.target));
                    }
                    if let Some(pb) = p.published.clone().filter(|x| !x.is_empty()) {
                        o.insert("published".into(), Json::String(pb));
                    }
                    o.insert("protocol".into(), Json::String(p.protocol.clone().unwrap_or_else(|| "tcp".into())));
                    let host = p.host_ip.clone().filter(|h| !h.is_empty()).unwrap_or_else(|| "0.0.0.0".into());
                    let published = p.published.clone().unwrap_or_else(|| "%!s(<nil>)".into());
                    let key = format!("{host}:{published}:{}/{}", p.target, p.protocol.clone().unwrap_or_else(|| "tcp".into()));
                    push(key, Json::Object(o));
                }
            }
        }
    }
    out.into_iter().map(|(_, v)| v).collect()
}

/// Reads an `env_file` in its `format`: `.env` (the default, compose's dotenv syntax) or `raw`
/// (`KEY=value` lines taken literally). `Err` with compose's reason.
pub fn parse_env_file(content: &str, format: Option<&str>, lookup: &dyn crate::interpolate::Variables) -> Result<Vec<(String, String)>, String> {
    parse_env_file_after(content, format, lookup, &|_: &str| None)
}

/// [`parse_env_file`] for one of several env files read in order: `earlier` is what the files
/// before it set (see [`crate::dotenv::parse_after`]).
pub fn parse_env_file_after(
    content: &str,
    format: Option<&str>,
    lookup: &dyn crate::interpolate::Variables,
    earlier: &dyn crate::interpolate::Variables,
) -> Result<Vec<(String, String)>, String> {
    match format.unwrap_or("") {
        "" | ".env" => crate::dotenv::parse_after(content, lookup, earlier)
            .map(|entries| entries.into_iter().map(|e| (e.key, e.value)).collect())
            .map_err(|e| e.to_string()),
        "raw" => {
            let mut out = Vec::new();
            // (lines end at `\n`, each without one `\r` before it, the last one's too)
            for line in content.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line).trim_start();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (key, value) = match line.split_once('=') {
                    Some((k, v)) => (k, Some(v)),
                    None => (line, None),
                };
                if key.is_empty() {
                    return Err(format!("no variable name on line '{line}'"));
                }
                // (only a blank or a tab: compose takes `\r` or a no-break space as part of the name)
                if key.contains([' ', '\t']) {
                    return Err(format!("variable '{key}' contains whitespaces"));
                }
                match value {
                    Some(v) => out.push((key.to_string(), v.to_string())),
                    None => {
                        if let Some(v) = lookup.get(key).or_else(|| earlier.get(key)) {
                            out.push((key.to_string(), v));
                        }
                    }
                }
            }
            Ok(out)
        }
        other => Err(format!("unsupported env_file format `{other}`")),
    }
}

/// `env_file` entries: path and format.
fn env_files(svc: &Node) -> Vec<(String, Option<String>)> {
    let Some(n) = get(svc, "env_file") else { return Vec::new() };
    let items: Vec<&Node> = match &n.value {
        Value::Seq(items) => unique(items, &["services", "*", "env_file"]),
        _ => vec![n],
    };
    items
        .into_iter()
        .filter_map(|i| match &i.value {
            Value::Map(_) => Some((get(i, "path").and_then(text)?, get(i, "format").and_then(text))),
            _ => text(i).map(|p| (p, None)),
        })
        .collect()
}

/// A YAML date as compose prints it: a `time.Time` in RFC 3339 (`2001-12-14` is midnight UTC,
/// `2001-12-14T00:00:00Z`; `2001-1-4 1:5:3.50` is `2001-01-04T01:05:03.5Z`; a zone of zero is
/// `Z`, another is kept).
fn go_time(text: &str) -> String {
    let digits = |t: &str, max: usize| (!t.is_empty() && t.len() <= max && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse::<u32>().ok()).flatten();
    let (date, time) = match text.find(['T', 't', ' ']) {
        Some(at) => (&text[..at], Some(text[at + 1..].trim_start_matches(' '))),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else { return text.to_string() };
    let Some(((year, month), day)) = (year.len() == 4).then(|| digits(year, 4)).flatten().zip(digits(month, 2)).zip(digits(day, 2)) else { return text.to_string() };
    let Some(time) = time else { return format!("{year:04}-{month:02}-{day:02}T00:00:00Z") };
    // hh:mm:ss, a fraction after `.` or `,`, and a zone (`Z`, `±hh:mm`, none: UTC)
    let zone_at = time.find(['Z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    let (hms, fraction) = clock.split_once(['.', ',']).unwrap_or((clock, ""));
    let mut hms = hms.split(':').map(|t| digits(t, 2));
    let (Some(Some(hour)), Some(Some(minute)), Some(Some(second)), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else { return text.to_string() };
    // Go keeps nanoseconds and writes them without trailing zeros
    let fraction = fraction.get(..9).unwrap_or(fraction).trim_end_matches('0');
    let fraction = if fraction.is_empty() { String::new() } else { format!(".{fraction}") };
    let zone = match zone {
        "" | "Z" | "+00:00" | "-00:00" => "Z",
        other => other,
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{zone}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    #[test]
    fn raw_env_files_as_compose_reads_them() {
        let raw = |text: &str| super::parse_env_file(text, Some("raw"), &|_: &str| None);
        let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
        // each checked against `docker compose config` v2.40.3: only a blank or a tab is refused
        // in a name, and one `\r` is dropped at the end of every line, the last one's too
        assert_eq!(raw("A\rB=1\n"), Ok(vec![pair("A\rB", "1")]));
        assert_eq!(raw("A\u{b}B=1\nC\u{a0}D=2\n"), Ok(vec![pair("A\u{b}B", "1"), pair("C\u{a0}D", "2")]));
        assert_eq!(raw("A=x\r"), Ok(vec![pair("A", "x")]));
        assert_eq!(raw("A=x\r\r\nB=y\r\n"), Ok(vec![pair("A", "x\r"), pair("B", "y")]));
        assert_eq!(raw("A B=1\n"), Err("variable 'A B' contains whitespaces".to_string()));
        assert_eq!(raw("A\tB=1\n"), Err("variable 'A\tB' contains whitespaces".to_string()));
    }

    #[test]
    fn floats_as_go_writes_them() {
        use super::go_json_float as json;
        use crate::go_yaml::go_yaml_float as yaml;
        // each checked against `docker compose config` v2.40.3
        for (f, j, y) in [
            (2.0, "2", "2"),
            (0.5, "0.5", "0.5"),
            (1e7, "10000000", "1e+07"),
            (1_234_567.0, "1234567", "1.234567e+06"),
            (123_456.0, "123456", "123456"),
            (0.00001, "0.00001", "1e-05"),
            (0.0001, "0.0001", "0.0001"),
            (0.000_001, "0.000001", "1e-06"),
            (1e-7, "1e-7", "1e-07"),
            (1e21, "1e+21", "1e+21"),
            (1e38, "1e+38", "1e+38"),
            (-2.5, "-2.5", "-2.5"),
        ] {
            assert_eq!(json(f), j, "{f}");
            assert_eq!(yaml(f), y, "{f}");
        }
    }

    #[test]
    fn dates_as_go_writes_them() {
        // each checked against `docker compose config --format json` v2.40.3 (an extension's dates)
        for (written, printed) in [
            ("2001-12-14", "2001-12-14T00:00:00Z"),
            ("2001-1-4", "2001-01-04T00:00:00Z"),
            ("2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.1-05:00"),
            ("2001-12-14T21:59:43.000Z", "2001-12-14T21:59:43Z"),
            ("2001-12-14T21:59:43+00:00", "2001-12-14T21:59:43Z"),
            ("2001-12-14t21:59:43-00:00", "2001-12-14T21:59:43Z"),
            ("2001-1-4T1:5:3+01:30", "2001-01-04T01:05:03+01:30"),
            ("2001-12-14 21:59:43.10", "2001-12-14T21:59:43.1Z"),
            ("2001-12-14   1:59:43,5", "2001-12-14T01:59:43.5Z"),
            ("2001-12-14T21:59:43.1234567891Z", "2001-12-14T21:59:43.123456789Z"),
            ("2001-12-14T21:59:43.5+14:00", "2001-12-14T21:59:43.5+14:00"),
        ] {
            assert_eq!(super::go_time(written), printed, "{written}");
        }
    }

    use super::*;
    use crate::project::{load_project, MemoryFiles, ProjectOptions};

    fn node_json(n: &Node) -> Json {
        let mut json = plain(n);
        without_as_is(&mut json);
        json
    }

    #[test]
    fn an_empty_list_of_an_extension_is_null_in_the_json() {
        // (docker compose v2.40.3's `config --format json`; its YAML keeps `[]`)
        let files = MemoryFiles(
            [("/w/app/compose.yaml".to_string(), "x-a: [1, [], {b: []}]\nx-c: []\nx-d: {}\nservices:\n  web:\n    image: nginx\n".to_string())].into_iter().collect(),
        );
        let options = ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/w/app".into(), ..ProjectOptions::default() };
        let project = load_project(&options, &files);
        let json = to_json(&project, &files);
        assert_eq!(json["x-a"], serde_json::json!([1, null, {"b": null}]));
        assert_eq!(json["x-c"], Json::Null);
        assert_eq!(json["x-d"], serde_json::json!({}));
        assert!(to_yaml_string(&project, &files).contains("x-c: []"));
    }

    #[test]
    fn dates_and_infinities_of_an_extension_are_plain_in_the_yaml() {
        // (docker compose v2.40.3's `config`: Go's YAML encoder writes a date and an infinity
        // untagged; its JSON encoder fails on an infinity, and composeguard writes `null`)
        let text = "x-a: [.inf, -.Inf, .NaN, 2001-12-14, '2001-12-14', 2001-12-14t21:59:43.10-05:00]\nservices:\n  web:\n    image: nginx\n    x-b: .inf\n";
        let files = MemoryFiles([("/w/app/compose.yaml".to_string(), text.to_string())].into_iter().collect());
        let options = ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/w/app".into(), ..ProjectOptions::default() };
        let project = load_project(&options, &files);
        let yaml = to_yaml_string(&project, &files);
        assert!(yaml.contains("x-a:\n  - .inf\n  - -.inf\n  - .nan\n  - 2001-12-14T00:00:00Z\n  - \"2001-12-14\"\n  - 2001-12-14T21:59:43.1-05:00\n"), "{yaml}");
        assert!(yaml.contains("    x-b: .inf\n"), "{yaml}");
        let json = to_json(&project, &files);
        assert_eq!(json["x-a"], serde_json::json!([null, null, null, "2001-12-14T00:00:00Z", "2001-12-14", "2001-12-14T21:59:43.1-05:00"]));
        assert_eq!(json["services"]["web"]["x-b"], Json::Null);
    }

    #[test]
    fn yaml_reads_back_as_the_json() {
        let files = MemoryFiles(
            [
                ("/w/app/compose.yaml".to_string(), "services:\n  web:\n    image: nginx\n    environment: {A: 'yes', B: '12:30', C: '0755', D: '', E: 'a: b', F: '-x', G: 'null', H: '$$x'}\n    ports: ['80:80']\n    command: echo hi\n".to_string()),
            ]
            .into_iter()
            .collect(),
        );
        let options = ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/w/app".into(), ..ProjectOptions::default() };
        let project = load_project(&options, &files);
        assert!(project.issues.is_empty(), "{:?}", project.issues);
        let json = to_json(&project, &files);
        assert_eq!(json["name"], "app");
        assert_eq!(json["services"]["web"]["environment"]["H"], "$$x");
        assert_eq!(json["networks"]["default"]["name"], "app_default");
        let yaml = to_yaml_string(&project, &files);
        let doc = crate::yaml::parse(&yaml, crate::span::FileId(0), &crate::yaml::Limits::default());
        assert!(doc.issues.is_empty(), "{yaml}\n{:?}", doc.issues);
        // the YAML leaves out what Go's YAML encoder omits (`entrypoint: null`, `ipam: {}`)
        let mut expected = json.clone();
        if let Json::Object(services) = &mut expected["services"] {
            services.values_mut().for_each(|s| drop(s.as_object_mut().and_then(|s| s.remove("entrypoint"))));
        }
        drop(expected["networks"]["default"].as_object_mut().and_then(|n| n.remove("ipam")));
        assert_eq!(node_json(&doc.roots[0]), expected, "{yaml}");
        assert!(!yaml.contains("entrypoint") && !yaml.contains("ipam"), "{yaml}");
    }

    /// compose reads `build.ssh` into a mapping: an id listed twice (in one list, or in the list
    /// of a service and the one it `extends` in the same file, which are appended) keeps its
    /// last path. (compose's JSON fails on ssh keys with a path, so the YAML is compared, with
    /// one key per service, as compose prints several in no fixed order.)
    #[test]
    fn an_ssh_id_listed_again_keeps_its_last_path() {
        let text = "services:\n  base:\n    image: a\n    build: {context: ., ssh: [\"k=/one\"]}\n  web:\n    extends: base\n    build: {ssh: [\"k=/two\"]}\n  one:\n    image: a\n    build: {context: ., ssh: [\"k=/x\", \"k=/y\"]}\n";
        let files = MemoryFiles([("/w/app/compose.yaml".to_string(), text.to_string())].into_iter().collect());
        let options = ProjectOptions { files: vec!["compose.yaml".into()], cwd: "/w/app".into(), ..ProjectOptions::default() };
        let project = load_project(&options, &files);
        assert!(project.issues.is_empty(), "{:?}", project.issues);
        let json = to_json(&project, &files);
        assert_eq!(json["services"]["base"]["build"]["ssh"], serde_json::json!(["k=/one"]));
        assert_eq!(json["services"]["web"]["build"]["ssh"], serde_json::json!(["k=/two"]));
        assert_eq!(json["services"]["one"]["build"]["ssh"], serde_json::json!(["k=/y"]));
        // as docker compose v2.40.3 prints it
        assert!(to_yaml_string(&project, &files).contains("  web:\n    build:\n      context: /w/app\n      dockerfile: Dockerfile\n      ssh:\n        - 'k: /two'\n"));
    }
}
