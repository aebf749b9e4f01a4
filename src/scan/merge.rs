//! Writes a scan into stack.toml and radar.toml, editing the documents
//! with `toml_edit` so a lead's comments, order and edits survive. Only
//! appends: a `[[lockfile]]` already listed, a `[[tech]]` already naming
//! the package (or the name, or for a runtime the same `eol` product), a
//! `[[source]]` with the same URL, name or `eol` product is left as it is.
//! Pure: text in, text out.

use std::collections::HashSet;
use std::path::Path;
use thiserror::Error;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::{Found, advisory_source, eol};
use crate::model::{Quadrant, canonical_name, package_key};

#[derive(Debug, Error)]
pub enum MergeError {
    #[error("{path}: not valid TOML, so nothing was merged into it: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: `{key}` is not an array of tables ([[{key}]]); fix it, then scan again")]
    Shape { path: String, key: &'static str },
}

/// What a merge appended, for the summary.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Added {
    pub lockfiles: Vec<String>,
    /// `name (package version)`.
    pub techs: Vec<String>,
    pub sources: Vec<String>,
}

fn parse(text: &str, path: &Path) -> Result<DocumentMut, MergeError> {
    text.parse::<DocumentMut>().map_err(|e| MergeError::Parse {
        path: path.display().to_string(),
        message: e.to_string().trim().to_string(),
    })
}

fn tables<'a>(
    doc: &'a mut DocumentMut,
    key: &'static str,
    path: &Path,
) -> Result<&'a mut ArrayOfTables, MergeError> {
    doc.entry(key)
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .ok_or(MergeError::Shape {
            path: path.display().to_string(),
            key,
        })
}

fn canonical_key(key: &str) -> String {
    match key.split_once('/') {
        Some((e, n)) => {
            let e = crate::sources::registry::osv_ecosystem(e).unwrap_or(e);
            package_key(e, &canonical_name(e, n))
        }
        None => key.to_string(),
    }
}

/// Appends the scan's lockfiles (as `relative` paths) and techs to
/// stack.toml's text. `path` names the file in errors.
pub fn merge_stack(
    text: &str,
    path: &Path,
    found: &Found,
    relative: impl Fn(&Path) -> String,
) -> Result<(String, Added), MergeError> {
    let mut doc = parse(text, path)?;
    let mut added = Added::default();

    let listed: HashSet<String> = tables(&mut doc, "lockfile", path)?
        .iter()
        .filter_map(|t| t.get("path")?.as_str().map(normalise))
        .collect();
    let lockfiles = tables(&mut doc, "lockfile", path)?;
    for lock in &found.lockfiles {
        let rel = relative(lock);
        if listed.contains(&normalise(&rel)) {
            continue;
        }
        let mut t = Table::new();
        t["path"] = value(rel.clone());
        lockfiles.push(t);
        added.lockfiles.push(rel);
    }

    let techs = tables(&mut doc, "tech", path)?;
    let mut names: HashSet<String> = techs
        .iter()
        .filter_map(|t| t.get("name")?.as_str().map(str::to_lowercase))
        .collect();
    let packages: HashSet<String> = techs
        .iter()
        .filter_map(|t| t.get("package")?.as_str().map(canonical_key))
        .collect();
    let shape = crate::shape::active();
    for tech in &found.techs {
        if packages.contains(&canonical_key(&tech.package)) {
            continue;
        }
        // Two ecosystems may share a name (`http` on Pub and crates.io).
        let ecosystem = tech.package.split('/').next().unwrap_or("");
        let name = [tech.name.clone(), format!("{} ({ecosystem})", tech.name)]
            .into_iter()
            .find(|n| !names.contains(&n.to_lowercase()));
        let Some(name) = name else { continue };
        names.insert(name.to_lowercase());
        let mut t = Table::new();
        t["name"] = value(name.clone());
        // A radar without these quadrants takes scanned packages in its
        // first slice; the innermost ring is "in use" whatever it is called.
        let want = if tech.dev {
            Quadrant::Tools
        } else {
            Quadrant::LanguagesAndFrameworks
        };
        let quadrant = shape
            .quadrant(want.as_str())
            .unwrap_or(shape.quadrants()[0]);
        t["quadrant"] = value(quadrant.as_str());
        t["ring"] = value(shape.innermost().as_str());
        t["package"] = value(tech.package.clone());
        if let Some(v) = &tech.version {
            t["version"] = value(v.clone());
        }
        if let Some(product) = eol::product_of(&tech.package) {
            t["eol"] = value(product);
        }
        techs.push(t);
        added.techs.push(format!(
            "{name} ({} {})",
            tech.package,
            tech.version.as_deref().unwrap_or("unpinned")
        ));
    }
    let products: HashSet<String> = techs
        .iter()
        .filter_map(|t| t.get("eol")?.as_str().map(str::to_lowercase))
        .collect();
    for runtime in &found.runtimes {
        let name = eol::title(runtime.product);
        if products.contains(runtime.product) || names.contains(&name.to_lowercase()) {
            continue;
        }
        names.insert(name.to_lowercase());
        let quadrant = shape
            .quadrant(Quadrant::LanguagesAndFrameworks.as_str())
            .unwrap_or(shape.quadrants()[0]);
        let mut t = Table::new();
        t["name"] = value(name.clone());
        t["quadrant"] = value(quadrant.as_str());
        t["ring"] = value(shape.innermost().as_str());
        // The oldest version a manifest allows: the cycle to upgrade from.
        t["version"] = value(runtime.version.clone());
        t["eol"] = value(runtime.product);
        techs.push(t);
        added
            .techs
            .push(format!("{name} ({} {})", runtime.product, runtime.version));
    }
    if doc
        .get("lockfile")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|a| a.is_empty())
    {
        doc.remove("lockfile");
    }
    if doc
        .get("tech")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|a| a.is_empty())
    {
        doc.remove("tech");
    }
    Ok((doc.to_string(), added))
}

/// The endoflife.date products the scan matched: declared runtimes and
/// packages our table knows.
fn eol_products(found: &Found) -> std::collections::BTreeSet<&'static str> {
    found
        .runtimes
        .iter()
        .map(|r| r.product)
        .chain(
            found
                .techs
                .iter()
                .filter_map(|t| eol::product_of(&t.package)),
        )
        .collect()
}

/// Appends one advisory source per ecosystem found, and one `eol` source
/// per product matched, to radar.toml's text.
pub fn merge_radar(
    text: &str,
    path: &Path,
    found: &Found,
) -> Result<(String, Vec<String>), MergeError> {
    let mut doc = parse(text, path)?;
    let sources = tables(&mut doc, "source", path)?;
    let urls: HashSet<String> = sources
        .iter()
        .filter_map(|t| t.get("url")?.as_str().map(str::to_string))
        .collect();
    let names: HashSet<String> = sources
        .iter()
        .filter_map(|t| t.get("name")?.as_str().map(str::to_string))
        .collect();
    let mut added = Vec::new();
    for ecosystem in &found.ecosystems {
        let Some((name, kind, url)) = advisory_source(ecosystem) else {
            continue;
        };
        if urls.contains(&url) || names.contains(&name) {
            continue;
        }
        let mut t = Table::new();
        t["name"] = value(name.clone());
        t["kind"] = value(kind);
        t["url"] = value(url);
        sources.push(t);
        added.push(name);
    }
    let have_eol: HashSet<String> = sources
        .iter()
        .filter_map(|t| t.get("eol")?.as_str().map(|p| p.trim().to_lowercase()))
        .collect();
    for product in eol_products(found) {
        let name = format!("{} end of life", eol::title(product));
        let url = format!("https://endoflife.date/api/v1/products/{product}/");
        if have_eol.contains(product) || urls.contains(&url) || names.contains(&name) {
            continue;
        }
        let mut t = Table::new();
        t["name"] = value(name.clone());
        t["eol"] = value(product);
        sources.push(t);
        added.push(name);
    }
    if doc
        .get("source")
        .and_then(Item::as_array_of_tables)
        .is_some_and(|a| a.is_empty())
    {
        doc.remove("source");
    }
    Ok((doc.to_string(), added))
}

/// `./a/b` and `a/b` are the same lockfile.
fn normalise(p: &str) -> String {
    Path::new(p)
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::FoundTech;
    use std::path::PathBuf;

    fn found() -> Found {
        Found {
            lockfiles: vec![
                PathBuf::from("/repo/api/Cargo.lock"),
                PathBuf::from("/repo/web/package-lock.json"),
            ],
            techs: vec![
                FoundTech {
                    package: "crates.io/tokio".into(),
                    name: "tokio".into(),
                    version: Some("1.40.0".into()),
                    dev: false,
                },
                FoundTech {
                    package: "npm/vite".into(),
                    name: "vite".into(),
                    version: Some("5.4.0".into()),
                    dev: true,
                },
                FoundTech {
                    package: "PyPI/http".into(),
                    name: "http".into(),
                    version: None,
                    dev: false,
                },
            ],
            ecosystems: ["crates.io".to_string(), "npm".to_string()].into(),
            warnings: vec![],
            runtimes: vec![],
        }
    }

    fn rel(p: &Path) -> String {
        p.strip_prefix("/repo").unwrap().display().to_string()
    }

    #[test]
    fn appends_and_keeps_a_leads_edits_and_comments() {
        let lead = "# our stack\n[[tech]]\nname = \"tokio\" # we love it\nquadrant = \"languages-and-frameworks\"\nring = \"hold\"\npackage = \"crates.io/tokio\"\n\n[[tech]]\nname = \"http\"\nquadrant = \"tools\"\nring = \"trial\"\n\n[[lockfile]]\npath = \"./api/Cargo.lock\"\n";
        let (text, added) = merge_stack(lead, Path::new("stack.toml"), &found(), rel).unwrap();
        // New techs go after the last [[tech]] (toml_edit groups an array
        // of tables); everything the lead wrote is kept as written.
        let lead_tech = lead.split("\n\n[[lockfile]]").next().unwrap();
        assert!(text.starts_with(lead_tech), "{text}");
        assert!(text.ends_with("[[lockfile]]\npath = \"./api/Cargo.lock\"\n\n[[lockfile]]\npath = \"web/package-lock.json\"\n"), "{text}");
        assert_eq!(added.lockfiles, ["web/package-lock.json"]);
        assert_eq!(
            added.techs,
            ["vite (npm/vite 5.4.0)", "http (PyPI) (PyPI/http unpinned)"]
        );
        let stack = crate::config::parse_stack(&text, Path::new("/repo/stack.toml")).unwrap();
        let vite = stack.techs.iter().find(|t| t.name == "vite").unwrap();
        assert_eq!(vite.quadrant, crate::model::Quadrant::Tools);
        assert_eq!(stack.techs[0].ring, crate::model::Ring::Hold);
        // A second merge of the same scan adds nothing and changes no byte.
        let (again, added) = merge_stack(&text, Path::new("stack.toml"), &found(), rel).unwrap();
        assert_eq!(again, text);
        assert_eq!(added, Added::default());
    }

    #[test]
    fn advisory_sources_once_per_ecosystem() {
        let (text, added) = merge_radar(
            "[index]\npath = \"index\"\n",
            Path::new("radar.toml"),
            &found(),
        )
        .unwrap();
        assert_eq!(added, ["RustSec advisories", "npm advisories (OSV)"]);
        let c = crate::config::parse_radar(&text, Path::new("/r/radar.toml")).unwrap();
        assert_eq!(c.sources.len(), 2);
        assert_eq!(c.sources[0].kind, crate::config::SourceKind::Rustsec);
        let (_, again) = merge_radar(&text, Path::new("radar.toml"), &found()).unwrap();
        assert!(again.is_empty());
        let e = merge_radar("source = 3\n", Path::new("radar.toml"), &found()).unwrap_err();
        assert!(e.to_string().contains("[[source]]"), "{e}");
    }

    #[test]
    fn eol_products_become_tech_keys_and_sources_once() {
        let mut f = found();
        f.techs.push(FoundTech {
            package: "PyPI/django".into(),
            name: "django".into(),
            version: Some("4.2.1".into()),
            dev: false,
        });
        f.runtimes = vec![
            eol::Runtime {
                product: "python",
                version: "3.9".into(),
            },
            eol::Runtime {
                product: "nodejs",
                version: "18.17".into(),
            },
        ];
        // The lead already tracks Node under their own name, with its key.
        let lead = "[[tech]]\nname = \"node\"\nquadrant = \"platforms\"\nring = \"adopt\"\neol = \"nodejs\"\n";
        let (text, added) = merge_stack(lead, Path::new("stack.toml"), &f, rel).unwrap();
        assert!(
            added.techs.contains(&"Python (python 3.9)".to_string()),
            "{added:?}"
        );
        assert!(
            !added.techs.iter().any(|t| t.starts_with("Node.js")),
            "{added:?}"
        );
        let stack = crate::config::parse_stack(&text, Path::new("/repo/stack.toml")).unwrap();
        let python = stack.techs.iter().find(|t| t.name == "Python").unwrap();
        assert_eq!(python.eol.as_deref(), Some("python"));
        assert_eq!(python.version.as_deref(), Some("3.9"));
        let django = stack.techs.iter().find(|t| t.name == "django").unwrap();
        assert_eq!(django.eol.as_deref(), Some("django"));
        assert!(
            stack
                .techs
                .iter()
                .find(|t| t.name == "tokio")
                .unwrap()
                .eol
                .is_none()
        );

        let lead = "[[source]]\nname = \"Node\"\neol = \"NodeJS\"\n";
        let (text, added) = merge_radar(lead, Path::new("radar.toml"), &f).unwrap();
        assert_eq!(
            added,
            [
                "RustSec advisories",
                "npm advisories (OSV)",
                "Django end of life",
                "Python end of life"
            ]
        );
        let c = crate::config::parse_radar(&text, Path::new("/r/radar.toml")).unwrap();
        let eols: Vec<String> = c
            .sources
            .iter()
            .filter(|s| s.kind == crate::config::SourceKind::Eol)
            .map(|s| s.name.clone())
            .collect();
        assert_eq!(eols, ["Node", "Django end of life", "Python end of life"]);
        let (again, added) = merge_radar(&text, Path::new("radar.toml"), &f).unwrap();
        assert!(added.is_empty(), "{added:?}");
        assert_eq!(again, text);
    }
}
