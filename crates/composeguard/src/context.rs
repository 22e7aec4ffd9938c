//! What a rule sees: the loaded project, its typed model and its sources.

use composeguard_model::{HashMap, HashSet, IssueKind};
use std::sync::OnceLock;

use composeguard_model::model::{Compose, Condition, Service};
use composeguard_model::project::{FileSystem, Project};
use composeguard_model::{SourceMap, Span, Spanned};

use crate::rules::reproducibility::image::ServiceImage;
use crate::rules::security::util::{CommandLists, HostMount};

/// The input to every rule.
pub struct Context<'a> {
    pub project: &'a Project,
    pub fs: &'a dyn FileSystem,
    /// Active profiles (`*` enables every service). None given: the rules check every service,
    /// whatever its profiles (see [`Self::services`]).
    pub profiles: &'a [String],
    /// Built on first use: see [`Self::completion_waiter`].
    completion_waiters: OnceLock<HashMap<&'a str, (&'a Spanned<String>, Span)>>,
    /// Built on first use: see [`Self::is_unreadable`].
    unreadable: OnceLock<HashSet<&'a str>>,
    /// The checked services' images, read on first use for every image rule: see
    /// [`crate::rules::reproducibility::image::checked_images`].
    pub(crate) images: OnceLock<Vec<ServiceImage<'a>>>,
    /// The checked services' command lines, split on first use for the rules that read them:
    /// see [`crate::rules::security::util::checked_command_lists`].
    pub(crate) command_lists: OnceLock<Vec<CommandLists<'a>>>,
    /// The checked services' host mounts, found on first use for the rules that read them: see
    /// [`crate::rules::security::util::checked_host_mounts`].
    pub(crate) host_mounts: OnceLock<Vec<Vec<HostMount<'a>>>>,
}

impl<'a> Context<'a> {
    pub fn new(project: &'a Project, fs: &'a dyn FileSystem, profiles: &'a [String]) -> Self {
        Self {
            project,
            fs,
            profiles,
            completion_waiters: OnceLock::new(),
            unreadable: OnceLock::new(),
            images: OnceLock::new(),
            command_lists: OnceLock::new(),
            host_mounts: OnceLock::new(),
        }
    }

    /// The first checked service (in source order) that waits for `name` with
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

    /// Whether a service runs with the active profiles (no `profiles:` means always), as compose
    /// decides: the spec checks use this.
    pub fn is_active(&self, service: &Service) -> bool {
        composeguard_model::project::profiles_match(service.profiles.iter().map(|p| p.value.as_str()), self.profiles)
    }

    /// Whether the rules check every service, whatever its profiles: no profile was chosen
    /// (`--profile`, `COMPOSE_PROFILES`; an empty `COMPOSE_PROFILES=` chooses none). A service
    /// behind a profile still runs whenever its profile is asked for, so what it sets is checked
    /// as well.
    pub fn checks_every_service(&self) -> bool {
        self.profiles.iter().all(String::is_empty)
    }

    /// Whether the rules check a service: every service when no profile was chosen, else the
    /// services the chosen profiles enable.
    pub fn is_checked(&self, service: &Service) -> bool {
        self.checks_every_service() || self.is_active(service)
    }

    /// Whether a dependency of a checked service is checked with it: the dependency is checked,
    /// and compose does not refuse it (an enabled service that depends on a disabled one is the
    /// spec check's error).
    pub fn checks_dependency(&self, service: &Service, dependency: &Service) -> bool {
        self.is_checked(dependency) && (self.is_active(dependency) || !self.is_active(service))
    }

    /// Whether two checked services run at the same time whenever one of them runs: always,
    /// with profiles chosen (both are enabled); otherwise when one of them has no profile or
    /// they share one. Services of different profiles (`dev` and `prod` variants of one
    /// service) are alternatives, and not compared with each other.
    pub fn run_together(&self, a: &Service, b: &Service) -> bool {
        !self.checks_every_service()
            || a.profiles.is_empty()
            || b.profiles.is_empty()
            || a.profiles.iter().any(|p| b.profiles.iter().any(|q| q.value == p.value))
    }

    pub fn compose(&self) -> &'a Compose {
        &self.project.compose
    }

    pub fn sources(&self) -> &'a SourceMap {
        &self.project.sources
    }

    /// The services the rules check (see [`Self::is_checked`]) in source order, with their name
    /// and its location.
    pub fn services(&self) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service)> + '_ {
        self.project.compose.services.iter().map(|(k, s)| (k, &**s)).filter(|(_, s)| self.is_checked(s))
    }

    /// The checked services ([`Self::services`], in order), each with what `read` makes of it:
    /// made once a lint, on first use, into `cell` (one of the caches above), for the rules that
    /// share it.
    pub(crate) fn per_service<'c, T>(
        &'c self,
        cell: &'c OnceLock<Vec<T>>,
        read: impl Fn(&'a Service) -> T,
    ) -> impl Iterator<Item = (&'a Spanned<String>, &'a Service, &'c T)> + 'c {
        let made = cell.get_or_init(|| self.services().map(|(_, service)| read(service)).collect());
        self.services().zip(made).map(|((name, service), t)| (name, service, t))
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

    /// Whether compose cannot read what service `service` writes at `path` (`read_only`, or
    /// `deploy.resources.limits.memory` for a nested key) or at a key above it: a value of the
    /// wrong type (`read_only: "${RO}"` with `RO` unset, `healthcheck: curl localhost`), one it
    /// refuses (`mem_limit: lots`), or one whose interpolation fails. The model has no value
    /// there and a spec finding says why, so a rule should not also call the key missing.
    pub fn is_unreadable(&self, service: &str, path: &str) -> bool {
        // (most projects have no such value: no path is built for them)
        !self.unreadable().is_empty() && self.is_unreadable_at(&format!("services.{service}.{path}"))
    }

    /// [`Self::is_unreadable`] for a path from the top of the file (`name`, `services.web.user`).
    pub fn is_unreadable_at(&self, path: &str) -> bool {
        let unreadable = self.unreadable();
        // the path itself, or a key above it (`deploy: x` leaves `deploy.resources` unread)
        path.match_indices('.').filter_map(|(i, _)| path.get(..i)).chain(std::iter::once(path)).any(|p| unreadable.contains(p))
    }

    /// The model paths of the values compose cannot read, built on first use.
    fn unreadable(&self) -> &HashSet<&'a str> {
        self.unreadable.get_or_init(|| {
            let refused = |kind: IssueKind| {
                matches!(
                    kind,
                    IssueKind::InvalidType | IssueKind::InvalidValue | IssueKind::InvalidInterpolation | IssueKind::MissingRequiredVariable
                )
            };
            self.project.issues.iter().filter(|i| refused(i.kind) && !i.path.is_empty()).map(|i| i.path.as_str()).collect()
        })
    }
}
