//! `radar init --scan`: a monorepo in a temp folder (nested projects, a
//! `.gitignore`d copy, installed dependencies, a hidden folder, a lockfile
//! without a manifest) becomes stack.toml and radar.toml; a second scan
//! merges and keeps what a lead wrote. And the commands init prints work
//! as printed.

use crate::harness::{NOW, radar};
use std::path::Path;
use techradar::config::{TechConfig, load_radar, load_stack};
use techradar::model::{Quadrant, Ring};

fn put(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const CRATES_IO: &str = "source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";

fn cargo_lock(pkgs: &[(&str, &str)]) -> String {
    let mut s = String::from("version = 3\n");
    for (n, v) in pkgs {
        s.push_str(&format!(
            "\n[[package]]\nname = \"{n}\"\nversion = \"{v}\"\n{CRATES_IO}"
        ));
    }
    s.push_str("\n[[package]]\nname = \"api-core\"\nversion = \"0.1.0\"\n");
    s
}

fn npm_lock(pkgs: &[(&str, &str)]) -> String {
    let rows: Vec<String> = pkgs
        .iter()
        .map(|(n, v)| format!("\"node_modules/{n}\": {{\"version\": \"{v}\", \"resolved\": \"https://registry.npmjs.org/{n}/-/{n}-{v}.tgz\"}}"))
        .collect();
    format!(
        "{{\"name\": \"web\", \"lockfileVersion\": 3, \"packages\": {{\"\": {{\"name\": \"web\"}}, {}}}}}",
        rows.join(", ")
    )
}

/// The monorepo: every manifest kind, and the places a scan must not look.
fn monorepo(root: &Path) {
    put(root, ".gitignore", "old-copy/\n");
    put(
        root,
        "services/api/Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n\n[package]\nname = \"api\"\nversion = \"0.1.0\"\nrust-version = \"1.74\"\n\n\
         [dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\napi-core = { path = \"crates/core\" }\n\n\
         [dev-dependencies]\ninsta = \"1\"\n",
    );
    put(
        root,
        "services/api/crates/core/Cargo.toml",
        "[package]\nname = \"api-core\"\nversion = \"0.1.0\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    );
    put(
        root,
        "services/api/Cargo.lock",
        &cargo_lock(&[
            ("insta", "1.39.0"),
            ("serde", "1.0.200"),
            ("tokio", "1.40.0"),
            ("mio", "1.0.2"),
        ]),
    );
    put(
        root,
        "web/package.json",
        r#"{"name":"web","engines":{"node":"^18.17 || >=20"},"dependencies":{"react":"^18.3.0","@acme/ui":"workspace:*"},"devDependencies":{"vite":"^5.4.0"}}"#,
    );
    put(
        root,
        "web/package-lock.json",
        &npm_lock(&[
            ("react", "18.3.1"),
            ("vite", "5.4.0"),
            ("loose-envify", "1.4.0"),
        ]),
    );
    // Installed dependencies carry manifests and lockfiles of their own.
    put(
        root,
        "web/node_modules/left-pad/package.json",
        r#"{"name":"left-pad","dependencies":{"nope":"1"}}"#,
    );
    put(
        root,
        "web/node_modules/left-pad/package-lock.json",
        &npm_lock(&[("nope", "1.0.0")]),
    );
    put(
        root,
        "py/pyproject.toml",
        "[project]\nname = \"jobs\"\nrequires-python = \">=3.9\"\ndependencies = [\"Django>=4.2\", \"requests\"]\n[dependency-groups]\ndev = [\"pytest\"]\n",
    );
    put(
        root,
        "py/requirements.txt",
        "Django==4.2.1\nrequests==2.31.0\npytest==8.2.0\n",
    );
    put(
        root,
        "go/go.mod",
        "module example.com/tool\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n\tgolang.org/x/sys v0.20.0 // indirect\n)\n",
    );
    put(
        root,
        "ruby/Gemfile",
        "source 'https://rubygems.org'\nruby '3.2.2'\ngem 'rails', '~> 7.1'\ngroup :test do\n  gem 'rspec'\nend\n",
    );
    put(
        root,
        "php/composer.json",
        r#"{"require":{"php":">=8.2","monolog/monolog":"^3.0"}}"#,
    );
    // A lockfile without a manifest: listed for audit, no techs from it.
    put(root, "tools/requirements.txt", "black==24.1.0\n");
    // Ignored and hidden copies are not the stack.
    put(
        root,
        "old-copy/Cargo.toml",
        "[package]\nname = \"old\"\n[dependencies]\nold-dep = \"1\"\n",
    );
    put(
        root,
        "old-copy/Cargo.lock",
        &cargo_lock(&[("old-dep", "1.0.0")]),
    );
    put(
        root,
        ".cache/Cargo.lock",
        &cargo_lock(&[("hidden-dep", "1.0.0")]),
    );
    put(
        root,
        "services/api/target/debug/Cargo.lock",
        &cargo_lock(&[("built", "1.0.0")]),
    );
}

fn init_scan(radar_dir: &Path, repo: &Path) -> String {
    let out = radar(NOW)
        .arg("init")
        .arg(radar_dir)
        .arg("--scan")
        .arg(repo)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn tech<'a>(techs: &'a [TechConfig], name: &str) -> &'a TechConfig {
    techs
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no [[tech]] {name}: {techs:?}"))
}

#[test]
fn a_monorepo_becomes_the_stack_and_a_second_scan_merges() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let radar_dir = tmp.path().join("radar");
    monorepo(&repo);
    let printed = init_scan(&radar_dir, &repo);
    assert!(
        printed.contains("5 lockfiles, 18 techs, 15 sources added"),
        "{printed}"
    );

    let stack = load_stack(&radar_dir.join("stack.toml")).unwrap();
    let text = std::fs::read_to_string(radar_dir.join("stack.toml")).unwrap();
    let lockfiles: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("path = "))
        .map(str::to_string)
        .collect();
    assert_eq!(
        lockfiles,
        [
            "\"../repo/go/go.mod\"",
            "\"../repo/py/requirements.txt\"",
            "\"../repo/services/api/Cargo.lock\"",
            "\"../repo/tools/requirements.txt\"",
            "\"../repo/web/package-lock.json\""
        ]
    );
    let mut names: Vec<&str> = stack.techs.iter().map(|t| t.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Go",
            "Node.js",
            "PHP",
            "Python",
            "Ruby",
            "Rust",
            "django",
            "github.com/spf13/cobra",
            "insta",
            "monolog/monolog",
            "pytest",
            "rails",
            "react",
            "requests",
            "rspec",
            "serde",
            "tokio",
            "vite",
        ]
    );
    let serde = tech(&stack.techs, "serde");
    assert_eq!(
        (serde.ring, serde.quadrant),
        (Ring::Adopt, Quadrant::LanguagesAndFrameworks)
    );
    assert_eq!(serde.version.as_deref(), Some("1.0.200"));
    assert_eq!(serde.package.as_deref(), Some("crates.io/serde"));
    // A workspace member's dependency, pinned by the root lockfile.
    assert_eq!(
        tech(&stack.techs, "tokio").version.as_deref(),
        Some("1.40.0")
    );
    let insta = tech(&stack.techs, "insta");
    assert_eq!(
        (insta.quadrant, insta.version.as_deref()),
        (Quadrant::Tools, Some("1.39.0"))
    );
    assert_eq!(
        tech(&stack.techs, "react").version.as_deref(),
        Some("18.3.1")
    );
    assert_eq!(
        tech(&stack.techs, "django").package.as_deref(),
        Some("PyPI/django")
    );
    assert_eq!(
        tech(&stack.techs, "django").version.as_deref(),
        Some("4.2.1")
    );
    assert_eq!(tech(&stack.techs, "pytest").quadrant, Quadrant::Tools);
    assert_eq!(
        tech(&stack.techs, "github.com/spf13/cobra")
            .version
            .as_deref(),
        Some("v1.8.0")
    );
    // No lockfile we read pins Ruby and PHP yet: the tech is there, unpinned.
    assert_eq!(tech(&stack.techs, "rails").version, None);
    assert_eq!(tech(&stack.techs, "rspec").quadrant, Quadrant::Tools);
    assert_eq!(tech(&stack.techs, "vite").quadrant, Quadrant::Tools);
    // endoflife.date products: packages our table knows get `eol`, the
    // runtimes manifests declare become techs at the oldest version allowed.
    assert_eq!(tech(&stack.techs, "django").eol.as_deref(), Some("django"));
    assert_eq!(tech(&stack.techs, "react").eol.as_deref(), Some("react"));
    assert_eq!(tech(&stack.techs, "rails").eol.as_deref(), Some("rails"));
    assert_eq!(tech(&stack.techs, "serde").eol, None);
    for (name, product, version) in [
        ("Python", "python", "3.9"),
        ("Node.js", "nodejs", "18.17"),
        ("Go", "go", "1.22"),
        ("Rust", "rust", "1.74"),
        ("Ruby", "ruby", "3.2.2"),
        ("PHP", "php", "8.2"),
    ] {
        let t = tech(&stack.techs, name);
        assert_eq!(
            (t.eol.as_deref(), t.version.as_deref(), t.package.as_deref()),
            (Some(product), Some(version), None),
            "{name}"
        );
    }

    let config = load_radar(&radar_dir.join("radar.toml")).unwrap();
    let sources: Vec<(&str, &str)> = config
        .sources
        .iter()
        .map(|s| (s.name.as_str(), s.kind.as_str()))
        .collect();
    assert_eq!(
        sources,
        [
            ("Go advisories (OSV)", "osv"),
            ("Packagist advisories (OSV)", "osv"),
            ("PyPI advisories (OSV)", "osv"),
            ("RubyGems advisories (OSV)", "osv"),
            ("RustSec advisories", "rustsec"),
            ("npm advisories (OSV)", "osv"),
            ("Django end of life", "eol"),
            ("Go end of life", "eol"),
            ("Node.js end of life", "eol"),
            ("PHP end of life", "eol"),
            ("Python end of life", "eol"),
            ("Rails end of life", "eol"),
            ("React end of life", "eol"),
            ("Ruby end of life", "eol"),
            ("Rust end of life", "eol"),
        ]
    );
    let python = config
        .sources
        .iter()
        .find(|s| s.name == "Python end of life")
        .unwrap();
    assert_eq!(
        python.location_display(),
        "https://endoflife.date/api/v1/products/python/"
    );

    // A lead moves serde to hold and comments; the team adds a dependency.
    let edited = text.replacen(
        "name = \"serde\"\nquadrant = \"languages-and-frameworks\"\nring = \"adopt\"",
        "name = \"serde\" # pinned by the platform team\nquadrant = \"languages-and-frameworks\"\nring = \"hold\"",
        1,
    );
    assert_ne!(edited, text);
    std::fs::write(radar_dir.join("stack.toml"), &edited).unwrap();
    put(
        &repo,
        "web/package.json",
        r#"{"name":"web","dependencies":{"react":"^18.3.0","axios":"^1.7.0"},"devDependencies":{"vite":"^5.4.0"}}"#,
    );
    put(
        &repo,
        "web/package-lock.json",
        &npm_lock(&[("axios", "1.7.2"), ("react", "18.3.1"), ("vite", "5.4.0")]),
    );
    let printed = init_scan(&radar_dir, &repo);
    assert!(printed.contains("Merged into"), "{printed}");
    assert!(
        printed.contains("0 lockfiles, 1 techs, 0 sources added"),
        "{printed}"
    );
    assert!(
        printed.contains("+ [[tech]] axios (npm/axios 1.7.2)"),
        "{printed}"
    );
    let merged = std::fs::read_to_string(radar_dir.join("stack.toml")).unwrap();
    assert!(
        merged.starts_with(&edited),
        "the lead's text is kept byte for byte"
    );
    let stack = load_stack(&radar_dir.join("stack.toml")).unwrap();
    assert_eq!(tech(&stack.techs, "serde").ring, Ring::Hold);
    assert_eq!(stack.techs.len(), 19);

    // A third scan finds nothing new and changes no byte.
    let printed = init_scan(&radar_dir, &repo);
    assert!(printed.contains("nothing new"), "{printed}");
    assert_eq!(
        std::fs::read_to_string(radar_dir.join("stack.toml")).unwrap(),
        merged
    );

    // Every direct dependency gets a release source; nothing is fetched.
    let out = radar(NOW)
        .arg("--config")
        .arg(radar_dir.join("radar.toml"))
        .args(["crawl", "--dry-run", "--json"])
        .output()
        .unwrap();
    let plan = crate::harness::stdout_json(&out);
    let derived: Vec<&str> = plan["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["origin"] == "derived")
        .map(|s| s["package"].as_str().unwrap())
        .collect();
    // crates.io and PyPI packages also bring a `<package> status` source
    // (yanked versions), at the same package.
    let mut packages = derived.clone();
    packages.sort();
    packages.dedup();
    assert_eq!(packages.len(), 13, "{derived:?}");
    assert_eq!(derived.len(), 13 + 6, "{derived:?}");
    assert!(derived.contains(&"RubyGems/rails") && derived.contains(&"Go/github.com/spf13/cobra"));
}

#[test]
fn next_step_names_this_binary_unless_radar_on_path_is_it() {
    let tmp = tempfile::tempdir().unwrap();
    let empty_path = tmp.path().join("bin");
    std::fs::create_dir_all(&empty_path).unwrap();
    let run = |dir: &str| {
        let out = radar(NOW)
            .env("PATH", &empty_path)
            .arg("init")
            .arg(tmp.path().join(dir))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let exe = assert_cmd::cargo::cargo_bin("radar");
    let exe = std::fs::canonicalize(exe).unwrap();
    let printed = run("a");
    let next = printed.lines().last().unwrap().trim().to_string();
    assert!(
        next.starts_with(&format!("{} --config ", exe.display())),
        "{printed}"
    );
    // Run the line as printed: it works.
    let words = shlex::split(&next).unwrap();
    let crawl = std::process::Command::new(&words[0])
        .args(&words[1..])
        .arg("--dry-run")
        .env("RADAR_NOW", NOW)
        .output()
        .unwrap();
    assert_eq!(
        crawl.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&crawl.stderr)
    );

    // With this binary on PATH as `radar`, the short name is printed.
    std::os::unix::fs::symlink(&exe, empty_path.join("radar")).unwrap();
    let printed = run("b");
    assert!(
        printed
            .lines()
            .last()
            .unwrap()
            .trim()
            .starts_with("radar --config "),
        "{printed}"
    );
}
