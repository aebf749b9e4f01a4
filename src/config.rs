//! `radar.toml` and `stack.toml`: types, discovery, loading and validation.
//!
//! Owns the on-disk shape of both files, their defaults (in one place:
//! the `Default` impls below) and the errors a user gets for a bad file.
//! Relative paths in a file are resolved against that file's folder here, so
//! no later stage ever sees a relative path. Does no network or index I/O.

use serde::Deserialize;
use std::path::{Path, PathBuf};
use thiserror::Error;

use crate::model::{Quadrant, Ring};
use crate::shape::Shape;

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}. Create it with `radar init`, or pass --config PATH")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}{context}")]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        context: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    // The cron and source errors are part of the message (they say what to
    // write instead), so they are not marked `#[source]`.
    #[error("{path}: [schedule] {job} = {expr:?}: {error}")]
    Schedule {
        path: PathBuf,
        job: &'static str,
        expr: String,
        error: CronError,
    },
    #[error("{path}: [[source]] {name:?}: {error}")]
    Source {
        path: PathBuf,
        name: String,
        error: SourceEntryError,
    },
    #[error(
        "no radar.toml found (looked at --config, $RADAR_CONFIG, ./radar.toml, ./radar/radar.toml). \
         Run `radar init` to create one, or pass --config PATH"
    )]
    NotFound,
}

/// Why a cron expression is not one the scheduler reads, with a hint for the
/// two mistakes everyone makes.
#[derive(Debug, Error)]
pub enum CronError {
    #[error("5 fields given; add a seconds field first, e.g. \"0 0 8 * * MON\"")]
    FiveFields,
    #[error("{0} (6 fields, seconds first; write days as MON..SUN: in numbers 1 = Sunday)")]
    Syntax(cron::error::Error),
}

/// What is wrong with one `[[source]]` table; [`ConfigError::Source`] names
/// the file and the source.
#[derive(Debug, Error)]
pub enum SourceEntryError {
    #[error("give exactly one of url, path, github, crate, pypi, npm, eol (found {found})")]
    Location {
        /// The location keys given, or "none".
        found: String,
    },
    #[error(
        "eol = {product:?} must be an endoflife.date product name such as \"python\" or \"nodejs\" (see https://endoflife.date/api/v1/products/)"
    )]
    EolProduct { product: String },
    #[error("github = {repo:?} must be \"owner/repo\"")]
    GithubRepo { repo: String },
    #[error("url = {url:?} is not a URL: {error}")]
    Url { url: String, error: url::ParseError },
    #[error("url = {url:?} must be http or https; use path = \"…\" for local files")]
    UrlScheme { url: String },
    #[error("kind = \"html\" needs item = \"CSS selector\" (e.g. \"article.release\")")]
    HtmlItem,
    #[error("{field} = {selector:?} is not a CSS selector: {error}")]
    Selector {
        field: &'static str,
        selector: String,
        error: scraper::error::SelectorErrorKind,
    },
    #[error("item/title/link/date/body selectors only apply to kind = \"html\"")]
    SelectorsOutsideHtml,
}

/// `radar.toml`, after loading: paths absolute, shorthands expanded.
#[derive(Debug, Clone)]
pub struct RadarConfig {
    /// The file this came from (None for a config built in code).
    pub path: Option<PathBuf>,
    pub index_path: PathBuf,
    pub crawl: CrawlSettings,
    pub schedule: ScheduleSettings,
    pub digest: DigestSettings,
    pub stack_path: PathBuf,
    pub entries_path: PathBuf,
    pub sources: Vec<Source>,
    /// `[[deliver]]`: where `radar digest --send` posts the digest.
    pub deliver: Vec<DeliverTarget>,
    pub site: SiteSettings,
    /// Base URLs of the package registries release sources are derived
    /// from (mirrors); the public registries where unset.
    pub registries: Registries,
    /// `[radar]`: quadrants and rings; the Thoughtworks four and four where
    /// unset.
    pub shape: Shape,
}

/// `[site]`: where the published radar lives, for absolute links in mail
/// and chat.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteSettings {
    /// e.g. `https://radar.team.example/`; links are built under it.
    pub url: Option<String>,
}

/// What one `[[deliver]]` table sends to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliverKind {
    /// `smtp://host[:port]` (STARTTLS when offered, required with
    /// credentials off loopback) or `smtps://host[:port]` (TLS at once).
    Email {
        smtp: String,
        from: String,
        to: Vec<String>,
    },
    Slack {
        url: String,
    },
    Teams {
        url: String,
    },
    Mattermost {
        url: String,
    },
    /// The digest's JSON (`DigestInput`), POSTed as is.
    Webhook {
        url: String,
    },
}

/// One `[[deliver]]` table, validated.
#[derive(Debug, Clone)]
pub struct DeliverTarget {
    /// `name = …`, else `<kind>-<n>` (1-based among `[[deliver]]`). Names
    /// the target on stderr and in the delivery state; never a URL, since a
    /// webhook URL is a secret.
    pub name: String,
    pub kind: DeliverKind,
    /// Extra attempts after a failure that may pass (connection, timeout,
    /// 5xx, 429, SMTP 4xx).
    pub retries: u32,
    /// First retry delay; doubles per attempt.
    pub retry_base_ms: u64,
    pub timeout_secs: u64,
}

impl DeliverKind {
    pub fn label(&self) -> &'static str {
        match self {
            DeliverKind::Email { .. } => "email",
            DeliverKind::Slack { .. } => "slack",
            DeliverKind::Teams { .. } => "teams",
            DeliverKind::Mattermost { .. } => "mattermost",
            DeliverKind::Webhook { .. } => "webhook",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlSettings {
    /// Requests in flight overall.
    pub concurrency: usize,
    /// Requests in flight per host.
    pub per_host: usize,
    pub connect_timeout_secs: u64,
    pub timeout_secs: u64,
    pub max_body_mib: u64,
    /// Extra attempts for a transient failure (connect error, timeout, 5xx, 429).
    pub retries: u32,
    pub user_agent: String,
    /// First in-run retry delay; doubles per attempt, plus jitter.
    pub retry_base_ms: u64,
    /// Longest `Retry-After` (or backoff) waited for inside one run; a server
    /// asking for longer is left alone until that time, via crawl state.
    pub max_retry_wait_secs: u64,
    /// Backoff for a failing source across runs: base, doubling per
    /// consecutive failure, capped at one day.
    pub failure_backoff_secs: u64,
    /// Hosts, addresses and CIDR blocks the crawler may reach although
    /// they are private (loopback, RFC 1918/4193, link-local).
    pub allow_private: Vec<String>,
    /// Which stack packages get a release source from their registry
    /// without a `[[source]]` line.
    pub track: Track,
}

/// `[crawl] track`: the packages whose registry releases are crawled
/// without a `[[source]]` line each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Track {
    /// stack.toml `[[tech]]`s with a `package`: what the team chose.
    #[default]
    Direct,
    /// Every package the stack's lockfiles pin, and the direct ones.
    All,
    /// Only the configured `[[source]]`s.
    None,
}

/// `[registries]`: a base URL per ecosystem, for teams behind a mirror
/// (Artifactory, Nexus, Verdaccio, devpi). Keys are lowercase ecosystem
/// names; `crates-io` for crates.io.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Registries {
    #[serde(rename = "crates-io", alias = "crates.io")]
    pub crates_io: Option<String>,
    /// The crates.io sparse index (yanked versions); defaults to
    /// `index/` under a `crates-io` mirror, else https://index.crates.io/.
    #[serde(rename = "crates-index")]
    pub crates_index: Option<String>,
    pub pypi: Option<String>,
    pub npm: Option<String>,
    pub rubygems: Option<String>,
    pub packagist: Option<String>,
    pub maven: Option<String>,
    pub go: Option<String>,
    pub nuget: Option<String>,
    pub hex: Option<String>,
    #[serde(rename = "pub")]
    pub pub_dev: Option<String>,
}

impl Registries {
    /// `(key, value)` for every base URL given, for validation.
    fn given(&self) -> impl Iterator<Item = (&'static str, &String)> {
        [
            ("crates-io", &self.crates_io),
            ("crates-index", &self.crates_index),
            ("pypi", &self.pypi),
            ("npm", &self.npm),
            ("rubygems", &self.rubygems),
            ("packagist", &self.packagist),
            ("maven", &self.maven),
            ("go", &self.go),
            ("nuget", &self.nuget),
            ("hex", &self.hex),
            ("pub", &self.pub_dev),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v)))
    }
}

impl Default for CrawlSettings {
    fn default() -> Self {
        CrawlSettings {
            concurrency: 16,
            per_host: 2,
            connect_timeout_secs: 10,
            timeout_secs: 20,
            max_body_mib: 32,
            retries: 3,
            user_agent: concat!("techradar/", env!("CARGO_PKG_VERSION")).to_string(),
            retry_base_ms: 500,
            max_retry_wait_secs: 60,
            failure_backoff_secs: 900,
            allow_private: Vec::new(),
            track: Track::Direct,
        }
    }
}

/// Cron expressions (seconds field first, as the `cron` crate reads them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScheduleSettings {
    pub crawl: Option<String>,
    pub update: Option<String>,
    pub digest: Option<String>,
    /// The digest job also delivers to every `[[deliver]]`.
    pub send: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DigestSettings {
    /// Folder the scheduled digest job writes to, relative to radar.toml.
    pub out_dir: PathBuf,
}

impl Default for DigestSettings {
    fn default() -> Self {
        DigestSettings {
            out_dir: PathBuf::from("digests"),
        }
    }
}

/// What a source is, once shorthands are expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Feed,
    Html,
    Osv,
    Rustsec,
    /// npm registry JSON ("packument"); versions become release items.
    Npm,
    /// endoflife.date API v1 product (`/api/v1/products/<name>/`): release
    /// cycles with their end-of-life dates.
    Eol,
    /// RubyGems versions JSON (`/api/v1/versions/NAME.json`).
    Rubygems,
    /// Packagist p2 JSON (`/p2/VENDOR/NAME.json`).
    Packagist,
    /// Maven `maven-metadata.xml`.
    Maven,
    /// Go module proxy `@v/list`, with each newest version's `.info`.
    Go,
    /// NuGet flat-container `index.json`.
    Nuget,
    /// Hex package JSON (`/api/packages/NAME`).
    Hex,
    /// Pub package JSON (`/api/packages/NAME`).
    Pub,
    /// crates.io sparse-index file (`https://index.crates.io/to/ki/tokio`):
    /// which versions are yanked.
    #[serde(rename = "crates-index")]
    CratesIndex,
    /// PyPI JSON API (`/pypi/NAME/json`): which releases are yanked.
    #[serde(rename = "pypi-json")]
    PypiJson,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Feed => "feed",
            SourceKind::Html => "html",
            SourceKind::Osv => "osv",
            SourceKind::Rustsec => "rustsec",
            SourceKind::Npm => "npm",
            SourceKind::Eol => "eol",
            SourceKind::Rubygems => "rubygems",
            SourceKind::Packagist => "packagist",
            SourceKind::Maven => "maven",
            SourceKind::Go => "go",
            SourceKind::Nuget => "nuget",
            SourceKind::Hex => "hex",
            SourceKind::Pub => "pub",
            SourceKind::CratesIndex => "crates-index",
            SourceKind::PypiJson => "pypi-json",
        }
    }
}

/// Where a source's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Url(String),
    Path(PathBuf),
}

/// CSS selectors for `kind = "html"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlSelectors {
    pub item: String,
    pub title: Option<String>,
    pub link: Option<String>,
    pub date: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    pub location: Location,
    /// Package key this source is about (`crates.io/tokio`), from a
    /// shorthand or `package = …`; attached to every item it yields.
    pub package: Option<String>,
    pub html: Option<HtmlSelectors>,
}

impl Source {
    /// `owner/name` of a GitHub releases feed (the `github = …` shorthand).
    pub fn github_repo(&self) -> Option<String> {
        let Location::Url(u) = &self.location else {
            return None;
        };
        let repo = u
            .strip_prefix("https://github.com/")?
            .strip_suffix("/releases.atom")?;
        (repo.split('/').count() == 2).then(|| repo.to_string())
    }

    pub fn location_display(&self) -> String {
        match &self.location {
            Location::Url(u) => u.clone(),
            Location::Path(p) => p.display().to_string(),
        }
    }
}

// ---- raw file shapes -------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRadar {
    #[serde(default)]
    index: RawIndex,
    #[serde(default)]
    crawl: CrawlSettings,
    #[serde(default)]
    schedule: ScheduleSettings,
    #[serde(default)]
    digest: DigestSettings,
    #[serde(default)]
    stack: Option<PathBuf>,
    #[serde(default)]
    entries: Option<PathBuf>,
    #[serde(default, rename = "source")]
    sources: Vec<RawSource>,
    #[serde(default)]
    deliver: Vec<RawDeliver>,
    #[serde(default)]
    site: SiteSettings,
    #[serde(default)]
    registries: Registries,
    #[serde(default)]
    radar: Option<RawShape>,
}

/// `[radar]`: the team's quadrants and rings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShape {
    quadrants: Option<Vec<String>>,
    rings: Option<Vec<String>>,
    hold: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeliver {
    kind: String,
    name: Option<String>,
    url: Option<String>,
    smtp: Option<String>,
    from: Option<String>,
    #[serde(default)]
    to: Vec<String>,
    retries: Option<u32>,
    retry_base_ms: Option<u64>,
    timeout_secs: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawIndex {
    path: PathBuf,
}

impl Default for RawIndex {
    fn default() -> Self {
        RawIndex {
            path: PathBuf::from("index"),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    name: String,
    kind: Option<SourceKind>,
    url: Option<String>,
    path: Option<PathBuf>,
    github: Option<String>,
    #[serde(rename = "crate")]
    krate: Option<String>,
    pypi: Option<String>,
    npm: Option<String>,
    eol: Option<String>,
    package: Option<String>,
    item: Option<String>,
    title: Option<String>,
    link: Option<String>,
    date: Option<String>,
    body: Option<String>,
}

/// Finds radar.toml: `--config`, else `$RADAR_CONFIG`, else `./radar.toml`,
/// else `./radar/radar.toml`.
pub fn discover(
    explicit: Option<&Path>,
    env: Option<&Path>,
    cwd: &Path,
) -> Result<PathBuf, ConfigError> {
    if let Some(p) = explicit.or(env) {
        return Ok(p.to_path_buf());
    }
    for candidate in [cwd.join("radar.toml"), cwd.join("radar").join("radar.toml")] {
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    Err(ConfigError::NotFound)
}

pub fn load_radar(path: &Path) -> Result<RadarConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let config = parse_radar(&text, path)?;
    // Entry files and stack.toml are read against this radar's shape from
    // here on (see `shape`).
    crate::shape::install(&config.shape);
    Ok(config)
}

/// Parses radar.toml text; `path` names the file in errors and anchors
/// relative paths.
pub fn parse_radar(text: &str, path: &Path) -> Result<RadarConfig, ConfigError> {
    let raw: RawRadar = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    if raw.crawl.concurrency == 0 || raw.crawl.per_host == 0 {
        return Err(invalid(
            "[crawl] concurrency and per_host must be at least 1".into(),
        ));
    }
    if raw.crawl.max_body_mib == 0 {
        return Err(invalid("[crawl] max_body_mib must be at least 1".into()));
    }
    if raw.crawl.timeout_secs == 0 || raw.crawl.connect_timeout_secs == 0 {
        return Err(invalid(
            "[crawl] timeout_secs and connect_timeout_secs must be at least 1".into(),
        ));
    }
    for (job, expr) in [
        ("crawl", &raw.schedule.crawl),
        ("update", &raw.schedule.update),
        ("digest", &raw.schedule.digest),
    ] {
        if let Some(expr) = expr {
            validate_cron(expr).map_err(|error| ConfigError::Schedule {
                path: path.to_path_buf(),
                job,
                expr: expr.clone(),
                error,
            })?;
        }
    }
    let shape = match &raw.radar {
        None => Shape::default(),
        Some(r) => {
            let default = Shape::default();
            let titles = |xs: &[String]| xs.to_vec();
            let quadrants = r.quadrants.as_deref().map(titles).unwrap_or_else(|| {
                default
                    .quadrants()
                    .iter()
                    .map(|q| q.title().to_string())
                    .collect()
            });
            let rings = r.rings.as_deref().map(titles).unwrap_or_else(|| {
                default
                    .rings()
                    .iter()
                    .map(|q| q.title().to_string())
                    .collect()
            });
            Shape::new(&quadrants, &rings, r.hold.as_deref()).map_err(|e| {
                let (line, column) = line_of(text, "[radar]");
                ConfigError::Parse {
                    path: path.to_path_buf(),
                    line,
                    column,
                    message: e.to_string(),
                    context: String::new(),
                }
            })?
        }
    };
    for (key, base) in raw.registries.given() {
        let ok = url::Url::parse(base)
            .map(|u| matches!(u.scheme(), "http" | "https"))
            .unwrap_or(false);
        if !ok {
            return Err(invalid(format!(
                "[registries] {key} = {base:?} must be an http(s) URL, e.g. \"https://npm.mirror.example/\""
            )));
        }
    }
    let mut seen = std::collections::HashSet::new();
    let mut sources = Vec::with_capacity(raw.sources.len());
    for rs in raw.sources {
        if !seen.insert(rs.name.clone()) {
            return Err(invalid(format!(
                "two [[source]] entries are named {:?}; names must be unique",
                rs.name
            )));
        }
        let name = rs.name.clone();
        sources.push(
            expand_source(rs, &base).map_err(|error| ConfigError::Source {
                path: path.to_path_buf(),
                name,
                error,
            })?,
        );
    }
    let deliver = raw
        .deliver
        .into_iter()
        .enumerate()
        .map(|(i, d)| expand_deliver(d, i).map_err(invalid))
        .collect::<Result<Vec<_>, _>>()?;
    let mut names = std::collections::HashSet::new();
    if let Some(d) = deliver.iter().find(|d| !names.insert(d.name.clone())) {
        return Err(invalid(format!(
            "two [[deliver]] entries are named {:?}; give each a unique name = \"…\"",
            d.name
        )));
    }
    if let Some(u) = &raw.site.url {
        check_http_url(u).map_err(|m| invalid(format!("[site] url: {m}")))?;
    }
    Ok(RadarConfig {
        path: Some(path.to_path_buf()),
        index_path: base.join(raw.index.path),
        crawl: raw.crawl,
        schedule: raw.schedule,
        digest: DigestSettings {
            out_dir: base.join(raw.digest.out_dir),
        },
        stack_path: base.join(raw.stack.unwrap_or_else(|| PathBuf::from("stack.toml"))),
        entries_path: base.join(raw.entries.unwrap_or_else(|| PathBuf::from("entries"))),
        sources,
        deliver,
        site: raw.site,
        registries: raw.registries,
        shape,
    })
}

/// Checks one `[[deliver]]` table (the `i`th, 0-based) and fills defaults.
/// Messages never repeat a URL: a chat webhook URL is a secret.
fn expand_deliver(d: RawDeliver, i: usize) -> Result<DeliverTarget, String> {
    let label = d
        .name
        .clone()
        .unwrap_or_else(|| format!("{}-{}", d.kind, i + 1));
    let at = format!("[[deliver]] #{} ({label:?})", i + 1);
    let url = |d: &RawDeliver| -> Result<String, String> {
        let u = d
            .url
            .clone()
            .ok_or_else(|| format!("{at}: kind = {:?} needs url = \"https://…\"", d.kind))?;
        check_http_url(&u).map_err(|m| format!("{at}: url {m}"))?;
        Ok(u)
    };
    let kind = match d.kind.as_str() {
        "email" => {
            let smtp = d.smtp.clone().ok_or_else(|| {
                format!(
                    "{at}: kind = \"email\" needs smtp = \"smtp://host:587\" (or smtps://host:465)"
                )
            })?;
            check_smtp_url(&smtp).map_err(|m| format!("{at}: smtp {m}"))?;
            let from = d.from.clone().ok_or_else(|| {
                format!("{at}: kind = \"email\" needs from = \"radar@team.example\"")
            })?;
            if d.to.is_empty() {
                return Err(format!(
                    "{at}: kind = \"email\" needs to = [\"leads@team.example\"]"
                ));
            }
            if d.url.is_some() {
                return Err(format!(
                    "{at}: url does not apply to kind = \"email\"; use smtp"
                ));
            }
            DeliverKind::Email {
                smtp,
                from,
                to: d.to.clone(),
            }
        }
        "slack" | "teams" | "mattermost" | "webhook" => {
            if d.smtp.is_some() || d.from.is_some() || !d.to.is_empty() {
                return Err(format!(
                    "{at}: smtp, from and to only apply to kind = \"email\""
                ));
            }
            let url = url(&d)?;
            match d.kind.as_str() {
                "slack" => DeliverKind::Slack { url },
                "teams" => DeliverKind::Teams { url },
                "mattermost" => DeliverKind::Mattermost { url },
                _ => DeliverKind::Webhook { url },
            }
        }
        other => {
            return Err(format!(
                "{at}: kind = {other:?} is not one radar delivers to: use email, slack, teams, mattermost or webhook"
            ));
        }
    };
    let timeout_secs = d.timeout_secs.unwrap_or(20);
    if timeout_secs == 0 {
        return Err(format!("{at}: timeout_secs must be at least 1"));
    }
    Ok(DeliverTarget {
        name: label,
        kind,
        retries: d.retries.unwrap_or(3),
        retry_base_ms: d.retry_base_ms.unwrap_or(2000),
        timeout_secs,
    })
}

/// "is not …" reasons that never echo the URL back.
fn check_http_url(u: &str) -> Result<(), String> {
    let parsed = url::Url::parse(u).map_err(|e| format!("is not a URL ({e})"))?;
    match parsed.scheme() {
        "http" | "https" => Ok(()),
        s => Err(format!("must be http or https, not {s}")),
    }
}

fn check_smtp_url(u: &str) -> Result<(), String> {
    let parsed =
        url::Url::parse(u).map_err(|e| format!("is not a URL ({e}); write smtp://host:587"))?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") {
        return Err(format!(
            "must start with smtp:// (STARTTLS) or smtps:// (TLS), not {}://",
            parsed.scheme()
        ));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "must not hold credentials: set RADAR_SMTP_USER and RADAR_SMTP_PASSWORD (or RADAR_SMTP_PASSWORD_FILE) in the environment"
                .into(),
        );
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host; write smtp://host:587".into());
    }
    Ok(())
}

/// Checks a cron expression the way the scheduler will read it, with a hint
/// for the two mistakes everyone makes.
pub fn validate_cron(expr: &str) -> Result<(), CronError> {
    use std::str::FromStr;
    let fields = expr.split_whitespace().count();
    if !expr.trim_start().starts_with('@') && fields == 5 {
        return Err(CronError::FiveFields);
    }
    cron::Schedule::from_str(expr)
        .map(|_| ())
        .map_err(CronError::Syntax)
}

fn expand_source(rs: RawSource, base: &Path) -> Result<Source, SourceEntryError> {
    let name = rs.name.clone();
    let given: Vec<&str> = [
        rs.url.as_ref().map(|_| "url"),
        rs.path.as_ref().map(|_| "path"),
        rs.github.as_ref().map(|_| "github"),
        rs.krate.as_ref().map(|_| "crate"),
        rs.pypi.as_ref().map(|_| "pypi"),
        rs.npm.as_ref().map(|_| "npm"),
        rs.eol.as_ref().map(|_| "eol"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if given.len() != 1 {
        return Err(SourceEntryError::Location {
            found: if given.is_empty() {
                "none".to_string()
            } else {
                given.join(", ")
            },
        });
    }
    let (default_kind, location, package) = if let Some(repo) = rs.github {
        let repo = repo.trim().trim_matches('/');
        if repo.split('/').count() != 2 || repo.split('/').any(str::is_empty) {
            return Err(SourceEntryError::GithubRepo {
                repo: repo.to_string(),
            });
        }
        (
            SourceKind::Feed,
            Location::Url(format!("https://github.com/{repo}/releases.atom")),
            None,
        )
    } else if let Some(k) = rs.krate {
        (
            SourceKind::Feed,
            // The per-crate release feed crates.io publishes (its own
            // `atom:link rel="self"` names this URL).
            Location::Url(format!("https://static.crates.io/rss/crates/{k}.xml")),
            Some(format!("crates.io/{k}")),
        )
    } else if let Some(p) = rs.pypi {
        (
            SourceKind::Feed,
            Location::Url(format!("https://pypi.org/rss/project/{p}/releases.xml")),
            Some(format!("PyPI/{p}")),
        )
    } else if let Some(n) = rs.npm {
        (
            SourceKind::Npm,
            Location::Url(format!("https://registry.npmjs.org/{n}")),
            Some(format!("npm/{n}")),
        )
    } else if let Some(product) = rs.eol {
        let product = product.trim().to_lowercase();
        if product.is_empty()
            || !product
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(SourceEntryError::EolProduct { product });
        }
        (
            SourceKind::Eol,
            Location::Url(format!("https://endoflife.date/api/v1/products/{product}/")),
            None,
        )
    } else if let Some(u) = rs.url {
        let parsed = url::Url::parse(&u).map_err(|error| SourceEntryError::Url {
            url: u.clone(),
            error,
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(SourceEntryError::UrlScheme { url: u });
        }
        (SourceKind::Feed, Location::Url(u), None)
    } else if let Some(p) = rs.path {
        (SourceKind::Feed, Location::Path(base.join(p)), None)
    } else {
        unreachable!("exactly one location was checked above")
    };
    let kind = rs.kind.unwrap_or(default_kind);
    let html = if kind == SourceKind::Html {
        let item = rs.item.ok_or(SourceEntryError::HtmlItem)?;
        let sel = HtmlSelectors {
            item,
            title: rs.title,
            link: rs.link,
            date: rs.date,
            body: rs.body,
        };
        for (field, s) in [
            ("item", Some(&sel.item)),
            ("title", sel.title.as_ref()),
            ("link", sel.link.as_ref()),
            ("date", sel.date.as_ref()),
            ("body", sel.body.as_ref()),
        ] {
            if let Some(s) = s {
                scraper::Selector::parse(s).map_err(|error| SourceEntryError::Selector {
                    field,
                    selector: s.clone(),
                    error,
                })?;
            }
        }
        Some(sel)
    } else {
        if rs.item.is_some()
            || rs.title.is_some()
            || rs.link.is_some()
            || rs.date.is_some()
            || rs.body.is_some()
        {
            return Err(SourceEntryError::SelectorsOutsideHtml);
        }
        None
    };
    Ok(Source {
        name,
        kind,
        location,
        package: rs.package.or(package),
        html,
    })
}

/// Line and column of the first line that starts with `header` (1, 1 when
/// absent), for errors found after parsing.
fn line_of(text: &str, header: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_start().starts_with(header) {
            return line_col(text, offset);
        }
        offset += line.len();
    }
    (1, 1)
}

/// Turns a toml error into `file:line:col: message in [[source]] "name"`.
fn parse_error(path: &Path, text: &str, e: &toml::de::Error) -> ConfigError {
    let (line, column, offset) = match e.span() {
        Some(span) => {
            let (l, c) = line_col(text, span.start);
            (l, c, Some(span.start))
        }
        None => (1, 1, None),
    };
    let message = e.message().trim().replace('`', "\"");
    let context = offset
        .and_then(|o| enclosing_table(text, o))
        .map(|t| format!(" in {t}"))
        .unwrap_or_default();
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        column,
        message,
        context,
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Names the table an offset falls in, e.g. `[[source]] "tokio releases"`,
/// so an error in the tenth source says which one it is.
fn enclosing_table(text: &str, offset: usize) -> Option<String> {
    let before = &text[..offset.min(text.len())];
    let header_start = before
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain(std::iter::once(0))
        .filter(|&i| text[i..].trim_start().starts_with('['))
        .max()?;
    let header_line = text[header_start..].lines().next()?.trim();
    let header = header_line.split('#').next()?.trim().to_string();
    // The table's `name`, wherever it sits inside the table.
    // Everything after the header's line; `header_line` is trimmed, so its
    // length is no byte offset into `text` (found by fuzzing).
    let rest = &text[header_start..];
    let body = rest.find('\n').map_or("", |nl| &rest[nl + 1..]);
    let name = body
        .lines()
        .take_while(|l| !l.trim_start().starts_with('['))
        .find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == "name").then(|| v.trim().to_string())
        });
    Some(match name {
        Some(n) => format!("{header} {n}"),
        None => header,
    })
}

// ---- stack.toml --------------------------------------------------------------

/// `stack.toml`: what the team runs and where it stands today.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StackConfig {
    #[serde(default, rename = "tech")]
    pub techs: Vec<TechConfig>,
    #[serde(default, rename = "lockfile")]
    pub lockfiles: Vec<LockfileConfig>,
    #[serde(default, rename = "ignore")]
    pub ignores: Vec<IgnoreConfig>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TechConfig {
    pub name: String,
    pub quadrant: Quadrant,
    pub ring: Ring,
    /// `ecosystem/name`, ecosystems as OSV names them.
    pub package: Option<String>,
    pub version: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The GitHub repository (`owner/name`) whose releases are this tech's:
    /// release links into it count as authoritative releases.
    #[serde(default)]
    pub repo: Option<String>,
    /// The endoflife.date product (`python`, `nodejs`) when its purls do not
    /// name `package`.
    #[serde(default)]
    pub eol: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LockfileConfig {
    pub path: PathBuf,
}

/// An acknowledged advisory: does not fail `audit` until `until`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IgnoreConfig {
    /// Advisory id or any of its aliases.
    pub id: String,
    pub reason: String,
    pub until: Option<toml::value::Datetime>,
}

/// Loads stack.toml; lockfile paths come back absolute.
pub fn load_stack(path: &Path) -> Result<StackConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse_stack(&text, path)
}

pub fn parse_stack(text: &str, path: &Path) -> Result<StackConfig, ConfigError> {
    let mut stack: StackConfig = toml::from_str(text).map_err(|e| parse_error(path, text, &e))?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    for l in &mut stack.lockfiles {
        l.path = base.join(&l.path);
    }
    let mut seen = std::collections::HashSet::new();
    for t in &stack.techs {
        if !seen.insert(t.name.to_lowercase()) {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "two [[tech]] entries are named {:?}; names must be unique",
                    t.name
                ),
            });
        }
        if let Some(p) = &t.package
            && !p.contains('/')
        {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                message: format!(
                    "[[tech]] {:?}: package = {p:?} must be \"ecosystem/name\", e.g. \"crates.io/tokio\"",
                    t.name
                ),
            });
        }
    }
    Ok(stack)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the radar_toml fuzz target: an indented header with a
    /// multi-byte character used to slice `text` inside that character.
    #[test]
    fn enclosing_table_of_an_indented_header_with_multibyte_text() {
        let text = " [[x]]\u{e9}\nname = \"n\"\nurl = 1\n";
        assert_eq!(
            enclosing_table(text, 20).as_deref(),
            Some("[[x]]\u{e9} \"n\"")
        );
    }

    fn err(text: &str) -> String {
        parse_radar(text, Path::new("radar.toml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn radar_table_sets_the_shape_and_defaults_stay_thoughtworks() {
        let plain = parse_radar("", Path::new("radar.toml")).unwrap();
        assert!(plain.shape.is_default());
        let cfg = parse_radar(
            "[radar]\nquadrants = [\"Techniques\", \"Data & AI\"]\nrings = [\"Adopt\", \"Hold\", \"Retire\"]\n",
            Path::new("radar.toml"),
        )
        .unwrap();
        assert_eq!(cfg.shape.quadrant_list(), "techniques, data-and-ai");
        assert_eq!(cfg.shape.hold().as_str(), "hold");
        // Rings alone keep the default quadrants.
        let cfg = parse_radar(
            "[radar]\nrings = [\"Use\", \"Stop\"]\n",
            Path::new("radar.toml"),
        )
        .unwrap();
        assert_eq!(cfg.shape.quadrants().len(), 4);
        assert_eq!(cfg.shape.hold().as_str(), "stop");
        let e = err(
            "[index]\npath = \"i\"\n\n[radar]\nrings = [\"Adopt\", \"Hold\"]\nhold = \"Retire\"\n",
        );
        assert_eq!(
            e,
            "radar.toml:4:1: [radar] hold = \"Retire\" is not one of the rings: Adopt, Hold"
        );
        let e = err("[radar]\nquadrnts = [\"A\", \"B\"]\n");
        assert!(
            e.starts_with("radar.toml:2:1: unknown field \"quadrnts\""),
            "{e}"
        );
    }

    #[test]
    fn stack_toml_is_read_against_the_shape() {
        let shape =
            crate::shape::Shape::new(&["Tools", "Data & AI"], &["Adopt", "Hold"], None).unwrap();
        let _scope = crate::shape::scoped(&shape);
        let ok = parse_stack(
            "[[tech]]\nname = \"dbt\"\nquadrant = \"data-and-ai\"\nring = \"adopt\"\n",
            Path::new("stack.toml"),
        )
        .unwrap();
        assert_eq!(ok.techs[0].quadrant.title(), "Data & AI");
        let e = parse_stack(
            "[[tech]]\nname = \"dbt\"\nquadrant = \"platforms\"\nring = \"adopt\"\n",
            Path::new("stack.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("stack.toml:3:12: unknown quadrant \"platforms\"; the configured quadrants are: tools, data-and-ai"),
            "{e}"
        );
    }

    #[test]
    fn unknown_field_names_file_line_column_and_source() {
        let text = "[crawl]\nconcurrency = 4\n\n[[source]]\nname = \"tokio releases\"\nurll = \"https://x\"\n";
        let e = err(text);
        assert!(
            e.starts_with("radar.toml:6:1: unknown field \"urll\""),
            "{e}"
        );
        assert!(e.contains("in [[source]] \"tokio releases\""), "{e}");
    }

    #[test]
    fn bad_type_is_reported_with_position() {
        let e = err("[crawl]\nconcurrency = \"many\"\n");
        assert!(e.starts_with("radar.toml:2:15:"), "{e}");
        assert!(e.contains("in [crawl]"), "{e}");
    }

    #[test]
    fn shorthands_expand_to_registry_urls() {
        let text = r#"
[[source]]
name = "tokio"
github = "tokio-rs/tokio"
[[source]]
name = "serde"
crate = "serde"
[[source]]
name = "react"
npm = "react"
[[source]]
name = "local"
path = "feeds/a.xml"
"#;
        let c = parse_radar(text, Path::new("/team/radar.toml")).unwrap();
        assert_eq!(
            c.sources[0].location,
            Location::Url("https://github.com/tokio-rs/tokio/releases.atom".into())
        );
        assert_eq!(c.sources[1].package.as_deref(), Some("crates.io/serde"));
        assert_eq!(
            c.sources[1].location,
            Location::Url("https://static.crates.io/rss/crates/serde.xml".into())
        );
        assert_eq!(c.sources[2].kind, SourceKind::Npm);
        assert_eq!(
            c.sources[3].location,
            Location::Path("/team/feeds/a.xml".into())
        );
        assert_eq!(c.index_path, PathBuf::from("/team/index"));
    }

    #[test]
    fn the_embedded_default_radar_parses() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("radar");
        let c = load_radar(&dir.join("radar.toml")).unwrap();
        assert!(c.sources.len() >= 8);
        assert!(c.schedule.digest.is_some());
        let s = load_stack(&c.stack_path).unwrap();
        assert!(s.techs.iter().any(|t| t.name == "tokio"));
    }

    #[test]
    fn five_field_cron_is_explained() {
        let e = err("[schedule]\ncrawl = \"0 8 * * 1\"\n");
        assert!(e.contains("seconds field"), "{e}");
    }

    #[test]
    fn source_needs_exactly_one_location() {
        let e = err("[[source]]\nname = \"x\"\nurl = \"https://a\"\ngithub = \"a/b\"\n");
        assert!(e.contains("exactly one of"), "{e}");
    }
}
