//! What the compose file itself says about a service's image reference.
//!
//! The model holds the image after interpolation with the caller's environment, so its value
//! depends on where the linter runs. The image rules judge the project instead: every variable is
//! replaced by what the project's env file (`.env`) sets or else the default the file gives it,
//! and parts that only the environment decides (`${TAG}` with neither) are unknown and never
//! reported.

use std::borrow::Cow;

use composeguard_model::interpolate::substitute;
use composeguard_model::model::Service;
use composeguard_model::{Span, Spanned};

use crate::context::Context;
use crate::rules::util::{has_variable, parse_image, ImageRef};

/// Stands for text that a variable supplies; YAML text cannot contain it.
const UNKNOWN: char = '\u{1}';

/// A service's `image`, as written and as the file alone resolves it, with the answers the image
/// rules ask for worked out once (from the reference parsed once for each of its readings).
pub(crate) struct ImageSpec<'a> {
    pub image: &'a Spanned<String>,
    /// The reference as written in the file (variables and all), for messages.
    pub written: Cow<'a, str>,
    /// The reference with every variable replaced by its default; text that only the environment
    /// can supply is [`UNKNOWN`]. (Without variables, the model's value, borrowed.)
    resolved: Cow<'a, str>,
    /// See [`Self::is_pinned`].
    pinned: bool,
    /// See [`Self::tag`]; a known tag is `resolved[at]`.
    tag: TagAt,
    /// See [`Self::name_is_overridable`].
    name_overridable: bool,
    /// See [`Self::name_from_env_file`].
    name_from_env_file: bool,
}

/// [`Tag`], with a known tag as its byte range in the resolved reference.
enum TagAt {
    Missing,
    Unknown,
    Known { at: std::ops::Range<usize>, overridable: bool, from_env_file: bool },
}

/// A tag as the file alone decides it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Tag<'a> {
    /// No tag: docker pulls `latest`.
    Missing,
    /// A variable without a default decides it.
    Unknown,
    /// The tag, whether a variable can change it (`${TAG:-latest}`), and whether the project's
    /// env file sets it (`${TAG}` with `TAG=latest` in `.env`).
    Known { tag: &'a str, overridable: bool, from_env_file: bool },
}

/// A checked service's image, read once for all the image rules: each of them read it again,
/// with four substitutions of its variables, and parsed it up to five times (on 300 real files,
/// 19 M instructions for four rules that report little).
pub(crate) struct ServiceImage<'a> {
    /// The image as the file alone decides it (an env file's variables are unknown, as the
    /// environment's are).
    file: Option<ImageSpec<'a>>,
    /// The image with what the project's env file sets, where that can change it (else it is
    /// `file`).
    with_env_file: Option<ImageSpec<'a>>,
    /// Whether compose pulls the image (no `build`, no `pull_policy: never`).
    pulled: bool,
    /// Whether the project's env file sets variables for the file that writes the image.
    env_file_applies: bool,
}

impl<'a> ServiceImage<'a> {
    fn read(cx: &Context<'a>, service: &'a Service) -> Self {
        let Some(image) = service.image.as_ref() else {
            return Self { file: None, with_env_file: None, pulled: false, env_file_applies: false };
        };
        let pulled = service.build.is_none() && service.pull_policy.as_ref().is_none_or(|p| p.value != "never");
        // without a variable the env file sets, both readings are the same (and most projects
        // with an env file do not use it for their images)
        let env_file_applies = pulled && names_env_file_variable(cx, image) && ImageSpec::in_project_file(cx, image);
        let with_env_file = if env_file_applies { ImageSpec::read(cx, image, true) } else { None };
        Self { file: ImageSpec::read(cx, image, false), with_env_file, pulled, env_file_applies }
    }

    /// The image as the file alone decides it (an env file's variables are unknown).
    pub fn file(&self) -> Option<&ImageSpec<'a>> {
        self.file.as_ref()
    }

    /// The image of a pulled service: `None` for services that build their image (the image then
    /// names the build's output), that compose never pulls an image for (`pull_policy: never`),
    /// or that have no image. What the project's env file sets counts.
    pub fn pulled(&self) -> Option<&ImageSpec<'a>> {
        match (self.pulled, self.env_file_applies) {
            (false, _) => None,
            (true, true) => self.with_env_file.as_ref(),
            (true, false) => self.file.as_ref(),
        }
    }
}

/// Whether the image, where it is written, names (after `$` or `${`) a variable the project's
/// env file sets: the only names a substitution looks up.
fn names_env_file_variable(cx: &Context<'_>, image: &Spanned<String>) -> bool {
    let variables = &cx.project.env_file_variables;
    if variables.is_empty() {
        return false;
    }
    let raw = cx.text(image.anchor.unwrap_or(image.span));
    let b = raw.as_bytes();
    (0..b.len()).filter(|&i| b.get(i) == Some(&b'$')).any(|i| {
        let start = if b.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
        let len = b.get(start..).map_or(0, |rest| rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'_').count());
        raw.get(start..start + len).is_some_and(|name| !name.is_empty() && variables.contains_key(name))
    })
}

/// The checked services (as [`Context::services`] gives them, in order) with their images, read
/// once a lint, on first use, for every rule that asks.
pub(crate) fn checked_images<'c, 'a>(cx: &'c Context<'a>) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service, &'c ServiceImage<'a>)> + 'c {
    cx.per_service(&cx.images, |service| ServiceImage::read(cx, service))
}

impl<'a> ImageSpec<'a> {
    /// Whether the image is written in one of the project's own compose files or a file they
    /// extend, which the project's env files are read for (an included project has its own).
    fn in_project_file(cx: &Context<'_>, image: &Spanned<String>) -> bool {
        let written_at = image.anchor.unwrap_or(image.span);
        cx.project.own_files.contains(&written_at.file)
            || cx.project.sources.get(written_at.file).is_some_and(|f| cx.project.files.contains(&f.path))
    }

    fn read(cx: &Context<'_>, image: &'a Spanned<String>, env_files: bool) -> Option<Self> {
        // a value that came through an alias is written at its anchor
        let written_at = image.anchor.unwrap_or(image.span);
        let raw = cx.text(written_at);
        if !has_variable(raw) {
            let value = image.value.as_str();
            return Some(Self::new(image, Cow::Borrowed(value), Cow::Borrowed(value), value, value));
        }
        let written = scalar_content(raw)?;
        let project_file = env_files && Self::in_project_file(cx, image);
        let set = |name: &str| cx.project.env_file_variables.get(name).filter(|_| project_file).cloned();
        let first = substitute(&written, &set).ok()?;
        let unset = first.unset;
        let unknown = |name: &str| unset.iter().any(|u| u == name).then(|| UNKNOWN.to_string());
        // (with every variable set or given a default, `unknown` gives nothing, and this reading
        // is the first one: most images with variables, one substitution less)
        let resolved = if unset.is_empty() {
            first.value
        } else {
            substitute(&written, &|name: &str| set(name).or_else(|| unknown(name))).ok()?.value
        };
        // (without the env file, this reading is the resolved one: `set` gives nothing)
        let env_file = if project_file {
            Some(substitute(&written, &|name: &str| set(name).map(|_| UNKNOWN.to_string()).or_else(|| unknown(name))).ok()?.value)
        } else {
            None
        };
        let overridable = substitute(&written, &|_: &str| Some(UNKNOWN.to_string())).ok()?.value;
        let env_file = env_file.unwrap_or_else(|| resolved.clone());
        Some(Self::new(image, Cow::Owned(written), Cow::Owned(resolved), &overridable, &env_file))
    }

    /// Works out the answers from the three readings of the reference: `resolved`, `overridable`
    /// (every variable [`UNKNOWN`]: the parts the environment can change) and `env_file` (the
    /// variables the project's env file sets [`UNKNOWN`]: the parts that env file decides).
    fn new(image: &'a Spanned<String>, written: Cow<'a, str>, resolved: Cow<'a, str>, overridable: &str, env_file: &str) -> Self {
        let reference = parse_image(&resolved);
        // (a reference without variables reads the same three ways: it is parsed once)
        let over = if overridable == &*resolved { reference.clone() } else { parse_image(overridable) };
        let env = if env_file == &*resolved { reference.clone() } else { parse_image(env_file) };
        let pinned = reference.digest.is_some() || over.digest.is_some();
        // the tag comes from a variable's default: `app:${TAG:-latest}`, or the whole
        // reference's `${IMAGE:-app:latest}`
        let decided_by = |r: &ImageRef<'_>| match r.tag {
            Some(t) => has_unknown(t),
            None => has_unknown(last_component(r.repository)),
        };
        let tag = match reference.tag {
            Some(tag) if has_unknown(tag) => TagAt::Unknown,
            Some(tag) => {
                // the tag ends the name, which is the reference without its `@digest`
                let end = resolved.len() - reference.digest.map_or(0, |d| d.len() + 1);
                TagAt::Known { at: end - tag.len()..end, overridable: decided_by(&over), from_env_file: decided_by(&env) }
            }
            // `${IMAGE}` or `app${SUFFIX}`: the environment may supply a tag
            None if has_unknown(last_component(reference.repository)) => TagAt::Unknown,
            None if reference.repository.is_empty() => TagAt::Unknown,
            None => TagAt::Missing,
        };
        let name_overridable = has_unknown(last_component(over.repository)) || over.tag.is_some();
        let name_from_env_file = has_unknown(last_component(env.repository)) || env.tag.is_some_and(has_unknown);
        Self { image, written, resolved, pinned, tag, name_overridable, name_from_env_file }
    }

    pub fn span(&self) -> Span {
        self.image.span
    }

    pub fn anchor(&self) -> Option<Span> {
        self.image.anchor
    }

    /// Whether a digest pins the image (or a variable the environment sets does).
    pub fn is_pinned(&self) -> bool {
        self.pinned
    }

    pub fn tag(&self) -> Tag<'_> {
        match &self.tag {
            TagAt::Missing => Tag::Missing,
            TagAt::Unknown => Tag::Unknown,
            TagAt::Known { at, overridable, from_env_file } => {
                Tag::Known { tag: self.resolved.get(at.clone()).unwrap_or(""), overridable: *overridable, from_env_file: *from_env_file }
            }
        }
    }

    /// Whether a variable with a default decides the repository's last component, so the
    /// environment may add a tag (`${IMAGE:-nginx}`).
    pub fn name_is_overridable(&self) -> bool {
        self.name_overridable
    }

    /// Whether a variable the project's env file sets decides the repository's last component
    /// (`${IMAGE}` with `IMAGE=nginx` in `.env`).
    pub fn name_from_env_file(&self) -> bool {
        self.name_from_env_file
    }

    /// Whether a variable without a default is in the reference: only the environment that runs
    /// compose can tell what it is.
    pub fn needs_environment(&self) -> bool {
        has_unknown(&self.resolved)
    }

    /// The resolved reference, for messages (only meaningful when nothing is unknown).
    pub fn resolved(&self) -> &str {
        &self.resolved
    }
}

fn last_component(repository: &str) -> &str {
    repository.rsplit('/').next().unwrap_or(repository)
}

/// Whether `text` holds [`UNKNOWN`] (a byte search: the character is one byte in UTF-8).
fn has_unknown(text: &str) -> bool {
    text.as_bytes().contains(&(UNKNOWN as u8))
}

/// The content of a scalar from its source text: quotes removed, `''` unescaped. `None` for text
/// that needs more than that (double-quoted escapes, block scalars).
fn scalar_content(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if let Some(inner) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        return Some(inner.replace("''", "'"));
    }
    if let Some(inner) = raw.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        return (!inner.contains('\\')).then(|| inner.to_string());
    }
    if raw.starts_with(['|', '>', '"', '\'']) || raw.contains('\n') {
        return None;
    }
    Some(raw.to_string())
}

#[cfg(test)]
mod tests {
    use super::scalar_content;

    #[test]
    fn scalar_content_unquotes() {
        assert_eq!(scalar_content("nginx:${TAG}").as_deref(), Some("nginx:${TAG}"));
        assert_eq!(scalar_content("'a''b'").as_deref(), Some("a'b"));
        assert_eq!(scalar_content("\"x:${T:-1}\"").as_deref(), Some("x:${T:-1}"));
        assert_eq!(scalar_content("\"x\\ty\""), None);
        assert_eq!(scalar_content("|\n  x"), None);
    }
}
