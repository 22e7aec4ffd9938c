//! Value types shared by the model: the spec's "string or list", "list or dict", commands,
//! durations, byte sizes, numbers given as strings, and the `x-` extensions.

use std::fmt::{self, Write as _};

use crate::IndexMap;
use schemars::JsonSchema;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::span::{Span, Spanned};
use crate::yaml::format_go_float;

/// A JSON-like value, for extensions and free-form options.
pub type Json = serde_json::Value;

/// `x-` keys of an object, kept as plain values. Boxed, and absent when there are none: every
/// object of the model has a place for them and few use it (a map would be 72 bytes in each of
/// 5000 services).
#[derive(Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct Extensions(#[schemars(with = "IndexMap<String, Json>")] Option<Box<IndexMap<String, Json>>>);

impl Extensions {
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    pub fn get(&self, key: &str) -> Option<&Json> {
        self.0.as_ref()?.get(key)
    }

    /// The keys and values, in the order they are written.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Json)> {
        self.0.iter().flat_map(|m| m.iter())
    }
}

impl From<IndexMap<String, Json>> for Extensions {
    fn from(map: IndexMap<String, Json>) -> Self {
        Self((!map.is_empty()).then(|| Box::new(map)))
    }
}

impl Serialize for Extensions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Extensions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IndexMap::<String, Json>::deserialize(d).map(Self::from)
    }
}

/// The location of the object itself, filled in by the model's deserializer.
pub type Loc = Spanned<()>;

/// A list read item by item: each bad item is reported, not only the first (a `Vec` stops at
/// the first). A list with a bad item fails as a whole, as a `Vec` does, so what is read from it
/// (a command without one of its words) never leads to other findings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct List<T>(pub Vec<T>);

/// The schema of a list (the same as a `Vec`'s: the reading differs, not the syntax).
impl<T: JsonSchema> JsonSchema for List<T> {
    fn inline_schema() -> bool {
        Vec::<T>::inline_schema()
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Vec::<T>::schema_name()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        Vec::<T>::schema_id()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Vec::<T>::json_schema(g)
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> IntoIterator for List<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a List<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> Omit for List<T> {
    fn omit(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// An item that failed becomes `None`: the model's deserializer has recorded why.
        struct Item<T>(Option<T>);
        impl<'de, T: Deserialize<'de>> Deserialize<'de> for Item<T> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(Self(crate::de::attempt(d).ok()))
            }
        }
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                let mut failed = false;
                while let Some(Item(item)) = seq.next_element::<Item<T>>()? {
                    match item {
                        Some(item) => items.push(item),
                        None => failed = true,
                    }
                }
                if failed {
                    return Err(de::Error::custom(crate::de::REPORTED));
                }
                Ok(List(items))
            }
        }
        d.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// Decides which fields the model's `Serialize` leaves out.
pub trait Omit {
    fn omit(&self) -> bool;
}

impl<T> Omit for Option<T> {
    fn omit(&self) -> bool {
        self.is_none()
    }
}

impl<T> Omit for Vec<T> {
    fn omit(&self) -> bool {
        self.is_empty()
    }
}

impl<K, V> Omit for IndexMap<K, V> {
    fn omit(&self) -> bool {
        self.is_empty()
    }
}

impl Omit for () {
    fn omit(&self) -> bool {
        true
    }
}

impl Omit for Extensions {
    fn omit(&self) -> bool {
        self.is_empty()
    }
}

impl Omit for ListOrDict {
    fn omit(&self) -> bool {
        self.entries.is_empty() && !self.present
    }
}

impl<T> Omit for Spanned<T> {
    fn omit(&self) -> bool {
        false
    }
}

/// A scalar turned to text the way compose does (`fmt.Sprint`): numbers in Go's format.
fn scalar_text(v: ScalarValue<'_>) -> String {
    match v {
        ScalarValue::Str(s) => s.to_string(),
        ScalarValue::Bool(b) => b.to_string(),
        ScalarValue::I64(i) => i.to_string(),
        ScalarValue::U64(u) => u.to_string(),
        ScalarValue::F64(f) => format_go_float(f),
    }
}

#[derive(Clone, Copy)]
enum ScalarValue<'a> {
    Str(&'a str),
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
}

/// A string, a number or a boolean, read as its text (compose's `fmt.Sprint`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(scalar_text(ScalarValue::Str(v))))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(scalar_text(ScalarValue::I64(v))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(scalar_text(ScalarValue::U64(v))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(scalar_text(ScalarValue::F64(v))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string or an integer, kept as text; a float (`1.5`, or `1e3`, which YAML reads as a float)
/// is refused, as compose refuses it where its type is a string or an integer (a published
/// port, a device count).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IntText(pub Text);

impl<'de> Deserialize<'de> for IntText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        int_or_string(d, "must be an integer or a string, not a float").map(|(text, _)| IntText(Text(text)))
    }
}

/// An integer or a string as text, and whether it was a string; a float is refused with
/// `float_error` (which does not quote the value: the snippet shows it as written, where `1e3`
/// would print as `1000`).
fn int_or_string<'de, D: Deserializer<'de>>(d: D, float_error: &'static str) -> Result<(String, bool), D::Error> {
    struct V(&'static str);
    impl Visitor<'_> for V {
        type Value = (String, bool);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(String, bool), E> {
            Ok((v.to_string(), true))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<(String, bool), E> {
            Ok((v.to_string(), false))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<(String, bool), E> {
            Ok((v.to_string(), false))
        }
        fn visit_f64<E: de::Error>(self, _v: f64) -> Result<(String, bool), E> {
            Err(de::Error::custom(self.0))
        }
    }
    d.deserialize_any(V(float_error))
}

/// The `mode` of a secret or config a service mounts: an integer, or a string of octal digits
/// (`"0440"`), kept as written. compose reads the string as Go's `strconv.ParseInt(s, 8, 64)`
/// does (an optional sign, then octal digits only: no `0o` prefix, no spaces, no underscores) and
/// refuses a float.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FileMode(pub Text);

impl<'de> Deserialize<'de> for FileMode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, written_as_string) = int_or_string(d, "a file mode must be an integer or an octal string, not a float")?;
        if written_as_string {
            parse_octal_mode(&text).map_err(de::Error::custom)?;
        }
        Ok(FileMode(Text(text)))
    }
}

/// A file mode written as a string (`"0440"`), read as compose reads it: base 8, an optional
/// sign, 64 bits.
pub fn parse_octal_mode(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        return Err(format!("`{s}` is not a file mode: write it in octal digits, such as \"0440\""));
    }
    i64::from_str_radix(s, 8).map_err(|_| format!("the file mode `{s}` is out of range"))
}

/// A `list_or_dict` value: a scalar as text, or null (which the spec allows here).
struct NullableText(Option<String>);

impl<'de> Deserialize<'de> for NullableText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = NullableText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }
            fn visit_unit<E: de::Error>(self) -> Result<NullableText, E> {
                Ok(NullableText(None))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NullableText, E> {
                Ok(NullableText(Some(scalar_text(ScalarValue::Str(v)))))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<NullableText, E> {
                Ok(NullableText(Some(scalar_text(ScalarValue::Bool(v)))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<NullableText, E> {
                Ok(NullableText(Some(scalar_text(ScalarValue::I64(v)))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<NullableText, E> {
                Ok(NullableText(Some(scalar_text(ScalarValue::U64(v)))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<NullableText, E> {
                Ok(NullableText(Some(scalar_text(ScalarValue::F64(v)))))
            }
        }
        d.deserialize_any(V)
    }
}

/// The spec's `string_or_list`: one string or a list of strings, kept as a list.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct StringOrList(pub Vec<Spanned<String>>);

impl<'de> Deserialize<'de> for StringOrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Either<String, List<Spanned<String>>>>::deserialize(d)?;
        Ok(match spanned.value {
            Either::Left(s) => StringOrList(vec![Spanned { value: s, span: spanned.span, anchor: spanned.anchor }]),
            Either::Right(v) => StringOrList(v.0),
        })
    }
}

impl StringOrList {
    pub fn iter(&self) -> impl Iterator<Item = &Spanned<String>> {
        self.0.iter()
    }
}

/// A string or a list (used while reading; the model keeps a normalised form).
#[derive(Clone, Debug)]
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

impl<'de, R: Deserialize<'de>> Deserialize<'de> for Either<String, R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<R>(std::marker::PhantomData<R>);
        impl<'de, R: Deserialize<'de>> Visitor<'de> for V<R> {
            type Value = Either<String, R>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Either::Left(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                R::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Either::Right)
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// One `KEY=value` (list form) or `KEY: value` (map form) entry.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct KeyValue {
    pub key: Spanned<String>,
    /// `None` for a bare `KEY` (list) or a null value (map): compose then takes the value from
    /// the environment, or drops the entry.
    pub value: Option<Spanned<String>>,
    /// The whole list item, or the value for the map form.
    #[serde(skip)]
    pub span: Span,
}

/// The spec's `list_or_dict` (environment, labels, args, sysctls…), in source order. Duplicate
/// keys of the list form are kept, so rules can report them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListOrDict {
    pub entries: Vec<KeyValue>,
    /// Written as a list (`- KEY=value`) rather than a mapping.
    pub list_form: bool,
    /// The key was present (even if empty).
    pub present: bool,
}

impl ListOrDict {
    /// The last entry for `key` (later entries win, as in compose).
    pub fn get(&self, key: &str) -> Option<&KeyValue> {
        self.entries.iter().rev().find(|e| e.key.value == key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &KeyValue> {
        self.entries.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl Serialize for ListOrDict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        let mut seen: IndexMap<&str, Option<&str>> = IndexMap::default();
        for e in &self.entries {
            seen.insert(&e.key.value, e.value.as_ref().map(|v| v.value.as_str()));
        }
        for (k, v) in seen {
            m.serialize_entry(k, &v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for ListOrDict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ListOrDict;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping or a list of `KEY=value` strings")
            }
            // sized from the start: a vector grown by pushing holds four entries for a
            // service's usual two variables, and there is one per service
            // every entry is read, so that each bad one is reported (the first error then makes
            // the whole attribute fail, as before)
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ListOrDict, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                let mut failed = None;
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value: Spanned<NullableText> = match map.next_value() {
                        Ok(value) => value,
                        Err(e) => {
                            failed.get_or_insert(e);
                            continue;
                        }
                    };
                    let span = value.span;
                    let anchor = value.anchor;
                    entries.push(KeyValue {
                        key,
                        value: value.value.0.map(|t| Spanned { value: t, span, anchor }),
                        span,
                    });
                }
                match failed {
                    Some(e) => Err(e),
                    None => Ok(ListOrDict { entries, list_form: false, present: true }),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ListOrDict, A::Error> {
                // (a reader that cannot say how many items are left may not move past a bad one:
                // its error ends the list)
                let counted = seq.size_hint().is_some();
                let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                let mut failed = None;
                loop {
                    let item = match seq.next_element::<Spanned<String>>() {
                        Ok(Some(item)) => item,
                        Ok(None) => break,
                        Err(e) if counted => {
                            failed.get_or_insert(e);
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    let (k, v) = match item.value.split_once('=') {
                        Some((k, v)) => (k.to_string(), Some(v.to_string())),
                        None => (item.value.clone(), None),
                    };
                    let key_span = item.span.sub(0, k.len());
                    let value = v.map(|v| Spanned { value: v, span: item.span, anchor: item.anchor });
                    entries.push(KeyValue { key: Spanned { value: k, span: key_span, anchor: item.anchor }, value, span: item.span });
                }
                match failed {
                    Some(e) => Err(e),
                    None => Ok(ListOrDict { entries, list_form: true, present: true }),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// `command` / `entrypoint`: a shell string or an exec list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Command {
    /// `command: npm start` (compose splits it into words, as a shell would).
    Shell(Spanned<String>),
    /// `command: ["npm", "start"]`
    Exec(Vec<Spanned<String>>),
}

impl Command {
    /// The arguments as compose passes them (a shell string split into words).
    pub fn args(&self) -> Vec<Spanned<String>> {
        match self {
            Self::Exec(v) => v.clone(),
            Self::Shell(s) => split_shell_words(&s.value)
                .unwrap_or_else(|_| vec![s.value.clone()])
                .into_iter()
                .map(|w| Spanned { value: w, span: s.span, anchor: s.anchor })
                .collect(),
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            Self::Shell(s) => Some(s.span),
            Self::Exec(v) => v.first().map(|s| s.span),
        }
    }
}

impl<'de> Deserialize<'de> for Command {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Spanned::<Either<String, List<Spanned<String>>>>::deserialize(d)?;
        match s.value {
            Either::Left(text) => {
                if let Err(e) = split_shell_words(&text) {
                    return Err(de::Error::custom(e));
                }
                Ok(Command::Shell(Spanned { value: text, span: s.span, anchor: s.anchor }))
            }
            Either::Right(v) => Ok(Command::Exec(v.0)),
        }
    }
}

/// Splits a command line into words as compose does (its shell-words parser, with no expansion):
/// quotes group, a backslash takes the next character as it is (inside double quotes too; not
/// inside single quotes), and the words end at the first `;`, `&`, `|`, `<` or `>` outside quotes
/// (a word of digits just before `>`, a redirected descriptor, is dropped too). A `(` is only
/// allowed right after `$`, as `$(...)`; an unmatched `(` or `)`, quote or final backslash is an
/// error.
pub fn split_shell_words(s: &str) -> Result<Vec<String>, String> {
    split_shell_words_cut(s).map(|(words, _)| words)
}

/// [`split_shell_words`], with the byte offset of the operator where the words stopped when they
/// stopped before the end of the line.
pub fn split_shell_words_cut(s: &str) -> Result<(Vec<String>, Option<usize>), String> {
    let mut cut = None;
    let mut words = Vec::new();
    let mut cur = String::new();
    // whether the current word has begun (a `""` is a word, an empty one)
    let mut in_word = false;
    let (mut escaped, mut double, mut single, mut backtick, mut dollar) = (false, false, false, false, false);
    for (at, c) in s.char_indices() {
        if escaped {
            cur.push(c);
            escaped = false;
            in_word = true;
            continue;
        }
        if c == '\\' {
            if single {
                cur.push(c);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if single || double || backtick || dollar {
                cur.push(c);
            } else if in_word {
                words.push(std::mem::take(&mut cur));
                in_word = false;
            }
            continue;
        }
        let open = !single && !double;
        match c {
            '`' if open && !dollar => backtick = !backtick,
            ')' if open && !backtick => dollar = !dollar,
            '(' if open && !backtick => {
                if dollar || !cur.ends_with('$') {
                    return Err("cannot be split into words: a `(` outside quotes (compose accepts one only in `$(`); quote the word or write the command as a list".to_string());
                }
                dollar = true;
            }
            '"' if !single && !dollar => {
                in_word |= double;
                double = !double;
                continue;
            }
            '\'' if !double && !dollar => {
                in_word |= single;
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if open && !backtick && !dollar => {
                if c == '>' && cur.starts_with(|d: char| d.is_ascii_digit()) {
                    in_word = false;
                }
                cut = Some(at);
                break;
            }
            _ => {}
        }
        in_word = true;
        cur.push(c);
    }
    if in_word {
        words.push(cur);
    }
    let problem = if escaped {
        "it ends with a lone backslash; remove it or write the command as a list"
    } else if single || double {
        "a quote is never closed; close it or write the command as a list"
    } else if backtick {
        "a backtick is never closed; close it or write the command as a list"
    } else if dollar {
        "a `)` outside quotes has no `$(` before it, or a `$(` no `)`; quote the word or write the command as a list"
    } else {
        return Ok((words, cut));
    };
    Err(format!("cannot be split into words: {problem}"))
}

/// A duration such as `1m30s`, `500ms` or `1d` (compose also accepts days and weeks).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Duration {
    pub nanos: i64,
}

impl Duration {
    pub fn as_secs_f64(self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let n = self.nanos as f64;
        n / 1e9
    }
}

impl fmt::Display for Duration {
    /// Go's `time.Duration.String()`: `1m30s`, `500ms`, `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_go_duration(self.nanos))
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // the spec types durations as strings: `interval: 30` is an error, `interval: 30s` is not
        struct V;
        impl Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string with a unit (such as `30s`)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Duration, E> {
                parse_duration(v).map(|nanos| Duration { nanos }).map_err(|e| crate::de::refused_when_decoded(&e))
            }
        }
        d.deserialize_str(V)
    }
}

/// Parses a duration as compose does (Go's syntax plus `d` and `w`).
pub fn parse_duration(s: &str) -> Result<i64, String> {
    parse_duration_as_written(s).map_err(|e| match duration_meant(s) {
        Some(meant) if e.ends_with(DURATION_EXAMPLES) => format!("`{s}` is not a valid duration (did you mean `{meant}`?)"),
        _ => e,
    })
}

const DURATION_EXAMPLES: &str = "(examples: `30s`, `1m30s`, `500ms`)";

/// The duration a text compose cannot read was likely meant to be: a bare number in seconds
/// (`10`: `10s`), units in capitals or words (`1H`, `5 seconds`), blanks between parts
/// (`1m 30s`).
fn duration_meant(s: &str) -> Option<String> {
    let t = s.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit() || b == b'.') && t.bytes().filter(|&b| b == b'.').count() <= 1 {
        let meant = format!("{t}s");
        return parse_duration_as_written(&meant).is_ok().then_some(meant);
    }
    let mut meant = t.to_ascii_lowercase();
    for (words, unit) in [
        (&["milliseconds", "millisecond", "msecs", "msec"][..], "ms"),
        (&["seconds", "second", "secs", "sec"][..], "s"),
        (&["minutes", "minute", "mins", "min"][..], "m"),
        (&["hours", "hour", "hrs", "hr"][..], "h"),
        (&["days", "day"][..], "d"),
    ] {
        for word in words {
            meant = meant.replace(word, unit);
        }
    }
    meant.retain(|c| !c.is_whitespace());
    (meant != s && parse_duration_as_written(&meant).is_ok()).then_some(meant)
}

/// [`parse_duration`] without the suggestion in its error.
fn parse_duration_as_written(s: &str) -> Result<i64, String> {
    const LIMIT: u64 = 1 << 63;
    let orig = s;
    let err = || format!("`{orig}` is not a valid duration {DURATION_EXAMPLES}");
    let too_long = || format!("`{orig}` is too long a duration");
    let (neg, mut rest) = match (s.strip_prefix('-'), s.strip_prefix('+')) {
        (Some(r), _) => (true, r),
        (_, Some(r)) => (false, r),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(err());
    }
    // Go's `time.ParseDuration` (with compose's `d` and `w`), in whole nanoseconds: a fraction
    // is truncated, and the total must fit in 63 bits
    let mut total: u64 = 0;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let mut whole: u64 = 0;
        for b in rest.bytes().take(digits) {
            if whole > LIMIT / 10 {
                return Err(too_long());
            }
            whole = whole * 10 + u64::from(b - b'0');
            if whole > LIMIT {
                return Err(too_long());
            }
        }
        rest = rest.get(digits..).unwrap_or("");
        let (mut fraction, mut scale, mut fraction_digits) = (0u64, 1f64, 0usize);
        if let Some(after) = rest.strip_prefix('.') {
            fraction_digits = after.bytes().take_while(u8::is_ascii_digit).count();
            let mut overflow = false;
            for b in after.bytes().take(fraction_digits) {
                if overflow || fraction > (LIMIT - 1) / 10 {
                    overflow = true;
                    continue;
                }
                fraction = fraction * 10 + u64::from(b - b'0');
                scale *= 10.0;
            }
            rest = after.get(fraction_digits..).unwrap_or("");
        } else if digits == 0 {
            return Err(err());
        }
        if digits == 0 && fraction_digits == 0 {
            return Err(err());
        }
        let unit_len = rest.bytes().take_while(|b| !b.is_ascii_digit() && *b != b'.').count();
        let unit = rest.get(..unit_len).unwrap_or("");
        rest = rest.get(unit_len..).unwrap_or("");
        let unit: u64 = match unit {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "d" => 86_400_000_000_000,
            "w" => 604_800_000_000_000,
            _ => return Err(err()),
        };
        if whole > LIMIT / unit {
            return Err(too_long());
        }
        let mut value = whole * unit;
        if fraction > 0 {
            #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let part = (fraction as f64 * (unit as f64 / scale)) as u64;
            value += part;
            if value > LIMIT {
                return Err(too_long());
            }
        }
        total += value;
        if total > LIMIT {
            return Err(too_long());
        }
    }
    if neg {
        #[allow(clippy::cast_possible_wrap)]
        return Ok((total as i64).wrapping_neg());
    }
    i64::try_from(total).map_err(|_| too_long())
}

/// Go's `time.Duration.String()`.
pub fn format_go_duration(nanos: i64) -> String {
    if nanos == 0 {
        return "0s".into();
    }
    let neg = nanos < 0;
    let u = nanos.unsigned_abs();
    let sign = if neg { "-" } else { "" };
    if u < 1_000_000_000 {
        // sub-second: ns, µs or ms with a fraction
        let (unit, div) = if u < 1_000 {
            ("ns", 1u64)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{sign}{}{unit}", frac(u, div));
    }
    let h = u / 3_600_000_000_000;
    let rem = u % 3_600_000_000_000;
    let m = rem / 60_000_000_000;
    let s_n = rem % 60_000_000_000;
    let secs = frac(s_n, 1_000_000_000);
    let mut out = String::from(sign);
    // writing to a `String` cannot fail
    if h > 0 {
        let _ = write!(out, "{h}h{m}m");
    } else if m > 0 {
        let _ = write!(out, "{m}m");
    }
    out.push_str(&secs);
    out.push('s');
    out
}

fn frac(v: u64, div: u64) -> String {
    let whole = v / div;
    let part = v % div;
    if part == 0 {
        return whole.to_string();
    }
    let width = div.to_string().len() - 1;
    let digits = format!("{part:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

/// A byte size: an integer, or a string such as `512m`, `1.5G`, `2gb` (compose's
/// `RAMInBytes`: binary multiples).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ByteSize(pub i64);

impl Serialize for ByteSize {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a byte size such as `512m` or an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                Ok(ByteSize(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                Ok(ByteSize(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            // compose ignores a float here (it decodes to 0).
            fn visit_f64<E: de::Error>(self, _v: f64) -> Result<ByteSize, E> {
                Ok(ByteSize(0))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                parse_byte_size(v).map(ByteSize).map_err(|e| crate::de::refused_when_decoded(&e))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses `512m`, `1.5G`, `2gb`, `100 KiB` into bytes (binary multiples), as compose does
/// (go-units' `RAMInBytes`): the number is everything up to the last digit, dot or space and is
/// read as a Go float (`1e3`, `1_000`, `.5` and `5.` are numbers); the suffix is `b`, or one of
/// `k m g t p` with an optional `b` or `ib`, in any case.
pub fn parse_byte_size(s: &str) -> Result<i64, String> {
    parse_byte_size_as_written(s).map_err(|e| {
        // a size that is close to one compose reads: `1Gi` (`1gib`), ` 1g`, `1.5 gigabytes`
        let lower = s.trim().to_ascii_lowercase();
        let meant = [lower.clone(), format!("{lower}b"), lower.replace("bytes", "b").replace("byte", "b").replace("giga", "g").replace("mega", "m").replace("kilo", "k").replace("tera", "t")]
            .into_iter()
            .map(|m| m.split_whitespace().collect::<String>())
            .find(|m| m != s && !m.starts_with('-') && parse_byte_size_as_written(m).is_ok());
        match meant {
            Some(m) => format!("`{s}` is not a valid size (did you mean `{m}`?)"),
            None => e,
        }
    })
}

/// [`parse_byte_size`] without the suggestion in its error.
fn parse_byte_size_as_written(s: &str) -> Result<i64, String> {
    let err = || format!("`{s}` is not a valid size (examples: `512m`, `1.5g`, `1073741824`)");
    let Some(sep) = s.rfind(|c: char| c.is_ascii_digit() || c == '.' || c == ' ') else {
        return Err(err());
    };
    let (num, suffix) = s.split_at(sep + 1);
    let num = num.strip_suffix(' ').unwrap_or(num);
    let size = crate::interpolate::go_parse_float(num, 64).map_err(|_| err())?;
    if size < 0.0 {
        return Err(err());
    }
    let suffix = suffix.to_ascii_lowercase();
    let multiplier: f64 = match suffix.as_bytes() {
        [] | [b'b'] => 1.0,
        [unit, rest @ ..] if rest.is_empty() || rest == b"b" || rest == b"ib" => match unit {
            b'k' => 1024f64,
            b'm' => 1024f64.powi(2),
            b'g' => 1024f64.powi(3),
            b't' => 1024f64.powi(4),
            b'p' => 1024f64.powi(5),
            _ => return Err(err()),
        },
        _ => return Err(err()),
    };
    Ok(go_float_to_int(size * multiplier))
}

/// Go's `int64(f)` on amd64: truncation, and the smallest int64 when `f` does not fit.
fn go_float_to_int(f: f64) -> i64 {
    #[allow(clippy::cast_precision_loss)]
    if f.is_nan() || f >= i64::MAX as f64 || f < i64::MIN as f64 {
        return i64::MIN;
    }
    #[allow(clippy::cast_possible_truncation)]
    let n = f as i64;
    n
}

/// A number given as a number or a numeric string (compose casts at decode time).
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd, Serialize)]
#[serde(transparent)]
pub struct Number(pub f64);

impl Number {
    pub fn as_i64(self) -> Option<i64> {
        #[allow(clippy::float_cmp, clippy::cast_possible_truncation, clippy::cast_precision_loss)]
        if self.0.fract() == 0.0 && self.0.abs() < 9.2e18 {
            Some(self.0 as i64)
        } else {
            None
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            #[allow(clippy::cast_precision_loss)]
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
                Ok(Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
                crate::interpolate::parse_go_float(v)
                    .map(Number)
                    .ok_or_else(|| de::Error::custom(format!("`{v}` is not a number")))
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer as compose reads one that its schema types `integer` (`models.*.context_size`): a
/// YAML integer of any size, or a float with no fractional part (`1e3`, `1.0`); never a string,
/// not even a variable's value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct IntegerNumber(pub i64);

impl<'de> Deserialize<'de> for IntegerNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = IntegerNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntegerNumber, E> {
                Ok(IntegerNumber(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntegerNumber, E> {
                Ok(IntegerNumber(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<IntegerNumber, E> {
                #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
                if v.fract() == 0.0 {
                    return Ok(IntegerNumber(v as i64));
                }
                Err(de::Error::custom(format!("must be an integer, found the float `{}`", format_go_float(v))))
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer given as an integer or a decimal string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Integer(pub i64);

impl<'de> Deserialize<'de> for Integer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Integer;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Integer, E> {
                Ok(Integer(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Integer, E> {
                Ok(Integer(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Integer, E> {
                #[allow(clippy::float_cmp, clippy::cast_possible_truncation)]
                if v.fract() == 0.0 {
                    return Ok(Integer(v as i64));
                }
                Err(de::Error::custom(format!("`{}` is not an integer", format_go_float(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Integer, E> {
                crate::interpolate::parse_go_decimal(v)
                    .map(Integer)
                    .ok_or_else(|| de::Error::custom(format!("`{v}` is not an integer")))
            }
        }
        d.deserialize_any(V)
    }
}

/// An int64 as compose decodes a generic resource's `value`: a YAML number, truncated toward zero
/// when it is a float (`1.5` is 1; the smallest int64 when it does not fit), or a string that
/// `strconv.ParseInt(s, 10, 64)` reads (`+1`, `017`; not `1e3`, `1.0`, `0x1F` or `1_000`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct TruncatedInteger(pub i64);

impl<'de> Deserialize<'de> for TruncatedInteger {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TruncatedInteger;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TruncatedInteger, E> {
                Ok(TruncatedInteger(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TruncatedInteger, E> {
                Ok(TruncatedInteger(i64::try_from(v).unwrap_or(i64::MIN)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TruncatedInteger, E> {
                Ok(TruncatedInteger(go_float_to_int(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TruncatedInteger, E> {
                crate::interpolate::parse_go_decimal(v)
                    .map(TruncatedInteger)
                    .ok_or_else(|| de::Error::custom(format!("`{v}` is not a decimal integer")))
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer that must not be written as a float, even a whole one (`10.0`, `1e3`): a ulimit's
/// `soft` and `hard`, which docker compose crashes on when they are floats.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct WholeInteger(pub Integer);

impl<'de> Deserialize<'de> for WholeInteger {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (text, written_as_string) = int_or_string(
            d,
            "is written as a float: write a whole number, without a point or an exponent (docker compose crashes on a float here)",
        )?;
        let n = if written_as_string {
            crate::interpolate::parse_go_decimal(&text).ok_or_else(|| de::Error::custom(format!("`{text}` is not an integer")))?
        } else {
            // an integer past i64 (a u64) saturates, as `Integer` does
            text.parse().unwrap_or(i64::MAX)
        };
        Ok(WholeInteger(Integer(n)))
    }
}

/// A boolean, also given as `"true"`/`"false"` (compose casts strings).
pub type Bool = bool;

/// A value that is either a boolean or a string (`provenance`, `sbom`, `attach`…).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum BoolOrString {
    Bool(bool),
    String(String),
}

impl<'de> Deserialize<'de> for BoolOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = BoolOrString;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<BoolOrString, E> {
                Ok(BoolOrString::Bool(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BoolOrString, E> {
                Ok(BoolOrString::String(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn octal_modes_as_compose_reads_them() {
        assert_eq!(parse_octal_mode("0440"), Ok(0o440));
        assert_eq!(parse_octal_mode("-1"), Ok(-1));
        assert_eq!(parse_octal_mode("+7"), Ok(7));
        assert_eq!(parse_octal_mode("077777777777"), Ok(0o77_777_777_777));
        for bad in ["", "abc", "0o440", "0x1ff", "999", "8", " 440", "440 ", "1.5", "0_440", "-", "+-1"] {
            assert!(parse_octal_mode(bad).is_err(), "{bad}");
        }
        assert!(parse_octal_mode("7777777777777777777777777").unwrap_err().contains("out of range"));
    }

    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1m30s"), Ok(90_000_000_000));
        assert_eq!(parse_duration("500ms"), Ok(500_000_000));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(parse_duration("1d"), Ok(86_400_000_000_000));
        assert_eq!(parse_duration("0"), Ok(0));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("10x").is_err());
        assert!(parse_duration("").is_err());
        // whole nanoseconds as Go counts them: a fraction of a nanosecond is dropped, the total
        // fits in 63 bits (each checked against docker compose v2.40.3)
        assert_eq!(parse_duration("1.5ns"), Ok(1));
        assert_eq!(parse_duration("9223372036854775807ns"), Ok(i64::MAX));
        assert!(parse_duration("9223372036854775808ns").is_err());
        assert!(parse_duration("2562048h").is_err());
        assert_eq!(parse_duration("-.5m"), Ok(-30_000_000_000));
        assert_eq!(parse_duration("1.0000000001s"), Ok(1_000_000_000));
        for bad in [".s", "1..5s", "1e3s", "1_000s", "s", "1h 30m"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_go_duration(90_000_000_000), "1m30s");
        assert_eq!(format_go_duration(500_000_000), "500ms");
        assert_eq!(format_go_duration(3_600_000_000_000), "1h0m0s");
        assert_eq!(format_go_duration(1_500_000_000), "1.5s");
        // what a text compose cannot read was likely meant to be
        let meant = |s: &str| parse_duration(s).unwrap_err();
        assert_eq!(meant("10"), "`10` is not a valid duration (did you mean `10s`?)");
        assert_eq!(meant("1H"), "`1H` is not a valid duration (did you mean `1h`?)");
        assert_eq!(meant("1m 30s"), "`1m 30s` is not a valid duration (did you mean `1m30s`?)");
        assert_eq!(meant("5 seconds"), "`5 seconds` is not a valid duration (did you mean `5s`?)");
        assert_eq!(meant("2 minutes"), "`2 minutes` is not a valid duration (did you mean `2m`?)");
        assert_eq!(meant("soon"), "`soon` is not a valid duration (examples: `30s`, `1m30s`, `500ms`)");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_byte_size("512m"), Ok(512 * 1024 * 1024));
        assert_eq!(parse_byte_size("1.5G"), Ok(1_610_612_736));
        assert_eq!(parse_byte_size("1.5gb"), Ok(1_610_612_736));
        assert_eq!(parse_byte_size("100 KiB"), Ok(102_400));
        assert_eq!(parse_byte_size("1024"), Ok(1024));
        assert!(parse_byte_size("abc").is_err());
        assert!(parse_byte_size("1x").is_err());
        assert!(parse_byte_size("-1m").is_err());
        assert_eq!(parse_byte_size("1Gi").unwrap_err(), "`1Gi` is not a valid size (did you mean `1gib`?)");
        assert_eq!(parse_byte_size(" 1g").unwrap_err(), "` 1g` is not a valid size (did you mean `1g`?)");
        assert_eq!(parse_byte_size("2 gigabytes").unwrap_err(), "`2 gigabytes` is not a valid size (did you mean `2gb`?)");
        assert_eq!(parse_byte_size("-1").unwrap_err(), "`-1` is not a valid size (examples: `512m`, `1.5g`, `1073741824`)");
        // the number is a Go float, the suffix one unit with an optional `b` or `ib`
        // (each checked against docker compose v2.40.3)
        assert_eq!(parse_byte_size("1e3"), Ok(1000));
        assert_eq!(parse_byte_size("1e3m"), Ok(1000 * 1024 * 1024));
        assert_eq!(parse_byte_size("1_0m"), Ok(10 * 1024 * 1024));
        assert_eq!(parse_byte_size(".5g"), Ok(512 * 1024 * 1024));
        assert_eq!(parse_byte_size("5."), Ok(5));
        assert_eq!(parse_byte_size("+5k"), Ok(5120));
        assert_eq!(parse_byte_size("5 "), Ok(5));
        assert_eq!(parse_byte_size("1.9"), Ok(1));
        assert_eq!(parse_byte_size("0x1p3"), Ok(8));
        assert_eq!(parse_byte_size("9e18k"), Ok(i64::MIN));
        for bad in [" 5", "1ki", "1bb", "1..5", "1 2", "1  k", "1m b", "12kbb", "1e400", "b", "1e", "1_", "nan"] {
            assert!(parse_byte_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn shell_words() {
        assert_eq!(split_shell_words(r#"sh -c "echo 'hi there'""#).unwrap(), ["sh", "-c", "echo 'hi there'"]);
        assert_eq!(split_shell_words("a  b\\ c").unwrap(), ["a", "b c"]);
        assert!(split_shell_words("echo 'open").is_err());
    }
}

/// The kind of node a union type is about to read (see [`ByKind`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Null,
    Bool,
    Int,
    Float,
    String,
    Timestamp,
    Seq,
    Map,
}

impl Kind {
    pub(crate) fn from_name(s: &str) -> Self {
        match s {
            "null" => Self::Null,
            "bool" => Self::Bool,
            "int" => Self::Int,
            "float" => Self::Float,
            "timestamp" => Self::Timestamp,
            "seq" => Self::Seq,
            "map" => Self::Map,
            _ => Self::String,
        }
    }

    /// A type error for a node of this kind where `expected` was wanted.
    pub fn mismatch<E: de::Error>(self, expected: &'static str) -> E {
        let unexp = match self {
            Self::Null => de::Unexpected::Unit,
            Self::Bool => de::Unexpected::Bool(false),
            Self::Int => de::Unexpected::Signed(0),
            Self::Float => de::Unexpected::Float(0.0),
            Self::String => de::Unexpected::Str(""),
            Self::Timestamp => de::Unexpected::Other("a timestamp"),
            Self::Seq => de::Unexpected::Seq,
            Self::Map => de::Unexpected::Map,
        };
        E::invalid_type(unexp, &expected)
    }
}

/// A union type (string or mapping, number or string or mapping…) that first learns which kind of
/// node it faces, then reads the node as the matching type, so structs keep strict key checks.
pub trait ByKind<'de>: Sized {
    const EXPECTING: &'static str;
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error>;
}

/// Reads the node handed over by the kind protocol as `T`.
pub fn next_as<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(mut seq: A) -> Result<T, A::Error> {
    seq.next_element::<T>()?.ok_or_else(|| de::Error::custom("internal: missing node"))
}

/// Deserializes a [`ByKind`] type.
pub fn deserialize_by_kind<'de, D: Deserializer<'de>, T: ByKind<'de>>(d: D) -> Result<T, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: ByKind<'de>> Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
            let kind: String = seq.next_element()?.ok_or_else(|| de::Error::custom("internal: missing kind"))?;
            T::by_kind(Kind::from_name(&kind), seq)
        }
    }
    d.deserialize_newtype_struct(crate::de::KIND, V(std::marker::PhantomData))
}

/// A string (short syntax) or an object (long syntax).
#[derive(Clone, Debug)]
pub enum StrOr<T> {
    Str(Spanned<String>),
    Other(T),
}

impl<'de, T: Deserialize<'de>> ByKind<'de> for StrOr<T> {
    const EXPECTING: &'static str = "a string or a mapping";
    fn by_kind<A: SeqAccess<'de>>(kind: Kind, seq: A) -> Result<Self, A::Error> {
        match kind {
            Kind::String => next_as(seq).map(StrOr::Str),
            Kind::Map => next_as(seq).map(StrOr::Other),
            other => Err(other.mismatch(Self::EXPECTING)),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for StrOr<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_by_kind(d)
    }
}
