//! What a rule file needs, in one `use`.

pub use composeguard_model::model::*;
pub use composeguard_model::yaml::{Node, Value};
pub use composeguard_model::{Span, Spanned};

pub use crate::context::Context;
pub use crate::declare_rule;
pub use crate::diagnostic::{Edit, Fix};
pub use crate::rule::{Findings, Rule, RuleMeta};
