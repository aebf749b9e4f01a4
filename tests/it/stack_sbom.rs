//! `radar stack --format cyclonedx` against the official CycloneDX 1.6
//! JSON schema (with the SPDX licence and JSF signature schemas it
//! references), kept in `tests/fixtures/cyclonedx` (see its README), on a
//! stack of every kind of lockfile radar reads, with edges and every
//! package source.

use serde_json::Value;
use std::collections::HashSet;

use crate::harness::{TeamRadar, fixture, radar};

const NOW: &str = "2026-03-02T09:00:00Z";

/// The schema's own `$id` base: its `$ref`s are relative to it.
const BASE: &str = "http://cyclonedx.org/schema/";

fn schema(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture("cyclonedx").join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validator() -> jsonschema::Validator {
    let registry = jsonschema::Registry::new()
        .add(
            format!("{BASE}spdx.SNAPSHOT.schema.json"),
            schema("spdx.SNAPSHOT.schema.json"),
        )
        .unwrap()
        .add(
            format!("{BASE}jsf-0.82.SNAPSHOT.schema.json"),
            schema("jsf-0.82.SNAPSHOT.schema.json"),
        )
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .should_validate_formats(true)
        .build(&schema("bom-1.6.SNAPSHOT.schema.json"))
        .unwrap()
}

fn errors(v: &jsonschema::Validator, bom: &Value) -> Vec<String> {
    v.iter_errors(bom)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

const CARGO: &str = r#"version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["serde", "forked", "helper"]

[[package]]
name = "helper"
version = "0.1.0"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "forked"
version = "0.3.0"
source = "git+https://github.com/example/forked?branch=main#0123456789abcdef0123456789abcdef01234567"
"#;

const NPM: &str = r#"{"name": "web", "lockfileVersion": 3, "packages": {
  "": {"name": "web", "dependencies": {"send": "^0.2.0", "alias": "npm:real@^3"}, "devDependencies": {"@types/node": "^20"}},
  "node_modules/send": {"version": "0.2.0", "dependencies": {"ms": "2.1.3"}},
  "node_modules/ms": {"version": "2.1.3"},
  "node_modules/serve-static/node_modules/send": {"version": "0.1.4"},
  "node_modules/@types/node": {"version": "20.1.0", "dev": true},
  "node_modules/alias": {"name": "real", "version": "3.0.0"}
}}"#;

const PNPM: &str = "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\npackages:\n  left-pad@1.3.0:\n    resolution: {integrity: x}\n  is-number@7.0.0:\n    resolution: {integrity: x}\nsnapshots:\n  left-pad@1.3.0:\n    dependencies:\n      is-number: 7.0.0\n  is-number@7.0.0: {}\n";

const GEMFILE: &str = "GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.0-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.3)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n\nBUNDLED WITH\n   2.5.3\n";

const GOMOD: &str = "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.0\n\tgolang.org/x/net v0.17.0 // indirect\n)\n";

fn bom() -> Value {
    let team = TeamRadar::new()
        .file("api/Cargo.lock", CARGO)
        .file("web/package-lock.json", NPM)
        .file("ui/pnpm-lock.yaml", PNPM)
        .file("shop/Gemfile.lock", GEMFILE)
        .file("svc/go.mod", GOMOD)
        .file("ml/requirements.txt", "Django==4.2.1\nPyYAML==6.0.1\n")
        .stack(
            "[[lockfile]]\npath = \"api/Cargo.lock\"\n\n[[lockfile]]\npath = \"web/package-lock.json\"\n\n\
             [[lockfile]]\npath = \"ui/pnpm-lock.yaml\"\n\n[[lockfile]]\npath = \"shop/Gemfile.lock\"\n\n\
             [[lockfile]]\npath = \"svc/go.mod\"\n\n[[lockfile]]\npath = \"ml/requirements.txt\"\n",
        );
    let out = radar(NOW)
        .current_dir(team.path())
        .args(["stack", "--format", "cyclonedx"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cyclonedx_output_is_valid_against_the_official_schema() {
    let bom = bom();
    let v = validator();
    assert_eq!(errors(&v, &bom), Vec::<String>::new());
    // The fixture drops `version` from `required` (see its README): we
    // check it ourselves.
    assert_eq!(bom["version"], 1);
    assert_eq!(bom["specVersion"], "1.6");

    let components = bom["components"].as_array().unwrap();
    assert_eq!(components.len(), 17, "{components:#?}");
    let refs: HashSet<&str> = components
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), components.len(), "bom-refs are unique");
    // Every edge points at a component of the same BOM.
    let deps = bom["dependencies"].as_array().unwrap();
    for d in deps {
        assert!(refs.contains(d["ref"].as_str().unwrap()), "{d}");
        for on in d["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(on.as_str().unwrap()), "{d}");
        }
    }
    let on = |from: &str| -> Vec<&str> {
        deps.iter()
            .find(|d| d["ref"] == from)
            .map(|d| {
                d["dependsOn"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(on("pkg:npm/left-pad@1.3.0"), ["pkg:npm/is-number@7.0.0"]);
    assert_eq!(on("pkg:gem/nokogiri@1.16.0"), ["pkg:gem/racc@1.7.3"]);
    let purls: HashSet<&str> = components
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .collect();
    for p in [
        "pkg:cargo/serde@1.0.200",
        "pkg:npm/%40types/node@20.1.0",
        "pkg:npm/real@3.0.0",
        "pkg:golang/github.com/gin-gonic/gin@v1.9.0",
        "pkg:pypi/pyyaml@6.0.1",
    ] {
        assert!(purls.contains(p), "{p} not in {purls:?}");
    }
}

/// The validator is not vacuous: a BOM the schema forbids fails it.
#[test]
fn the_schema_check_rejects_what_the_schema_forbids() {
    let v = validator();
    let mut bad = bom();
    bad["components"][0]["type"] = Value::from("not-a-type");
    bad["specVersion"] = Value::from(1.6);
    bad["components"][1].as_object_mut().unwrap().remove("name");
    let errs = errors(&v, &bad);
    assert!(errs.len() >= 3, "{errs:#?}");
}
