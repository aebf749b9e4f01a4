//! End of life through the real binary: `kind = "eol"` sources served in
//! endoflife.date's API v1 shape from 127.0.0.1 (our own trimmed products
//! in tests/fixtures/eol, and all 464 published product files when
//! ../shared is present), matched to techs by `eol = …` or by purl, scored
//! into `eol` signals and listed in the digest's "Action needed".

use crate::harness::{
    FAST, TeamRadar, api_json_from_markdown, crawl_radar, eol_server, fixture, parse_json, row,
    source,
};
use std::collections::HashMap;

const NOW: &str = "2026-11-25T10:00:00Z";

const STACK: &str = r#"
[[tech]]
name = "Python"
quadrant = "languages-and-frameworks"
ring = "adopt"
version = "3.8.18"
eol = "python"

[[tech]]
name = "Django"
quadrant = "languages-and-frameworks"
ring = "trial"
package = "PyPI/django"
version = "3.2.25"

[[tech]]
name = "Node.js"
quadrant = "platforms"
ring = "adopt"
version = "22.11.0"
eol = "nodejs"

[[tech]]
name = "Django REST"
quadrant = "languages-and-frameworks"
ring = "adopt"
package = "PyPI/djangorestframework"
version = "3.15.2"
"#;

fn own_products() -> HashMap<String, Vec<u8>> {
    ["python", "django", "nodejs"]
        .into_iter()
        .map(|n| {
            let f = fixture(&format!("eol/{n}.json"));
            (n.to_string(), std::fs::read(f).unwrap())
        })
        .collect()
}

fn team() -> (TeamRadar, crate::harness::Server) {
    let server = eol_server(own_products());
    let sources: String = ["python", "django", "nodejs"]
        .iter()
        .map(|n| {
            source(
                &format!("{n} eol"),
                &server.url(&format!("/api/v1/products/{n}/")),
                "kind = \"eol\"",
            )
        })
        .collect();
    let team = crawl_radar(FAST, &sources).stack(STACK);
    let run = team.crawl_at(NOW);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    (team, server)
}

fn run(team: &TeamRadar, args: &[&str]) -> String {
    let out = team.command(NOW, args).output().unwrap();
    assert!(
        out.status.success(),
        "radar {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn past_and_soon_end_of_life_become_signals_proposals_and_actions() {
    let (team, _server) = team();
    let report = parse_json(&run(&team, &["update", "--json"]));
    let python = row(&report["entries"], "name", "Python");
    assert_eq!(python["proposed"], "hold", "{python:#}");
    assert_eq!(
        python["reasons"][0],
        "Python 3.8 reached end of life on 2024-10-07; 3.11 and later are supported"
    );
    assert_eq!(
        python["rule"],
        "Python 3.8 reached end of life on 2024-10-07 → hold"
    );
    // Matched through the product's purl (pkg:pypi/django), LTS said so.
    let django = row(&report["entries"], "name", "Django");
    assert_eq!(django["proposed"], "hold", "{django:#}");
    assert_eq!(
        django["reasons"][0],
        "Django 3.2 (LTS) reached end of life on 2024-04-01; 5.2 and later are supported"
    );
    // Within 180 days: a warning with the date, one ring out at most.
    let node = row(&report["entries"], "name", "Node.js");
    assert_eq!(
        node["reasons"][0],
        "Node.js 22 (LTS) reaches end of life on 2027-04-30 (in 156 days)"
    );
    assert_ne!(node["proposed"], "hold", "{node:#}");
    // No product names it: no eol signal.
    let drf = row(&report["entries"], "name", "Django REST");
    assert!(
        drf["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !r.as_str().unwrap().contains("end of life")),
        "{drf:#}"
    );
    let entry = std::fs::read_to_string(
        team.path()
            .join("entries/languages-and-frameworks/python.md"),
    )
    .unwrap();
    assert!(entry.contains("kind = \"eol\"\nweight = -0.5\n"), "{entry}");
    assert!(
        entry.contains("url = \"https://endoflife.date/python\""),
        "{entry}"
    );

    let md = run(&team, &["digest"]);
    let action = &md[md.find("## Action needed").expect(&md)..];
    let lines: Vec<&str> = action
        .lines()
        .filter(|l| l.starts_with("- **End"))
        .collect();
    assert_eq!(lines.len(), 3, "{md}");
    assert!(lines[0].starts_with(
        "- **End of life** · Django 3.2 (LTS) (we run 3.2.25) reached end of life on 2024-04-01: upgrade to 5.2 or later"
    ), "{md}");
    assert!(lines[1].starts_with(
        "- **End of life** · Python 3.8 (we run 3.8.18) reached end of life on 2024-10-07: upgrade to 3.11 or later"
    ), "{md}");
    assert!(lines[2].starts_with(
        "- **End of life soon** · Node.js 22 (LTS) (we run 22.11.0) reaches end of life on 2027-04-30"
    ), "{md}");
    assert!(md.contains("**3 end-of-life warnings**"), "{md}");

    // A table of dates is not a mention: trends count none of it.
    let t = parse_json(&run(&team, &["trends", "--json"]));
    let p = row(&t["terms"], "term", "Python");
    assert!(
        p["counts"].as_array().unwrap().iter().all(|c| c == 0),
        "{p}"
    );
}

#[test]
fn the_eol_shorthand_and_bad_products_are_explained() {
    let dir = std::path::Path::new("/team");
    let c = techradar::config::parse_radar(
        "[[source]]\nname = \"py\"\neol = \"python\"\n",
        &dir.join("radar.toml"),
    )
    .unwrap();
    assert_eq!(c.sources[0].kind, techradar::config::SourceKind::Eol);
    assert_eq!(
        c.sources[0].location_display(),
        "https://endoflife.date/api/v1/products/python/"
    );
    let e = techradar::config::parse_radar(
        "[[source]]\nname = \"py\"\neol = \"../python\"\n",
        &dir.join("radar.toml"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("endoflife.date product name"), "{e}");
}

#[test]
fn a_response_of_another_shape_fails_that_source_only() {
    let mut products = own_products();
    products.insert("broken".into(), b"{\"result\": {\"name\": 3}}".to_vec());
    let server = eol_server(products);
    let sources = source(
        "python eol",
        &server.url("/api/v1/products/python/"),
        "kind = \"eol\"",
    ) + &source(
        "broken eol",
        &server.url("/api/v1/products/broken/"),
        "kind = \"eol\"",
    );
    let team = crawl_radar(FAST, &sources).stack(STACK);
    let run = team.crawl_at(NOW);
    assert_eq!(run.status("python eol"), "fetched", "{}", run.stdout);
    assert!(
        run.error("broken eol")
            .contains("not an endoflife.date product"),
        "{}",
        run.stdout
    );
}

/// Every product endoflife.date publishes, served as the API serves it:
/// each crawls into one item, and the well-known ones read right.
#[test]
fn all_published_products_parse() {
    let dir = fixtures_or_skip!("eol/products");
    let mut products = HashMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&p).unwrap();
        let json = api_json_from_markdown(&name, &text, "2026-11-25")
            .unwrap_or_else(|| panic!("{}: no front matter", p.display()));
        products.insert(name, serde_json::to_vec(&json).unwrap());
    }
    assert_eq!(products.len(), 464);
    let mut names: Vec<String> = products.keys().cloned().collect();
    names.sort();
    let server = eol_server(products);
    let sources: String = names
        .iter()
        .map(|n| {
            source(
                n,
                &server.url(&format!("/api/v1/products/{n}/")),
                "kind = \"eol\"",
            )
        })
        .collect();
    let team = crawl_radar(FAST, &sources).stack(STACK);
    let run = team.crawl_at(NOW);
    let failed: Vec<String> = names
        .iter()
        .filter(|n| run.status(n) != "fetched")
        .map(|n| format!("{n}: {}", run.error(n)))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let items = team.items();
    assert_eq!(items.len(), 464);
    // Python and Django as published: our stack's cycles are past EOL.
    let report = parse_json(&run_cmd(&team, &["update", "--json"]));
    let python = row(&report["entries"], "name", "Python");
    assert!(
        python["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("Python 3.8 reached end of life on 2024-10-07; "),
        "{python:#}"
    );
    let django = row(&report["entries"], "name", "Django");
    assert!(
        django["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("Django 3.2 (LTS) reached end of life on 2024-04-01"),
        "{django:#}"
    );
}

fn run_cmd(team: &TeamRadar, args: &[&str]) -> String {
    run(team, args)
}
