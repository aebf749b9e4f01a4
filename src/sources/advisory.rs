//! What every advisory parser shares: the index item an advisory becomes
//! (id from the advisory id alone), the page a reader should open, and
//! informational kinds. Both `osv` and `rustsec` sit on this.

use super::ParseContext;
use super::text::collapse;
use crate::model::{Advisory, Affected, Informational, Item, ItemKind, item_id};

pub(super) fn informational_of(kind: &str) -> Informational {
    match kind.trim().to_ascii_lowercase().as_str() {
        "unmaintained" => Informational::Unmaintained,
        "unsound" => Informational::Unsound,
        "notice" => Informational::Notice,
        _ => Informational::Other,
    }
}

/// The page a reader should open for an advisory: RustSec's and GitHub's
/// own pages by id, else the database's page when the record names one,
/// else osv.dev.
pub(super) fn advisory_url(id: &str, own_page: Option<&str>) -> String {
    if id.starts_with("RUSTSEC-") {
        format!("https://rustsec.org/advisories/{id}.html")
    } else if id.starts_with("GHSA-") {
        format!("https://github.com/advisories/{id}")
    } else if let Some(page) = own_page.filter(|p| p.starts_with("https://")) {
        page.to_string()
    } else {
        format!("https://osv.dev/vulnerability/{id}")
    }
}

/// Builds the index item for an advisory.
pub(super) fn advisory_item(ctx: &ParseContext, a: Advisory, extra_tags: Vec<String>) -> Item {
    let mut packages: Vec<String> = a.affected.iter().map(Affected::package_key).collect();
    packages.sort();
    packages.dedup();
    let mut tags = vec![a.id.clone()];
    tags.extend(a.aliases.iter().cloned());
    if let Some(i) = a.informational {
        tags.push(format!("{i:?}").to_lowercase());
    }
    if a.withdrawn.is_some() {
        tags.push("withdrawn".into());
    }
    tags.extend(extra_tags);
    Item {
        id: advisory_item_id(&a.id),
        kind: ItemKind::Advisory,
        source: ctx.source.clone(),
        title: format!("{}: {}", a.id, collapse(&a.summary)),
        body: collapse(&a.details),
        url: a.url.clone(),
        published: a.published.or(a.modified),
        packages,
        tags,
        advisory: Some(Box::new(a)),
    }
}

/// The item id of an advisory: from its id alone, never from where it came.
pub fn advisory_item_id(advisory_id: &str) -> String {
    item_id("advisory", Some(advisory_id), None, "", None)
}
