//! Top-level elements: the file itself, networks, volumes, secrets, configs, models, include.

use crate::IndexMap;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use super::{compose_struct, List, Field, IntText, ListOrDict, Service, StringOrList, Text, IntegerNumber};
use crate::span::Spanned;

/// Named entries of a top-level section, keyed by name with the key's location.
pub type Named<T> = IndexMap<Spanned<String>, T>;

compose_struct! {
    /// A compose file (or the merged project).
    pub struct Compose +ext {
        /// Obsolete; compose ignores it with a warning.
        pub version: Field<String>,
        /// The project name.
        pub name: Field<String>,
        /// Other compose files to include as sub-projects.
        pub include: Option<List<Spanned<Include>>>,
        pub services: Named<Box<Service>>,
        pub networks: Named<Option<Network>>,
        pub volumes: Named<Option<Volume>>,
        pub secrets: Named<Secret>,
        pub configs: Named<Config>,
        pub models: Named<Model>,
    }
}

/// An `include` entry: a path (short syntax) or an object.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Include {
    pub path: StringOrList,
    pub env_file: Option<StringOrList>,
    /// An integer is read as its decimal text, as compose reads it (`0x3` is the folder `3`).
    pub project_directory: Field<IntText>,
    /// Written as a plain string.
    #[serde(skip)]
    pub short: bool,
}

compose_struct! {
    /// The long syntax of an `include` entry.
    pub struct IncludeLong {
        pub path: Option<StringOrList>,
        pub env_file: Option<StringOrList>,
        pub project_directory: Field<IntText>,
    }
}

impl<'de> Deserialize<'de> for Include {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = super::values::StrOr::<IncludeLong>::deserialize(d)?;
        Ok(match v {
            super::values::StrOr::Str(s) => Include { path: StringOrList(vec![s]), short: true, ..Include::default() },
            super::values::StrOr::Other(l) => Include {
                path: l.path.unwrap_or_default(),
                env_file: l.env_file,
                project_directory: l.project_directory,
                short: false,
            },
        })
    }
}

/// `external: true`, `external: false` or the obsolete `external: {name: …}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct External {
    pub external: bool,
    /// The obsolete `external.name`.
    pub name: Option<String>,
}

compose_struct! {
    /// The obsolete object form of `external`.
    pub struct ExternalLong +ext {
        pub name: Field<String>,
    }
}

impl<'de> Deserialize<'de> for External {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = External;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean or a mapping")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<External, E> {
                Ok(External { external: v, name: None })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<External, E> {
                match v.to_ascii_lowercase().as_str() {
                    "true" | "y" | "yes" | "on" => Ok(External { external: true, name: None }),
                    "false" | "n" | "no" | "off" => Ok(External { external: false, name: None }),
                    _ => Err(de::Error::custom(format!("must be a boolean, found `{v}`"))),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<External, A::Error> {
                let long = ExternalLong::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(External { external: true, name: long.name.map(|n| n.value) })
            }
        }
        d.deserialize_any(V)
    }
}

compose_struct! {
    /// A top-level network.
    pub struct Network +ext {
        pub name: Field<String>,
        pub driver: Field<String>,
        pub driver_opts: IndexMap<String, Spanned<Text>>,
        pub ipam: Option<Ipam>,
        pub external: Field<External>,
        pub internal: Field<bool>,
        pub enable_ipv4: Field<bool>,
        pub enable_ipv6: Field<bool>,
        pub attachable: Field<bool>,
        pub labels: ListOrDict,
    }
}

compose_struct! {
    /// IP address management of a network.
    pub struct Ipam +ext {
        pub driver: Field<String>,
        pub config: Vec<IpamConfig>,
        pub options: IndexMap<String, Spanned<String>>,
    }
}

compose_struct! {
    /// One subnet of a network.
    pub struct IpamConfig +ext {
        pub subnet: Field<String>,
        pub ip_range: Field<String>,
        pub gateway: Field<String>,
        pub aux_addresses: IndexMap<String, Spanned<String>>,
    }
}

compose_struct! {
    /// A top-level (named) volume.
    pub struct Volume +ext {
        pub name: Field<String>,
        pub driver: Field<String>,
        pub driver_opts: IndexMap<String, Spanned<Text>>,
        pub external: Field<External>,
        pub labels: ListOrDict,
    }
}

compose_struct! {
    /// A top-level secret.
    pub struct Secret +ext {
        pub name: Field<String>,
        pub environment: Field<String>,
        pub file: Field<String>,
        pub external: Field<External>,
        pub labels: ListOrDict,
        pub driver: Field<String>,
        pub driver_opts: IndexMap<String, Spanned<Text>>,
        pub template_driver: Field<String>,
    }
}

compose_struct! {
    /// A top-level config.
    pub struct Config +ext {
        pub name: Field<String>,
        pub content: Field<String>,
        pub environment: Field<String>,
        pub file: Field<String>,
        pub external: Field<External>,
        pub labels: ListOrDict,
        pub template_driver: Field<String>,
    }
}

compose_struct! {
    /// A top-level AI model.
    pub struct Model +ext {
        pub name: Field<String>,
        pub model: Field<String>,
        pub context_size: Field<IntegerNumber>,
        pub runtime_flags: List<Spanned<String>>,
    }
}
