//! Chat payloads (Slack, Teams, Mattermost, a generic JSON webhook) and
//! the one POST that sends them. Builds JSON from a [`Summary`] (or the
//! whole `DigestInput` for `webhook`); never puts the webhook URL in an
//! error, since the URL is the secret.

use serde_json::{Value, json};
use std::time::Duration;

use super::SendError;
use super::summary::Summary;
use crate::digest::DigestInput;

/// Slack: `blocks` for the message, `text` for notifications and clients
/// that do not draw blocks.
pub fn slack(s: &Summary) -> Value {
    let esc = slack_escape;
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": format!("{} · {}", s.title, s.week)},
    })];
    for (heading, lines, total) in sections(s) {
        let mut text = format!("*{heading}*");
        for l in &lines {
            text.push_str(&format!("\n• {}", esc(l)));
        }
        if total > lines.len() {
            text.push_str(&format!("\n…and {} more", total - lines.len()));
        }
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": text}}));
    }
    if let Some(link) = &s.link {
        blocks.push(json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": format!("<{}|Open the week's digest>", esc(link))},
        }));
    }
    json!({"text": headline(s), "blocks": blocks})
}

/// Mattermost incoming webhook: one Markdown `text`.
pub fn mattermost(s: &Summary) -> Value {
    json!({"username": "radar", "text": markdown(s)})
}

/// Teams (Workflows webhook): a message carrying one Adaptive Card, the
/// format Microsoft's retired Office 365 connectors were replaced by.
pub fn teams(s: &Summary) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": true,
        "text": md_escape(&format!("{} · {}: {}", s.title, s.week, s.actions_phrase())),
    })];
    for (heading, lines, total) in sections(s) {
        body.push(json!({"type": "TextBlock", "weight": "Bolder", "wrap": true, "spacing": "Medium", "text": heading}));
        let mut text: Vec<String> = lines
            .iter()
            .map(|l| format!("- {}", md_escape(l)))
            .collect();
        if total > lines.len() {
            text.push(format!("- …and {} more", total - lines.len()));
        }
        body.push(json!({"type": "TextBlock", "wrap": true, "text": text.join("\r")}));
    }
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    });
    if let Some(link) = &s.link {
        card["actions"] =
            json!([{"type": "Action.OpenUrl", "title": "Open the week's digest", "url": link}]);
    }
    json!({
        "type": "message",
        "summary": headline(s),
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

/// The generic webhook receives the whole digest as JSON.
pub fn webhook(input: &DigestInput) -> Result<Value, SendError> {
    serde_json::to_value(input).map_err(|e| SendError::Encode(e.to_string()))
}

/// "Platform team radar 2026-W47: 2 actions needed".
pub fn headline(s: &Summary) -> String {
    format!("{} {}: {}", s.title, s.week, s.actions_phrase())
}

/// The summary as Markdown (Mattermost; the same words everywhere).
pub fn markdown(s: &Summary) -> String {
    let mut out = format!("#### {}\n", md_escape(&headline(s)));
    for (heading, lines, total) in sections(s) {
        out.push_str(&format!("\n**{heading}**\n"));
        for l in &lines {
            out.push_str(&format!("- {}\n", md_escape(l)));
        }
        if total > lines.len() {
            out.push_str(&format!("- …and {} more\n", total - lines.len()));
        }
    }
    if let Some(link) = &s.link {
        out.push_str(&format!("\n[Open the week's digest]({link})\n"));
    }
    out
}

/// The sections that have something to say: heading, lines, total count.
fn sections(s: &Summary) -> Vec<(String, Vec<String>, usize)> {
    let mut out = Vec::new();
    if s.actions_total > 0 {
        out.push((
            format!("Action needed ({})", s.actions_total),
            s.actions.clone(),
            s.actions_total,
        ));
    }
    if !s.majors.is_empty() {
        out.push((
            "New majors of our stack".into(),
            s.majors.clone(),
            s.majors.len(),
        ));
    }
    if !s.rising.is_empty() {
        out.push(("Rising".into(), s.rising.clone(), s.rising.len()));
    }
    if s.proposals_total > 0 {
        out.push((
            format!("Proposals to review ({})", s.proposals_total),
            s.proposals.clone(),
            s.proposals_total,
        ));
    }
    out
}

/// Slack's mrkdwn treats `&`, `<`, `>` as control characters.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text from feeds must not become links or emphasis in Markdown.
fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// POSTs `body` as JSON. Redirects are not followed (a webhook that
/// redirects is misconfigured, and following would carry the payload
/// elsewhere).
pub async fn post(url: &str, body: &Value, timeout: Duration) -> Result<(), SendError> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("techradar/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| SendError::from_reqwest(e.without_url()))?;
    let bytes = serde_json::to_vec(body).map_err(|e| SendError::Encode(e.to_string()))?;
    let resp = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(bytes)
        .send()
        .await
        .map_err(|e| SendError::from_reqwest(e.without_url()))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(());
    }
    let text = resp.text().await.unwrap_or_default();
    let body: String = crate::terminal::clean(&text).chars().take(200).collect();
    let body = body.trim();
    Err(SendError::Status {
        status: status.as_u16(),
        detail: if body.is_empty() {
            String::new()
        } else {
            format!(": {body}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> Summary {
        Summary {
            title: "Team radar".into(),
            week: "2026-W47".into(),
            actions_total: 7,
            actions: vec!["high 8.2 · <b>x</b> & [y](z): upgrade".into(); 5],
            majors: vec!["tokio 2.0.0 (we run 1.38.0)".into()],
            rising: vec![],
            proposals_total: 0,
            proposals: vec![],
            link: Some("https://radar.example/weeks/2026-W47.html".into()),
        }
    }

    #[test]
    fn slack_escapes_feed_text_and_says_how_many_more() {
        let v = slack(&summary());
        let text = v.to_string();
        assert_eq!(v["text"], "Team radar 2026-W47: 7 actions needed");
        assert!(text.contains("&lt;b&gt;x&lt;/b&gt; &amp;"), "{text}");
        assert!(text.contains("…and 2 more"), "{text}");
        assert!(
            !text.contains("Rising"),
            "empty sections are left out: {text}"
        );
        assert!(
            text.contains("<https://radar.example/weeks/2026-W47.html|Open"),
            "{text}"
        );
    }

    #[test]
    fn markdown_text_cannot_make_links() {
        let m = markdown(&summary());
        assert!(m.contains(r"\[y\](z)"), "{m}");
        assert!(m.contains("[Open the week's digest](https://radar.example/weeks/2026-W47.html)"));
        let t = teams(&summary());
        assert_eq!(t["attachments"][0]["content"]["type"], "AdaptiveCard");
        assert_eq!(
            t["attachments"][0]["content"]["actions"][0]["url"],
            "https://radar.example/weeks/2026-W47.html"
        );
    }
}
