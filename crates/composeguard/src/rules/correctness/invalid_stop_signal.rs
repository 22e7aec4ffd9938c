use crate::rules::prelude::*;
use crate::rules::util::is_written_with_variable;

declare_rule! {
    /// ## What it does
    /// Reports a `stop_signal` that is not a signal: a name such as `SIGTERM`, `TERM` or
    /// `SIGRTMIN+3` (in any case, with or without `SIG`), or a signal number other than 0.
    ///
    /// ## Why is this bad?
    /// compose accepts any string; the engine refuses to create the container ("invalid
    /// signal"), so `docker compose up` fails.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     stop_signal: SIGQUITE
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    ///     stop_signal: SIGQUIT
    /// ```
    pub struct InvalidStopSignal => {
        name: "invalid-stop-signal",
        code: "CG128",
        category: Correctness,
        severity: Error,
        fixable: false,
        default_enabled: true,
        sources: ["signal(7)", "Docker Engine --stop-signal"],
    }
}

/// The signal names docker knows on Linux, without `SIG` (and `RTMIN+n`, `RTMAX-n`).
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL", "PROF",
    "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1", "USR2",
    "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN", "RTMAX",
];

/// Whether docker reads `raw` as a signal.
fn is_signal(raw: &str) -> bool {
    if let Ok(n) = raw.parse::<i64>() {
        return n != 0;
    }
    let upper = raw.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    let offset = |rest: &str| rest.parse::<u8>().is_ok_and(|n| (1..=15).contains(&n) && !rest.starts_with('0'));
    SIGNALS.contains(&name)
        || name.strip_prefix("RTMIN+").is_some_and(offset)
        || name.strip_prefix("RTMAX-").is_some_and(|rest| offset(rest) && rest != "15")
}

impl Rule for InvalidStopSignal {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        for (name, service) in cx.services() {
            let Some(signal) = &service.stop_signal else { continue };
            if signal.value.is_empty() || is_signal(&signal.value) || is_written_with_variable(cx, signal) {
                continue;
            }
            let n = &name.value;
            out.report(signal.span, format!("service `{n}` has `stop_signal: {}`, which is not a signal", signal.value))
                .path(format!("services.{n}.stop_signal"))
                .service(n)
                .anchor(signal.anchor)
                .help("use a signal name such as `SIGTERM`, `SIGINT` or `SIGQUIT`, or its number");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_signal;

    #[test]
    fn signals() {
        for ok in ["SIGTERM", "term", "SIGINT", "sigusr1", "9", "15", "SIGRTMIN+3", "RTMAX-1", "SIGRTMAX", "SIGWINCH"] {
            assert!(is_signal(ok), "{ok}");
        }
        for bad in ["SIGFOO", "0", "SIGQUITE", "TERM ", "SIGRTMIN+16", "RTMAX-15", "SIGRTMIN+03", "SIG", ""] {
            assert!(!is_signal(bad), "{bad}");
        }
    }
}
