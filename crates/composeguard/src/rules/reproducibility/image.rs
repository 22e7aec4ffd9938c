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

/// A service's `image`, as written and as the file alone resolves it.
pub(crate) struct ImageSpec<'a> {
    pub image: &'a Spanned<String>,
    /// The reference as written in the file (variables and all), for messages.
    pub written: Cow<'a, str>,
    /// The reference with every variable replaced by its default; text that only the environment
    /// can supply is [`UNKNOWN`].
    resolved: Cow<'a, str>,
    /// The reference with every variable marked [`UNKNOWN`]: the parts the environment can change.
    /// (Without variables, all three are the model's value, borrowed.)
    overridable: Cow<'a, str>,
    /// The reference with the variables the project's env file sets marked [`UNKNOWN`] (the
    /// others resolved as in `resolved`): the parts that env file decides.
    env_file: Cow<'a, str>,
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

impl<'a> ImageSpec<'a> {
    /// The image of a pulled service: `None` for services that build their image (the image then
    /// names the build's output), that compose never pulls an image for (`pull_policy: never`),
    /// or that have no image. What the project's env file sets counts.
    pub fn of_pulled(cx: &Context<'_>, service: &'a Service) -> Option<Self> {
        if service.build.is_some() || service.pull_policy.as_ref().is_some_and(|p| p.value == "never") {
            return None;
        }
        Self::read(cx, service.image.as_ref()?, true)
    }

    /// The image as the file alone decides it (an env file's variables are unknown, as the
    /// environment's are).
    pub fn of(cx: &Context<'_>, image: &'a Spanned<String>) -> Option<Self> {
        Self::read(cx, image, false)
    }

    fn read(cx: &Context<'_>, image: &'a Spanned<String>, env_files: bool) -> Option<Self> {
        // a value that came through an alias is written at its anchor
        let written_at = image.anchor.unwrap_or(image.span);
        let raw = cx.text(written_at);
        if !has_variable(raw) {
            let value = Cow::Borrowed(image.value.as_str());
            return Some(Self { image, written: value.clone(), resolved: value.clone(), overridable: value.clone(), env_file: value });
        }
        let written = scalar_content(raw)?;
        // the project's env files are read for its own compose files and the files they extend
        // (an included project has its own)
        let project_file = cx.project.own_files.contains(&written_at.file)
            || cx.project.sources.get(written_at.file).is_some_and(|f| cx.project.files.iter().any(|p| *p == f.path));
        let set = |name: &str| cx.project.env_file_variables.get(name).filter(|_| env_files && project_file).cloned();
        let unset = substitute(&written, &set).ok()?.unset;
        let unknown = |name: &str| unset.iter().any(|u| u == name).then(|| UNKNOWN.to_string());
        let resolved = substitute(&written, &|name: &str| set(name).or_else(|| unknown(name))).ok()?.value;
        let env_file = substitute(&written, &|name: &str| set(name).map(|_| UNKNOWN.to_string()).or_else(|| unknown(name))).ok()?.value;
        let overridable = substitute(&written, &|_: &str| Some(UNKNOWN.to_string())).ok()?.value;
        Some(Self { image, written: Cow::Owned(written), resolved: Cow::Owned(resolved), overridable: Cow::Owned(overridable), env_file: Cow::Owned(env_file) })
    }

    pub fn span(&self) -> Span {
        self.image.span
    }

    pub fn anchor(&self) -> Option<Span> {
        self.image.anchor
    }

    fn reference(&self) -> ImageRef<'_> {
        parse_image(&self.resolved)
    }

    /// Whether a digest pins the image (or a variable the environment sets does).
    pub fn is_pinned(&self) -> bool {
        self.reference().digest.is_some() || parse_image(&self.overridable).digest.is_some()
    }

    pub fn tag(&self) -> Tag<'_> {
        let reference = self.reference();
        match reference.tag {
            Some(tag) if has_unknown(tag) => Tag::Unknown,
            Some(tag) => {
                // the tag comes from a variable's default: `app:${TAG:-latest}`, or the whole
                // reference's `${IMAGE:-app:latest}`
                let decided_by = |text: &str| {
                    let r = parse_image(text);
                    match r.tag {
                        Some(t) => has_unknown(t),
                        None => has_unknown(last_component(r.repository)),
                    }
                };
                Tag::Known { tag, overridable: decided_by(&self.overridable), from_env_file: decided_by(&self.env_file) }
            }
            // `${IMAGE}` or `app${SUFFIX}`: the environment may supply a tag
            None if has_unknown(last_component(reference.repository)) => Tag::Unknown,
            None if reference.repository.is_empty() => Tag::Unknown,
            None => Tag::Missing,
        }
    }

    /// Whether a variable with a default decides the repository's last component, so the
    /// environment may add a tag (`${IMAGE:-nginx}`).
    pub fn name_is_overridable(&self) -> bool {
        let r = parse_image(&self.overridable);
        has_unknown(last_component(r.repository)) || r.tag.is_some()
    }

    /// Whether a variable the project's env file sets decides the repository's last component
    /// (`${IMAGE}` with `IMAGE=nginx` in `.env`).
    pub fn name_from_env_file(&self) -> bool {
        let r = parse_image(&self.env_file);
        has_unknown(last_component(r.repository)) || r.tag.is_some_and(has_unknown)
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
