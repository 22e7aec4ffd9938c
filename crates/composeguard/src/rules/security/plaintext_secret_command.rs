use std::borrow::Cow;

use composeguard_model::HashSet;
use super::util::{checked_command_lists, is_non_secret_value, is_secret_key, literal_span, token_shape, url_credentials};
use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a credential written as a literal in `command`, `entrypoint`, a healthcheck `test`
    /// or a lifecycle hook's command.
    ///
    /// That is a value for a password-like option (`--password=…`,
    /// `--requirepass …`, `--api-key=…`), a MySQL/MariaDB `-p<password>`, a `redis-cli -a …`, a
    /// Mongo shell `-p …`, `curl -u user:password`, a variable assignment in a shell string
    /// (`PGPASSWORD=… psql`), or a
    /// value with the shape of a known token. Shell strings (`sh -c "…"`) are split into words
    /// the way the shell would.
    ///
    /// Not reported: values the shell expands at run time (`-p$$MYSQL_ROOT_PASSWORD`,
    /// `"$DB_PASSWORD"`), values compose interpolates (`${DB_PASSWORD}`), a bare `--password` or
    /// `-p` (the client prompts), options that point to a file (`--password-file=…`). URLs with
    /// a password are left to `credentials-in-url`.
    ///
    /// ## Why is this bad?
    /// Command lines are the least private place for a secret: they are in the compose file and
    /// version control, in `docker inspect`, in `ps` output and `/proc/<pid>/cmdline` for every
    /// user of the host and container, and in healthcheck logs. Read the secret from a file or
    /// an environment variable at run time instead.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4
    ///     command: ["redis-server", "--requirepass", "hunter2"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   cache:
    ///     image: redis:7.4
    ///     command: ["sh", "-c", "exec redis-server --requirepass \"$$(cat /run/secrets/redis_password)\""]
    ///     secrets:
    ///       - redis_password
    /// secrets:
    ///   redis_password:
    ///     environment: REDIS_PASSWORD
    /// ```
    pub struct PlaintextSecretCommand => {
        name: "plaintext-secret-command",
        code: "CG229",
        category: Security,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-lint CL-0020", "OWASP Docker Security Cheat Sheet rule 12", "CWE-214"],
    }
}

impl Rule for PlaintextSecretCommand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        // a literal an alias copies into several services is reported once, where it is written
        let mut reported: HashSet<Span> = HashSet::default();
        for (name, _, lists) in checked_command_lists(cx) {
            let svc = &name.value;
            for (key, args) in lists {
                for hit in find_secrets(args) {
                    let Some(arg) = args.get(hit.arg) else { continue };
                    let Some(span) = locate(cx, arg, &hit) else { continue };
                    if follows_variable(cx, arg, span) {
                        continue;
                    }
                    if !reported.insert(span) {
                        continue;
                    }
                    out.report(span, format!("service `{svc}` passes {} as a literal in `{key}`", hit.what))
                        .path(format!("services.{svc}.{key}"))
                        .service(svc)
                        .copied(arg.span, arg.anchor)
                        .help("read the secret at run time (from `/run/secrets/…` or an environment variable) instead of writing it in the command");
                }
            }
        }
    }
}

/// Where the hit's value is written: inside its word when the word is written verbatim.
fn locate(cx: &Context<'_>, arg: &Spanned<String>, hit: &Hit) -> Option<Span> {
    if let Some(span) = literal_span(cx, arg.span, arg.anchor, &hit.needle) {
        if span.len() as usize == hit.needle.len() {
            return Some(span.sub(hit.offset, hit.value.len()));
        }
        return Some(span);
    }
    literal_span(cx, arg.span, arg.anchor, &hit.value)
}

/// Whether the word written before `span` is a variable (`-a $REDIS_PW ping`): the found value
/// is then the next word, which only follows the flag because the variable is unset here.
fn follows_variable(cx: &Context<'_>, arg: &Spanned<String>, span: Span) -> bool {
    let written = arg.anchor.unwrap_or(arg.span);
    if span.file != written.file || span.start < written.start {
        return false;
    }
    let before = cx.text(Span::new(written.file, written.start, span.start));
    let word = before.trim_end().rsplit(char::is_whitespace).next().unwrap_or("");
    let name = |n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    word.strip_prefix("${").and_then(|w| w.strip_suffix('}')).is_some_and(|inner| !inner.contains(['{', '}', '$']))
        || word.strip_prefix('$').is_some_and(name)
}

/// A credential found in a command: which argument holds it, its value, and what it is.
#[derive(Debug, PartialEq, Eq)]
pub struct Hit {
    pub arg: usize,
    pub value: String,
    /// The word to look for in the source (`-prootpw`), and where the value starts in it.
    pub needle: String,
    pub offset: usize,
    pub what: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tool {
    Other,
    Mysql,
    RedisCli,
    Mongo,
    Curl,
}

fn tool_of(word: &str) -> Option<Tool> {
    // (a byte search for the last `/`: this runs on every word of every command)
    let base = word.as_bytes().iter().rposition(|&b| b == b'/').map_or(word, |i| word.get(i + 1..).unwrap_or(""));
    Some(match base {
        "mysql" | "mysqladmin" | "mysqldump" | "mysqlcheck" | "mysqlimport" | "mysqlshow" | "mysqlpump" | "mariadb" | "mariadb-admin"
        | "mariadb-dump" | "mariadb-check" | "mariadb-import" | "mariadb-show" => Tool::Mysql,
        "redis-cli" | "valkey-cli" => Tool::RedisCli,
        "mongo" | "mongosh" | "mongodump" | "mongorestore" | "mongoexport" | "mongoimport" | "mongostat" | "mongotop" => Tool::Mongo,
        "curl" => Tool::Curl,
        _ => return None,
    })
}

/// Splits the arguments into shell words (an argument with spaces is a shell string, as in
/// `sh -c "…"`), each with the index of its argument. An argument that is one word is borrowed.
fn words(args: &[Spanned<String>]) -> Vec<(usize, Cow<'_, str>)> {
    let mut out = Vec::new();
    for (i, arg) in args.iter().enumerate() {
        let text = &arg.value;
        if has_whitespace(text) {
            let split = split_shell_words(text).unwrap_or_else(|_| text.split_whitespace().map(str::to_string).collect());
            out.extend(split.into_iter().map(|w| (i, Cow::Owned(w))));
        } else {
            out.push((i, Cow::Borrowed(text.as_str())));
        }
    }
    out
}

/// `text.contains(char::is_whitespace)`, with a byte test for ASCII text (every argument of every
/// command is asked, and the `char` test decoded each character).
fn has_whitespace(text: &str) -> bool {
    if text.is_ascii() {
        // the ASCII characters `char::is_whitespace` takes: `\t`, `\n`, `\x0B`, `\x0C`, `\r`, space
        text.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        text.contains(char::is_whitespace)
    }
}

/// A flag whose name says its value is a credential (`--password`, `--api-key`,
/// `-requirepass`), not a file or a switch (`--password-file`, `--no-password`).
fn secret_flag(flag: &str) -> bool {
    let name = flag.trim_start_matches('-');
    if name.len() < 2 || name.starts_with("no-") || name.starts_with("no_") {
        return false;
    }
    // a flag's name is a word: `-p$MYSQL_ROOT_PASSWORD` is `-p` and a variable
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return false;
    }
    is_secret_key(name)
}

/// Whether a found value can be a literal credential.
fn plausible(value: &str) -> bool {
    !value.is_empty() && !value.contains('$') && !is_non_secret_value(value) && url_credentials(value).is_none() && !value.starts_with('-')
}

/// Finds literal credentials in a command's arguments.
pub fn find_secrets(args: &[Spanned<String>]) -> Vec<Hit> {
    let words = words(args);
    let mut hits = Vec::new();
    let mut tool = Tool::Other;
    let mut i = 0;
    while let Some((arg, raw)) = words.get(i) {
        i += 1;
        let ends_command = raw.ends_with(';') || raw.ends_with("&&");
        let word = raw.trim_end_matches([';', '&', '|']);
        let mut push = |value: &str, what: String| {
            if plausible(value) {
                let offset = word.find(value).unwrap_or(0);
                hits.push(Hit { arg: *arg, value: value.to_string(), needle: word.to_string(), offset, what });
            }
        };
        // `-flag=value` or `KEY=value`: split once for both tests below
        let assignment = word.split_once('=');
        if matches!(word, "" | "&&" | "||" | "|" | ";") {
            tool = Tool::Other;
            continue;
        }
        if let Some(t) = tool_of(word) {
            tool = t;
        } else if let Some((flag, value)) = assignment.filter(|(f, _)| f.starts_with('-')) {
            if secret_flag(flag) {
                push(value, format!("a value for `{flag}`"));
            }
        } else if word.starts_with('-') && secret_flag(word) {
            // `--password` alone makes MySQL clients prompt; elsewhere the value follows
            let prompts = tool == Tool::Mysql && (word == "--password" || word == "-password");
            if !prompts {
                if let Some((next_arg, next)) = words.get(i) {
                    if plausible(next) {
                        hits.push(Hit { arg: *next_arg, value: next.to_string(), needle: next.to_string(), offset: 0, what: format!("a value for `{word}`") });
                        i += 1;
                    }
                }
            }
        } else if tool == Tool::Mysql && word.len() > 2 && word.starts_with("-p") && !word.starts_with("--") {
            push(word.get(2..).unwrap_or(""), "a MySQL password (`-p…`)".to_string());
        } else if (tool == Tool::RedisCli && word == "-a") || (tool == Tool::Mongo && word == "-p") {
            if let Some((next_arg, next)) = words.get(i) {
                if plausible(next) {
                    hits.push(Hit { arg: *next_arg, value: next.to_string(), needle: next.to_string(), offset: 0, what: format!("a password for `{word}`") });
                    i += 1;
                }
            }
        } else if tool == Tool::Curl && (word == "-u" || word == "--user" || (word.starts_with("-u") && word.len() > 2)) {
            // `curl -u user:password`, `-uuser:password`, `--user user:password`
            let (cred_arg, cred) = if word.len() > 2 && !word.starts_with("--") {
                (*arg, word.get(2..).unwrap_or("").to_string())
            } else if let Some((next_arg, next)) = words.get(i) {
                i += 1;
                (*next_arg, next.to_string())
            } else {
                continue;
            };
            if let Some((_, password)) = cred.split_once(':') {
                if plausible(password) {
                    let offset = cred.len() - password.len();
                    hits.push(Hit { arg: cred_arg, value: password.to_string(), needle: cred.clone(), offset, what: "a password for `curl -u`".to_string() });
                }
            }
        } else if let Some((key, value)) = assignment.filter(|(k, _)| is_identifier(k)) {
            if is_secret_key(key) {
                push(value, format!("`{key}`"));
            }
        } else if let Some((what, start, end)) = token_shape(word) {
            push(word.get(start..end).unwrap_or(""), format!("a value that looks like {what}"));
        }
        if ends_command {
            tool = Tool::Other;
        }
    }
    hits
}

fn is_identifier(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_') && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<Spanned<String>> {
        list.iter().map(|s| Spanned::new((*s).to_string(), Span::default())).collect()
    }

    fn values(list: &[&str]) -> Vec<String> {
        find_secrets(&args(list)).into_iter().map(|h| h.value).collect()
    }

    #[test]
    fn finds() {
        assert_eq!(values(&["redis-server", "--requirepass", "hunter2"]), ["hunter2"]);
        assert_eq!(values(&["app", "--db-password=s3cret"]), ["s3cret"]);
        assert_eq!(values(&["mysqladmin", "ping", "-uroot", "-prootpw"]), ["rootpw"]);
        assert_eq!(values(&["sh", "-c", "mysqladmin ping -h localhost -u root -prootpw"]), ["rootpw"]);
        assert_eq!(values(&["sh", "-c", "PGPASSWORD=pw psql -h db -U app"]), ["pw"]);
        assert_eq!(values(&["redis-cli", "-a", "pw", "ping"]), ["pw"]);
        assert_eq!(values(&["mongosh", "-u", "root", "-p", "pw"]), ["pw"]);
        assert_eq!(values(&["curl", "-fsS", "-u", "admin:adminpw", "http://localhost/health"]), ["adminpw"]);
        assert_eq!(values(&["sh", "-c", "curl -uadmin:pw2 http://x"]), ["pw2"]);
        assert_eq!(values(&["app", "ghp_0123456789abcdefghijABCDEFGHIJ012345"]), ["ghp_0123456789abcdefghijABCDEFGHIJ012345"]);
    }

    #[test]
    fn whitespace_as_char_says() {
        for c in (0u8..128).map(char::from).chain(['\u{85}', '\u{a0}', '\u{2003}', 'é']) {
            let text = format!("a{c}b");
            assert_eq!(has_whitespace(&text), text.contains(char::is_whitespace), "{c:?}");
        }
    }

    #[test]
    fn ignores() {
        assert!(values(&["mysqladmin", "ping", "-p$MYSQL_ROOT_PASSWORD"]).is_empty());
        assert!(values(&["sh", "-c", "mysql -u root --password mydb"]).is_empty());
        assert!(values(&["mysql", "-p"]).is_empty());
        assert!(values(&["app", "--password-file=/run/secrets/db"]).is_empty());
        assert!(values(&["app", "--password-file", "/run/secrets/db"]).is_empty());
        assert!(values(&["docker", "login", "--password-stdin", "registry.example.com"]).is_empty());
        assert!(values(&["app", "--no-password", "host"]).is_empty());
        assert!(values(&["app", "--token", "\"$TOKEN\""]).is_empty());
        assert!(values(&["pg_isready", "-U", "postgres", "-p", "5432"]).is_empty());
        assert!(values(&["curl", "-f", "http://localhost/health"]).is_empty());
        assert!(values(&["curl", "-u", "admin", "http://localhost/health"]).is_empty());
        assert!(values(&["curl", "-u", "admin:$$PASS", "http://x"]).is_empty());
        assert!(values(&["app", "--password=postgres://u:p@h/db"]).is_empty());
        assert!(values(&["sh", "-c", "echo ok; psql -p 5432"]).is_empty());
    }
}
