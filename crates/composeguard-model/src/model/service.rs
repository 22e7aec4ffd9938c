//! A service and everything under it.

use crate::IndexMap;
use schemars::JsonSchema;
use serde::de::SeqAccess;
use serde::{Deserialize, Deserializer, Serialize};

use super::values::{deserialize_by_kind, next_as, ByKind, Kind, StrOr};
use super::{
    compose_struct, BoolOrString, ByteSize, Command, List, Duration, Field, FileMode, IntText, Integer, Json, ListOrDict, Number, StringOrList,
    Text, TruncatedInteger, WholeInteger,
};
use crate::span::{Span, Spanned};

/// A list-like value with its own reader, usable as a model field.
macro_rules! newtype_list {
    ($(#[$m:meta])* $name:ident($inner:ty) = $reader:ident) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $reader(d).map($name)
            }
        }

        impl std::ops::Deref for $name {
            type Target = $inner;
            fn deref(&self) -> &$inner {
                &self.0
            }
        }

        impl super::Omit for $name {
            fn omit(&self) -> bool {
                self.0.is_empty()
            }
        }
    };
}

// The large sections that most services leave out are boxed, so a file with many services holds
// a few kilobytes per service, not eight (`model::size_tests`).
compose_struct! {
    /// A service: one container definition, run as one or more replicas.
    pub struct Service +ext {
        pub develop: Option<Box<Develop>>,
        pub deploy: Option<Box<Deploy>>,
        pub annotations: ListOrDict,
        pub attach: Field<bool>,
        pub build: Option<Box<Spanned<Build>>>,
        pub blkio_config: Option<Box<BlkioConfig>>,
        pub cap_add: List<Spanned<String>>,
        pub cap_drop: List<Spanned<String>>,
        pub cgroup: Field<CgroupMode>,
        pub cgroup_parent: Field<String>,
        pub command: Option<Command>,
        pub configs: List<Spanned<FileRef>>,
        pub container_name: Field<String>,
        pub cpu_count: Field<Integer>,
        pub cpu_percent: Field<Number>,
        pub cpu_shares: Field<Number>,
        pub cpu_quota: Field<Number>,
        pub cpu_period: Field<Number>,
        pub cpu_rt_period: Field<Number>,
        pub cpu_rt_runtime: Field<Number>,
        pub cpus: Field<Number>,
        pub cpuset: Field<String>,
        pub credential_spec: Option<Box<CredentialSpec>>,
        pub depends_on: DependsOn,
        pub device_cgroup_rules: List<Spanned<String>>,
        pub devices: List<Spanned<Device>>,
        pub dns: Option<StringOrList>,
        pub dns_opt: List<Spanned<String>>,
        pub dns_search: Option<StringOrList>,
        pub domainname: Field<String>,
        pub entrypoint: Option<Command>,
        pub env_file: EnvFiles,
        pub label_file: Option<StringOrList>,
        pub environment: ListOrDict,
        pub expose: List<Spanned<Text>>,
        pub extends: Option<Box<Spanned<Extends>>>,
        pub provider: Option<Box<Provider>>,
        pub external_links: List<Spanned<String>>,
        pub extra_hosts: ExtraHosts,
        pub gpus: Option<Spanned<Gpus>>,
        pub group_add: List<Spanned<Text>>,
        pub healthcheck: Option<Box<Healthcheck>>,
        pub hostname: Field<String>,
        pub image: Field<String>,
        pub init: Field<bool>,
        pub ipc: Field<String>,
        pub isolation: Field<String>,
        pub labels: ListOrDict,
        pub links: List<Spanned<String>>,
        pub logging: Option<Box<Logging>>,
        pub mac_address: Field<String>,
        pub mem_limit: Field<ByteSize>,
        pub mem_reservation: Field<ByteSize>,
        pub mem_swappiness: Field<ByteSize>,
        pub memswap_limit: Field<ByteSize>,
        pub network_mode: Field<String>,
        pub models: ServiceModels,
        pub networks: ServiceNetworks,
        pub oom_kill_disable: Field<bool>,
        pub oom_score_adj: Field<Integer>,
        pub pid: Field<String>,
        pub pids_limit: Field<Number>,
        pub platform: Field<String>,
        pub ports: Ports,
        pub post_start: Vec<Hook>,
        pub pre_stop: Vec<Hook>,
        pub privileged: Field<bool>,
        pub profiles: List<Spanned<String>>,
        pub pull_policy: Field<String>,
        pub pull_refresh_after: Field<String>,
        pub read_only: Field<bool>,
        pub restart: Field<String>,
        pub runtime: Field<String>,
        pub scale: Field<Integer>,
        pub security_opt: List<Spanned<String>>,
        pub shm_size: Field<ByteSize>,
        pub secrets: List<Spanned<FileRef>>,
        pub sysctls: ListOrDict,
        pub stdin_open: Field<bool>,
        pub stop_grace_period: Field<Duration>,
        pub stop_signal: Field<String>,
        pub storage_opt: IndexMap<String, Json>,
        pub tmpfs: Option<StringOrList>,
        pub tty: Field<bool>,
        pub ulimits: IndexMap<Spanned<String>, Spanned<Ulimit>>,
        pub use_api_socket: Field<bool>,
        pub user: Field<String>,
        pub uts: Field<String>,
        pub userns_mode: Field<String>,
        pub volumes: List<Spanned<ServiceVolume>>,
        pub volumes_from: List<Spanned<String>>,
        pub working_dir: Field<String>,
    }
}

/// `cgroup: host | private`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CgroupMode {
    Host,
    Private,
}

/// `build`: a context path (short syntax) or the build object.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Build {
    #[serde(flatten)]
    pub config: BuildConfig,
    /// Written as a plain context path.
    #[serde(skip)]
    pub short: bool,
}

impl<'de> Deserialize<'de> for Build {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StrOr::<BuildConfig>::deserialize(d)? {
            StrOr::Str(s) => Build { config: BuildConfig { context: Some(Box::new(s)), ..BuildConfig::default() }, short: true },
            StrOr::Other(config) => Build { config, short: false },
        })
    }
}

compose_struct! {
    /// The long syntax of `build`.
    pub struct BuildConfig +ext {
        pub context: Field<String>,
        pub dockerfile: Field<String>,
        pub dockerfile_inline: Field<String>,
        pub entitlements: List<Spanned<String>>,
        pub args: ListOrDict,
        pub ssh: ListOrDict,
        pub labels: ListOrDict,
        pub cache_from: List<Spanned<String>>,
        pub cache_to: List<Spanned<String>>,
        pub no_cache: Field<bool>,
        pub additional_contexts: ListOrDict,
        pub network: Field<String>,
        pub provenance: Field<BoolOrString>,
        pub sbom: Field<BoolOrString>,
        pub pull: Field<bool>,
        pub target: Field<String>,
        pub shm_size: Field<ByteSize>,
        pub extra_hosts: ExtraHosts,
        pub isolation: Field<String>,
        pub privileged: Field<bool>,
        pub secrets: List<Spanned<FileRef>>,
        pub tags: List<Spanned<String>>,
        pub ulimits: IndexMap<Spanned<String>, Spanned<Ulimit>>,
        pub platforms: List<Spanned<String>>,
    }
}

compose_struct! {
    /// Block IO limits.
    pub struct BlkioConfig {
        pub device_read_bps: Vec<BlkioLimit>,
        pub device_read_iops: Vec<BlkioLimit>,
        pub device_write_bps: Vec<BlkioLimit>,
        pub device_write_iops: Vec<BlkioLimit>,
        pub weight: Field<Integer>,
        pub weight_device: Vec<BlkioWeight>,
    }
}

compose_struct! {
    /// A per-device IO rate limit.
    pub struct BlkioLimit {
        pub path: Field<String>,
        pub rate: Field<ByteSize>,
    }
}

compose_struct! {
    /// A per-device IO weight.
    pub struct BlkioWeight {
        pub path: Field<String>,
        pub weight: Field<Integer>,
    }
}

compose_struct! {
    /// Windows credential spec.
    pub struct CredentialSpec +ext {
        pub config: Field<String>,
        pub file: Field<String>,
        pub registry: Field<String>,
    }
}

/// `depends_on`, normalised to the long syntax.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct DependsOn {
    pub services: IndexMap<Spanned<String>, Dependency>,
    /// Written as a list of names.
    #[serde(skip)]
    pub short: bool,
}

impl DependsOn {
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &Dependency)> {
        self.services.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
    }
}

impl super::Omit for DependsOn {
    fn omit(&self) -> bool {
        self.services.is_empty()
    }
}

/// The condition a dependent service waits for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    #[default]
    ServiceStarted,
    ServiceHealthy,
    ServiceCompletedSuccessfully,
}

compose_struct! {
    /// One dependency in the long syntax.
    pub struct Dependency +ext {
        pub condition: Field<Condition>,
        pub restart: Field<bool>,
        pub required: Field<bool>,
    }
}

impl Dependency {
    pub fn condition(&self) -> Condition {
        self.condition.as_ref().map(|c| c.value).unwrap_or_default()
    }

    /// `required` defaults to true.
    pub fn required(&self) -> bool {
        self.required.as_ref().is_none_or(|r| r.value)
    }
}

impl<'de> ByKind<'de> for DependsOn {
    const EXPECTING: &'static str = "a list of service names or a mapping";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::Seq => {
                let names: List<Spanned<String>> = next_as(seq)?;
                let services = names
                    .into_iter()
                    .map(|n| {
                        let dep = Dependency { loc: Spanned::new((), n.span), ..Dependency::default() };
                        (n, dep)
                    })
                    .collect();
                Ok(DependsOn { services, short: true })
            }
            Kind::Map => Ok(DependsOn { services: next_as(seq)?, short: false }),
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for DependsOn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

/// A device mapping, normalised from `"/dev/x:/dev/y:rwm"` or the object form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Device {
    pub source: String,
    pub target: Option<String>,
    pub permissions: Option<String>,
}

compose_struct! {
    /// The long syntax of a device mapping.
    pub struct DeviceLong +ext {
        pub source: Field<String>,
        pub target: Field<String>,
        pub permissions: Field<String>,
    }
}

impl<'de> Deserialize<'de> for Device {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StrOr::<DeviceLong>::deserialize(d)? {
            StrOr::Str(s) if s.value.split(':').count() > 3 => {
                return Err(serde::de::Error::custom(format!("`{}` is a confusing device mapping; use the long syntax", s.value)));
            }
            StrOr::Str(s) => {
                let mut parts = s.value.splitn(3, ':');
                Device {
                    source: parts.next().unwrap_or_default().to_string(),
                    target: parts.next().map(str::to_string),
                    permissions: parts.next().map(str::to_string),
                }
            }
            StrOr::Other(l) if l.target.is_none() => {
                return Err(serde::de::Error::custom("is missing a `target` (compose requires it for the long syntax)"));
            }
            StrOr::Other(l) => Device {
                source: l.source.map(|s| s.value).unwrap_or_default(),
                target: l.target.map(|s| s.value),
                permissions: l.permissions.map(|s| s.value),
            },
        })
    }
}

/// An `env_file` entry.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EnvFile {
    pub path: Spanned<String>,
    /// `required: false` makes a missing file fine.
    pub required: bool,
    pub format: Option<String>,
}

compose_struct! {
    /// The long syntax of an `env_file` entry.
    pub struct EnvFileLong {
        pub path: Field<String>,
        // checked with the file (`spec`): compose passes over the format of an optional file
        // that is not there
        #[schemars(with = "Field<EnvFileFormat>")]
        pub format: Field<String>,
        pub required: Field<bool>,
    }
}

/// How an env file is read: dotenv syntax (the default) or raw `KEY=value` lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum EnvFileFormat {
    #[serde(rename = "")]
    Default,
    #[serde(rename = ".env")]
    DotEnv,
    #[serde(rename = "raw")]
    Raw,
}

impl EnvFileFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Default => "",
            Self::DotEnv => ".env",
            Self::Raw => "raw",
        }
    }
}

newtype_list! {
    /// `env_file` entries (a string or a list of strings and objects).
    EnvFiles(Vec<Spanned<EnvFile>>) = env_files
}

newtype_list! {
    /// `extra_hosts`, one entry per host and address.
    ExtraHosts(Vec<Spanned<ExtraHost>>) = extra_hosts
}

newtype_list! {
    /// `ports`, one entry per port (a short-syntax range gives several).
    Ports(Vec<Spanned<Port>>) = ports
}

newtype_list! {
    /// The models a service uses.
    ServiceModels(IndexMap<Spanned<String>, Option<ServiceModel>>) = service_models
}

/// Reads `env_file` (string or list of string-or-object) into entries.
fn env_files<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<EnvFile>>, D::Error> {
    struct L(Vec<Spanned<EnvFile>>);
    impl<'de> ByKind<'de> for L {
        const EXPECTING: &'static str = "a path or a list of paths";
        fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
            match kind {
                Kind::String => {
                    let s: Spanned<String> = next_as(seq)?;
                    let span = s.span;
                    Ok(L(vec![Spanned::new(EnvFile { path: s, required: true, format: None }, span)]))
                }
                Kind::Seq => {
                    let items: List<Spanned<StrOr<EnvFileLong>>> = next_as(seq)?;
                    Ok(L(items
                        .into_iter()
                        .map(|item| {
                            let span = item.span;
                            let e = match item.value {
                                StrOr::Str(s) => EnvFile { path: s, required: true, format: None },
                                StrOr::Other(l) => EnvFile {
                                    path: l.path.map(|p| *p).unwrap_or_default(),
                                    required: l.required.is_none_or(|r| r.value),
                                    format: l.format.map(|f| f.value),
                                },
                            };
                            Spanned { value: e, span, anchor: item.anchor }
                        })
                        .collect()))
                }
                other => Err(other.mismatch(Self::EXPECTING)),
            }
        }
    }
    deserialize_by_kind::<D, L>(d).map(|l| l.0)
}

/// `extends`: a service name, or `{service, file}`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Extends {
    pub service: Spanned<String>,
    pub file: Option<Spanned<String>>,
}

compose_struct! {
    /// The long syntax of `extends`.
    pub struct ExtendsLong {
        pub service: Field<String>,
        pub file: Field<String>,
    }
}

impl<'de> Deserialize<'de> for Extends {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StrOr::<ExtendsLong>::deserialize(d)? {
            StrOr::Str(s) => Extends { service: s, file: None },
            StrOr::Other(l) => Extends { service: l.service.map(|s| *s).unwrap_or_default(), file: l.file.map(|f| *f) },
        })
    }
}

compose_struct! {
    /// A service managed by an external provider instead of a container.
    pub struct Provider +ext {
        pub r#type: Field<String>,
        pub options: IndexMap<String, Json>,
    }
}

/// One `extra_hosts` entry: a host name and an address.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExtraHost {
    pub host: String,
    pub ip: String,
}

fn extra_hosts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<ExtraHost>>, D::Error> {
    struct L(Vec<Spanned<ExtraHost>>);
    impl<'de> ByKind<'de> for L {
        const EXPECTING: &'static str = "a list of `host=ip` strings or a mapping";
        fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
            match kind {
                Kind::Seq => {
                    let items: List<Spanned<Text>> = next_as(seq)?;
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        let text = &item.value.0;
                        let Some((host, ips)) = text.split_once('=').or_else(|| text.split_once(':')) else {
                            return Err(serde::de::Error::custom(format!(
                                "extra host `{text}` has no address (write `host=ip` or `host:ip`)"
                            )));
                        };
                        check_host(host)?;
                        for ip in ips.split(',') {
                            out.push(Spanned { value: ExtraHost { host: host.to_string(), ip: strip_brackets(ip) }, span: item.span, anchor: item.anchor });
                        }
                    }
                    Ok(L(out))
                }
                Kind::Map => {
                    let map: IndexMap<Spanned<String>, Spanned<Option<StringOrListText>>> = next_as(seq)?;
                    let mut out = Vec::with_capacity(map.len());
                    for (host, ips) in map {
                        check_host(&host.value)?;
                        let span = ips.span;
                        for ip in ips.value.map_or_else(|| vec![String::new()], |l| l.0) {
                            out.push(Spanned { value: ExtraHost { host: host.value.clone(), ip: strip_brackets(&ip) }, span, anchor: ips.anchor });
                        }
                    }
                    Ok(L(out))
                }
                other => Err(other.mismatch(Self::EXPECTING)),
            }
        }
    }
    deserialize_by_kind::<D, L>(d).map(|l| l.0)
}

fn check_host<E: serde::de::Error>(host: &str) -> Result<(), E> {
    if host.is_empty() || host.contains([':', '=']) {
        return Err(E::custom(format!("bad host name `{host}`")));
    }
    Ok(())
}

fn strip_brackets(ip: &str) -> String {
    if ip.len() > 2 && ip.starts_with('[') && ip.ends_with(']') {
        ip.get(1..ip.len() - 1).unwrap_or(ip).to_string()
    } else {
        ip.to_string()
    }
}

/// A string or a list of strings (values of the `extra_hosts` mapping).
#[derive(Clone, Debug, Default)]
pub(crate) struct StringOrListText(Vec<String>);

impl<'de> Deserialize<'de> for StringOrListText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let l = StringOrList::deserialize(d)?;
        Ok(Self(l.0.into_iter().map(|s| s.value).collect()))
    }
}

/// `gpus: all` or a list of device requests.
#[derive(Clone, Debug, Serialize)]
pub enum Gpus {
    All,
    Devices(Vec<GpuRequest>),
}

compose_struct! {
    /// A GPU request (`gpus:` items; unlike `deploy` device requests, other keys are accepted).
    pub struct GpuRequest {
        pub capabilities: List<Spanned<String>>,
        pub count: Field<DeviceCount>,
        pub device_ids: List<Spanned<String>>,
        pub driver: Field<String>,
        pub options: ListOrDict,
        /// Marks that unknown keys are accepted.
        #[serde(rename = "$any")]
        #[schemars(skip)]
        pub any_keys: (),
    }
}

impl<'de> ByKind<'de> for Gpus {
    const EXPECTING: &'static str = "`all` or a list of device requests";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::String => {
                let s: String = next_as(seq)?;
                if s == "all" {
                    Ok(Gpus::All)
                } else {
                    Err(serde::de::Error::custom(format!("`{s}` is not `all`")))
                }
            }
            Kind::Seq => next_as(seq).map(Gpus::Devices),
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for Gpus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

compose_struct! {
    /// A device request (GPUs and other generic devices).
    pub struct DeviceRequest +ext {
        pub capabilities: List<Spanned<String>>,
        pub count: Field<DeviceCount>,
        pub device_ids: List<Spanned<String>>,
        pub driver: Field<String>,
        pub options: ListOrDict,
    }
}

/// `count: all` or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DeviceCount {
    All,
    Count(i64),
}

impl<'de> Deserialize<'de> for DeviceCount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let IntText(t) = IntText::deserialize(d)?;
        if t.0.eq_ignore_ascii_case("all") {
            return Ok(DeviceCount::All);
        }
        crate::interpolate::parse_go_decimal(&t.0)
            .map(DeviceCount::Count)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid value `{}`, the only value allowed is `all` or a number", t.0)))
    }
}

compose_struct! {
    /// How compose checks that a container is healthy.
    pub struct Healthcheck +ext {
        pub disable: Field<bool>,
        pub interval: Field<Duration>,
        pub retries: Field<Number>,
        pub test: Option<Spanned<HealthTest>>,
        pub timeout: Field<Duration>,
        pub start_period: Field<Duration>,
        pub start_interval: Field<Duration>,
    }
}

/// A healthcheck test, normalised: a string becomes `["CMD-SHELL", string]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct HealthTest(pub Vec<Spanned<String>>);

impl HealthTest {
    /// `CMD`, `CMD-SHELL`, `NONE` (or something else, which compose rejects).
    pub fn kind(&self) -> Option<&str> {
        self.0.first().map(|s| s.value.as_str())
    }
}

impl<'de> Deserialize<'de> for HealthTest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<super::values::Either<String, List<Spanned<String>>>>::deserialize(d)?;
        Ok(match s.value {
            super::values::Either::Left(text) => HealthTest(vec![
                Spanned { value: "CMD-SHELL".into(), span: s.span, anchor: s.anchor },
                Spanned { value: text, span: s.span, anchor: s.anchor },
            ]),
            super::values::Either::Right(v) => HealthTest(v.0),
        })
    }
}

compose_struct! {
    /// Logging driver and options.
    pub struct Logging +ext {
        pub driver: Field<String>,
        pub options: IndexMap<Spanned<String>, Option<Spanned<Text>>>,
    }
}

compose_struct! {
    /// How a service uses a model.
    pub struct ServiceModel +ext {
        pub endpoint_var: Field<String>,
        pub model_var: Field<String>,
    }
}

fn service_models<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<Spanned<String>, Option<ServiceModel>>, D::Error> {
    struct L(IndexMap<Spanned<String>, Option<ServiceModel>>);
    impl<'de> ByKind<'de> for L {
        const EXPECTING: &'static str = "a list of model names or a mapping";
        fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
            match kind {
                Kind::Seq => {
                    let names: List<Spanned<String>> = next_as(seq)?;
                    Ok(L(names.into_iter().map(|n| (n, None)).collect()))
                }
                Kind::Map => {
                    let m: IndexMap<Spanned<String>, Option<ServiceModel>> = next_as(seq)?;
                    Ok(L(m))
                }
                other => Err(other.mismatch(Self::EXPECTING)),
            }
        }
    }
    deserialize_by_kind::<D, L>(d).map(|l| l.0)
}

/// A service's networks, normalised to the mapping form.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(transparent)]
pub struct ServiceNetworks {
    pub networks: IndexMap<Spanned<String>, Option<ServiceNetwork>>,
    #[serde(skip)]
    pub short: bool,
    /// The `networks:` key was written (even if empty).
    #[serde(skip)]
    pub present: bool,
}

impl ServiceNetworks {
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &Option<ServiceNetwork>)> {
        self.networks.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.networks.is_empty()
    }
}

impl super::Omit for ServiceNetworks {
    fn omit(&self) -> bool {
        self.networks.is_empty()
    }
}

impl<'de> ByKind<'de> for ServiceNetworks {
    const EXPECTING: &'static str = "a list of network names or a mapping";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::Seq => {
                let names: List<Spanned<String>> = next_as(seq)?;
                Ok(ServiceNetworks { networks: names.into_iter().map(|n| (n, None)).collect(), short: true, present: true })
            }
            Kind::Map => Ok(ServiceNetworks { networks: next_as(seq)?, short: false, present: true }),
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for ServiceNetworks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

compose_struct! {
    /// How a service attaches to one network.
    pub struct ServiceNetwork +ext {
        pub aliases: List<Spanned<String>>,
        pub interface_name: Field<String>,
        pub ipv4_address: Field<String>,
        pub ipv6_address: Field<String>,
        pub link_local_ips: List<Spanned<String>>,
        pub mac_address: Field<String>,
        pub driver_opts: IndexMap<String, Spanned<Text>>,
        pub priority: Field<Number>,
        pub gw_priority: Field<Number>,
    }
}

/// A published or exposed port, normalised from any syntax.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Port {
    pub name: Option<String>,
    pub mode: Option<String>,
    pub host_ip: Option<String>,
    /// The container port.
    pub target: u32,
    /// The host port or range (`8080`, `8080-8081`); `None` when not published to a fixed port.
    pub published: Option<String>,
    pub protocol: Option<String>,
    pub app_protocol: Option<String>,
    /// Written in the short syntax.
    #[serde(skip)]
    pub short: bool,
    /// The target was an interpolated or otherwise non-numeric string compose resolves later.
    #[serde(skip)]
    pub unresolved: bool,
}

compose_struct! {
    /// The long syntax of a port.
    pub struct PortLong +ext {
        pub name: Field<String>,
        pub mode: Field<String>,
        pub host_ip: Field<String>,
        pub target: Field<Integer>,
        pub published: Field<IntText>,
        pub protocol: Field<String>,
        pub app_protocol: Field<String>,
    }
}

/// Reads `ports`: numbers and short strings may expand into several ports (ranges).
fn ports<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Spanned<Port>>, D::Error> {
    let items: List<Spanned<PortItem>> = List::deserialize(d)?;
    // sized exactly: collecting a flat map starts at four ports, for the one most services have
    let mut ports = Vec::with_capacity(items.iter().map(|item| item.value.0.len()).sum());
    for item in items {
        let (span, anchor) = (item.span, item.anchor);
        ports.extend(item.value.0.into_iter().map(|p| Spanned { value: p, span, anchor }));
    }
    Ok(ports)
}

struct PortItem(Vec<Port>);

impl<'de> ByKind<'de> for PortItem {
    const EXPECTING: &'static str = "a port number, a port string or a mapping";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::Int => {
                let n: i64 = next_as(seq)?;
                parse_port_spec(&n.to_string()).map(PortItem).map_err(serde::de::Error::custom)
            }
            Kind::String => {
                let s: String = next_as(seq)?;
                parse_port_spec(&s).map(PortItem).map_err(|e| {
                    // quotes pasted from a web page or a word processor are text to YAML
                    if s.contains(['\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}']) {
                        serde::de::Error::custom(format!("{e}: `“ ”` and `‘ ’` are typographic quotes, not YAML's: retype them as `\"` or `'`"))
                    } else {
                        serde::de::Error::custom(e)
                    }
                })
            }
            Kind::Map => {
                let l: PortLong = next_as(seq)?;
                let target = l.target.as_ref().map(|t| t.value.0);
                let Some(target) = target else {
                    return Err(crate::de::missing_key("target", "is missing a target port"));
                };
                // compose stores the target in 32 bits: a negative one is refused, a larger one
                // keeps its low 32 bits (`4294967297` is port 1)
                if target < 0 {
                    return Err(serde::de::Error::custom(format!("target port `{target}` cannot be negative")));
                }
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let target = target as u32;
                Ok(PortItem(vec![Port {
                    name: l.name.map(|v| v.value),
                    mode: l.mode.map(|v| v.value),
                    host_ip: l.host_ip.map(|v| v.value),
                    target,
                    published: l.published.map(|v| v.value.0 .0),
                    protocol: l.protocol.map(|v| v.value),
                    app_protocol: l.app_protocol.map(|v| v.value),
                    short: false,
                    unresolved: false,
                }]))
            }
            Kind::Float => Err(serde::de::Error::custom("must be a whole port number")),
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for PortItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

fn parse_port_number(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u32>().ok().filter(|p| *p <= 65535)
}

/// Parses `"80"`, `"8080-8081:80-81/udp"` or `"127.0.0.1::80"` as compose does; a range
/// becomes one port per number.
pub fn parse_port_spec(raw: &str) -> Result<Vec<Port>, String> {
    let parts: Vec<&str> = raw.split(':').collect();
    let (ip, host, container) = match parts.as_slice() {
        [c] => (String::new(), "", *c),
        [h, c] => (String::new(), *h, *c),
        [i, h, c] => ((*i).to_string(), *h, *c),
        many => {
            let n = many.len();
            (many.get(..n - 2).unwrap_or(&[]).join(":"), many.get(n - 2).copied().unwrap_or(""), many.get(n - 1).copied().unwrap_or(""))
        }
    };
    let (container, proto) = match container.split_once('/') {
        Some((p, proto)) => (p, proto.to_string()),
        None => (container, String::new()),
    };
    if container.is_empty() {
        // compose reads no protocol at all then (`invalid proto: `)
        return Err(format!("port `{raw}` has no container port"));
    }
    let proto_l = if proto.is_empty() { "tcp".to_string() } else { proto.to_ascii_lowercase() };
    if !matches!(proto_l.as_str(), "tcp" | "udp" | "sctp") {
        return Err(format!("invalid protocol `{proto}` in port `{raw}` (expected tcp, udp or sctp)"));
    }
    let mut ip = ip;
    if ip.starts_with('[') {
        match ip.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            Some(inner) => ip = inner.to_string(),
            None => return Err(format!("invalid IP address `{ip}` in port `{raw}`")),
        }
    }
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("invalid IP address `{ip}` in port `{raw}`"));
    }
    let range = |s: &str| -> Option<(u32, u32)> {
        match s.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (parse_port_number(a)?, parse_port_number(b)?);
                (b >= a).then_some((a, b))
            }
            None => parse_port_number(s).map(|p| (p, p)),
        }
    };
    let Some((start, end)) = range(container) else {
        return Err(format!("invalid container port `{container}` in `{raw}`"));
    };
    let mut host_range = None;
    if !host.is_empty() {
        let Some((hs, he)) = range(host) else {
            // what users wrote there: the protocol twice (`389/tcp:389/tcp`), an address glued
            // to its port (`127.0.0.180:80`)
            let hint = if let Some((port, _)) = host.split_once('/') {
                format!(": the protocol is written once, after the container port (`{port}:{container}/{}`)", if proto.is_empty() { "tcp" } else { &proto })
            } else if host.contains('.') {
                ": a host address is written before both ports, `IP:HOST_PORT:CONTAINER_PORT` (is a `:` missing?)".to_string()
            } else if host.bytes().all(|b| b.is_ascii_digit()) {
                ": a port is at most 65535".to_string()
            } else {
                String::new()
            };
            return Err(format!("invalid host port `{host}` in `{raw}`{hint}"));
        };
        if end - start != he - hs && end != start {
            return Err(format!("invalid ranges for container and host ports: `{container}` and `{host}`"));
        }
        host_range = Some((hs, he));
    }
    let count = end - start + 1;
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        let published = host_range.map(|(hs, he)| {
            if count == 1 && hs != he {
                format!("{hs}-{he}")
            } else {
                (hs + i).to_string()
            }
        });
        out.push(Port {
            name: None,
            mode: Some("ingress".into()),
            host_ip: if ip.is_empty() { None } else { Some(ip.clone()) },
            target: start + i,
            published,
            protocol: Some(proto_l.clone()),
            app_protocol: None,
            short: true,
            unresolved: false,
        });
    }
    if out.iter().any(|p| p.target == 0) {
        return Err("is missing a target port".into());
    }
    Ok(out)
}

compose_struct! {
    /// A lifecycle hook.
    pub struct Hook +ext {
        pub command: Option<Command>,
        pub user: Field<String>,
        pub privileged: Field<bool>,
        pub working_dir: Field<String>,
        pub environment: ListOrDict,
    }
}

/// A service's reference to a secret or config, normalised from a name or the object form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FileRef {
    /// The name; empty, at the entry, when the long form has no readable `source`.
    pub source: Spanned<String>,
    pub target: Option<String>,
    pub uid: Option<String>,
    pub gid: Option<String>,
    pub mode: Option<Text>,
    /// The long form without a readable `source` (missing, or of the wrong type).
    #[serde(skip)]
    pub no_source: bool,
}

compose_struct! {
    /// The long syntax of a secret or config reference.
    pub struct FileRefLong +ext {
        pub source: Field<String>,
        pub target: Field<String>,
        pub uid: Field<String>,
        pub gid: Field<String>,
        pub mode: Field<FileMode>,
    }
}

impl<'de> Deserialize<'de> for FileRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match StrOr::<FileRefLong>::deserialize(d)? {
            StrOr::Str(s) => FileRef { source: s, ..FileRef::default() },
            StrOr::Other(l) => FileRef {
                no_source: l.source.is_none(),
                source: l.source.map_or_else(|| Spanned::new(String::new(), l.loc.span), |s| *s),
                target: l.target.map(|v| v.value),
                uid: l.uid.map(|v| v.value),
                gid: l.gid.map(|v| v.value),
                mode: l.mode.map(|v| v.value.0),
            },
        })
    }
}

/// A ulimit: one value for both limits, or soft and hard.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Ulimit {
    pub single: Option<i64>,
    pub soft: Option<Spanned<i64>>,
    pub hard: Option<Spanned<i64>>,
}

compose_struct! {
    /// The long syntax of a ulimit.
    pub struct UlimitLong +ext {
        pub soft: Field<WholeInteger>,
        pub hard: Field<WholeInteger>,
    }
}

impl<'de> ByKind<'de> for Ulimit {
    const EXPECTING: &'static str = "an integer or a mapping with `soft` and `hard`";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::Int | Kind::String => {
                let v: Integer = next_as(seq)?;
                Ok(Ulimit { single: Some(v.0), soft: None, hard: None })
            }
            Kind::Map => {
                let l: UlimitLong = next_as(seq)?;
                Ok(Ulimit { single: None, soft: l.soft.map(|s| s.map(|v| v.0 .0)), hard: l.hard.map(|s| s.map(|v| v.0 .0)) })
            }
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for Ulimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

/// The type of a mount.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MountType {
    Bind,
    #[default]
    Volume,
    Tmpfs,
    Cluster,
    Npipe,
    Image,
}

/// A service mount, normalised from `"./src:/app:ro"` or the object form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ServiceVolume {
    pub r#type: MountType,
    /// Host path (bind) or volume name (volume); empty for anonymous volumes and tmpfs.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub consistency: Option<String>,
    // boxed: most mounts have none of these, and a service's mounts are read into one vector
    pub bind: Option<Box<MountBind>>,
    pub volume: Option<Box<MountVolume>>,
    pub tmpfs: Option<Box<MountTmpfs>>,
    pub image: Option<Box<MountImage>>,
    /// Written in the short syntax.
    #[serde(skip)]
    pub short: bool,
    /// Written in the long syntax with a `type` that is missing or that compose refuses (each
    /// reported): the mount is of no kind, and `r#type` is only the default.
    #[serde(skip)]
    pub untyped: bool,
}

compose_struct! {
    /// The long syntax of a mount.
    pub struct ServiceVolumeLong +ext {
        pub r#type: Field<MountType>,
        pub source: Field<String>,
        pub target: Field<String>,
        pub read_only: Field<bool>,
        pub consistency: Field<String>,
        pub bind: Option<MountBind>,
        pub volume: Option<MountVolume>,
        pub tmpfs: Option<MountTmpfs>,
        pub image: Option<MountImage>,
    }
}

compose_struct! {
    /// Bind-mount options.
    pub struct MountBind +ext {
        pub propagation: Field<String>,
        pub create_host_path: Field<bool>,
        pub recursive: Field<BindRecursive>,
        pub selinux: Field<SeLinux>,
    }
}

/// `bind.recursive`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BindRecursive {
    Enabled,
    Disabled,
    Writable,
    Readonly,
}

/// `bind.selinux`: `z` (shared) or `Z` (private).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SeLinux {
    #[serde(rename = "z")]
    Shared,
    #[serde(rename = "Z")]
    Private,
}

compose_struct! {
    /// Volume-mount options.
    pub struct MountVolume +ext {
        pub labels: ListOrDict,
        pub nocopy: Field<bool>,
        pub subpath: Field<String>,
    }
}

compose_struct! {
    /// tmpfs-mount options.
    pub struct MountTmpfs +ext {
        pub size: Field<ByteSize>,
        pub mode: Field<Number>,
    }
}

compose_struct! {
    /// Image-mount options.
    pub struct MountImage +ext {
        pub subpath: Field<String>,
    }
}

impl<'de> ByKind<'de> for ServiceVolume {
    const EXPECTING: &'static str = "a volume string or a mapping";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::String => {
                let s: String = next_as(seq)?;
                parse_volume_spec(&s).map_err(serde::de::Error::custom)
            }
            Kind::Map => {
                let l: ServiceVolumeLong = next_as(seq)?;
                if l.target.is_none() {
                    return Err(serde::de::Error::custom("is missing a `target` (compose requires it)"));
                }
                // a missing `type` is reported by the spec checks
                let ty = l.r#type.as_ref().map(|t| t.value).unwrap_or_default();
                Ok(ServiceVolume {
                    r#type: ty,
                    source: l.source.map(|v| v.value),
                    target: l.target.map(|v| v.value).unwrap_or_default(),
                    read_only: l.read_only.is_some_and(|v| v.value),
                    consistency: l.consistency.map(|v| v.value),
                    bind: l.bind.map(Box::new),
                    volume: l.volume.map(Box::new),
                    tmpfs: l.tmpfs.map(Box::new),
                    image: l.image.map(Box::new),
                    short: false,
                    untyped: l.r#type.is_none(),
                })
            }
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de> Deserialize<'de> for ServiceVolume {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}

/// A section that is one letter: with the colon after it, a Windows drive (`C:`), not a separator.
fn is_drive_letter(section: &str) -> bool {
    let mut chars = section.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic())
}

/// A host path (bind mount) rather than a volume name, as compose decides.
pub fn is_host_path(source: &str) -> bool {
    let Some(first) = source.chars().next() else { return false };
    if matches!(first, '.' | '/' | '~') || source.starts_with("\\\\") {
        return true;
    }
    let mut it = source.chars();
    it.next();
    it.next() == Some(':') && first.is_alphabetic()
}

/// The options of a mount in the short syntax (`ro,z` in `./src:/app:ro,z`), as compose splits
/// the text; `None` when there are none or the text is not a valid mount.
pub fn volume_spec_options(spec: &str) -> Option<String> {
    // options are the third section, after a second `:` (most mounts, `./data:/data`, have one
    // `:`): such a spec is not split into new strings for nothing
    if spec.chars().count() < 3 || spec.bytes().filter(|&b| b == b':').nth(1).is_none() {
        return None;
    }
    split_volume_spec(spec).ok()?.2
}

/// The sections of a mount in the short syntax: source, target and options.
type VolumeSections = (Option<String>, Option<String>, Option<String>);

/// Splits the short volume syntax into source, target and options.
fn split_volume_spec(spec: &str) -> Result<VolumeSections, String> {
    // Sections are split at colons outside `${...}`, as compose's loader reads them; each
    // section is the text from the last separator (a slice, not a copy, until it is kept). The
    // bytes that matter are ASCII, so the scan is over bytes, and only a colon (or the end)
    // looks at the section (a char-by-char scan that sliced the section at every character was
    // 4 000 instructions a volume).
    let b = spec.as_bytes();
    let mut section_start = 0usize;
    let mut in_var = 0usize;
    let mut source: Option<String> = None;
    let mut target: Option<String> = None;
    let mut options: Option<String> = None;
    let mut i = 0usize;
    loop {
        let c = b.get(i).copied();
        match c {
            Some(b'$') if b.get(i + 1) == Some(&b'{') => {
                in_var += 1;
                i += 1;
                continue;
            }
            Some(b'}') if in_var > 0 => {
                in_var -= 1;
                i += 1;
                continue;
            }
            Some(b':') | None if in_var == 0 => {}
            Some(_) | None => {
                if c.is_none() {
                    break;
                }
                i += 1;
                continue;
            }
        }
        let section = spec.get(section_start..i).unwrap_or_default();
        if c.is_none() || !is_drive_letter(section) {
            if section.is_empty() {
                return Err(format!("invalid volume `{spec}`: empty section between colons"));
            }
            let text = section.to_string();
            if source.is_none() && c.is_none() {
                target = Some(text);
            } else if source.is_none() {
                source = Some(text);
            } else if target.is_none() {
                target = Some(text);
            } else if c.is_some() {
                return Err(format!("invalid volume `{spec}`: too many colons"));
            } else {
                options = Some(text);
            }
            section_start = i + 1;
        }
        if c.is_none() {
            break;
        }
        i += 1;
    }
    Ok((source, target, options))
}

/// A device in the short syntax (`/dev/a`, `/dev/a:/dev/b`, `/dev/a:/dev/b:r`) as compose expands
/// it: source, target (the source when empty) and permissions (`rwm` by default), from its first
/// three parts (compose refuses more).
pub fn device_spec_parts(text: &str) -> (&str, &str, &str) {
    let mut parts = text.split(':');
    let source = parts.next().unwrap_or_default();
    let target = parts.next().filter(|t| !t.is_empty()).unwrap_or(source);
    let permissions = parts.next().unwrap_or("rwm");
    (source, target, permissions)
}

/// Parses the short volume syntax (`[SOURCE:]TARGET[:MODE]`) as compose does.
pub fn parse_volume_spec(spec: &str) -> Result<ServiceVolume, String> {
    let mut v = ServiceVolume { short: true, ..ServiceVolume::default() };
    match spec.chars().count() {
        0 => return Err("invalid empty volume spec".into()),
        1 | 2 => {
            v.target = spec.to_string();
            v.r#type = MountType::Volume;
            return Ok(v);
        }
        _ => {}
    }
    let (source, target, options) = split_volume_spec(spec)?;
    // "/a:/b" with one colon: the loop gives source then target (end), handled above
    v.source = source;
    v.target = target.unwrap_or_default();
    if let Some(opts) = options {
        for opt in opts.split(',') {
            match opt {
                "ro" => v.read_only = true,
                "rw" => v.read_only = false,
                "nocopy" => v.volume = Some(Box::new(MountVolume { nocopy: Some(Box::new(Spanned::new(true, Span::default()))), ..MountVolume::default() })),
                "rprivate" | "private" | "rshared" | "shared" | "rslave" | "slave" => {
                    v.bind.get_or_insert_with(Box::default).propagation = Some(Box::new(Spanned::new(opt.to_string(), Span::default())));
                }
                "z" | "Z" => {
                    let se = if opt == "z" { SeLinux::Shared } else { SeLinux::Private };
                    v.bind.get_or_insert_with(Box::default).selinux = Some(Box::new(Spanned::new(se, Span::default())));
                }
                _ => {}
            }
        }
    }
    if v.source.as_deref().is_some_and(is_host_path) {
        v.r#type = MountType::Bind;
        let bind = v.bind.get_or_insert_with(Box::default);
        bind.create_host_path = Some(Box::new(Spanned::new(true, Span::default())));
    } else {
        v.r#type = MountType::Volume;
        v.volume.get_or_insert_with(Box::default);
    }
    Ok(v)
}

compose_struct! {
    /// Deployment settings (replicas, resources, restart policy…).
    pub struct Deploy +ext {
        pub mode: Field<String>,
        pub endpoint_mode: Field<String>,
        pub replicas: Field<Integer>,
        pub labels: ListOrDict,
        pub rollback_config: Option<UpdateConfig>,
        pub update_config: Option<UpdateConfig>,
        pub resources: Option<Resources>,
        pub restart_policy: Option<RestartPolicy>,
        pub placement: Option<Placement>,
    }
}

compose_struct! {
    /// How updates (or rollbacks) roll out.
    pub struct UpdateConfig +ext {
        pub parallelism: Field<Integer>,
        pub delay: Field<Duration>,
        pub failure_action: Field<String>,
        pub monitor: Field<Duration>,
        pub max_failure_ratio: Field<Number>,
        pub order: Field<UpdateOrder>,
    }
}

/// `order: start-first | stop-first`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateOrder {
    StartFirst,
    StopFirst,
}

compose_struct! {
    /// Resource limits and reservations.
    pub struct Resources +ext {
        pub limits: Option<ResourceLimits>,
        pub reservations: Option<ResourceReservations>,
    }
}

compose_struct! {
    /// Upper bounds for a container.
    pub struct ResourceLimits +ext {
        pub cpus: Field<Number>,
        pub memory: Field<ByteSize>,
        pub pids: Field<Integer>,
    }
}

compose_struct! {
    /// Guaranteed resources for a container.
    pub struct ResourceReservations +ext {
        pub cpus: Field<Number>,
        pub memory: Field<ByteSize>,
        pub generic_resources: Vec<GenericResource>,
        pub devices: Vec<DeviceRequest>,
    }
}

compose_struct! {
    /// A generic (swarm) resource.
    pub struct GenericResource +ext {
        pub discrete_resource_spec: Option<DiscreteResourceSpec>,
    }
}

compose_struct! {
    /// A discrete generic resource.
    pub struct DiscreteResourceSpec +ext {
        pub kind: Field<String>,
        pub value: Field<TruncatedInteger>,
    }
}

compose_struct! {
    /// The swarm restart policy.
    pub struct RestartPolicy +ext {
        pub condition: Field<String>,
        pub delay: Field<Duration>,
        pub max_attempts: Field<Integer>,
        pub window: Field<Duration>,
    }
}

compose_struct! {
    /// Placement constraints and preferences.
    pub struct Placement +ext {
        pub constraints: List<Spanned<String>>,
        pub preferences: Vec<PlacementPreference>,
        pub max_replicas_per_node: Field<Integer>,
    }
}

compose_struct! {
    /// A placement preference.
    pub struct PlacementPreference +ext {
        pub spread: Field<String>,
    }
}

compose_struct! {
    /// Development settings (`docker compose watch`).
    pub struct Develop +ext {
        pub watch: Vec<Watch>,
    }
}

/// What `watch` does on a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum WatchAction {
    #[serde(rename = "rebuild")]
    Rebuild,
    #[serde(rename = "sync")]
    Sync,
    #[serde(rename = "restart")]
    Restart,
    #[serde(rename = "sync+restart")]
    SyncRestart,
    #[serde(rename = "sync+exec")]
    SyncExec,
}

compose_struct! {
    /// One watch rule.
    pub struct Watch +ext {
        pub ignore: Option<StringOrList>,
        pub include: Option<StringOrList>,
        pub path: Field<String>,
        pub action: Field<WatchAction>,
        pub target: Field<String>,
        pub exec: Option<Hook>,
        pub initial_sync: Field<bool>,
    }
}
