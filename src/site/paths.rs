//! Where each page of the site lives, and the relative links between them:
//! `index.html`, `entries/<slug>.html`, `weeks/<YYYY-Www>.html`. Every link
//! the site writes is relative, so the folder works from `file://`, under
//! any sub-path and on GitHub Pages. Also makes the radar's blips links,
//! around the SVG that `digest::svg` draws (its drawing is not ours).

use std::collections::{BTreeMap, HashSet};

use crate::digest::{Blip, IsoWeek, svg};
use crate::radar::slug;

pub const ENTRIES_DIR: &str = "entries";
pub const WEEKS_DIR: &str = "weeks";

/// A week's page, relative to the site's root. `deliver` builds the
/// absolute links in mail and chat from this too.
pub fn week_page(week: IsoWeek) -> String {
    format!("{WEEKS_DIR}/{week}.html")
}

/// One file name per entry name: the name's slug, with a short hash of the
/// name added when two names share a slug ("C++" and "C").
pub fn entry_files<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let names: Vec<&str> = names.into_iter().collect();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for n in &names {
        *count.entry(slug::slug(n)).or_default() += 1;
    }
    let mut taken = HashSet::new();
    let mut out = BTreeMap::new();
    for n in names {
        let s = slug::slug(n);
        let stem = if count[&s] > 1 || taken.contains(&s) {
            format!("{s}-{}", slug::short_hash(n))
        } else {
            s
        };
        taken.insert(stem.clone());
        out.insert(n.to_string(), format!("{ENTRIES_DIR}/{stem}.html"));
    }
    out
}

/// The same map with every path made relative to a page one folder down
/// (`entries/` or `weeks/`).
pub fn from_subfolder(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files
        .iter()
        .map(|(k, v)| (k.clone(), format!("../{v}")))
        .collect()
}

/// The radar picture of `blips` with each blip wrapped in a link to its
/// entry page (`href` by name; a blip without one stays a plain picture).
///
/// Blips are found by the `data-n` number `svg::number` gives them, so this
/// follows the drawing whatever its geometry. Hrefs are our own relative
/// paths, escaped for the attribute all the same.
pub fn linked_radar(blips: &[Blip], href: &dyn Fn(&str) -> Option<String>) -> String {
    let drawn = svg::render(blips);
    let by_number: BTreeMap<u32, String> = svg::number(blips)
        .into_iter()
        .filter_map(|(n, b)| Some((n, href(&b.name)?)))
        .collect();
    let mut out = String::with_capacity(drawn.len() + by_number.len() * 64);
    let mut rest = drawn.as_str();
    const OPEN: &str = r#"<g class="blip" data-n=""#;
    while let Some(at) = rest.find(OPEN) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let n: Option<u32> = rest[OPEN.len()..]
            .split('"')
            .next()
            .and_then(|d| d.parse().ok());
        // A blip's group holds no other group: its first `</g>` ends it.
        let end = rest.find("</g>").map_or(rest.len(), |e| e + "</g>".len());
        match n.and_then(|n| by_number.get(&n)) {
            Some(h) => {
                out.push_str(r#"<a href=""#);
                out.push_str(&crate::digest::sanitize::escape_html(h));
                out.push_str(r#"">"#);
                out.push_str(&rest[..end]);
                out.push_str("</a>");
            }
            None => out.push_str(&rest[..end]),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Movement;
    use crate::model::{Quadrant, Ring};

    fn blip(name: &str, q: Quadrant, ring: Ring) -> Blip {
        Blip {
            name: name.into(),
            quadrant: q,
            ring,
            movement: Movement::Unchanged,
        }
    }

    #[test]
    fn colliding_slugs_get_a_hash_and_stay_distinct() {
        let files = entry_files(["C++", "C", "Rust", "rust!"]);
        let mut paths: Vec<&String> = files.values().collect();
        paths.sort();
        paths.dedup();
        assert_eq!(paths.len(), 4, "{files:?}");
        assert!(
            files
                .values()
                .all(|p| p.starts_with("entries/") && p.ends_with(".html"))
        );
        assert!(files.values().all(|p| {
            p[8..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-.".contains(c))
        }));
    }

    #[test]
    fn every_blip_is_wrapped_in_its_own_link() {
        let blips = vec![
            blip("tokio", Quadrant::LanguagesAndFrameworks, Ring::Adopt),
            blip("Kafka", Quadrant::Platforms, Ring::Hold),
            blip("no page", Quadrant::Tools, Ring::Trial),
        ];
        let files = entry_files(["tokio", "Kafka"]);
        let svg = linked_radar(&blips, &|n| files.get(n).cloned());
        assert_eq!(svg.matches("<a href=").count(), 2, "{svg}");
        assert_eq!(svg.matches(r#"<g class="blip""#).count(), 3);
        assert!(svg.contains(r#"<a href="entries/tokio.html"><g class="blip""#));
        // The links close right after their blip, and the picture is whole.
        assert_eq!(svg.matches("</a>").count(), 2);
        assert!(svg.ends_with("</svg>"));
        let unlinked = svg::render(&blips);
        assert_eq!(
            svg.replace("<a href=\"entries/tokio.html\">", "")
                .replace("<a href=\"entries/kafka.html\">", "")
                .replace("</a>", ""),
            unlinked
        );
    }
}
