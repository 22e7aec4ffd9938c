//! JSON Schemas of the union types (string or object, list or mapping…), written by hand so the
//! generated schema shows every syntax the spec allows, not only the normalised form.

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};

use super::{
    Build, BuildConfig, ByteSize, Command, DependsOn, Dependency, Device, DeviceCount, DeviceLong, Duration, GpuRequest,
    EnvFileLong, EnvFiles, Extends, ExtendsLong, External, ExternalLong, ExtraHosts, FileMode, FileRef, IntText, FileRefLong, Gpus, HealthTest,
    Include, IncludeLong, Integer, IntegerNumber, ListOrDict, Number, PortLong, Ports, ServiceModel, ServiceModels, ServiceNetwork,
    ServiceNetworks, ServiceVolume, ServiceVolumeLong, StringOrList, Text, TruncatedInteger, Ulimit, UlimitLong, WholeInteger,
};
use super::values::BoolOrString;

macro_rules! schema {
    ($ty:ty, $name:literal, |$g:ident| $body:expr) => {
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
            fn json_schema($g: &mut SchemaGenerator) -> Schema {
                $body
            }
        }
    };
}

fn string_or<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    let other = g.subschema_for::<T>();
    json_schema!({ "oneOf": [{ "type": "string" }, other] })
}

schema!(Text, "StringOrNumber", |_g| json_schema!({ "type": ["string", "number"] }));
schema!(FileMode, "FileMode", |_g| json_schema!({
    "type": ["integer", "string"],
    "description": "A file mode: an integer, or octal digits in a string such as `\"0440\"`."
}));
schema!(IntText, "IntegerOrString", |_g| json_schema!({ "type": ["integer", "string"] }));
schema!(TruncatedInteger, "TruncatedInteger", |_g| json_schema!({ "type": ["number", "string"] }));
schema!(WholeInteger, "WholeInteger", |_g| json_schema!({ "type": ["integer", "string"] }));
schema!(Number, "Number", |_g| json_schema!({ "type": ["number", "string"] }));
schema!(Integer, "Integer", |_g| json_schema!({ "type": ["integer", "string"] }));
schema!(IntegerNumber, "IntegerNumber", |_g| json_schema!({ "type": "integer" }));
schema!(BoolOrString, "BooleanOrString", |_g| json_schema!({ "type": ["boolean", "string"] }));
schema!(Duration, "Duration", |_g| json_schema!({
    "type": "string",
    "description": "A duration such as `30s`, `1m30s`, `500ms`, `1h`, `1d`."
}));
schema!(ByteSize, "ByteSize", |_g| json_schema!({
    "type": ["string", "integer"],
    "description": "Bytes, or a size such as `512m`, `1.5g`, `2gb`."
}));
schema!(StringOrList, "StringOrList", |_g| json_schema!({
    "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
}));
schema!(ListOrDict, "ListOrDict", |_g| json_schema!({
    "oneOf": [
        { "type": "object", "additionalProperties": { "type": ["string", "number", "boolean", "null"] } },
        { "type": "array", "items": { "type": "string" } }
    ]
}));
schema!(Command, "Command", |_g| json_schema!({
    "oneOf": [{ "type": "null" }, { "type": "string" }, { "type": "array", "items": { "type": "string" } }]
}));
schema!(HealthTest, "HealthcheckTest", |_g| json_schema!({
    "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
}));
schema!(Build, "Build", |g| string_or::<BuildConfig>(g));
schema!(Extends, "Extends", |g| string_or::<ExtendsLong>(g));
schema!(Include, "Include", |g| string_or::<IncludeLong>(g));
schema!(Device, "Device", |g| string_or::<DeviceLong>(g));
schema!(FileRef, "ServiceConfigOrSecret", |g| string_or::<FileRefLong>(g));
schema!(ServiceVolume, "ServiceVolume", |g| string_or::<ServiceVolumeLong>(g));
schema!(External, "External", |g| {
    let long = g.subschema_for::<ExternalLong>();
    json_schema!({ "oneOf": [{ "type": ["boolean", "string"] }, long] })
});
schema!(Ulimit, "Ulimit", |g| {
    let long = g.subschema_for::<UlimitLong>();
    json_schema!({ "oneOf": [{ "type": ["integer", "string"] }, long] })
});
schema!(DeviceCount, "DeviceCount", |_g| json_schema!({ "type": ["string", "integer"] }));
schema!(Gpus, "Gpus", |g| {
    let item = g.subschema_for::<GpuRequest>();
    json_schema!({ "oneOf": [{ "type": "string", "enum": ["all"] }, { "type": "array", "items": item }] })
});
schema!(DependsOn, "DependsOn", |g| {
    let dep = g.subschema_for::<Dependency>();
    json_schema!({
        "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "object", "additionalProperties": dep }
        ]
    })
});
schema!(ServiceNetworks, "ServiceNetworks", |g| {
    let net = g.subschema_for::<ServiceNetwork>();
    json_schema!({
        "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "object", "additionalProperties": { "oneOf": [net, { "type": "null" }] } }
        ]
    })
});
schema!(ServiceModels, "ServiceModels", |g| {
    let m = g.subschema_for::<ServiceModel>();
    json_schema!({
        "oneOf": [
            { "type": "array", "items": { "type": "string" } },
            { "type": "object", "additionalProperties": m }
        ]
    })
});
schema!(Ports, "Ports", |g| {
    let long = g.subschema_for::<PortLong>();
    json_schema!({ "type": "array", "items": { "oneOf": [{ "type": "number" }, { "type": "string" }, long] } })
});
schema!(EnvFiles, "EnvFile", |g| {
    let long = g.subschema_for::<EnvFileLong>();
    json_schema!({
        "oneOf": [
            { "type": "string" },
            { "type": "array", "items": { "oneOf": [{ "type": "string" }, long] } }
        ]
    })
});
schema!(ExtraHosts, "ExtraHosts", |_g| json_schema!({
    "oneOf": [
        { "type": "array", "items": { "type": "string" } },
        { "type": "object", "additionalProperties": { "oneOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }] } }
    ]
}));
