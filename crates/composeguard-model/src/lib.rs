//! The Compose model behind composeguard: located YAML, interpolation, project assembly and the
//! typed model of the whole Compose specification.
#![forbid(unsafe_code)]

pub mod config_output;
pub mod dotenv;
pub mod environment;
pub mod go_order;
pub mod go_yaml;
mod extends;
mod fast_yaml;
mod include;
pub mod interpolate;
pub mod issue;
pub mod merge;
pub mod model;
pub mod paths;
pub mod project;
pub mod de;
pub mod span;
mod tabs;
pub mod yaml;

/// The hasher of the maps the loader, the model and the checks build: foldhash, seeded per
/// process (`SipHash`, std's default, was a twentieth of the instructions on a big file). No
/// output depends on a hash map's order; the model's maps keep the order they are written in.
pub type BuildHasher = foldhash::fast::RandomState;
/// foldhash with a seed of one's choosing: hashes that must agree across maps and calls.
pub type FixedHasher = foldhash::fast::FixedState;
/// `std::collections::HashMap` with [`BuildHasher`].
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasher>;
/// `std::collections::HashSet` with [`BuildHasher`].
pub type HashSet<T> = std::collections::HashSet<T, BuildHasher>;
/// `indexmap::IndexMap` with [`BuildHasher`]: the model's maps, in the order they are written.
pub type IndexMap<K, V> = indexmap::IndexMap<K, V, BuildHasher>;

pub use environment::Environment;
pub use issue::{Issue, IssueKind, Related, Severity};
pub use span::{FileId, LineColumn, LineIndex, PositionEncoding, SourceFile, SourceMap, Span, Spanned};
