//! Command-line definitions (clap derive) and nothing else.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

const AFTER_HELP: &str = "\
Exit codes: 0 success; 1 the command worked and found something that fails the run
(audit found a vulnerability, crawl had a failing source); 2 it could not do its job.

Examples:
  radar demo --keep ./radar-demo
  radar --config ./radar-demo/radar.toml search 'security AND tokio' --since 30d
  radar --index ./index ingest feeds/ advisories/";

const CRAWL_HELP: &str = "\
Polite by default: [crawl] concurrency and per_host limit requests in flight; unchanged
sources cost one conditional GET (ETag / Last-Modified, reported as not_modified); transient
failures (timeouts, resets, 5xx, 429) are retried with backoff, honouring Retry-After. A
failing source backs off (doubling, at most a day) and shows as backing_off with its next
attempt; it is never dropped. State is kept in <index>/crawl-state.json.

Exit codes: 0 all sources fetched or unchanged; 1 a source failed or is backing off (the
others were still crawled); 2 could not crawl (bad config, index locked by another writer).

Examples:
  radar crawl                         # every source, summary of what changed
  radar crawl --source 'tokio releases' --json
  radar --wait -q crawl               # from cron: wait for a running ingest, print failures only";

#[derive(Debug, Parser)]
#[command(name = "radar", version, about = "Keep your team's technology radar alive", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// radar.toml to use [default: $RADAR_CONFIG, ./radar.toml, ./radar/radar.toml]
    #[arg(long, global = true, env = "RADAR_CONFIG")]
    pub config: Option<PathBuf>,
    /// Index folder; overrides [index] path. Enough on its own for ingest and search.
    #[arg(long, global = true, env = "RADAR_INDEX")]
    pub index: Option<PathBuf>,
    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More log output on stderr (-vv for debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// If another crawl or ingest holds the index, wait for it (up to 1 hour) instead of failing.
    #[arg(long, global = true)]
    pub wait: bool,
    /// Pretend it is this instant (RFC 3339), for reproducible output.
    #[arg(long, global = true, env = "RADAR_NOW", hide = true)]
    pub now: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scaffold a team radar (radar.toml, stack.toml, entries/) in DIR or here.
    Init(InitArgs),
    /// Fetch every (or the named) source and index new and changed items.
    #[command(after_help = CRAWL_HELP)]
    Crawl(CrawlArgs),
    /// Index local files or folders (feeds, OSV JSON or zip, RustSec advisories).
    Ingest(IngestArgs),
    /// Search the index (tantivy query syntax: AND, OR, "phrases", title:word).
    Search(SearchArgs),
    /// Run the whole pipeline on bundled sample data over a loopback server.
    Demo(DemoArgs),
    /// Score the index against the stack; write or refresh entry proposals.
    Update(UpdateArgs),
    /// Technologies whose mentions are rising or falling, per complete ISO week.
    #[command(after_help = TRENDS_HELP)]
    Trends(TrendsArgs),
    /// Decide on the tool's proposals: list (default), accept NAME, reject NAME.
    Review(ReviewArgs),
    /// Write the radar for other viewers (BYOR, Zalando, Backstage, AOE).
    Export(ExportArgs),
    /// Bootstrap entries from an existing radar (BYOR CSV/JSON, Zalando, Backstage, AOE folder).
    Import(ImportArgs),
    /// The packages the stack uses, from its lockfiles and versioned [[tech]]s.
    #[command(after_help = STACK_HELP)]
    Stack(StackArgs),
    /// Advisories that affect the versions in use; exit 1 when one does.
    #[command(after_help = AUDIT_HELP)]
    Audit(AuditArgs),
    /// Pending proposals as a git branch with the moved entries and a PR description.
    #[command(after_help = PROPOSE_HELP)]
    Propose(ProposeArgs),
    /// One cycle of the pipeline: crawl, then update, then the digest.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
    /// Run the cron jobs of [schedule] in radar.toml until stopped (or once, with --once).
    #[command(after_help = SCHEDULE_HELP)]
    Schedule(ScheduleArgs),
    /// The weekly digest: action needed, releases, emerging, proposals, the radar.
    #[command(
        after_help = "Examples:\n  radar digest                          last complete week, Markdown to stdout\n  radar digest --week 2026-W48 --format html --out digest.html\n  radar digest --format html            writes [digest] out_dir/digest-WEEK.html"
    )]
    Digest(DigestArgs),
    /// The radar as a static site: index.html, a page per entry, a page per week.
    #[command(
        after_help = "Pages link to each other relatively: open index.html from disk, or publish the folder (GitHub Pages, any web server).\n\nExamples:\n  radar site                       writes ./site/ beside radar.toml\n  radar site --out public --weeks 4\n  xdg-open site/index.html"
    )]
    Site(SiteArgs),
    /// Check radar.toml, stack.toml, the index, state files, entries and locks.
    #[command(
        after_help = "Exit 0 when everything checks out, 1 when something is wrong.\n\nExamples:\n  radar doctor          report only\n  radar doctor --fix    also move damaged state files aside and remove a stale lock note"
    )]
    Doctor(DoctorArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the radar in [default: the current folder].
    pub dir: Option<PathBuf>,
    /// Find the stack in these folders: lockfiles become [[lockfile]]s,
    /// direct dependencies [[tech]]s; run again to merge what is new.
    #[arg(long, num_args = 1.., value_name = "DIR")]
    pub scan: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Only these sources (by name); repeatable.
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// List the sources a crawl would fetch (configured and derived from
    /// the stack) and fetch nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files or folders to read.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Query, e.g. `tokio AND security`, `"memory leak"`, `title:release`.
    pub query: String,
    /// Only items of this kind.
    #[arg(long, value_parser = ["release", "advisory", "article"])]
    pub kind: Option<String>,
    /// Only items from this source (its name in radar.toml).
    #[arg(long)]
    pub source: Option<String>,
    /// Only items published since: 30d, 12w or 2026-01-01.
    #[arg(long)]
    pub since: Option<String>,
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Build the demo radar in DIR (created if missing) instead of a new temp folder.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Keep serving the sample feeds after the run, until Ctrl-C.
    #[arg(long)]
    pub serve: bool,
    /// Port for the loopback server [default: any free port].
    #[arg(long)]
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Entries live in entries/<quadrant>/<slug>.md. Update rewrites only the machine\n\
fields (proposed, score, rule, updated, [[signal]]); ring, history, decisions and the free\n\
text are yours. Running it twice on the same index changes nothing.\n\n\
Example:\n  radar update && git diff entries/"
)]
pub struct UpdateArgs {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TrendsArgs {
    /// Complete weeks in the window (the last quarter of it is compared with the rest).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u16).range(2..=520))]
    pub weeks: u16,
    /// Last week of the window, e.g. 2026-W48 [default: the last complete week].
    #[arg(long)]
    pub week: Option<String>,
    /// Also list tracked technologies that are steady (the JSON always lists them).
    #[arg(long)]
    pub all: bool,
    #[arg(long)]
    pub json: bool,
}

const TRENDS_HELP: &str = "\
Examples:
  radar trends                       rising and falling terms, 12 weeks to the last complete week
  radar trends --all --week 2026-W40 every tracked term, window ending with 2026-W40
  radar trends --json                all tracked terms with direction, sources, p_value

Direction comes from an exact binomial test of the last quarter of the window against the
weeks before it (one-sided, significance 0.01). Rising also needs 4 mentions from 2 sources.
The current week never counts: it is not over.";

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  radar review\n  radar review accept tokio --note \"pinned fork until 1.39\"\n  radar review reject uv --reason \"not before Q3\""
)]
pub struct ReviewArgs {
    #[command(subcommand)]
    pub action: Option<ReviewAction>,
    /// Print the pending proposals as JSON (with `list`).
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// Pending proposals with their reasons.
    List,
    /// Move the entry to its proposed ring and record the move in its history.
    Accept {
        /// Entry name (any case) or file name.
        name: String,
        /// A note kept with the history line.
        #[arg(long)]
        note: Option<String>,
    },
    /// Keep the ring; the same proposal stays quiet until new evidence arrives.
    Reject {
        name: String,
        /// Why, kept with the decision.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  radar export --format byor-csv > radar.csv\n  radar export --format aoe --out ./aoe-radar/radar"
)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Output file (folder for aoe); stdout when omitted.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// When the radar has more quadrants or rings than the format holds
    /// (zalando: 4 and 4; byor: 4 quadrants, at most 4 rings), write the
    /// first ones and list the entries left out instead of failing
    #[arg(long)]
    pub fit: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    /// Thoughtworks Build Your Own Radar CSV: name,ring,quadrant,isNew,status,description
    ByorCsv,
    /// Build Your Own Radar JSON: the same columns as an array of objects
    ByorJson,
    /// zalando/tech-radar config: entries with quadrant/ring indexes and `moved`
    Zalando,
    /// Backstage tech-radar: quadrants, rings, entries with timeline[]
    Backstage,
    /// AOE technology radar: one Markdown file per item per release folder
    Aoe,
    /// Every indexed item (not the radar), one JSON object per line: for
    /// Quickwit's ingest API, Elasticsearch's bulk API, DuckDB and jq
    Ndjson,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A BYOR .csv or .json, a Zalando or Backstage .json, or an AOE radar folder.
    pub path: PathBuf,
    /// Print what was imported as JSON.
    #[arg(long)]
    pub json: bool,
}

const AUDIT_HELP: &str = "\
Lockfiles: Cargo.lock (v1-v4), package-lock.json / npm-shrinkwrap.json (v1-v3),
requirements*.txt (pinned ==), go.mod. Path and git packages are listed as skipped.
Acknowledge a finding in stack.toml:
  [[ignore]]
  id = \"RUSTSEC-2022-0013\"   # or any alias (CVE, GHSA)
  reason = \"regex only sees our own patterns\"
  until = 2026-12-31          # optional; after it the finding fails again

Exit codes: 0 nothing fails the run; 1 a vulnerability (or a denied warning) affects
a version in use; 2 the audit could not run (unreadable lockfile, empty index).

Examples:
  radar audit
  radar --index ./index audit --lockfile Cargo.lock --lockfile web/package-lock.json
  radar audit --json --severity-threshold high --deny unsound";

const STACK_HELP: &str = "\
Reads stack.toml's [[lockfile]]s and versioned [[tech]]s, or the --lockfile files given.

Examples:
  radar stack                                   table: each lockfile, then every package
  radar stack --lockfile pnpm-lock.yaml --json  {\"lockfiles\":[…],\"packages\":[…]}
  radar stack --format cyclonedx > sbom.json    CycloneDX 1.6 SBOM with purls and edges";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StackFormat {
    Table,
    Json,
    Cyclonedx,
}

#[derive(Debug, Args)]
pub struct StackArgs {
    /// Lockfile to read instead of stack.toml's; repeatable.
    #[arg(long = "lockfile", value_name = "PATH")]
    pub lockfiles: Vec<PathBuf>,
    /// Same as --format json.
    #[arg(long)]
    pub json: bool,
    #[arg(long, value_enum, default_value_t = StackFormat::Table)]
    pub format: StackFormat,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Lockfile to audit instead of stack.toml's [[lockfile]] entries; repeatable.
    #[arg(long = "lockfile", value_name = "PATH")]
    pub lockfiles: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also fail on warnings: all of them, or one kind; repeatable.
    #[arg(long, value_name = "KIND", value_parser = ["warnings", "unmaintained", "unsound", "notice", "yanked"])]
    pub deny: Vec<String>,
    /// Only vulnerabilities at or above this fail the run (all are listed;
    /// one without a severity always fails).
    #[arg(long, value_name = "LEVEL", value_parser = ["low", "medium", "high", "critical"])]
    pub severity_threshold: Option<String>,
    /// crates.io index file (one JSON object per line) whose `yanked` flags
    /// mark yanked versions as warnings; repeatable.
    #[arg(long = "registry-index", value_name = "PATH")]
    pub registry_index: Vec<PathBuf>,
}

const PROPOSE_HELP: &str = "\
Run it in the team's radar git repository. It makes a branch (default radar/<ISO week>)
from HEAD in a temporary worktree, so your checkout and working tree are not touched;
moves each entry with a pending proposal to its proposed ring (history appended), commits,
and writes the PR description to .git/radar/<branch>.md. Uncommitted changes that
`radar update` made to entry files go into the branch as they are; any other uncommitted
edit to an entry file is refused (commit or stash it first).

Examples:
  radar update && radar propose
  radar propose --branch radar/tokio-hold --push origin --open-pr";

#[derive(Debug, Args)]
pub struct ProposeArgs {
    /// Branch to create [default: radar/<ISO week>, e.g. radar/2026-W48].
    #[arg(long, value_name = "NAME")]
    pub branch: Option<String>,
    /// Push the branch to this remote (e.g. origin).
    #[arg(long, value_name = "REMOTE")]
    pub push: Option<String>,
    /// Open the PR with `gh pr create` (needs gh, logged in); otherwise print the text to paste.
    #[arg(long)]
    pub open_pr: bool,
    /// Print what was done as JSON.
    #[arg(long)]
    pub json: bool,
    /// The GitHub CLI program to call for --open-pr.
    #[arg(long, value_name = "PATH", env = "RADAR_GH", hide = true)]
    pub gh: Option<String>,
}

const RUN_HELP: &str = "\
The same cycle `radar schedule` runs: crawl every source (Ctrl-C stops it and keeps what
finished), score the index into entries/ (radar update), then write last week's digest
to [digest] out_dir. Exit codes as for crawl: 1 when a source failed or backs off.

Examples:
  radar run
  radar --wait -q run        # from cron: wait for a running crawl, print only failures";

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Print what each stage did as JSON.
    #[arg(long)]
    pub json: bool,
}

const SCHEDULE_HELP: &str = "\
Jobs come from radar.toml:
  [schedule]
  crawl  = \"0 0 */6 * * *\"     # every 6 hours
  update = \"0 30 6 * * *\"      # 06:30 daily
  digest = \"0 0 8 * * MON\"     # Mondays 08:00
Cron here has 6 fields, SECONDS FIRST (sec min hour day month weekday). Write weekdays as
MON..SUN: a number counts 1 = Sunday, so \"0 0 8 * * 1\" fires on Sundays. Times are UTC.

A job still running when its next time comes is skipped (logged); a failing job is logged
and runs again at its next time. SIGINT/SIGTERM: the crawl stops starting fetches, saves
what finished, and the scheduler exits 0. Logs go to stderr (-q: only failures).

--once runs every job whose time has come since its last run (all of them the first time),
then exits: for a systemd timer or a plain cron line. Last runs are kept in
<index>/schedule-state.json.

Examples:
  radar schedule
  radar schedule --once";

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Run the jobs that are due once, then exit.
    #[arg(long)]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// ISO week, e.g. 2026-W48 [default: the last complete week]
    #[arg(long, value_name = "YYYY-Www")]
    pub week: Option<String>,
    /// md (to stdout unless --out) or html (a self-contained page, to a file)
    #[arg(long, value_parser = ["md", "html"])]
    pub format: Option<String>,
    /// Write here; for html the default is [digest] out_dir/digest-WEEK.html
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Write digest-WEEK.html/.md to [digest] out_dir, then deliver to every
    /// [[deliver]] of radar.toml (mail, Slack, Teams, Mattermost, webhook).
    /// Exits 1 if a target fails; the others are still delivered.
    #[arg(long, conflicts_with_all = ["format", "out"])]
    pub send: bool,
    /// With --send: deliver again to targets that already got this week.
    #[arg(long, requires = "send")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Folder to write the site into [default: site/ beside radar.toml]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// How many weekly digests to publish, ending with the last complete week
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=104))]
    pub weeks: u32,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Make the safe repairs: move a damaged crawl or schedule state file
    /// aside (runs start fresh), remove a lock note whose process is gone.
    #[arg(long)]
    pub fix: bool,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
}
