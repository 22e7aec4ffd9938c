//! Style rules: consistency that makes files easier to read and diff. All off by default.

mod quoted_volumes;
mod service_keys_order;
mod top_level_keys_order;
mod unquoted_ports;
mod unsorted_depends_on;
mod unsorted_services;
pub(crate) mod unused_suppression;

use composeguard_model::yaml::{Key, Mapping, Node};

use crate::context::Context;
use crate::rule::Rule;

pub use quoted_volumes::QuotedVolumes;
pub use service_keys_order::ServiceKeysOrder;
pub use top_level_keys_order::TopLevelKeysOrder;
pub use unquoted_ports::UnquotedPorts;
pub use unsorted_depends_on::UnsortedDependsOn;
pub use unsorted_services::UnsortedServices;
pub use unused_suppression::UnusedSuppression;

/// The style rules, registered in `rules::registry`.
pub static RULES: &[&dyn Rule] = &[
    &UnusedSuppression,
    &UnsortedServices,
    &ServiceKeysOrder,
    &UnquotedPorts,
    &QuotedVolumes,
    &TopLevelKeysOrder,
    &UnsortedDependsOn,
];

/// The top-level mapping as written (style rules look at layout, which the model does not keep).
fn top_level<'a>(cx: &Context<'a>) -> Option<&'a Mapping> {
    cx.project.root.as_ref().and_then(Node::as_map)
}

/// Each service's key and mapping, as written.
fn service_mappings<'a>(cx: &Context<'a>) -> impl Iterator<Item = (&'a Key, &'a Mapping)> {
    top_level(cx)
        .and_then(|m| m.get("services"))
        .and_then(Node::as_map)
        .into_iter()
        .flat_map(Mapping::iter)
        .filter_map(|(k, v)| Some((k, v.as_map()?)))
}

/// Whether a key is written where it stands (not copied in by a `<<` merge or an alias).
fn written_here(key: &Key) -> bool {
    key.anchor.is_none()
}
