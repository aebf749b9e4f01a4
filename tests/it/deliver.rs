//! `radar digest --send` end to end: a real SMTP server, wiremock chat
//! receivers and closed ports, all on 127.0.0.1, driven through the binary
//! with an injected clock. `DELIVER_SHOW_DIR=DIR` keeps what the receivers
//! saw (the raw mail, its HTML with the PNG, the Slack payload) in DIR.

use crate::harness::{self, SmtpServer, SmtpTls, TeamRadar, utc};
use mail_parser::{MessageParser, MimeHeaders as _};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use techradar::index::RadarIndex;
use techradar::model::{Advisory, Affected, Event, Item, ItemKind, Range, Severity};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const NOW: &str = "2026-11-30T08:00:00Z";
const WEEK: &str = "2026-W48";

fn radar(dir: &Path) -> Command {
    let mut c = harness::radar(NOW);
    c.current_dir(dir)
        .env_remove("RADAR_SMTP_USER")
        .env_remove("RADAR_SMTP_PASSWORD")
        .env_remove("RADAR_SMTP_PASSWORD_FILE");
    c
}

fn send(dir: &Path, extra: &[&str]) -> harness::Run {
    let mut c = radar(dir);
    c.args(["digest", "--week", WEEK, "--send"]).args(extra);
    harness::Run::of(c.output().unwrap())
}

fn show(name: &str, bytes: impl AsRef<[u8]>) {
    if let Some(dir) = std::env::var_os("DELIVER_SHOW_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(name), bytes).unwrap();
    }
}

/// A team running hyper 1.4.0 (one advisory this week) and PostgreSQL 16
/// (17.2 released this week), plus `deliver` appended to radar.toml.
fn team(deliver: &str) -> TeamRadar {
    let dir = TeamRadar::new().config(deliver).stack(
        r#"
[[tech]]
name = "hyper"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "crates.io/hyper"
version = "1.4.0"

[[tech]]
name = "PostgreSQL"
quadrant = "platforms"
ring = "trial"
version = "16.4"
aliases = ["postgres"]
repo = "postgres/postgres"
"#,
    );
    let index = RadarIndex::open_or_create(&dir.path().join("index")).unwrap();
    let mut w = index.writer().unwrap();
    let release = Item {
        id: "r1".into(),
        kind: ItemKind::Release,
        source: "postgres news".into(),
        title: "PostgreSQL 17.2 released".into(),
        body: String::new(),
        // A release of the tech's own repository: an authoritative source.
        url: Some("https://github.com/postgres/postgres/releases/tag/REL_17_2".into()),
        published: Some(utc("2026-11-26T13:00:00Z")),
        packages: vec![],
        tags: vec![],
        advisory: None,
    };
    let mut adv = release.clone();
    adv.id = "RUSTSEC-2026-0001".into();
    adv.kind = ItemKind::Advisory;
    adv.source = "advisories".into();
    adv.title = "Request smuggling".into();
    adv.packages = vec!["crates.io/hyper".into()];
    adv.advisory = Some(Box::new(Advisory {
        id: "RUSTSEC-2026-0001".into(),
        summary: "Request smuggling".into(),
        published: Some(utc("2026-11-24T09:00:00Z")),
        severity: vec![Severity {
            kind: "CVSS_V3".into(),
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N".into(),
            score: Some(8.2),
        }],
        affected: vec![Affected {
            ecosystem: "crates.io".into(),
            name: "hyper".into(),
            ranges: vec![Range {
                kind: "SEMVER".into(),
                events: vec![Event::Introduced("0".into()), Event::Fixed("1.4.2".into())],
            }],
            versions: vec![],
            patched: vec![],
        }],
        ..Advisory::default()
    }));
    w.upsert(&release).unwrap();
    w.upsert(&adv).unwrap();
    w.commit().unwrap();
    dir
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

async fn bodies(server: &MockServer, at: &str) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == at)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[test]
fn the_mail_has_text_html_and_the_radar_png_by_cid() {
    let smtp = SmtpServer::start(Some(("radar-bot", "s3cret-Pa55word")));
    let dir = team(&format!(
        "\n[[deliver]]\nkind = \"email\"\nname = \"leads\"\nsmtp = \"{}\"\nfrom = \"radar@team.example\"\nto = [\"leads@team.example\", \"cto@team.example\"]\nretry_base_ms = 0\n",
        smtp.url()
    ));
    let run = harness::Run::of(
        radar(dir.path())
            .args(["digest", "--week", WEEK, "--send"])
            .env("RADAR_SMTP_USER", "radar-bot")
            .env("RADAR_SMTP_PASSWORD", "s3cret-Pa55word")
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("delivered 2026-W48 to leads (email)"),
        "{}",
        run.stdout
    );
    assert!(!format!("{}{}", run.stdout, run.stderr).contains("s3cret"));

    let got = smtp.received();
    assert_eq!(got.len(), 1, "one message for both recipients");
    let m = &got[0];
    assert_eq!(
        m.login,
        Some(("radar-bot".into(), "s3cret-Pa55word".into()))
    );
    assert_eq!(m.to.len(), 2, "{:?}", m.to);
    show("mail.eml", &m.data);

    let mail = MessageParser::default().parse(&m.data).unwrap();
    let id = mail.message_id().expect("a Message-ID header");
    assert!(id.contains('@'), "{id}");
    let subject = mail.subject().unwrap();
    assert!(
        subject.contains("2026-W48") && subject.contains("1 action needed"),
        "{subject}"
    );
    let content_type = |p: &mail_parser::MessagePart| {
        p.content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")))
            .unwrap_or_default()
    };
    let types: Vec<String> = mail.parts.iter().map(content_type).collect();
    assert_eq!(
        types,
        [
            "multipart/alternative",
            "text/plain",
            "multipart/related",
            "text/html",
            "image/png"
        ],
        "the structure of the mail"
    );
    let md = std::fs::read_to_string(dir.path().join("digests/digest-2026-W48.md")).unwrap();
    assert_eq!(
        mail.body_text(0).unwrap().replace("\r\n", "\n").trim_end(),
        md.trim_end()
    );
    let html = mail.body_html(0).unwrap();
    assert!(html.contains(r#"src="cid:radar.png""#), "{html}");
    assert!(!html.contains("<svg"), "mail clients do not draw SVG");
    assert!(html.contains("<style"), "the page keeps its CSS inline");
    assert!(
        !html.contains("src=\"http") && !html.contains("url(http"),
        "the mail fetches nothing"
    );
    let png = &mail.parts[4];
    assert_eq!(png.content_id(), Some("radar.png"));
    let bytes = png.contents();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    show("radar.png", bytes);
    // For a browser to draw what a mail client draws: the part as data.
    use base64::Engine as _;
    let data = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    );
    show(
        "mail.html",
        html.replace("src=\"cid:radar.png\"", &format!("src=\"{data}\""))
            .replace("img-src cid:", "img-src cid: data:"),
    );
}

#[test]
fn a_wrong_smtp_password_fails_the_run_without_showing_it() {
    let smtp = SmtpServer::start(Some(("radar-bot", "right-one")));
    let dir = team(&format!(
        "\n[[deliver]]\nkind = \"email\"\nsmtp = \"{}\"\nfrom = \"radar@team.example\"\nto = [\"leads@team.example\"]\nretry_base_ms = 0\n",
        smtp.url()
    ))
    .file("secrets/smtp-password", "Wr0ng-Secret-xyz\n");
    let run = harness::Run::of(
        radar(dir.path())
            .args(["digest", "--week", WEEK, "--send"])
            .env("RADAR_SMTP_USER", "radar-bot")
            .env(
                "RADAR_SMTP_PASSWORD_FILE",
                dir.path().join("secrets/smtp-password"),
            )
            .env("RADAR_LOG", "debug")
            .output()
            .unwrap(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("delivery to email-1 (email) failed"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("535"), "{}", run.stderr);
    // The file's trailing newline is not part of the password.
    assert_eq!(smtp.received().len(), 0, "a rejected login sends nothing");
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(!all.contains("Wr0ng-Secret"), "the password leaked: {all}");
}

#[tokio::test]
async fn every_chat_format_reaches_its_receiver() {
    let server = MockServer::start().await;
    for at in ["/slack", "/teams", "/mattermost", "/hook"] {
        Mock::given(method("POST"))
            .and(path(at))
            .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let uri = server.uri();
    let dir = team(&format!(
        "\n[site]\nurl = \"https://radar.team.example/\"\n\
         [[deliver]]\nkind = \"slack\"\nurl = \"{uri}/slack\"\n\
         [[deliver]]\nkind = \"teams\"\nurl = \"{uri}/teams\"\n\
         [[deliver]]\nkind = \"mattermost\"\nurl = \"{uri}/mattermost\"\n\
         [[deliver]]\nkind = \"webhook\"\nurl = \"{uri}/hook\"\n"
    ));
    let run = send(dir.path(), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for name in [
        "slack-1 (slack)",
        "teams-2 (teams)",
        "mattermost-3 (mattermost)",
        "webhook-4 (webhook)",
    ] {
        assert!(run.stdout.contains(&format!("to {name}")), "{}", run.stdout);
    }
    let link = "https://radar.team.example/weeks/2026-W48.html";

    let slack = &bodies(&server, "/slack").await[0];
    show("slack.json", serde_json::to_string_pretty(slack).unwrap());
    assert!(
        slack["text"]
            .as_str()
            .unwrap()
            .contains("2026-W48: 1 action needed"),
        "{slack}"
    );
    let blocks = slack["blocks"].to_string();
    assert!(
        blocks.contains("hyper") && blocks.contains("Action needed (1)"),
        "{blocks}"
    );
    assert!(
        blocks.contains("PostgreSQL 17.2"),
        "majors of our stack: {blocks}"
    );
    assert!(blocks.contains(link), "{blocks}");

    let teams = &bodies(&server, "/teams").await[0];
    let card = &teams["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["actions"][0]["url"], link);
    assert!(card["content"]["body"].to_string().contains("hyper"));

    let mm = &bodies(&server, "/mattermost").await[0];
    let text = mm["text"].as_str().unwrap();
    assert!(text.contains("hyper") && text.contains(link), "{text}");

    let hook = &bodies(&server, "/hook").await[0];
    assert_eq!(hook["week"], WEEK);
    assert_eq!(hook["action_needed"][0]["package"], "hyper", "{hook}");
    assert!(hook["radar"].is_array());
}

#[tokio::test]
async fn a_dead_target_fails_the_run_and_the_live_ones_are_still_delivered() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/dead"))
        .respond_with(ResponseTemplate::new(503).set_body_string("down for maintenance"))
        // 1 + 2 retries in each of the two runs below.
        .expect(6)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/live"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let uri = server.uri();
    let token = "T0000/B0000/XXXXsecretXXXX";
    let closed = closed_port();
    let dir = team(&format!(
        "\n[[deliver]]\nkind = \"slack\"\nname = \"busy-slack\"\nurl = \"{uri}/dead\"\nretries = 2\nretry_base_ms = 0\n\
         [[deliver]]\nkind = \"slack\"\nname = \"gone\"\nurl = \"http://127.0.0.1:{closed}/services/{token}\"\nretries = 1\nretry_base_ms = 0\n\
         [[deliver]]\nkind = \"mattermost\"\nname = \"live\"\nurl = \"{uri}/live\"\n"
    ));
    let run = send(dir.path(), &[]);
    show("dead-target.stderr", &run.stderr);
    show("dead-target.code", run.code.to_string());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("delivery to busy-slack (slack) failed after 3 attempts: the server answered HTTP 503: down for maintenance"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("delivery to gone (slack) failed after 2 attempts"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("secret"),
        "a webhook URL is a secret: {}",
        run.stderr
    );
    assert!(
        run.stdout
            .contains("delivered 2026-W48 to live (mattermost)"),
        "{}",
        run.stdout
    );
    assert_eq!(bodies(&server, "/live").await.len(), 1);

    // The next run retries only what failed.
    let again = send(dir.path(), &[]);
    assert_eq!(again.code, 1);
    assert!(
        again.stdout.contains("skipped live (mattermost)"),
        "{}",
        again.stdout
    );
    assert_eq!(bodies(&server, "/live").await.len(), 1);
}

#[tokio::test]
async fn a_week_goes_once_to_each_target_unless_forced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let dir = team(&format!(
        "\n[[deliver]]\nkind = \"webhook\"\nname = \"ci\"\nurl = \"{}/hook\"\n",
        server.uri()
    ));
    assert_eq!(send(dir.path(), &[]).code, 0);
    let second = send(dir.path(), &[]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(
        second
            .stdout
            .contains("skipped ci (webhook): 2026-W48 was delivered on 2026-11-30 08:00 UTC; --force sends it again"),
        "{}",
        second.stdout
    );
    assert_eq!(bodies(&server, "/hook").await.len(), 1);
    let forced = send(dir.path(), &["--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        forced.stdout.contains("delivered 2026-W48 to ci"),
        "{}",
        forced.stdout
    );
    assert_eq!(bodies(&server, "/hook").await.len(), 2);
    // Another week is another delivery.
    let mut c = radar(dir.path());
    c.args(["digest", "--week", "2026-W47", "--send"]);
    assert_eq!(harness::Run::of(c.output().unwrap()).code, 0);
    assert_eq!(bodies(&server, "/hook").await.len(), 3);
}

#[test]
fn send_without_targets_says_how_to_add_one() {
    let dir = team("");
    let run = send(dir.path(), &[]);
    assert_eq!(run.code, 2, "could not run");
    assert!(
        run.stderr.contains("no [[deliver]] targets") && run.stderr.contains("kind = \"slack\""),
        "{}",
        run.stderr
    );
}

#[test]
fn credentials_in_the_smtp_url_are_refused_without_echoing_them() {
    let dir = team(
        "\n[[deliver]]\nkind = \"email\"\nsmtp = \"smtp://bot:hunter2@mail.example:587\"\nfrom = \"radar@team.example\"\nto = [\"leads@team.example\"]\n",
    );
    let run = send(dir.path(), &[]);
    assert_eq!(run.code, 2, "a bad radar.toml: could not run");
    assert!(run.stderr.contains("RADAR_SMTP_USER"), "{}", run.stderr);
    assert!(run.stderr.contains("radar.toml"), "{}", run.stderr);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
}

#[tokio::test]
async fn radar_run_delivers_only_when_the_schedule_says_send() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let target = format!(
        "\n[[deliver]]\nkind = \"webhook\"\nurl = \"{}/hook\"\n",
        server.uri()
    );
    let quiet = team(&target);
    let run = harness::Run::of(radar(quiet.path()).arg("run").output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        bodies(&server, "/hook").await.is_empty(),
        "send is off by default"
    );

    let sending = team(&format!("\n[schedule]\nsend = true\n{target}"));
    let run = harness::Run::of(radar(sending.path()).arg("run").output().unwrap());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("delivered 2026-W48 to webhook-1 (webhook)"),
        "{}",
        run.stdout
    );
    let got = bodies(&server, "/hook").await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["week"], WEEK);
}

/// The mail over TLS to a loopback server with a self-signed certificate
/// the radar process is told to trust (`SSL_CERT_FILE`, which the platform
/// verifier reads on Linux): `smtp://` upgrades with STARTTLS when offered,
/// `smtps://` is TLS from the first byte. Untrusted, the same server is
/// refused and the password never sent.
#[test]
fn the_mail_goes_over_starttls_and_smtps_and_an_untrusted_certificate_is_refused() {
    for mode in [SmtpTls::StartTls, SmtpTls::Wrapper] {
        let smtp = SmtpServer::start_tls(Some(("radar-bot", "tls-Pa55word")), mode);
        let dir = team(&format!(
            "\n[[deliver]]\nkind = \"email\"\nname = \"leads\"\nsmtp = \"{}\"\nfrom = \"radar@team.example\"\nto = [\"leads@team.example\"]\nretries = 0\nretry_base_ms = 0\n",
            smtp.url()
        ));
        let ca = dir.path().join("test-ca.pem");
        std::fs::write(&ca, smtp.cert_pem.as_ref().unwrap()).unwrap();
        let attempt = |trust: bool| {
            let mut c = radar(dir.path());
            c.args(["digest", "--week", WEEK, "--send"])
                .env("RADAR_SMTP_USER", "radar-bot")
                .env("RADAR_SMTP_PASSWORD", "tls-Pa55word")
                .env_remove("SSL_CERT_DIR");
            if trust {
                c.env("SSL_CERT_FILE", &ca);
            } else {
                c.env("SSL_CERT_FILE", dir.path().join("no-such-ca.pem"));
            }
            harness::Run::of(c.output().unwrap())
        };

        let refused = attempt(false);
        assert_eq!(refused.code, 1, "{mode:?}: {}", refused.stderr);
        assert!(refused.stderr.contains("leads"), "{}", refused.stderr);
        assert!(
            smtp.received().is_empty(),
            "{mode:?}: sent to an untrusted server"
        );
        assert!(!refused.stderr.contains("tls-Pa55word"));

        let run = attempt(true);
        assert_eq!(run.code, 0, "{mode:?}: {}", run.stderr);
        let got = smtp.received();
        assert_eq!(got.len(), 1, "{mode:?}");
        assert!(got[0].tls, "{mode:?}: the message came in clear");
        assert_eq!(
            got[0].login,
            Some(("radar-bot".into(), "tls-Pa55word".into()))
        );
        let mail = MessageParser::default().parse(&got[0].data).unwrap();
        assert!(mail.subject().unwrap().contains("2026-W48"));
    }
}
