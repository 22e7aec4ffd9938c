use std::net::IpAddr;

use crate::rules::correctness::util::{related_opt, Cidr};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a fixed `ipv4_address` or `ipv6_address` that the network cannot give.
    ///
    /// That is an address that is not of the key's family, an address on a network that declares no
    /// subnet of that family in `ipam.config` (the engine assigns fixed addresses only on subnets the
    /// user configures), or an address outside every such subnet. External networks and networks
    /// with a custom IPAM driver are left alone, since their subnets are not in the file.
    ///
    /// ## Why is this bad?
    /// compose accepts the file, but the engine refuses to connect the container ("user specified
    /// IP address is supported only when connecting to networks with user configured subnets",
    /// "no configured subnet or ip-range contain the IP address"), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   dns:
    ///     image: coredns/coredns:1.11.3
    ///     networks:
    ///       backend:
    ///         ipv4_address: 172.30.1.53
    /// networks:
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.0/24
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   dns:
    ///     image: coredns/coredns:1.11.3
    ///     networks:
    ///       backend:
    ///         ipv4_address: 172.30.0.53
    /// networks:
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.0/24
    /// ```
    pub struct InvalidStaticIp => {
        name: "invalid-static-ip",
        code: "CG110",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec networks ipv4_address", "Docker Engine IPAM"],
    }
}

impl Rule for InvalidStaticIp {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let compose = cx.compose();
        for (name, service) in cx.services() {
            for (net, attachment) in service.networks.iter() {
                let Some(attachment) = attachment else { continue };
                let network = compose.networks.get(net.value.as_str());
                for (key, v4, field) in
                    [("ipv4_address", true, &attachment.ipv4_address), ("ipv6_address", false, &attachment.ipv6_address)]
                {
                    let Some(addr) = field.as_ref().filter(|a| !a.value.is_empty()) else { continue };
                    let cx_path = format!("services.{}.networks.{}.{key}", name.value, net.value);
                    let family = if v4 { "IPv4" } else { "IPv6" };
                    let parsed: Option<IpAddr> = addr.value.parse().ok().filter(|ip: &IpAddr| ip.is_ipv4() == v4);
                    let Some(ip) = parsed else {
                        out.report(
                            addr.span,
                            format!(
                                "the `{key}` of service `{}` on network `{}` is not an {family} address: `{}`",
                                name.value, net.value, addr.value
                            ),
                        )
                        .path(cx_path)
                        .service(&name.value)
                        .anchor(addr.anchor)
                        .help(format!("write an {family} address inside the subnet of network `{}`", net.value));
                        continue;
                    };
                    let network = match network {
                        Some(Some(n)) => Some(n),
                        // declared without options, or the implicit `default` network
                        Some(None) => None,
                        None if net.value == "default" => None,
                        // not declared in this file: the spec checks report it, and the
                        // subnet may come from another file of the stack
                        None => continue,
                    };
                    if network.is_some_and(|n| {
                        n.external.as_ref().is_some_and(|e| e.value.external)
                            || n.ipam.as_ref().and_then(|i| i.driver.as_ref()).is_some_and(|d| d.value != "default")
                    }) {
                        continue;
                    }
                    let configs = network.and_then(|n| n.ipam.as_ref()).map(|i| i.config.as_slice()).unwrap_or_default();
                    let subnets: Vec<(Cidr, Span)> = configs
                        .iter()
                        .filter_map(|c| c.subnet.as_ref())
                        .filter_map(|s| Cidr::parse(&s.value).map(|c| (c, s.span)))
                        .filter(|(c, _)| c.addr.is_ipv4() == v4)
                        .collect();
                    if configs.iter().filter_map(|c| c.subnet.as_ref()).any(|s| Cidr::parse(&s.value).is_none()) {
                        // an unreadable subnet is `invalid-ipam-config`'s finding
                        continue;
                    }
                    if subnets.is_empty() {
                        let f = out
                            .report(addr.span, format!(
                                "service `{}` asks for the fixed address `{ip}` on network `{}`, which configures no {family} subnet",
                                name.value, net.value
                            ))
                            .path(cx_path)
                            .service(&name.value)
                            .anchor(addr.anchor)
                            .help(format!("add `ipam: config: [{{subnet: ...}}]` with an {family} subnet to network `{}`", net.value));
                        related_opt(f, top_level_span(compose, &net.value), "network declared here");
                    } else if !subnets.iter().any(|(c, _)| c.contains(ip)) {
                        let list: Vec<String> = subnets.iter().map(|(c, _)| format!("`{c}`")).collect();
                        let f = out
                            .report(
                                addr.span,
                                format!(
                                    "the address `{ip}` of service `{}` is outside the subnet of network `{}` ({})",
                                    name.value,
                                    net.value,
                                    list.join(", ")
                                ),
                            )
                            .path(cx_path)
                            .service(&name.value)
                            .anchor(addr.anchor)
                            .help("pick an address inside the subnet, or widen the subnet");
                        related_opt(f, subnets.first().map(|(_, s)| *s), "subnet configured here");
                    }
                }
            }
        }
    }
}

fn top_level_span(compose: &Compose, network: &str) -> Option<Span> {
    compose.networks.get_key_value(network).map(|(k, _)| k.span)
}
