//! What a rule sees: the loaded project, its typed model and its sources.

use composeguard_model::{HashMap, HashSet, IssueKind};
use std::sync::OnceLock;

use composeguard_model::model::{Compose, Condition, Service};
use composeguard_model::project::{FileSystem, Project};
use composeguard_model::{SourceMap, Span, Spanned};

/// The input to every rule.
pub struct Context<'a> {
    pub project: &'a Project,
    pub fs: &'a dyn FileSystem,
    /// Active profiles (`*` enables every service).
    pub profiles: &'a [String],
    /// Built on first use: see [`Self::completion_waiter`].
    completion_waiters: OnceLock<HashMap<&'a str, (&'a Spanned<String>, Span)>>,
    /// Built on first use: see [`Self::is_mistyped`].
    mistyped: OnceLock<HashSet<&'a str>>,
}

impl<'a> Context<'a> {
    pub fn new(project: &'a Project, fs: &'a dyn FileSystem, profiles: &'a [String]) -> Self {
        Self { project, fs, profiles, completion_waiters: OnceLock::new(), mistyped: OnceLock::new() }
    }

    /// The first active service (in source order) that waits for `name` with
    /// `condition: service_completed_successfully`, and where it says so (the condition, or the
    /// dependency's name when the condition is not written). One map for the whole project, so a
    /// rule asking for each service costs no scan of every other service.
    pub fn completion_waiter(&self, name: &str) -> Option<(&'a Spanned<String>, Span)> {
        let waiters = self.completion_waiters.get_or_init(|| {
            let mut map = HashMap::default();
            for (other, s) in self.services() {
                for (dep, cfg) in s.depends_on.iter() {
                    if cfg.condition() == Condition::ServiceCompletedSuccessfully {
                        map.entry(dep.value.as_str()).or_insert_with(|| (other, cfg.condition.as_ref().map_or(dep.span, |c| c.span)));
                    }
                }
            }
            map
        });
        waiters.get(name).copied()
    }

    /// Whether a service runs with the active profiles (no `profiles:` means always).
    pub fn is_active(&self, service: &Service) -> bool {
        composeguard_model::project::profiles_match(service.profiles.iter().map(|p| p.value.as_str()), self.profiles)
    }

    pub fn compose(&self) -> &'a Compose {
        &self.project.compose
    }

    pub fn sources(&self) -> &'a SourceMap {
        &self.project.sources
    }

    /// The active services (see [`Self::is_active`]) in source order, with their name and its
    /// location. Rules check these.
    pub fn services(&self) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service)> + '_ {
        self.project.compose.services.iter().map(|(k, s)| (k, &**s)).filter(|(_, s)| self.is_active(s))
    }

    /// Every service, whatever its profiles.
    pub fn all_services(&self) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service)> {
        self.project.compose.services.iter().map(|(k, s)| (k, &**s))
    }

    /// The source text under a span (what the user wrote, before interpolation).
    pub fn text(&self, span: Span) -> &'a str {
        self.project.sources.get(span.file).map_or("", |f| f.slice(span))
    }

    /// The project folder.
    pub fn working_dir(&self) -> &'a str {
        &self.project.working_dir
    }

    /// Whether compose refuses the type of service `service`'s `key` (`read_only: "${RO}"` with
    /// `RO` unset, `image: {}`): the model has no value for it, and an `invalid-type` finding
    /// says why, so a rule should not also call the key missing.
    pub fn is_mistyped(&self, service: &str, key: &str) -> bool {
        let mistyped = self.mistyped.get_or_init(|| {
            self.project.issues.iter().filter(|i| i.kind == IssueKind::InvalidType).map(|i| i.path.as_str()).collect()
        });
        !mistyped.is_empty() && mistyped.contains(format!("services.{service}.{key}").as_str())
    }
}
