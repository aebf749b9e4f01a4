//! The human rendering of an audit [`Report`]: grouped by package, with
//! what to upgrade to. Reads the report only; every advisory string goes
//! through `terminal::clean` (advisory text is untrusted input).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::report::{Finding, FindingKind, Report};
use crate::terminal::{bold, clean, dim};

/// Renders the report as text; `color` adds ANSI styling.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{}",
        dim(
            &format!(
                "audited {} package versions from {} lockfile{} against {} advisories ({} name a package in use)",
                s.packages_audited,
                s.lockfiles,
                plural(s.lockfiles),
                s.advisories_in_index,
                s.advisories_evaluated
            ),
            color
        )
    );
    if !report.vulnerabilities.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Vulnerabilities", color));
        by_package(&mut out, &report.vulnerabilities, color);
    }
    if !report.warnings.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Warnings", color));
        by_package(&mut out, &report.warnings, color);
    }
    if !report.acknowledged.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            bold("Acknowledged ([[ignore]] in stack.toml)", color)
        );
        for a in &report.acknowledged {
            let f = &a.finding;
            let until = a
                .ignore
                .until
                .as_deref()
                .map(|u| format!(" until {u}"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {} {} {} {}: {}{until}",
                clean(&f.id),
                f.kind,
                clean(&f.package),
                clean(&f.version),
                clean(&a.ignore.reason)
            );
        }
    }
    if !report.unused_ignores.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Unused ignores", color));
        for u in &report.unused_ignores {
            let _ = writeln!(
                out,
                "  {}: matches no finding; remove it from stack.toml ({})",
                clean(&u.id),
                clean(&u.reason)
            );
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(out, "\n{}", bold("Skipped", color));
        skipped(&mut out, report, color);
    }
    let _ = writeln!(out, "\n{}", verdict(report));
    out
}

fn by_package(out: &mut String, findings: &[Finding], color: bool) {
    let mut groups: BTreeMap<(String, String, String), Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        groups
            .entry((f.ecosystem.clone(), f.package.clone(), f.version.clone()))
            .or_default()
            .push(f);
    }
    for ((ecosystem, package, version), list) in groups {
        let files: Vec<String> = list[0].lockfiles.iter().map(|l| file_name(l)).collect();
        let _ = writeln!(
            out,
            "\n  {} {}  {}",
            bold(&format!("{} {}", clean(&package), clean(&version)), color),
            dim(&clean(&ecosystem), color),
            dim(&files.join(", "), color)
        );
        for f in list {
            let rating = match (f.severity, f.score) {
                (Some(s), Some(score)) => format!("{s} {score:.1}"),
                (Some(s), None) => s.to_string(),
                (None, _) if f.kind == FindingKind::Vulnerability => "severity unknown".into(),
                (None, _) => f.kind.to_string(),
            };
            let mark = if f.fails { "✗" } else { "·" };
            let _ = writeln!(
                out,
                "    {mark} {}  {}  {}",
                bold(&clean(&f.id), color),
                rating,
                clean(&f.title)
            );
            if !f.aliases.is_empty() {
                let _ = writeln!(out, "      also {}", clean(&f.aliases.join(", ")));
            }
            if f.kind != FindingKind::Yanked {
                let _ = writeln!(out, "      {}", advice(f));
            }
            if let Some(url) = &f.url {
                let _ = writeln!(out, "      {}", dim(&clean(url), color));
            }
            if let Some(e) = &f.ignore_expired {
                let _ = writeln!(
                    out,
                    "      ignore expired on {}: {}",
                    e.until.as_deref().unwrap_or("?"),
                    clean(&e.reason)
                );
            }
        }
    }
}

/// Skipped packages: those an advisory names first, one line each; the
/// rest grouped by reason and lockfile, so 40 workspace members are a line.
fn skipped(out: &mut String, report: &Report, color: bool) {
    let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for k in &report.skipped {
        let name = match &k.version {
            Some(v) => format!("{} {}", clean(&k.package), clean(v)),
            None => clean(&k.package),
        };
        if k.would_match.is_empty() {
            grouped
                .entry((clean(&k.reason), file_name(&k.lockfile)))
                .or_default()
                .push(name);
        } else {
            let _ = writeln!(
                out,
                "  {name}: {} names this version, not reported: {} ({})",
                bold(&clean(&k.would_match.join(", ")), color),
                clean(&k.reason),
                file_name(&k.lockfile)
            );
        }
    }
    for ((reason, file), names) in grouped {
        let _ = writeln!(
            out,
            "  {}: {}",
            dim(&format!("{reason} ({file})"), color),
            names.join(", ")
        );
    }
}

/// "upgrade to >=1.5.5": RustSec's own patched requirements when present,
/// else the fixed version that ends this version's affected interval.
fn advice(f: &Finding) -> String {
    if f.kind == FindingKind::Unmaintained {
        return "unmaintained: plan a move to a maintained alternative (the advisory names some)"
            .into();
    }
    if !f.upgrade.is_empty() {
        return format!("upgrade to {}", clean(&f.upgrade.join(" or ")));
    }
    if !f.last_affected.is_empty() {
        return format!(
            "no fixed version known; {} is the last affected",
            clean(&f.last_affected.join(", "))
        );
    }
    "no fixed version yet: replace it or acknowledge it with [[ignore]]".into()
}

fn verdict(report: &Report) -> String {
    let s = &report.summary;
    let failing = report
        .vulnerabilities
        .iter()
        .chain(&report.warnings)
        .filter(|f| f.fails)
        .count();
    let mut line = format!(
        "{} vulnerabilit{}, {} warning{}",
        s.vulnerabilities,
        if s.vulnerabilities == 1 { "y" } else { "ies" },
        s.warnings,
        plural(s.warnings)
    );
    if s.acknowledged > 0 {
        let _ = write!(line, ", {} acknowledged", s.acknowledged);
    }
    if s.skipped > 0 {
        let _ = write!(line, ", {} skipped", s.skipped);
    }
    if s.fails {
        let _ = write!(line, ": {failing} fail the run (exit 1)");
    } else {
        line.push_str(": nothing fails the run");
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.to_string())
}
