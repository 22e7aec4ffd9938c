//! Helpers shared by the security rules: capability names, `security_opt` entries, host mounts
//! and the classes of host paths they expose, and the shapes of credentials.

use std::borrow::Cow;
use std::sync::OnceLock;

use composeguard_model::interpolate::find_ascii;
use composeguard_model::model::{Command, Compose, KeyValue, MountType, Service, ServiceVolume};
use composeguard_model::{HashSet, Span, Spanned};

use crate::context::Context;
use crate::rules::util::has_variable;

// ---------------------------------------------------------------------------------------------
// Capabilities

/// A capability as docker reads it: trimmed, upper case, without the `CAP_` prefix. `ALL` is only
/// `ALL` when written without the prefix (docker refuses `CAP_ALL`).
pub fn normalize_cap(raw: &str) -> String {
    let upper = raw.trim().to_ascii_uppercase();
    match upper.strip_prefix("CAP_") {
        Some(rest) if rest != "ALL" => rest.to_string(),
        _ => upper,
    }
}

/// Capabilities docker grants by default: adding one changes nothing.
pub const DEFAULT_CAPS: &[&str] = &[
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "NET_BIND_SERVICE",
    "NET_RAW",
    "SYS_CHROOT",
    "MKNOD",
    "AUDIT_WRITE",
    "SETFCAP",
];

// ---------------------------------------------------------------------------------------------
// security_opt

/// Splits a `security_opt` entry as docker does: at the first `=`, else at the first `:`.
pub fn split_security_opt(opt: &str) -> (&str, Option<&str>) {
    let opt = opt.trim();
    if let Some((k, v)) = opt.split_once('=') {
        return (k.trim(), Some(v.trim()));
    }
    match opt.split_once(':') {
        Some((k, v)) => (k.trim(), Some(v.trim())),
        None => (opt, None),
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// The `security_opt` entries of a service whose key is `key` (`seccomp`, `apparmor`…), with
/// their index and value.
pub fn security_opts<'a>(service: &'a Service, key: &'a str) -> impl Iterator<Item = (usize, &'a Spanned<String>, Option<&'a str>)> {
    service.security_opt.iter().enumerate().filter_map(move |(i, opt)| {
        let (k, v) = split_security_opt(&opt.value);
        (k == key).then_some((i, opt, v))
    })
}

// ---------------------------------------------------------------------------------------------
// Host paths

/// A host path as the kernel sees it: absolute, `.`/`..`/`//` resolved, no trailing slash; `~`
/// paths keep their `~`. `None` for relative paths (inside the project) and Windows paths.
pub fn normalize_host_path(source: &str) -> Option<String> {
    let s = source.trim();
    if let Some(rest) = s.strip_prefix('~') {
        if rest.is_empty() || rest.starts_with('/') {
            let n = composeguard_model::project::normalize_path(&format!("/{rest}"));
            return Some(if n == "/" { "~".to_string() } else { format!("~{n}") });
        }
        return None;
    }
    if !s.starts_with('/') || s.starts_with("//./") {
        return None;
    }
    Some(composeguard_model::project::normalize_path(s))
}

/// `path` is `base` or lies below it.
pub fn is_at_or_under(path: &str, base: &str) -> bool {
    base == "/" || path == base || path.strip_prefix(base).is_some_and(|rest| rest.starts_with('/'))
}

/// `path` is a strict ancestor of `target`.
pub fn is_ancestor_of(path: &str, target: &str) -> bool {
    path != target && is_at_or_under(target, path)
}

/// The container runtime whose control socket a host path is (or holds), if any.
pub fn runtime_socket(path: &str) -> Option<&'static str> {
    const SOCKETS: &[(&str, &str)] = &[
        ("docker.sock", "Docker"),
        ("docker.proxy.sock", "Docker"),
        ("containerd.sock", "containerd"),
        ("podman.sock", "Podman"),
        ("crio.sock", "CRI-O"),
        ("buildkitd.sock", "BuildKit"),
        ("cri-dockerd.sock", "cri-dockerd"),
        ("dockershim.sock", "dockershim"),
    ];
    const DIRS: &[(&str, &str)] = &[
        ("/run", "container runtime"),
        ("/var/run", "container runtime"),
        ("/run/docker", "Docker"),
        ("/var/run/docker", "Docker"),
        ("/run/containerd", "containerd"),
        ("/var/run/containerd", "containerd"),
        ("/run/podman", "Podman"),
        ("/var/run/podman", "Podman"),
        ("/run/crio", "CRI-O"),
        ("/var/run/crio", "CRI-O"),
        ("/run/buildkit", "BuildKit"),
        ("/run/user", "rootless container runtime"),
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    if let Some((_, rt)) = SOCKETS.iter().find(|(s, _)| name.starts_with(s)) {
        return Some(rt);
    }
    if let Some((_, rt)) = DIRS.iter().find(|(d, _)| *d == path) {
        return Some(rt);
    }
    // a rootless runtime's folder: /run/user/<uid>, /run/user/<uid>/podman, /run/user/<uid>/docker
    let mut parts = path.strip_prefix("/run/user/")?.split('/');
    let uid = parts.next()?;
    let rest: Vec<&str> = parts.collect();
    let uid_ok = !uid.is_empty() && uid.bytes().all(|b| b.is_ascii_digit());
    match rest.as_slice() {
        [] if uid_ok => Some("rootless container runtime"),
        ["podman"] if uid_ok => Some("Podman"),
        ["docker"] if uid_ok => Some("Docker"),
        _ => None,
    }
}

/// A Windows named pipe of the Docker engine (`\\.\pipe\docker_engine`).
pub fn is_docker_pipe(source: &str) -> bool {
    let s = source.to_ascii_lowercase().replace('\\', "/");
    s.contains("pipe/docker_engine") || s.contains("pipe/dockerdesktoplinuxengine")
}

/// Host paths whose write access is host root: (path, what writing it gives).
const ROOT_EQUIVALENT: &[(&str, &str)] = &[
    ("/", "the whole host filesystem"),
    ("/etc", "host configuration: cron jobs, sudoers, users, `ld.so.preload`"),
    ("/etc/cron.d", "host cron jobs run as root"),
    ("/etc/cron.hourly", "host cron jobs run as root"),
    ("/etc/cron.daily", "host cron jobs run as root"),
    ("/etc/cron.weekly", "host cron jobs run as root"),
    ("/etc/cron.monthly", "host cron jobs run as root"),
    ("/etc/crontab", "host cron jobs run as root"),
    ("/etc/sudoers", "host sudo rules"),
    ("/etc/sudoers.d", "host sudo rules"),
    ("/etc/passwd", "host user accounts"),
    ("/etc/shadow", "host password hashes"),
    ("/etc/group", "host groups"),
    ("/etc/ld.so.preload", "a library loaded into every host process"),
    ("/etc/systemd", "host systemd units"),
    ("/etc/init.d", "host init scripts"),
    ("/etc/rc.local", "a host boot script"),
    ("/etc/profile", "host login shells"),
    ("/etc/profile.d", "host login shells"),
    ("/etc/ssh", "the host SSH daemon's configuration"),
    ("/etc/pam.d", "host authentication"),
    ("/etc/modprobe.d", "host kernel module loading"),
    ("/etc/udev", "host udev rules run as root"),
    ("/etc/docker", "the Docker daemon's configuration"),
    ("/root", "root's home (`authorized_keys`, shell start-up files)"),
    ("/boot", "the host kernel and boot loader"),
    ("/proc", "host kernel settings such as `core_pattern`"),
    ("/sys", "host kernel and cgroup settings"),
    ("/var/lib/docker", "every container's filesystem and the Docker daemon's state"),
    ("/var/lib/containerd", "every container's filesystem"),
    ("/var/lib/kubelet", "the kubelet's state and pod credentials"),
    ("/var/spool/cron", "host crontabs"),
    ("/usr/bin", "host executables"),
    ("/usr/sbin", "host executables"),
    ("/usr/lib", "host libraries"),
    ("/usr/lib64", "host libraries"),
    ("/usr/libexec", "host executables"),
    ("/usr/local/bin", "host executables"),
    ("/usr/local/sbin", "host executables"),
    ("/usr/local/lib", "host libraries"),
    ("/bin", "host executables"),
    ("/sbin", "host executables"),
    ("/lib", "host libraries and kernel modules"),
    ("/lib64", "host libraries"),
];

/// Host paths a container should not read: (path, what it exposes). Entries match the path and
/// everything below it unless `exact` is set in [`SENSITIVE_EXACT`].
const SENSITIVE_TREE: &[(&str, &str)] = &[
    ("/etc/shadow", "host password hashes"),
    ("/etc/gshadow", "host group password hashes"),
    ("/etc/sudoers", "host sudo rules"),
    ("/etc/sudoers.d", "host sudo rules"),
    ("/etc/ssh", "the host's SSH keys"),
    ("/etc/ssl/private", "the host's TLS private keys"),
    ("/etc/kubernetes", "Kubernetes credentials"),
    ("/etc/docker", "the Docker daemon's configuration and TLS keys"),
    ("/root", "root's home, keys and history"),
    ("/boot", "the host kernel and boot loader"),
    ("/proc", "host processes and kernel settings"),
    ("/sys", "host kernel, device and cgroup interfaces"),
    ("/dev/shm", "shared memory of every host process"),
    ("/var/lib/docker", "every container's filesystem, logs and environment"),
    ("/var/lib/containerd", "every container's filesystem"),
    ("/var/lib/kubelet", "the kubelet's state and pod credentials"),
    ("/run/systemd", "systemd's control socket"),
    ("/var/run/systemd", "systemd's control socket"),
    ("/run/dbus", "the host's system D-Bus"),
    ("/var/run/dbus", "the host's system D-Bus"),
    ("/run/libvirt", "the libvirt control socket"),
    ("/var/run/libvirt", "the libvirt control socket"),
];

/// Folders that are sensitive as a whole but whose children mostly are not (`/etc/localtime`).
const SENSITIVE_EXACT: &[(&str, &str)] = &[
    ("/", "the whole host filesystem"),
    ("/etc", "host configuration, including password hashes"),
    ("/dev", "every host device node"),
    ("/home", "every user's home, keys and history"),
    ("~", "the deploying user's home, keys and history"),
];

/// Credential folders in a home directory.
const CREDENTIAL_DIRS: &[&str] = &[".ssh", ".aws", ".kube", ".docker", ".gnupg", ".azure", ".gcloud", ".netrc", ".git-credentials", ".pgpass"];

/// A folder under a sensitive tree that holds ordinary data: a project folder in root's home
/// (`/root/app`, not `/root/.ssh`), one named volume's data under `/var/lib/docker/volumes`, or
/// a folder of one's own under `/etc/docker` (`/etc/docker/volumes/traefik`, as some guides keep
/// their services' files), which the daemon does not read.
fn ordinary_folder(path: &str) -> bool {
    if let Some(rest) = path.strip_prefix("/root/") {
        return !rest.starts_with('.');
    }
    if let Some(rest) = path.strip_prefix("/etc/docker/") {
        // the daemon reads `daemon.json`, `key.json`, registries' certificates in `certs.d`,
        // plugin specs in `plugins`, and the TLS files kept beside them (`ca.pem`, `tls/`)
        let first = rest.split('/').next().unwrap_or("");
        return !first.is_empty()
            && !first.contains('.')
            && !matches!(first, "certs" | "cert" | "tls" | "ssl" | "plugins" | "seccomp" | "keys" | "private");
    }
    path.strip_prefix("/var/lib/docker/volumes/").is_some_and(|rest| !rest.is_empty())
}

/// Why writing to `path` gives host root, if it does.
pub fn root_equivalent(path: &str) -> Option<&'static str> {
    if ordinary_folder(path) {
        return None;
    }
    // `/` and `/etc` as a whole; below `/etc`, only the files listed
    if let Some((_, why)) = ROOT_EQUIVALENT.iter().take(2).find(|(p, _)| *p == path) {
        return Some(why);
    }
    if let Some((_, why)) = ROOT_EQUIVALENT.iter().skip(2).find(|(p, _)| is_at_or_under(path, p)) {
        return Some(why);
    }
    // an ancestor (`/var`, `/usr`, `/var/lib`) holds one of them
    ROOT_EQUIVALENT
        .iter()
        .skip(1)
        .find(|(p, _)| is_ancestor_of(path, p))
        .map(|(p, _)| match *p {
            "/var/lib/docker" | "/var/lib/containerd" => "every container's filesystem (it holds `/var/lib/docker`)",
            "/var/lib/kubelet" => "the kubelet's state",
            "/var/spool/cron" => "host crontabs",
            _ => "host executables and libraries",
        })
}

/// What reading `path` exposes, if it is sensitive.
pub fn sensitive(path: &str) -> Option<&'static str> {
    if let Some((_, why)) = SENSITIVE_EXACT.iter().find(|(p, _)| *p == path) {
        return Some(why);
    }
    if path.split('/').any(|part| CREDENTIAL_DIRS.contains(&part)) {
        return Some("credentials kept in a home folder");
    }
    if ordinary_folder(path) {
        return None;
    }
    if let Some((_, why)) = SENSITIVE_TREE.iter().find(|(p, _)| is_at_or_under(path, p)) {
        return Some(why);
    }
    if let Some(home) = path.strip_prefix("/home/") {
        if !home.is_empty() && !home.contains('/') {
            return Some("a user's home, keys and history");
        }
    }
    // an ancestor of a sensitive folder (`/var`, `/var/lib`, `/run`…)
    SENSITIVE_TREE
        .iter()
        .find(|(p, _)| is_ancestor_of(path, p))
        .map(|(p, _)| match *p {
            "/var/lib/docker" | "/var/lib/containerd" | "/var/lib/kubelet" => "every container's filesystem, logs and environment",
            "/etc/ssl/private" => "the host's TLS private keys",
            _ => "host service sockets",
        })
}

/// A mount of a host path into a service.
pub struct HostMount<'a> {
    /// Index in `volumes`.
    pub index: usize,
    pub volume: &'a Spanned<ServiceVolume>,
    /// The host path, normalised.
    pub host_path: String,
    /// The source as written (after interpolation).
    pub source: &'a str,
    /// The named volume that binds the host path (`driver_opts: {o: bind, device: …}`).
    pub via_volume: Option<&'a str>,
    pub read_only: bool,
}

/// The host paths a service mounts: bind mounts, and named volumes whose local driver binds a
/// host folder. Anonymous and named volumes, tmpfs and relative paths are left out.
pub fn host_mounts<'a>(compose: &'a Compose, service: &'a Service) -> Vec<HostMount<'a>> {
    let mut out = Vec::new();
    for (index, volume) in service.volumes.iter().enumerate() {
        let v = &volume.value;
        let Some(source) = v.source.as_deref() else { continue };
        match v.r#type {
            MountType::Bind => {
                if let Some(host_path) = normalize_host_path(source) {
                    out.push(HostMount { index, volume, host_path, source, via_volume: None, read_only: v.read_only });
                }
            }
            MountType::Volume => {
                let Some((device, ro)) = bound_device(compose, source) else { continue };
                if let Some(host_path) = normalize_host_path(device) {
                    out.push(HostMount { index, volume, host_path, source: device, via_volume: Some(source), read_only: v.read_only || ro });
                }
            }
            _ => {}
        }
    }
    out
}

/// The checked services (as [`Context::services`] gives them, in order) with their host mounts
/// ([`host_mounts`]), found once a lint, on first use: three rules read them, and each host path
/// is normalised (600 instructions a path).
pub fn checked_host_mounts<'c, 'a>(cx: &'c Context<'a>) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service, &'c [HostMount<'a>])> + 'c {
    let compose = cx.compose();
    cx.per_service(&cx.host_mounts, |service| host_mounts(compose, service)).map(|(name, service, mounts)| (name, service, mounts.as_slice()))
}

/// The host folder a named volume binds (`driver_opts: {type: none, o: bind, device: /path}`),
/// and whether its options make it read-only.
fn bound_device<'a>(compose: &'a Compose, name: &str) -> Option<(&'a str, bool)> {
    let volume = compose.volumes.get(name)?;
    let volume = volume.as_ref()?;
    if volume.external.as_ref().is_some_and(|e| e.value.external) {
        return None;
    }
    if volume.driver.as_ref().is_some_and(|d| d.value != "local") {
        return None;
    }
    let opts = volume.driver_opts.get("o")?;
    let options: Vec<&str> = opts.value.0.split(',').map(str::trim).collect();
    if !options.iter().any(|o| *o == "bind" || *o == "rbind") {
        return None;
    }
    let device = volume.driver_opts.get("device")?;
    Some((device.value.0.as_str(), options.contains(&"ro")))
}

/// Where to point for a mount's source: the source text inside the volume entry (after
/// `source:` in the long syntax), else the whole entry.
pub fn mount_source_span(cx: &Context<'_>, mount: &HostMount<'_>) -> Span {
    let span = mount.volume.span;
    let needle = mount.via_volume.unwrap_or(mount.source);
    if mount.volume.value.short {
        return crate::rules::util::find_in(cx, span, needle);
    }
    find_after(cx, span, "source", needle)
}

/// The sub-span of `needle` after the first `marker` in `span`'s text; `span` when absent.
pub fn find_after(cx: &Context<'_>, span: Span, marker: &str, needle: &str) -> Span {
    let text = cx.text(span);
    let start = text.find(marker).map_or(0, |i| i + marker.len());
    match text.get(start..).and_then(|rest| rest.find(needle)) {
        Some(pos) if !needle.is_empty() => span.sub(start + pos, needle.len()),
        _ => span,
    }
}

/// How a mount reaches the host path, for messages: `` `/etc` `` or `` `/etc` (through volume `x`) ``.
pub fn describe_mount(mount: &HostMount<'_>) -> String {
    match mount.via_volume {
        Some(v) => format!("`{}` (through volume `{v}`)", mount.source),
        None => format!("`{}`", mount.source),
    }
}

// ---------------------------------------------------------------------------------------------
// Credentials

/// Words of an identifier: split at `_`, `-`, `.` and lower-to-upper case changes; upper case.
pub fn key_words(key: &str) -> KeyWords<'_> {
    // A byte scan, and the key itself when it has no lower case (most environment keys), where a
    // `char` loop pushed each upper-cased character into a new `String`. Separators and case
    // changes are ASCII, so every bound is a char boundary (a byte of a multi-byte character is
    // neither lower case nor a digit, as the character is not).
    let bytes = key.as_bytes();
    let mut bounds = Vec::with_capacity(6);
    let mut start = 0;
    let mut prev_lower = false;
    let mut any_lower = false;
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'_' | b'-' | b'.' | b' ') {
            if i > start {
                bounds.push((start, i));
            }
            start = i + 1;
            prev_lower = false;
            continue;
        }
        if b.is_ascii_uppercase() && prev_lower && i > start {
            bounds.push((start, i));
            start = i;
        }
        let lower = b.is_ascii_lowercase();
        any_lower |= lower;
        prev_lower = lower || b.is_ascii_digit();
    }
    if bytes.len() > start {
        bounds.push((start, bytes.len()));
    }
    let text = if any_lower { Cow::Owned(key.to_ascii_uppercase()) } else { Cow::Borrowed(key) };
    KeyWords { text, bounds }
}

/// The words [`key_words`] finds, in order.
pub struct KeyWords<'a> {
    /// The key in upper case; the bounds are byte ranges in it (and in the key).
    text: Cow<'a, str>,
    bounds: Vec<(usize, usize)>,
}

impl KeyWords<'_> {
    pub fn len(&self) -> usize {
        self.bounds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bounds.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        self.bounds.get(i).and_then(|&(a, b)| self.text.get(a..b))
    }

    pub fn first(&self) -> Option<&str> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&str> {
        self.get(self.bounds.len().checked_sub(1)?)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator + '_ {
        self.bounds.iter().map(|&(a, b)| self.text.get(a..b).unwrap_or(""))
    }
}

/// Whether `text` has `part` (ASCII) at byte `at`, in any case.
pub fn has_part_at(text: &[u8], at: usize, part: &[u8]) -> bool {
    text.get(at..at + part.len()).is_some_and(|t| t.eq_ignore_ascii_case(part))
}

/// Whether `key` holds one of `parts` (ASCII letters), in any case: one scan of its bytes, which
/// most keys fail before their words are split for a closer look.
pub fn has_any_part(key: &str, parts: &[&[u8]]) -> bool {
    let b = key.as_bytes();
    // `c | 0x20` is the lower case of a letter, and equals a lower-case letter for no other byte
    b.iter().enumerate().any(|(i, &c)| parts.iter().any(|p| p.first().is_some_and(|f| f | 0x20 == c | 0x20) && has_part_at(b, i, p)))
}

/// Whether a key holds, in any case, a part of every word [`is_secret_key`] takes for a secret:
/// `PASS` (`PASSWORD`, `PASSWD`, `PASSPHRASE`, `REQUIREPASS`), `PWD`, `SECRET`, `TOKEN`, `KEY`
/// (`APIKEY`, `ACCESSKEY`), `CREDENTIAL` or `AUTH` (`REDISCLI_AUTH`). One byte scan, which most
/// keys (`TZ`, `NODE_ENV`, `PUID`) fail before their words are split: 2 100 instructions a key
/// were a third of `plaintext-secret-env`.
fn may_name_secret(key: &str) -> bool {
    has_any_part(key, &[b"PASS", b"PWD", b"SECRET", b"TOKEN", b"KEY", b"CREDENTIAL", b"AUTH"])
}

/// Words that name a secret on their own.
const SECRET_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "PASS",
    "PASSPHRASE",
    "PWD",
    "SECRET",
    "TOKEN",
    "APIKEY",
    "PRIVATEKEY",
    "SECRETKEY",
    "ACCESSKEY",
    "AUTHTOKEN",
    "CREDENTIAL",
    "CREDENTIALS",
    "REQUIREPASS",
];

/// Words that make `KEY` a secret when they come just before it (`API_KEY`, `ENCRYPTION_KEY`).
const KEY_QUALIFIERS: &[&str] =
    &["API", "ACCESS", "PRIVATE", "SECRET", "ENCRYPTION", "SIGNING", "MASTER", "SESSION", "HMAC", "JWT", "APP", "CRYPTO", "LICENSE", "AUTH", "CLIENT"];

/// Last words that make a secret-looking key describe something else (`PASSWORD_FILE`,
/// `TOKEN_TTL`, `SECRET_NAME`).
const NOT_SECRET_SUFFIXES: &[&str] = &[
    "FILE", "PATH", "DIR", "FOLDER", "LOCATION", "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "ID", "IDS", "TYPE", "KIND",
    "LENGTH", "LEN", "MIN", "MAX", "SIZE", "COUNT", "EXPIRY", "EXPIRES", "EXPIRATION", "TTL", "TIMEOUT", "LIFETIME", "AGE", "POLICY",
    "ENABLED", "ENABLE", "DISABLED", "DISABLE", "REQUIRED", "HEADER", "FIELD", "PARAM", "PREFIX", "SUFFIX", "ALGORITHM", "ALG",
    "ROUNDS", "COST", "VERSION", "MODE", "FORMAT", "METHOD", "REF", "ARN", "HINT", "USER", "USERNAME", "PROVIDER", "STORE",
    "BACKEND", "ISSUER", "AUDIENCE", "SCOPE", "SCOPES", "STRATEGY", "REGEX", "PATTERN", "COMMAND", "CMD", "HASH", "HASHED",
    // a hash of the secret named by its algorithm (Graylog's `GRAYLOG_ROOT_PASSWORD_SHA2`)
    "SHA", "SHA1", "SHA2", "SHA256", "SHA512", "MD5", "BCRYPT", "ARGON2", "DIGEST",
    // how secrets are stored, checked or cached (Dovecot's `default_pass_scheme`, Django's
    // `PASSWORD_HASHERS` and `AUTH_PASSWORD_VALIDATORS`, an LDAP `…_PASSWORD_ATTRIBUTE`)
    "SCHEME", "SCHEMES", "HASHER", "HASHERS", "ENCODER", "VALIDATOR", "VALIDATORS", "ATTRIBUTE", "CACHE",
    "STDIN", "PROMPT", "RESET", "CHANGE", "COMPLEXITY", "REFRESH", "ROTATION", "ENV", "VAR", "ENCRYPTION", "ENCODING",
    // what reads or carries the secret (`…_SECRET_CLASS`, `…_CREDENTIALS_SOURCE`, `…_SECRET_PARAM_BOOTSTRAP_SERVERS`)
    "CLASS", "CLASSNAME", "SOURCE", "SERVER", "SERVERS", "PROTOCOL", "MECHANISM", "HANDLER",
    // settings grouped under a secret's prefix (`…_CREDENTIALS_AWS_REGION`, `…_APIKEY_USERS`)
    "REGION", "ZONE", "BUCKET", "USERS", "LANGUAGE", "LOCALE",
];

/// Whether a word is one of [`NOT_SECRET_SUFFIXES`]: a set built once, where a scan of the 109
/// words compared most of them, for every word after the last secret word of every key that
/// names one.
fn is_not_secret_suffix(word: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| NOT_SECRET_SUFFIXES.iter().copied().collect()).contains(word)
}

/// Whether `word` holds `part` (ASCII), found with [`find_ascii`] (`str::contains` set up a
/// two-way searcher on every call: a few hundred instructions, twice for every word of a key
/// that may name a secret).
fn has_part(word: &str, part: &str) -> bool {
    find_ascii(word.as_bytes(), part.as_bytes()).is_some()
}

/// Whether a variable name says its value is a credential (`DB_PASSWORD`, `apiKey`,
/// `AWS_SECRET_ACCESS_KEY`), and not a reference to one (`DB_PASSWORD_FILE`, `TOKEN_TTL`).
pub fn is_secret_key(key: &str) -> bool {
    if !may_name_secret(key) {
        return false;
    }
    let words = key_words(key);
    let Some(last) = words.last() else { return false };
    // Vault's dev server takes `VAULT_DEV_ROOT_TOKEN_ID` (`-dev-root-token-id`) as the root token
    // itself (a token's ID is the token; its public handle is the accessor)
    if last == "ID"
        && words.len() >= 3
        && words.get(words.len() - 2) == Some("TOKEN")
        && (words.first() == Some("VAULT") || words.get(words.len() - 3) == Some("ROOT"))
    {
        return true;
    }
    // a setting about the secret, or a value meant to be public (`NEXT_PUBLIC_API_KEY`)
    if is_not_secret_suffix(last) || words.iter().any(|w| w == "PUBLIC" || w == "PUBLISHABLE") {
        return false;
    }
    // `PWD` alone is the working folder, `OLDPWD` the previous one
    if words.len() == 1 && (last == "PWD" || last == "OLDPWD") {
        return false;
    }
    if words.len() == 2 && words.first() == Some("REDISCLI") && last == "AUTH" {
        return true;
    }
    // Confluent's images read `KAFKA_SSL_KEYSTORE_CREDENTIALS` (and the key and truststore ones)
    // as the name of a file under /etc/kafka/secrets that holds the password
    if last == "CREDENTIALS" && words.iter().any(|w| w == "SSL") {
        return false;
    }
    // etcd's `--initial-cluster-token` (`ETCD_INITIAL_CLUSTER_TOKEN`) names the cluster while it
    // bootstraps, so that two clusters do not join; it authenticates nothing
    if last == "TOKEN" && words.len() >= 3 && words.get(words.len() - 3) == Some("INITIAL") && words.get(words.len() - 2) == Some("CLUSTER") {
        return false;
    }
    let names_secret = |&(i, w): &(usize, &str)| {
        // also glued words: `PGPASSWORD`, `DBPASSWD`
        SECRET_WORDS.contains(&w)
            || has_part(w, "PASSWORD")
            || has_part(w, "PASSWD")
            || (w == "KEY" && i > 0 && words.get(i - 1).is_some_and(|q| KEY_QUALIFIERS.contains(&q)))
    };
    let Some((at, _)) = words.iter().enumerate().rev().find(|e| names_secret(e)) else { return false };
    // a secret word as a prefix of something else: `…_CREDENTIALS_AWS_ENDPOINT_URL_S3`
    let prefix_only = words.iter().skip(at + 1).any(is_not_secret_suffix);
    !prefix_only
}

/// Values that cannot be a credential: empty, booleans, numbers, paths (`/run/secrets/db`).
pub fn is_non_secret_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() {
        return true;
    }
    // (compared in place: a lower-case copy of every value was an allocation a call)
    if ["true", "false", "yes", "no", "on", "off", "null", "none", "nil", "~"].iter().any(|w| v.eq_ignore_ascii_case(w)) {
        return true;
    }
    if v.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') && v.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    // an empty pair of quotes, left for the user to fill in (a list item keeps its quotes)
    if matches!(v, "\"\"" | "''") {
        return true;
    }
    if is_placeholder(v) {
        return true;
    }
    !v.contains(' ') && (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") || is_key_file_path(v))
}

/// A password made of digits only (`DB_PASSWORD: 12345678`): a number is no credential in
/// general (`TOKEN_LIMIT: 100`), but a key that ends in a password word and a value of six
/// digits or more is one, however weak.
pub fn is_numeric_password(key: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    v.len() >= 6
        && v.bytes().all(|b| b.is_ascii_digit())
        && key_words(key).last().is_some_and(|w| matches!(w, "PASSWORD" | "PASSWD" | "PASS" | "PWD"))
        && is_secret_key(key)
}

/// A value that marks where the user is to write one: `<your token>`, `[PASSWORD]`, or a mask
/// of `x` or `*` (`xxxxxxxx`, `sk-xxxx`, `XXX-XXX`), in quotes or not.
fn is_placeholder(v: &str) -> bool {
    let v = ["\"", "'"].iter().find_map(|q| v.strip_prefix(q).and_then(|r| r.strip_suffix(q))).unwrap_or(v);
    let bracketed = |open: char, close: char| v.len() > 2 && v.starts_with(open) && v.ends_with(close) && !v[1..v.len() - 1].contains([open, close]);
    if bracketed('<', '>') || bracketed('[', ']') {
        return true;
    }
    // a template's expression, filled in before compose reads the file (Jinja, Go templates,
    // Helm: `{{ secret_key }}`, `{{ .Values.token }}`)
    if v.len() > 4 && v.starts_with("{{") && v.ends_with("}}") && !v[2..v.len() - 2].contains(['{', '}']) {
        return true;
    }
    // a mask, after at most a short prefix (`sk-`); the separators are ASCII, so a byte search
    // finds them
    let split = v.bytes().position(|b| b == b'-' || b == b'_').map(|i| (v.get(..i).unwrap_or(""), v.get(i + 1..).unwrap_or("")));
    let mask = match split {
        Some((prefix, rest)) if prefix.len() <= 4 && !prefix.bytes().all(|b| matches!(b, b'x' | b'X' | b'*')) => rest,
        _ => v,
    };
    // (the test that stops at the first other byte first: most values are no mask)
    mask.bytes().all(|b| matches!(b, b'x' | b'X' | b'*' | b'-' | b'_')) && mask.bytes().filter(|b| matches!(b, b'x' | b'X' | b'*')).count() >= 3
}

/// A value that only repeats its key's name (`SECRET_KEY_BASE=SECRET_KEY_BASE`): a template's
/// marker for the value to write.
pub fn repeats_key(key: &str, value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    !v.is_empty() && v.eq_ignore_ascii_case(key.trim())
}

/// A path to a key or certificate file (`config/jwt/private.pem`, `%kernel.project_dir%/app.key`):
/// folders, then a name with a key file's extension.
fn is_key_file_path(v: &str) -> bool {
    let Some((_, name)) = v.rsplit_once('/') else { return false };
    let Some((stem, ext)) = name.rsplit_once('.') else { return false };
    !stem.is_empty()
        && ["pem", "key", "crt", "cer", "cert", "der", "p12", "pfx", "jks", "keystore", "pub", "asc", "gpg"].iter().any(|e| ext.eq_ignore_ascii_case(e))
}

fn all_bytes(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}

fn alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The bytes of a token word: ASCII letters and digits, `_`, `-` and `.`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// A known token format in `value`: its description and byte range.
pub fn token_shape(value: &str) -> Option<(&'static str, usize, usize)> {
    // every shape is longer (a PEM header 27 bytes, an `Authorization` credential 22, a token
    // 15): most values are shorter, and are not scanned
    if value.len() < SHORTEST_TOKEN {
        return None;
    }
    // (the shortest PEM header that can match is 27 bytes: `-----BEGIN PRIVATE KEY-----`)
    if let Some(start) = value.len().checked_sub(26).and_then(|_| find_ascii(value.as_bytes(), b"-----BEGIN ")) {
        let rest = value.get(start..).unwrap_or("");
        let header_end = rest.get(11..).and_then(|r| r.find("-----")).map(|i| i + 11);
        if let Some(end) = header_end {
            if rest.get(..end).is_some_and(|h| h.ends_with("PRIVATE KEY")) {
                return Some(("a PEM private key", start, start + end + 5));
            }
        }
    }
    if let Some(found) = authorization_credential(value) {
        return Some(found);
    }
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes.get(i).copied().is_some_and(is_token_byte) {
            i += 1;
            continue;
        }
        let start = i;
        while bytes.get(i).copied().is_some_and(is_token_byte) {
            i += 1;
        }
        let word = value.get(start..i).unwrap_or("");
        if let Some(what) = classify_token(word) {
            return Some((what, start, i));
        }
    }
    None
}

/// The credential of an HTTP `Authorization` value (`Bearer 0b7c…`, `Basic dXNlcjpw…`): a word of
/// 16 token or base64 characters after the scheme, so that `Basic realm` or `Bearer <token>` are
/// not one.
fn authorization_credential(value: &str) -> Option<(&'static str, usize, usize)> {
    // Both schemes start with `B`: the places of a `B` (a `memchr` search), rather than a
    // substring search of each scheme over every value the secret checks read.
    for scheme in ["Bearer ", "Basic "] {
        for (at, _) in value.match_indices('B') {
            if !value.get(at..).is_some_and(|rest| rest.starts_with(scheme)) {
                continue;
            }
            let from = at + scheme.len();
            let bounded = at == 0 || value.as_bytes().get(at - 1).is_some_and(|b| matches!(b, b' ' | b'"' | b'\'' | b':' | b'='));
            let rest = value.get(from..).unwrap_or("");
            let len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')).count();
            let word = rest.get(..len).unwrap_or("");
            if bounded && len >= 16 && !is_placeholder(word) {
                return Some(("an HTTP `Authorization` credential", from, from + len));
            }
        }
    }
    None
}

/// The shortest token `classify_token` knows: a Slack token (`xoxb-` and 10 more).
const SHORTEST_TOKEN: usize = 15;

fn classify_token(w: &str) -> Option<&'static str> {
    if w.len() < SHORTEST_TOKEN {
        return None;
    }
    let after = |p: &str| w.strip_prefix(p);
    for p in ["AKIA", "ASIA", "ABIA", "ACCA"] {
        if let Some(rest) = after(p) {
            if rest.len() == 16 && all_bytes(rest, |b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
                return Some("an AWS access key ID");
            }
        }
    }
    for p in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"] {
        if let Some(rest) = after(p) {
            if rest.len() >= 36 && all_bytes(rest, alnum) {
                return Some("a GitHub token");
            }
        }
    }
    if let Some(rest) = after("github_pat_") {
        if rest.len() >= 22 && all_bytes(rest, |b| alnum(b) || b == b'_') {
            return Some("a GitHub token");
        }
    }
    if let Some(rest) = after("glpat-") {
        if rest.len() >= 20 && all_bytes(rest, b64url) {
            return Some("a GitLab token");
        }
    }
    for p in ["xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"] {
        if let Some(rest) = after(p) {
            if rest.len() >= 10 && all_bytes(rest, |b| alnum(b) || b == b'-') {
                return Some("a Slack token");
            }
        }
    }
    for p in ["sk_live_", "rk_live_"] {
        if let Some(rest) = after(p) {
            if rest.len() >= 20 && all_bytes(rest, alnum) {
                return Some("a Stripe live key");
            }
        }
    }
    if let Some(rest) = after("AIza") {
        if rest.len() == 35 && all_bytes(rest, b64url) {
            return Some("a Google API key");
        }
    }
    if let Some(rest) = after("npm_") {
        if rest.len() == 36 && all_bytes(rest, alnum) {
            return Some("an npm token");
        }
    }
    if let Some(rest) = after("dckr_pat_") {
        if rest.len() >= 20 && all_bytes(rest, b64url) {
            return Some("a Docker Hub token");
        }
    }
    for p in ["sk-proj-", "sk-ant-"] {
        if let Some(rest) = after(p) {
            if rest.len() >= 20 && all_bytes(rest, b64url) {
                return Some("an AI provider API key");
            }
        }
    }
    if let Some(rest) = after("hvs.") {
        if rest.len() >= 24 && all_bytes(rest, b64url) {
            return Some("a Vault token");
        }
    }
    if let Some(rest) = after("SG.") {
        let mut parts = rest.split('.');
        if let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) {
            if a.len() == 22 && b.len() == 43 && all_bytes(a, b64url) && all_bytes(b, b64url) {
                return Some("a SendGrid API key");
            }
        }
    }
    if w.starts_with("eyJ") {
        let parts: Vec<&str> = w.split('.').collect();
        if let [h, p, s] = parts.as_slice() {
            if p.starts_with("eyJ") && h.len() >= 10 && p.len() >= 10 && s.len() >= 10 && [h, p, s].iter().all(|x| all_bytes(x, b64url)) {
                return Some("a JSON Web Token");
            }
        }
    }
    None
}

/// Whether `text` has a `://` (as `str::contains` says, with a byte search).
pub fn has_scheme_separator(text: &str) -> bool {
    scheme_separator(text, 0).is_some()
}

/// Where `://` is in `text`, from `from` on (a byte search: most values have no colon at all).
fn scheme_separator(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        let at = i + bytes.get(i..)?.iter().position(|&b| b == b':')?;
        if bytes.get(at + 1..at + 3) == Some(b"//".as_slice()) {
            return Some(at);
        }
        i = at + 1;
    }
}

/// Credentials in a URL (`scheme://user:password@host`): the user and the password's byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlCredentials {
    pub user: String,
    pub password: String,
    /// Byte range of the password in the text.
    pub start: usize,
    pub end: usize,
}

/// `text` with the password of its first URL with credentials masked (`https://ci:glp***@host`),
/// for messages, which must not echo a secret.
pub fn mask_url_password(text: &str) -> String {
    match url_credentials(text) {
        Some(c) => format!(
            "{}{}{}",
            text.get(..c.start).unwrap_or(""),
            composeguard_model::interpolate::mask(&c.password),
            text.get(c.end..).unwrap_or("")
        ),
        None => text.to_string(),
    }
}

/// Finds the first URL with a password in `text`.
pub fn url_credentials(text: &str) -> Option<UrlCredentials> {
    let mut from = 0;
    while let Some(pos) = scheme_separator(text, from) {
        from = pos + 3;
        let before = text.get(..pos).unwrap_or("");
        let scheme_len = before.bytes().rev().take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-')).count();
        let scheme = before.get(before.len() - scheme_len..).unwrap_or("");
        if !scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        let auth_start = pos + 3;
        let rest = text.get(auth_start..).unwrap_or("");
        let auth_len = rest.find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '`') || c.is_whitespace()).unwrap_or(rest.len());
        let authority = rest.get(..auth_len).unwrap_or("");
        let Some(at) = authority.rfind('@') else { continue };
        let userinfo = authority.get(..at).unwrap_or("");
        let host = authority.get(at + 1..).unwrap_or("");
        let Some((user, password)) = userinfo.split_once(':') else { continue };
        if password.is_empty() || host.is_empty() || password.bytes().all(|b| b == b'*' || b == b'x' || b == b'X') {
            continue;
        }
        let start = auth_start + user.len() + 1;
        return Some(UrlCredentials { user: user.to_string(), password: password.to_string(), start, end: start + password.len() });
    }
    None
}

/// Byte ranges of compose variable references (`${…}` and `$NAME`) in source text.
pub fn variable_regions(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b.get(i) != Some(&b'$') {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let start = i;
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < b.len() {
                    match b.get(j) {
                        Some(b'{') => depth += 1,
                        Some(b'}') => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                let end = (j + 1).min(b.len());
                out.push((start, end));
                i = end;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == b'_' => {
                let start = i;
                i += 1;
                while b.get(i).is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_') {
                    i += 1;
                }
                out.push((start, i));
            }
            _ => i += 1,
        }
    }
    out
}

/// Where a value is written literally in the source: `Some(sub-span)` when `needle` appears
/// outside any `${…}` under `span`; `Some(span)` when it does not appear but the source has no
/// variable (YAML escapes or folding changed it); `None` when the value came from interpolation.
/// A value that came through an alias is read, and reported, at its `anchor`: a literal copied
/// into several services is one place to fix.
pub fn literal_span(cx: &Context<'_>, span: Span, anchor: Option<Span>, needle: &str) -> Option<Span> {
    // a value an alias copied is written at its anchor, and found there
    let written = anchor.unwrap_or(span);
    let text = cx.text(written);
    if needle.is_empty() {
        return None;
    }
    let regions = variable_regions(text);
    let mut from = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find(needle)).map(|p| p + from) {
        let end = pos + needle.len();
        if !regions.iter().any(|(s, e)| pos < *e && end > *s) {
            return Some(written.sub(pos, needle.len()));
        }
        from = pos + text.get(pos..).and_then(|t| t.chars().next()).map_or(1, char::len_utf8);
    }
    if has_variable(text) {
        None
    } else {
        Some(written)
    }
}

/// Whether the source that wrote a value (at its anchor, when it came through an alias) uses
/// interpolation.
pub fn written_with_variable(cx: &Context<'_>, span: Span, anchor: Option<Span>) -> bool {
    has_variable(cx.text(anchor.unwrap_or(span)))
}

/// Whether `key` is the ID half of an S3-style key pair: an access key (`MINIO_ACCESS_KEY`,
/// `S3_ACCESSKEY`) written next to its secret key (`MINIO_SECRET_KEY`), as `has` tells. The
/// secret key is the credential; the access key names the account, as `AWS_ACCESS_KEY_ID` does.
pub fn is_access_key_id(key: &str, has: impl Fn(&str) -> bool) -> bool {
    let upper = key.to_ascii_uppercase();
    let Some(prefix) = upper.strip_suffix("ACCESS_KEY").or_else(|| upper.strip_suffix("ACCESSKEY")) else { return false };
    if prefix.ends_with("SECRET_") || prefix.ends_with("SECRET") {
        return false;
    }
    ["SECRET_KEY", "SECRETKEY", "SECRET_ACCESS_KEY"].iter().any(|end| {
        let sibling = format!("{prefix}{end}");
        has(&sibling) || has(&sibling.to_ascii_lowercase())
    })
}

/// Whether a service runs `privileged`: every capability and device, and no confinement by
/// seccomp, `AppArmor` or `SELinux`, whatever its other settings say (the rules about those
/// leave it to the `privileged` rule).
pub fn is_privileged(service: &Service) -> bool {
    service.privileged.as_ref().is_some_and(|p| p.value)
}

/// Why a `KEY=value` entry (`environment`, `build.args`) holds a credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretReason {
    /// The key names a credential (`DB_PASSWORD`).
    Key,
    /// The value has the shape of a known token.
    Shape(&'static str),
    /// The value is a variable whose default, used whenever the variable is unset, is a literal
    /// credential written in the file (`${DB_PASSWORD:-changeme}`).
    Default,
}

/// A literal credential in a `KEY=value` entry, by key name or value shape, and where its value
/// is written. Interpolated, empty, null and obviously non-secret values are not credentials;
/// nor are URLs with a password (`credentials-in-url` reports those).
pub fn entry_secret(cx: &Context<'_>, entry: &KeyValue) -> Option<(Span, SecretReason)> {
    let value = entry.value.as_ref()?;
    let v = value.value.as_str();
    // the cheap tests first: most entries are neither named nor shaped like a secret (a byte
    // scan of the key, and a length test of the value, say so)
    let by_key = is_secret_key(&entry.key.value);
    let shape = if by_key { None } else { Some(token_shape(v)?) };
    if (is_non_secret_value(v) && !is_numeric_password(&entry.key.value, v)) || repeats_key(&entry.key.value, v) {
        return None;
    }
    // a reference compose leaves for the container (`$${DB_PASSWORD}` gives `${DB_PASSWORD}`,
    // which the entrypoint or the program expands) is no more a literal than one compose expands
    if is_whole_reference(v) || url_credentials(v).is_some() {
        return None;
    }
    if written_with_variable(cx, value.span, value.anchor) {
        return literal_default(cx, entry, by_key);
    }
    // where the key and the value are written (at their anchor, when an alias copied them)
    let key_at = entry.key.anchor.unwrap_or(entry.key.span);
    let value_at = value.anchor.unwrap_or(value.span);
    let list_form = key_at.start >= value_at.start && key_at.end <= value_at.end;
    let span = if list_form { find_after(cx, value_at, "=", v) } else { crate::rules::util::find_in(cx, value_at, v) };
    let Some((what, start, end)) = shape else { return Some((span, SecretReason::Key)) };
    let token = v.get(start..end)?;
    Some((crate::rules::util::find_in(cx, span, token), SecretReason::Shape(what)))
}

/// A credential written as the default of the one variable a `KEY=value` entry's value is
/// (`${DB_PASSWORD:-changeme}`, `${TOKEN-ghp_…}`), and where the default is written. An empty
/// default, `${X:?error}`, a default that is a variable, a placeholder or not a credential are
/// none; nor is a reference escaped for the container (`$${X:-y}`).
fn literal_default(cx: &Context<'_>, entry: &KeyValue, by_key: bool) -> Option<(Span, SecretReason)> {
    let value = entry.value.as_ref()?;
    let key_at = entry.key.anchor.unwrap_or(entry.key.span);
    let value_at = value.anchor.unwrap_or(value.span);
    let mut written = cx.text(value_at);
    // the list form writes `KEY=${…}` in one item
    if key_at.start >= value_at.start && key_at.end <= value_at.end {
        written = written.split_once('=')?.1;
    }
    let written = written.trim();
    let written = crate::rules::util::unquoted(written);
    let (default, _) = reference_default(written)?;
    if is_non_secret_value(default) || repeats_key(&entry.key.value, default) {
        return None;
    }
    if !by_key && token_shape(default).is_none() {
        return None;
    }
    Some((crate::rules::util::find_in(cx, value_at, default), SecretReason::Default))
}

/// The default of a variable reference that is the whole of `text` (`${NAME:-default}`,
/// `${NAME-default}`), and its byte offset in `text`. None for any other text, for
/// `${NAME:?message}`, and for a default that holds another reference.
pub fn reference_default(text: &str) -> Option<(&str, usize)> {
    let inner = text.strip_prefix("${")?.strip_suffix('}')?;
    let name_end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (name, rest) = inner.split_at(name_end);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    if default.contains(['$', '{', '}']) {
        return None;
    }
    Some((default, 2 + name_end + (rest.len() - default.len())))
}

/// Whether a value is one variable reference and nothing else (`$TOKEN`, `${TOKEN}`,
/// `${TOKEN:-x}`).
pub fn is_whole_reference(value: &str) -> bool {
    let v = value.trim();
    if let Some(inner) = v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        return !inner.contains(['{', '}', '$']);
    }
    v.strip_prefix('$').is_some_and(|name| {
        name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    })
}

/// A service's command lines, by key (see [`command_lists`]).
pub type CommandLists<'a> = Vec<(Cow<'static, str>, Cow<'a, [Spanned<String>]>)>;

/// The checked services (as [`Context::services`] gives them, in order) with their command
/// lines, split once a lint, on first use: a shell string's split was 5 300 instructions, and
/// two rules read every command.
pub fn checked_command_lists<'c, 'a>(cx: &'c Context<'a>) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service, &'c CommandLists<'a>)> + 'c {
    cx.per_service(&cx.command_lists, command_lists)
}

/// The command lines of a service, by key: `command`, `entrypoint`, `healthcheck.test`, hooks.
/// A list written as a list is borrowed, not copied (only a shell string is split into new
/// words).
fn command_lists(service: &Service) -> CommandLists<'_> {
    fn args(c: &Command) -> Cow<'_, [Spanned<String>]> {
        match c {
            Command::Exec(list) => Cow::Borrowed(list.as_slice()),
            Command::Shell(_) => Cow::Owned(c.args()),
        }
    }
    let mut out = Vec::new();
    if let Some(c) = service.command.as_ref() {
        out.push((Cow::Borrowed("command"), args(c)));
    }
    if let Some(c) = service.entrypoint.as_ref() {
        out.push((Cow::Borrowed("entrypoint"), args(c)));
    }
    if let Some(test) = service.healthcheck.as_ref().and_then(|h| h.test.as_ref()) {
        if test.value.kind() != Some("NONE") {
            out.push((Cow::Borrowed("healthcheck.test"), Cow::Borrowed(test.value.0.get(1..).unwrap_or_default())));
        }
    }
    for (key, hooks) in [("post_start", &service.post_start), ("pre_stop", &service.pre_stop)] {
        for (i, hook) in hooks.iter().enumerate() {
            if let Some(c) = hook.command.as_ref() {
                out.push((Cow::Owned(format!("{key}[{i}].command")), args(c)));
            }
        }
    }
    out
}

/// Every URL with a password in `text`.
pub fn all_url_credentials(text: &str) -> Vec<UrlCredentials> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(mut c) = text.get(from..).and_then(url_credentials) {
        c.start += from;
        c.end += from;
        from = c.end;
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Namespaces

/// Reports `key: host` on a service (`network_mode`, `pid`, `ipc`, `uts`, `userns_mode`).
pub fn report_host_namespace(
    out: &mut crate::rule::Findings<'_>,
    svc: &str,
    field: Option<&Spanned<String>>,
    key: &str,
    what: &str,
    help: &str,
) {
    let Some(value) = field.filter(|v| v.value == "host") else { return };
    out.report(value.span, format!("service `{svc}` shares the host's {what} (`{key}: host`)"))
        .path(format!("services.{svc}.{key}"))
        .service(svc)
        .anchor(value.anchor)
        .help(help.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps() {
        assert_eq!(normalize_cap("cap_sys_admin"), "SYS_ADMIN");
        assert_eq!(normalize_cap(" SYS_ADMIN "), "SYS_ADMIN");
        assert_eq!(normalize_cap("all"), "ALL");
        assert_eq!(normalize_cap("CAP_ALL"), "CAP_ALL");
    }

    #[test]
    fn security_opt_forms() {
        assert_eq!(split_security_opt("no-new-privileges"), ("no-new-privileges", None));
        assert_eq!(split_security_opt("no-new-privileges:true"), ("no-new-privileges", Some("true")));
        assert_eq!(split_security_opt("no-new-privileges=true"), ("no-new-privileges", Some("true")));
        assert_eq!(split_security_opt("seccomp=/p:x.json"), ("seccomp", Some("/p:x.json")));
        assert_eq!(split_security_opt("label:disable"), ("label", Some("disable")));
    }

    #[test]
    fn host_paths() {
        assert_eq!(normalize_host_path("//var/run/docker.sock").as_deref(), Some("/var/run/docker.sock"));
        assert_eq!(normalize_host_path("/etc/").as_deref(), Some("/etc"));
        assert_eq!(normalize_host_path("/var/run/../lib/docker").as_deref(), Some("/var/lib/docker"));
        assert_eq!(normalize_host_path("~/.ssh/").as_deref(), Some("~/.ssh"));
        assert_eq!(normalize_host_path("~").as_deref(), Some("~"));
        assert_eq!(normalize_host_path("./data"), None);
        assert_eq!(normalize_host_path("data"), None);
        assert!(is_at_or_under("/etc/ssh", "/etc"));
        assert!(!is_at_or_under("/etcetera", "/etc"));
        assert!(is_ancestor_of("/var", "/var/lib/docker"));
    }

    #[test]
    fn sockets() {
        assert_eq!(runtime_socket("/var/run/docker.sock"), Some("Docker"));
        assert_eq!(runtime_socket("/run/user/1000/podman/podman.sock"), Some("Podman"));
        assert_eq!(runtime_socket("/run/containerd/containerd.sock.ttrpc"), Some("containerd"));
        assert_eq!(runtime_socket("/var/run"), Some("container runtime"));
        assert_eq!(runtime_socket("/run/user/1000"), Some("rootless container runtime"));
        assert_eq!(runtime_socket("/run/myapp"), None);
        assert_eq!(runtime_socket("/run/user/1000/app"), None);
        assert_eq!(runtime_socket("/"), None);
        assert!(is_docker_pipe(r"\\.\pipe\docker_engine"));
    }

    #[test]
    fn path_classes() {
        assert!(root_equivalent("/etc").is_some());
        assert!(root_equivalent("/etc/cron.d/job").is_some());
        assert!(root_equivalent("/etc/localtime").is_none());
        assert!(root_equivalent("/etc/nginx").is_none());
        assert!(root_equivalent("/var").is_some());
        assert!(root_equivalent("/usr").is_some());
        assert!(root_equivalent("/usr/share/zoneinfo").is_none());
        assert!(root_equivalent("/home/me/app").is_none());
        assert!(root_equivalent("/srv/data").is_none());
        assert!(sensitive("/etc").is_some());
        assert!(sensitive("/etc/localtime").is_none());
        assert!(sensitive("/etc/passwd").is_none());
        assert!(sensitive("/etc/shadow").is_some());
        assert!(sensitive("/home").is_some());
        assert!(sensitive("/home/me").is_some());
        assert!(sensitive("/home/me/project").is_none());
        assert!(sensitive("/home/me/.ssh").is_some());
        assert!(sensitive("~/.aws/credentials").is_some());
        assert!(sensitive("/var/lib/docker/containers").is_some());
        assert!(sensitive("/var").is_some());
        assert!(sensitive("/var/log").is_none());
        assert!(sensitive("/proc/cpuinfo").is_some());
        assert!(sensitive("/dev").is_some());
        assert!(sensitive("/dev/null").is_none());
        assert!(sensitive("/srv").is_none());
        assert!(sensitive("/root").is_some());
        assert!(sensitive("/root/.bash_history").is_some());
        assert!(sensitive("/root/app").is_none());
        assert!(sensitive("/root/app/.ssh").is_some());
        assert!(root_equivalent("/root/app/data").is_none());
        // a folder of one's own under /etc/docker, not the daemon's files
        assert!(sensitive("/etc/docker/volumes/traefik/traefik.yml").is_none());
        assert!(root_equivalent("/etc/docker/volumes/adguard/work").is_none());
        for daemon in ["/etc/docker", "/etc/docker/daemon.json", "/etc/docker/certs.d/registry:5000", "/etc/docker/ca.pem", "/etc/docker/tls/key.pem", "/etc/docker/plugins"] {
            assert!(sensitive(daemon).is_some(), "{daemon}");
            assert!(root_equivalent(daemon).is_some(), "{daemon}");
        }
        assert!(root_equivalent("/root/.ssh").is_some());
        assert!(sensitive("/var/lib/docker/volumes").is_some());
        assert!(sensitive("/var/lib/docker/volumes/db/_data").is_none());
        assert!(root_equivalent("/var/lib/docker/volumes/db/_data").is_none());
        assert!(sensitive("/usr/share/zoneinfo").is_none());
    }

    #[test]
    fn secret_keys() {
        for k in [
            "DB_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "POSTGRES_PASSWORD",
            "REDIS_PASS",
            "api_key",
            "apiKey",
            "GITHUB_TOKEN",
            "JWT_SECRET",
            "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY",
            "MINIO_ACCESS_KEY",
            "ENCRYPTION_KEY",
            "APP_KEY",
            "CLIENT_SECRET",
            "DB_PWD",
            "SMTP_PASSWD",
            "CONNECT_CONFIG_PROVIDERS_SECRET_PARAM_KAFKASTORE_SSL_KEYSTORE_PASSWORD",
            "KAFKA_SSL_KEYSTORE_PASSWORD",
            "APP_AWS_CREDENTIALS_AWS_SECRET_ACCESS_KEY",
            "AUTHENTICATION_APIKEY_ALLOWED_KEYS",
            "DB_CREDENTIALS",
            "CLUSTER_TOKEN",
            "K3S_CLUSTER_SECRET",
            "VAULT_DEV_ROOT_TOKEN_ID",
            "dev-root-token-id",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "DB_PASSWORD_FILE",
            "ETCD_INITIAL_CLUSTER_TOKEN",
            "PASSWORD_MIN_LENGTH",
            "TOKEN_TTL",
            "SECRET_NAME",
            "AWS_ACCESS_KEY_ID",
            "PWD",
            "KEY",
            "BYPASS_CACHE",
            "PASSTHROUGH",
            "POSTGRES_HOST_AUTH_METHOD",
            "SSH_KEY_PATH",
            "KEYCLOAK_URL",
            "MONKEY",
            "password_encryption",
            "NEXT_PUBLIC_API_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "DB_USER",
            // Kafka Connect settings that name what reads a secret, not the secret
            "CONNECT_CONFIG_PROVIDERS_SECRET_CLASS",
            "CONNECT_CONFIG_PROVIDERS_SECRET_PARAM_KAFKASTORE_BOOTSTRAP_SERVERS",
            "CONNECT_CONFIG_PROVIDERS_SECRET_PARAM_KAFKASTORE_SASL_MECHANISM",
            "KSQL_KSQL_SCHEMA_REGISTRY_BEARER_AUTH_CREDENTIALS_SOURCE",
            // Confluent's file names, and settings grouped under a secret's prefix
            "KAFKA_SSL_KEYSTORE_CREDENTIALS",
            "KAFKA_SSL_TRUSTSTORE_CREDENTIALS",
            "APP_AWS_CREDENTIALS_AWS_REGION",
            "APP_AWS_CREDENTIALS_AWS_ENDPOINT_URL_S3",
            "AUTHENTICATION_APIKEY_USERS",
            "SECRET_FORCED_LANGUAGE",
            // a hash of the password, named by its algorithm
            "GRAYLOG_ROOT_PASSWORD_SHA2",
            "ADMIN_PASSWORD_BCRYPT",
            // how secrets are stored, checked or cached
            "DOVECOT_PASS_SCHEME",
            "PASSWORD_HASHERS",
            "AUTH_PASSWORD_VALIDATORS",
            "LDAP_BIND_PASSWORD_ATTRIBUTE",
            "TOKEN_CACHE",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn access_key_ids() {
        let env = ["MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "S3_ACCESSKEY", "S3_SECRETKEY", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY"];
        let has = |k: &str| env.contains(&k);
        assert!(is_access_key_id("MINIO_ACCESS_KEY", has));
        assert!(is_access_key_id("S3_ACCESSKEY", has));
        assert!(is_access_key_id("AWS_ACCESS_KEY", has));
        // the secret half, and an access key with no secret key next to it
        assert!(!is_access_key_id("AWS_SECRET_ACCESS_KEY", has));
        assert!(!is_access_key_id("WEATHER_ACCESS_KEY", has));
        assert!(!is_access_key_id("MINIO_SECRET_KEY", has));
    }

    #[test]
    fn values() {
        for v in [
            "",
            "true",
            "False",
            "8080",
            "1.5",
            "/run/secrets/db",
            "/etc/app/key.pem",
            "\"\"",
            "''",
            "./secrets/db.txt",
            "%kernel.project_dir%/config/jwt/private.pem",
            "certs/tls.key",
            "<YOUR-GAME-SERVER-TOKEN>",
            "\"<secret key>\"",
            "[EUFY_PASSWORD]",
            "sk-xxxx",
            "XXX-XXX",
            "********",
            "{{ secret_key }}",
            "\"{{ .Values.db.password }}\"",
        ] {
            assert!(is_non_secret_value(v), "{v}");
        }
        for v in ["hunter2", "changeme", "s3cr3t!", "a b", "\"hunter2\"", "ab/cd+ef==", "x/.pem", "secret.key", "<a>b>", "xx", "x-secret", "boxxx"] {
            assert!(!is_non_secret_value(v), "{v}");
        }
    }

    /// The byte pre-check lets through every word that names a secret, in any case (a word
    /// added to the list without its part in the pre-check would never be found).
    #[test]
    fn the_secret_pre_check_lets_every_secret_word_through() {
        for w in SECRET_WORDS {
            assert!(may_name_secret(w) && may_name_secret(&format!("db_{}", w.to_lowercase())), "{w}");
        }
        assert!(!may_name_secret("NODE_ENV") && !may_name_secret("TZ"));
    }

    #[test]
    fn tokens() {
        assert_eq!(token_shape("AKIAIOSFODNN7EXAMPLE").map(|t| t.0), Some("an AWS access key ID"));
        assert_eq!(token_shape("token ghp_0123456789abcdefghijABCDEFGHIJ012345 x").map(|t| (t.1, t.2)), Some((6, 46)));
        assert!(token_shape("-----BEGIN RSA PRIVATE KEY-----\nMII").is_some());
        assert!(token_shape("-----BEGIN CERTIFICATE-----").is_none());
        assert!(token_shape("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnop").is_some());
        assert!(token_shape("AKIA_NOT_A_KEY").is_none());
        // the shortest shapes: a Slack token of 15 bytes, a PEM header of 27
        assert_eq!(token_shape("xoxb-0123456789").map(|t| t.0), Some("a Slack token"));
        assert!(token_shape("xoxb-012345678").is_none());
        assert!(token_shape("-----BEGIN PRIVATE KEY-----").is_some());
        assert!(token_shape("plain words").is_none());
        // an HTTP Authorization value
        assert_eq!(token_shape("Bearer 0b7c6f2e9a4d4b1f8e3c").map(|t| (t.0, t.1, t.2)), Some(("an HTTP `Authorization` credential", 7, 27)));
        assert!(token_shape("Authorization: Basic dXNlcjpwYXNzd29yZA==").is_some());
        assert!(token_shape("Basic realm").is_none());
        assert!(token_shape("Bearer <token>").is_none());
        assert!(token_shape("Bearer ${API_TOKEN}").is_none());
        assert!(token_shape("Bearer xxxxxxxxxxxxxxxxxxxx").is_none());
        assert!(token_shape("UseBearer 0b7c6f2e9a4d4b1f8e3c").is_none());
    }

    #[test]
    fn urls() {
        let c = url_credentials("postgres://app:s3cret@db:5432/app").map(|c| (c.user, c.password, c.start, c.end));
        assert_eq!(c, Some(("app".to_string(), "s3cret".to_string(), 15, 21)));
        assert!(url_credentials("redis://:pw@cache:6379").is_some());
        assert!(url_credentials("postgres://app@db/app").is_none());
        assert!(url_credentials("http://example.com/a:b@c").is_none());
        assert!(url_credentials("postgres://app:@db/app").is_none());
        assert!(url_credentials("https://user:***@host").is_none());
        assert!(url_credentials("see https://x.io and amqp://guest:guest@rabbit:5672/").is_some());
    }

    #[test]
    fn regions() {
        assert_eq!(variable_regions("a${B:-${C}}d$E f$$G"), vec![(1, 11), (12, 14)]);
    }
}
