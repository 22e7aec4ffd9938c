//! `.env` and `env_file` parsing with compose's rules: `KEY=VALUE` or `KEY: VALUE`, `export`
//! prefixes, `#` comments, single quotes (literal), double quotes (escapes and `${…}`
//! expansion), unquoted values cut at ` #`, and a bare `KEY` that inherits from the environment.

use indexmap::IndexMap;

use crate::interpolate::{substitute, TemplateError, Variables};

/// A parse failure at a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DotenvError {
    /// The line compose names in its message (for an unterminated quote, where the file ends).
    pub line: usize,
    /// Where the entry that fails starts, as a byte offset into the file.
    pub offset: usize,
    pub message: String,
}

impl std::fmt::Display for DotenvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// One variable read from the file, with the 1-based line it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub line: usize,
}

fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

/// Parses dotenv text. `lookup` resolves inherited keys and variables in values; earlier keys of
/// the same file are visible to later values.
pub fn parse(src: &str, lookup: &dyn Variables) -> Result<Vec<Entry>, DotenvError> {
    parse_after(src, lookup, &|_: &str| None)
}

/// The keys a dotenv file compose refuses appears to set: the `KEY` of each line that reads
/// `KEY=…` or `KEY: …` (after `export`), read line by line whatever the quotes, so that what
/// the file meant to set is known though compose reads none of it.
pub fn keys_in(src: &str) -> Vec<String> {
    src.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let end = line.find(['=', ':'])?;
            let key = line.get(..end)?.trim_end();
            let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
            plain.then(|| key.to_string())
        })
        .collect()
}

/// Parses one of several dotenv files read in order. A variable in a value is looked up in
/// `lookup` (the environment), then in this file's earlier lines, then in `earlier` (what the
/// files before it set): compose lets a file's own `A=2` win over an earlier file's `A=1`, but not
/// over the environment's. A bare inherited `KEY` takes `lookup`'s value, else `earlier`'s.
pub fn parse_after(src: &str, lookup: &dyn Variables, earlier: &dyn Variables) -> Result<Vec<Entry>, DotenvError> {
    let mut out: IndexMap<String, Entry> = IndexMap::new();
    let mut line = 1usize;
    let mut rest = src;
    loop {
        // statement start: skip whitespace and comment lines
        loop {
            let Some(pos) = rest.find(|c: char| !c.is_whitespace()) else {
                rest = "";
                break;
            };
            line += rest.get(..pos).unwrap_or("").matches('\n').count();
            rest = rest.get(pos..).unwrap_or("");
            if rest.starts_with('#') {
                match rest.find('\n') {
                    Some(nl) => rest = rest.get(nl..).unwrap_or(""),
                    None => rest = "",
                }
                continue;
            }
            break;
        }
        if rest.is_empty() {
            break;
        }
        let start_line = line;
        let offset = src.len() - rest.len();
        // key
        let mut src_key = rest;
        // (`export` then a blank, tab, line break, form feed or `\r`: not a vertical tab)
        if let Some(after) = src_key.strip_prefix("export") {
            if after.starts_with(['\t', '\n', '\u{c}', '\r', ' ']) {
                src_key = after.trim_start_matches(is_space);
                if src_key.is_empty() {
                    // (`export` and blanks end the file: compose finds no name at all)
                    return Err(DotenvError { line, offset, message: "`export` without a variable name at the end of the file".into() });
                }
            }
        }
        let mut key_end = None;
        let mut inherited = false;
        for (i, c) in src_key.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    key_end = Some((i, i + c.len_utf8()));
                    inherited = c == '\n';
                    break;
                }
                '_' | '.' | '-' | '[' | ']' => {}
                c if c.is_alphanumeric() => {}
                c => {
                    let first_line = src_key.lines().next().unwrap_or("");
                    return Err(DotenvError {
                        line,
                        offset,
                        message: format!("unexpected character `{}` in variable name `{first_line}`", if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }),
                    });
                }
            }
        }
        let (key, after) = match key_end {
            Some((k, a)) => (src_key.get(..k).unwrap_or(""), src_key.get(a..).unwrap_or("")),
            // A last line with no `=`, `:` or line break after its name: compose's parser finds
            // no key there, so the key is empty and the whole line is the value (`x` at the end
            // of a file without a final newline is the variable `""` set to `x`).
            None => ("", src_key),
        };
        let key = key.trim_end();
        if key.contains(' ') {
            return Err(DotenvError { line, offset, message: "key cannot contain a space".into() });
        }
        if inherited {
            line += 1;
            if let Some(v) = lookup.get(key).or_else(|| earlier.get(key)) {
                out.insert(key.to_string(), Entry { key: key.to_string(), value: v, line: start_line });
            }
            rest = after;
            continue;
        }
        let after = after.trim_start_matches(is_space);
        let known = |name: &str| -> Option<String> {
            lookup.get(name).or_else(|| out.get(name).map(|e| e.value.clone())).or_else(|| earlier.get(name))
        };
        let (value, left) = if let Some(q @ ('"' | '\'')) = after.chars().next() {
            let body = after.get(1..).unwrap_or("");
            let mut chars = String::new();
            let mut escape = false;
            let mut end = None;
            for (i, c) in body.char_indices() {
                if c == '\n' {
                    line += 1;
                }
                if c != q {
                    if !escape && c == '\\' {
                        escape = true;
                        continue;
                    }
                    if escape {
                        escape = false;
                        chars.push('\\');
                    }
                    chars.push(c);
                    continue;
                }
                if escape {
                    escape = false;
                    chars.push(c);
                    continue;
                }
                end = Some(i);
                break;
            }
            let Some(end) = end else {
                let first = after.lines().next().unwrap_or("");
                return Err(DotenvError { line, offset, message: format!("unterminated quoted value {first}") });
            };
            let value = if q == '"' {
                let expanded = expand_escapes(&chars);
                substitute(&expanded, &known).map(|s| s.value).map_err(|e| DotenvError { line: start_line, offset, message: template_message(key, &e) })?
            } else {
                chars
            };
            (value, body.get(end + 1..).unwrap_or(""))
        } else {
            let (raw, left) = after.split_once('\n').unwrap_or((after, ""));
            line += 1;
            let raw = raw.split_once(" #").map_or(raw, |(v, _)| v);
            let raw = raw.trim_end();
            let value = substitute(raw, &known).map(|s| s.value).map_err(|e| DotenvError { line: start_line, offset, message: template_message(key, &e) })?;
            (value, left)
        };
        out.insert(key.to_string(), Entry { key: key.to_string(), value, line: start_line });
        rest = left;
    }
    Ok(out.into_values().collect())
}

/// Why the value of `key` could not be interpolated, as compose says it.
fn template_message(key: &str, error: &TemplateError) -> String {
    match error {
        TemplateError::MissingRequired { variable, reason } if reason.is_empty() => {
            format!("required variable `{variable}` is missing a value (in the value of `{key}`)")
        }
        TemplateError::MissingRequired { variable, reason } => {
            format!("required variable `{variable}` is missing a value: {reason} (in the value of `{key}`)")
        }
        TemplateError::Invalid | TemplateError::TooDeep => format!("invalid interpolation in value of `{key}`"),
    }
}

/// Backslash escapes inside double quotes: `\n`, `\t`, `\\`, `\"`, `\$` (kept as `$$`), `\0NNN`.
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some(e @ ('a' | 'b' | 'c' | 'f' | 'n' | 'r' | 't' | 'v' | '"' | '\\')) => {
                chars.next();
                match e {
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    'f' => out.push('\u{c}'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'v' => out.push('\u{b}'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            Some('$') => {
                chars.next();
                out.push_str("$$");
            }
            Some('0') => {
                chars.next();
                let mut digits = String::new();
                while digits.len() < 3 {
                    match chars.peek() {
                        Some(d) if d.is_ascii_digit() => {
                            digits.push(*d);
                            chars.next();
                        }
                        _ => break,
                    }
                }
                match u32::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 8).ok().and_then(char::from_u32) {
                    Some(ch) if digits.len() == 3 || digits.is_empty() => out.push(ch),
                    _ => {
                        out.push_str("\\0");
                        out.push_str(&digits);
                    }
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_keys_a_refused_file_meant_to_set_are_read_line_by_line() {
        assert_eq!(super::keys_in("TAG=\"1.25\nexport OTHER=x\n# C=1\nMY VAR=1\nY: 2\n"), ["TAG", "OTHER", "Y"]);
    }

    use super::*;
    use std::collections::HashMap;

    fn kv(src: &str) -> Vec<(String, String)> {
        let env: HashMap<String, String> = [("HOME".to_string(), "/root".to_string())].into();
        parse(src, &env).unwrap().into_iter().map(|e| (e.key, e.value)).collect()
    }

    #[test]
    fn forms() {
        let got = kv("# c\nA=1\nexport B = two words # note\nC='lit $HOME'\nD=\"x\\ny ${A}\"\nE: colon\nHOME\nF=${A}-$B\nG=\n");
        let want: Vec<(String, String)> = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "lit $HOME"),
            ("D", "x\ny 1"),
            ("E", "colon"),
            ("HOME", "/root"),
            ("F", "1-two words"),
            ("G", ""),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_required_variable_that_is_missing_is_named() {
        let env: HashMap<String, String> = HashMap::new();
        let message = |src: &str| parse(src, &env).err().map(|e| e.message).unwrap_or_default();
        assert_eq!(message("A=${X:?need X}\n"), "required variable `X` is missing a value: need X (in the value of `A`)");
        assert_eq!(message("B=\"${Y?}\"\n"), "required variable `Y` is missing a value (in the value of `B`)");
        assert_eq!(message("C=${Z\n"), "invalid interpolation in value of `C`");
    }

    #[test]
    fn a_last_line_without_separator_or_newline_is_an_empty_key() {
        // compose's parser, as docker compose v2.40.3 prints it: `HOME` with a newline is
        // inherited; the same name at the very end of the file is the value of the key `""`
        assert_eq!(kv("A=1\nHOME\n"), [("A".to_string(), "1".to_string()), ("HOME".to_string(), "/root".to_string())]);
        assert_eq!(kv("A=1\nHOME"), [("A".to_string(), "1".to_string()), (String::new(), "HOME".to_string())]);
        assert_eq!(kv("export two words"), [(String::new(), "two words".to_string())]);
    }

    #[test]
    fn export_as_compose_reads_it() {
        // each checked against docker compose v2.40.3: `export` and blanks at the very end are
        // an error, `export` alone is a value; a vertical tab does not end `export`, which is
        // then the start of the name
        let env: HashMap<String, String> = HashMap::new();
        assert!(parse("A=1\nexport ", &env).unwrap_err().message.contains("`export` without a variable name"));
        assert!(parse("export \t", &env).is_err());
        assert_eq!(kv("export"), [(String::new(), "export".to_string())]);
        assert_eq!(kv("export \nA=1\n"), [("A".to_string(), "1".to_string())]);
        assert_eq!(kv("export\u{b}A=1\n"), [("export\u{b}A".to_string(), "1".to_string())]);
        assert_eq!(kv("export\u{c}A=1\n"), [("A".to_string(), "1".to_string())]);
    }

    #[test]
    fn errors_have_lines() {
        let env: HashMap<String, String> = HashMap::new();
        let err = parse("A=1\nB C=2\n", &env).unwrap_err();
        assert_eq!(err.line, 2);
        let err = parse("A=\"open\n", &env).unwrap_err();
        assert!(err.message.contains("unterminated"));
        // the character is shown as written, not as a Rust literal (`'\''`)
        assert_eq!(parse("D='it''s'\n", &env).unwrap_err().message, "unexpected character `'` in variable name `'s'`");
    }
}
