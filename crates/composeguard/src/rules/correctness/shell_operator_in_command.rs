use std::borrow::Cow;

use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a `command`, `entrypoint` or lifecycle hook written as a string whose words stop
    /// at a shell operator (`&&`, `||`, `;`, `|`, `>`, `<`) outside quotes.
    ///
    /// ## Why is this bad?
    /// compose splits a command string into words itself; no shell reads it. Its splitter stops
    /// at the first operator outside quotes and drops the rest without a word: `npm ci && npm
    /// start` runs `npm ci` alone, and `server > /var/log/app.log` writes to the terminal. The
    /// container starts, so the mistake shows only in what it does: the file never does what it
    /// says. Operators inside quotes
    /// (`sh -c "npm ci && npm start"`) are passed on to the shell named first, and are fine.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: node:22.11-alpine
    ///     command: npm ci && npm start
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: node:22.11-alpine
    ///     command: ["sh", "-c", "npm ci && npm start"]
    /// ```
    pub struct ShellOperatorInCommand => {
        name: "shell-operator-in-command",
        code: "CG122",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["compose-go ShellCommand (go-shellwords)", "docker compose config"],
    }
}

impl Rule for ShellOperatorInCommand {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let mut commands: Vec<(Cow<'static, str>, Option<&Command>)> =
                vec![(Cow::Borrowed("command"), service.command.as_ref()), (Cow::Borrowed("entrypoint"), service.entrypoint.as_ref())];
            for (key, list) in [("post_start", &service.post_start), ("pre_stop", &service.pre_stop)] {
                commands.extend(list.iter().enumerate().map(|(i, h)| (Cow::Owned(format!("{key}[{i}].command")), h.command.as_ref())));
            }
            for (key, command) in commands {
                let Some(Command::Shell(text)) = command else { continue };
                // the words stop only at an operator: a command without one is not split again
                // (a byte test; the split was 5 100 instructions a command on real files)
                if !text.value.bytes().any(|b| matches!(b, b';' | b'&' | b'|' | b'<' | b'>')) {
                    continue;
                }
                let Ok((words, Some(at))) = split_shell_words_cut(&text.value) else { continue };
                let dropped = text.value.get(at..).unwrap_or_default().trim();
                let kept = words.join(" ");
                let report = out
                    .report(
                        text.span,
                        format!(
                            "the `{key}` of service `{}` stops at `{}`: compose splits it without a shell and runs only `{kept}`",
                            name.value,
                            operator(dropped)
                        ),
                    )
                    .path(format!("services.{}.{key}", name.value))
                    .service(&name.value)
                    .anchor(text.anchor);
                let help = if text.value.len() <= 80 {
                    let quoted = serde_json::to_string(text.value.trim()).unwrap_or_default();
                    format!("run it through a shell: `{key}: [\"sh\", \"-c\", {quoted}]`")
                } else {
                    format!("run it through a shell (`{key}: [\"sh\", \"-c\", \"…\"]`), or quote the operator")
                };
                report.help(help);
            }
        }
    }
}

/// The operator at the start of what compose drops (`&&`, `>`, `2>&1`'s `>&`).
fn operator(dropped: &str) -> &str {
    let end = dropped.find(|c: char| !matches!(c, ';' | '&' | '|' | '<' | '>')).unwrap_or(dropped.len());
    dropped.get(..end).unwrap_or(dropped)
}
