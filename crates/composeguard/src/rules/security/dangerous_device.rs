use super::util::normalize_host_path;
use crate::rules::prelude::*;
use crate::rules::util::find_in;

declare_rule! {
    /// ## What it does
    /// Reports a `devices` entry that maps a host device giving access to host data or the
    /// kernel.
    ///
    /// Short and long syntax count. The devices: `/dev` itself, disks and partitions (`/dev/sd*`, `/dev/nvme*`,
    /// `/dev/vd*`, `/dev/xvd*`, `/dev/mmcblk*`, `/dev/dm-*`, `/dev/mapper/*`, `/dev/md*`,
    /// `/dev/disk/*`, `/dev/loop*`, ZFS and network block devices), host memory (`/dev/mem`,
    /// `/dev/kmem`, `/dev/port`) and the kernel log (`/dev/kmsg`).
    ///
    /// A `privileged` service is left to the `privileged` rule: it sees every host device whatever `devices` maps.
    ///
    /// ## Why is this bad?
    /// A mapped disk is the host's file system without its permissions: the container reads
    /// `/etc/shadow` and SSH keys straight from the block device, or writes them. Host memory
    /// devices expose every process and the kernel; `/dev/kmsg` lets the container read and
    /// forge kernel log lines. Devices that serve a workload without exposing the host (GPUs
    /// under `/dev/dri`, `/dev/fuse`, `/dev/net/tun`, serial ports, `/dev/kvm`) are not
    /// reported, nor is a mapping whose permissions grant neither read nor write (`m` only).
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: ghcr.io/acme/backup:3.0.1
    ///     devices:
    ///       - /dev/sda:/dev/sda
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   backup:
    ///     image: ghcr.io/acme/backup:3.0.1
    ///     volumes:
    ///       - ./data:/data:ro
    /// ```
    pub struct DangerousDevice => {
        name: "dangerous-device",
        code: "CG220",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0016", "CIS Docker 5.18"],
    }
}

impl Rule for DangerousDevice {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let svc = &name.value;
            if super::util::is_privileged(service) {
                continue;
            }
            for (i, device) in service.devices.iter().enumerate() {
                let d = &device.value;
                if d.permissions.as_deref().is_some_and(|p| !p.contains(['r', 'w'])) {
                    continue;
                }
                let Some(path) = normalize_host_path(&d.source) else { continue };
                let Some(what) = device_kind(&path) else { continue };
                out.report(find_in(cx, device.span, d.source.trim()), format!("service `{svc}` maps the host device `{}` ({what})", d.source.trim()))
                    .path(format!("services.{svc}.devices[{i}]"))
                    .service(svc)
                    .anchor(device.anchor)
                    .help("remove the device; mount the data the service needs as a volume instead");
            }
        }
    }
}

fn digits_follow(rest: &str) -> bool {
    rest.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

fn letter_follows(rest: &str) -> bool {
    rest.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// What a device path gives access to, when it is dangerous.
pub fn device_kind(path: &str) -> Option<&'static str> {
    if path == "/dev" {
        return Some("every host device, disks included");
    }
    let name = path.strip_prefix("/dev/")?;
    let disk = "a host disk";
    let prefixed = |p: &str| name.strip_prefix(p);
    if prefixed("sd").is_some_and(letter_follows)
        || prefixed("vd").is_some_and(letter_follows)
        || prefixed("xvd").is_some_and(letter_follows)
        || prefixed("hd").is_some_and(|r| letter_follows(r) && r.bytes().skip(1).all(|b| b.is_ascii_digit()))
        || name.starts_with("nvme")
        || name.starts_with("mmcblk")
        || name.starts_with("dm-")
        || prefixed("md").is_some_and(digits_follow)
        || prefixed("zd").is_some_and(digits_follow)
        || prefixed("nbd").is_some_and(digits_follow)
        || name.starts_with("rbd")
        || ["mapper/", "md/", "disk/", "block/", "zvol/"].iter().any(|p| name.starts_with(p))
    {
        return Some(disk);
    }
    if name.starts_with("loop") {
        return Some("a loop device, which mounts disk images");
    }
    match name {
        "mem" | "kmem" | "port" => Some("host memory"),
        "kmsg" => Some("the kernel log"),
        "zfs" => Some("the ZFS pool control device"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::device_kind;

    #[test]
    fn kinds() {
        for p in ["/dev", "/dev/sda", "/dev/sdb1", "/dev/nvme0n1", "/dev/mapper/root", "/dev/disk/by-id/x", "/dev/mem", "/dev/kmsg", "/dev/loop0", "/dev/hda1", "/dev/md0"] {
            assert!(device_kind(p).is_some(), "{p}");
        }
        for p in ["/dev/dri/renderD128", "/dev/fuse", "/dev/net/tun", "/dev/ttyUSB0", "/dev/kvm", "/dev/snd", "/dev/hdmi0", "/dev/mdadm", "/dev/null", "/dev/video0"] {
            assert!(device_kind(p).is_none(), "{p}");
        }
    }
}
