use super::util::find_after;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports a port published on a host port below 1024.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are privileged on the host: only root may bind them, and clients and
    /// firewall policies often trust them as "system services". Publishing a container there
    /// takes a port the host may need (`22`, `25`, `53`) and makes an ordinary service look like
    /// a system one.
    ///
    /// Off by default: the risk the benchmarks cite is small (docker binds the port itself, the
    /// container needs no extra capability), and reverse proxies publish `80` and `443` by
    /// design. Select it where host ports are allocated by policy (CIS Docker 5.8).
    ///
    /// The ports of a service on the host's network or on another container's (`network_mode`
    /// `host`, `service:…`, `container:…`) are not reported: none of them is published
    /// (`ports-with-network-mode` reports them).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "127.0.0.1:80:8080"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "127.0.0.1:8080:8080"
    /// ```
    pub struct PrivilegedHostPort => {
        name: "privileged-host-port",
        code: "CG232",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: false,
        sources: ["KICS bc2908f3", "CIS Docker 5.8"],
    }
}

impl Rule for PrivilegedHostPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if crate::rules::correctness::util::publishes_no_ports(service) {
                continue;
            }
            // one finding per written entry (a range's ports are one)
            let mut seen: Vec<(Span, Option<Span>)> = Vec::new();
            for (i, port) in service.ports.iter().enumerate() {
                let Some(published) = port.value.published.as_deref() else { continue };
                let first = published.split('-').next().unwrap_or(published).trim();
                let Ok(number) = first.parse::<u32>() else { continue };
                if number == 0 || number >= 1024 || seen.contains(&port.entry()) {
                    continue;
                }
                seen.push(port.entry());
                let span = if port.anchor.is_some() {
                    port.span
                } else if port.value.short {
                    find_host_port(cx, port.span, published)
                } else {
                    find_after(cx, port.span, "published", published)
                };
                out.report(span, format!("service `{svc}` publishes host port `{published}`, below 1024"))
                    .path(format!("services.{svc}.ports[{i}]"))
                    .service(svc)
                    .anchor(port.anchor)
                    .help("publish on a host port from 1024 up, and put a load balancer in front if clients need the standard port");
            }
        }
    }
}

/// The host port in a short-syntax entry: the part before the last `:` (the container port).
fn find_host_port(cx: &Context<'_>, span: Span, published: &str) -> Span {
    let text = cx.text(span);
    let host_part_end = text.rfind(':').unwrap_or(text.len());
    let head = text.get(..host_part_end).unwrap_or("");
    match head.rfind(published) {
        Some(pos) => span.sub(pos, published.len()),
        None => find_in(cx, span, published),
    }
}
