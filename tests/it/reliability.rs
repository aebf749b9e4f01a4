//! Nothing lost, nothing let in: a full disk, file modes under a umask, a
//! damaged index, a broken state file, and redirects into private networks,
//! all through the real `radar` binary.

use crate::harness::{self, FAST, Server, TeamRadar, crawl_radar, fixture, respond, rss, source};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const NOW: &str = "2026-11-25T10:00:00Z";

/// Runs `cmd` with umask 022 in the child, whatever the test runner's is.
fn with_umask_022(cmd: &mut Command) -> &mut Command {
    // SAFETY: umask is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        })
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A teammate's account and the web server read what radar writes: 0644
/// under umask 022, not the 0600 of a temp file; an existing file keeps
/// the mode someone gave it.
#[test]
fn entries_and_digests_come_out_0644_under_umask_022() {
    let team = TeamRadar::new().copy("stack.toml", fixture("entries/stack.toml"));
    let dir = team.path();
    let run = |args: &[&str]| {
        let mut c = harness::radar(NOW);
        c.current_dir(dir).args(args);
        let out = with_umask_022(&mut c).output().unwrap();
        assert!(
            out.status.success(),
            "radar {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["ingest", fixture("entries/feeds").to_str().unwrap()]);
    run(&["update"]);
    let entries = files_under(&dir.join("entries"));
    assert!(!entries.is_empty(), "update wrote no entry");
    for e in &entries {
        assert_eq!(mode(e), 0o644, "{}", e.display());
    }
    run(&["digest", "--out", "digests/week.md"]);
    let digest = dir.join("digests/week.md");
    assert_eq!(mode(&digest), 0o644);

    std::fs::set_permissions(&digest, std::fs::Permissions::from_mode(0o640)).unwrap();
    run(&["digest", "--out", "digests/week.md"]);
    assert_eq!(mode(&digest), 0o640, "an existing file keeps its mode");
}

/// A truncated meta.json: one message that says the index is damaged, what
/// to do, and that the entries are kept; the cause printed once.
#[test]
fn a_damaged_index_says_so_once_and_keeps_entries() {
    let team = TeamRadar::new().entry(
        "tools/kafka.md",
        "+++\nname = \"Kafka\"\nquadrant = \"tools\"\nring = \"adopt\"\n+++\nWhy.\n",
    );
    let ingest = team
        .command(
            NOW,
            &["ingest", fixture("widgets-v1.xml").to_str().unwrap()],
        )
        .output()
        .unwrap();
    assert!(ingest.status.success());
    let meta = team.index().join("meta.json");
    let bytes = std::fs::read(&meta).unwrap();
    std::fs::write(&meta, &bytes[..bytes.len() / 2]).unwrap();

    let out = team.command(NOW, &["search", "widgets"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("is damaged"), "{stderr}");
    assert!(stderr.contains("radar doctor"), "{stderr}");
    assert!(
        stderr.contains("entries") && stderr.contains("kept"),
        "{stderr}"
    );
    assert!(!stderr.contains("point --index elsewhere"), "{stderr}");
    // No clause of the message is repeated (cause printed twice).
    let parts: Vec<&str> = stderr.trim().split(": ").collect();
    for (i, p) in parts.iter().enumerate() {
        assert!(!parts[i + 1..].contains(p), "repeated {p:?}: {stderr}");
    }
    assert!(team.path().join("entries/tools/kafka.md").exists());
}

/// crawl-state.json cut in half: the crawl warns once, starts fresh and
/// fetches; it never stops.
#[test]
fn a_damaged_crawl_state_warns_once_and_the_crawl_goes_on() {
    let server = Server::start(|_n, _req, stream, _s| {
        respond(
            stream,
            "200 OK",
            &[("content-type", "application/rss+xml")],
            rss("s", 2).as_bytes(),
        )
    });
    let radar = crawl_radar(FAST, &source("feed", &server.url("/feed"), ""));
    assert_eq!(radar.crawl().code, 0);
    std::fs::write(
        radar.index().join("crawl-state.json"),
        b"{\"sources\": {\"feed\"",
    )
    .unwrap();
    let run = radar.crawl();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.status("feed"), "fetched", "{}", run.stdout);
    let warnings = run.stderr.matches("crawl-state.json").count();
    assert_eq!(warnings, 1, "{}", run.stderr);
    assert!(
        radar.state()["sources"]["feed"].is_object(),
        "state rewritten"
    );
}

/// A feed on loopback (the configured URL names 127.0.0.1, so it may be
/// reached) redirects to a cloud metadata address, a private block and
/// localhost: each is refused before any connection, and the summary says
/// why and how to allow it. Only the loopback server ever sees a request.
#[test]
fn redirects_into_private_networks_are_refused_before_connecting() {
    let server = Server::start(|_n, req, stream, _s| {
        let to = match req.path.as_str() {
            "/meta" => "http://169.254.169.254/latest/meta-data/".to_string(),
            "/ten" => "http://10.0.0.1/feed".to_string(),
            "/local" => "http://localhost:9/feed".to_string(),
            "/v6" => "http://[fe80::1]/feed".to_string(),
            "/same" => "/feed".to_string(),
            _ => {
                return respond(
                    stream,
                    "200 OK",
                    &[("content-type", "application/rss+xml")],
                    rss("ok", 1).as_bytes(),
                );
            }
        };
        respond(stream, "302 Found", &[("location", to.as_str())], b"")
    });
    let radar = crawl_radar(
        FAST,
        &(source("meta", &server.url("/meta"), "")
            + &source("ten", &server.url("/ten"), "")
            + &source("local", &server.url("/local"), "")
            + &source("v6", &server.url("/v6"), "")
            + &source("same", &server.url("/same"), "")),
    );
    let run = radar.crawl();
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(
        run.error("meta").contains(
            "redirect to 169.254.169.254 refused: private address; allow it with [crawl] allow_private"
        ),
        "{}",
        run.error("meta")
    );
    assert!(
        run.error("meta").contains("(not retried)"),
        "{}",
        run.error("meta")
    );
    assert!(
        run.error("ten").contains("redirect to 10.0.0.1 refused"),
        "{}",
        run.error("ten")
    );
    assert!(
        run.error("local").contains("redirect to localhost refused"),
        "{}",
        run.error("local")
    );
    assert!(
        run.error("v6").contains("redirect to fe80::1 refused"),
        "{}",
        run.error("v6")
    );
    assert_eq!(
        run.status("same"),
        "fetched",
        "a hop on the configured host is fine"
    );
    // One request per refused source: no retry, no second hop.
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    for p in ["/meta", "/ten", "/local", "/v6"] {
        assert_eq!(paths.iter().filter(|x| *x == p).count(), 1, "{paths:?}");
    }
}

/// `allow_private` lets a listed block through; a bad entry is a config
/// error that names the entry.
#[test]
fn allow_private_lets_a_listed_block_through_and_rejects_junk() {
    let server = Server::start(|_n, req, stream, s| {
        if req.path == "/hop" {
            // Another loopback address than the configured one: private,
            // so allowed only through the list.
            let to = s.url("/feed").replace("127.0.0.1", "127.0.0.2");
            return respond(stream, "302 Found", &[("location", to.as_str())], b"");
        }
        respond(
            stream,
            "200 OK",
            &[("content-type", "application/rss+xml")],
            rss("ok", 1).as_bytes(),
        )
    });
    let refused = crawl_radar(FAST, &source("hop", &server.url("/hop"), ""));
    assert!(
        refused
            .crawl()
            .error("hop")
            .contains("redirect to 127.0.0.2 refused")
    );
    let allowed = crawl_radar(
        &format!("{FAST}allow_private = [\"127.0.0.0/8\"]\n"),
        &source("hop", &server.url("/hop"), ""),
    );
    let run = allowed.crawl();
    // 127.0.0.2 reaches the same listener only where the OS routes all of
    // 127/8 to lo (Linux does); either way the guard let it through.
    assert!(
        !run.error("hop").contains("refused: private"),
        "{}",
        run.stdout
    );

    let junk = crawl_radar(
        &format!("{FAST}allow_private = [\"10.0.0.0/99\"]\n"),
        &source("x", &server.url("/feed"), ""),
    );
    let run = junk.crawl();
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("allow_private: \"10.0.0.0/99\""),
        "{}",
        run.stderr
    );
}

/// Unmounts the test's tmpfs however the test ends.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// A 3 MiB tmpfs at `dir`, or None (with a notice) where mounting is
    /// not permitted (not root, or in a container without the capability).
    fn mount(dir: &Path) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
            .arg(dir)
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            eprintln!("SKIP full-disk test: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

/// A feed of `n` items whose bodies do not compress much, so indexing it
/// needs megabytes.
fn bulky_feed(n: usize) -> String {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut word = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = 3 + (seed % 7) as usize;
        (0..len)
            .map(|i| (b'a' + ((seed >> (i * 4)) % 16) as u8) as char)
            .collect::<String>()
    };
    let mut out = String::from("<rss version=\"2.0\"><channel><title>bulk</title>");
    for i in 0..n {
        let body: Vec<String> = (0..120).map(|_| word()).collect();
        out.push_str(&format!(
            "<item><title>pkg{i} {i}.0</title><guid>g{i}</guid><description>{}</description></item>",
            body.join(" ")
        ));
    }
    out.push_str("</channel></rss>");
    out
}

/// Ingest into a 3 MiB filesystem: exit 2 with one line naming the index,
/// the cause and what to do; the failed batch's segments are gone, and
/// the next small ingest works with no cleanup by hand.
#[test]
fn a_full_disk_exits_2_cleans_up_and_the_next_run_needs_no_cleanup() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mnt) = Tmpfs::mount(&dir.path().join("mnt")) else {
        return;
    };
    let index = mnt.0.join("index");
    let small = dir.path().join("small.xml");
    std::fs::write(&small, rss("small", 5)).unwrap();
    let big = dir.path().join("big.xml");
    std::fs::write(&big, bulky_feed(6000)).unwrap();
    let ingest = |file: &Path| {
        harness::radar(NOW)
            .arg("--index")
            .arg(&index)
            .arg("ingest")
            .arg(file)
            .output()
            .unwrap()
    };
    assert!(ingest(&small).status.success());
    let before = harness::index_fingerprint(&index);

    let out = ingest(&big);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&index.display().to_string()), "{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(
        stderr.contains("Free space and run the command again"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("No space left").count(), 1, "{stderr}");
    assert_eq!(
        harness::index_fingerprint(&index),
        before,
        "the failed batch left segment files behind"
    );

    std::fs::write(&small, rss("again", 5)).unwrap();
    let out = ingest(&small);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `radar doctor` finds a damaged state file, a broken entry and a stale
/// lock note (exit 1); `--fix` moves the state aside and removes the note,
/// leaving the entry for a person (still exit 1); a healthy radar exits 0.
#[test]
fn doctor_reports_and_fixes_only_what_is_safe() {
    let team = TeamRadar::new().entry(
        "tools/kafka.md",
        "+++\nname = \"Kafka\"\nquadrant = \"tools\"\nring = \"adopt\"\n+++\nWhy.\n",
    );
    let ingest = team
        .command(
            NOW,
            &["ingest", fixture("widgets-v1.xml").to_str().unwrap()],
        )
        .output()
        .unwrap();
    assert!(ingest.status.success());
    let doctor = |args: &[&str]| {
        let mut all = vec!["doctor"];
        all.extend_from_slice(args);
        let out = team.command(NOW, &all).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = doctor(&[]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("segment checksums match"), "{out}");

    let state = team.index().join("crawl-state.json");
    std::fs::write(&state, "{\"sources\": {").unwrap();
    // A pid no process has (above the kernel's pid_max).
    std::fs::write(
        team.index().join("radar-writer.pid"),
        "pid 99999999 `radar crawl`",
    )
    .unwrap();
    std::fs::write(
        team.path().join("entries/tools/broken.md"),
        "+++\nname = \n+++\n",
    )
    .unwrap();
    let (code, out) = doctor(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("FAIL crawl state") && out.contains("--fix"),
        "{out}"
    );
    assert!(out.contains("FAIL lock"), "{out}");
    assert!(
        out.contains("FAIL entry") && out.contains("broken.md"),
        "{out}"
    );
    assert!(state.exists(), "no repair without --fix");

    let (code, out) = doctor(&["--fix"]);
    assert_eq!(code, Some(1), "the broken entry is for a person: {out}");
    assert!(
        out.contains("fixed") && out.contains("crawl-state.json.damaged"),
        "{out}"
    );
    assert!(!state.exists() && !team.index().join("radar-writer.pid").exists());
    assert!(team.path().join("entries/tools/broken.md").exists());

    std::fs::remove_file(team.path().join("entries/tools/broken.md")).unwrap();
    assert_eq!(doctor(&[]).0, Some(0));
    // A corrupted segment fails its checksum.
    let seg = std::fs::read_dir(team.index())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "store"))
        .unwrap();
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(&seg, bytes).unwrap();
    let (code, out) = doctor(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("fail their checksum"), "{out}");
}

/// A run killed between writing a temp file and renaming it (kill -9 of
/// `radar update` left one once) leaves `.NAME.PID.XXXXXX.tmp`: `doctor`
/// reports it, `doctor --fix` removes it, and so does the next `update`.
/// A temp file whose process still runs (this test's) is never touched.
#[test]
fn temp_files_left_by_a_killed_run_are_cleaned_up() {
    let team = TeamRadar::new().copy("stack.toml", fixture("entries/stack.toml"));
    let feeds = fixture("entries/feeds");
    let ingest = team
        .command(NOW, &["ingest", feeds.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(ingest.status.success());
    let tools = team.path().join("entries/tools");
    std::fs::create_dir_all(&tools).unwrap();
    // pid_max is at most 2^22: no process has this pid.
    let dead = tools.join(".kafka.md.4999999.aB3xYz.tmp");
    let live = tools.join(format!(".kafka.md.{}.aB3xYz.tmp", std::process::id()));
    let half = "+++\nname = \"Kafka\"\nquadr";
    std::fs::write(&dead, half).unwrap();
    std::fs::write(&live, half).unwrap();
    let doctor = |args: &[&str]| {
        let mut all = vec!["doctor"];
        all.extend_from_slice(args);
        let out = team.command(NOW, &all).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, out) = doctor(&[]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("FAIL temp files") && out.contains(".kafka.md.4999999.aB3xYz.tmp"),
        "{out}"
    );
    assert!(!out.contains(&live.display().to_string()), "{out}");
    assert!(dead.exists(), "no repair without --fix");

    let (code, out) = doctor(&["--fix"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("removed"), "{out}");
    assert!(!dead.exists() && live.exists());

    std::fs::write(&dead, half).unwrap();
    let update = team.command(NOW, &["update"]).output().unwrap();
    assert!(
        update.status.success(),
        "{}",
        String::from_utf8_lossy(&update.stderr)
    );
    assert!(!dead.exists(), "the next update tidies the folder");
    assert!(live.exists(), "a running writer's temp file is left alone");
}
