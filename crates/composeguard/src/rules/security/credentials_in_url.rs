use super::util::{
    all_url_credentials, checked_command_lists, has_scheme_separator, is_non_secret_value, is_whole_reference, literal_span, reference_default,
    variable_regions,
};
use crate::diagnostic::Severity;
use crate::rules::prelude::*;
use crate::rules::util::has_variable;

declare_rule! {
    /// ## What it does
    /// Reports a URL with a literal password (`scheme://user:password@host`).
    ///
    /// The service's `environment`, `labels`, `command`, `entrypoint`, healthcheck, hooks, `build.args` or
    /// `build.context` (a Git URL with a token) are searched.
    ///
    /// Not reported: a password that comes from a variable (`postgres://app:${DB_PASSWORD}@db`,
    /// or `$$DB_PASSWORD` expanded by the shell in a command), a URL with a user and no password,
    /// masked passwords (`***`). A variable's literal default is reported, as a warning
    /// (`postgres://app:${DB_PASSWORD:-s3cr3t}@db` ships `s3cr3t` wherever the variable is unset),
    /// and so is a password with an escaped `$` in a value no shell reads (`pa$$w0rd`).
    ///
    /// ## Why is this bad?
    /// A connection string is a credential like any other: in the compose file it is in version
    /// control, in the container it is in `docker inspect`, in process listings and, very often,
    /// in the application's own logs and error pages, which print the URL they failed to reach.
    /// Build the URL from a secret at run time, or pass the password separately through a
    /// `*_FILE` variable.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       DATABASE_URL: postgres://app:s3cr3t@db:5432/app
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   api:
    ///     image: ghcr.io/acme/api:1.4.2
    ///     environment:
    ///       DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app
    /// ```
    pub struct CredentialsInUrl => {
        name: "credentials-in-url",
        code: "CG230",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0021", "CWE-798"],
    }
}

impl Rule for CredentialsInUrl {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // each URL once: a shell-form command gives each word the same span, and a literal an
        // alias copies into several services is reported where it is written
        let mut seen: composeguard_model::HashMap<Span, usize> = composeguard_model::HashMap::default();
        // (the finding's span, message, path, service, where the value stands and its anchor, the
        // other services that get it, and whether the password is a variable's default)
        #[allow(clippy::type_complexity)]
        let mut found: Vec<(Span, String, String, &str, (Span, Option<Span>), Vec<(Span, &str)>, bool)> = Vec::new();
        for (name, service, commands) in checked_command_lists(cx) {
            let svc = &name.value;
            // (path, what, value) of the values with a `://`; the path and wording are only
            // formatted for a finding
            let mut texts: Vec<(Place<'_>, &Spanned<String>)> = Vec::new();
            for e in service.environment.iter() {
                if let Some(v) = e.value.as_ref() {
                    push_with_url(&mut texts, Place::Environment(&e.key.value), v);
                }
            }
            for e in service.labels.iter() {
                if let Some(v) = e.value.as_ref() {
                    push_with_url(&mut texts, Place::Label(&e.key.value), v);
                }
            }
            if let Some(build) = service.build.as_ref() {
                for e in build.value.config.args.iter() {
                    if let Some(v) = e.value.as_ref() {
                        push_with_url(&mut texts, Place::BuildArg(&e.key.value), v);
                    }
                }
                if let Some(c) = build.value.config.context.as_ref() {
                    push_with_url(&mut texts, Place::BuildContext, c);
                }
            }
            for (key, args) in commands {
                for arg in args.iter() {
                    push_with_url(&mut texts, Place::Command(key), arg);
                }
            }
            for (place, value) in texts {
                let written = cx.text(value.anchor.unwrap_or(value.span));
                let at = value.anchor.unwrap_or(value.span);
                for creds in all_url_credentials(&value.value) {
                    // a literal default ships in every checkout that leaves the variable unset
                    let default = literal_default_password(written, &creds.password);
                    let span = if let Some(offset) = default {
                        at.sub(offset, creds.password.len())
                    } else {
                        // `$` left after interpolation: in a command, the shell expands it
                        // (`$$DB_PASSWORD`); in a value no shell reads, only a whole reference is
                        // one (`$${DB_PASSWORD}`), and `pa$$w0rd` is the password `pa$w0rd`
                        let dollar = if matches!(place, Place::Command(_)) { creds.password.contains('$') } else { is_whole_reference(&creds.password) };
                        if dollar || from_variable(written, &creds.password) {
                            continue;
                        }
                        // a `$` in the password is written `$$`
                        let needle = creds.password.replace('$', "$$");
                        let Some(span) = literal_span(cx, value.span, value.anchor, &needle) else { continue };
                        span
                    };
                    if let Some(first) = seen.get(&span).and_then(|&i| found.get_mut(i)) {
                        if first.3 != svc.as_str() && !first.5.iter().any(|(_, s)| *s == svc.as_str()) {
                            first.5.push((value.span, svc));
                        }
                        continue;
                    }
                    let user = if creds.user.is_empty() { String::new() } else { format!(" for user `{}`", creds.user) };
                    let (path, where_) = place.describe();
                    seen.insert(span, found.len());
                    let message = if default.is_some() {
                        format!("service `{svc}` has a URL whose password{user} in {where_} falls back to a literal written in the file when the variable is unset")
                    } else {
                        format!("service `{svc}` has a URL with a literal password{user} in {where_}")
                    };
                    found.push((span, message, format!("services.{svc}.{path}"), svc, (value.span, value.anchor), Vec::new(), default.is_some()));
                }
            }
        }
        for (span, message, path, svc, value, also, default) in found {
            let mut b = out
                .report(span, message)
                .path(path)
                .service(svc)
                .copied(value.0, value.1)
                .help(if default {
                    "drop the default (`${VAR:?}` makes compose refuse to start without the variable)"
                } else {
                    "take the password from a variable or a secret file at run time instead of writing it in the URL"
                });
            if default {
                // as for `plaintext-secret-env`: the file ships it only where the variable is unset
                b = b.severity(Severity::Warning);
            }
            for (at, other) in also {
                b = b.related(at, format!("also in service `{other}`"));
            }
        }
    }
}

/// Keeps a value to search when it has a `://` (a byte search: `str::contains` set up a two-way
/// searcher for every value, and most values have none).
fn push_with_url<'v>(texts: &mut Vec<(Place<'v>, &'v Spanned<String>)>, place: Place<'v>, value: &'v Spanned<String>) {
    if has_scheme_separator(&value.value) {
        texts.push((place, value));
    }
}

/// Whether a password found in the interpolated value comes from a variable: the text as written
/// uses interpolation and none of its URLs has that password written in it. (The password's text
/// may still appear elsewhere in what is written: `postgres://${USER:-postgres}:${PW:-postgres}@db`,
/// or `${PW}` set to `app` in `postgres://app:${PW}@app-db`.)
fn from_variable(written: &str, password: &str) -> bool {
    has_variable(written) && !all_url_credentials(written).iter().any(|w| w.password == password)
}

/// Where the password of a URL is written as the default of a variable in the URL's userinfo
/// (`postgres://app:${DB_PASSWORD:-hunter2}@db`): its offset in the text as written. A default
/// that is empty, a placeholder or another variable is none.
fn literal_default_password(written: &str, password: &str) -> Option<usize> {
    if password.is_empty() || is_non_secret_value(password) {
        return None;
    }
    variable_regions(written).into_iter().find_map(|(start, end)| {
        let (default, offset) = reference_default(written.get(start..end)?)?;
        // the default must be the password, and stand between `:` and `@` of a URL's userinfo
        let after = written.get(end..)?;
        let before = written.get(..start)?;
        (default == password && after.starts_with('@') && before.ends_with(':')).then_some(start + offset)
    })
}

/// Where a searched text is in the service.
enum Place<'a> {
    Environment(&'a str),
    Label(&'a str),
    BuildArg(&'a str),
    BuildContext,
    Command(&'a str),
}

impl Place<'_> {
    /// The text's model path below the service, and how a message names it.
    fn describe(&self) -> (String, String) {
        match self {
            Place::Environment(k) => (format!("environment.{k}"), format!("`environment` variable `{k}`")),
            Place::Label(k) => (format!("labels.{k}"), format!("label `{k}`")),
            Place::BuildArg(k) => (format!("build.args.{k}"), format!("build argument `{k}`")),
            Place::BuildContext => ("build.context".to_string(), "`build.context`".to_string()),
            Place::Command(k) => ((*k).to_string(), format!("`{k}`")),
        }
    }
}
