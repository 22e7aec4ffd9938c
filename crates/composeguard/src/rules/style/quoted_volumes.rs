use super::service_mappings;
use crate::rules::prelude::*;
use composeguard_model::yaml::{resolve_plain, Style};

declare_rule! {
    /// ## What it does
    /// Reports a volume in the short syntax written in quotes that it does not need.
    ///
    /// ## Why is this bad?
    /// Mount strings (`./data:/var/lib/data:ro`) are always strings to YAML, so quotes add
    /// noise, and a mix of quoted and unquoted entries makes a list harder to scan. Quotes that
    /// are needed (a value starting with `*`, containing `: ` or ` #`…) are not reported.
    ///
    /// The fix removes the quotes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     volumes:
    ///       - "db-data:/var/lib/postgresql/data"
    /// volumes:
    ///   db-data:
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     volumes:
    ///       - db-data:/var/lib/postgresql/data
    /// volumes:
    ///   db-data:
    /// ```
    pub struct QuotedVolumes => {
        name: "quoted-volumes",
        code: "CG604",
        category: Style,
        severity: Info,
        fixable: true,
        default_enabled: false,
        sources: ["dclint no-quotes-in-volumes"],
    }
}

/// Whether `s` reads back as the same string when written without quotes.
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    let risky_dash = matches!(first, '-' | '?' | ':') && s.chars().nth(1).is_some_and(|c| !c.is_whitespace());
    (!indicator || risky_dash)
        && s.trim() == s
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.contains(['\n', '\t', '\\'])
        && matches!(resolve_plain(s), Value::String(_))
}

impl Rule for QuotedVolumes {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (service, mapping) in service_mappings(cx) {
            let Some(list) = mapping.get("volumes") else { continue };
            let Some(volumes) = list.as_seq() else { continue };
            // inside `[…]` a plain scalar cannot hold `,`, brackets or braces (`${X:-a}`)
            let in_flow = list.style == Style::Flow;
            for (i, volume) in volumes.iter().enumerate() {
                if !matches!(volume.style, Style::SingleQuoted | Style::DoubleQuoted) || volume.anchor.is_some() {
                    continue;
                }
                let text = cx.text(volume.span);
                let Some(inner) = text.get(1..text.len().saturating_sub(1)).filter(|_| text.len() >= 2) else { continue };
                if !plain_safe(inner) || inner.contains(['\'', '"']) || (in_flow && inner.contains([',', '[', ']', '{', '}'])) {
                    continue;
                }
                out.report(volume.span, message(&service.name, inner))
                    .path(format!("services.{}.volumes[{i}]", service.name))
                    .service(&service.name)
                    .help(format!("write `{inner}`"))
                    .fix(Fix { description: "remove the quotes".into(), edits: vec![Edit::new(volume.span, inner)] });
            }
        }
    }
}

fn message(service: &str, volume: &str) -> String {
    format!("volume `{volume}` of service `{service}` is quoted without need")
}

#[cfg(test)]
mod tests {
    use super::plain_safe;

    #[test]
    fn plain_safety() {
        assert!(plain_safe("./data:/data:ro"));
        assert!(plain_safe("${DATA_DIR}:/data"));
        assert!(plain_safe("/var/run/docker.sock:/var/run/docker.sock"));
        assert!(!plain_safe("*data:/x"));
        assert!(!plain_safe("a: b"));
        assert!(!plain_safe("x #y"));
        assert!(!plain_safe("true"));
        assert!(!plain_safe("123"));
        assert!(!plain_safe(" x"));
        assert!(!plain_safe("- x"));
    }
}
