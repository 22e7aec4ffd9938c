//! `check` over many projects: each one is loaded and linted on its own thread (rayon, every core
//! by default; `RAYON_NUM_THREADS` sets the count), and the results come back in the order of the
//! command line, so the output is the same byte for byte whatever the thread count.

use composeguard::lint::Report;
use composeguard::output::human;
use rayon::prelude::*;
use std::io::Write;

/// Nesting the default stacks have room for: the main thread's 8 MiB and rayon's 2 MiB ran out
/// near 7 000 and 2 000 levels (a release build; a debug build's frames are larger).
const DEPTH_ON_DEFAULT_STACKS: usize = 500;

/// The stack of every thread of a run whose `--max-depth` is above that: 5 000 levels (the
/// ceiling) take about 6 MiB in a release build. Only the pages used are backed by memory.
const DEEP_STACK_BYTES: usize = 128 * 1024 * 1024;

/// Runs `f` (a command) where trees `max_depth` deep fit on the stack: here, or on a thread with
/// a deep stack, whose threads for projects get the same (set once, for the process). An error
/// when the system has no such thread to give.
pub fn with_stack_for<R: Send>(max_depth: usize, f: impl FnOnce() -> R + Send) -> Result<R, String> {
    if max_depth <= DEPTH_ON_DEFAULT_STACKS {
        return Ok(f());
    }
    let _ = rayon::ThreadPoolBuilder::new().stack_size(DEEP_STACK_BYTES).build_global();
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .stack_size(DEEP_STACK_BYTES)
            .spawn_scoped(scope, f)
            .map_err(|e| format!("cannot start a thread with a stack for --max-depth {max_depth}: {e}"))?;
        Ok(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}

/// `f` over every item, in parallel, the results in the items' order.
pub fn map_in_order<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync + Send,
{
    if items.len() < 2 {
        return items.iter().map(f).collect();
    }
    items.par_iter().map(f).collect()
}

/// Findings rendered at a time: each chunk is rendered on every core and written before the
/// next, so the whole text is never held at once.
const CHUNK: usize = 2048;

/// Human output, its findings rendered on every core: the same text as
/// `composeguard::output::human::render`, written to `out` a chunk at a time.
#[cfg(test)]
pub fn write_human(report: &Report, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    write_findings(report, color, out)?;
    out.write_all(human::summary_line(report).as_bytes())?;
    out.write_all(b"\n")
}

/// The findings of [`write_human`], without the summary line.
pub fn write_findings(report: &Report, color: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let renderer = human::renderer(color);
    let findings: Vec<_> = report.diagnostics().filter(|d| !d.is_suppressed()).collect();
    for chunk in findings.chunks(CHUNK) {
        out.write_all(chunk_text(report, chunk, &renderer).as_bytes())?;
    }
    Ok(())
}

/// The text of [`write_findings`], as bytes: a project's findings rendered on the thread that
/// checked it. The text of the first chunk becomes the buffer, so most projects' text is never
/// copied.
pub fn render_findings(report: &Report, color: bool) -> Vec<u8> {
    let renderer = human::renderer(color);
    let findings: Vec<_> = report.diagnostics().filter(|d| !d.is_suppressed()).collect();
    let mut all = String::new();
    for chunk in findings.chunks(CHUNK) {
        let text = chunk_text(report, chunk, &renderer);
        if all.is_empty() {
            all = text;
        } else {
            all.push_str(&text);
        }
    }
    all.into_bytes()
}

/// Findings rendered, each followed by a blank line.
fn chunk_text(report: &Report, chunk: &[&composeguard::Diagnostic], renderer: &human::Renderer) -> String {
    // Each finding is written straight into the buffer of its group: a string for each, copied
    // into the chunk's afterwards, was an allocation, a free and a copy a finding.
    let render = |group: &[&composeguard::Diagnostic]| {
        // about the size it takes (the decorations and a source line or two besides these), so
        // that it seldom grows and copies itself
        let mut text = String::with_capacity(group.iter().map(|d| d.message.len() + d.help.as_ref().map_or(0, |h| h.len()) + d.file.len() + 192).sum());
        for d in group {
            human::render_diagnostic_into(d, &report.sources, renderer, &mut text);
            text.push_str("\n\n");
        }
        text
    };
    // a few findings are quicker on this thread than handed out, and with one thread all are
    // (into one buffer: the groups' texts were copied again into the chunk's)
    if chunk.len() < 2 * GROUP || rayon::current_num_threads() < 2 {
        return render(chunk);
    }
    let groups: Vec<&[&composeguard::Diagnostic]> = chunk.chunks(GROUP).collect();
    let parts = map_in_order(&groups, |g| render(g));
    let mut text = String::with_capacity(parts.iter().map(String::len).sum());
    for p in parts {
        text.push_str(&p);
    }
    text
}

/// Findings rendered together on one thread when a chunk is shared out.
const GROUP: usize = 32;

/// [`write_human`] into a string.
#[cfg(test)]
pub fn render_human(report: &Report, color: bool) -> String {
    let mut out = Vec::new();
    let _ = write_human(report, color, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn human_output_is_the_librarys() {
        use std::fmt::Write as _;
        let mut text = String::from("services:\n");
        for i in 0..(super::CHUNK / 3 + 40) {
            let _ = write!(text, "  s{i}:\n    image: nginx\n    privileged: true\n    ports: [\"80:80\"]\n");
        }
        let report = composeguard::lint("compose.yaml", &text, &composeguard::LintOptions::default());
        assert!(report.diagnostics().count() > 64);
        for color in [false, true] {
            let library = composeguard::output::human::render(&report, color);
            assert_eq!(super::render_human(&report, color), library);
            // the findings alone, as a run over many projects renders each
            let findings = String::from_utf8(super::render_findings(&report, color)).unwrap_or_default();
            assert_eq!(findings + &composeguard::output::human::summary_line(&report) + "\n", library);
        }
    }

    #[test]
    fn keeps_the_order() {
        let items: Vec<u64> = (0..1000).collect();
        let out = map_in_order(&items, |n| {
            // uneven work, so threads finish out of order
            (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b) % 1_000_003)
        });
        let expected: Vec<u64> = items.iter().map(|n| (0..(n % 7) * 1000).fold(*n, |a, b| a.wrapping_add(b) % 1_000_003)).collect();
        assert_eq!(out, expected);
    }
}
