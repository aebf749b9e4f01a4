//! Reading the index: user queries with filters, and typed lookups.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{DateTime as TantivyDate, DocAddress, Score, SegmentReader, Term};

use super::{IndexError, RadarIndex};
use crate::model::{Item, ItemKind};

/// A `--since` value that is neither a span nor a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--since {value:?}: use a number of days or weeks (30d, 12w) or a date (2026-01-01)")]
pub struct SinceError {
    /// As given, trimmed.
    pub value: String,
}

/// How far back `--since` reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Days(u32),
    Date(NaiveDate),
}

impl Since {
    /// Parses `30d`, `12w` or `2026-01-01`.
    pub fn parse(s: &str) -> Result<Since, SinceError> {
        let s = s.trim();
        if let Some(n) = s.strip_suffix('d') {
            return n.parse().map(Since::Days).map_err(|_| bad_since(s));
        }
        if let Some(n) = s.strip_suffix('w') {
            return n
                .parse::<u32>()
                .map(|w| Since::Days(w * 7))
                .map_err(|_| bad_since(s));
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Since::Date)
            .map_err(|_| bad_since(s))
    }

    pub fn cutoff(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Since::Days(d) => now - Duration::days(i64::from(d)),
            Since::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
        }
    }
}

fn bad_since(s: &str) -> SinceError {
    SinceError {
        value: s.to_string(),
    }
}

#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub text: String,
    pub kind: Option<ItemKind>,
    pub source: Option<String>,
    pub since: Option<Since>,
    pub limit: usize,
    /// Recency is scored against this instant, not the wall clock.
    pub now: DateTime<Utc>,
}

/// `--json` shape for `search` (DESIGN.md); keys may be added, never renamed.
#[derive(Debug, Clone, Serialize)]
pub struct SearchReport {
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub id: String,
    pub kind: ItemKind,
    pub source: String,
    pub title: String,
    pub url: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub packages: Vec<String>,
    pub score: f32,
    /// Plain text around the best match; renderers highlight `highlights`.
    pub snippet: String,
    /// Byte ranges of `snippet` that matched the query.
    pub highlights: Vec<(usize, usize)>,
}

/// Half-life of the recency boost. With the floor below, an item this old
/// scores 0.625 of a new one and a years-old item 0.25: relevance still
/// decides among items of the same month, but last week's news comes first.
const RECENCY_HALF_LIFE_DAYS: f64 = 30.0;
const RECENCY_FLOOR: f64 = 0.25;

pub(super) fn search(index: &RadarIndex, q: &SearchQuery) -> Result<SearchReport, IndexError> {
    let f = index.fields;
    let mut parser = QueryParser::for_index(&index.index, vec![f.title, f.body, f.packages]);
    parser.set_field_boost(f.title, 2.0);
    parser.set_conjunction_by_default();
    let text_query: Box<dyn Query> = if q.text.trim().is_empty() || q.text.trim() == "*" {
        Box::new(AllQuery)
    } else {
        parser.parse_query(&q.text).map_err(|e| IndexError::Query {
            query: q.text.clone(),
            message: e.to_string(),
        })?
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
    if let Some(kind) = q.kind {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, kind.as_str()),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(source) = &q.source {
        clauses.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.source, source),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(since) = q.since {
        let from = TantivyDate::from_timestamp_secs(since.cutoff(q.now).timestamp());
        clauses.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                std::ops::Bound::Included(Term::from_field_date(f.published, from)),
                std::ops::Bound::Unbounded,
            )),
        ));
    }
    let query = BooleanQuery::new(clauses);
    let searcher = index.reader.searcher();
    let now_secs = q.now.timestamp();
    let limit = q.limit.max(1);
    let collector = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
        let published = segment
            .fast_fields()
            .date("published")
            .ok()
            .map(|c| c.first_or_default_col(TantivyDate::from_timestamp_secs(0)));
        move |doc, score: Score| {
            let age_days = published
                .as_ref()
                .map(|c| (now_secs - c.get_val(doc).into_timestamp_secs()).max(0) as f64 / 86_400.0)
                .unwrap_or(3650.0);
            let decay = (-age_days * std::f64::consts::LN_2 / RECENCY_HALF_LIFE_DAYS).exp();
            let recency = RECENCY_FLOOR + (1.0 - RECENCY_FLOOR) * decay;
            score * recency as f32
        }
    });
    // One pass counts and ranks: a query on common words (or a phrase,
    // whose positions are read per candidate) costs what its matches cost,
    // so a second pass for the count doubled it.
    let (total, top) = searcher
        .search(&query, &(tantivy::collector::Count, collector))
        .map_err(index.tantivy_err("search"))?;
    let snippets = SnippetGenerator::create(&searcher, &*text_query, f.body)
        .map_err(index.tantivy_err("snippets"))?;
    let title_snippets = SnippetGenerator::create(&searcher, &*text_query, f.title)
        .map_err(index.tantivy_err("snippets"))?;
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(index.tantivy_err("read document"))?;
        let item = item_from_doc(index, &doc)?;
        // Title and body are not stored on their own (see schema.rs): the
        // snippets come from the item JSON, which holds the same text.
        let mut snip = snippets.snippet(&item.body);
        if snip.highlighted().is_empty() {
            let title_snip = title_snippets.snippet(&item.title);
            if !title_snip.highlighted().is_empty() || snip.fragment().is_empty() {
                snip = if item.body.is_empty() {
                    title_snip
                } else {
                    snip
                };
            }
        }
        let mut snippet = snip.fragment().to_string();
        let mut highlights: Vec<(usize, usize)> = snip
            .highlighted()
            .iter()
            .map(|r| (r.start, r.end))
            .collect();
        if snippet.is_empty() {
            snippet = item.body.chars().take(150).collect();
            highlights.clear();
        }
        hits.push(SearchHit {
            id: item.id,
            kind: item.kind,
            source: item.source,
            title: item.title,
            url: item.url,
            published: item.published,
            packages: item.packages,
            score,
            snippet,
            highlights,
        });
    }
    Ok(SearchReport { total, hits })
}

pub(super) fn item_from_doc(index: &RadarIndex, doc: &TantivyDocument) -> Result<Item, IndexError> {
    let json = doc
        .get_first(index.fields.item)
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    serde_json::from_str(json).map_err(|e| IndexError::Corrupt {
        id: doc
            .get_first(index.fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or("?")
            .to_string(),
        message: e.to_string(),
    })
}

pub(super) fn collect(index: &RadarIndex, query: &dyn Query) -> Result<Vec<Item>, IndexError> {
    let mut items = Vec::new();
    visit(index, query, &mut |item| items.push(item))?;
    items.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(items)
}

/// Hands every item matching `query` to `f`, one at a time, in storage
/// order rather than id order: a window read then decompresses each
/// docstore block once (the block cache holds only a few) and never holds
/// more than one item, so its memory does not grow with the window.
pub(super) fn visit(
    index: &RadarIndex,
    query: &dyn Query,
    f: &mut dyn FnMut(Item),
) -> Result<(), IndexError> {
    let searcher = index.reader.searcher();
    if searcher.num_docs() == 0 {
        return Ok(());
    }
    let mut addrs: Vec<DocAddress> = searcher
        .search(query, &tantivy::collector::DocSetCollector)
        .map_err(index.tantivy_err("search"))?
        .into_iter()
        .collect();
    addrs.sort_unstable();
    for addr in addrs {
        let doc: TantivyDocument = searcher
            .doc(addr)
            .map_err(index.tantivy_err("read document"))?;
        f(item_from_doc(index, &doc)?);
    }
    Ok(())
}

pub(super) fn all_items(index: &RadarIndex) -> Result<Vec<Item>, IndexError> {
    collect(index, &AllQuery)
}

/// Items published in `[from, to)`, and advisories with any date
/// (`published`, or the advisory's own `published` or `modified`) in
/// `[changed_from, changed_to)`: an advisory counts in a week by its
/// `modified` too, which the `published` field does not hold.
pub(super) fn range_and_advisories_query(
    index: &RadarIndex,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    changed_from: DateTime<Utc>,
    changed_to: DateTime<Utc>,
) -> BooleanQuery {
    let f = index.fields;
    let range = |field, a: DateTime<Utc>, b: DateTime<Utc>| {
        let date = |d: DateTime<Utc>| {
            Term::from_field_date(field, TantivyDate::from_timestamp_secs(d.timestamp()))
        };
        RangeQuery::new(
            std::ops::Bound::Included(date(a)),
            std::ops::Bound::Excluded(date(b)),
        )
    };
    let advisories = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, ItemKind::Advisory.as_str()),
                IndexRecordOption::Basic,
            )) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(range(f.changed, changed_from, changed_to)),
        ),
    ]);
    let clauses: Vec<(Occur, Box<dyn Query>)> = vec![
        (Occur::Should, Box::new(range(f.published, from, to))),
        (Occur::Should, Box::new(advisories)),
    ];
    BooleanQuery::new(clauses)
}

pub(super) fn published_since_query(index: &RadarIndex, from: DateTime<Utc>) -> RangeQuery {
    let from = Term::from_field_date(
        index.fields.published,
        TantivyDate::from_timestamp_secs(from.timestamp()),
    );
    RangeQuery::new(std::ops::Bound::Included(from), std::ops::Bound::Unbounded)
}

pub(super) fn releases_about(
    index: &RadarIndex,
    about: &[String],
) -> Result<Vec<Item>, IndexError> {
    if about.is_empty() {
        return Ok(Vec::new());
    }
    collect(index, &releases_about_query(index, about))
}

pub(super) fn releases_about_query(index: &RadarIndex, about: &[String]) -> BooleanQuery {
    let f = index.fields;
    let terms = about.iter().map(|a| Term::from_field_text(f.about, a));
    BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(tantivy::query::TermSetQuery::new(terms)) as Box<dyn Query>,
        ),
        (
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_text(f.kind, ItemKind::Release.as_str()),
                IndexRecordOption::Basic,
            )),
        ),
    ])
}

pub(super) fn items_tagged(index: &RadarIndex, tag: &str) -> Result<Vec<Item>, IndexError> {
    collect(
        index,
        &TermQuery::new(
            Term::from_field_text(index.fields.tags, tag),
            IndexRecordOption::Basic,
        ),
    )
}

pub(super) fn items_for_packages(
    index: &RadarIndex,
    keys: &[String],
) -> Result<Vec<Item>, IndexError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let clauses: Vec<(Occur, Box<dyn Query>)> = keys
        .iter()
        .map(|k| {
            (
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(index.fields.package_key, k),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            )
        })
        .collect();
    collect(index, &BooleanQuery::new(clauses))
}

pub(super) fn get(index: &RadarIndex, id: &str) -> Result<Option<Item>, IndexError> {
    let q = TermQuery::new(
        Term::from_field_text(index.fields.id, id),
        IndexRecordOption::Basic,
    );
    Ok(collect(index, &q)?.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: &str, kind: ItemKind, published: Option<i64>) -> Item {
        Item {
            id: id.into(),
            kind,
            source: "t".into(),
            title: id.into(),
            body: String::new(),
            url: None,
            published: published.map(|s| Utc.timestamp_opt(s, 0).unwrap()),
            packages: vec![],
            tags: vec![],
            advisory: None,
        }
    }

    /// Every segment holds its items oldest first (undated ones first of
    /// all), also after merges, so a window read touches consecutive
    /// docstore blocks; and reads still see every item.
    #[test]
    fn segments_keep_items_in_date_order_through_merges() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        for commit in 0..12u32 {
            for k in 0..10 {
                let n = commit * 10 + k;
                // Dates scattered over 101 days, every 13th item undated.
                let day = i64::from((n * 37) % 101);
                let published = (!n.is_multiple_of(13)).then_some(1_700_000_000 + day * 86_400);
                w.upsert(&item(&format!("i{n:03}"), ItemKind::Article, published))
                    .unwrap();
            }
            w.commit().unwrap();
        }
        // Dropping the writer waits for the merges it started.
        drop(w);
        index.reload().unwrap();
        let searcher = index.reader.searcher();
        assert!(
            searcher.segment_readers().len() < 12,
            "some segments were merged"
        );
        for segment in searcher.segment_readers() {
            let published = segment.fast_fields().date("published").unwrap();
            let dates: Vec<Option<i64>> = segment
                .doc_ids_alive()
                .map(|doc| published.first(doc).map(|d| d.into_timestamp_secs()))
                .collect();
            assert!(dates.is_sorted(), "segment out of date order: {dates:?}");
        }
        assert_eq!(index.all_items().unwrap().len(), 120);
        let from = Utc.timestamp_opt(1_700_000_000 + 90 * 86_400, 0).unwrap();
        let mut recent = Vec::new();
        index
            .visit_published_since(from, |it| recent.push(it.published.unwrap()))
            .unwrap();
        assert!(!recent.is_empty() && recent.iter().all(|d| *d >= from));
    }

    /// The digest's read: the range is half-open, undated items and old
    /// releases stay out, advisories come by any of their dates in the
    /// advisory range, whatever their item date.
    #[test]
    fn range_read_keeps_the_window_and_the_advisories_changed_in_the_week() {
        let dir = tempfile::tempdir().unwrap();
        let index = RadarIndex::open_or_create(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        let advisory =
            |id: &str, published: Option<i64>, own: Option<i64>, modified: Option<i64>| {
                let mut it = item(id, ItemKind::Advisory, published);
                it.advisory = Some(Box::new(crate::model::Advisory {
                    id: id.into(),
                    published: own.map(|s| Utc.timestamp_opt(s, 0).unwrap()),
                    modified: modified.map(|s| Utc.timestamp_opt(s, 0).unwrap()),
                    ..Default::default()
                }));
                it
            };
        for it in [
            item("before", ItemKind::Release, Some(999)),
            item("first", ItemKind::Release, Some(1_000)),
            item("inside", ItemKind::Article, Some(1_500)),
            item("at-end", ItemKind::Release, Some(2_000)),
            item("undated", ItemKind::Article, None),
            advisory("old-advisory", Some(10), Some(10), Some(20)),
            advisory("undated-advisory", None, None, None),
            advisory("modified-in-week", None, Some(10), Some(1_900)),
            advisory("published-in-week", None, Some(1_800), None),
            advisory("item-date-in-week", Some(1_850), None, None),
            advisory("modified-after", None, None, Some(2_000)),
        ] {
            w.upsert(&it).unwrap();
        }
        w.commit().unwrap();
        drop(w);
        let at = |s| Utc.timestamp_opt(s, 0).unwrap();
        let got: Vec<String> = index
            .items_in_range_and_advisories(at(1_000), at(2_000), at(1_700), at(2_000))
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect();
        assert_eq!(
            got,
            [
                "first",
                "inside",
                "item-date-in-week",
                "modified-in-week",
                "published-in-week"
            ]
        );
    }
}
