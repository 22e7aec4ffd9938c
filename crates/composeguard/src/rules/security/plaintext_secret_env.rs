use composeguard_model::HashSet;
use super::util::{entry_secret, is_access_key_id, is_whole_reference, is_non_secret_value, is_numeric_password, is_secret_key, repeats_key, token_shape, url_credentials, SecretReason};
use crate::diagnostic::Severity;
use crate::rules::prelude::*;
use crate::rules::util::has_variable;

declare_rule! {
    /// ## What it does
    /// Reports a credential written as a literal in a service's `environment`, or in the files
    /// its `env_file` reads.
    ///
    /// A value is a credential when its key names one (`DB_PASSWORD`,
    /// `API_KEY`, `JWT_SECRET`, `AWS_SECRET_ACCESS_KEY`, `githubToken`…) or when it has the shape
    /// of a known token (AWS access key, GitHub, GitLab, Slack, Stripe, Google, npm, Docker Hub
    /// tokens, JSON Web Tokens, PEM private keys, the credential of an HTTP `Authorization` value
    /// such as `Bearer 0b7c…`), whatever its key.
    ///
    /// A reference whose default is such a literal (`${DB_PASSWORD:-changeme}`) is reported as a
    /// warning: the default is in the file, and is the password wherever the variable is unset.
    ///
    /// Not reported: references (`${DB_PASSWORD}`, `$DB_PASSWORD`, with an empty default or
    /// `${DB_PASSWORD:?message}`, or a default that is a placeholder or another variable), keys
    /// that point to a file or describe a setting (`DB_PASSWORD_FILE`, `TOKEN_TTL`,
    /// `PASSWORD_MIN_LENGTH`, `APP_CREDENTIALS_AWS_REGION`, and Confluent's
    /// `KAFKA_SSL_KEYSTORE_CREDENTIALS`, which names the file that holds the password, and etcd's
    /// `ETCD_INITIAL_CLUSTER_TOKEN`, a cluster's name while it bootstraps), a hash of the secret
    /// (`ADMIN_PASSWORD_HASH`, or named by its algorithm: `GRAYLOG_ROOT_PASSWORD_SHA2`), keys meant
    /// to be public (`NEXT_PUBLIC_API_KEY`, `STRIPE_PUBLISHABLE_KEY`), empty and null values
    /// (`DB_PASSWORD:`, compose takes them from the environment), booleans, numbers (but a password
    /// key's value of six digits or more, `DB_PASSWORD: 12345678`, is reported) and paths
    /// (`/run/secrets/db`). URLs with a password are left to `credentials-in-url`.
    ///
    /// ## Why is this bad?
    /// A password in the compose file is in version control, in every clone and CI log, and
    /// cannot be rotated without a commit. In the container's environment it is visible to
    /// `docker inspect`, to every process in the container, and to crash reporters that dump the
    /// environment. Compose `secrets` mount the value as a file under `/run/secrets` instead,
    /// and most images read `*_FILE` variables for exactly this.
    ///
    /// Values from `env_file` are reported as warnings, at the `env_file` entry with the line in
    /// the message: the file is often kept out of version control, but the value still ends up
    /// in the container's environment.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     environment:
    ///       POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16.4
    ///     environment:
    ///       POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    ///     secrets:
    ///       - db_password
    /// secrets:
    ///   db_password:
    ///     environment: DB_PASSWORD
    /// ```
    pub struct PlaintextSecretEnv => {
        name: "plaintext-secret-env",
        code: "CG227",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0020", "CIS Docker 4.10", "OWASP Docker Security Cheat Sheet rule 12"],
    }
}

impl Rule for PlaintextSecretEnv {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // a literal an alias copies into several services is reported once, where it is written,
        // with the other services that get it
        let mut found: Vec<LiteralFinding<'_>> = Vec::new();
        let mut by_span: composeguard_model::HashMap<Span, usize> = composeguard_model::HashMap::default();
        let mut env_files = EnvFindings::default();
        for (name, service) in cx.services() {
            let svc = &name.value;
            for entry in service.environment.iter() {
                let (Some(value), Some((span, reason))) = (entry.value.as_ref(), entry_secret(cx, entry)) else { continue };
                if reason == SecretReason::Key && is_access_key_id(&entry.key.value, |k| service.environment.get(k).is_some()) {
                    continue;
                }
                if let Some(first) = by_span.get(&span).and_then(|&i| found.get_mut(i)) {
                    if first.service != svc.as_str() && !first.also.iter().any(|(_, s)| *s == svc.as_str()) {
                        first.also.push((value.span, svc));
                    }
                    continue;
                }
                by_span.insert(span, found.len());
                found.push(LiteralFinding { span, service: svc, key: &entry.key.value, reason, value, also: Vec::new() });
            }
            check_env_files(cx, svc, service, &mut env_files);
        }
        for f in found {
            let (svc, key) = (f.service, f.key);
            let message = match f.reason {
                SecretReason::Key => format!("service `{svc}` sets `{key}` to a literal value in `environment`"),
                SecretReason::Shape(what) => format!("service `{svc}` sets `{key}` to a literal that looks like {what}"),
                SecretReason::Default => format!("service `{svc}` falls back to a literal `{key}` written in the file when the variable is unset"),
            };
            let help = if f.reason == SecretReason::Default {
                "drop the default (`${VAR:?}` makes compose refuse to start without the variable), or move the value to a compose `secret`"
            } else {
                "move the value to a compose `secret` (and a `*_FILE` variable), or reference a variable set outside the file (`${VAR}`)"
            };
            let mut b = out
                .report(f.span, message)
                .path(format!("services.{svc}.environment.{key}"))
                .service(svc)
                .copied(f.value.span, f.value.anchor)
                .help(help);
            // a fallback is used only where the variable is unset
            if f.reason == SecretReason::Default {
                b = b.severity(Severity::Warning);
            }
            for (span, other) in f.also {
                b = b.related(span, format!("also in service `{other}`"));
            }
        }
        // one finding for each credential of a file, however many services load it
        for f in env_files.found {
            let mut b = out
                .report(f.written, f.message)
                .path(f.path)
                .service(&f.service)
                .copied(f.copied.0, f.copied.1)
                .severity(Severity::Warning)
                .help("move the value to a compose `secret` (and a `*_FILE` variable) instead of the env file");
            for (span, other) in f.also {
                b = b.related(span, format!("also loaded by service `{other}`"));
            }
        }
    }
}

/// A literal credential in a service's `environment`, with the other services an alias or merge
/// copies it into (and where).
struct LiteralFinding<'a> {
    span: Span,
    service: &'a str,
    key: &'a str,
    reason: SecretReason,
    value: &'a Spanned<String>,
    also: Vec<(Span, &'a str)>,
}

/// A credential found in an env file, reported once with the other services that load the file.
struct EnvFinding {
    written: Span,
    copied: (Span, Option<Span>),
    message: String,
    path: String,
    service: String,
    also: Vec<(Span, String)>,
}

/// The credentials found in env files so far, by file and key.
#[derive(Default)]
struct EnvFindings {
    found: Vec<EnvFinding>,
    by_key: composeguard_model::HashMap<(String, String), usize>,
    /// Each env file's credentials, by path and `format: raw`: read and parsed once however
    /// many services load it (`None`: the file cannot be read or parsed).
    files: composeguard_model::HashMap<(String, bool), Option<Vec<EnvCredential>>>,
}

/// A credential in an env file: its key, line, and why it is one.
struct EnvCredential {
    key: String,
    line: usize,
    why: String,
}

/// Reports credentials in the files a service's `env_file` reads.
fn check_env_files(cx: &Context<'_>, svc: &str, service: &Service, found: &mut EnvFindings) {
    for (i, ef) in service.env_file.iter().enumerate() {
        // an `env_file` an alias copies is reported where it is written, once
        let written = ef.value.path.anchor.unwrap_or(ef.value.path.span);
        let rel = &ef.value.path.value;
        let path = composeguard_model::project::join_path(cx.working_dir(), rel);
        let raw_format = ef.value.format.as_deref() == Some("raw");
        let credentials = found.files.entry((path.clone(), raw_format)).or_insert_with(|| env_file_credentials(cx, &path, raw_format));
        let Some(credentials) = credentials.as_ref() else { continue };
        for EnvCredential { key, line, why } in credentials {
            let id = (path.clone(), key.clone());
            match found.by_key.get(&id).and_then(|&n| found.found.get_mut(n)) {
                // an alias copies the entry that was reported: nothing more to say
                Some(first) if first.written == written => {}
                Some(first) => {
                    if !first.also.iter().any(|(_, s)| s == svc) {
                        first.also.push((written, svc.to_string()));
                    }
                }
                None => {
                    found.by_key.insert(id, found.found.len());
                    found.found.push(EnvFinding {
                        written,
                        copied: (ef.value.path.span, ef.value.path.anchor),
                        message: format!("service `{svc}`: env file `{rel}` sets `{key}` to {why} (line {line})"),
                        path: format!("services.{svc}.env_file[{i}]"),
                        service: svc.to_string(),
                        also: Vec::new(),
                    });
                }
            }
        }
    }
}

/// The credentials in the env file at `path`, in order; `None` when it cannot be read or parsed.
fn env_file_credentials(cx: &Context<'_>, path: &str, raw_format: bool) -> Option<Vec<EnvCredential>> {
    let text = cx.fs.read(path).ok()?;
    let entries = read_env_file(&text, raw_format)?;
    let lines: Vec<&str> = text.lines().collect();
    let keys: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    let mut out = Vec::new();
    for entry in &entries {
        let raw_line = lines.get(entry.line.saturating_sub(1)).copied().unwrap_or("");
        let raw_value = raw_line.split_once(['=', ':']).map_or("", |(_, v)| v);
        // compose expands no variable in a single-quoted value: `'s3cr$t'` is the password as
        // written, though one that is a whole `${…}` is still only a placeholder
        let single_quoted = !raw_format && raw_value.trim_start().starts_with('\'');
        let reference = if single_quoted { is_whole_reference(&entry.value) } else { has_variable(raw_value) };
        if reference || (is_non_secret_value(&entry.value) && !is_numeric_password(&entry.key, &entry.value)) || repeats_key(&entry.key, &entry.value) {
            continue;
        }
        let key = &entry.key;
        let why = if url_credentials(&entry.value).is_some() {
            "a URL with a password".to_string()
        } else if is_secret_key(key) {
            if is_access_key_id(key, |k| keys.contains(k)) {
                continue;
            }
            "a literal value".to_string()
        } else if let Some((what, _, _)) = token_shape(&entry.value) {
            format!("a literal that looks like {what}")
        } else {
            continue;
        };
        out.push(EnvCredential { key: key.clone(), line: entry.line, why });
    }
    Some(out)
}

/// The entries of an env file: dotenv syntax, or `KEY=VALUE` lines taken as written for
/// `format: raw`. `None` when the file does not parse (the spec checks report it).
fn read_env_file(text: &str, raw: bool) -> Option<Vec<composeguard_model::dotenv::Entry>> {
    if !raw {
        let no_variables = |_: &str| -> Option<String> { None };
        return composeguard_model::dotenv::parse(text, &no_variables).ok();
    }
    let entries = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
        .filter_map(|(i, l)| {
            let (key, value) = l.split_once('=')?;
            Some(composeguard_model::dotenv::Entry { key: key.trim().to_string(), value: value.to_string(), line: i + 1 })
        })
        .collect();
    Some(entries)
}
