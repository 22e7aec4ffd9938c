//! Helpers shared by the reliability and correctness rules: what a service's healthcheck really
//! is (compose's `healthcheck`, or a local Dockerfile's `HEALTHCHECK`), and one-off jobs.

use composeguard_model::model::{Healthcheck, Service};
use composeguard_model::project::join_path;

use crate::context::Context;

/// Where a service's health comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Health {
    /// `healthcheck` with a `test` in the compose file.
    Compose,
    /// No `test` in compose, but the local Dockerfile the service is built from declares one.
    Dockerfile,
    /// `disable: true` or `test: ["NONE"]`.
    Disabled,
    /// Nothing the file shows (the image may still declare `HEALTHCHECK`).
    Unknown,
}

impl Health {
    pub(crate) fn is_checked(self) -> bool {
        matches!(self, Self::Compose | Self::Dockerfile)
    }
}

/// Whether a compose healthcheck is switched off.
pub(crate) fn is_disabled(hc: &Healthcheck) -> bool {
    hc.disable.as_ref().is_some_and(|d| d.value) || hc.test.as_ref().is_some_and(|t| t.value.kind() == Some("NONE"))
}

/// Whether a compose healthcheck names a command (`CMD` or `CMD-SHELL` with something to run).
pub(crate) fn has_test(hc: &Healthcheck) -> bool {
    hc.test.as_ref().is_some_and(|t| t.value.0.len() > 1 && matches!(t.value.kind(), Some("CMD" | "CMD-SHELL")))
}

/// The health a service's containers get.
pub(crate) fn health(cx: &Context<'_>, s: &Service) -> Health {
    if let Some(hc) = &s.healthcheck {
        if is_disabled(hc) {
            return Health::Disabled;
        }
        if has_test(hc) {
            return Health::Compose;
        }
    }
    match dockerfile_healthcheck(cx, s) {
        Some(true) => Health::Dockerfile,
        Some(false) => Health::Disabled,
        None => Health::Unknown,
    }
}

/// What the Dockerfile a service builds from says about `HEALTHCHECK` in the stage it builds:
/// `Some(true)` for a check, `Some(false)` for `HEALTHCHECK NONE`, `None` when it says nothing
/// (the base image may still have one) or cannot be read.
pub(crate) fn dockerfile_healthcheck(cx: &Context<'_>, s: &Service) -> Option<bool> {
    let build = &s.build.as_ref()?.value.config;
    let text = if let Some(inline) = &build.dockerfile_inline {
        inline.value.clone()
    } else {
        let context = build.context.as_ref().map_or(".", |c| c.value.as_str());
        if context.contains("://") || context.starts_with("git@") {
            return None;
        }
        let dockerfile = build.dockerfile.as_ref().map_or("Dockerfile", |d| d.value.as_str());
        let path = join_path(&join_path(cx.working_dir(), context), dockerfile);
        cx.fs.read(&path).ok()?
    };
    let target = build.target.as_ref().map(|t| t.value.as_str());
    stage_healthcheck(&text, target)
}

/// Reads the `HEALTHCHECK` of the target stage (the last one when no target is given).
fn stage_healthcheck(dockerfile: &str, target: Option<&str>) -> Option<bool> {
    let mut current: Option<bool> = None;
    let mut found_target: Option<Option<bool>> = None;
    let mut in_target = false;
    for line in logical_lines(dockerfile) {
        let mut words = line.split_whitespace();
        let Some(instruction) = words.next() else { continue };
        if instruction.eq_ignore_ascii_case("FROM") {
            if in_target {
                found_target = Some(current);
            }
            current = None;
            let rest: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
            in_target = match (target, rest.as_slice()) {
                (Some(t), [_, as_kw, name]) => as_kw.eq_ignore_ascii_case("AS") && name.eq_ignore_ascii_case(t),
                _ => false,
            };
        } else if instruction.eq_ignore_ascii_case("HEALTHCHECK") {
            let args: Vec<&str> = words.filter(|w| !w.starts_with("--")).collect();
            current = match args.first() {
                Some(a) if a.eq_ignore_ascii_case("NONE") => Some(false),
                Some(a) if a.eq_ignore_ascii_case("CMD") && args.len() > 1 => Some(true),
                _ => current,
            };
        }
    }
    if in_target {
        found_target = Some(current);
    }
    match target {
        Some(_) => found_target.flatten(),
        None => current,
    }
}

/// Dockerfile lines with `\` continuations joined and comments dropped.
fn logical_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some(body) = line.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
        } else {
            cur.push_str(line);
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A service that runs once and exits: `restart: "no"`, `deploy.restart_policy.condition: none`,
/// a swarm job mode, or a service another one waits on with `service_completed_successfully`.
pub(crate) fn is_one_off(cx: &Context<'_>, name: &str, s: &Service) -> bool {
    let restart_no = s.restart.as_ref().is_some_and(|r| r.value == "no");
    let deploy = s.deploy.as_ref();
    let policy_none =
        deploy.and_then(|d| d.restart_policy.as_ref()).and_then(|p| p.condition.as_ref()).is_some_and(|c| c.value == "none");
    let job_mode = deploy.and_then(|d| d.mode.as_ref()).is_some_and(|m| m.value.ends_with("-job"));
    let awaited_completion = cx.completion_waiter(name).is_some();
    restart_no || policy_none || job_mode || awaited_completion
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dockerfile_stages() {
        assert_eq!(stage_healthcheck("FROM a\nHEALTHCHECK CMD curl -f http://x\n", None), Some(true));
        assert_eq!(stage_healthcheck("FROM a\nHEALTHCHECK --interval=5s \\\n  CMD true\n", None), Some(true));
        assert_eq!(stage_healthcheck("FROM a\nHEALTHCHECK NONE\n", None), Some(false));
        assert_eq!(stage_healthcheck("FROM a AS build\nHEALTHCHECK CMD true\nFROM b\nRUN x\n", None), None);
        assert_eq!(stage_healthcheck("FROM a AS build\nHEALTHCHECK CMD true\nFROM b AS run\n", Some("build")), Some(true));
        assert_eq!(stage_healthcheck("# HEALTHCHECK CMD true\nFROM a\n", None), None);
        assert_eq!(stage_healthcheck("from a\nhealthcheck cmd true\n", None), Some(true));
    }
}
