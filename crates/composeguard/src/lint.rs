//! The entry points: load, validate, run the rules, build the report.

use std::sync::Arc;

use indexmap::IndexMap;
use serde::Serialize;

use composeguard_model::project::{load_project, load_text, FileSystem, LoadOptions, NoFiles, Project, ProjectOptions};
use composeguard_model::issue::{Issue, IssueKind};
use composeguard_model::{FileId, PositionEncoding, SourceMap, Span};

use crate::config::Config;
use crate::context::Context;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::{finding_from_issue, Finding, Findings, RuleMeta};
use crate::rules::Selection;

/// How to lint.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// Variables for interpolation (the process environment, for the CLI).
    pub env: IndexMap<String, String>,
    /// Read `.env` from the project folder.
    pub dotenv: bool,
    /// How columns are counted in the report.
    pub encoding: PositionEncoding,
    /// Rules to run in addition to the defaults (names, codes or categories); `all` for every rule.
    pub select: Vec<String>,
    /// Rules not to run (names, codes or categories).
    pub ignore: Vec<String>,
    /// Limits against hostile input.
    pub limits: composeguard_model::yaml::Limits,
    /// Active profiles (`*` for all). None: compose's checks see the services without profiles,
    /// and the rules check every service.
    pub profiles: Vec<String>,
    /// The configuration file's settings (see [`crate::config`]); `select` and `ignore` above
    /// are added to its own, and win where they name the same rule.
    pub config: Option<Config>,
}

impl LintOptions {
    /// The rule selection: the configuration's, then these options', which win where both name
    /// the same thing (a rule by its name in one and its code in the other too).
    pub fn selection(&self) -> Selection {
        let Some(config) = &self.config else { return Selection::new(&self.select, &self.ignore) };
        let same = |a: &str, b: &str| a == b || crate::rules::find(a).zip(crate::rules::find(b)).is_some_and(|(x, y)| x.code == y.code);
        let named_in = |entries: &[String], e: &str| entries.iter().any(|o| same(o, e));
        let select: Vec<String> = config.select.iter().filter(|e| !named_in(&self.ignore, e)).chain(&self.select).cloned().collect();
        let ignore: Vec<String> = config.ignore.iter().filter(|e| !named_in(&self.select, e)).chain(&self.ignore).cloned().collect();
        Selection::new(&select, &ignore)
    }
}

/// Findings for one file.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct FileReport {
    pub path: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Counts by severity (suppressed findings are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl std::ops::AddAssign for Summary {
    fn add_assign(&mut self, other: Self) {
        self.error += other.error;
        self.warning += other.warning;
        self.info += other.info;
    }
}

/// The result of a run.
#[derive(Clone, Debug, Default, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// Format version of this report (1).
    pub version: u32,
    pub files: Vec<FileReport>,
    pub summary: Summary,
    #[serde(skip)]
    #[schemars(skip)]
    pub sources: SourceMap,
}

impl Report {
    /// Every diagnostic, in file order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|f| f.diagnostics.iter())
    }

    /// Whether any unsuppressed diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.summary.error > 0
    }

    /// Whether a spec error makes the file invalid for docker compose.
    pub fn is_invalid(&self) -> bool {
        self.diagnostics().any(|d| d.category == crate::Category::Spec && d.severity == Severity::Error && !d.is_suppressed())
    }

    /// Whether nothing unsuppressed is at or above `level`.
    pub fn passes(&self, level: Severity) -> bool {
        !self.diagnostics().any(|d| !d.is_suppressed() && d.severity >= level)
    }

    /// Appends another report (another project of the same run). Its sources are added to
    /// this report's, and its spans renumbered to match.
    pub fn extend(&mut self, mut other: Report) {
        // counted on its own, so that appending many reports costs each one once (a recount of
        // the whole report per append was quadratic: 40% of a run over 1,600 files)
        other.recount();
        let added = other.summary;
        let offset = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
        for (id, _) in other.sources.iter() {
            if let Some(file) = other.sources.get_shared(id) {
                self.sources.add_shared(std::sync::Arc::clone(file));
            }
        }
        let shift = |span: &mut Span| span.file = FileId(span.file.0.saturating_add(offset));
        for mut file in other.files {
            for d in &mut file.diagnostics {
                shift(&mut d.span);
                d.related.iter_mut().for_each(|r| shift(&mut r.span));
                if let Some(fix) = &mut d.fix {
                    fix.edits.iter_mut().for_each(|e| shift(&mut e.span));
                }
            }
            self.files.push(file);
        }
        self.summary += added;
    }

    /// Recomputes the summary (after suppressions changed).
    pub fn recount(&mut self) {
        let mut summary = Summary::default();
        for d in self.diagnostics().filter(|d| !d.is_suppressed()) {
            match d.severity {
                Severity::Error => summary.error += 1,
                Severity::Warning => summary.warning += 1,
                Severity::Info => summary.info += 1,
            }
        }
        self.summary = summary;
    }

    pub fn to_json(&self) -> String {
        // (serde_json's pretty text, each line break and its indent written at once)
        let mut out = Vec::new();
        if crate::output::write_json(self, &mut out).is_err() {
            return "{}".into();
        }
        String::from_utf8(out).unwrap_or_else(|_| "{}".into())
    }
}

/// Lints one compose file given as text, with no file access (`env_file`, `.env` and other files
/// are not read).
pub fn lint(path: &str, text: &str, options: &LintOptions) -> Report {
    lint_with(path, text, options, &NoFiles)
}

/// Lints one compose file given as text, reading other files through `fs`.
pub fn lint_with(path: &str, text: &str, options: &LintOptions, fs: &dyn FileSystem) -> Report {
    let load = LoadOptions { env: options.env.clone(), dotenv: options.dotenv, limits: options.limits };
    let project = load_text(path, text, &load, fs);
    lint_project(&project, options, fs)
}

/// Where a required variable is missing (`${DATA:?set DATA}`) or interpolation cannot be read
/// (`${RUN%/}`): compose stops there, so the value that holds it is never read.
fn missing_required_spans(project: &Project) -> Vec<Span> {
    project
        .issues
        .iter()
        // (and a mapping key that is no string: compose stops at it, so the mapping that held
        // it, read without that entry, is not also invalid)
        .filter(|i| matches!(i.kind, IssueKind::MissingRequiredVariable | IssueKind::InvalidInterpolation | IssueKind::NonStringKey))
        .map(|i| i.span)
        .collect()
}

/// A value refused only because a required variable in it is missing, or its interpolation
/// failed, and so left empty (`${DATA:?err}/app:/config` read as an empty volume, a network
/// `${NET?err}` read as one of no name): compose reports the variable alone.
fn follows_missing_required(issue: &Issue, required: &[Span]) -> bool {
    matches!(issue.kind, IssueKind::InvalidValue | IssueKind::InvalidType | IssueKind::UndefinedReference)
        && required.iter().any(|r| r.file == issue.span.file && issue.span.start <= r.start && r.end <= issue.span.end)
}

/// Validates and lints a loaded project.
pub fn lint_project(project: &Project, options: &LintOptions, fs: &dyn FileSystem) -> Report {
    // the caller's profiles, else the project's own (`COMPOSE_PROFILES`)
    let with_profiles;
    let options = if options.profiles.is_empty() && !project.profiles.is_empty() {
        with_profiles = LintOptions { profiles: project.profiles.clone(), ..options.clone() };
        &with_profiles
    } else {
        options
    };
    let selection = options.selection();
    let mut located = Located::new(project, options, &selection);
    let required = missing_required_spans(project);
    located.extend(project.issues.iter().filter(|i| !follows_missing_required(i, &required)).map(finding_from_issue));
    let cx = Context::new(project, fs, &options.profiles);
    // Checklist rules run on files compose can read.
    let readable = project.root.is_some();
    let rules: Vec<&'static dyn crate::rule::Rule> =
        if readable { crate::rules::registry().iter().copied().filter(|r| selection.enabled(r.meta())).collect() } else { Vec::new() };
    // The spec checks, then each rule, as a task whose findings become located diagnostics as
    // soon as it has run (a project with many findings never holds both forms at once). With
    // the `parallel` feature the tasks run on every core; the chunks keep this order.
    let tasks = 1 + rules.len();
    let run = |task: usize| -> Option<Chunk> {
        let mut found = Vec::new();
        if task == 0 {
            if readable {
                let mut spec_issues = Vec::new();
                crate::spec::check(&cx, &mut spec_issues);
                found.extend(spec_issues.iter().filter(|i| !follows_missing_required(i, &required)).map(finding_from_issue));
            }
        } else if let Some(rule) = task.checked_sub(1).and_then(|i| rules.get(i)) {
            rule.check(&cx, &mut Findings::new(rule.meta(), &mut found));
            crate::rule::once_per_anchor(&mut found);
        }
        located.chunk(found)
    };
    // a small project is checked quicker on this thread than handed out (and then a run over
    // many small files, already one project per core, does not start nested tasks)
    #[cfg(feature = "parallel")]
    let chunks: Vec<Option<Chunk>> = if project.sources.iter().map(|(_, f)| f.text.len()).sum::<usize>() < PARALLEL_BYTES {
        (0..tasks).map(run).collect()
    } else {
        use rayon::prelude::*;
        (0..tasks).into_par_iter().map(run).collect()
    };
    #[cfg(not(feature = "parallel"))]
    let chunks: Vec<Option<Chunk>> = (0..tasks).map(run).collect();
    located.chunks.extend(chunks.into_iter().flatten());
    let (mut diagnostics, services) = located.finish();
    // every service is checked when no profile is chosen, or with `*`: a finding about a
    // service behind profiles says which
    if options.profiles.iter().all(String::is_empty) || options.profiles.iter().any(|p| p == "*") {
        note_profiles(project, &mut diagnostics, &services);
    }
    if let Some(config) = &options.config {
        config.apply_waivers(&mut diagnostics, &services);
    }
    drop(services);
    let mut directives = crate::suppress::parse(&project.sources);
    crate::suppress::apply(&mut diagnostics, &mut directives, &project.sources);
    let unused_enabled = selection.enabled(&crate::rules::style::UnusedSuppression::META);
    if unused_enabled && !directives.is_empty() {
        let ran = |meta: &RuleMeta| {
            (meta.category == crate::Category::Spec || readable) && selection.enabled(meta)
        };
        // located like every finding: the configuration's severity applies, and a comment's
        // span is never one that provenance knows
        let mut more = Located::new(project, options, &selection);
        more.extend(crate::suppress::unused(&directives, &ran));
        diagnostics.extend(more.finish().0);
    }
    build_report(project, diagnostics)
}

/// Loads a project as docker compose does (`-f` files, override files, `.env`, `extends`,
/// `include`, profiles; see [`ProjectOptions`]) and lints it. The active profiles are the
/// project's (`--profile`, else `COMPOSE_PROFILES`, else `options.profiles`). With none, or with
/// `*`, every service is linted and each finding about a service behind profiles lists them.
pub fn lint_files(project_options: &ProjectOptions, options: &LintOptions, fs: &dyn FileSystem) -> Report {
    let mut project_options = project_options.clone();
    if project_options.profiles.is_empty() {
        project_options.profiles.clone_from(&options.profiles);
    }
    if project_options.limits == composeguard_model::yaml::Limits::default() {
        project_options.limits = options.limits;
    }
    let project = load_project(&project_options, fs);
    lint_loaded(&project, options, fs)
}

/// Lints a project loaded with [`load_project`], with the project's active profiles.
pub fn lint_loaded(project: &Project, options: &LintOptions, fs: &dyn FileSystem) -> Report {
    let options = LintOptions { profiles: project.profiles.clone(), ..options.clone() };
    lint_project(project, &options, fs)
}

/// When every service is checked, each finding about a service lists the service's profiles.
fn note_profiles(project: &Project, diagnostics: &mut [Diagnostic], services: &[Option<String>]) {
    for (d, service) in diagnostics.iter_mut().zip(services) {
        let from_path = project.service_in_path(&d.path);
        let Some(name) = service.as_deref().or(from_path) else { continue };
        if let Some(s) = project.compose.services.get(name) {
            d.profiles = s.profiles.iter().map(|p| p.value.clone()).collect();
        }
    }
}

/// Below this much compose text, a project's rules run one after the other even with the
/// `parallel` feature.
#[cfg(feature = "parallel")]
const PARALLEL_BYTES: usize = 32 * 1024;

/// Turns findings into located diagnostics, keeping the service each is about: drops spec
/// findings the selection leaves out, applies the configuration's severities, and adds the
/// provenance labels (the value an override replaced, the `extends` a value came through).
struct Located<'p> {
    project: &'p Project,
    config: Option<&'p Config>,
    selection: &'p Selection,
    encoding: PositionEncoding,
    with_provenance: bool,
    /// The path of each source file, in file order, shared by the diagnostics in that file.
    files: Vec<Arc<str>>,
    /// One exactly sized chunk per batch of findings (a rule's): a vector that grew by doubling
    /// would hold up to twice the diagnostics while it grows.
    chunks: Vec<Chunk>,
}

/// Located diagnostics and the service each is about.
type Chunk = (Vec<Diagnostic>, Vec<Option<String>>);

impl<'p> Located<'p> {
    fn new(project: &'p Project, options: &'p LintOptions, selection: &'p Selection) -> Self {
        Self {
            project,
            config: options.config.as_ref(),
            selection,
            encoding: options.encoding,
            with_provenance: !(project.provenance.overrides.is_empty() && project.provenance.inherited.is_empty()),
            files: project.sources.iter().map(|(_, f)| Arc::from(f.path.as_str())).collect(),
            chunks: Vec::new(),
        }
    }

    /// The shared path of a source file.
    fn shared_path(&self, id: FileId, path: &str) -> Arc<str> {
        self.files.get(id.0 as usize).cloned().unwrap_or_else(|| Arc::from(path))
    }

    /// The diagnostics in the order their findings came, with the service of each.
    fn finish(self) -> (Vec<Diagnostic>, Vec<Option<String>>) {
        let n = self.chunks.iter().map(|(d, _)| d.len()).sum();
        let mut diagnostics = Vec::with_capacity(n);
        let mut services = Vec::with_capacity(n);
        for (d, s) in self.chunks {
            diagnostics.extend(d);
            services.extend(s);
        }
        (diagnostics, services)
    }

    fn extend(&mut self, findings: impl IntoIterator<Item = Finding>) {
        if let Some(chunk) = self.chunk(findings) {
            self.chunks.push(chunk);
        }
    }

    /// The findings located; `None` when there are none (or none selected).
    fn chunk(&self, findings: impl IntoIterator<Item = Finding>) -> Option<Chunk> {
        let findings = findings.into_iter();
        // most rules find nothing in a project: no chunk to start and give up (25 000 calls
        // over 300 files, nearly all of them empty)
        if findings.size_hint().1 == Some(0) {
            return None;
        }
        let n = findings.size_hint().0;
        let mut chunk: Chunk = (Vec::with_capacity(n), Vec::with_capacity(n));
        for f in findings {
            if f.rule.category == crate::Category::Spec && !self.selection.enabled(f.rule) {
                continue;
            }
            let (d, service) = self.locate(f);
            chunk.0.push(d);
            chunk.1.push(service);
        }
        if self.with_provenance {
            once_per_inherited_value(&mut chunk);
        }
        (!chunk.0.is_empty()).then_some(chunk)
    }

    fn locate(&self, mut f: Finding) -> (Diagnostic, Option<String>) {
        if let Some(severity) = self.config.and_then(|c| c.severity_of(f.rule)) {
            f.severity = Some(severity);
        }
        if self.with_provenance {
            for r in self.project.related(f.span, &f.path) {
                if !f.related.iter().any(|(s, _)| *s == r.span) {
                    f.related.push((r.span, r.message));
                }
            }
        }
        let severity = f.severity.unwrap_or(f.rule.severity);
        let mut d = Diagnostic {
            rule: f.rule.name.into(),
            code: f.rule.code.into(),
            category: f.rule.category,
            severity,
            message: exact(f.message),
            // the first file until the span says otherwise
            file: self.files.first().cloned().unwrap_or_else(|| Arc::from("")),
            path: exact(f.path),
            start: crate::Position::default(),
            end: crate::Position::default(),
            help: f.help,
            related: f
                .related
                .into_iter()
                .map(|(span, message)| crate::diagnostic::RelatedLocation {
                    file: String::new(),
                    start: crate::Position::default(),
                    end: crate::Position::default(),
                    message,
                    span,
                })
                .collect(),
            fix: f.fix,
            profiles: Vec::new(),
            suppression: None,
            span: f.span,
        };
        d.locate_with(&self.project.sources, self.encoding, |id, path| self.shared_path(id, path));
        (d, f.service)
    }
}

/// Keeps one checklist finding of a rule per value that `extends` gave several services: the
/// value is written once, so it is reported once, for the first service, with each other
/// service's `extends` as a related location (as [`crate::rule::once_per_anchor`] does for a
/// value that YAML anchors copy). A repeat is merged only when it brings such a location.
fn once_per_inherited_value(chunk: &mut Chunk) {
    let (diagnostics, services) = chunk;
    if diagnostics.len() < 2 {
        return;
    }
    let mut first: composeguard_model::HashMap<Span, usize> = composeguard_model::HashMap::default();
    // the related locations of each kept finding, once it takes others' (a scan of them per
    // repeat made thousands of inheriting services quadratic)
    let mut located: composeguard_model::HashMap<usize, composeguard_model::HashSet<Span>> = composeguard_model::HashMap::default();
    let mut keep = vec![true; diagnostics.len()];
    for i in 0..diagnostics.len() {
        let Some(d) = diagnostics.get(i).filter(|d| d.category != crate::Category::Spec) else { continue };
        let j = *first.entry(d.span).or_insert(i);
        let other_service = services.get(i).and_then(Option::as_deref).is_some_and(|s| services.get(j).and_then(Option::as_deref).is_some_and(|t| s != t));
        if j == i || !other_service {
            continue;
        }
        let brought: Vec<crate::diagnostic::RelatedLocation> = d.related.iter().filter(|r| r.span != d.span).cloned().collect();
        let Some(kept) = diagnostics.get_mut(j) else { continue };
        let spans = located.entry(j).or_insert_with(|| kept.related.iter().map(|r| r.span).collect());
        let new: Vec<_> = brought.into_iter().filter(|r| spans.insert(r.span)).collect();
        if new.is_empty() {
            continue;
        }
        kept.related.extend(new);
        if let Some(k) = keep.get_mut(i) {
            *k = false;
        }
    }
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut flags = keep.iter();
    diagnostics.retain(|_| flags.next().copied().unwrap_or(true));
    let mut flags = keep.iter();
    services.retain(|_| flags.next().copied().unwrap_or(true));
}

/// The text in a buffer of its size. `format!` reserves twice the length of its literal parts, so
/// a finding's message is often half spare capacity (2 MB of a file with 35 000 findings); a
/// diagnostic lives until the report is written.
fn exact(s: String) -> String {
    if s.capacity() - s.len() > 16 {
        s.as_str().to_owned()
    } else {
        s
    }
}

/// Orders diagnostics by start, end and code, keeping the rules' order among equals — as a
/// stable sort would, but without its scratch buffer of half the diagnostics (8 MB on a file
/// with 35 000 findings): the order is sorted as indices, then applied in place.
fn sort_by_position(diagnostics: &mut [Diagnostic]) {
    let Ok(n) = u32::try_from(diagnostics.len()) else {
        diagnostics.sort_by(|a, b| (a.start.offset, a.end.offset, &a.code).cmp(&(b.start.offset, b.end.offset, &b.code)));
        return;
    };
    // the keys side by side (the index makes each unique, so an unstable sort is stable)
    let mut keys: Vec<(u32, u32, &str, u32)> =
        diagnostics.iter().zip(0..n).map(|(d, i)| (d.start.offset, d.end.offset, &*d.code, i)).collect();
    keys.sort_unstable();
    let mut order: Vec<u32> = keys.into_iter().map(|k| k.3).collect();
    // position k takes the diagnostic at order[k]: follow each cycle once, marking it done
    for start in 0..order.len() {
        let mut at = start;
        // every index is below `order.len()`: `order` is a permutation of them
        while let Some(slot) = order.get_mut(at) {
            let from = *slot as usize;
            *slot = at as u32;
            if from == start || from == at {
                break;
            }
            diagnostics.swap(at, from);
            at = from;
        }
    }
}

/// Drops repeated findings (same span, code and message) from diagnostics sorted by position:
/// repeats sit in one run of equal span and code, though not always next to each other there.
fn dedup_sorted(diagnostics: &mut Vec<Diagnostic>) {
    let same_place = |a: &Diagnostic, b: &Diagnostic| a.span == b.span && a.code == b.code;
    if diagnostics.windows(2).all(|w| !matches!(w, [a, b] if same_place(a, b))) {
        return;
    }
    let mut kept: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    // where the run of the last kept diagnostic's span and code starts in `kept`
    let mut run = 0;
    for d in diagnostics.drain(..) {
        match kept.last() {
            Some(last) if same_place(last, &d) => {
                if kept.get(run..).is_some_and(|r| r.iter().any(|k| k.message == d.message)) {
                    continue;
                }
            }
            _ => run = kept.len(),
        }
        kept.push(d);
    }
    *diagnostics = kept;
}

fn build_report(project: &Project, diagnostics: Vec<Diagnostic>) -> Report {
    // (foldhash: a finding's file was hashed with SipHash, 2 % of a run over the corpus)
    let mut files: composeguard_model::IndexMap<String, Vec<Diagnostic>> = composeguard_model::IndexMap::default();
    for (_, f) in project.sources.iter() {
        files.entry(f.path.clone()).or_default();
    }
    // sized by a first count, so that the diagnostics are not held twice over while they move
    let mut counts: composeguard_model::IndexMap<&str, usize> = composeguard_model::IndexMap::default();
    for d in &diagnostics {
        *counts.entry(&*d.file).or_default() += 1;
    }
    let only = if counts.len() == 1 { counts.keys().next().map(|f| (*f).to_string()) } else { None };
    if let Some(only) = only {
        // every finding in one file (the usual case): the vector moves as it is
        drop(counts);
        files.insert(only, diagnostics);
    } else {
        for (file, n) in &counts {
            files.entry((*file).to_string()).or_default().reserve_exact(*n);
        }
        drop(counts);
        for d in diagnostics {
            // every file has its entry from the count (a lookup by `&str` allocates no key)
            match files.get_mut(&*d.file) {
                Some(list) => list.push(d),
                None => files.entry(d.file.to_string()).or_default().push(d),
            }
        }
    }
    let mut files: Vec<FileReport> = files.into_iter().map(|(path, diagnostics)| FileReport { path, diagnostics }).collect();
    for f in &mut files {
        sort_by_position(&mut f.diagnostics);
        dedup_sorted(&mut f.diagnostics);
    }
    let mut report = Report { version: 1, files, summary: Summary::default(), sources: project.sources.clone() };
    report.recount();
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(start: u32, end: u32, code: &str, message: String) -> Diagnostic {
        Diagnostic {
            rule: "".into(),
            code: code.to_string().into(),
            category: crate::Category::Style,
            severity: Severity::Warning,
            message,
            file: Arc::from(""),
            path: String::new(),
            start: crate::Position { line: 1, column: 1, offset: start },
            end: crate::Position { line: 1, column: 1, offset: end },
            help: None,
            related: Vec::new(),
            fix: None,
            profiles: Vec::new(),
            suppression: None,
            span: Span::default(),
        }
    }

    /// Appending reports adds up their counts, each counted from its own diagnostics (a
    /// suppression set after its last count is seen).
    #[test]
    fn extend_counts_each_report() {
        let report = |severities: &[Severity]| {
            let mut r = Report { files: vec![FileReport::default()], ..Report::default() };
            r.files[0].diagnostics = severities
                .iter()
                .map(|s| Diagnostic { severity: *s, ..diagnostic(0, 1, "CG001", String::new()) })
                .collect();
            r.recount();
            r
        };
        let mut all = report(&[Severity::Error, Severity::Warning]);
        all.extend(report(&[Severity::Info, Severity::Info, Severity::Error]));
        let mut late = report(&[Severity::Warning, Severity::Warning]);
        late.files[0].diagnostics[0].suppression = Some(Box::new(crate::diagnostic::Suppression { kind: "inline".into(), reason: None }));
        all.extend(late);
        assert_eq!(all.summary, Summary { error: 2, warning: 2, info: 2 });
        assert_eq!(all.files.len(), 3);
        let counted = all.summary;
        all.recount();
        assert_eq!(all.summary, counted);
    }

    /// The in-place order is the stable sort's, ties (same place and code) included.
    #[test]
    fn sort_by_position_matches_a_stable_sort() {
        let mut seed = 0x2545_f491_u64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            u32::try_from(seed % m).unwrap()
        };
        for len in [0, 1, 2, 3, 10, 100, 1000] {
            let items: Vec<Diagnostic> = (0..len)
                .map(|i| {
                    let start = next(20);
                    let code = ["CG001", "CG002", "CG003"][next(3) as usize];
                    diagnostic(start, start + next(3), code, format!("{i}"))
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by(|a, b| (a.start.offset, a.end.offset, &a.code).cmp(&(b.start.offset, b.end.offset, &b.code)));
            let mut got = items;
            sort_by_position(&mut got);
            assert_eq!(got, expected, "{len} diagnostics");
        }
    }
}
