//! Helpers shared by the correctness, reliability and resources rules: locating keys in the raw
//! tree, and the resource settings as compose hands them to the engine.

use composeguard_model::HashSet;
use std::net::IpAddr;

use composeguard_model::model::Service;
use composeguard_model::yaml::Node;
use composeguard_model::{Span, Spanned};

use crate::context::Context;
use crate::rule::FindingBuilder;

/// The key at the end of `path` (`["networks", "backend", "driver"]`) in the raw tree.
pub(crate) fn key_span(cx: &Context<'_>, path: &[&str]) -> Option<Span> {
    let mut map = cx.project.root.as_ref()?.as_map()?;
    let (last, parents) = path.split_last()?;
    for key in parents {
        map = map.get(key)?.as_map()?;
    }
    map.get_entry(last).map(|(k, _)| k.span)
}

/// The key at the end of `path` (`["healthcheck", "test"]`) inside a service's raw mapping.
pub(crate) fn service_key_span(cx: &Context<'_>, service: &str, path: &[&str]) -> Option<Span> {
    let full: Vec<&str> = ["services", service].into_iter().chain(path.iter().copied()).collect();
    key_span(cx, &full)
}

/// The raw node whose span is exactly `span` (the first one, depth first).
pub(crate) fn node_at<'a>(cx: &Context<'a>, span: Span) -> Option<&'a Node> {
    fn walk(node: &Node, span: Span) -> Option<&Node> {
        if node.span == span {
            return Some(node);
        }
        // a node of the same file that does not contain the span holds nothing inside it
        // (nodes merged in from other files, or reached through aliases, may sit anywhere)
        let outside = node.span.file == span.file && (span.start < node.span.start || node.span.end < span.end);
        if outside && node.anchor.is_none() && !node.span.is_empty() {
            return None;
        }
        if let Some(m) = node.as_map() {
            m.iter().find_map(|(_, v)| walk(v, span))
        } else {
            node.as_seq().and_then(|items| items.iter().find_map(|v| walk(v, span)))
        }
    }
    let root = cx.project.root.as_ref()?;
    root.as_map()?.iter().find_map(|(_, v)| walk(v, span))
}

/// The span of `key`'s value inside the mapping written at `span` (a long-syntax list item),
/// or `span` itself when the item is not a mapping or lacks the key.
pub(crate) fn child_span(cx: &Context<'_>, span: Span, key: &str) -> Span {
    node_at(cx, span).and_then(Node::as_map).and_then(|m| m.get(key)).map_or(span, |n| n.span)
}

/// The networks the active services attach to (`default` for a service with neither `networks`
/// nor `network_mode`): the ones compose creates.
pub(crate) fn used_networks<'a>(cx: &Context<'a>) -> HashSet<&'a str> {
    let mut used = HashSet::default();
    for (_, s) in cx.services() {
        if s.networks.is_empty() {
            if s.network_mode.is_none() && s.provider.is_none() {
                used.insert("default");
            }
        } else {
            used.extend(s.networks.iter().map(|(n, _)| n.value.as_str()));
        }
    }
    used
}

/// Adds a related label when there is a location for it.
pub(crate) fn related_opt<'a>(b: FindingBuilder<'a>, span: Option<Span>, message: &str) -> FindingBuilder<'a> {
    match span {
        Some(s) => b.related(s, message),
        None => b,
    }
}

/// A setting as compose hands it to the engine, with where it is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setting<T> {
    pub value: T,
    pub span: Span,
    pub anchor: Option<Span>,
    /// The key as the user wrote it (`mem_limit`, `deploy.resources.limits.memory`).
    pub key: &'static str,
}

impl<T: Copy> Setting<T> {
    fn of<U>(field: &Spanned<U>, value: T, key: &'static str) -> Self {
        Self { value, span: field.span, anchor: field.anchor, key }
    }
}

/// The deploy value when it takes effect (compose applies it last, when `applies`), else the
/// service-level one, else the deploy one that has no effect (so findings can point at it).
fn pick<T: Copy>(deploy: Option<Setting<T>>, service: Option<Setting<T>>, applies: impl Fn(T) -> bool) -> Option<Setting<T>> {
    match deploy {
        Some(d) if applies(d.value) => Some(d),
        _ => service.or(deploy),
    }
}

/// Joins names as prose: `a`, `a and b`, `a, b and c`.
pub(crate) fn join_and(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The memory limit in bytes: `deploy.resources.limits.memory` when non-zero, else `mem_limit`
/// (compose applies the deploy value last). Zero means no limit.
pub(crate) fn memory_limit(s: &Service) -> Option<Setting<i64>> {
    let deploy =
        s.deploy.as_ref().and_then(|d| d.resources.as_ref()).and_then(|r| r.limits.as_ref()).and_then(|l| l.memory.as_ref());
    let deploy = deploy.map(|m| Setting::of(m, m.value.0, "deploy.resources.limits.memory"));
    let service = s.mem_limit.as_ref().map(|m| Setting::of(m, m.value.0, "mem_limit"));
    pick(deploy, service, |v| v != 0)
}

/// The memory reservation in bytes (`deploy.resources.reservations.memory` wins when non-zero).
pub(crate) fn memory_reservation(s: &Service) -> Option<Setting<i64>> {
    let deploy = s
        .deploy
        .as_ref()
        .and_then(|d| d.resources.as_ref())
        .and_then(|r| r.reservations.as_ref())
        .and_then(|l| l.memory.as_ref());
    let deploy = deploy.map(|m| Setting::of(m, m.value.0, "deploy.resources.reservations.memory"));
    let service = s.mem_reservation.as_ref().map(|m| Setting::of(m, m.value.0, "mem_reservation"));
    pick(deploy, service, |v| v != 0)
}

/// The CPU limit in CPUs (`deploy.resources.limits.cpus` wins when non-zero, else `cpus`).
pub(crate) fn cpu_limit(s: &Service) -> Option<Setting<f64>> {
    let deploy =
        s.deploy.as_ref().and_then(|d| d.resources.as_ref()).and_then(|r| r.limits.as_ref()).and_then(|l| l.cpus.as_ref());
    let deploy = deploy.map(|c| Setting::of(c, c.value.0, "deploy.resources.limits.cpus"));
    let service = s.cpus.as_ref().map(|c| Setting::of(c, c.value.0, "cpus"));
    pick(deploy, service, |v| v != 0.0)
}

/// The PIDs limit (`deploy.resources.limits.pids` wins when positive, else `pids_limit`).
pub(crate) fn pids_limit(s: &Service) -> Option<Setting<i64>> {
    let deploy =
        s.deploy.as_ref().and_then(|d| d.resources.as_ref()).and_then(|r| r.limits.as_ref()).and_then(|l| l.pids.as_ref());
    let deploy = deploy.map(|p| Setting::of(p, p.value.0, "deploy.resources.limits.pids"));
    #[allow(clippy::cast_possible_truncation)]
    let service = s.pids_limit.as_ref().map(|p| Setting::of(p, p.value.0 as i64, "pids_limit"));
    pick(deploy, service, |v| v > 0)
}

/// How many containers compose starts for the service (`scale`, else `deploy.replicas`, else 1).
pub(crate) fn replicas(s: &Service) -> i64 {
    s.scale
        .as_ref()
        .map(|v| v.value.0)
        .or_else(|| s.deploy.as_ref().and_then(|d| d.replicas.as_ref()).map(|v| v.value.0))
        .unwrap_or(1)
}

/// Whether compose starts containers for the service: not run by a provider, and not scaled to
/// zero (`scale: 0` or `deploy.replicas: 0`, a common way to switch a service off).
pub(crate) fn runs_containers(s: &Service) -> bool {
    s.provider.is_none() && replicas(s) != 0
}

/// Whether the engine publishes none of the service's `ports`: compose ignores them on the host's
/// network, and the engine refuses them on another container's (`service:…`, `container:…`;
/// `ports-with-network-mode` reports both).
pub(crate) fn publishes_no_ports(s: &Service) -> bool {
    s.network_mode.as_ref().is_some_and(|m| m.value == "host" || m.value.starts_with("service:") || m.value.starts_with("container:"))
}

/// Bytes in a readable unit (`512MiB`, `6MiB`, `100B`).
pub(crate) fn human_bytes(bytes: i64) -> String {
    const UNITS: [(&str, i64); 4] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size && bytes % size == 0 {
            return format!("{}{unit}", bytes / size);
        }
    }
    for (unit, size) in UNITS {
        if bytes >= size {
            #[allow(clippy::cast_precision_loss)]
            let v = bytes as f64 / size as f64;
            return format!("{v:.1}{unit}");
        }
    }
    format!("{bytes}B")
}

/// An IP prefix (`10.0.0.0/24`, `fd00::/64`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    pub addr: IpAddr,
    pub bits: u8,
}

impl Cidr {
    /// Parses `ADDR/BITS` as Go's `netip.ParsePrefix` does (no zone, bits within the family).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let (addr, bits) = text.split_once('/')?;
        let addr: IpAddr = addr.parse().ok()?;
        if bits.is_empty() || !bits.bytes().all(|b| b.is_ascii_digit()) || (bits.len() > 1 && bits.starts_with('0')) {
            return None;
        }
        let bits: u8 = bits.parse().ok()?;
        (bits <= max_bits(addr)).then_some(Self { addr, bits })
    }

    /// The prefix with the host bits cleared.
    pub(crate) fn masked(self) -> Self {
        Self { addr: mask(self.addr, self.bits), bits: self.bits }
    }

    pub(crate) fn contains(self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.addr.is_ipv4() && mask(ip, self.bits) == mask(self.addr, self.bits)
    }

    pub(crate) fn overlaps(self, other: Self) -> bool {
        self.addr.is_ipv4() == other.addr.is_ipv4() && (self.contains(other.addr) || other.contains(self.addr))
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.bits)
    }
}

fn max_bits(addr: IpAddr) -> u8 {
    if addr.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask(addr: IpAddr, bits: u8) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let n = u32::from(v4);
            let m = if bits == 0 { 0 } else { u32::MAX << (32 - u32::from(bits.min(32))) };
            IpAddr::V4((n & m).into())
        }
        IpAddr::V6(v6) => {
            let n = u128::from(v6);
            let m = if bits == 0 { 0 } else { u128::MAX << (128 - u32::from(bits.min(128))) };
            IpAddr::V6((n & m).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contains(cidr: &str, ip: &str) -> bool {
        Cidr::parse(cidr).zip(ip.parse().ok()).is_some_and(|(c, ip)| c.contains(ip))
    }

    fn overlap(a: &str, b: &str) -> bool {
        Cidr::parse(a).zip(Cidr::parse(b)).is_some_and(|(a, b)| a.overlaps(b))
    }

    #[test]
    fn cidrs() {
        assert!(contains("10.0.0.0/24", "10.0.0.7"));
        assert!(!contains("10.0.0.0/24", "10.0.1.7"));
        assert!(!contains("10.0.0.0/24", "fd00::1"));
        assert_eq!(Cidr::parse("10.0.0.1/24").map(|c| c.masked().to_string()).as_deref(), Some("10.0.0.0/24"));
        assert_eq!(Cidr::parse("10.0.0.0/33"), None);
        assert_eq!(Cidr::parse("10.0.0.0"), None);
        assert_eq!(Cidr::parse("10.0.0.0/024"), None);
        assert!(contains("fd00::/64", "fd00::5"));
        assert!(contains("0.0.0.0/0", "1.2.3.4"));
        assert!(overlap("10.0.0.0/8", "10.5.0.0/16"));
        assert!(!overlap("10.0.0.0/16", "10.1.0.0/16"));
    }

    #[test]
    fn bytes() {
        assert_eq!(human_bytes(512 * 1024 * 1024), "512MiB");
        assert_eq!(human_bytes(1536 * 1024 * 1024), "1536MiB");
        assert_eq!(human_bytes(1_500_000), "1.4MiB");
        assert_eq!(human_bytes(512), "512B");
    }
}
