use super::util::find_after;
use crate::rules::prelude::*;
use crate::rules::util::{find_in, has_variable};
use composeguard_model::interpolate::substitute;
use composeguard_model::model::Port;

declare_rule! {
    /// ## What it does
    /// Reports a published port bound to every host interface: no host IP (`"8080:80"`, `"80"`,
    /// or the long syntax without `host_ip`), `0.0.0.0`, `::` or `[::]`.
    ///
    /// ## Why is this bad?
    /// Docker publishes such a port on every address of the host, public ones included, and
    /// inserts its own firewall rules ahead of the host's: `ufw` and `firewalld` rules do not
    /// protect it. Databases, caches and admin interfaces published this way for "local" use are
    /// a classic source of breaches. Bind each port to the interface that needs it
    /// (`127.0.0.1` for local access, a private address for a load balancer), and leave
    /// internal services unpublished: services reach each other on the compose network without
    /// `ports`.
    ///
    /// `expose` only documents a port and publishes nothing, so it is not reported; nor are the
    /// ports of a service on `network_mode: host` (compose ignores them; `host-network-namespace`
    /// reports the service) or on another container's network (`service:…`, `container:…`: the
    /// engine refuses them, and `ports-with-network-mode` reports them), nor a host IP written as a
    /// variable without a default (`"${BIND_IP}:8080:80"`), which the environment gives
    /// (`unset-variable` reports it when unset; `${BIND_IP:-}` is the file's choice, and is
    /// reported). A service that must be public (the edge reverse proxy) is a case for a waiver.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ports:
    ///       - "5432:5432"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     ports:
    ///       - "127.0.0.1:5432:5432"
    /// ```
    pub struct PortAllInterfaces => {
        name: "port-all-interfaces",
        code: "CG231",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0005", "dclint no-unbound-port-interfaces", "KICS 451d79dc", "CIS Docker 5.14"],
    }
}

impl Rule for PortAllInterfaces {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if crate::rules::correctness::util::publishes_no_ports(service) {
                continue;
            }
            // one finding per entry, also for a range: each entry's first and last port (a scan
            // per port made 20 000 ports take a fifth of a second)
            let mut ends: composeguard_model::HashMap<(Span, Option<Span>), (usize, usize)> = composeguard_model::HashMap::default();
            for (i, q) in service.ports.iter().enumerate() {
                ends.entry(q.entry()).and_modify(|(_, last)| *last = i).or_insert((i, i));
            }
            for (i, port) in service.ports.iter().enumerate() {
                let Some(&(first, last)) = ends.get(&port.entry()) else { continue };
                if first != i {
                    continue;
                }
                let p = &port.value;
                let ip = p.host_ip.as_deref().map_or("", str::trim);
                if !matches!(ip, "" | "0.0.0.0" | "::" | "[::]") || (ip.is_empty() && host_ip_from_environment(cx, port)) {
                    continue;
                }
                let span = port_span(cx, port, ip);
                // a short-syntax range gives one port per number, all at the same place
                let last = service.ports.get(last).map_or(p, |q| &q.value);
                let which = match (p.published.as_deref(), last.published.as_deref()) {
                    (Some(first), Some(end)) if first != end => format!("ports `{first}-{end}`"),
                    (Some(published), _) => format!("port `{published}`"),
                    (None, _) if last.target != p.target => format!("container ports `{}-{}` on random host ports", p.target, last.target),
                    (None, _) => format!("container port `{}` on a random host port", p.target),
                };
                let how = if ip.is_empty() { "on all interfaces (no host IP)".to_string() } else { format!("on all interfaces (`{ip}`)") };
                out.report(span, format!("service `{svc}` publishes {which} {how}"))
                    .path(format!("services.{svc}.ports[{i}]"))
                    .service(svc)
                    .anchor(port.anchor)
                    .help("bind the port to one interface (`127.0.0.1:HOST:CONTAINER`, or `host_ip` in the long syntax), or do not publish it");
            }
        }
    }
}

/// Whether the host IP is a variable without a default that the environment leaves unset
/// (`"${BIND_IP}:8080:80"`, `host_ip: ${BIND_IP}`): the environment picks the interface, and
/// `unset-variable` reports the variable. An empty default (`${BIND_IP:-}`) is the file's choice.
fn host_ip_from_environment(cx: &Context<'_>, port: &Spanned<Port>) -> bool {
    const MARK: &str = "\u{1}";
    let raw = cx.text(port.anchor.unwrap_or(port.span));
    if !has_variable(raw) {
        return false;
    }
    let Ok(unset) = substitute(raw, &|_: &str| None).map(|s| s.unset) else { return false };
    let marked = |name: &str| unset.iter().any(|u| u == name).then(|| MARK.to_string());
    let Ok(text) = substitute(raw, &marked).map(|s| s.value) else { return false };
    if port.value.short {
        // `HOST_IP:PUBLISHED:TARGET`: three parts, the first the host IP
        let parts: Vec<&str> = text.trim().trim_matches(['"', '\'']).split(':').collect();
        parts.len() >= 3 && parts.first().is_some_and(|p| p.contains(MARK))
    } else {
        text.lines().any(|l| l.trim_start().starts_with("host_ip:") && l.contains(MARK))
    }
}

/// The host IP when written, else the published port in the long syntax, else the entry.
fn port_span(cx: &Context<'_>, port: &Spanned<Port>, ip: &str) -> Span {
    if port.anchor.is_some() {
        return port.span;
    }
    if !ip.is_empty() {
        let bracketed = format!("[{ip}]");
        let text = cx.text(port.span);
        let needle = if text.contains(&bracketed) { bracketed.as_str() } else { ip };
        return find_in(cx, port.span, needle);
    }
    match (&port.value.published, port.value.short) {
        (Some(published), false) => find_after(cx, port.span, "published", published),
        _ => port.span,
    }
}
