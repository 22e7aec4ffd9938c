//! JSON Schemas generated from the typed model (for editors and users; never used to validate).

use composeguard_model::model::Compose;

/// The JSON Schema of a compose file, generated from the model's types.
pub fn compose_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<Compose>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), "Compose file (composeguard)".into());
        obj.insert("$id".into(), "https://composeguard.dev/schemas/compose.schema.json".into());
    }
    value
}

/// [`compose_schema`] as pretty JSON.
pub fn compose_schema_json() -> String {
    serde_json::to_string_pretty(&compose_schema()).unwrap_or_default()
}

/// The JSON Schema of `composeguard check --format json` output.
pub fn report_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let schema = generator.into_root_schema_for::<crate::lint::Report>();
    let mut value = serde_json::to_value(schema).unwrap_or_default();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), "composeguard JSON report".into());
        obj.insert("$id".into(), "https://composeguard.dev/schemas/report.schema.json".into());
    }
    value
}

/// [`report_schema`] as pretty JSON.
pub fn report_schema_json() -> String {
    serde_json::to_string_pretty(&report_schema()).unwrap_or_default()
}
