//! Baselines: the findings a project already had, so that only new ones fail a run.
//!
//! A finding is recognised by its fingerprint: a hash of its rule, file, model path and message.
//! Line numbers are left out, so editing other parts of the file does not turn old findings
//! into new ones; changing the offending value does (the message names it). Identical findings
//! are counted, so a second copy of a baselined problem is new.
//!
//! Spec errors are never baselined: a file compose rejects stays failing.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Category, Diagnostic, Severity, Suppression};
use crate::lint::Report;

/// One baselined finding. Besides the fingerprint, the fields make the file reviewable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub file: String,
    pub path: String,
    pub message: String,
}

/// A baseline file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    /// Format version (1).
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// A baseline file that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid baseline: {0}")]
pub struct BaselineError(String);

/// How a baseline names files: the path as the report shows it, with `\` as `/` and no leading
/// `./`. The CLI passes paths relative to the baseline's folder instead.
pub fn normalize_file(file: &str) -> String {
    let file = file.replace('\\', "/");
    let mut s = file.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// The stable fingerprint of a finding: 16 hex digits of FNV-1a over rule, file, path and
/// message.
pub fn fingerprint(d: &Diagnostic, file: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [&*d.rule, file, d.path.as_str(), d.message.as_str()] {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// Whether a finding can be baselined (anything unsuppressed but a spec error).
fn baselinable(d: &Diagnostic) -> bool {
    let spec_error = d.category == Category::Spec && d.severity == Severity::Error;
    !(d.is_suppressed() || spec_error)
}

impl Baseline {
    /// The report's current findings, files named by [`normalize_file`].
    pub fn from_report(report: &Report) -> Self {
        Self::from_report_with(report, &normalize_file)
    }

    /// The report's current findings, files named by `file_key`.
    pub fn from_report_with(report: &Report, file_key: &dyn Fn(&str) -> String) -> Self {
        let findings = report
            .diagnostics()
            .filter(|d| baselinable(d))
            .map(|d| {
                let file = file_key(&d.file);
                BaselineEntry { fingerprint: fingerprint(d, &file), rule: d.rule.to_string(), file, path: d.path.clone(), message: d.message.clone() }
            })
            .collect();
        Self { version: 1, findings }
    }

    pub fn parse(text: &str) -> Result<Self, BaselineError> {
        let baseline: Baseline = serde_json::from_str(text).map_err(|e| BaselineError(e.to_string()))?;
        if baseline.version != 1 {
            return Err(BaselineError(format!("unsupported version {}", baseline.version)));
        }
        Ok(baseline)
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Marks the report's findings found in the baseline as suppressed (`baseline`), files named
    /// by [`normalize_file`]; returns how many.
    pub fn apply(&self, report: &mut Report) -> usize {
        self.apply_with(report, &normalize_file)
    }

    /// [`Self::apply`] with files named by `file_key`.
    pub fn apply_with(&self, report: &mut Report, file_key: &dyn Fn(&str) -> String) -> usize {
        let mut remaining: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for entry in &self.findings {
            *remaining.entry(entry.fingerprint.as_str()).or_default() += 1;
        }
        let mut matched = 0;
        for file in &mut report.files {
            for d in file.diagnostics.iter_mut().filter(|d| baselinable(d)) {
                let print = fingerprint(d, &file_key(&d.file));
                if let Some(count) = remaining.get_mut(print.as_str()).filter(|c| **c > 0) {
                    *count -= 1;
                    matched += 1;
                    d.suppression = Some(Box::new(Suppression { kind: "baseline".into(), reason: None }));
                }
            }
        }
        report.recount();
        matched
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::lint::{lint, LintOptions};

    #[test]
    fn only_new_findings_remain() {
        let options = LintOptions::default();
        let before = lint("compose.yaml", "services:\n  web:\n    image: nginx\n", &options);
        let baseline = Baseline::parse(&Baseline::from_report(&before).to_json()).unwrap();
        assert!(!baseline.findings.is_empty());
        // a line added above moves every finding, which stays baselined
        let mut after = lint("compose.yaml", "# moved\nservices:\n  web:\n    image: nginx\n  db:\n    image: postgres\n", &options);
        let matched = baseline.apply(&mut after);
        assert_eq!(matched, baseline.findings.len());
        let fresh: Vec<&str> = after.diagnostics().filter(|d| !d.is_suppressed()).map(|d| d.message.as_str()).collect();
        assert!(fresh.iter().all(|m| m.contains("db")), "{fresh:?}");
        assert!(!fresh.is_empty());
    }

    #[test]
    fn fingerprints_are_stable() {
        let report = lint("compose.yaml", "services:\n  web:\n    image: nginx\n", &LintOptions::default());
        let d = report.diagnostics().find(|d| d.rule == "image-without-tag").unwrap();
        assert_eq!(fingerprint(d, "compose.yaml"), fingerprint(d, "compose.yaml"));
        assert_ne!(fingerprint(d, "compose.yaml"), fingerprint(d, "other.yaml"));
        assert_eq!(normalize_file(".\\a\\compose.yaml"), "a/compose.yaml");
    }
}
