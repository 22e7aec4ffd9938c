use super::service_mappings;
use crate::rules::prelude::*;
use composeguard_model::yaml::Style;

declare_rule! {
    /// ## What it does
    /// Reports a port in the short syntax that is not written in quotes.
    ///
    /// ## Why is this bad?
    /// YAML 1.1 parsers read an unquoted `22:22` as the base-60 number 1342, and older tools
    /// (docker-compose v1, many editors' YAML plugins) still use YAML 1.1. Compose's own
    /// documentation writes ports in quotes. Quoting every port, even a bare `80`, keeps the
    /// list uniform and safe to copy between tools.
    ///
    /// The fix wraps the port in double quotes.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - 8080:80
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "8080:80"
    /// ```
    pub struct UnquotedPorts => {
        name: "unquoted-ports",
        code: "CG603",
        category: Style,
        severity: Info,
        fixable: true,
        default_enabled: false,
        sources: ["dclint require-quotes-in-ports", "compose-spec (ports)"],
    }
}

impl Rule for UnquotedPorts {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (service, mapping) in service_mappings(cx) {
            let Some(ports) = mapping.get("ports").and_then(Node::as_seq) else { continue };
            for (i, port) in ports.iter().enumerate() {
                if port.style != Style::Plain || port.anchor.is_some() || matches!(port.value, Value::Map(_) | Value::Seq(_) | Value::Null) {
                    continue;
                }
                let text = cx.text(port.span);
                if text.is_empty() {
                    continue;
                }
                let finding = out
                    .report(port.span, message(&service.name, text))
                    .path(format!("services.{}.ports[{i}]", service.name))
                    .service(&service.name)
                    .help(format!("write `\"{text}\"`"));
                if !text.contains(['"', '\\']) {
                    finding.fix(Fix { description: "quote the port".into(), edits: vec![Edit::new(port.span, format!("\"{text}\""))] });
                }
            }
        }
    }
}

fn message(service: &str, port: &str) -> String {
    format!("port `{port}` of service `{service}` is not quoted")
}
