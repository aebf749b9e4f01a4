//! The digest as one mail: `text/plain` (the Markdown digest) and, in a
//! `multipart/related`, `text/html` (the digest page with its radar as a
//! `cid:` PNG) beside the PNG itself; sent over SMTP with lettre (rustls).
//! Credentials come from the environment only and never reach an error or
//! a log line.

use chrono::{DateTime, Utc};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::fmt;
use std::time::Duration;

use super::SendError;
use super::summary::actions_phrase;
use crate::digest::{DigestInput, html};

/// Content-ID of the radar PNG; the HTML refers to it as `cid:radar.png`.
pub const RADAR_CID: &str = "radar.png";

/// SMTP login from `RADAR_SMTP_USER` and `RADAR_SMTP_PASSWORD` (or the file
/// named by `RADAR_SMTP_PASSWORD_FILE`). Debug output hides the password.
#[derive(Clone)]
pub struct SmtpCredentials {
    pub user: String,
    password: String,
}

impl fmt::Debug for SmtpCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpCredentials")
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

impl SmtpCredentials {
    pub fn new(user: String, password: String) -> SmtpCredentials {
        SmtpCredentials { user, password }
    }

    /// Reads the environment. No user means no login (a relay that trusts
    /// its network). Errors name the variable, never its value.
    pub fn from_env() -> Result<Option<SmtpCredentials>, super::DeliverError> {
        use super::DeliverError::Credentials;
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let Some(user) = var("RADAR_SMTP_USER") else {
            if var("RADAR_SMTP_PASSWORD").is_some() || var("RADAR_SMTP_PASSWORD_FILE").is_some() {
                return Err(Credentials(
                    "RADAR_SMTP_PASSWORD is set but RADAR_SMTP_USER is not: set both".into(),
                ));
            }
            return Ok(None);
        };
        let password = match (var("RADAR_SMTP_PASSWORD"), var("RADAR_SMTP_PASSWORD_FILE")) {
            (Some(p), _) => p,
            (None, Some(path)) => std::fs::read_to_string(&path)
                .map_err(|e| {
                    Credentials(format!(
                        "RADAR_SMTP_PASSWORD_FILE {path}: cannot read ({e})"
                    ))
                })?
                .trim_end_matches(['\r', '\n'])
                .to_string(),
            (None, None) => {
                return Err(Credentials(
                    "RADAR_SMTP_USER is set but neither RADAR_SMTP_PASSWORD nor RADAR_SMTP_PASSWORD_FILE is".into(),
                ));
            }
        };
        Ok(Some(SmtpCredentials { user, password }))
    }
}

/// "Platform team radar 2026-W47: 2 actions needed".
pub fn subject(input: &DigestInput) -> String {
    crate::terminal::clean(&format!(
        "{} {}: {}",
        input.title,
        input.week,
        actions_phrase(input.action_needed.len())
    ))
}

/// The digest page made fit for mail: the radar is the PNG part shown by
/// `cid:`, and the small decorative SVGs (sparklines, legend marks), which
/// mail clients would drop or show as garbage, are left out.
pub fn html_for_mail(input: &DigestInput) -> String {
    html::render_for(input, &html::Medium::Mail { cid: RADAR_CID })
}

/// One message: alternative(text/plain, related(text/html, image/png)).
pub fn message(
    from: &str,
    to: &[String],
    input: &DigestInput,
    markdown: String,
    png: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<Message, SendError> {
    let mailbox = |field: &str, s: &str| {
        s.parse::<Mailbox>()
            .map_err(|e| SendError::Address(format!("{field} = {s:?}: {e}")))
    };
    let mut builder = Message::builder()
        .from(mailbox("from", from)?)
        .subject(subject(input))
        .date(now.into())
        // A fresh id per message (uuid@hostname): a resend with --force is
        // a new message, not a duplicate a mail server may drop.
        .message_id(None);
    for t in to {
        builder = builder.to(mailbox("to", t)?);
    }
    let png_type = ContentType::parse("image/png").map_err(|e| SendError::Encode(e.to_string()))?;
    let body = MultiPart::alternative()
        .singlepart(SinglePart::plain(markdown))
        .multipart(
            MultiPart::related()
                .singlepart(SinglePart::html(html_for_mail(input)))
                .singlepart(Attachment::new_inline(RADAR_CID.to_string()).body(png, png_type)),
        );
    builder
        .multipart(body)
        .map_err(|e| SendError::Encode(e.to_string()))
}

/// Sends over `smtp://` (STARTTLS when the server offers it; required when
/// logging in anywhere but loopback, so a password never crosses a network
/// in clear) or `smtps://` (TLS from the first byte).
pub async fn send(
    smtp: &str,
    credentials: Option<&SmtpCredentials>,
    timeout: Duration,
    message: Message,
) -> Result<(), SendError> {
    let url = url::Url::parse(smtp).map_err(|e| SendError::Address(format!("smtp: {e}")))?;
    let host = url
        .host_str()
        .ok_or_else(|| SendError::Address("smtp: no host".into()))?
        .trim_matches(['[', ']'])
        .to_string();
    let wrapper = url.scheme() == "smtps";
    let port = url.port().unwrap_or(if wrapper { 465 } else { 587 });
    let tls_params = TlsParameters::new(host.clone()).map_err(|e| SendError::smtp(&e))?;
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let tls = if wrapper {
        Tls::Wrapper(tls_params)
    } else if credentials.is_some() && !loopback {
        Tls::Required(tls_params)
    } else {
        Tls::Opportunistic(tls_params)
    };
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(port)
        .tls(tls)
        .timeout(Some(timeout));
    if let Some(c) = credentials {
        builder = builder.credentials(Credentials::new(c.user.clone(), c.password.clone()));
    }
    builder
        .build()
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| SendError::smtp(&e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::{IsoWeek, sample};

    #[test]
    fn the_mail_html_shows_the_png_and_no_svg() {
        let week = IsoWeek::parse("2026-W47").unwrap();
        let input = sample::sample(week, week.end());
        let page = html::render(&input);
        assert!(page.contains("<svg"));
        let mail = html_for_mail(&input);
        assert!(!mail.contains("<svg"), "inline SVG left in the mail");
        assert_eq!(mail.matches("cid:radar.png").count(), 1);
        assert!(mail.contains("default-src 'none'; img-src cid:;"), "{mail}");
        assert!(subject(&input).starts_with("Platform team radar 2026-W47: "));
    }

    #[test]
    fn debug_hides_the_password() {
        let c = SmtpCredentials::new("bot".into(), "hunter2-secret".into());
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
