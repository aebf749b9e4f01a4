//! endoflife.date for tests: a loopback server answering
//! `/api/v1/products/<name>/` from a folder of API JSON files, and the
//! conversion of the project's published product files (Markdown with YAML
//! front matter, ../shared/fixtures/eol/products) into that API shape, as
//! the live API generates it.

use crate::harness::{Server, respond};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// Serves `products` (name → API JSON) at `/api/v1/products/<name>/`;
/// anything else is a 404.
pub fn eol_server(products: HashMap<String, Vec<u8>>) -> Server {
    let products = Arc::new(products);
    Server::start(move |_, req, stream, _| {
        let name = req
            .path
            .strip_prefix("/api/v1/products/")
            .map(|p| p.trim_end_matches('/'));
        match name.and_then(|n| products.get(n)) {
            Some(body) => respond(
                stream,
                "200 OK",
                &[("Content-Type", "application/json")],
                body,
            ),
            None => respond(stream, "404 Not Found", &[], b"{\"message\":\"not found\"}"),
        }
    })
}

/// A YAML scalar as the API writes it: dates and numbers as strings.
fn text(v: &serde_yaml_ng::Value) -> Option<String> {
    match v {
        serde_yaml_ng::Value::String(s) => Some(s.clone()),
        serde_yaml_ng::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A product file's front matter as the API's ProductResponse. `isEol` is
/// computed against `today` as the API does when it is generated.
pub fn api_json_from_markdown(name: &str, markdown: &str, today: &str) -> Option<Value> {
    let rest = markdown.strip_prefix("---\n")?;
    let end = rest.find("\n---")?;
    let y: serde_yaml_ng::Value = serde_yaml_ng::from_str(&rest[..end]).ok()?;
    let label = y
        .get("title")
        .and_then(text)
        .unwrap_or_else(|| name.to_string());
    let identifiers: Vec<Value> = y
        .get("identifiers")
        .and_then(|v| v.as_sequence())
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_mapping())
        .flat_map(|m| {
            m.iter()
                .filter_map(|(k, v)| Some(json!({"type": k.as_str()?, "id": text(v)?})))
        })
        .collect();
    let releases: Vec<Value> = y
        .get("releases")
        .and_then(|v| v.as_sequence())
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let cycle = r.get("releaseCycle").and_then(text)?;
            // `eol`/`lts` are a date or a boolean.
            let (is_eol, eol_from) = match r.get("eol") {
                Some(serde_yaml_ng::Value::Bool(b)) => (*b, None),
                Some(v) => {
                    let d = text(v);
                    (d.as_deref().is_some_and(|d| d <= today), d)
                }
                None => (false, None),
            };
            let is_lts = match r.get("lts") {
                Some(serde_yaml_ng::Value::Bool(b)) => *b,
                Some(v) => text(v).is_some_and(|d| d.as_str() <= today),
                None => false,
            };
            Some(json!({
                "name": cycle,
                "codename": r.get("codename").and_then(text),
                "label": cycle,
                "releaseDate": r.get("releaseDate").and_then(text),
                "isLts": is_lts,
                "ltsFrom": null,
                "isEol": is_eol,
                "eolFrom": eol_from,
                "isMaintained": !is_eol,
                "latest": r.get("latest").and_then(text).map(|l| json!({
                    "name": l,
                    "date": r.get("latestReleaseDate").and_then(text),
                    "link": null
                })),
            }))
        })
        .collect();
    Some(json!({
        "schema_version": "1.0.0",
        "generated_at": format!("{today}T00:00:00+00:00"),
        "last_modified": format!("{today}T00:00:00+00:00"),
        "result": {
            "name": name,
            "label": label,
            "aliases": [],
            "category": y.get("category").and_then(text).unwrap_or_default(),
            "tags": [],
            "identifiers": identifiers,
            "labels": {},
            "links": {},
            "releases": releases,
        }
    }))
}
