//! composeguard: a Docker Compose validator and production linter.
//!
//! ```
//! let report = composeguard::lint("compose.yaml", "services:\n  web:\n    image: nginx:1.27\n", &Default::default());
//! assert!(!report.has_errors());
//! ```
#![forbid(unsafe_code)]

pub mod baseline;
pub mod config;
pub mod context;
pub mod diagnostic;
#[cfg(feature = "os")]
pub mod disk;
pub mod fix;
pub mod lint;
pub mod output;
#[cfg(feature = "os")]
pub mod os_fs;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod spec;
pub mod suppress;

pub use composeguard_model as model;
pub use diagnostic::{Category, Diagnostic, Fix, Position, Severity};
pub use config::Config;
pub use lint::{lint, lint_files, lint_loaded, lint_project, lint_with, FileReport, LintOptions, Report};
pub use rule::{Rule, RuleMeta};
