//! The deployment examples under `examples/` (systemd units, a crontab, a
//! GitHub Actions workflow) parse, and every `radar …` command in them is
//! one the CLI accepts. Users copy these files; a renamed flag must fail
//! here, not in their CI.

use crate::harness::utc;
use clap::Parser;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use techradar::cli::{Cli, Command};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(examples().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every `radar` command in a shell line: the line split into words as sh
/// would, then into commands at `&&`, `||`, `;` and `|`.
fn radar_commands(line: &str) -> Vec<Vec<String>> {
    // Command substitutions: `"$(radar review list --json | jq length)"`.
    let mut nested = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("$(") {
        let inner = &rest[start + 2..];
        let end = inner
            .find(')')
            .unwrap_or_else(|| panic!("unclosed $( in {line}"));
        nested.extend(radar_commands(&inner[..end]));
        rest = &inner[end + 1..];
    }
    let words = shlex::split(line).unwrap_or_else(|| panic!("unbalanced quotes: {line}"));
    words
        .split(|w| ["&&", "||", ";", "|"].contains(&w.as_str()))
        .filter(|cmd| {
            cmd.first()
                .is_some_and(|w| w == "radar" || w.ends_with("/radar"))
        })
        .map(|cmd| {
            // Output redirections are the shell's, not radar's.
            let mut args = Vec::new();
            let mut skip = false;
            for w in cmd {
                if skip {
                    skip = false;
                } else if w == ">>" || w == ">" {
                    skip = true;
                } else if !w.starts_with("2>") {
                    args.push(w.clone());
                }
            }
            args
        })
        .chain(nested)
        .collect()
}

/// A fixed instant to read cron schedules from (no test reads the clock).
fn monday() -> chrono::DateTime<chrono::Utc> {
    utc("2026-11-23T00:00:00Z")
}

/// Parses a `radar …` command as the binary would.
fn parse(args: &[String], origin: &str) -> Cli {
    Cli::try_parse_from(args).unwrap_or_else(|e| panic!("{origin}: {args:?} does not parse:\n{e}"))
}

/// A systemd unit file: `[Section]` headers and `Key=Value` lines.
struct Unit {
    sections: Vec<(String, Vec<(String, String)>)>,
}

impl Unit {
    fn parse(rel: &str) -> Unit {
        let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for (n, raw) in read(rel).lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                assert!(
                    ["Unit", "Service", "Timer", "Install"].contains(&name),
                    "{rel}:{}: unknown section [{name}]",
                    n + 1
                );
                assert!(
                    sections.iter().all(|(s, _)| s != name),
                    "{rel}:{}: [{name}] twice",
                    n + 1
                );
                sections.push((name.to_string(), Vec::new()));
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("{rel}:{}: not Key=Value: {raw}", n + 1));
            assert!(
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric()),
                "{rel}:{}: bad key {key:?}",
                n + 1
            );
            assert!(!value.trim().is_empty(), "{rel}:{}: empty value", n + 1);
            let (_, keys) = sections
                .last_mut()
                .unwrap_or_else(|| panic!("{rel}:{}: key before any [Section]", n + 1));
            keys.push((key.to_string(), value.to_string()));
        }
        Unit { sections }
    }

    fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|(s, _)| s == section)?
            .1
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, section: &str) -> bool {
        self.sections.iter().any(|(s, _)| s == section)
    }
}

#[test]
fn systemd_service_runs_the_scheduler_and_stops_it_with_sigterm() {
    let unit = Unit::parse("systemd/radar-schedule.service");
    assert!(unit.has("Unit") && unit.has("Install"));
    assert_eq!(unit.get("Service", "Type"), Some("simple"));
    assert_eq!(unit.get("Service", "KillSignal"), Some("SIGTERM"));
    assert_eq!(unit.get("Install", "WantedBy"), Some("multi-user.target"));
    let exec = unit.get("Service", "ExecStart").expect("ExecStart");
    assert!(
        exec.starts_with('/'),
        "systemd wants an absolute path: {exec}"
    );
    let cmds = radar_commands(exec);
    assert_eq!(cmds.len(), 1, "{exec}");
    let cli = parse(&cmds[0], "radar-schedule.service");
    assert!(matches!(cli.command, Command::Schedule(ref a) if !a.once));
    assert!(cli.global.config.is_some(), "names its radar.toml");
}

#[test]
fn systemd_timer_starts_a_oneshot_schedule_once() {
    let service = Unit::parse("systemd/radar-once.service");
    assert_eq!(service.get("Service", "Type"), Some("oneshot"));
    let exec = service.get("Service", "ExecStart").expect("ExecStart");
    assert!(exec.starts_with('/'), "{exec}");
    let cmds = radar_commands(exec);
    assert_eq!(cmds.len(), 1);
    let cli = parse(&cmds[0], "radar-once.service");
    assert!(matches!(cli.command, Command::Schedule(ref a) if a.once));

    let timer = Unit::parse("systemd/radar-once.timer");
    let calendar = timer.get("Timer", "OnCalendar").expect("OnCalendar");
    assert_eq!(timer.get("Install", "WantedBy"), Some("timers.target"));
    // The timer starts the service with its own name unless Unit= says otherwise.
    assert!(timer.get("Timer", "Unit").is_none());
    assert!(examples().join("systemd/radar-once.service").is_file());
    // Where systemd is at hand, let it check the calendar expression too.
    match std::process::Command::new("systemd-analyze")
        .args(["calendar", calendar])
        .output()
    {
        Ok(out) => assert!(
            out.status.success(),
            "OnCalendar={calendar}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("skipping the OnCalendar check: systemd-analyze absent"),
    }
}

#[test]
fn crontab_lines_have_five_fields_and_call_radar_commands_that_exist() {
    let text = read("cron/radar.crontab");
    let mut active = 0;
    for line in text.lines() {
        // Commented-out alternatives must be as valid as the active line.
        let line = line.trim();
        let body = line.trim_start_matches('#').trim();
        let fields: Vec<&str> = body.split_whitespace().collect();
        if fields.len() < 6 || !fields[5..].iter().any(|w| w.ends_with("radar")) {
            continue;
        }
        if !line.starts_with('#') {
            active += 1;
        }
        let when = fields[..5].join(" ");
        // The cron crate reads crontab fields once a seconds field is added;
        // weekdays must be names, where crontab and radar.toml agree.
        cron::Schedule::from_str(&format!("0 {when}"))
            .unwrap_or_else(|e| panic!("crontab time {when:?}: {e}"));
        assert!(
            fields[4] == "*"
                || fields[4]
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || ",-".contains(c)),
            "write weekdays as MON..SUN: {line}"
        );
        let cmds = radar_commands(&fields[5..].join(" "));
        assert!(!cmds.is_empty(), "{line}");
        for cmd in cmds {
            let cli = parse(&cmd, "radar.crontab");
            assert!(matches!(
                cli.command,
                Command::Schedule(_) | Command::Run(_)
            ));
        }
    }
    assert_eq!(active, 1, "one active line");
}

#[test]
fn github_workflow_runs_weekly_caches_the_index_and_proposes() {
    let text = read("github/radar.yml");
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    // `on` is a plain key in YAML 1.2; accept YAML 1.1's `true` as well.
    let on = doc
        .get("on")
        .or_else(|| doc.get(serde_yaml_ng::Value::Bool(true)))
        .expect("on:");
    let cron_expr = on["schedule"][0]["cron"]
        .as_str()
        .expect("on.schedule[0].cron");
    assert_eq!(
        cron_expr.split_whitespace().count(),
        5,
        "GitHub cron has 5 fields"
    );
    let schedule = cron::Schedule::from_str(&format!("0 {cron_expr}")).expect("cron parses");
    // Weekly: consecutive firings are 7 days apart.
    let mut times = schedule.after(&monday()).take(2);
    let (a, b) = (times.next().unwrap(), times.next().unwrap());
    assert_eq!(b - a, chrono::Duration::days(7), "{cron_expr}");

    let jobs = doc["jobs"].as_mapping().expect("jobs");
    let mut runs: Vec<Vec<String>> = Vec::new();
    let mut index_cached = false;
    for (_, job) in jobs {
        let steps = job["steps"].as_sequence().expect("steps");
        for step in steps {
            let uses = step["uses"].as_str();
            let run = step["run"].as_str();
            assert!(
                uses.is_some() != run.is_some(),
                "a step has exactly one of uses/run: {step:?}"
            );
            if let Some(u) = uses {
                assert!(u.contains('@'), "pin the action version: {u}");
                if u.starts_with("actions/cache@") && step["with"]["path"].as_str() == Some("index")
                {
                    index_cached = true;
                    assert!(step["with"]["restore-keys"].as_str().is_some());
                }
            }
            for line in run.into_iter().flat_map(str::lines) {
                for cmd in radar_commands(line) {
                    parse(&cmd, "radar.yml");
                    runs.push(cmd);
                }
            }
        }
    }
    assert!(index_cached, "the index is cached between runs");
    let at = |sub: &str| {
        runs.iter()
            .position(|c| c.get(1).map(String::as_str) == Some(sub))
            .unwrap_or_else(|| panic!("no `radar {sub}` in {runs:?}"))
    };
    assert!(at("run") < at("propose"), "run first, then propose");
    assert!(
        at("review") < at("propose"),
        "a week without moves is not a failure"
    );
    let propose = parse(&runs[at("propose")], "radar.yml");
    match propose.command {
        Command::Propose(a) => {
            assert_eq!(a.push.as_deref(), Some("origin"));
            assert!(a.open_pr);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        doc["permissions"]["pull-requests"].as_str(),
        Some("write"),
        "gh pr create needs it"
    );
}

/// The README's warning, checked against the cron crate radar uses.
#[test]
fn in_radar_toml_weekday_1_is_sunday_and_mon_is_monday() {
    use chrono::Datelike;
    let first = |expr: &str| {
        cron::Schedule::from_str(expr)
            .unwrap()
            .after(&monday())
            .next()
            .unwrap()
            .weekday()
    };
    assert_eq!(first("0 0 8 * * 1"), chrono::Weekday::Sun);
    assert_eq!(first("0 0 8 * * MON"), chrono::Weekday::Mon);
}

#[test]
fn cargo_examples_still_build_beside_the_deployment_files() {
    // `bench_radar_data.rs` is a cargo example; the deployment files live in
    // subfolders without a main.rs, which cargo does not treat as examples.
    assert!(examples().join("bench_radar_data.rs").is_file());
    for dir in ["systemd", "cron", "github"] {
        assert!(!examples().join(dir).join("main.rs").exists());
    }
}

#[test]
fn github_pages_workflow_builds_the_site_it_uploads() {
    let text = read("github/radar-site.yml");
    let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("valid YAML");
    assert_eq!(doc["permissions"]["pages"].as_str(), Some("write"));
    assert_eq!(doc["permissions"]["id-token"].as_str(), Some("write"));
    let mut site_out = None;
    let mut uploaded = None;
    let mut deployed = false;
    for (_, job) in doc["jobs"].as_mapping().expect("jobs") {
        for step in job["steps"].as_sequence().expect("steps") {
            if let Some(u) = step["uses"].as_str() {
                assert!(u.contains('@'), "pin the action version: {u}");
                if u.starts_with("actions/upload-pages-artifact@") {
                    uploaded = step["with"]["path"].as_str().map(str::to_string);
                }
                deployed |= u.starts_with("actions/deploy-pages@");
            }
            for line in step["run"].as_str().into_iter().flat_map(str::lines) {
                for cmd in radar_commands(line) {
                    if let Command::Site(a) = parse(&cmd, "radar-site.yml").command {
                        site_out = a.out.map(|p| p.display().to_string());
                    }
                }
            }
        }
    }
    assert_eq!(site_out.as_deref(), Some("_site"), "radar site --out _site");
    assert_eq!(
        uploaded, site_out,
        "the folder built is the folder uploaded"
    );
    assert!(deployed);
}
