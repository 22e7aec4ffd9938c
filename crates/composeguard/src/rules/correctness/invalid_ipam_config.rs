use std::net::IpAddr;

use crate::rules::correctness::util::{used_networks, Cidr};
use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports an `ipam.config` entry that the engine refuses.
    ///
    /// That is a `subnet` that is not in CIDR notation or has host bits set (`10.0.0.1/24` instead
    /// of `10.0.0.0/24`), and an `ip_range`, `gateway` or `aux_addresses` entry that is not inside
    /// its subnet. As in the engine, IPv6 entries are checked only when the network sets
    /// `enable_ipv6: true`. External networks and networks no active service uses are left out.
    ///
    /// ## Why is this bad?
    /// compose accepts these values and passes them on; the engine rejects the network ("invalid
    /// subnet", "invalid gateway … parent subnet doesn't contain this address"), so
    /// `docker compose up` fails before any container starts.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [backend]
    /// networks:
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.1/24
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [backend]
    /// networks:
    ///   backend:
    ///     ipam:
    ///       config:
    ///         - subnet: 172.30.0.0/24
    ///           gateway: 172.30.0.1
    /// ```
    pub struct InvalidIpamConfig => {
        name: "invalid-ipam-config",
        code: "CG111",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec networks ipam", "Docker Engine ValidateIPAM"],
    }
}

impl Rule for InvalidIpamConfig {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let used = used_networks(cx);
        for (name, network) in &cx.compose().networks {
            let Some(network) = network else { continue };
            if !used.contains(name.value.as_str()) || network.external.as_ref().is_some_and(|e| e.value.external) {
                continue;
            }
            let Some(ipam) = &network.ipam else { continue };
            let ipv6 = network.enable_ipv6.as_ref().is_some_and(|e| e.value);
            for (i, cfg) in ipam.config.iter().enumerate() {
                let path = format!("networks.{}.ipam.config[{i}]", name.value);
                let mut check = Check { cx, out, network: &name.value, path: &path };
                check.entry(cfg, ipv6);
            }
        }
    }
}

struct Check<'a, 'b, 'c, 'd> {
    cx: &'c Context<'d>,
    out: &'a mut Findings<'b>,
    network: &'c str,
    path: &'c str,
}

impl Check<'_, '_, '_, '_> {
    fn report(&mut self, at: &Spanned<String>, key: &str, message: String, help: String) {
        // a variable that is unset (`subnet: ${DOCKER_SUBNET}`): `unset-variable` or
        // `missing-required-variable` reports the cause, and the value is the environment's
        if at.value.trim().is_empty() && is_written_with_variable(self.cx, at) {
            return;
        }
        self.out.report(at.span, message).path(format!("{}.{key}", self.path)).anchor(at.anchor).help(help);
    }

    fn entry(&mut self, cfg: &IpamConfig, ipv6: bool) {
        let Some(subnet_text) = &cfg.subnet else { return };
        let Some(subnet) = Cidr::parse(&subnet_text.value) else {
            let message = format!("the subnet `{}` of network `{}` is not in CIDR notation", subnet_text.value, self.network);
            self.report(subnet_text, "subnet", message, "write an address and a prefix length, such as `172.30.0.0/24`".into());
            return;
        };
        if subnet.addr.is_ipv6() && !ipv6 {
            return;
        }
        if subnet.masked() != subnet {
            let message = format!("the subnet `{subnet}` of network `{}` has host bits set", self.network);
            self.report(subnet_text, "subnet", message, format!("write `{}`", subnet.masked()));
        }
        if let Some(range) = &cfg.ip_range {
            self.ip_range(range, subnet);
        }
        if let Some(gw) = &cfg.gateway {
            self.address(gw, "gateway", "gateway", subnet);
        }
        for (aux, addr) in &cfg.aux_addresses {
            self.address(addr, &format!("aux_addresses.{aux}"), &format!("auxiliary address `{aux}`"), subnet);
        }
    }

    fn ip_range(&mut self, range: &Spanned<String>, subnet: Cidr) {
        let net = self.network.to_string();
        let Some(r) = Cidr::parse(&range.value) else {
            let message = format!("the ip_range `{}` of network `{net}` is not in CIDR notation", range.value);
            self.report(range, "ip_range", message, format!("write a block inside `{subnet}`"));
            return;
        };
        let problem = if r.addr.is_ipv4() != subnet.addr.is_ipv4() {
            Some("is not of the subnet's address family".to_string())
        } else if r.bits < subnet.bits {
            Some(format!("is larger than the subnet `{subnet}`"))
        } else if !subnet.overlaps(r) {
            Some(format!("is outside the subnet `{subnet}`"))
        } else if r.masked() != r {
            Some(format!("has host bits set (write `{}`)", r.masked()))
        } else {
            None
        };
        if let Some(problem) = problem {
            let message = format!("the ip_range `{}` of network `{net}` {problem}", range.value);
            self.report(range, "ip_range", message, format!("use a block inside `{subnet}`"));
        }
    }

    fn address(&mut self, addr: &Spanned<String>, key: &str, what: &str, subnet: Cidr) {
        let net = self.network.to_string();
        let problem = match addr.value.parse::<IpAddr>() {
            Err(_) => "is not an IP address".to_string(),
            Ok(ip) if ip.is_ipv4() != subnet.addr.is_ipv4() => "is not of the subnet's address family".to_string(),
            Ok(ip) if !subnet.masked().contains(ip) => format!("is outside the subnet `{subnet}`"),
            Ok(_) => return,
        };
        let message = format!("the {what} `{}` of network `{net}` {problem}", addr.value);
        self.report(addr, key, message, format!("use an address inside `{subnet}`"));
    }
}
