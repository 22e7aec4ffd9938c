use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports an `extra_hosts` entry whose address is not an IP address (nor `host-gateway`,
    /// the engine's name for the host).
    ///
    /// `extra_hosts` maps names to addresses for the container's `/etc/hosts`: `db=10.0.0.5`,
    /// `db:10.0.0.5`, `api=[::1]`. A host name in the address's place (`db:database.local`)
    /// or an address with a port (`db:10.0.0.5:5432`) is not one.
    ///
    /// ## Why is this bad?
    /// compose accepts the entry and passes it on; the engine refuses to create the container
    /// ("invalid IP address in add-host"), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:2.0.1
    ///     extra_hosts:
    ///       - "db:10.0.0.5:5432"
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:2.0.1
    ///     extra_hosts:
    ///       - "db:10.0.0.5"
    /// ```
    pub struct InvalidExtraHost => {
        name: "invalid-extra-host",
        code: "CG130",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine --add-host"],
    }
}

impl Rule for InvalidExtraHost {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            for entry in service.extra_hosts.iter() {
                let ExtraHost { host, ip } = &entry.value;
                if ip.is_empty() || ip == "host-gateway" || ip.parse::<std::net::IpAddr>().is_ok() {
                    continue;
                }
                if is_written_with_variable(cx, entry) {
                    continue;
                }
                let help = match ip.rsplit_once(':') {
                    Some((addr, port)) if addr.parse::<std::net::Ipv4Addr>().is_ok() && port.parse::<u16>().is_ok() => {
                        format!("an entry maps a name to an address, without a port: `{host}={addr}`")
                    }
                    _ => "give the address (`host=10.0.0.5`, `host=[::1]`), or `host-gateway` for the host".to_string(),
                };
                out.report(entry.span, format!("service `{n}` maps `{host}` to `{ip}` in `extra_hosts`, which is not an IP address"))
                    .path(format!("services.{n}.extra_hosts"))
                    .service(n)
                    .anchor(entry.anchor)
                    .help(help);
            }
        }
    }
}
