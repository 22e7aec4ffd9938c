use crate::rules::correctness::util::{join_and, key_span};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an external network that also sets options compose would ignore.
    ///
    /// These are the options only a network compose creates can have: `driver`, `driver_opts`,
    /// `ipam`, `internal`, `attachable`, `enable_ipv4`, `enable_ipv6` and `labels`. `name` is fine:
    /// it names the existing network. The same mistake on a volume is refused by compose itself,
    /// and reported as `conflicting-keys`.
    ///
    /// ## Why is this bad?
    /// compose never creates an external network; it only checks that one with that name exists
    /// and attaches to it, whatever its driver or subnet. The options are silently ignored, so
    /// the file promises a subnet, an internal network or a driver that the running project may
    /// not have.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [shared]
    /// networks:
    ///   shared:
    ///     external: true
    ///     driver: overlay
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     networks: [shared]
    /// networks:
    ///   shared:
    ///     external: true
    ///     name: platform_shared
    /// ```
    pub struct ExternalNetworkWithOptions => {
        name: "external-network-with-options",
        code: "CG112",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec networks external"],
    }
}

impl Rule for ExternalNetworkWithOptions {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, network) in &cx.compose().networks {
            let Some(n) = network else { continue };
            let Some(external) = n.external.as_ref().filter(|e| e.value.external) else { continue };
            let set: Vec<&str> = [
                ("driver", n.driver.is_some()),
                ("driver_opts", !n.driver_opts.is_empty()),
                ("ipam", n.ipam.is_some()),
                ("internal", n.internal.is_some()),
                ("attachable", n.attachable.is_some()),
                ("enable_ipv4", n.enable_ipv4.is_some()),
                ("enable_ipv6", n.enable_ipv6.is_some()),
                ("labels", n.labels.present),
            ]
            .into_iter()
            .filter_map(|(k, present)| present.then_some(k))
            .collect();
            let Some(first) = set.first() else { continue };
            let span = key_span(cx, &["networks", &name.value, first]).unwrap_or(name.span);
            let keys: Vec<String> = set.iter().map(|k| format!("`{k}`")).collect();
            let listed = join_and(&keys);
            out.report(span, format!("network `{}` is external, so compose ignores its {listed}", name.value))
                .path(format!("networks.{}.{first}", name.value))
                .related(external.anchor.unwrap_or(external.span), "marked external here")
                .help("remove these keys (the existing network keeps its own settings), or drop `external: true` to let compose create the network");
        }
    }
}
