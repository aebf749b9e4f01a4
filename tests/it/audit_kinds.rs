//! `radar audit` on every lockfile and SBOM kind added for issue 11 (bun,
//! gradle, pom, NuGet, pubspec, mix, composer, CycloneDX, SPDX), against
//! OSV records of our own. Each kind has one affected package and one
//! that only an ecosystem's own ordering proves unaffected (`1.7.10` after
//! `1.7.2`, NuGet's `4.5.1` equal to `4.5.1.0`, Packagist's `v` prefix, …).

use crate::harness::{radar, stdout_json};
use assert_cmd::prelude::*;
use serde_json::{Value, json};
use std::path::Path;

const NOW: &str = "2026-06-01T08:00:00Z";

/// (id, ecosystem, package, introduced, fixed).
const RECORDS: &[(&str, &str, &str, &str, &str)] = &[
    ("TEST-NPM-1", "npm", "lodash", "0", "4.17.21"),
    ("TEST-NPM-2", "npm", "wrappy", "0", "1.0.2"),
    (
        "TEST-MVN-1",
        "Maven",
        "com.fasterxml.jackson.core:jackson-databind",
        "2.9.0",
        "2.9.10.4",
    ),
    (
        "TEST-MVN-2",
        "Maven",
        "org.apache.commons:commons-text",
        "1.5",
        "1.10.0",
    ),
    ("TEST-NUGET-1", "NuGet", "Newtonsoft.Json", "0", "13.0.1"),
    (
        "TEST-NUGET-2",
        "NuGet",
        "System.Text.Encodings.Web",
        "4.0.0",
        "4.5.1.0",
    ),
    ("TEST-PUB-1", "Pub", "http", "0", "0.13.10"),
    ("TEST-PUB-2", "Pub", "shelf", "0", "1.4.1"),
    ("TEST-HEX-1", "Hex", "plug", "1.15.0", "1.15.10"),
    ("TEST-HEX-2", "Hex", "phoenix", "1.7.0", "1.7.2"),
    (
        "TEST-PHP-1",
        "Packagist",
        "symfony/http-kernel",
        "5.0.0",
        "5.4.20",
    ),
    ("TEST-PHP-2", "Packagist", "twig/twig", "3.0.0", "3.4.3"),
    ("TEST-CARGO-1", "crates.io", "time", "0", "0.2.23"),
    ("TEST-PYPI-1", "PyPI", "django", "4.2", "4.2.8"),
    ("TEST-GEM-1", "RubyGems", "nokogiri", "0", "1.16.2"),
    ("TEST-GO-1", "Go", "golang.org/x/net", "0", "0.17.0"),
];

fn index_of_records(dir: &Path) -> std::path::PathBuf {
    let osv = dir.join("osv");
    std::fs::create_dir_all(&osv).unwrap();
    for (id, ecosystem, name, introduced, fixed) in RECORDS {
        let record = json!({
            "schema_version": "1.6.0",
            "id": id,
            "modified": "2026-01-01T00:00:00Z",
            "published": "2026-01-01T00:00:00Z",
            "summary": format!("{name} test advisory"),
            "affected": [{
                "package": {"ecosystem": ecosystem, "name": name},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": introduced}, {"fixed": fixed}]}]
            }]
        });
        std::fs::write(osv.join(format!("{id}.json")), record.to_string()).unwrap();
    }
    let index = dir.join("index");
    radar(NOW)
        .arg("--index")
        .arg(&index)
        .arg("ingest")
        .arg(&osv)
        .assert()
        .success();
    index
}

const LOCKFILES: &[(&str, &str)] = &[
    (
        "bun.lock",
        r#"{"lockfileVersion": 1, "workspaces": {"": {"dependencies": {"lodash": "^4", "wrappy": "^1"},},},
  "packages": {
    "lodash": ["lodash@4.17.20", "", {}, "sha512-a"],
    "wrappy": ["wrappy@1.0.2", "", {}, "sha512-b"],
  }}"#,
    ),
    (
        "gradle.lockfile",
        "com.fasterxml.jackson.core:jackson-databind:2.9.10.1=runtimeClasspath\norg.apache.commons:commons-text:1.10.0=runtimeClasspath\nempty=\n",
    ),
    (
        "pom.xml",
        "<project><properties><jackson.version>2.9.10.1</jackson.version></properties><dependencies>\
<dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.version}</version></dependency>\
<dependency><groupId>org.apache.commons</groupId><artifactId>commons-text</artifactId><version>1.10.0</version></dependency>\
</dependencies></project>",
    ),
    (
        "packages.lock.json",
        r#"{"version": 1, "dependencies": {"net8.0": {
  "Newtonsoft.Json": {"type": "Direct", "requested": "[13.0.1-beta1, )", "resolved": "13.0.1-beta1"},
  "System.Text.Encodings.Web": {"type": "Transitive", "resolved": "4.5.1"}}}}"#,
    ),
    (
        "pubspec.lock",
        "packages:\n  http:\n    dependency: \"direct main\"\n    source: hosted\n    version: \"0.13.3\"\n  shelf:\n    dependency: transitive\n    source: hosted\n    version: \"1.4.1\"\n",
    ),
    (
        "mix.lock",
        "%{\n  \"plug\": {:hex, :plug, \"1.15.2\", \"a\", [:mix], [], \"hexpm\", \"b\"},\n  \"phoenix\": {:hex, :phoenix, \"1.7.10\", \"c\", [:mix], [], \"hexpm\", \"d\"},\n}\n",
    ),
    (
        "composer.lock",
        r#"{"packages": [{"name": "symfony/http-kernel", "version": "v5.4.1"}, {"name": "twig/twig", "version": "v3.4.3"}], "packages-dev": []}"#,
    ),
    (
        "app.cdx.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
  {"bom-ref": "t", "type": "library", "name": "time", "purl": "pkg:cargo/time@0.1.44"},
  {"bom-ref": "d", "type": "library", "name": "Django", "purl": "pkg:pypi/Django@4.2.10"}]}"#,
    ),
    (
        "app.spdx.json",
        r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [
  {"SPDXID": "SPDXRef-1", "name": "nokogiri", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:gem/nokogiri@1.16.0"}]},
  {"SPDXID": "SPDXRef-2", "name": "net", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:golang/golang.org/x/net@v0.17.0"}]}]}"#,
    ),
];

/// What each file must report: (id, package, version).
fn expected(file: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    match file {
        "bun.lock" => vec![("TEST-NPM-1", "lodash", "4.17.20")],
        "gradle.lockfile" | "pom.xml" => vec![(
            "TEST-MVN-1",
            "com.fasterxml.jackson.core:jackson-databind",
            "2.9.10.1",
        )],
        "packages.lock.json" => vec![("TEST-NUGET-1", "Newtonsoft.Json", "13.0.1-beta1")],
        "pubspec.lock" => vec![("TEST-PUB-1", "http", "0.13.3")],
        "mix.lock" => vec![("TEST-HEX-1", "plug", "1.15.2")],
        "composer.lock" => vec![("TEST-PHP-1", "symfony/http-kernel", "v5.4.1")],
        "app.cdx.json" => vec![("TEST-CARGO-1", "time", "0.1.44")],
        "app.spdx.json" => vec![("TEST-GEM-1", "nokogiri", "1.16.0")],
        _ => unreachable!(),
    }
}

#[test]
fn every_kind_is_audited_with_its_ecosystem_ordering() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of_records(dir.path());
    for (file, text) in LOCKFILES {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = radar(NOW)
            .arg("--index")
            .arg(&index)
            .args(["audit", "--json", "--lockfile"])
            .arg(&path)
            .output()
            .unwrap();
        assert_ne!(
            out.status.code(),
            Some(2),
            "{file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = stdout_json(&out);
        let mut got: Vec<(String, String, String)> = report["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                (s("id"), s("package"), s("version"))
            })
            .collect();
        got.sort();
        let want: Vec<(String, String, String)> = expected(file)
            .into_iter()
            .map(|(a, b, c)| (a.into(), b.into(), c.into()))
            .collect();
        assert_eq!(got, want, "{file}: {report:#}");
        // Every range was evaluated: nothing fell back to "no ordering".
        let text = report.to_string();
        assert!(!text.contains("no version ordering"), "{file}: {report:#}");
        assert!(!text.contains("cannot be read"), "{file}: {report:#}");
    }
}

#[test]
fn a_malformed_file_of_each_new_kind_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = index_of_records(dir.path());
    let broken: &[(&str, &str, Option<usize>)] = &[
        (
            "bun.lock",
            "{\n  \"packages\": {\n    \"a\": [1],\n  },\n}",
            None,
        ),
        (
            "gradle.lockfile",
            "# x\norg.a:b=compileClasspath\n",
            Some(2),
        ),
        (
            "pom.xml",
            "<project>\n<dependencies>\n</project>\n",
            Some(3),
        ),
        ("packages.lock.json", "{\n\"dependencies\": {\n", Some(3)),
        ("pubspec.lock", "packages:\n  a:\n    version: [\n", None),
        ("mix.lock", "%{\n  \"a\": {:hex, },\n}\n", Some(2)),
        (
            "bom.json",
            "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.1\"}",
            None,
        ),
        (
            "x.spdx.json",
            "{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{}]}",
            Some(1),
        ),
    ];
    for (file, text, line) in broken {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let out = radar(NOW)
            .arg("--index")
            .arg(&index)
            .args(["audit", "--lockfile"])
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: {err}");
        let want = match line {
            Some(l) => format!("{}:{l}:", path.display()),
            None => format!("{}:", path.display()),
        };
        assert!(err.contains(&want), "{file}: want {want:?} in {err}");
        assert!(out.stdout.is_empty(), "{file}: no partial report");
    }
}
