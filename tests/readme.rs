//! The rules table in README.md is generated from the rule metadata. When it is stale this test
//! fails; `COMPOSEGUARD_BLESS=1 cargo test -p composeguard-tests --test readme` rewrites it.

use composeguard::rules::all_metas;
use composeguard_tests::workspace_root;

const START: &str = "<!-- rules:start -->";
const END: &str = "<!-- rules:end -->";

/// The markdown table of every rule, in code order.
fn table() -> String {
    let mut metas = all_metas();
    metas.sort_by_key(|m| m.code);
    let mut out = String::from("| code | name | category | severity | default | fix | summary |\n|---|---|---|---|---|---|---|\n");
    for m in metas {
        let summary = m.summary().replace('|', "\\|");
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.category.as_str(),
            m.severity.as_str(),
            if m.default_enabled { "on" } else { "off" },
            if m.fixable { "yes" } else { "" },
            summary
        ));
    }
    out
}

#[test]
fn readme_rules_table_is_fresh() {
    let path = workspace_root().join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (Some(start), Some(end)) = (readme.find(START), readme.find(END)) else {
        panic!("README.md lacks the {START} / {END} markers");
    };
    assert!(start < end, "README.md markers out of order");
    let fresh = format!("{}{START}\n{}{END}{}", &readme[..start], table(), &readme[end + END.len()..]);
    if fresh != readme {
        if std::env::var_os("COMPOSEGUARD_BLESS").is_some() {
            std::fs::write(&path, fresh).expect("write README.md");
            return;
        }
        panic!("the rules table in README.md is stale: run `COMPOSEGUARD_BLESS=1 cargo test -p composeguard-tests --test readme`");
    }
}
