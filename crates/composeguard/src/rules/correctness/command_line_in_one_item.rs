use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `entrypoint` or a healthcheck `test` in the exec form (a list) whose program
    /// is a whole command line in one item: `entrypoint: ["/app/run --serve"]`, or
    /// `test: ["CMD", "curl -f http://localhost || exit 1"]`.
    ///
    /// An item is taken for a command line when it has a blank and then an option (`-f`), a
    /// shell operator (`||`, `&&`, `;`, `|`, `>`), or follows a program name with no `/` in it
    /// (`npm start`). A path with a blank in it (`/opt/My App/run`, `C:\Program Files\…`) is
    /// left alone, and so is `command`: its first item may be an argument of the image's
    /// entrypoint (`sh -c` takes a whole script as one).
    ///
    /// ## Why is this bad?
    /// In the exec form no shell splits the words: the engine looks for a program named
    /// `/app/run --serve`, blanks and all, and fails to start the container ("executable file not
    /// found"). A healthcheck fails the same way on every run, so the service never becomes
    /// healthy and whatever waits for it never starts.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     healthcheck:
    ///       test: ["CMD", "curl -f http://localhost/ || exit 1"]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     healthcheck:
    ///       test: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]
    /// ```
    pub struct CommandLineInOneItem => {
        name: "command-line-in-one-item",
        code: "CG133",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["Docker Engine exec form", "compose-spec (command, healthcheck)"],
    }
}

impl Rule for CommandLineInOneItem {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let n = &name.value;
            if let Some(Command::Exec(items)) = service.entrypoint.as_ref() {
                if let Some(program) = items.first().filter(|p| is_command_line(&p.value)) {
                    let help = if items.len() == 1 {
                        format!("split it into words (`{}`), or run it with a shell: `[\"sh\", \"-c\", \"{}\"]`", words(&program.value), program.value.trim())
                    } else {
                        format!("split it into words: `{}`", words(&program.value))
                    };
                    report(out, program, &format!("the `entrypoint` of service `{n}`"), n, "entrypoint[0]", help);
                }
            }
            let Some(test) = service.healthcheck.as_ref().and_then(|h| h.test.as_ref()) else { continue };
            let [kind, program, ..] = test.value.0.as_slice() else { continue };
            if kind.value != "CMD" || !is_command_line(&program.value) {
                continue;
            }
            let help = if test.value.0.len() == 2 {
                format!("use `[\"CMD-SHELL\", \"{}\"]` to run it with a shell, or split it into words", program.value.trim())
            } else {
                format!("split it into words: `{}`", words(&program.value))
            };
            report(out, program, &format!("the healthcheck of service `{n}`"), n, "healthcheck.test[1]", help);
        }
    }
}

/// Reports `program`, the item of `what` (at `services.{service}.{at}`) that holds a command line.
fn report(out: &mut Findings<'_>, program: &Spanned<String>, what: &str, service: &str, at: &str, help: String) {
    out.report(
        program.span,
        format!("{what} has the command line `{}` in one item of its list: no shell splits it, so the engine looks for a program of that name", program.value.trim()),
    )
    .path(format!("services.{service}.{at}"))
    .service(service)
    .anchor(program.anchor)
    .help(help);
}

/// Whether an exec-form program item is a command line rather than a program's name or path.
fn is_command_line(item: &str) -> bool {
    let item = item.trim();
    let Some((program, rest)) = item.split_once([' ', '\t']) else { return false };
    let rest = rest.trim_start();
    if program.is_empty() || rest.is_empty() || item.contains('\\') || program.contains(['$', '"', '\'']) {
        return false;
    }
    let operator = ["||", "&&", ";", "|", ">", "<"].iter().any(|op| rest.split_whitespace().any(|w| w.starts_with(op)));
    rest.starts_with('-') || operator || !program.contains('/')
}

/// The item as the list of words it stands for (`["curl", "-f", "http://x"]`).
fn words(item: &str) -> String {
    let list: Vec<String> = item.split_whitespace().map(|w| format!("\"{w}\"")).collect();
    format!("[{}]", list.join(", "))
}

#[cfg(test)]
mod tests {
    use super::is_command_line;

    #[test]
    fn command_lines() {
        for item in ["npm start", "curl -f http://localhost || exit 1", "/usr/bin/curl -f http://x", "pg_isready -U app", "node server.js", "/app/run --serve", "./run.sh > /tmp/log"] {
            assert!(is_command_line(item), "{item}");
        }
        for item in ["npm", "/opt/My App/run", "C:\\Program Files\\app.exe --x", "/app/run", " npm ", "$CMD start", "\"quoted arg\""] {
            assert!(!is_command_line(item), "{item}");
        }
    }
}
