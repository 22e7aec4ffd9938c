use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a service whose `cap_drop` does not contain `ALL` (any case).
    ///
    /// Services scaled to zero and services run by a `provider` are not reported.
    ///
    /// ## Why is this bad?
    /// Docker gives every container fourteen capabilities by default, among them `NET_RAW`
    /// (craft packets, ARP-spoof neighbours on the bridge), `MKNOD`, `SETUID`, `SETGID`,
    /// `DAC_OVERRIDE` and `CHOWN`. Most services need none of them. Dropping all and adding back
    /// the one or two the program uses (`NET_BIND_SERVICE` to listen below 1024, `CHOWN` and
    /// `SETUID`/`SETGID` for images that switch user at start) removes a whole class of
    /// post-exploitation tricks at no cost.
    ///
    /// A `privileged` service is left to the `privileged` rule. `CAP_ALL` is not a spelling
    /// docker accepts, so it does not count as `ALL`.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     cap_drop: [ALL]
    /// ```
    pub struct NoCapDropAll => {
        name: "no-cap-drop-all",
        code: "CG214",
        category: Security,
        severity: Warning,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0006", "KICS ce76b7d0", "CIS Docker 5.4"],
    }
}

impl Rule for NoCapDropAll {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if !crate::rules::correctness::util::runs_containers(service) || service.privileged.as_ref().is_some_and(|p| p.value) || cx.is_unreadable(svc, "cap_drop") {
                continue;
            }
            if service.cap_drop.iter().any(|c| c.value.trim().eq_ignore_ascii_case("ALL")) {
                continue;
            }
            let (span, anchor, path, message) = match service.cap_drop.first() {
                Some(first) => (first.span, first.anchor, format!("services.{svc}.cap_drop"), format!("service `{svc}` drops some capabilities but not `ALL`")),
                None => (name.span, None, format!("services.{svc}"), format!("service `{svc}` keeps docker's default capabilities (no `cap_drop: [ALL]`)")),
            };
            out.report(span, message)
                .path(path)
                .service(svc)
                .anchor(anchor)
                .help("add `cap_drop: [ALL]`, then `cap_add` back only what the service needs");
        }
    }
}
