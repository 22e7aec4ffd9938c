//! Variable interpolation (`${VAR:-default}` and friends), as docker compose performs it.
//!
//! The substitution follows compose's template engine, quirks included: an operator form such as
//! `${A:-x}` extends its match to the last `}` on the line and the text after its own closing
//! brace is substituted again; `$$` escapes a dollar; `$1` and a lone `$` stay as they are.
//! After substitution, strings at the paths compose types (booleans, integers, floats) are cast,
//! so `privileged: "${PRIV:-true}"` is a boolean and `cpus: abc` is an error, as in compose.

use crate::issue::{Issue, IssueKind};
use crate::span::Span;
use crate::yaml::{Node, Value};

/// Where variable values come from (the process environment and `.env`, already merged).
pub trait Variables {
    fn get(&self, name: &str) -> Option<String>;
}

impl<S: std::hash::BuildHasher> Variables for std::collections::HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<String> {
        std::collections::HashMap::get(self, name).cloned()
    }
}

impl Variables for indexmap::IndexMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        indexmap::IndexMap::get(self, name).cloned()
    }
}

impl<F: Fn(&str) -> Option<String>> Variables for F {
    fn get(&self, name: &str) -> Option<String> {
        self(name)
    }
}

/// Why a template could not be substituted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `${` not followed by a valid expression.
    Invalid,
    /// `${VAR?msg}` / `${VAR:?msg}` with the variable missing (or empty for `:?`).
    MissingRequired { variable: String, reason: String },
    /// Defaults nested deeper than [`MAX_NESTING`] (`${A:-${B:-${C:-…}}}`).
    TooDeep,
}

/// The deepest nesting of defaults and alternatives read (`${A:-${B:-x}}` is two): more is
/// refused, so that a hostile value cannot exhaust the stack (compose has no limit, and nothing
/// written by hand comes near it).
pub const MAX_NESTING: usize = 100;

/// The outcome of substituting one string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Substitution {
    pub value: String,
    /// Variables read without a default that were not set (compose warns and uses "").
    pub unset: Vec<String>,
}

/// Substitutes variables in `template`.
pub fn substitute(template: &str, vars: &dyn Variables) -> Result<Substitution, TemplateError> {
    let mut unset = Vec::new();
    let value = substitute_with(template, vars, &mut unset, 0)?;
    Ok(Substitution { value, unset })
}

#[derive(Clone, Copy)]
enum Match {
    Escaped,
    Named,
    Braced { end: usize, has_op: bool },
    Invalid,
}

fn is_name_start(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphabetic()
}

fn is_name_char(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric()
}

/// The end of the line a position is on and the last `}` before it, found once for all the
/// matches on the line (a scan to the end of the line per match made a line of 40 000
/// `${A:-x}` take seconds).
#[derive(Default)]
struct LineEnds {
    /// The last lookup: from where, the end of that line, and the last `}` between (valid for
    /// positions from there to the line's end).
    last: Option<(usize, usize, Option<usize>)>,
}

impl LineEnds {
    /// The last `}` from `start` to the end of its line.
    fn last_brace(&mut self, s: &[u8], start: usize) -> Option<usize> {
        if start > s.len() {
            return None;
        }
        let brace = match self.last {
            Some((from, line_end, brace)) if from <= start && start <= line_end => brace,
            _ => {
                let line_end = s.get(start..).and_then(|rest| rest.iter().position(|&b| b == b'\n')).map_or(s.len(), |p| start + p);
                let brace = s.get(start..line_end).and_then(|t| t.iter().rposition(|&b| b == b'}')).map(|p| start + p);
                self.last = Some((start, line_end, brace));
                brace
            }
        };
        brace.filter(|&b| b >= start)
    }
}

/// Tries compose's pattern at `i` (where `s[i] == '$'`); returns the match and its end.
fn match_at(s: &[u8], i: usize, lines: &mut LineEnds) -> Option<(Match, usize)> {
    let next = *s.get(i + 1)?;
    if next == b'$' {
        return Some((Match::Escaped, i + 2));
    }
    if is_name_start(next) {
        let mut j = i + 2;
        while s.get(j).copied().is_some_and(is_name_char) {
            j += 1;
        }
        return Some((Match::Named, j));
    }
    if next != b'{' {
        return None;
    }
    let mut j = i + 2;
    if s.get(j).copied().is_some_and(is_name_start) {
        j += 1;
        while s.get(j).copied().is_some_and(is_name_char) {
            j += 1;
        }
        // optional `:?[-+?](.*)` then `}`; `.*` is greedy and stops at a newline
        let mut k = j;
        if s.get(k) == Some(&b':') {
            k += 1;
        }
        if matches!(s.get(k), Some(b'-' | b'+' | b'?')) {
            if let Some(close) = lines.last_brace(s, k + 1) {
                let end = close + 1;
                return Some((Match::Braced { end, has_op: true }, end));
            }
        }
        if s.get(j) == Some(&b'}') {
            return Some((Match::Braced { end: j + 1, has_op: false }, j + 1));
        }
    }
    Some((Match::Invalid, i + 2))
}

/// [`substitute`] at nesting `depth` (a default's or an alternative's text is one deeper).
fn substitute_with(template: &str, vars: &dyn Variables, unset: &mut Vec<String>, depth: usize) -> Result<String, TemplateError> {
    if depth > MAX_NESTING {
        return Err(TemplateError::TooDeep);
    }
    let s = template.as_bytes();
    let mut out = String::with_capacity(template.len());
    let mut last = 0;
    let mut i = 0;
    let mut first_err: Option<TemplateError> = None;
    let mut lines = LineEnds::default();
    let mut separators = Separators { text: template, next: [None; 6] };
    while i < s.len() {
        if s.get(i) != Some(&b'$') {
            // on to the next `$`
            i = s.get(i..).and_then(|rest| memchr::memchr(b'$', rest)).map_or(s.len(), |p| i + p);
            continue;
        }
        let Some((m, end)) = match_at(s, i, &mut lines) else {
            i += 1;
            continue;
        };
        out.push_str(template.get(last..i).unwrap_or(""));
        let whole = template.get(i..end).unwrap_or("");
        // where to go on: after the match, or inside it, where its first expression ends
        let mut next = end;
        let op = matches!(m, Match::Braced { .. }).then(|| separators.first_in(i, end));
        match replace(whole, m, op, vars, unset, depth) {
            Ok((r, rest)) => {
                out.push_str(&r);
                if let Some(rest) = rest {
                    next = i + rest;
                }
            }
            Err(e) => {
                if first_err.is_none() {
                    first_err = Some(e);
                }
            }
        }
        last = next;
        i = next;
    }
    out.push_str(template.get(last..).unwrap_or(""));
    match first_err {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    RequiredNotEmpty,
    Required,
    DefaultEmptyOrUnset,
    DefaultUnset,
    AltNotEmpty,
    AltSet,
}

impl Op {
    fn sep(self) -> &'static str {
        match self {
            Self::RequiredNotEmpty => ":?",
            Self::Required => "?",
            Self::DefaultEmptyOrUnset => ":-",
            Self::DefaultUnset => "-",
            Self::AltNotEmpty => ":+",
            Self::AltSet => "+",
        }
    }
}

const OPS: [Op; 6] = [Op::RequiredNotEmpty, Op::Required, Op::DefaultEmptyOrUnset, Op::DefaultUnset, Op::AltNotEmpty, Op::AltSet];

/// Where each operator's separator next occurs in a template, for the matches of one pass over
/// it (which start further and further on): each separator is searched for once per occurrence,
/// not once per match to the end of the line.
struct Separators<'t> {
    text: &'t str,
    /// Per operator of [`OPS`]: not searched yet, or the next occurrence (none: none left).
    #[allow(clippy::option_option)] // the three cases the comment names
    next: [Option<Option<usize>>; 6],
}

impl Separators<'_> {
    /// The operator compose picks for the match `text[start..end]`: the one whose separator
    /// occurs first in it (the first operator when none does).
    fn first_in(&mut self, start: usize, end: usize) -> Op {
        let mut best: Option<(usize, Op)> = None;
        for (slot, op) in self.next.iter_mut().zip(OPS) {
            let at = match *slot {
                Some(Some(p)) if p >= start => Some(p),
                Some(None) => None,
                _ => {
                    let found = self.text.as_bytes().get(start..).and_then(|t| find_ascii(t, op.sep().as_bytes())).map(|p| start + p);
                    *slot = Some(found);
                    found
                }
            };
            let Some(at) = at.filter(|p| p + op.sep().len() <= end) else { continue };
            if best.is_none_or(|(b, _)| at < b) {
                best = Some((at, op));
            }
        }
        best.map_or(OPS[0], |(_, op)| op)
    }
}

/// Where `needle` (ASCII, not empty) first occurs in `hay`: `memchr` for its first byte, then a
/// comparison of the rest. (`str::find` set up a two-way searcher on every call, and the
/// separators are searched for in every template with a braced expression: 280 instructions a
/// search; the checks search short values for short words the same way.)
pub fn find_ascii(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    while let Some(p) = memchr::memchr(first, hay.get(from..)?) {
        let at = from + p;
        if hay.get(at + 1..at + 1 + rest.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Index of the `}` closing the first `${`, counting nested braces as compose does.
fn first_closing_brace(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut open = 0i32;
    let mut i = 0;
    while i < b.len() {
        if b.get(i) == Some(&b'}') {
            open -= 1;
            if open == 0 {
                return Some(i);
            }
        }
        if b.get(i) == Some(&b'{') {
            open += 1;
            i += 1;
        }
        i += 1;
    }
    None
}

/// The text that replaces the match `whole`, and, when the match is an expression with an
/// operator that runs on past its own closing brace (compose's match reaches the last `}` of the
/// line), where in `whole` the text after that expression starts: compose substitutes that text
/// too, as a template of its own, and the caller goes on there. (Read as a nested call, a line of
/// 40 000 `${A:-x}` was 40 000 calls deep and overflowed the stack.) `op` is the operator compose
/// picks for a braced match ([`Separators::first_in`]); `depth` is the template's nesting.
fn replace(whole: &str, m: Match, op: Option<Op>, vars: &dyn Variables, unset: &mut Vec<String>, depth: usize) -> Result<(String, Option<usize>), TemplateError> {
    match m {
        Match::Escaped => Ok(("$".into(), None)),
        Match::Invalid => Err(TemplateError::Invalid),
        Match::Named => {
            let name = whole.get(1..).unwrap_or("");
            Ok((lookup(name, vars, unset), None))
        }
        Match::Braced { has_op, .. } => {
            let (head, rest) = match first_closing_brace(whole) {
                Some(c) => (whole.get(..=c).unwrap_or(whole), whole.get(c + 1..).unwrap_or("")),
                None => (whole, ""),
            };
            // Re-match the cut text to find its braced expression.
            let hb = head.as_bytes();
            let expr = match match_at(hb, 0, &mut LineEnds::default()) {
                Some((Match::Braced { end, .. }, _)) => head.get(2..end - 1).unwrap_or(""),
                Some((Match::Invalid, _)) | None => return Err(TemplateError::Invalid),
                Some(_) => head.get(2..head.len().saturating_sub(1)).unwrap_or(""),
            };
            let _ = has_op;
            if let Some(value) = apply_op(op.unwrap_or(OPS[0]), expr, vars, unset, depth)? {
                return Ok((value, Some(whole.len() - rest.len())));
            }
            Ok((lookup(expr, vars, unset), None))
        }
    }
}

fn lookup(name: &str, vars: &dyn Variables, unset: &mut Vec<String>) -> String {
    if let Some(v) = vars.get(name) {
        v
    } else {
        if !unset.iter().any(|u| u == name) {
            unset.push(name.to_string());
        }
        String::new()
    }
}

/// Applies `op` if `expr` contains its separator; `None` when it does not apply.
fn apply_op(op: Op, expr: &str, vars: &dyn Variables, unset: &mut Vec<String>, depth: usize) -> Result<Option<String>, TemplateError> {
    let sep = op.sep();
    let Some((name, arg)) = expr.split_once(sep) else { return Ok(None) };
    let arg = substitute_with(arg, vars, unset, depth + 1)?;
    let value = vars.get(name);
    Ok(Some(match op {
        Op::DefaultEmptyOrUnset => match value {
            Some(v) if !v.is_empty() => v,
            _ => arg,
        },
        Op::DefaultUnset => value.unwrap_or(arg),
        Op::AltNotEmpty => match value {
            Some(v) if !v.is_empty() => arg,
            Some(v) => v,
            None => String::new(),
        },
        Op::AltSet => match value {
            Some(_) => arg,
            None => String::new(),
        },
        Op::RequiredNotEmpty | Op::Required => match value {
            Some(v) if op == Op::Required || !v.is_empty() => v,
            _ => return Err(TemplateError::MissingRequired { variable: name.to_string(), reason: arg }),
        },
    }))
}

/// The type compose casts an interpolated string to at a given path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cast {
    Int,
    Int64,
    Float,
    Float32,
    Bool,
}

const ANY: &str = "*";
const LIST: &str = "[]";

/// compose's table of typed paths (its `interpolateTypeCastMapping`).
const CASTS: &[(&[&str], Cast)] = &[
    (&["services", ANY, "cpu_count"], Cast::Int64),
    (&["services", ANY, "cpu_percent"], Cast::Float),
    (&["services", ANY, "cpu_period"], Cast::Int64),
    (&["services", ANY, "cpu_quota"], Cast::Int64),
    (&["services", ANY, "cpu_rt_period"], Cast::Int64),
    (&["services", ANY, "cpu_rt_runtime"], Cast::Int64),
    (&["services", ANY, "cpus"], Cast::Float32),
    (&["services", ANY, "cpu_shares"], Cast::Int64),
    (&["services", ANY, "init"], Cast::Bool),
    (&["services", ANY, "deploy", "replicas"], Cast::Int),
    (&["services", ANY, "deploy", "update_config", "parallelism"], Cast::Int),
    (&["services", ANY, "deploy", "update_config", "max_failure_ratio"], Cast::Float),
    (&["services", ANY, "deploy", "rollback_config", "parallelism"], Cast::Int),
    (&["services", ANY, "deploy", "rollback_config", "max_failure_ratio"], Cast::Float),
    (&["services", ANY, "deploy", "restart_policy", "max_attempts"], Cast::Int),
    (&["services", ANY, "deploy", "placement", "max_replicas_per_node"], Cast::Int),
    (&["services", ANY, "healthcheck", "retries"], Cast::Int),
    (&["services", ANY, "healthcheck", "disable"], Cast::Bool),
    (&["services", ANY, "oom_kill_disable"], Cast::Bool),
    (&["services", ANY, "oom_score_adj"], Cast::Int64),
    (&["services", ANY, "pids_limit"], Cast::Int64),
    (&["services", ANY, "ports", LIST, "target"], Cast::Int),
    (&["services", ANY, "privileged"], Cast::Bool),
    (&["services", ANY, "read_only"], Cast::Bool),
    (&["services", ANY, "scale"], Cast::Int),
    (&["services", ANY, "stdin_open"], Cast::Bool),
    (&["services", ANY, "tty"], Cast::Bool),
    (&["services", ANY, "ulimits", ANY], Cast::Int),
    (&["services", ANY, "ulimits", ANY, "hard"], Cast::Int),
    (&["services", ANY, "ulimits", ANY, "soft"], Cast::Int),
    (&["services", ANY, "volumes", LIST, "read_only"], Cast::Bool),
    (&["services", ANY, "volumes", LIST, "volume", "nocopy"], Cast::Bool),
    (&["networks", ANY, "external"], Cast::Bool),
    (&["networks", ANY, "internal"], Cast::Bool),
    (&["networks", ANY, "attachable"], Cast::Bool),
    (&["networks", ANY, "enable_ipv4"], Cast::Bool),
    (&["networks", ANY, "enable_ipv6"], Cast::Bool),
    (&["volumes", ANY, "external"], Cast::Bool),
    (&["secrets", ANY, "external"], Cast::Bool),
    (&["configs", ANY, "external"], Cast::Bool),
];

/// Whether some [`CASTS`] pattern ends in the key `last` (the one pattern that ends in any key,
/// `services.*.ulimits.*`, is checked apart).
fn may_end_a_cast(last: &str) -> bool {
    matches!(
        last,
        "cpu_count"
            | "cpu_percent"
            | "cpu_period"
            | "cpu_quota"
            | "cpu_rt_period"
            | "cpu_rt_runtime"
            | "cpus"
            | "cpu_shares"
            | "init"
            | "replicas"
            | "parallelism"
            | "max_failure_ratio"
            | "max_attempts"
            | "max_replicas_per_node"
            | "retries"
            | "disable"
            | "oom_kill_disable"
            | "oom_score_adj"
            | "pids_limit"
            | "target"
            | "privileged"
            | "read_only"
            | "scale"
            | "stdin_open"
            | "tty"
            | "hard"
            | "soft"
            | "nocopy"
            | "external"
            | "internal"
            | "attachable"
            | "enable_ipv4"
            | "enable_ipv6"
    )
}

/// The cast compose applies to a string at `path`, if any.
pub fn cast_for(path: &[&str]) -> Option<Cast> {
    CASTS.iter().find(|(pattern, _)| path_matches(path, pattern)).map(|(_, c)| *c)
}

fn path_matches(path: &[&str], pattern: &[&str]) -> bool {
    path.len() == pattern.len() && path.iter().zip(pattern).all(|(seg, pat)| *pat == ANY || seg == pat)
}

/// Outcome of a cast: the typed value, or compose's error text.
fn cast_value(cast: Cast, s: &str) -> Result<(Value, Option<&'static str>), String> {
    match cast {
        Cast::Bool => match s.to_ascii_lowercase().as_str() {
            "true" => Ok((Value::Bool(true), None)),
            "false" => Ok((Value::Bool(false), None)),
            "y" | "yes" | "on" => Ok((Value::Bool(true), Some("true"))),
            "n" | "no" | "off" => Ok((Value::Bool(false), Some("false"))),
            _ => Err(format!("invalid boolean: {s}")),
        },
        Cast::Int | Cast::Int64 => {
            parse_go_decimal(s).map(|i| (Value::Int(i), None)).ok_or_else(|| format!("strconv.ParseInt: parsing {s:?}: invalid syntax"))
        }
        Cast::Float | Cast::Float32 => {
            let bits = if cast == Cast::Float32 { 32 } else { 64 };
            go_parse_float(s, bits).map(|f| (Value::Float(f), None)).map_err(|why| format!("strconv.ParseFloat: parsing {s:?}: {why}"))
        }
    }
}

/// Go's `strconv.ParseInt(s, 10, 64)`.
pub fn parse_go_decimal(s: &str) -> Option<i64> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok()
}

/// Go's `strconv.ParseFloat(s, 64)`.
pub fn parse_go_float(s: &str) -> Option<f64> {
    go_parse_float(s, 64).ok()
}

/// Go's `strconv.ParseFloat(s, bits)`: decimal (`1.5`, `.5`, `5.`, `1e3`, `1_000`) and
/// hexadecimal (`0x1p3`) floats, `inf`, `infinity` and `nan`; the error is Go's reason
/// (`invalid syntax`, or `value out of range` when the number overflows the size).
pub fn go_parse_float(s: &str, bits: u32) -> Result<f64, &'static str> {
    const SYNTAX: &str = "invalid syntax";
    let (negative, body) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (_, Some(rest)) => (false, rest),
        _ => (false, s),
    };
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Ok(if negative { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    // Go takes a sign before `inf` only
    if body.eq_ignore_ascii_case("nan") && body.len() == s.len() {
        return Ok(f64::NAN);
    }
    let b = body.as_bytes();
    let hex = b.len() > 2 && b.first() == Some(&b'0') && b.get(1).is_some_and(|c| c | 0x20 == b'x');
    let digit = |c: u8| if hex { c.is_ascii_hexdigit() } else { c.is_ascii_digit() };
    let mut i = if hex { 2 } else { 0 };
    let (mut digits, mut dot, mut underscores) = (0usize, false, false);
    while let Some(&c) = b.get(i) {
        if c == b'_' {
            underscores = true;
        } else if c == b'.' && !dot {
            dot = true;
        } else if digit(c) {
            digits += 1;
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return Err(SYNTAX);
    }
    let mantissa_end = i;
    let mut exponent: Option<(usize, usize)> = None;
    if b.get(i).is_some_and(|c| (c | 0x20) == if hex { b'p' } else { b'e' }) {
        i += 1;
        let start = i;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(SYNTAX);
        }
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit() || **c == b'_') {
            underscores |= c == b'_';
            i += 1;
        }
        exponent = Some((start, i));
    } else if hex {
        // a hexadecimal mantissa needs its `p` exponent
        return Err(SYNTAX);
    }
    if i != b.len() || (underscores && !underscores_ok(s)) {
        return Err(SYNTAX);
    }
    let value = if hex {
        let mut mantissa = 0f64;
        let mut scale = 0i64;
        let mut after_dot = false;
        for &c in b.get(2..mantissa_end).unwrap_or_default() {
            match c {
                b'.' => after_dot = true,
                b'_' => {}
                _ => {
                    mantissa = mantissa * 16.0 + f64::from((c as char).to_digit(16).unwrap_or(0));
                    if after_dot {
                        scale -= 4;
                    }
                }
            }
        }
        let exp: i64 = exponent.map_or(0, |(a, e)| body.get(a..e).unwrap_or("0").replace('_', "").parse::<i64>().unwrap_or(i64::MAX));
        #[allow(clippy::cast_possible_truncation)]
        let power = exp.saturating_add(scale).clamp(-2000, 2000) as i32;
        mantissa * 2f64.powi(power)
    } else if underscores {
        body.replace('_', "").parse::<f64>().map_err(|_| SYNTAX)?
    } else {
        body.parse::<f64>().map_err(|_| SYNTAX)?
    };
    let value = if negative { -value } else { value };
    #[allow(clippy::cast_possible_truncation)]
    let overflows = if bits == 32 { (value as f32).is_infinite() } else { value.is_infinite() };
    if overflows {
        return Err("value out of range");
    }
    Ok(value)
}

/// Go's rule for `_` in a number: only between digits (or after a base prefix).
fn underscores_ok(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if let [b'0', base, ..] = s {
        if matches!(base | 0x20, b'b' | b'o' | b'x') {
            i = 2;
            saw = b'0';
            hex = (base | 0x20) == b'x';
        }
    }
    while let Some(&c) = s.get(i) {
        i += 1;
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// Interpolates every string value under `root` (keys are left alone), casting strings at typed
/// paths, and reports problems at the scalar that holds the `${…}`.
pub fn interpolate(root: &mut Node, vars: &dyn Variables, source: &str, issues: &mut Vec<Issue>) {
    let from = issues.len();
    walk(root, &TreePath::Root, 0, vars, source, issues);
    drop_copies(issues, from);
}

/// A variable in an anchored value is interpolated in every copy the aliases make, but it is
/// written once: the findings of the copies are reported where it is written, and once.
fn drop_copies(issues: &mut Vec<Issue>, from: usize) {
    let about_text = |i: &Issue| matches!(i.kind, IssueKind::UnsetVariable | IssueKind::MissingRequiredVariable);
    if issues.get(from..).is_none_or(|new| new.iter().filter(|i| about_text(i)).count() < 2) {
        return;
    }
    // (the message names the variable and tells the two kinds apart)
    let mut seen: crate::HashSet<(Span, String)> = crate::HashSet::default();
    let mut at = 0;
    issues.retain(|i| {
        at += 1;
        at <= from || !about_text(i) || seen.insert((i.span, i.message.clone()))
    });
}

/// The path of a node, as a list up the call stack (no allocation per node).
#[derive(Clone, Copy)]
pub enum TreePath<'p> {
    /// The root of the file.
    Root,
    /// A mapping key under a parent.
    Key(&'p str, &'p TreePath<'p>),
    /// A list item under a parent.
    Index(usize, &'p TreePath<'p>),
}

impl TreePath<'_> {
    /// The last key on the path (for a list item, the list's key).
    pub fn last_key(&self) -> Option<&str> {
        match self {
            TreePath::Root => None,
            TreePath::Key(k, _) => Some(k),
            TreePath::Index(_, p) => p.last_key(),
        }
    }

    /// Whether the path ends at a list item.
    pub fn is_index(&self) -> bool {
        matches!(self, TreePath::Index(..))
    }

    /// `services.web.ports[0]`, for messages.
    fn display(&self) -> String {
        match self {
            TreePath::Root => String::new(),
            TreePath::Key(k, parent) => {
                let mut out = parent.display();
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
                out
            }
            TreePath::Index(i, parent) => format!("{}[{i}]", parent.display()),
        }
    }

    /// Whether the path (of `depth` segments) matches a [`CASTS`] pattern.
    fn matches(&self, depth: usize, pattern: &[&str]) -> bool {
        if depth != pattern.len() {
            return false;
        }
        let mut cur = self;
        for pat in pattern.iter().rev() {
            let (seg, parent) = match cur {
                TreePath::Root => return false,
                TreePath::Key(k, p) => (*k, *p),
                TreePath::Index(_, p) => (LIST, *p),
            };
            if *pat != ANY && *pat != seg {
                return false;
            }
            cur = parent;
        }
        true
    }

    fn cast(&self, depth: usize) -> Option<Cast> {
        // every pattern is at least three segments deep and starts at a top-level section
        if depth < 3 {
            return None;
        }
        // most strings end in a key no pattern ends in: skip the table for them
        let candidate = match self {
            TreePath::Key(k, parent) => may_end_a_cast(k) || (depth == 4 && parent.last_key() == Some("ulimits")),
            TreePath::Index(..) | TreePath::Root => false,
        };
        if !candidate {
            return None;
        }
        CASTS.iter().find(|(pattern, _)| self.matches(depth, pattern)).map(|(_, c)| *c)
    }
}

/// Whether the value at `path` is a command a shell in the container may run (`command`,
/// `entrypoint`, a healthcheck's `test`, a lifecycle hook), where `$$var` is what was meant.
fn runs_in_a_shell(path: &str) -> bool {
    let Some(rest) = path.strip_prefix("services.") else { return false };
    // the keys after the service's name (its first segment), without their `[i]`
    let keys: Vec<&str> = rest.split('.').skip(1).map(|s| s.split('[').next().unwrap_or(s)).collect();
    keys.iter().enumerate().any(|(i, key)| {
        matches!(*key, "command" | "entrypoint" | "post_start" | "pre_stop") || (*key == "healthcheck" && keys.get(i + 1) == Some(&"test"))
    })
}

fn walk(node: &mut Node, path: &TreePath<'_>, depth: usize, vars: &dyn Variables, source: &str, issues: &mut Vec<Issue>) {
    // a `!reset` value is dropped before compose interpolates or casts anything
    if node.tag == Some(crate::yaml::MergeTag::Reset) {
        return;
    }
    match &mut node.value {
        Value::Map(m) => {
            for (k, v) in &mut m.entries {
                walk(v, &TreePath::Key(&k.name, path), depth + 1, vars, source, issues);
            }
        }
        Value::Seq(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &TreePath::Index(i, path), depth + 1, vars, source, issues);
            }
        }
        Value::String(s) => {
            let span = node.span;
            // where the text is written: a copy made by an alias is read from its anchor
            let written = node.anchor.unwrap_or(span);
            let cast = path.cast(depth);
            if cast.is_none() && !s.contains('$') {
                return;
            }
            let original = std::mem::take(s);
            let value = if original.contains('$') {
                match substitute(&original, vars) {
                    Ok(sub) => {
                        for var in &sub.unset {
                            let at = locate(source, written, &original, var);
                            let shown = path.display();
                            let help = if runs_in_a_shell(&shown) {
                                format!("write `$${var}` if the container's shell is to expand it; otherwise set `{var}` in the environment or `.env`, or give a default: `${{{var}:-value}}`")
                            } else {
                                format!("set `{var}` in the environment or `.env`, or give a default: `${{{var}:-value}}`")
                            };
                            issues.push(
                                Issue::warning(
                                    IssueKind::UnsetVariable,
                                    at,
                                    format!("variable `{var}` is not set; compose uses an empty string"),
                                )
                                .with_path(shown)
                                .with_help(help)
                                .with_variable(var.as_str()),
                            );
                        }
                        sub.value
                    }
                    Err(TemplateError::Invalid) => {
                        issues.push(
                            Issue::error(
                                IssueKind::InvalidInterpolation,
                                locate_invalid(source, span, &original),
                                // a value of several lines is named by its path, with the culprit
                                match invalid_expression(&original).filter(|_| original.trim_end().contains('\n')) {
                                    Some(bad) => format!("invalid interpolation format `{}` in `{}`", redacted(path, bad), path.display()),
                                    None => format!("invalid interpolation format in `{}`", redacted(path, &original)),
                                },
                            )
                                .with_path(path.display())
                                .with_help(invalid_help(&original)),
                        );
                        String::new()
                    }
                    Err(TemplateError::TooDeep) => {
                        issues.push(
                            Issue::error(
                                IssueKind::InputLimit,
                                span,
                                format!("interpolation nests defaults deeper than the supported limit of {MAX_NESTING} levels"),
                            )
                            .with_path(path.display()),
                        );
                        String::new()
                    }
                    Err(TemplateError::MissingRequired { variable, reason }) => {
                        let at = locate(source, written, &original, &variable);
                        let why = if reason.is_empty() { String::new() } else { format!(": {reason}") };
                        issues.push(
                            Issue::error(
                                IssueKind::MissingRequiredVariable,
                                at,
                                format!("required variable `{variable}` is missing a value{why}"),
                            )
                            .with_path(path.display())
                            .with_help(format!("set `{variable}` in the environment or in `.env`"))
                            .with_variable(variable.as_str()),
                        );
                        String::new()
                    }
                }
            } else {
                original
            };
            if let Some(cast) = cast {
                match cast_value(cast, &value) {
                    Ok((v, warn)) => {
                        if let Some(canonical) = warn {
                            issues.push(
                                Issue::warning(
                                    IssueKind::Yaml11Boolean,
                                    span,
                                    format!("`{value}` is not a YAML 1.2 boolean; compose reads it as `{canonical}`"),
                                )
                                .with_path(path.display())
                                .with_help(format!("write `{canonical}`")),
                            );
                        }
                        node.value = v;
                    }
                    Err(msg) => {
                        let shown = path.display();
                        let mut issue = Issue::error(IssueKind::InvalidType, span, cast_message(&shown, &value, cast_name(cast), &msg)).with_path(shown.clone());
                        if let Some(help) = ulimit_pair_help(&shown, &value) {
                            issue = issue.with_help(help);
                        }
                        issues.push(issue);
                        node.value = Value::Null;
                        node.tag = None;
                    }
                }
            } else {
                node.value = Value::String(value);
            }
        }
        _ => {}
    }
}

/// Why the string at `path` is not of the type compose reads there.
fn cast_message(path: &str, value: &str, expected: &str, why: &str) -> String {
    if value.is_empty() {
        // an unset variable, most of the time (reported too)
        format!("`{path}` is empty once interpolated, and compose cannot read it as {expected}")
    } else if why.contains("out of range") {
        format!("`{path}`: `{value}` is out of range for {expected}")
    } else {
        // (Go's parser's own words, `strconv.ParseInt: parsing "abc": invalid syntax`, say no more)
        format!("`{path}` must be {expected}, found `{value}`")
    }
}

/// The help for a ulimit written as `soft:hard`, as `docker run --ulimit` takes it.
fn ulimit_pair_help(path: &str, value: &str) -> Option<String> {
    let (_, name) = path.rsplit_once(".ulimits.")?;
    let (soft, hard) = value.split_once(':')?;
    let number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (number(soft) && number(hard)).then(|| format!("a soft and a hard limit are a mapping: `{name}: {{soft: {soft}, hard: {hard}}}`"))
}

/// What a message may show of the string at `path`: the whole string, unless its key (or the
/// `KEY=` of a list entry) names a credential, then its first characters and `***`
/// (`hun***`), so a plaintext password is never echoed in full.
pub fn redacted(path: &TreePath<'_>, value: &str) -> String {
    match (path.last_key(), value.split_once('=')) {
        (_, Some((k, v))) if path.is_index() && is_sensitive_key(k) => format!("{k}={}", mask(v)),
        (Some(k), _) if is_sensitive_key(k) => mask(value),
        _ => value.to_string(),
    }
}

/// The first characters of a secret (at most three, and at most a third of it) and `***`.
pub fn mask(secret: &str) -> String {
    let keep = (secret.chars().count() / 3).min(3);
    let head: String = secret.chars().take(keep).collect();
    format!("{head}***")
}

/// Whether a key names a credential (`POSTGRES_PASSWORD`, `apiKey`, `GITHUB_TOKEN`): a broad
/// test, as it only decides what a message shows.
pub fn is_sensitive_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    ["PASS", "PWD", "SECRET", "TOKEN", "KEY", "AUTH", "CREDENTIAL", "PRIVATE", "CERT", "SALT"].iter().any(|w| upper.contains(w))
}

fn cast_name(cast: Cast) -> &'static str {
    match cast {
        Cast::Int | Cast::Int64 => "an integer",
        Cast::Float | Cast::Float32 => "a number",
        Cast::Bool => "a boolean",
    }
}

/// The first `${…}` compose cannot read in `template`: `${}` in `busybox:${}`, also inside a
/// default's text (`${A:-${}}`), to the first `}` on its line (or its `${` alone).
fn invalid_expression(template: &str) -> Option<&str> {
    let s = template.as_bytes();
    let mut i = 0;
    while i < s.len() {
        if s.get(i) != Some(&b'$') {
            i += 1;
            continue;
        }
        if s.get(i + 1) == Some(&b'$') {
            i += 2;
            continue;
        }
        // every `$`, not only where a match starts: an invalid nested `${` is the culprit
        if let Some((Match::Invalid, _)) = match_at(s, i, &mut LineEnds::default()) {
            let line_end = template.get(i..).and_then(|t| t.find('\n')).map_or(s.len(), |p| i + p);
            let end = template.get(i..line_end).and_then(|t| t.find('}')).map_or(i + 2, |p| i + p + 1);
            return template.get(i..end);
        }
        i += 1;
    }
    None
}

/// The span of [`invalid_expression`] inside the scalar at `span`, when the source shows it
/// verbatim; else the whole scalar.
fn locate_invalid(source: &str, span: Span, template: &str) -> Span {
    let raw = source.get(span.start as usize..span.end as usize).unwrap_or("");
    match invalid_expression(template).and_then(|bad| Some((raw.find(bad)?, bad.len()))) {
        Some((pos, len)) => span.sub(pos, len),
        None => span,
    }
}

/// The span of `${var…}` / `$var` inside the scalar at `span`, when the source shows it verbatim.
fn locate(source: &str, span: Span, value: &str, var: &str) -> Span {
    let raw = source.get(span.start as usize..span.end as usize).unwrap_or("");
    let _ = value;
    for pat in [format!("${{{var}"), format!("${var}")] {
        if let Some(pos) = raw.find(&pat) {
            let tail = raw.get(pos..).unwrap_or("");
            let len = if pat.starts_with("${") {
                first_closing_brace(tail).map_or(pat.len(), |c| c + 1)
            } else {
                pat.len()
            };
            return span.sub(pos, len);
        }
    }
    span
}

/// What is wrong with the first `${…}` of a text compose cannot interpolate, in the user's
/// terms: a `${{ … }}` of another tool, a default written without its `-`, a name with a dot.
fn invalid_help(text: &str) -> String {
    const GENERIC: &str = "write `$$` for a literal `$`; a variable is `$NAME` or `${NAME}`";
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        let after = &rest[at + 1..];
        if let Some(more) = after.strip_prefix('$') {
            rest = more;
            continue;
        }
        let Some(body) = after.strip_prefix('{') else {
            rest = after;
            continue;
        };
        if body.starts_with('{') {
            return "`${{ … }}` is another tool's syntax (GitHub Actions, a template), not compose's: write `$${{` to keep it as text".to_string();
        }
        let Some(close) = body.find('}') else {
            return "this `${` is never closed: end the variable with `}`, or write `$${` for a literal `${`".to_string();
        };
        let inner = &body[..close];
        let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
        let (name, tail) = inner.split_at(name_len);
        if name.is_empty() {
            return format!("`${{{inner}}}` names no variable: a name uses letters, digits and `_`");
        }
        // (the default itself is not repeated: it may be a secret)
        if tail.strip_prefix(':').is_some_and(|d| !d.starts_with(['-', '?', '+'])) {
            return format!("a default is written with `:-`: did you mean `${{{name}:-<default>}}`?");
        }
        if !tail.is_empty() && !tail.starts_with(['-', '?', '+', ':']) {
            return format!("`{inner}` is not a variable name (letters, digits and `_` only): write `${{{}}}` or similar, or `$${{` for a literal", inner.replace(|c: char| !(c.is_ascii_alphanumeric() || c == '_'), "_").to_uppercase());
        }
        rest = &body[close..];
    }
    GENERIC.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_floats() {
        use super::go_parse_float as f;
        assert_eq!(f("1.5", 64), Ok(1.5));
        assert_eq!(f("1_000", 64), Ok(1000.0));
        assert_eq!(f("1e3", 64), Ok(1000.0));
        assert_eq!(f(".5", 64), Ok(0.5));
        assert_eq!(f("5.", 64), Ok(5.0));
        assert_eq!(f("+5", 64), Ok(5.0));
        assert_eq!(f("0x1p3", 64), Ok(8.0));
        assert_eq!(f("0x1.8p1", 64), Ok(3.0));
        assert_eq!(f("-Inf", 64), Ok(f64::NEG_INFINITY));
        assert!(f("nan", 64).is_ok_and(f64::is_nan));
        assert_eq!(f("1e400", 64), Err("value out of range"));
        assert_eq!(f("1e39", 32), Err("value out of range"));
        assert_eq!(f("1e39", 64), Ok(1e39));
        for bad in ["", "+", ".", "e3", "1e", "1e+", "0x10", "0x", "1__0", "_1", "1_", "1_.5", "1._5", "+nan", "1.2.3", " 1", "1 ", "0b11", "infin"] {
            assert_eq!(f(bad, 64), Err("invalid syntax"), "{bad}");
        }
    }

    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect()
    }

    fn sub(t: &str, v: &HashMap<String, String>) -> Result<String, TemplateError> {
        substitute(t, v).map(|s| s.value)
    }

    /// The quick check before the table never skips a pattern: every pattern's path is found.
    #[test]
    fn every_cast_pattern_is_found_through_the_quick_check() {
        for (pattern, cast) in CASTS {
            let names: Vec<&str> = pattern.iter().map(|seg| if *seg == ANY { "x" } else { seg }).collect();
            let mut paths = vec![TreePath::Root];
            for (i, name) in names.iter().enumerate() {
                let parent = paths.last().copied().unwrap();
                let parent: &TreePath<'_> = Box::leak(Box::new(parent));
                paths.push(if *name == LIST { TreePath::Index(i, parent) } else { TreePath::Key(name, parent) });
            }
            let found = paths.last().unwrap().cast(pattern.len());
            assert_eq!(found, Some(*cast), "{pattern:?}");
        }
    }

    #[test]
    fn forms() {
        let v = vars(&[("SET", "v"), ("EMPTY", "")]);
        assert_eq!(sub("${SET}", &v).unwrap(), "v");
        assert_eq!(sub("$SET-x", &v).unwrap(), "v-x");
        assert_eq!(sub("${UNSET:-d}", &v).unwrap(), "d");
        assert_eq!(sub("${EMPTY:-d}", &v).unwrap(), "d");
        assert_eq!(sub("${EMPTY-d}", &v).unwrap(), "");
        assert_eq!(sub("${UNSET-d}", &v).unwrap(), "d");
        assert_eq!(sub("${SET:+alt}", &v).unwrap(), "alt");
        assert_eq!(sub("${EMPTY:+alt}", &v).unwrap(), "");
        assert_eq!(sub("${EMPTY+alt}", &v).unwrap(), "alt");
        assert_eq!(sub("${UNSET+alt}", &v).unwrap(), "");
        assert_eq!(sub("${UNSET:-${SET}}", &v).unwrap(), "v");
        assert_eq!(sub("${A:-${B:-deep}}", &v).unwrap(), "deep");
        assert_eq!(sub("$$SET $1 $ x", &v).unwrap(), "$SET $1 $ x");
        assert_eq!(sub("${UNSET:-a}}", &v).unwrap(), "a}");
        assert_eq!(sub("${UNSET:-x} and ${SET}", &v).unwrap(), "x and v");
        assert_eq!(sub("${B:x}", &v), Err(TemplateError::Invalid));
        assert_eq!(sub("${}", &v), Err(TemplateError::Invalid));
        assert_eq!(
            sub("${UNSET?oops}", &v),
            Err(TemplateError::MissingRequired { variable: "UNSET".into(), reason: "oops".into() })
        );
        assert_eq!(
            sub("${EMPTY:?need}", &v),
            Err(TemplateError::MissingRequired { variable: "EMPTY".into(), reason: "need".into() })
        );
        assert_eq!(sub("${EMPTY?need}", &v).unwrap(), "");
    }

    #[test]
    fn unset_are_collected() {
        let v = vars(&[]);
        let s = substitute("${A} $B ${C:-x}", &v).unwrap();
        assert_eq!(s.value, "  x");
        assert_eq!(s.unset, ["A", "B"]);
    }

    #[test]
    fn casts_follow_compose_paths() {
        assert_eq!(cast_for(&["services", "web", "privileged"]), Some(Cast::Bool));
        assert_eq!(cast_for(&["services", "web", "ports", "[]", "target"]), Some(Cast::Int));
        assert_eq!(cast_for(&["services", "web", "ulimits", "nofile"]), Some(Cast::Int));
        assert_eq!(cast_for(&["services", "web", "image"]), None);
    }
}

#[cfg(test)]
mod redaction_tests {
    use super::{mask, redacted, TreePath};

    #[test]
    fn secrets_are_masked_in_messages() {
        let root = TreePath::Root;
        let env = TreePath::Key("environment", &root);
        let password = TreePath::Key("POSTGRES_PASSWORD", &env);
        assert_eq!(redacted(&password, "hunter${2secret"), "hun***");
        let item = TreePath::Index(0, &env);
        assert_eq!(redacted(&item, "DB_PASSWORD=hunter${2"), "DB_PASSWORD=hun***");
        assert_eq!(redacted(&item, "LOG_LEVEL=${x"), "LOG_LEVEL=${x");
        let image = TreePath::Key("image", &root);
        assert_eq!(redacted(&image, "nginx:${TAG"), "nginx:${TAG");
        assert_eq!(mask("ab"), "***");
    }

    #[test]
    fn a_variable_in_a_command_is_told_about_dollar_dollar() {
        for path in ["services.web.command", "services.web.command[2]", "services.a.b.entrypoint[0]", "services.web.healthcheck.test[1]", "services.web.post_start[0].command"] {
            assert!(super::runs_in_a_shell(path), "{path}");
        }
        for path in ["services.web.environment.A", "services.command.image", "services.web.commands", "networks.command.driver"] {
            assert!(!super::runs_in_a_shell(path), "{path}");
        }
    }
}
