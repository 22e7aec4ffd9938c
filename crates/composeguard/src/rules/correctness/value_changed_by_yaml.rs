use composeguard_model::HashSet;

use crate::rules::prelude::*;
use composeguard_model::yaml::{Key, Mapping, Style};

declare_rule! {
    /// ## What it does
    /// Reports an unquoted value in a mapping of text (`environment`, `labels`, build `args`,
    /// `sysctls`, logging and driver options, `annotations`) that YAML reads as something other
    /// than what is written (`UMASK: 022` becomes `18`), so the text compose passes on differs
    /// from the file.
    ///
    /// The values:
    /// - a number whose text changes: `0022` (octal) becomes `18`, `0o755` becomes `493`,
    ///   `1.10` becomes `1.1`, `1e3` becomes `1000`, `0x1F` becomes `31`, `+5` becomes `5`;
    /// - a value that starts with `#` right after the key (`COLOR: #ff0000`): YAML reads it as a
    ///   comment, so the value is empty.
    ///
    /// The fix quotes the value as written. A boolean in another case (`True`, which becomes
    /// `true`) is left alone: programs that read booleans from text rarely mind the case.
    ///
    /// ## Why is this bad?
    /// Nothing fails: the container starts with `UMASK=18` or `VERSION=1.1`, and the bug shows
    /// up far from its cause. A value that became a comment leaves the variable unset.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     environment:
    ///       UMASK: 0022
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     environment:
    ///       UMASK: "0022"
    /// ```
    pub struct ValueChangedByYaml => {
        name: "value-changed-by-yaml",
        code: "CG132",
        category: Correctness,
        severity: Error,
        fixable: true,
        default_enabled: true,
        sources: ["YAML 1.1 and 1.2 scalar resolution", "compose-spec (environment)"],
    }
}

/// The mappings of text in a service, by path from the service.
const SERVICE_MAPS: &[&[&str]] = &[
    &["environment"],
    &["labels"],
    &["annotations"],
    &["sysctls"],
    &["build", "args"],
    &["build", "labels"],
    &["logging", "options"],
    &["deploy", "labels"],
];

/// The top-level sections whose entries have mappings of text.
const TOP_LEVEL_MAPS: &[(&str, &[&str])] =
    &[("networks", &["labels", "driver_opts"]), ("volumes", &["labels", "driver_opts"]), ("secrets", &["labels"]), ("configs", &["labels"])];

impl Rule for ValueChangedByYaml {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let Some(top) = cx.project.root.as_ref().and_then(Node::as_map) else { return };
        let active: HashSet<&str> = cx.services().map(|(name, _)| name.value.as_str()).collect();
        if let Some(services) = top.get("services").and_then(Node::as_map) {
            for (name, service) in services.iter() {
                let Some(service) = service.as_map().filter(|_| active.contains(name.name.as_str())) else { continue };
                for path in SERVICE_MAPS {
                    if let Some(map) = get_map(service, path) {
                        let at = format!("services.{}.{}", name.name, path.join("."));
                        check_map(cx, map, &at, Some(&name.name), out);
                    }
                }
            }
        }
        for (section, keys) in TOP_LEVEL_MAPS {
            let Some(entries) = top.get(section).and_then(Node::as_map) else { continue };
            for (name, entry) in entries.iter() {
                let Some(entry) = entry.as_map() else { continue };
                for key in *keys {
                    if let Some(map) = entry.get(key).and_then(Node::as_map) {
                        check_map(cx, map, &format!("{section}.{}.{key}", name.name), None, out);
                    }
                }
            }
        }
    }
}

fn get_map<'a>(mut map: &'a Mapping, path: &[&str]) -> Option<&'a Mapping> {
    for key in path {
        map = map.get(key)?.as_map()?;
    }
    Some(map)
}

fn check_map(cx: &Context<'_>, map: &Mapping, at: &str, service: Option<&str>, out: &mut Findings<'_>) {
    for (key, value) in map.iter() {
        // a value copied in by an alias or a merge is reported at its anchor's definition, once
        if value.anchor.is_some() || key.anchor.is_some() {
            continue;
        }
        let Some((at_span, message, fix)) = changed(cx, key, value) else { continue };
        let mut finding = out.report(at_span, message).path(format!("{at}.{}", key.name));
        if let Some(service) = service {
            finding = finding.service(service);
        }
        match fix {
            Some(quoted) => {
                let help = format!("quote it to keep it as written: `{quoted}`");
                finding.help(help).fix(Fix { description: "quote the value".into(), edits: vec![Edit::new(at_span, quoted)] });
            }
            None => {
                finding.help("quote the value, or write a space after `#` if it is meant as a comment");
            }
        }
    }
}

/// What YAML did to `value` (written under `key`): where to report it, the message, and the
/// quoted text that keeps it as written.
fn changed(cx: &Context<'_>, key: &Key, value: &Node) -> Option<(Span, String, Option<String>)> {
    let (span, key) = (key.span, key.name.as_str());
    if value.style != Style::Plain {
        return None;
    }
    match &value.value {
        Value::Int(_) | Value::UInt(_) | Value::Float(_) => {
            let written = cx.text(value.span);
            let read = value.scalar_to_string()?;
            if written.is_empty() || written == read || written.contains(['$', '"', '\\', '\n']) {
                return None;
            }
            Some((value.span, format!("YAML reads `{written}` as a number: `{key}` is set to `{read}`, not `{written}`"), Some(format!("\"{written}\""))))
        }
        Value::Null => {
            let (at, comment) = comment_after(cx, span)?;
            let quoted = (!comment.contains(['"', '\\'])).then(|| format!("\"{comment}\""));
            Some((at, format!("`{comment}` is a comment to YAML, so `{key}` has no value"), quoted))
        }
        _ => None,
    }
}

/// The comment that follows a key whose value is empty, when it looks like a value: `#` right
/// after the key's `:` and followed by a character that is not a blank (`#ff0000`, `#general`).
fn comment_after<'a>(cx: &Context<'a>, key: Span) -> Option<(Span, &'a str)> {
    let source = cx.sources().get(key.file)?;
    let rest = source.text.get(key.end as usize..)?;
    let line = rest.split(['\n', '\r']).next()?;
    let value = line.trim_start_matches([' ', '\t']).strip_prefix(':')?;
    let blanks = value.len() - value.trim_start_matches([' ', '\t']).len();
    let comment = value[blanks..].trim_end();
    let looks_like_value = blanks > 0 && comment.strip_prefix('#').is_some_and(|c| c.starts_with(|ch: char| !ch.is_whitespace()));
    let offset = line.len() - value.len() + blanks;
    let start = key.end.saturating_add(u32::try_from(offset).ok()?);
    let end = start.saturating_add(u32::try_from(comment.len()).ok()?);
    looks_like_value.then_some((Span::new(key.file, start, end), comment))
}
