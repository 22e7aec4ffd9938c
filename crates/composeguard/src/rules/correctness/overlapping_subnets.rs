use crate::rules::correctness::util::{used_networks, Cidr};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports two subnets of the project's networks that overlap.
    ///
    /// Subnets of one network and of different networks are compared (`10.0.0.0/16` and
    /// `10.0.5.0/24` overlap). Only networks compose creates (used by an active service, not
    /// external, default IPAM driver) count; IPv6 subnets only where `enable_ipv6: true`.
    ///
    /// ## Why is this bad?
    /// The engine allocates each subnet from one address space and refuses an overlapping one
    /// ("Pool overlaps with other one on this address space"), so `docker compose up` fails
    /// while creating the second network. Usually a subnet was copied and not changed.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [frontend, backend]
    /// networks:
    ///   frontend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.0/16
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.8.0/24
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [frontend, backend]
    /// networks:
    ///   frontend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.0/16
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.31.8.0/24
    /// ```
    pub struct OverlappingSubnets => {
        name: "overlapping-subnets",
        code: "CG118",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec networks ipam", "Docker Engine IPAM"],
    }
}

impl Rule for OverlappingSubnets {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let used = used_networks(cx);
        let mut seen: Vec<(&str, Cidr, Span)> = Vec::new();
        for (name, network) in &cx.compose().networks {
            let Some(network) = network else { continue };
            let external = network.external.as_ref().is_some_and(|e| e.value.external);
            let Some(ipam) = &network.ipam else { continue };
            let custom_driver = ipam.driver.as_ref().is_some_and(|d| d.value != "default");
            if external || custom_driver || !used.contains(name.value.as_str()) {
                continue;
            }
            let ipv6 = network.enable_ipv6.as_ref().is_some_and(|e| e.value);
            for (i, cfg) in ipam.config.iter().enumerate() {
                let Some(text) = &cfg.subnet else { continue };
                let Some(subnet) = Cidr::parse(&text.value).map(Cidr::masked) else { continue };
                if subnet.addr.is_ipv6() && !ipv6 {
                    continue;
                }
                if let Some((other, first, first_span)) = seen.iter().find(|(_, c, _)| c.overlaps(subnet)) {
                    let whose = if *other == name.value {
                        ", another subnet of the same network".to_string()
                    } else {
                        format!(" of network `{other}`")
                    };
                    out.report(text.span, format!("the subnet `{subnet}` of network `{}` overlaps `{first}`{whose}", name.value))
                        .path(format!("networks.{}.ipam.config[{i}].subnet", name.value))
                        .anchor(text.anchor)
                        .related(*first_span, "overlapping subnet configured here")
                        .help("give each network its own, non-overlapping subnet");
                }
                seen.push((name.value.as_str(), subnet, text.span));
            }
        }
    }
}
