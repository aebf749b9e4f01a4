//! Which endoflife.date products a scanned stack runs, found offline: a
//! short table of our own from registry packages to product slugs, and the
//! runtime versions manifests declare (package.json `engines.node`,
//! `requires-python`, go.mod's `go`, Cargo's `rust-version`, the Gemfile's
//! `ruby`, composer's `php`). Reads manifest text only; never the network,
//! so a product missing here is simply not added (a lead can add
//! `eol = "…"` by hand).

use std::path::Path;

/// `(package key, endoflife.date product)`. Keys use the scan's
/// `ecosystem/name` form with PyPI names canonical; only packages whose
/// release cycles endoflife.date tracks under that slug.
const PACKAGE_PRODUCTS: &[(&str, &str)] = &[
    ("PyPI/django", "django"),
    ("PyPI/numpy", "numpy"),
    ("npm/react", "react"),
    ("npm/react-native", "react-native"),
    ("npm/vue", "vue"),
    ("npm/@angular/core", "angular"),
    ("npm/angular", "angularjs"),
    ("npm/next", "nextjs"),
    ("npm/nuxt", "nuxt"),
    ("npm/express", "express"),
    ("npm/jquery", "jquery"),
    ("npm/electron", "electron"),
    ("npm/bootstrap", "bootstrap"),
    ("RubyGems/rails", "rails"),
    ("Packagist/laravel/framework", "laravel"),
    ("Packagist/symfony/symfony", "symfony"),
    ("Packagist/symfony/http-kernel", "symfony"),
];

/// The product a registry package belongs to, if we know one.
pub fn product_of(package: &str) -> Option<&'static str> {
    PACKAGE_PRODUCTS
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(package))
        .map(|(_, product)| *product)
}

/// How a product is named on the radar.
pub fn title(product: &str) -> String {
    match product {
        "nodejs" => "Node.js".into(),
        "python" => "Python".into(),
        "go" => "Go".into(),
        "rust" => "Rust".into(),
        "ruby" => "Ruby".into(),
        "php" => "PHP".into(),
        "rails" => "Rails".into(),
        "spring-boot" => "Spring Boot".into(),
        "nextjs" => "Next.js".into(),
        other => {
            let mut c = other.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// A runtime a manifest declares, at the oldest version it allows: the
/// cycle that reaches its end of life first is the one a lead must hear of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runtime {
    pub product: &'static str,
    pub version: String,
}

/// The runtimes the manifest at `path` (text `text`) declares. A manifest
/// that does not parse declares none here; `manifests::read` reports it.
pub fn runtimes(path: &Path, text: &str) -> Vec<Runtime> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let found: Vec<(&'static str, Option<String>)> = match name {
        "package.json" => {
            let doc: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let node = doc.pointer("/engines/node").and_then(|v| v.as_str());
            vec![("nodejs", node.map(str::to_string))]
        }
        "composer.json" => {
            let doc: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let php = doc.pointer("/require/php").and_then(|v| v.as_str());
            vec![("php", php.map(str::to_string))]
        }
        "pyproject.toml" => {
            let doc: toml::Table = toml::from_str(text).unwrap_or_default();
            let pep621 = doc
                .get("project")
                .and_then(|p| p.get("requires-python"))
                .and_then(|v| v.as_str());
            let poetry = doc
                .get("tool")
                .and_then(|t| t.get("poetry"))
                .and_then(|p| p.get("dependencies"))
                .and_then(|d| d.get("python"))
                .and_then(|v| v.as_str());
            vec![("python", pep621.or(poetry).map(str::to_string))]
        }
        "Cargo.toml" => {
            let doc: toml::Table = toml::from_str(text).unwrap_or_default();
            let v = ["package", "workspace"].iter().find_map(|k| {
                let t = doc.get(*k)?;
                let t = if *k == "workspace" {
                    t.get("package")?
                } else {
                    t
                };
                t.get("rust-version")?.as_str().map(str::to_string)
            });
            vec![("rust", v)]
        }
        "go.mod" => vec![(
            "go",
            text.lines()
                .map(str::trim)
                .find_map(|l| l.strip_prefix("go ").map(str::to_string)),
        )],
        "Gemfile" => vec![(
            "ruby",
            text.lines().map(str::trim).find_map(|l| {
                let rest = l.strip_prefix("ruby ")?;
                let q = rest.trim_start().chars().next()?;
                matches!(q, '"' | '\'').then(|| rest.to_string())
            }),
        )],
        _ => Vec::new(),
    };
    found
        .into_iter()
        .filter_map(|(product, constraint)| {
            Some(Runtime {
                product,
                version: lowest_version(&constraint?)?,
            })
        })
        .collect()
}

/// The first version in a constraint: `>=3.8,<4` → 3.8, `^18.17 || >=20`
/// → 18.17, `~> 3.2.2` → 3.2.2, `1.21` → 1.21.
fn lowest_version(constraint: &str) -> Option<String> {
    let start = constraint.find(|c: char| c.is_ascii_digit())?;
    let rest = &constraint[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let v = rest[..end].trim_end_matches('.');
    (!v.is_empty()).then(|| v.to_string())
}

/// Numeric order of dotted versions (`3.10` after `3.9`).
pub fn older(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> { v.split('.').map(|p| p.parse().unwrap_or(0)).collect() };
    parts(a) < parts(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(file: &str, text: &str) -> Vec<(String, String)> {
        runtimes(Path::new(file), text)
            .into_iter()
            .map(|r| (r.product.to_string(), r.version))
            .collect()
    }

    #[test]
    fn runtimes_from_every_manifest_kind() {
        let want = |p: &str, v: &str| vec![(p.to_string(), v.to_string())];
        assert_eq!(
            one("package.json", r#"{"engines":{"node":"^18.17 || >=20"}}"#),
            want("nodejs", "18.17")
        );
        assert_eq!(
            one(
                "pyproject.toml",
                "[project]\nrequires-python = \">=3.8,<4\"\n"
            ),
            want("python", "3.8")
        );
        assert_eq!(
            one(
                "pyproject.toml",
                "[tool.poetry.dependencies]\npython = \"^3.11\"\n"
            ),
            want("python", "3.11")
        );
        assert_eq!(
            one("go.mod", "module x\n\ngo 1.21\n\nrequire a v1\n"),
            want("go", "1.21")
        );
        assert_eq!(
            one(
                "Cargo.toml",
                "[package]\nname = \"a\"\nrust-version = \"1.70\"\n"
            ),
            want("rust", "1.70")
        );
        assert_eq!(
            one(
                "Cargo.toml",
                "[workspace.package]\nrust-version = \"1.74.0\"\n"
            ),
            want("rust", "1.74.0")
        );
        assert_eq!(
            one(
                "Gemfile",
                "source 'https://rubygems.org'\nruby '~> 3.2.2'\ngem 'rails'\n"
            ),
            want("ruby", "3.2.2")
        );
        assert_eq!(
            one("composer.json", r#"{"require":{"php":">=8.1"}}"#),
            want("php", "8.1")
        );
        // Nothing declared, or not parseable: nothing claimed.
        assert!(one("package.json", r#"{"dependencies":{}}"#).is_empty());
        assert!(one("package.json", "{not json").is_empty());
        assert!(one("Gemfile", "gem 'ruby-progressbar'\n").is_empty());
    }

    #[test]
    fn packages_map_to_products_and_versions_order_numerically() {
        assert_eq!(product_of("PyPI/django"), Some("django"));
        assert_eq!(product_of("npm/@angular/core"), Some("angular"));
        assert_eq!(product_of("npm/left-pad"), None);
        assert!(older("3.9", "3.10"));
        assert!(!older("3.10", "3.9"));
        assert_eq!(title("nodejs"), "Node.js");
        assert_eq!(title("django"), "Django");
    }
}
