//! `radar schedule [--once]`: the cron jobs of radar.toml, each a stage of
//! the [`Pipeline`], timed by `crate::schedule`. Logs go to stderr through
//! tracing (main turns them on at info level for this command).

use anyhow::{Context as _, Result};
use std::sync::Arc;
use tokio::sync::watch;
use tracing::{info, warn};

use crate::cli::ScheduleArgs;
use crate::pipeline::Pipeline;
use crate::schedule::{
    self, Clock, Event, Job, JobRunner, SystemClock, TokioClock, due_jobs, load_once_state,
    save_once_state,
};
use crate::settings::Settings;
use crate::terminal::{clean, error_chain};

/// `--once` keeps each job's last run here, inside the index folder (beside
/// crawl-state.json), so a cached index carries it between CI runs too.
pub const ONCE_STATE_FILE: &str = "schedule-state.json";

pub fn schedule(ctx: &Settings, args: &ScheduleArgs) -> Result<u8> {
    let cfg = ctx.radar_config()?;
    let jobs = schedule::jobs_from(&cfg.schedule)?;
    let pipeline = Pipeline::new(ctx.clone());
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    if args.once {
        return runtime.block_on(once(ctx, jobs, pipeline));
    }
    runtime.block_on(async {
        let stop = stop_on_signals()?;
        // `--now` shifts the scheduler's clock (for demos and tests); time
        // still passes at the real rate from there.
        let clock: Arc<dyn Clock> = if ctx.fixed_now {
            Arc::new(TokioClock::starting_at(ctx.now))
        } else {
            Arc::new(SystemClock)
        };
        let names: Vec<String> = jobs
            .iter()
            .map(|j| format!("{} ({})", j.kind, j.schedule))
            .collect();
        info!(
            config = %cfg.path.as_deref().map(|p| p.display().to_string()).unwrap_or_default(),
            jobs = %names.join(", "),
            "radar schedule started; SIGINT or SIGTERM stops it"
        );
        let events = schedule::run_loop(jobs, Arc::new(pipeline), clock, stop).await;
        let count = |f: fn(&Event) -> bool| events.iter().filter(|e| f(e)).count();
        info!(
            finished = count(|e| matches!(e, Event::Finished { .. })),
            failed = count(|e| matches!(e, Event::Failed { .. })),
            skipped = count(|e| matches!(e, Event::Skipped { .. })),
            "radar schedule stopped"
        );
        anyhow::Ok(())
    })?;
    Ok(0)
}

/// Runs each job that is due once, in pipeline order; exit 1 when one failed.
async fn once(ctx: &Settings, jobs: Vec<Job>, pipeline: Pipeline) -> Result<u8> {
    let index = ctx.index_path()?;
    std::fs::create_dir_all(&index)
        .with_context(|| format!("cannot create the index folder {}", index.display()))?;
    let state_path = index.join(ONCE_STATE_FILE);
    let mut state = load_once_state(&state_path)?;
    let due = due_jobs(&jobs, &state, ctx.now);
    if due.is_empty() {
        info!(state = %state_path.display(), "no job is due");
        return Ok(0);
    }
    let stop = stop_on_signals()?;
    let mut failed = false;
    for kind in due {
        if *stop.borrow() {
            break;
        }
        info!(job = %kind, "started");
        let started = std::time::Instant::now();
        let result = pipeline.run(kind, ctx.now, stop.clone()).await;
        let secs = format!("{:.2}", started.elapsed().as_secs_f64());
        match result {
            Ok(outcome) => info!(job = %kind, duration_s = %secs, outcome = %outcome, "finished"),
            Err(error) => {
                let error = clean(&error_chain(&*error));
                failed = true;
                warn!(job = %kind, duration_s = %secs, error = %error, "failed; will run again at its next time");
            }
        }
        // A job cut short by a stop request runs again at the next call.
        if !*stop.borrow() {
            state.last_run.insert(kind, ctx.now);
            save_once_state(&state_path, &state)?;
        }
    }
    Ok(if failed { 1 } else { 0 })
}

/// Turns true on the first SIGINT or SIGTERM, so jobs in flight can stop
/// cleanly; a second signal exits at once (the index is crash-safe: at
/// most the batch in flight is lost). Must be called inside the runtime.
pub(super) fn stop_on_signals() -> Result<watch::Receiver<bool>> {
    let (tx, rx) = watch::channel(false);
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot watch for SIGTERM")?;
    tokio::spawn(async move {
        for n in 0.. {
            #[cfg(unix)]
            let name = tokio::select! {
                r = tokio::signal::ctrl_c() => { if r.is_err() { return; } "SIGINT" }
                Some(()) = term.recv() => "SIGTERM",
            };
            #[cfg(not(unix))]
            let name = match tokio::signal::ctrl_c().await {
                Ok(()) => "Ctrl-C",
                Err(_) => return,
            };
            if n == 0 {
                info!(
                    "received {name}: stopping; a job in flight saves what it finished (send it again to quit at once)"
                );
                let _ = tx.send(true);
            } else {
                warn!("received {name} again: quitting now");
                std::process::exit(130);
            }
        }
    });
    Ok(rx)
}
