//! Paths inside a project: lexical joins, relative folders, and rebasing the relative paths of a
//! file that lives in another folder (an `extends` base, an included project) so every path in
//! the merged tree is relative to the project folder, as compose resolves them.

use crate::merge::short_bind_source;
use crate::yaml::{Node, Value};

/// Joins `rel` onto `dir` and cleans the result lexically (Go's `filepath.Join`); an absolute
/// `rel` stays as it is (cleaned).
pub fn join_clean(dir: &str, rel: &str) -> String {
    if rel.starts_with('/') || dir.is_empty() {
        return crate::project::normalize_path(rel);
    }
    crate::project::normalize_path(&format!("{dir}/{rel}"))
}

/// The path of `target` relative to `base` (Go's `filepath.Rel`, lexically); both absolute or
/// both relative to the same folder. `None` when it cannot be expressed.
pub fn relative_to(base: &str, target: &str) -> Option<String> {
    let base = crate::project::normalize_path(base);
    let target = crate::project::normalize_path(target);
    if base.starts_with('/') != target.starts_with('/') {
        return None;
    }
    let split = |p: &str| -> Vec<String> { p.split('/').filter(|s| !s.is_empty() && *s != ".").map(str::to_string).collect() };
    let b = split(&base);
    let t = split(&target);
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    if b.get(common..).is_some_and(|rest| rest.iter().any(|s| s == "..")) {
        return None;
    }
    let mut parts: Vec<String> = vec!["..".to_string(); b.len().saturating_sub(common)];
    parts.extend(t.get(common..).unwrap_or(&[]).iter().cloned());
    if parts.is_empty() {
        Some(".".into())
    } else {
        Some(parts.join("/"))
    }
}

/// A path that starts with `~`, with the home folder in its place: compose joins the home folder
/// and whatever follows the `~` (`~/x` and `~x` are both `$HOME/x`, `~~/x` is `$HOME/~/x`).
pub fn expand_home(path: &str, home: Option<&str>) -> String {
    match (path.strip_prefix('~'), home) {
        (Some(rest), Some(home)) => join_clean(home, rest.trim_start_matches('/')),
        _ => path.to_string(),
    }
}

/// Build contexts compose leaves alone: URLs, `service:` references, git remotes.
pub fn is_remote_context(s: &str) -> bool {
    s.contains("://")
        || s.starts_with("service:")
        || ["https://", "http://", "git://", "ssh://", "github.com/", "git@"].iter().any(|p| s.starts_with(p))
}

/// A git or OCI reference (an `include` or `extends` compose would download).
pub fn is_remote_resource(s: &str) -> bool {
    ["oci://", "git@", "git://", "http://", "https://", "ssh://"].iter().any(|p| s.starts_with(p))
}

/// Rewrites the relative paths of a file's tree as seen from the project folder, for a file in
/// the folder `prefix` (relative to the project folder, or absolute). Spans are kept, so
/// findings still point at what was written.
pub fn rebase(root: &mut Node, prefix: &str) {
    if prefix.is_empty() || prefix == "." {
        return;
    }
    let Some(top) = root.as_map_mut() else { return };
    for (section, node) in &mut top.entries {
        match section.name.as_str() {
            "services" => {
                if let Some(services) = node.as_map_mut() {
                    for (_, service) in &mut services.entries {
                        rebase_service(service, prefix);
                    }
                }
            }
            "configs" | "secrets" => {
                if let Some(m) = node.as_map_mut() {
                    for (_, obj) in &mut m.entries {
                        if let Some(file) = obj.as_map_mut().and_then(|o| o.get_mut("file")) {
                            rebase_scalar(file, prefix, false);
                        }
                    }
                }
            }
            "volumes" => {
                if let Some(m) = node.as_map_mut() {
                    for (_, vol) in &mut m.entries {
                        rebase_volume_device(vol, prefix);
                    }
                }
            }
            _ => {}
        }
    }
}

fn rebase_scalar(node: &mut Node, prefix: &str, context: bool) {
    if let Value::String(s) = &mut node.value {
        if s.is_empty() || s.starts_with('/') || s.starts_with('~') || (context && is_remote_context(s)) {
            return;
        }
        *s = join_clean(prefix, s);
    }
}

fn rebase_list(node: &mut Node, prefix: &str) {
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| rebase_scalar(i, prefix, false)),
        Value::String(_) => rebase_scalar(node, prefix, false),
        _ => {}
    }
}

/// `KEY=path` list items or `KEY: path` mapping values.
fn rebase_key_values(node: &mut Node, prefix: &str, context: bool) {
    match &mut node.value {
        Value::Map(m) => {
            for (_, v) in &mut m.entries {
                rebase_scalar(v, prefix, context);
            }
        }
        Value::Seq(items) => {
            for item in items {
                if let Value::String(s) = &mut item.value {
                    if let Some((k, v)) = s.split_once('=') {
                        if !(v.is_empty() || v.starts_with('/') || v.starts_with('~') || (context && is_remote_context(v))) {
                            *s = format!("{k}={}", join_clean(prefix, v));
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn rebase_service(service: &mut Node, prefix: &str) {
    let Some(s) = service.as_map_mut() else { return };
    for (key, node) in &mut s.entries {
        match key.name.as_str() {
            "build" => match &mut node.value {
                Value::String(_) => rebase_scalar(node, prefix, true),
                Value::Map(b) => {
                    for (bk, bv) in &mut b.entries {
                        match bk.name.as_str() {
                            "context" => rebase_scalar(bv, prefix, true),
                            "additional_contexts" => rebase_key_values(bv, prefix, true),
                            "ssh" => rebase_key_values(bv, prefix, false),
                            _ => {}
                        }
                    }
                }
                _ => {}
            },
            "env_file" => match &mut node.value {
                Value::Seq(items) => {
                    for item in items {
                        match &mut item.value {
                            Value::Map(m) => {
                                if let Some(p) = m.get_mut("path") {
                                    rebase_scalar(p, prefix, false);
                                }
                            }
                            _ => rebase_scalar(item, prefix, false),
                        }
                    }
                }
                _ => rebase_scalar(node, prefix, false),
            },
            "label_file" => rebase_list(node, prefix),
            "extends" => {
                if let Some(file) = node.as_map_mut().and_then(|m| m.get_mut("file")) {
                    if file.as_str().is_some_and(|f| !is_remote_resource(f)) {
                        rebase_scalar(file, prefix, false);
                    }
                }
            }
            "develop" => {
                let watch = node.as_map_mut().and_then(|d| d.get_mut("watch")).and_then(|w| match &mut w.value {
                    Value::Seq(items) => Some(items),
                    _ => None,
                });
                for rule in watch.into_iter().flatten() {
                    if let Some(p) = rule.as_map_mut().and_then(|r| r.get_mut("path")) {
                        rebase_scalar(p, prefix, false);
                    }
                }
            }
            "volumes" => {
                if let Value::Seq(items) = &mut node.value {
                    for item in items {
                        rebase_mount(item, prefix);
                    }
                }
            }
            _ => {}
        }
    }
}

fn rebase_mount(item: &mut Node, prefix: &str) {
    match &mut item.value {
        Value::String(spec) => {
            let Some(source) = short_bind_source(spec) else { return };
            if source.starts_with('/') || source.starts_with('~') || source.starts_with("\\\\") || source.get(1..2) == Some(":") {
                return;
            }
            if let Some(rest) = spec.strip_prefix(source.as_str()) {
                // keep it recognisably a host path (not a volume name)
                let joined = join_clean(prefix, &source);
                let joined = if joined.starts_with(['.', '/', '~']) { joined } else { format!("./{joined}") };
                *spec = format!("{joined}{rest}");
            }
        }
        Value::Map(m) if m.get("type").and_then(Node::as_str) == Some("bind") => {
            if let Some(src) = m.get_mut("source") {
                rebase_scalar(src, prefix, false);
            }
        }
        _ => {}
    }
}

fn rebase_volume_device(vol: &mut Node, prefix: &str) {
    let Some(v) = vol.as_map_mut() else { return };
    if v.get("driver").and_then(Node::as_str).is_some_and(|d| d != "local") || v.get("driver").is_none() {
        return;
    }
    let Some(opts) = v.get_mut("driver_opts").and_then(Node::as_map_mut) else { return };
    if opts.get("o").and_then(Node::as_str) != Some("bind") {
        return;
    }
    if let Some(dev) = opts.get_mut("device") {
        rebase_scalar(dev, prefix, false);
    }
}

/// Go's `path.Clean` for a container path (an empty one stays empty).
pub fn clean_target(t: &str) -> String {
    if t.is_empty() {
        return String::new();
    }
    crate::project::normalize_path(t)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn relative_folders() {
        assert_eq!(relative_to("/a/b", "/a/b/c").as_deref(), Some("c"));
        assert_eq!(relative_to("/a/b", "/a/x").as_deref(), Some("../x"));
        assert_eq!(relative_to("/a/b", "/a/b").as_deref(), Some("."));
        assert_eq!(relative_to("a", "a/b").as_deref(), Some("b"));
        assert_eq!(join_clean("dir", "./x"), "dir/x");
        assert_eq!(join_clean("dir", "../x"), "x");
        assert_eq!(join_clean("/p", "."), "/p");
        assert_eq!(expand_home("~/x", Some("/home/u")), "/home/u/x");
        assert_eq!(expand_home("~x", Some("/home/u")), "/home/u/x");
        assert_eq!(expand_home("~user/x", Some("/home/u")), "/home/u/user/x");
        assert_eq!(expand_home("~~/x", Some("/home/u")), "/home/u/~/x");
        assert_eq!(expand_home("~.", Some("/home/u")), "/home/u");
        assert_eq!(expand_home("~", Some("/home/u")), "/home/u");
        assert_eq!(expand_home("~x", None), "~x");
    }

    #[test]
    fn rebase_rewrites_paths_and_keeps_others() {
        let text = "services:\n  a:\n    build: ./ctx\n    env_file: [a.env, {path: b.env}]\n    volumes: ['./data:/data', 'named:/x', '/abs:/y']\n    extends: {file: other.yaml, service: b}\nsecrets:\n  s: {file: ./s.txt}\n";
        let mut root = crate::yaml::parse(text, crate::span::FileId(0), &crate::yaml::Limits::default()).roots.remove(0);
        rebase(&mut root, "dir");
        let svc = root.as_map().unwrap().get("services").unwrap().as_map().unwrap().get("a").unwrap().as_map().unwrap();
        assert_eq!(svc.get("build").unwrap().as_str(), Some("dir/ctx"));
        let vols: Vec<&str> = svc.get("volumes").unwrap().as_seq().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(vols, ["./dir/data:/data", "named:/x", "/abs:/y"]);
        let ext = svc.get("extends").unwrap().as_map().unwrap().get("file").unwrap();
        assert_eq!(ext.as_str(), Some("dir/other.yaml"));
    }
}
