use super::*;
use std::sync::Mutex;
use std::time::Duration;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn job(kind: JobKind, expr: &str) -> Job {
    Job {
        kind,
        schedule: cron::Schedule::from_str(expr).unwrap(),
    }
}

/// Records calls; each job sleeps for its configured duration (on tokio's
/// paused clock) and fails on the calls listed in `fail_on`.
struct Recorder {
    calls: Mutex<Vec<(JobKind, DateTime<Utc>)>>,
    takes: Duration,
    fail_on: Vec<usize>,
    honour_shutdown: bool,
}

impl Recorder {
    fn new(takes: Duration) -> Recorder {
        Recorder {
            calls: Mutex::new(Vec::new()),
            takes,
            fail_on: Vec::new(),
            honour_shutdown: false,
        }
    }
}

impl JobRunner for Recorder {
    fn run(
        &self,
        job: JobKind,
        now: DateTime<Utc>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Pin<Box<dyn Future<Output = JobResult> + Send + '_>> {
        Box::pin(async move {
            let n = {
                let mut calls = self.calls.lock().unwrap();
                calls.push((job, now));
                calls.len() - 1
            };
            if self.honour_shutdown {
                tokio::select! {
                    _ = tokio::time::sleep(self.takes) => {}
                    _ = shutdown.changed() => return Ok("abandoned cleanly".into()),
                }
            } else {
                tokio::time::sleep(self.takes).await;
            }
            if self.fail_on.contains(&n) {
                Err(format!("call {n} failed").into())
            } else {
                Ok(format!("call {n} ok"))
            }
        })
    }
}

async fn run_for(jobs: Vec<Job>, runner: Arc<Recorder>, start: &str, for_secs: u64) -> Vec<Event> {
    let clock = Arc::new(TokioClock::starting_at(at(start)));
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(for_secs)).await;
        let _ = tx.send(true);
    });
    run_loop(jobs, runner, clock, rx).await
}

#[tokio::test(start_paused = true)]
async fn jobs_fire_at_their_cron_times() {
    let runner = Arc::new(Recorder::new(Duration::from_secs(1)));
    let jobs = vec![
        job(JobKind::Crawl, "*/10 * * * * *"),
        job(JobKind::Digest, "0 * * * * *"),
    ];
    run_for(jobs, runner.clone(), "2026-11-23T08:00:03Z", 65).await;
    let calls = runner.calls.lock().unwrap().clone();
    let crawl: Vec<String> = calls
        .iter()
        .filter(|(k, _)| *k == JobKind::Crawl)
        .map(|(_, t)| t.format("%M:%S").to_string())
        .collect();
    assert_eq!(
        crawl,
        ["00:10", "00:20", "00:30", "00:40", "00:50", "01:00"]
    );
    let digest: Vec<_> = calls
        .iter()
        .filter(|(k, _)| *k == JobKind::Digest)
        .collect();
    assert_eq!(digest.len(), 1);
    assert_eq!(digest[0].1, at("2026-11-23T08:01:00Z"));
}

#[tokio::test(start_paused = true)]
async fn a_job_still_running_at_its_next_time_is_skipped() {
    let runner = Arc::new(Recorder::new(Duration::from_secs(25)));
    let events = run_for(
        vec![job(JobKind::Crawl, "*/10 * * * * *")],
        runner.clone(),
        "2026-11-23T08:00:00Z",
        60,
    )
    .await;
    let starts: Vec<String> = runner
        .calls
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| t.format("%M:%S").to_string())
        .collect();
    // Runs at :10 (busy until :35), :40 (busy until 01:05).
    assert_eq!(starts, ["00:10", "00:40"]);
    let skipped: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Skipped { at, .. } => Some(at.format("%M:%S").to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(skipped, ["00:20", "00:30", "00:50", "01:00"]);
}

#[tokio::test(start_paused = true)]
async fn a_failing_job_is_logged_and_runs_again_next_time() {
    let mut r = Recorder::new(Duration::from_secs(1));
    r.fail_on = vec![0];
    let runner = Arc::new(r);
    let events = run_for(
        vec![job(JobKind::Update, "*/10 * * * * *")],
        runner.clone(),
        "2026-11-23T08:00:00Z",
        25,
    )
    .await;
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Failed { error, .. } if error == "call 0 failed"))
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Finished { outcome, .. } if outcome == "call 1 ok"))
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_lets_the_job_in_flight_finish_cleanly() {
    let mut r = Recorder::new(Duration::from_secs(3600));
    r.honour_shutdown = true;
    let runner = Arc::new(r);
    let events = run_for(
        vec![job(JobKind::Crawl, "*/10 * * * * *")],
        runner.clone(),
        "2026-11-23T08:00:00Z",
        15,
    )
    .await;
    assert_eq!(runner.calls.lock().unwrap().len(), 1);
    assert!(
        matches!(events.last(), Some(Event::Finished { outcome, .. }) if outcome == "abandoned cleanly"),
        "{events:?}"
    );
}

#[test]
fn once_runs_jobs_whose_latest_time_passed_since_their_last_run() {
    let jobs = vec![
        job(JobKind::Crawl, "0 0 */6 * * *"),
        job(JobKind::Digest, "0 0 8 * * MON"),
    ];
    let now = at("2026-11-25T13:00:00Z"); // a Wednesday
    let mut state = OnceState::default();
    assert_eq!(
        due_jobs(&jobs, &state, now),
        [JobKind::Crawl, JobKind::Digest],
        "never ran"
    );
    state
        .last_run
        .insert(JobKind::Crawl, at("2026-11-25T12:30:00Z"));
    state
        .last_run
        .insert(JobKind::Digest, at("2026-11-23T08:00:05Z"));
    assert!(
        due_jobs(&jobs, &state, now).is_empty(),
        "both ran after their latest time"
    );
    state
        .last_run
        .insert(JobKind::Crawl, at("2026-11-25T11:59:00Z"));
    assert_eq!(
        due_jobs(&jobs, &state, now),
        [JobKind::Crawl],
        "12:00 came since"
    );
}

#[test]
fn once_state_round_trips_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schedule-state.json");
    assert!(load_once_state(&path).unwrap().last_run.is_empty());
    let mut s = OnceState::default();
    s.last_run
        .insert(JobKind::Digest, at("2026-11-23T08:00:00Z"));
    save_once_state(&path, &s).unwrap();
    assert_eq!(load_once_state(&path).unwrap().last_run, s.last_run);
    // Damaged: warned about and replaced, never a stopped schedule.
    std::fs::write(&path, "{not json").unwrap();
    assert!(load_once_state(&path).unwrap().last_run.is_empty());
}

#[test]
fn cron_errors_name_the_job_and_the_day_numbering() {
    let settings = ScheduleSettings {
        crawl: Some("0 0 99 * * *".into()),
        ..Default::default()
    };
    let e = jobs_from(&settings).unwrap_err().to_string();
    assert!(
        e.contains("[schedule] crawl") && e.contains("MON..SUN"),
        "{e}"
    );
    assert!(matches!(
        jobs_from(&ScheduleSettings::default()),
        Err(ScheduleError::NoJobs)
    ));
}
