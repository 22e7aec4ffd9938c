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

/// A JSON Schema check for what the report schema uses (`$ref`, `type`, `const`, `enum`, `anyOf`,
/// `oneOf`, `required`, `properties`, `items`): the errors, with where they are.
fn violations(root: &serde_json::Value, schema: &serde_json::Value, value: &serde_json::Value, at: &str, out: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            serde_json::Value::Array(a) => a.iter().filter_map(|t| t.as_str()).collect(),
            t => t.as_str().into_iter().collect(),
        };
        let fits = names.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        if !fits {
            out.push(format!("{at}: {value} is not of type {names:?}"));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            out.push(format!("{at}: {value} is not {c}"));
        }
    }
    if let Some(values) = schema.get("enum").and_then(|e| e.as_array()) {
        if !values.contains(value) {
            out.push(format!("{at}: {value} is not one of {values:?}"));
        }
    }
    for (key, all) in [("anyOf", false), ("oneOf", true)] {
        if let Some(branches) = schema.get(key).and_then(|b| b.as_array()) {
            let passing = branches.iter().filter(|b| { let mut e = Vec::new(); violations(root, b, value, at, &mut e); e.is_empty() }).count();
            if passing == 0 || (all && passing > 1) {
                out.push(format!("{at}: {value} matches {passing} branches of `{key}`"));
            }
        }
    }
    if let Some(obj) = value.as_object() {
        for name in schema.get("required").and_then(|r| r.as_array()).into_iter().flatten().filter_map(|r| r.as_str()) {
            if !obj.contains_key(name) {
                out.push(format!("{at}: `{name}` is required"));
            }
        }
        let properties = schema.get("properties").and_then(|p| p.as_object());
        for (k, v) in obj {
            match properties.and_then(|p| p.get(k)) {
                Some(s) => violations(root, s, v, &format!("{at}.{k}"), out),
                None if properties.is_some() => out.push(format!("{at}: `{k}` is not in the schema")),
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (schema.get("items"), value.as_array()) {
        for (i, v) in a.iter().enumerate() {
            violations(root, items, v, &format!("{at}[{i}]"), out);
        }
    }
}

/// Real reports validate against the committed report schema: every required field is there,
/// and every field written is declared. The runs cover related locations, fixes, inline and
/// configuration suppressions and profiles.
#[test]
fn reports_validate_against_the_report_schema() {
    use composeguard::lint::{lint, LintOptions};
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(workspace_root().join("schemas/report.schema.json")).expect("report schema")).expect("json");
    let example = std::fs::read_to_string(workspace_root().join("examples/compose.yaml")).expect("example");
    let suppressed = "version: '3'\nservices:\n  web:\n    image: nginx:latest # composeguard: ignore[image-floating-tag]\n    ports: ['80:80', '80:80']\n    profiles: [web]\n  db:\n    image: postgres\n    ports: ['80:80']\n";
    let config = composeguard::config::Config::from_toml("composeguard.toml", "[[waiver]]\nrule = \"no-healthcheck\"\nservice = \"db\"\nreason = \"a test\"\n").expect("config");
    let runs = [
        lint("compose.yaml", &example, &LintOptions { select: vec!["all".into()], ..LintOptions::default() }),
        lint("compose.yaml", suppressed, &LintOptions { profiles: vec!["*".into()], config: Some(config), ..LintOptions::default() }),
        lint("broken.yaml", "services:\n  web: [\n", &LintOptions::default()),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for report in &runs {
        let value: serde_json::Value = serde_json::from_str(&report.to_json()).expect("report json");
        for d in value["files"].as_array().into_iter().flatten().flat_map(|f| f["diagnostics"].as_array().into_iter().flatten()) {
            seen.extend(d.as_object().into_iter().flat_map(|o| o.keys().cloned()));
        }
        let mut errors = Vec::new();
        violations(&schema, &schema, &value, "report", &mut errors);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
    for field in ["related", "fix", "suppression", "profiles", "help"] {
        assert!(seen.contains(field), "no report had `{field}`: {seen:?}");
    }
}
