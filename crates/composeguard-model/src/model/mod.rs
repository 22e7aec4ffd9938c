//! The typed model of the whole Compose specification.
//!
//! Every top-level element and every property of the spec has a field here. Short and long
//! syntaxes are normalised while reading (ports, volumes, `depends_on`, environment, commands,
//! healthcheck tests, extra hosts…), and the leaves that findings point at are [`Spanned`].
//! Structs are read with the located deserializer in [`crate::de`], which reports every problem.

mod schema;
mod service;
mod top;
mod values;

pub use service::*;
pub use top::*;
pub use values::*;

use crate::span::Spanned;

/// Declares a model struct: every field optional and lenient (a bad field is reported and left
/// empty), the struct's own location in `loc`, and `x-` keys in `extensions` when marked `+ext`.
macro_rules! compose_struct {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $(+ $ext:ident)? {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
        #[schemars(deny_unknown_fields)]
        $( #[schemars(extend("patternProperties" = { "^x-": {} }))] #[doc = concat!("\n\nAccepts `x-` extension keys (", stringify!($ext), ").")] )?
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, deserialize_with = "crate::de::lenient", skip_serializing_if = "crate::model::Omit::omit")]
                pub $field: $ty,
            )*
            $(
                /// `x-` keys.
                #[serde(rename = "x-*", default, deserialize_with = "crate::de::lenient", skip_serializing)]
                #[schemars(skip)]
                #[doc = stringify!($ext)]
                pub extensions: crate::model::Extensions,
            )?
            /// Where this object is written.
            #[serde(rename = "$span", default, deserialize_with = "crate::de::lenient", skip_serializing)]
            #[schemars(skip)]
            pub loc: crate::model::Loc,
        }
    };
}
pub(crate) use compose_struct;

/// Shorthand for an optional located field. Boxed: a service has some sixty of these and sets a
/// handful, so an absent one costs a pointer instead of the value and two spans (a `Service` went
/// from 3.6 KB to 1.8 KB).
pub type Field<T> = Option<Box<Spanned<T>>>;

#[cfg(test)]
mod size_tests {
    /// A file with many services holds one `Service` per service: keep it small (the big,
    /// seldom-used sections are boxed).
    #[test]
    fn service_stays_small() {
        let size = std::mem::size_of::<super::Service>();
        assert!(size <= 2048, "Service is {size} bytes");
    }
}
