//! The Compose model behind composeguard: located YAML, interpolation, project assembly and the
//! typed model of the whole Compose specification.
#![forbid(unsafe_code)]

pub mod config_output;
pub mod dotenv;
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
pub mod yaml;

pub use issue::{Issue, IssueKind, Related, Severity};
pub use span::{FileId, LineColumn, LineIndex, PositionEncoding, SourceFile, SourceMap, Span, Spanned};
