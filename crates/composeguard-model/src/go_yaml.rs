//! Writes a JSON document as YAML the way docker compose does: through Go's YAML encoder
//! (gopkg.in/yaml.v3, indentation 2, no line width). The rules below are facts about that
//! encoder: which strings it can leave plain, when it falls back to single or double quotes,
//! how it escapes, and how it writes a multi-line string as a literal block.

use std::fmt::Write as _;

use serde_json::Value as Json;

use crate::yaml::{resolve_plain, Value};

/// `doc` as `docker compose config` prints it.
pub fn to_string(doc: &Json) -> String {
    let mut out = String::new();
    match doc {
        Json::Object(m) if !m.is_empty() => mapping(m, 0, &mut out),
        Json::Array(items) if !items.is_empty() => sequence(items, 0, &mut out),
        other => {
            value_inline(other, 0, &mut out);
        }
    }
    out
}

fn spaces(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// A block mapping whose keys start at column `indent` (the first key where the cursor is).
fn mapping(m: &serde_json::Map<String, Json>, indent: usize, out: &mut String) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            spaces(out, indent);
        }
        if k.len() > 128 || analyze(k).multiline {
            // past 128 bytes, or with a line break, a key is no longer simple: `? key` (a
            // multi-line one as a literal block), then `: value` on its own line
            out.push_str("? ");
            match style(k, false) {
                Style::Literal => literal(k, indent + 2, out),
                st => {
                    scalar(k, st, indent + 2, out);
                    out.push('\n');
                }
            }
            spaces(out, indent);
        } else {
            key(k, out);
        }
        out.push(':');
        match v {
            Json::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                spaces(out, indent + 2);
                mapping(inner, indent + 2, out);
            }
            Json::Array(items) if !items.is_empty() => {
                out.push('\n');
                spaces(out, indent + 2);
                sequence(items, indent + 2, out);
            }
            _ => {
                out.push(' ');
                value_inline(v, indent + 2, out);
            }
        }
    }
}

/// A block sequence whose dashes are at column `indent` (the first where the cursor is).
fn sequence(items: &[Json], indent: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            spaces(out, indent);
        }
        out.push_str("- ");
        match item {
            Json::Object(inner) if !inner.is_empty() => mapping(inner, indent + 2, out),
            Json::Array(inner) if !inner.is_empty() => sequence(inner, indent + 2, out),
            _ => value_inline(item, indent + 2, out),
        }
    }
}

/// A scalar or an empty collection after `key: ` or `- `, and its line break; a literal block's
/// lines go at column `indent`.
fn value_inline(v: &Json, indent: usize, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Json::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => out.push_str(&go_yaml_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Json::String(s) => match s.strip_prefix(crate::config_output::AS_IS) {
            Some(as_is) => out.push_str(as_is),
            None => match style(s, false) {
                Style::Literal => {
                    literal(s, indent, out);
                    return;
                }
                st => scalar(s, st, indent, out),
            },
        },
        Json::Array(_) => out.push_str("[]"),
        Json::Object(_) => out.push_str("{}"),
    }
    out.push('\n');
}

fn key(k: &str, out: &mut String) {
    let st = style(k, true);
    scalar(k, st, 0, out);
}

/// A float as the encoder writes it: Go's `%g` with the shortest digits, and YAML's names for
/// infinities and NaN.
pub fn go_yaml_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".into() } else { "-.inf".into() };
    }
    crate::yaml::format_go_float(f)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The style the encoder picks for a string (a mapping key when `key`).
fn style(s: &str, key: bool) -> Style {
    // (`<<` too: docker compose v2.40.3 prints it plain, as a key and as a value)
    let can_plain = matches!(resolve_plain(s), Value::String(_)) && !is_base60_float(s) && !is_old_bool(s);
    let a = analyze(s);
    let mut st = if s.contains('\n') {
        Style::Literal
    } else if can_plain {
        Style::Plain
    } else {
        Style::Double
    };
    if key && a.multiline {
        st = Style::Double;
    }
    if st == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && key)) {
        st = Style::Single;
    }
    if st == Style::Single && !a.single_quoted_allowed {
        st = Style::Double;
    }
    if st == Style::Literal && (!a.block_allowed || key) {
        st = Style::Double;
    }
    st
}

/// A scalar in style `st`; a line break inside single quotes (U+2028 or U+2029, the breaks that
/// can get there) is followed by the indentation of column `indent`, as libyaml writes it.
fn scalar(s: &str, st: Style, indent: usize, out: &mut String) {
    match st {
        Style::Plain | Style::Literal => out.push_str(s),
        Style::Single => {
            out.push('\'');
            let mut breaks = false;
            for c in s.chars() {
                if is_break(c) {
                    if !breaks && c == '\n' {
                        out.push('\n');
                    }
                    out.push(c);
                    breaks = true;
                    continue;
                }
                if breaks {
                    spaces(out, indent);
                    breaks = false;
                }
                if c == '\'' {
                    out.push('\'');
                }
                out.push(c);
            }
            out.push('\'');
        }
        Style::Double => double_quoted(s, out),
    }
}

/// `|`, its hints, and the lines at column `indent` (empty lines stay empty).
fn literal(s: &str, indent: usize, out: &mut String) {
    out.push('|');
    if s.starts_with([' ', '\n']) {
        out.push('2');
    }
    let breaks_at_end = s.len() - s.trim_end_matches('\n').len();
    if breaks_at_end == 0 {
        out.push('-');
    } else if breaks_at_end >= 2 || s.len() == 1 {
        out.push('+');
    }
    out.push('\n');
    let mut at_line_start = true;
    for c in s.chars() {
        // (a line or paragraph separator ends a line too: the next one is indented)
        if is_break(c) {
            out.push(c);
            at_line_start = true;
        } else {
            if at_line_start {
                spaces(out, indent);
                at_line_start = false;
            }
            out.push(c);
        }
    }
    if !at_line_start {
        out.push('\n');
    }
}

fn double_quoted(s: &str, out: &mut String) {
    out.push('"');
    // the encoder's check for a byte order mark looks at the start of the string, not at the
    // character it writes: after a leading U+FEFF, every character is escaped (`\uFEFF\x61`)
    let escape_all = s.starts_with('\u{feff}');
    for c in s.chars() {
        if !escape_all && is_printable(c) && c != '\u{feff}' && !is_break(c) && c != '"' && c != '\\' {
            out.push(c);
            continue;
        }
        out.push('\\');
        match c {
            '\0' => out.push('0'),
            '\u{7}' => out.push('a'),
            '\u{8}' => out.push('b'),
            '\t' => out.push('t'),
            '\n' => out.push('n'),
            '\u{b}' => out.push('v'),
            '\u{c}' => out.push('f'),
            '\r' => out.push('r'),
            '\u{1b}' => out.push('e'),
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            '\u{85}' => out.push('N'),
            '\u{a0}' => out.push('_'),
            '\u{2028}' => out.push('L'),
            '\u{2029}' => out.push('P'),
            _ => {
                let v = u32::from(c);
                let (letter, width) = if v <= 0xff {
                    ('x', 2)
                } else if v <= 0xffff {
                    ('u', 4)
                } else {
                    ('U', 8)
                };
                out.push(letter);
                let _ = write!(out, "{v:0width$X}");
            }
        }
    }
    out.push('"');
}

/// What libyaml's printable check accepts: tab is not printable, nor anything past U+FFFF.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}') && c != '\u{feff}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: Option<char>) -> bool {
    matches!(c, Some(' ' | '\t'))
}

/// The scalar analysis of libyaml's emitter, as far as block output needs it.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis { multiline: false, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: false };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut line_breaks, mut special, mut tabs) = (false, false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) = (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let chars: Vec<char> = s.chars().collect();
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let followed_by_whitespace = next.is_none() || is_blank(next);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' {
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i == last {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i == last {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis { multiline: line_breaks, block_plain_allowed: true, single_quoted_allowed: true, block_allowed: true };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || tabs || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// YAML 1.1's sexagesimal numbers (`190:20:30`), which the encoder quotes:
/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) || !s.contains(':') {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        let digits = b.get(i + 1..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
        // `[0-5]?[0-9]`: one digit, or two whose first is at most 5
        let take = match digits {
            0 => return false,
            1 => 1,
            _ if b.get(i + 1).is_some_and(|c| *c <= b'5') => 2,
            _ => 1,
        };
        i += 1 + take;
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// YAML 1.1's booleans, which the encoder quotes.
fn is_old_bool(s: &str) -> bool {
    matches!(s, "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(v: &str) -> String {
        let mut out = String::new();
        value_inline(&Json::String(v.into()), 4, &mut out);
        out.trim_end_matches('\n').to_string()
    }

    #[test]
    fn keys_with_line_breaks_are_complex_keys() {
        let doc = serde_json::json!({ "a\nb": 1, "c\r": 2, "plain": 3 });
        assert_eq!(to_string(&doc), "? |-\n  a\n  b\n: 1\n? \"c\\r\"\n: 2\nplain: 3\n");
    }

    #[test]
    fn a_line_separator_in_single_quotes_is_followed_by_the_indentation() {
        assert_eq!(one("one\u{2028}two"), "'one\u{2028}    two'");
    }

    #[test]
    fn strings_are_quoted_as_go_yaml_quotes_them() {
        // each checked against `docker compose config` v2.40.3
        for (s, want) in [
            ("nginx", "nginx"),
            ("0-app_default", "0-app_default"),
            ("8080", "\"8080\""),
            ("8080:80", "8080:80"),
            ("1:20", "\"1:20\""),
            ("yes", "\"yes\""),
            ("true", "\"true\""),
            ("", "\"\""),
            ("--eval", "--eval"),
            ("- x", "'- x'"),
            ("a: b", "'a: b'"),
            ("a #b", "'a #b'"),
            (" lead", "' lead'"),
            ("it's", "it's"),
            ("'q'", "'''q'''"),
            ("tab\there", "\"tab\\there\""),
            ("rocket 🚀", "\"rocket \\U0001F680\""),
            ("2001-12-14", "\"2001-12-14\""),
            ("<<", "<<"),
            ("*", "'*'"),
            ("$${X}", "$${X}"),
        ] {
            assert_eq!(one(s), want, "{s:?}");
        }
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        assert_eq!(one("a\nb"), "|-\n    a\n    b");
        assert_eq!(one("a\nb\n"), "|\n    a\n    b");
        assert_eq!(one("a\n\nb\n\n"), "|+\n    a\n\n    b");
        assert_eq!(one(" a\nb"), "|2-\n     a\n    b");
        assert_eq!(one("a \nb"), "\"a \\nb\"");
    }

    #[test]
    fn a_key_past_128_bytes_is_a_complex_key() {
        let long = "k".repeat(129);
        let doc = serde_json::json!({ "labels": { long.clone(): "v", "a": "b" } });
        assert_eq!(to_string(&doc), format!("labels:\n  ? {long}\n  : v\n  a: b\n"));
        let just = "k".repeat(128);
        assert_eq!(to_string(&serde_json::json!({ just.clone(): 1 })), format!("{just}: 1\n"));
    }

    #[test]
    fn sexagesimal_numbers() {
        for yes in ["1:20", "190:20:30", "-1:59", "1_0:30.5", "1:5"] {
            assert!(is_base60_float(yes), "{yes}");
        }
        for no in ["8080:80", "1:60", "a:1", "1:", "1", "1:2:", "::1"] {
            assert!(!is_base60_float(no), "{no}");
        }
    }
}
