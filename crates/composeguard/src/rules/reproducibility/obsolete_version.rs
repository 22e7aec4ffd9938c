use crate::rules::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports the top-level `version` key.
    ///
    /// ## Why is this bad?
    /// Compose v2 ignores `version` and prints a warning on every command: the file is read by
    /// the Compose specification whatever number it names. The key suggests a format promise it
    /// does not keep (`version: "2"` does not turn off features of format 3), and the warning
    /// trains people to ignore compose's output.
    ///
    /// A stack file is no exception with a current engine: `docker stack deploy` reads a file
    /// without `version` as its latest format since Docker 23.0 (older engines refuse it as
    /// "unsupported Compose file version: 1.0", and need the key).
    ///
    /// ## Example
    /// ```yaml
    /// version: "3.8"
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: nginx:1.27
    /// ```
    pub struct ObsoleteVersion => {
        name: "obsolete-version",
        code: "CG504",
        category: Reproducibility,
        severity: Warning,
        fixable: true,
        default_enabled: true,
        sources: ["compose-spec (version is obsolete)", "dclint no-version-field"],
    }
}

impl Rule for ObsoleteVersion {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Findings<'_>) {
        let Some((key, value)) = cx.project.root.as_ref().and_then(Node::as_map).and_then(|m| m.get_entry("version")) else {
            return;
        };
        let span = if key.span.file == value.span.file && value.span.end > key.span.start {
            Span::new(key.span.file, key.span.start, value.span.end)
        } else {
            key.span
        };
        let written = match cx.text(value.span) {
            "" => value.scalar_to_string().unwrap_or_default(),
            text => text.to_string(),
        };
        let fix = cx
            .sources()
            .get(span.file)
            .and_then(|f| whole_lines(&f.text, span))
            .map(|line| Fix { description: "remove `version`".into(), edits: vec![Edit::new(line, "")] });
        let finding = out
            .report(span, message(&written))
            .path("version")
            .help("delete the line: compose reads every file by the Compose specification");
        if let Some(fix) = fix {
            finding.fix(fix);
        }
    }
}

fn message(version: &str) -> String {
    format!("`version: {version}` is obsolete; compose ignores it and warns")
}

/// The lines holding `span`, newline included, when nothing else is written on them (a
/// trailing comment goes with the key).
fn whole_lines(text: &str, span: Span) -> Option<Span> {
    let start = span.start as usize;
    let end = span.end as usize;
    let line_start = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    if !text.get(line_start..start)?.trim().is_empty() {
        return None;
    }
    let rest = text.get(end..)?;
    let line_end = rest.find('\n').map_or(text.len(), |i| end + i + 1);
    let tail = text.get(end..line_end)?.trim();
    if !(tail.is_empty() || tail.starts_with('#')) {
        return None;
    }
    Some(Span::new(span.file, u32::try_from(line_start).ok()?, u32::try_from(line_end).ok()?))
}
