//! The committed JSON Schemas are what the code generates, and the model covers every property
//! of the Compose specification's own schema.

use composeguard_tests::{shared_dir, workspace_root};

fn check_fresh(file: &str, generated: &str) {
    let path = workspace_root().join("schemas").join(file);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != generated {
        if std::env::var_os("COMPOSEGUARD_BLESS").is_some() {
            std::fs::write(&path, generated).expect("write schema");
            return;
        }
        panic!("schemas/{file} is stale: run `COMPOSEGUARD_BLESS=1 cargo test -p composeguard-tests --test schemas`");
    }
}

#[test]
fn compose_schema_is_fresh() {
    check_fresh("compose.schema.json", &(composeguard::schema::compose_schema_json() + "\n"));
}

#[test]
fn report_schema_is_fresh() {
    check_fresh("report.schema.json", &(composeguard::schema::report_schema_json() + "\n"));
}

/// Walks the reference schema and our generated one side by side: every property the spec
/// defines (at any depth) must exist in ours at the same place.
#[test]
fn model_covers_every_spec_property() {
    let Some(shared) = shared_dir() else {
        println!("skipped: ../shared/reference is absent");
        return;
    };
    let reference: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared.join("reference/compose-spec.json")).expect("reference schema")).expect("json");
    let ours = composeguard::schema::compose_schema();
    let mut missing = Vec::new();
    let mut count = 0;
    walk(&reference, &reference, &ours, &ours, "", &mut missing, &mut count, 0);
    println!("{count} spec properties checked");
    assert!(count > 300, "walked too few properties ({count})");
    assert!(missing.is_empty(), "the model lacks:\n{}", missing.join("\n"));
}

fn resolve<'a>(root: &'a serde_json::Value, v: &'a serde_json::Value) -> &'a serde_json::Value {
    let mut cur = v;
    for _ in 0..16 {
        match cur.get("$ref").and_then(|r| r.as_str()) {
            Some(r) => {
                let ptr = r.trim_start_matches('#');
                match root.pointer(ptr) {
                    Some(next) => cur = next,
                    None => return cur,
                }
            }
            None => return cur,
        }
    }
    cur
}

/// All object schemas reachable from `v` through oneOf/anyOf/allOf/items/additionalProperties.
fn objects<'a>(root: &'a serde_json::Value, v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    let v = resolve(root, v);
    if v.get("properties").is_some() {
        out.push(v);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(arr) = v.get(key).and_then(|a| a.as_array()) {
            for s in arr {
                objects(root, s, out, depth + 1);
            }
        }
    }
    if let Some(items) = v.get("items") {
        objects(root, items, out, depth + 1);
    }
    for key in ["additionalProperties", "patternProperties"] {
        match v.get(key) {
            Some(serde_json::Value::Object(m)) if key == "patternProperties" => {
                for s in m.values() {
                    objects(root, s, out, depth + 1);
                }
            }
            Some(s @ serde_json::Value::Object(_)) => objects(root, s, out, depth + 1),
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    rroot: &serde_json::Value,
    rv: &serde_json::Value,
    oroot: &serde_json::Value,
    ov: &serde_json::Value,
    path: &str,
    missing: &mut Vec<String>,
    count: &mut usize,
    depth: usize,
) {
    if depth > 10 {
        return;
    }
    let mut rs = Vec::new();
    objects(rroot, rv, &mut rs, 0);
    let mut os = Vec::new();
    objects(oroot, ov, &mut os, 0);
    for r in rs {
        let Some(props) = r.get("properties").and_then(|p| p.as_object()) else { continue };
        for (name, rsub) in props {
            *count += 1;
            let here = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
            let found = os.iter().find_map(|o| o.get("properties").and_then(|p| p.get(name)));
            match found {
                Some(osub) => walk(rroot, rsub, oroot, osub, &here, missing, count, depth + 1),
                None => missing.push(here),
            }
        }
    }
}
