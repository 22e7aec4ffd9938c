//! Property tests of the syntax parsers: ports, volumes, durations, sizes; and command lines split as docker compose splits them.

use composeguard_model::model::{format_go_duration, parse_byte_size, parse_duration, parse_port_spec, parse_volume_spec, split_shell_words, MountType};
use proptest::prelude::*;

proptest! {
    #[test]
    fn port_mappings_round_trip(host in 1u32..=65535, target in 1u32..=65535, udp in any::<bool>(), ip in prop::option::of((0u8..=255, 0u8..=255, 0u8..=255, 0u8..=255))) {
        let proto = if udp { "/udp" } else { "" };
        let ip_text = ip.map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}:")).unwrap_or_default();
        let spec = format!("{ip_text}{host}:{target}{proto}");
        let ports = parse_port_spec(&spec).unwrap();
        prop_assert_eq!(ports.len(), 1);
        let p = &ports[0];
        prop_assert_eq!(p.target, target);
        let host_text = host.to_string();
        prop_assert_eq!(p.published.as_deref(), Some(host_text.as_str()));
        prop_assert_eq!(p.protocol.as_deref(), Some(if udp { "udp" } else { "tcp" }));
        prop_assert_eq!(p.host_ip.is_some(), ip.is_some());
    }

    #[test]
    fn port_ranges_expand(start in 1u32..60000, len in 0u32..20, offset in 0u32..5000) {
        let spec = format!("{}-{}:{}-{}", start + offset, start + offset + len, start, start + len);
        let ports = parse_port_spec(&spec).unwrap();
        prop_assert_eq!(ports.len() as u32, len + 1);
        for (i, p) in ports.iter().enumerate() {
            prop_assert_eq!(p.target, start + i as u32);
        }
    }

    #[test]
    fn out_of_range_ports_are_rejected(port in 65536u32..10_000_000) {
        let host_side = format!("{port}:80");
        let container_side = format!("80:{port}");
        prop_assert!(parse_port_spec(&host_side).is_err());
        prop_assert!(parse_port_spec(&container_side).is_err());
    }

    #[test]
    fn port_parser_never_panics(s in "\\PC{0,40}") {
        let _ = parse_port_spec(&s);
    }

    #[test]
    fn bind_and_named_volumes(name in "[a-z][a-z0-9_]{1,10}", dir in "/[a-z]{1,8}", ro in any::<bool>()) {
        let mode = if ro { ":ro" } else { "" };
        let named = parse_volume_spec(&format!("{name}:{dir}{mode}")).unwrap();
        prop_assert_eq!(named.r#type, MountType::Volume);
        prop_assert_eq!(named.source.as_deref(), Some(name.as_str()));
        prop_assert_eq!(&named.target, &dir);
        prop_assert_eq!(named.read_only, ro);
        let bind = parse_volume_spec(&format!(".{dir}:{dir}{mode}")).unwrap();
        prop_assert_eq!(bind.r#type, MountType::Bind);
        let anon = parse_volume_spec(&dir).unwrap();
        prop_assert!(anon.source.is_none());
    }

    #[test]
    fn volume_parser_never_panics(s in "\\PC{0,40}") {
        let _ = parse_volume_spec(&s);
    }

    #[test]
    fn durations_round_trip(h in 0i64..100, m in 0i64..60, s in 0i64..60, ms in 0i64..1000) {
        let nanos = ((h * 3600 + m * 60 + s) * 1000 + ms) * 1_000_000;
        let text = format_go_duration(nanos);
        prop_assert_eq!(parse_duration(&text), Ok(nanos));
    }

    #[test]
    fn duration_parser_never_panics(s in "\\PC{0,30}") {
        let _ = parse_duration(&s);
    }

    #[test]
    fn sizes_scale_by_binary_units(n in 0i64..100_000, unit in prop::sample::select(vec![("", 1i64), ("k", 1024), ("m", 1 << 20), ("g", 1 << 30)]), b in any::<bool>()) {
        let suffix = if b && !unit.0.is_empty() { "b" } else { "" };
        prop_assert_eq!(parse_byte_size(&format!("{n}{}{suffix}", unit.0)), Ok(n * unit.1));
    }

    #[test]
    fn size_parser_never_panics(s in "\\PC{0,30}") {
        let _ = parse_byte_size(&s);
    }
}

#[test]
fn compose_examples() {
    assert!(parse_port_spec("8080:80-81").is_err());
    assert!(parse_port_spec("80/xyz").is_err());
    assert!(parse_port_spec("0").is_err());
    assert_eq!(parse_port_spec("[::1]:8080:80").unwrap()[0].host_ip.as_deref(), Some("::1"));
    assert_eq!(parse_port_spec("127.0.0.1::80").unwrap()[0].published, None);
    assert_eq!(parse_port_spec("8080-8081:80").unwrap()[0].published.as_deref(), Some("8080-8081"));
    assert!(parse_volume_spec(":/b").is_err());
    assert!(parse_volume_spec("/a:/b:ro:x").is_err());
    assert!(parse_volume_spec("").is_err());
    assert_eq!(parse_volume_spec("C:\\data:/data").unwrap().r#type, MountType::Bind);
}

/// `command: <string>` as docker compose v2.40.3 splits it (each case checked against its
/// `config --format json`): no shell runs, so the words stop at the first operator outside quotes,
/// and a backslash takes the next character as it is, inside double quotes too.
#[test]
fn command_lines_split_as_compose_does() {
    let ok: &[(&str, &[&str])] = &[
        ("echo a && echo b", &["echo", "a"]),
        ("echo a; echo b", &["echo", "a"]),
        ("echo a | grep b", &["echo", "a"]),
        ("echo a>b", &["echo", "a"]),
        ("echo 2>&1", &["echo"]),
        ("a x2>y", &["a", "x2"]),
        ("sh -c 'a && b'", &["sh", "-c", "a && b"]),
        ("sh -c \"a && b\"", &["sh", "-c", "a && b"]),
        ("bash -c \"a \\ b\"", &["bash", "-c", "a  b"]),
        ("bash -c \"a \\\n b\"", &["bash", "-c", "a \n b"]),
        ("echo \"a\\b\"", &["echo", "ab"]),
        ("echo 'a\\b'", &["echo", "a\\b"]),
        ("a\\ b c", &["a b", "c"]),
        ("echo a\\;b", &["echo", "a;b"]),
        ("echo $(date)", &["echo", "$(date)"]),
        ("a`b c`d e", &["a`b c`d", "e"]),
        ("a \"\" b", &["a", "", "b"]),
        ("'a'\"b\"c", &["abc"]),
        ("a #comment", &["a", "#comment"]),
        ("   ", &[]),
    ];
    for (line, words) in ok {
        let want: Vec<String> = words.iter().map(|w| (*w).to_string()).collect();
        assert_eq!(split_shell_words(line), Ok(want), "{line:?}");
    }
    for line in ["python -c print(1)", "gunicorn app:create_app()", "echo )", "echo $((1+2))", "echo $(a (b))", "echo \\", "echo \"open", "echo '\\''"] {
        assert!(split_shell_words(line).is_err(), "{line:?} should be refused");
    }
}
