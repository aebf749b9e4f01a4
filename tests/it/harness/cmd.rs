//! The `radar` binary as the tests run it: none of the caller's `RADAR_*`
//! settings leak in, and the clock is the test's.

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::process::{Command, Output};

/// Environment the binary reads that a developer's shell or a CI runner
/// may have set; a test states what it means with flags instead.
const LEAKY: [&str; 5] = [
    "RADAR_CONFIG",
    "RADAR_INDEX",
    "RADAR_NOW",
    "RADAR_LOG",
    "RADAR_GH",
];

fn clean() -> Command {
    let mut c = Command::cargo_bin("radar").expect("binary builds");
    for var in LEAKY {
        c.env_remove(var);
    }
    c
}

/// `radar` with its clock at `now` through `RADAR_NOW`, and `NO_COLOR=1`.
pub fn radar(now: &str) -> Command {
    let mut c = clean();
    c.env("RADAR_NOW", now).env("NO_COLOR", "1");
    c
}

/// `radar --now <now>`, the flag as cron lines pass it. `NO_COLOR` is
/// removed, so "nothing coloured when piped" is proved by the pipe, not by
/// the caller's shell.
pub fn radar_at(now: &str) -> Command {
    let mut c = clean();
    c.args(["--now", now]).env_remove("NO_COLOR");
    c
}

/// How a run ended and what it printed; `json` is stdout parsed, or
/// `Null` when stdout is not JSON.
pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: Output) -> Run {
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        // `CRAWL_TEST_SHOW=1 cargo test --release --test it crawl_faults -- --nocapture`
        // prints every crawl summary: the fault matrix as the binary reports it.
        if std::env::var_os("CRAWL_TEST_SHOW").is_some() {
            for s in json["sources"].as_array().into_iter().flatten() {
                eprintln!(
                    "SHOW exit={} {} | {} | {}",
                    out.status.code().unwrap_or(-1),
                    s["name"],
                    s["status"],
                    s["error"].as_str().or(s["warning"].as_str()).unwrap_or("")
                );
            }
        }
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stdout,
            stderr,
        }
    }

    /// The crawl summary's row for a source, by name.
    pub fn source(&self, name: &str) -> &Value {
        crate::harness::row(&self.json["sources"], "name", name)
    }

    pub fn status(&self, name: &str) -> String {
        self.source(name)["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn error(&self, name: &str) -> String {
        self.source(name)["error"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}
