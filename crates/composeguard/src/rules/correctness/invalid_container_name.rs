use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a `container_name` that docker compose accepts but the Docker engine refuses: a
    /// name must be letters, digits, `_`, `.` and `-`, starting with a letter or digit (an
    /// optional leading `/` aside), and at least two characters long.
    ///
    /// compose checks the name against the same pattern, but anywhere in the name rather than
    /// the whole of it: `web server`, `-db` and `api:v2` pass `docker compose config`. A name
    /// with a variable is left alone: the environment decides it.
    ///
    /// ## Why is this bad?
    /// `docker compose up` fails when it creates the container: "Invalid container name (web
    /// server), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     container_name: web server
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     container_name: web-server
    /// ```
    pub struct InvalidContainerName => {
        name: "invalid-container-name",
        code: "CG124",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["dclint service-container-name-regex", "Docker Engine container names"],
    }
}

impl Rule for InvalidContainerName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(cn) = &service.container_name else { continue };
            // compose's own check (the spec) reports a name with no valid pair at all
            if is_written_with_variable(cx, cn) || !compose_accepts(&cn.value) || engine_accepts(&cn.value) {
                continue;
            }
            let n = &name.value;
            let suggestion = suggest(&cn.value);
            let help = match suggestion {
                Some(s) => format!("use letters, digits, `_`, `.` and `-`, starting with a letter or digit: `{s}`"),
                None => "use letters, digits, `_`, `.` and `-`, starting with a letter or digit".to_string(),
            };
            out.report(cn.span, format!("container name `{}` of service `{n}` is refused by the engine at `up`", cn.value))
                .path(format!("services.{n}.container_name"))
                .service(n)
                .anchor(cn.anchor)
                .help(help);
        }
    }
}

fn first_char(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn next_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// compose's pattern, `[a-zA-Z0-9][a-zA-Z0-9_.-]+`, found anywhere in the name.
fn compose_accepts(name: &str) -> bool {
    name.as_bytes().windows(2).any(|w| matches!(*w, [a, b] if first_char(a) && next_char(b)))
}

/// The engine's: `^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$`.
fn engine_accepts(name: &str) -> bool {
    let b = name.strip_prefix('/').unwrap_or(name).as_bytes();
    b.split_first().is_some_and(|(&first, rest)| !rest.is_empty() && first_char(first) && rest.iter().all(|&c| next_char(c)))
}

/// The name with each refused character made a `-`, and what comes before the first letter or
/// digit dropped, when that gives a name the engine accepts.
fn suggest(name: &str) -> Option<String> {
    let mapped: String = name.chars().map(|c| if c.is_ascii() && next_char(c as u8) { c } else { '-' }).collect();
    let trimmed = mapped.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    engine_accepts(trimmed).then(|| trimmed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["db", "/db", "Web_1.x-y", "a-"] {
            assert!(engine_accepts(ok), "{ok}");
        }
        for (bad, compose) in [("web server", true), ("-db", true), ("api:v2", true), ("_x", false), ("a", false), ("é", false)] {
            assert!(!engine_accepts(bad), "{bad}");
            assert_eq!(compose_accepts(bad), compose, "{bad}");
        }
        assert_eq!(suggest("web server").as_deref(), Some("web-server"));
        assert_eq!(suggest("-db").as_deref(), Some("db"));
        assert_eq!(suggest("--").as_deref(), None);
    }
}
