//! What the integration tests share, once each: the `radar` command with a
//! clean environment and an injected clock, a team radar in a temp folder,
//! a git runner, loopback feed servers, JSON lookups, and the fixtures
//! (ours in `tests/fixtures`, the real-world ones in `../shared`).
//!
//! Nothing here reads the wall clock, sleeps, or leaves 127.0.0.1.

#[macro_use]
mod fixtures;

pub mod audit;
#[macro_use]
pub mod browser;
mod cmd;
mod crawl;
mod eol;
mod feeds;
mod git;
mod json;
mod smtp;
mod team;

pub use cmd::{Run, radar, radar_at};
pub use crawl::{FAST, NOW, crawl_radar, index_fingerprint, source};
pub use eol::{api_json_from_markdown, eol_server};
pub use feeds::{HoldServer, Server, reset, respond, rss};
pub use fixtures::{fixture, shared_fixture};
pub use git::{git, git_commit_all, git_init, git_output};
pub use json::{parse_json, row, stdout_json, strs};
pub use smtp::{SmtpServer, SmtpTls};
pub use team::TeamRadar;

use chrono::{DateTime, Utc};

/// An RFC 3339 instant: every clock a test injects is written this way.
pub fn utc(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339:?}: {e}"))
        .with_timezone(&Utc)
}
