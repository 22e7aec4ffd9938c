use composeguard_model::HashMap;
use std::net::IpAddr;

use crate::rules::correctness::util::{child_span, replicas, runs_containers};
use crate::rules::prelude::*;
use crate::rules::util::{find_in, is_interpolated, written_for_swarm};

declare_rule! {
    /// ## What it does
    /// Reports a host port that more than one container would publish.
    ///
    /// That is the same host port and protocol published twice on overlapping interfaces, in one
    /// service or across services, or a fixed host port on a service that runs several replicas.
    ///
    /// Interfaces overlap when they are equal, when one side has no host IP (all interfaces), or
    /// when one side is `0.0.0.0` (all IPv4) and the other an IPv4 address (`::` likewise for
    /// IPv6). `127.0.0.1:8080` and `127.0.0.2:8080` do not conflict, nor do `8080/tcp` and
    /// `8080/udp`. Ports written with a variable (`${WEB_PORT:-8080}:80`), host port ranges
    /// (`8000-8010:80`, where the engine picks a free one), services on the host network, and
    /// identical entries of one service (compose merges them) are left out. When no profile is
    /// chosen, every service is checked, but services of different profiles (a `dev` and a
    /// `prod` variant of one service) are alternatives and are not compared with each other.
    ///
    /// Replicas are not reported in a file written for `docker stack deploy`, one where a service
    /// sets `deploy.placement`, `update_config`, `rollback_config`, `endpoint_mode` or `labels`,
    /// which only swarm reads, or that creates an overlay network that is not `attachable`: there
    /// the routing mesh publishes the port once for all the replicas. Two services publishing one
    /// port are still reported, as swarm refuses them too.
    ///
    /// ## Why is this bad?
    /// Only one container can bind a host port on an interface. compose accepts the file, but
    /// `docker compose up` fails for the second container with "port is already allocated" or
    /// "address already in use".
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "8080:80"
    ///   admin:
    ///     image: ghcr.io/acme/admin:3.1.0
    ///     ports:
    ///       - "8080:3000"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     ports:
    ///       - "8080:80"
    ///   admin:
    ///     image: ghcr.io/acme/admin:3.1.0
    ///     ports:
    ///       - "8081:3000"
    /// ```
    pub struct DuplicatePublishedPort => {
        name: "duplicate-published-port",
        code: "CG105",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["dclint no-duplicate-exported-ports", "compose-spec ports"],
    }
}

/// The interfaces a binding listens on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Interface {
    /// No host IP: every interface, IPv4 and IPv6.
    All,
    AllV4,
    AllV6,
    Ip(IpAddr),
}

impl Interface {
    fn parse(host_ip: Option<&str>) -> Option<Self> {
        let ip = host_ip.unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        if ip.is_empty() {
            return Some(Self::All);
        }
        let addr: IpAddr = ip.parse().ok()?;
        Some(match addr {
            IpAddr::V4(v4) if v4.is_unspecified() => Self::AllV4,
            IpAddr::V6(v6) if v6.is_unspecified() => Self::AllV6,
            other => Self::Ip(other),
        })
    }

    fn overlaps(self, other: Self) -> bool {
        match (self, other) {
            (Self::All, _) | (_, Self::All) | (Self::AllV4, Self::AllV4) | (Self::AllV6, Self::AllV6) => true,
            (Self::AllV4, Self::Ip(ip)) | (Self::Ip(ip), Self::AllV4) => ip.is_ipv4(),
            (Self::AllV6, Self::Ip(ip)) | (Self::Ip(ip), Self::AllV6) => ip.is_ipv6(),
            (Self::Ip(a), Self::Ip(b)) => a == b,
            (Self::AllV4, Self::AllV6) | (Self::AllV6, Self::AllV4) => false,
        }
    }
}

/// One fixed host port binding.
struct Binding<'a> {
    service: &'a str,
    /// The service's settings (its profiles).
    settings: &'a Service,
    port: &'a Spanned<Port>,
    index: usize,
    number: u32,
    protocol: String,
    interface: Interface,
}

impl Rule for DuplicatePublishedPort {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // every binding so far, in order, and where each host port number and protocol is
        // (a file with thousands of services would otherwise compare every pair)
        let mut seen: Vec<Binding<'_>> = Vec::new();
        let mut by_port: HashMap<(u32, String), Vec<usize>> = HashMap::default();
        let for_swarm = written_for_swarm(cx);
        for (name, service) in cx.services() {
            if !runs_containers(service)
                || service.network_mode.as_ref().is_some_and(|m| m.value == "host" || m.value.contains(':'))
            {
                continue;
            }
            let copies = replicas(service);
            let mut own: Vec<Binding<'_>> = Vec::new();
            // the service's own bindings by port number and protocol, as `by_port` holds the
            // earlier services' (a service with thousands of ports compared every pair)
            let mut own_by_port: HashMap<(u32, String), Vec<usize>> = HashMap::default();
            for (index, port) in item_indexes(&service.ports) {
                let Some(binding) = binding(cx, &name.value, service, port, index) else { continue };
                let key = (binding.number, binding.protocol.clone());
                let mine = || own_by_port.get(&key).into_iter().flatten().filter_map(|&i| own.get(i));
                // identical entries of one service are merged by compose
                if mine().any(|b| b.same_entry(&binding)) {
                    continue;
                }
                if copies > 1 {
                    if !for_swarm {
                        report_replicas(cx, out, &binding, copies);
                    }
                } else {
                    let earlier = by_port
                        .get(&key)
                        .into_iter()
                        .flatten()
                        .filter_map(|&i| seen.get(i))
                        .filter(|b| cx.run_together(b.settings, service));
                    if let Some(first) = earlier.chain(mine()).find(|b| b.clashes(&binding)) {
                        report(cx, out, &binding, first);
                    }
                }
                own_by_port.entry(key).or_default().push(own.len());
                own.push(binding);
            }
            for binding in own {
                by_port.entry((binding.number, binding.protocol.clone())).or_default().push(seen.len());
                seen.push(binding);
            }
        }
    }
}

impl Binding<'_> {
    /// The same mapping written twice (compose keeps one).
    fn same_entry(&self, other: &Binding<'_>) -> bool {
        self.number == other.number
            && self.protocol == other.protocol
            && self.interface == other.interface
            && self.port.value.target == other.port.value.target
    }

    fn clashes(&self, other: &Binding<'_>) -> bool {
        self.number == other.number && self.protocol == other.protocol && self.interface.overlaps(other.interface)
    }
}

/// Each port with the index of the list item it came from (a range gives several ports).
fn item_indexes(ports: &Ports) -> Vec<(usize, &Spanned<Port>)> {
    let mut out = Vec::with_capacity(ports.len());
    let mut index = 0;
    let mut last: Option<(Span, Option<Span>)> = None;
    for p in ports.iter() {
        if last.is_some_and(|l| l != p.entry()) {
            index += 1;
        }
        last = Some(p.entry());
        out.push((index, p));
    }
    out
}

fn binding<'a>(cx: &Context<'_>, service: &'a str, settings: &'a Service, port: &'a Spanned<Port>, index: usize) -> Option<Binding<'a>> {
    let published = port.value.published.as_deref()?;
    if published.contains('-') || is_interpolated(cx, port.span) {
        return None;
    }
    let number: u32 = published.parse().ok().filter(|n| *n > 0)?;
    let protocol = port.value.protocol.as_deref().unwrap_or("tcp").to_ascii_lowercase();
    let interface = Interface::parse(port.value.host_ip.as_deref())?;
    Some(Binding { service, settings, port, index, number, protocol, interface })
}

/// Where the host port is written: the `published` value of the long syntax, the number in the
/// short syntax.
fn published_span(cx: &Context<'_>, b: &Binding<'_>) -> Span {
    if b.port.value.short {
        let text = cx.text(b.port.span);
        let host_part = text.rfind(':').and_then(|i| text.get(..i)).unwrap_or("");
        let number = b.number.to_string();
        match host_part.rfind(number.as_str()) {
            Some(pos) => b.port.span.sub(pos, number.len()),
            None => find_in(cx, b.port.span, &number),
        }
    } else {
        child_span(cx, b.port.span, "published")
    }
}

fn describe(b: &Binding<'_>) -> String {
    match b.port.value.host_ip.as_deref().filter(|ip| !ip.is_empty()) {
        Some(ip) => format!("{ip}:{}/{}", b.number, b.protocol),
        None => format!("{}/{}", b.number, b.protocol),
    }
}

fn report(cx: &Context<'_>, out: &mut Findings<'_>, b: &Binding<'_>, first: &Binding<'_>) {
    let message = if first.service == b.service {
        format!("service `{}` publishes host port `{}` twice", b.service, describe(b))
    } else {
        format!("service `{}` publishes host port `{}`, already published by service `{}`", b.service, describe(b), first.service)
    };
    out.report(published_span(cx, b), message)
        .path(format!("services.{}.ports[{}]", b.service, b.index))
        .service(b.service)
        .anchor(b.port.anchor)
        .related(published_span(cx, first), format!("first published here (`{}`)", describe(first)))
        .help("publish a different host port, or bind each to a different host IP");
}

fn report_replicas(cx: &Context<'_>, out: &mut Findings<'_>, b: &Binding<'_>, copies: i64) {
    out.report(
        published_span(cx, b),
        format!("service `{}` runs {copies} replicas, but only one can publish host port `{}`", b.service, describe(b)),
    )
    .path(format!("services.{}.ports[{}]", b.service, b.index))
    .service(b.service)
    .anchor(b.port.anchor)
    .help("publish a host port range (`8080-8083:80`), or only the container port and let the engine choose");
}
