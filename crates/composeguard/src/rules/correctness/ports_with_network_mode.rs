use crate::rules::correctness::util::service_key_span;
use crate::diagnostic::Severity;
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `ports` or `expose` on a service that has no network of its own.
    ///
    /// `ports` is reported with `network_mode` `host`, `service:<name>` or `container:<name>`;
    /// `expose` with `service:` or `container:`.
    ///
    /// ## Why is this bad?
    /// These services have no network of their own to publish from. With `network_mode: host`
    /// the engine discards the published ports with a warning (the service listens on the host
    /// directly, on whatever port the process opens): dead configuration that misleads the
    /// reader, reported as a warning. With `service:` or `container:`, the engine refuses to
    /// create the container ("conflicting options: port publishing and the container type
    /// network mode"), so `docker compose up` fails. The ports belong on the service that owns
    /// the network, for example the VPN container in a sidecar setup.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: qmcgaw/gluetun:v3.39.1
    ///     cap_add: [NET_ADMIN]
    ///   torrent:
    ///     image: lscr.io/linuxserver/qbittorrent:4.6.7
    ///     network_mode: service:vpn
    ///     ports:
    ///       - "8080:8080"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   vpn:
    ///     image: qmcgaw/gluetun:v3.39.1
    ///     cap_add: [NET_ADMIN]
    ///     ports:
    ///       - "8080:8080"
    ///   torrent:
    ///     image: lscr.io/linuxserver/qbittorrent:4.6.7
    ///     network_mode: service:vpn
    /// ```
    pub struct PortsWithNetworkMode => {
        name: "ports-with-network-mode",
        code: "CG120",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec network_mode", "Docker Engine network mode conflicts"],
    }
}

impl Rule for PortsWithNetworkMode {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(mode) = &service.network_mode else { continue };
            let n = &name.value;
            let shared = mode.value.starts_with("service:") || mode.value.starts_with("container:");
            let host = mode.value == "host";
            if !service.ports.is_empty() && (host || shared) {
                let span =
                    service_key_span(cx, n, &["ports"]).or_else(|| service.ports.first().map(|p| p.span)).unwrap_or(name.span);
                let (message, help) = if host {
                    (
                        format!("service `{n}` uses the host network, so the engine discards its `ports`"),
                        "remove `ports`: the service listens on the host directly".to_string(),
                    )
                } else {
                    (
                        format!(
                            "service `{n}` shares the network of `{}`, so the engine refuses its `ports`",
                            owner(&mode.value)
                        ),
                        format!("publish the ports on `{}` instead", owner(&mode.value)),
                    )
                };
                // on the host network the ports are dead configuration (the engine warns and
                // starts the container); with a shared network it refuses to create it
                let severity = if host { Severity::Warning } else { Severity::Error };
                out.report(span, message)
                    .path(format!("services.{n}.ports"))
                    .service(n)
                    .severity(severity)
                    .related(mode.anchor.unwrap_or(mode.span), "network mode set here")
                    .help(help);
            }
            if shared && !service.expose.is_empty() {
                let span =
                    service_key_span(cx, n, &["expose"]).or_else(|| service.expose.first().map(|e| e.span)).unwrap_or(name.span);
                out.report(
                    span,
                    format!("service `{n}` shares the network of `{}`, so the engine refuses its `expose`", owner(&mode.value)),
                )
                .path(format!("services.{n}.expose"))
                .service(n)
                .related(mode.anchor.unwrap_or(mode.span), "network mode set here")
                .help(format!("expose the ports on `{}` instead", owner(&mode.value)));
            }
        }
    }
}

/// The service or container whose network is shared.
fn owner(mode: &str) -> &str {
    mode.split_once(':').map_or(mode, |(_, name)| name)
}
