use crate::rules::correctness::util::{human_bytes, memory_limit, memory_reservation};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a memory reservation above the memory limit.
    ///
    /// The values compared are the ones compose hands to the engine: `mem_limit` and
    /// `mem_reservation`, or `deploy.resources.limits.memory` and
    /// `deploy.resources.reservations.memory`, the `deploy` value winning when both are set.
    ///
    /// ## Why is this bad?
    /// A reservation is a soft floor below the hard limit. The engine refuses a reservation above
    /// the limit ("Minimum memory limit can not be less than memory reservation limit"), so
    /// `docker compose up` fails although the file validates. Usually the two values were
    /// swapped, or a unit is missing.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 256M
    ///         reservations:
    ///           memory: 512M
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     deploy:
    ///       resources:
    ///         limits:
    ///           memory: 512M
    ///         reservations:
    ///           memory: 256M
    /// ```
    pub struct MemoryReservationAboveLimit => {
        name: "memory-reservation-above-limit",
        code: "CG107",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-spec deploy resources", "Docker Engine memory constraints"],
    }
}

impl Rule for MemoryReservationAboveLimit {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let (Some(limit), Some(reservation)) = (memory_limit(service), memory_reservation(service)) else { continue };
            if limit.value <= 0 || reservation.value <= 0 || reservation.value <= limit.value {
                continue;
            }
            out.report(
                reservation.span,
                format!(
                    "service `{}` reserves {} of memory (`{}`), more than its limit of {} (`{}`)",
                    name.value,
                    human_bytes(reservation.value),
                    reservation.key,
                    human_bytes(limit.value),
                    limit.key
                ),
            )
            .path(format!("services.{}.{}", name.value, reservation.key))
            .service(&name.value)
            .anchor(reservation.anchor)
            .related(limit.anchor.unwrap_or(limit.span), "limit set here")
            .help("make the reservation at most the limit (were the two swapped?)");
        }
    }
}
