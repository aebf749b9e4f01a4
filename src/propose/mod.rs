//! `radar propose`: pending ring moves as a git branch and a PR description.
//!
//! [`propose_pending`] is the stage: the entries' pending proposals become
//! [`Move`]s (`moves`), the uncommitted entry files are sorted into what the
//! branch may carry (`carry`), and each move is applied in the branch with
//! `radar::review::accept`. [`propose`] is the git side: it checks the
//! repository, makes a branch from HEAD in a temporary worktree (so the
//! user's checkout and working tree are never touched), lets the caller
//! apply the moves to the entry files there, commits, optionally pushes and
//! opens the PR with `gh`. How an entry file changes belongs to `radar`.
//!
//! Uses the `git` command as users have it, so their config, hooks,
//! credentials and signing apply.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use thiserror::Error;

use crate::config::RadarConfig;
use crate::model::Ring;
use crate::radar::{self, RadarError, review};
use crate::settings::Settings;

mod carry;
mod moves;

#[derive(Debug, Error)]
pub enum ProposeError {
    #[error("cannot run git: {0}. Install git and make sure it is on PATH")]
    GitMissing(std::io::Error),
    #[error(
        "{dir} is not inside a git repository. Run `radar propose` in your radar repository (git init, then commit your entries)"
    )]
    NotARepo { dir: PathBuf },
    #[error(
        "the repository has no commit yet. Commit your radar files first: git add -A && git commit -m 'radar'"
    )]
    NoHead,
    #[error(
        "entry files have uncommitted edits that `radar update` did not make:\n{files}\nCommit or stash them first (git stash): the branch carries only what update wrote, so a half-done edit never lands in a proposal"
    )]
    DirtyEntries { files: String },
    #[error(
        "nothing to propose: no entry has a pending proposal. Run `radar update` first, or see `radar review list`"
    )]
    NothingPending,
    #[error(
        "branch {branch:?} already exists. Delete it (git branch -D {branch}) or pass --branch NAME"
    )]
    BranchExists { branch: String },
    #[error("git {args} failed: {stderr}{hint}")]
    Git {
        args: String,
        stderr: String,
        hint: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read {}", path.display())]
    Entry {
        path: PathBuf,
        #[source]
        source: RadarError,
    },
    #[error(transparent)]
    Entries(#[from] RadarError),
    // The caller's error is part of the message, not a `#[source]`.
    #[error("applying the move of {name:?} failed: {error}")]
    Apply {
        name: String,
        error: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Why `--open-pr` did not open the PR. Not a failure of `propose`: the
/// report carries this text as its `pr_note`, next to the description to
/// open the PR with by hand.
#[derive(Debug, Error)]
pub enum PrError {
    #[error("`gh` (GitHub CLI) is not installed; open the PR by hand with the description below")]
    GhMissing,
    #[error(
        "`gh` is not logged in (run `gh auth login`); open the PR by hand with the description below"
    )]
    NotLoggedIn,
    #[error("cannot run gh: {0}")]
    Run(std::io::Error),
    #[error("gh pr create failed: {stderr}; open the PR by hand with the description below")]
    Create { stderr: String },
}

/// One proposed ring move, with the evidence the PR shows.
#[derive(Debug, Clone, Serialize)]
pub struct Move {
    pub name: String,
    /// Entry file, relative to the repository root.
    pub path: PathBuf,
    pub from: Option<Ring>,
    pub to: Ring,
    pub reasons: Vec<String>,
    pub links: Vec<String>,
    /// Advisory ids (with summaries) that motivated the move.
    pub advisories: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ProposeOptions {
    pub branch: Option<String>,
    pub push: Option<String>,
    pub open_pr: bool,
    /// The GitHub CLI to call for `--open-pr` (default `gh`).
    pub gh_program: Option<String>,
    /// Entry files (relative to the repository root) whose uncommitted
    /// changes are `radar update`'s own output: they go into the branch as
    /// they are in the working tree. Any other uncommitted change to an
    /// entry file is refused (see [`ProposeError::DirtyEntries`]).
    pub carry: Vec<PathBuf>,
    /// Uncommitted files under the entries folder that are not entry files
    /// (editor backups, notes): neither refused nor carried.
    pub ignore: Vec<PathBuf>,
}

/// One entry file with uncommitted changes, as `git status` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncommitted {
    /// Relative to the repository root.
    pub path: PathBuf,
    /// The two status letters (` M`, `??`, ` D`, `R `...).
    pub status: String,
}

impl Uncommitted {
    /// Deleted in the working tree (or the index): nothing to carry.
    pub fn deleted(&self) -> bool {
        self.status.contains('D')
    }
}

/// What `propose` did, for printing and `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct ProposeReport {
    pub branch: String,
    pub commit: String,
    pub description: PathBuf,
    pub moves: usize,
    /// Entry files carried from the working tree besides the moved ones.
    pub carried: usize,
    pub pushed_to: Option<String>,
    /// The PR URL `gh` printed, when it opened one.
    pub pr_url: Option<String>,
    /// Why the PR was not opened, when `--open-pr` was asked for.
    pub pr_note: Option<String>,
}

/// Default branch name: `radar/2026-W48`.
pub fn default_branch(now: DateTime<Utc>) -> String {
    let w = now.iso_week();
    format!("radar/{}-W{:02}", w.year(), w.week())
}

/// What [`propose_pending`] did, and the moves it proposed.
#[derive(Debug)]
pub struct Proposal {
    pub report: ProposeReport,
    pub moves: Vec<Move>,
    /// The repository's top folder.
    pub top: PathBuf,
}

/// Why a move could not be applied in the branch's worktree.
#[derive(Debug, Error)]
enum ApplyError {
    #[error("no entry named {0:?} in the branch")]
    NoEntry(String),
    #[error(transparent)]
    Entries(#[from] RadarError),
}

/// The pending proposals of radar.toml's entries folder as a branch (see
/// the module docs). `opts` gives the branch, push and PR choices; which
/// files to carry or ignore is decided here.
pub fn propose_pending(
    settings: &Settings,
    cfg: &RadarConfig,
    mut opts: ProposeOptions,
) -> Result<Proposal, ProposeError> {
    let entries_dir = &cfg.entries_path;
    // The repository is the one holding the entries (the radar.toml folder
    // when entries/ does not exist yet).
    let probe = if entries_dir.is_dir() {
        entries_dir.clone()
    } else {
        cfg.path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| settings.cwd.clone())
    };
    let (top, entries_rel) = locate(&probe)?;
    (opts.carry, opts.ignore) = carry::update_output(&top, &entries_rel)?;
    let entries = radar::load_entries(entries_dir)?;
    let moves: Vec<Move> = review::pending(&entries)
        .into_iter()
        .filter_map(|e| moves::to_move(e, Path::new(&entries_rel)))
        .collect();
    let today = settings.now.date_naive();
    let apply = |root: &Path, m: &Move| -> Result<(), ApplyError> {
        let dir = root.join(&entries_rel);
        let mut entries = radar::load_entries(&dir)?;
        let entry = review::find(&mut entries, &m.name)
            .ok_or_else(|| ApplyError::NoEntry(m.name.clone()))?;
        review::accept(entry, today, None)?;
        radar::write_entry(&dir, entry)?;
        Ok(())
    };
    let report = propose(&top, entries_dir, &moves, &opts, settings.now, &apply)?;
    Ok(Proposal { report, moves, top })
}

/// Makes the branch, commits the moves, writes the PR description and
/// optionally pushes and opens the PR. `entries_dir` is where the entry
/// files live (inside the repository); `apply` rewrites one entry file in
/// the given worktree root, with the caller's own error type (it becomes
/// [`ProposeError::Apply`]).
pub fn propose<E>(
    repo_dir: &Path,
    entries_dir: &Path,
    moves: &[Move],
    opts: &ProposeOptions,
    now: DateTime<Utc>,
    apply: &dyn Fn(&Path, &Move) -> Result<(), E>,
) -> Result<ProposeReport, ProposeError>
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let top = toplevel(repo_dir)?;
    git(&top, &["rev-parse", "--verify", "HEAD"]).map_err(|_| ProposeError::NoHead)?;
    recover_killed(&top);
    let entries_rel = relative_to(&top, entries_dir);
    let dirty: Vec<String> = uncommitted(&top, &entries_rel)?
        .into_iter()
        .filter(|u| !opts.ignore.contains(&u.path))
        .filter(|u| u.deleted() || !opts.carry.contains(&u.path))
        .map(|u| format!("{} {}", u.status, u.path.display()))
        .collect();
    if !dirty.is_empty() {
        return Err(ProposeError::DirtyEntries {
            files: dirty.join("\n"),
        });
    }
    if moves.is_empty() {
        return Err(ProposeError::NothingPending);
    }
    let branch = opts.branch.clone().unwrap_or_else(|| default_branch(now));
    git(&top, &["check-ref-format", "--branch", &branch]).map_err(|e| match e {
        ProposeError::Git { stderr, .. } => ProposeError::Git {
            args: format!("check-ref-format --branch {branch}"),
            stderr,
            hint: ". Pick another --branch name".into(),
        },
        other => other,
    })?;
    if git(
        &top,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/heads/{branch}"),
        ],
    )
    .is_ok()
    {
        return Err(ProposeError::BranchExists { branch });
    }

    // The pid in the name tells a later run whether this one still runs.
    let scratch_prefix = format!("{SCRATCH_PREFIX}{}-", std::process::id());
    let scratch = tempfile::Builder::new()
        .prefix(&scratch_prefix)
        .tempdir()
        .map_err(|source| ProposeError::Write {
            path: std::env::temp_dir(),
            source,
        })?;
    let carried = opts
        .carry
        .iter()
        .filter(|c| !moves.iter().any(|m| &m.path == *c))
        .count();
    let wt = scratch.path().join("wt");
    let wt_str = wt.to_string_lossy().into_owned();
    // Detached: the branch is created only once its commit exists, in one
    // ref update, so a run killed at any point leaves either no branch or a
    // whole one (`git worktree add -b` made the ref first, and a kill before
    // the commit left an empty branch that blocked the next propose).
    git(
        &top,
        &["worktree", "add", "--quiet", "--detach", &wt_str, "HEAD"],
    )?;
    let result = carry_into(&top, &wt, &opts.carry)
        .and_then(|()| commit_in_worktree(&wt, &entries_rel, moves, apply, &branch, carried))
        .and_then(|commit| git(&top, &["branch", "--quiet", &branch, &commit]).map(|_| commit));
    // The temporary worktree goes whatever happened; the branch stays.
    let _ = git(&top, &["worktree", "remove", "--force", &wt_str]);
    let commit = result?;

    let description = pr_description_path(&top, &branch)?;
    let mut body = pr_body(moves, now);
    if carried > 0 {
        body.push_str(&carried_note(carried));
    }
    if let Some(dir) = description.parent() {
        std::fs::create_dir_all(dir).map_err(|source| ProposeError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    crate::atomic::write(
        &description,
        body.as_bytes(),
        crate::atomic::Durability::NoSync,
    )
    .map_err(|e| ProposeError::Write {
        path: description.clone(),
        source: e.source,
    })?;

    let mut report = ProposeReport {
        branch: branch.clone(),
        commit,
        description,
        moves: moves.len(),
        carried,
        pushed_to: None,
        pr_url: None,
        pr_note: None,
    };
    if let Some(remote) = &opts.push {
        git(&top, &["push", "--quiet", "--set-upstream", remote, &branch]).map_err(|e| match e {
            ProposeError::Git { args, stderr, .. } => ProposeError::Git {
                args,
                stderr,
                hint: format!(". Check the remote (git remote -v) and your credentials; the branch {branch} is committed locally"),
            },
            other => other,
        })?;
        report.pushed_to = Some(remote.clone());
    }
    if opts.open_pr {
        let gh = opts.gh_program.clone().unwrap_or_else(|| "gh".into());
        match open_pr(&gh, &top, &branch, &title(moves, now), &report.description) {
            Ok(url) => report.pr_url = Some(url),
            Err(note) => report.pr_note = Some(note.to_string()),
        }
    }
    Ok(report)
}

/// Copies the carried entry files from the user's working tree into the
/// branch's worktree (same relative paths).
fn carry_into(top: &Path, wt: &Path, carry: &[PathBuf]) -> Result<(), ProposeError> {
    for rel in carry {
        let (from, to) = (top.join(rel), wt.join(rel));
        if let Some(dir) = to.parent() {
            std::fs::create_dir_all(dir).map_err(|source| ProposeError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        std::fs::copy(&from, &to).map_err(|source| ProposeError::Write { path: to, source })?;
    }
    Ok(())
}

fn commit_in_worktree<E>(
    wt: &Path,
    entries_rel: &str,
    moves: &[Move],
    apply: &dyn Fn(&Path, &Move) -> Result<(), E>,
    branch: &str,
    carried: usize,
) -> Result<String, ProposeError>
where
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    for m in moves {
        apply(wt, m).map_err(|e| ProposeError::Apply {
            name: m.name.clone(),
            error: e.into(),
        })?;
    }
    // `-A` on the entries folder: carried files, moved entries, and an
    // entry the writer renamed all land in the one commit.
    git(wt, &["add", "-A", "--", entries_rel])?;
    let mut message = commit_message(moves, branch);
    if carried > 0 {
        message.push_str(&carried_note(carried));
    }
    git(wt, &["commit", "--quiet", "-m", &message]).map_err(|e| match e {
        ProposeError::Git { args, stderr, .. } if stderr.contains("identity") || stderr.contains("user.email") => {
            ProposeError::Git {
                args,
                stderr,
                hint: ". Set your identity: git config --global user.name 'Your Name' && git config --global user.email you@example.org".into(),
            }
        }
        other => other,
    })?;
    Ok(git(wt, &["rev-parse", "HEAD"])?.trim().to_string())
}

fn title(moves: &[Move], now: DateTime<Utc>) -> String {
    let w = now.iso_week();
    format!(
        "Radar {}-W{:02}: {} ring move{}",
        w.year(),
        w.week(),
        moves.len(),
        if moves.len() == 1 { "" } else { "s" }
    )
}

/// Commit message: a subject, then one line per move.
pub fn commit_message(moves: &[Move], branch: &str) -> String {
    let mut m = format!(
        "radar: {} proposed ring move{} ({branch})\n\n",
        moves.len(),
        if moves.len() == 1 { "" } else { "s" }
    );
    for mv in moves {
        m.push_str(&format!(
            "- {}: {} -> {}",
            mv.name,
            ring_or_new(mv.from),
            mv.to
        ));
        if let Some(r) = mv.reasons.first() {
            m.push_str(&format!(" ({r})"));
        }
        m.push('\n');
    }
    m
}

/// Says that the branch also holds `radar update`'s refresh of other entries.
fn carried_note(n: usize) -> String {
    format!(
        "\nAlso carries `radar update`'s refreshed scores and signals for {n} other entr{}.\n",
        if n == 1 { "y" } else { "ies" }
    )
}

fn ring_or_new(r: Option<Ring>) -> String {
    r.map(|r| r.to_string()).unwrap_or_else(|| "new".into())
}

/// The PR description: a table of moves with top reasons and evidence,
/// then the advisories that motivated them.
pub fn pr_body(moves: &[Move], now: DateTime<Utc>) -> String {
    let mut b = format!(
        "## {}\n\nProposed by `radar propose`. Each row moves one entry's ring; the entry files in this branch carry the full signals.\n\n",
        title(moves, now)
    );
    b.push_str("| technology | from | to | why | evidence |\n| --- | --- | --- | --- | --- |\n");
    for m in moves {
        let why = m
            .reasons
            .iter()
            .take(3)
            .map(|r| md_cell(r))
            .collect::<Vec<_>>()
            .join("<br>");
        let links = m
            .links
            .iter()
            .filter(|l| l.starts_with("https://") || l.starts_with("http://"))
            .take(3)
            .enumerate()
            .map(|(i, l)| format!("[{}]({})", i + 1, l.replace(')', "%29").replace(' ', "%20")))
            .collect::<Vec<_>>()
            .join(" ");
        b.push_str(&format!(
            "| {} | {} | **{}** | {} | {} |\n",
            md_cell(&m.name),
            ring_or_new(m.from),
            m.to,
            why,
            links
        ));
    }
    let advisories: Vec<&String> = moves.iter().flat_map(|m| m.advisories.iter()).collect();
    if !advisories.is_empty() {
        b.push_str("\n### Advisories behind these moves\n\n");
        for a in advisories {
            b.push_str(&format!("- {}\n", md_cell(a)));
        }
    }
    b.push_str("\nReview the entry files, edit the free text if you like, and merge to accept.\n");
    b
}

/// Keeps feed text from breaking the table or injecting markup.
fn md_cell(s: &str) -> String {
    crate::terminal::clean(s)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn pr_description_path(top: &Path, branch: &str) -> Result<PathBuf, ProposeError> {
    let git_dir = git(top, &["rev-parse", "--absolute-git-dir"])?;
    let file = branch.replace(['/', '\\'], "-");
    Ok(PathBuf::from(git_dir.trim())
        .join("radar")
        .join(format!("{file}.md")))
}

/// Opens the PR with `gh`; Err says why not, for the fallback message.
fn open_pr(
    gh: &str,
    top: &Path,
    branch: &str,
    title: &str,
    body: &Path,
) -> Result<String, PrError> {
    let auth = Command::new(gh)
        .args(["auth", "status"])
        .current_dir(top)
        .output();
    match auth {
        Err(_) => return Err(PrError::GhMissing),
        Ok(o) if !o.status.success() => return Err(PrError::NotLoggedIn),
        Ok(_) => {}
    }
    let body_str = body.to_string_lossy().into_owned();
    let out = Command::new(gh)
        .args([
            "pr",
            "create",
            "--head",
            branch,
            "--title",
            title,
            "--body-file",
            &body_str,
        ])
        .current_dir(top)
        .output()
        .map_err(PrError::Run)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(PrError::Create {
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// The repository holding `entries_dir`: its root, and the entries folder
/// relative to it (`.` when they are the same).
pub fn locate(entries_dir: &Path) -> Result<(PathBuf, String), ProposeError> {
    let top = toplevel(entries_dir)?;
    let rel = relative_to(&top, entries_dir);
    Ok((top, rel))
}

/// Files under `rel` (relative to the root `top`) with uncommitted changes,
/// untracked files included, one row per file.
pub fn uncommitted(top: &Path, rel: &str) -> Result<Vec<Uncommitted>, ProposeError> {
    let out = git(
        top,
        &[
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=all",
            "--",
            rel,
        ],
    )?;
    let mut rows = Vec::new();
    let mut fields = out.split('\0').filter(|f| !f.is_empty());
    while let Some(field) = fields.next() {
        // "XY path": two status letters, a space, the path.
        let (Some(status), Some(path)) = (field.get(..2), field.get(3..)) else {
            continue;
        };
        let status = status.to_string();
        // A rename or copy names its source in the next field.
        if status.contains('R') || status.contains('C') {
            fields.next();
        }
        rows.push(Uncommitted {
            path: PathBuf::from(path),
            status,
        });
    }
    Ok(rows)
}

/// The file as committed in HEAD; `None` when HEAD has no such file.
pub fn committed_text(top: &Path, rel: &Path) -> Result<Option<String>, ProposeError> {
    let spec = format!("HEAD:{}", rel.to_string_lossy().replace('\\', "/"));
    if git(top, &["cat-file", "-e", &spec]).is_err() {
        return Ok(None);
    }
    git(top, &["show", &spec]).map(Some)
}

fn toplevel(dir: &Path) -> Result<PathBuf, ProposeError> {
    match git(dir, &["rev-parse", "--show-toplevel"]) {
        Ok(s) => Ok(PathBuf::from(s.trim())),
        Err(ProposeError::GitMissing(e)) => Err(ProposeError::GitMissing(e)),
        Err(_) => Err(ProposeError::NotARepo {
            dir: dir.to_path_buf(),
        }),
    }
}

fn relative_to(top: &Path, p: &Path) -> String {
    let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let top = std::fs::canonicalize(top).unwrap_or_else(|_| top.to_path_buf());
    abs.strip_prefix(&top)
        .map(|r| r.to_string_lossy().into_owned())
        .ok()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| ".".into())
}

/// Runs git in `dir`; stdout on success.
/// Temp folders holding a propose's worktree: `radar-propose-PID-XXXXXX/wt`.
const SCRATCH_PREFIX: &str = "radar-propose-";

/// The pid of the propose that made the worktree at `path`, if it is one.
fn scratch_pid(path: &Path) -> Option<u32> {
    if path.file_name()? != "wt" {
        return None;
    }
    let scratch = path.parent()?.file_name()?.to_str()?;
    let (pid, _random) = scratch.strip_prefix(SCRATCH_PREFIX)?.split_once('-')?;
    pid.parse().ok()
}

/// Undoes what a killed `radar propose` (kill -9, a closed terminal) left:
/// its temporary worktree, still registered with git, and, from versions
/// that created the branch with the worktree, a branch killed before its
/// commit (it carries nothing, and its name would block the next propose).
/// Branches are now made only after the commit, so a branch is whole and
/// stays. Best effort: a failure here only means a later git
/// step reports the leftover.
fn recover_killed(top: &Path) {
    let Ok(list) = git(top, &["worktree", "list", "--porcelain"]) else {
        return;
    };
    for block in list.split("\n\n") {
        let field = |key: &str| block.lines().find_map(|l| l.strip_prefix(key));
        let Some(path) = field("worktree ").map(PathBuf::from) else {
            continue;
        };
        let Some(pid) = scratch_pid(&path) else {
            continue;
        };
        if crate::atomic::process_running(pid) {
            continue;
        }
        let shown = path.to_string_lossy();
        let _ = git(top, &["worktree", "remove", "--force", &shown]);
        if let Some(scratch) = path.parent() {
            let _ = std::fs::remove_dir_all(scratch);
        }
        tracing::warn!("removed the worktree {shown} left by a killed radar propose (pid {pid})");
        let Some(branch) = field("branch refs/heads/") else {
            continue;
        };
        // An ancestor of HEAD has no commit of its own: nothing to keep.
        if git(top, &["merge-base", "--is-ancestor", branch, "HEAD"]).is_ok()
            && git(top, &["branch", "-D", branch]).is_ok()
        {
            tracing::warn!("removed the branch {branch}: its propose was killed before committing");
        }
    }
    let _ = git(top, &["worktree", "prune"]);
}

fn git(dir: &Path, args: &[&str]) -> Result<String, ProposeError> {
    let out: Output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(ProposeError::GitMissing)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(ProposeError::Git {
            args: args.join(" "),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            hint: String::new(),
        })
    }
}

#[cfg(test)]
mod tests;
