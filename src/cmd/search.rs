use anyhow::{Result, anyhow};

use super::print_json;
use crate::cli::SearchArgs;
use crate::index::{SearchQuery, Since};
use crate::model::ItemKind;
use crate::settings::Settings;
use crate::terminal::{bold, clean, color_stdout, dim};

pub fn search(ctx: &Settings, args: &SearchArgs) -> Result<u8> {
    let since = args
        .since
        .as_deref()
        .map(Since::parse)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let index = ctx.open_index()?;
    let report = index.search(&SearchQuery {
        text: args.query.clone(),
        kind: args.kind.as_deref().and_then(ItemKind::parse),
        source: args.source.clone(),
        since,
        limit: args.limit,
        now: ctx.now,
    })?;
    if args.json {
        print_json(&report)?;
        return Ok(0);
    }
    let color = color_stdout();
    if report.hits.is_empty() {
        outln!(
            "no results for {:?} ({} items searched)",
            args.query,
            index.count()
        );
        return Ok(0);
    }
    for hit in &report.hits {
        let date = hit
            .published
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| "undated".into());
        outln!("{}", bold(&clean(&hit.title), color));
        outln!(
            "  {}",
            dim(
                &format!("{date} · {} · {}", hit.kind, clean(&hit.source)),
                color
            )
        );
        if let Some(url) = &hit.url {
            outln!("  {}", clean(url));
        }
        if !hit.snippet.is_empty() {
            outln!("  {}", highlight(&hit.snippet, &hit.highlights, color));
        }
        outln!();
    }
    outln!("{} of {} matching items", report.hits.len(), report.total);
    Ok(0)
}

/// Marks matched words: bold on a terminal, `**word**` when piped.
fn highlight(snippet: &str, ranges: &[(usize, usize)], color: bool) -> String {
    let mut out = String::with_capacity(snippet.len() + ranges.len() * 8);
    let mut last = 0;
    for &(start, end) in ranges {
        if start < last
            || end > snippet.len()
            || !snippet.is_char_boundary(start)
            || !snippet.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&clean(&snippet[last..start]));
        let word = clean(&snippet[start..end]);
        if color {
            out.push_str(&format!("\x1b[1;33m{word}\x1b[0m"));
        } else {
            out.push_str(&format!("**{word}**"));
        }
        last = end;
    }
    out.push_str(&clean(&snippet[last..]));
    out
}
