//! The `radar` binary: parse arguments, run one command, map the outcome to
//! an exit code (0 ok, 1 found something that fails the run, 2 could not run).

use clap::Parser;
use std::process::ExitCode;

use techradar::cli::{Cli, Command};
use techradar::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The scheduler's log (started, finished, duration, outcome) is its
    // output: info level without -v, and with -q still its failures (warn).
    let (verbose, quiet) = match cli.command {
        Command::Schedule(_) if cli.global.quiet => (0, false),
        Command::Schedule(_) => (cli.global.verbose.max(1), false),
        _ => (cli.global.verbose, cli.global.quiet),
    };
    init_logging(verbose, quiet);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // anyhow's `{:#}` would print a cause twice where a message
            // already quotes its `source()`.
            let line = techradar::terminal::join_causes(e.chain().map(|c| c.to_string()));
            eprintln!("error: {}", techradar::terminal::clean(&line));
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let ctx = cmd::settings(&cli.global)?;
    match &cli.command {
        Command::Init(a) => cmd::init(&ctx, a),
        Command::Audit(a) => cmd::audit(&ctx, a),
        Command::Stack(a) => cmd::stack(&ctx, a),
        Command::Crawl(a) => cmd::crawl(&ctx, a),
        Command::Ingest(a) => cmd::ingest(&ctx, a),
        Command::Search(a) => cmd::search(&ctx, a),
        Command::Demo(a) => cmd::demo(&ctx, a),
        Command::Update(a) => cmd::update(&ctx, a),
        Command::Trends(a) => cmd::trends(&ctx, a),
        Command::Review(a) => cmd::review(&ctx, a),
        Command::Export(a) => cmd::export(&ctx, a),
        Command::Import(a) => cmd::import(&ctx, a),
        Command::Propose(a) => cmd::propose(&ctx, a),
        Command::Run(a) => cmd::run(&ctx, a),
        Command::Schedule(a) => cmd::schedule(&ctx, a),
        Command::Digest(a) => cmd::digest(&ctx, a),
        Command::Site(a) => cmd::site(&ctx, a),
        Command::Doctor(a) => cmd::doctor(&ctx, a),
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("RADAR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colour only for a person at a terminal: a journal or a log file gets
    // plain lines.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
}
