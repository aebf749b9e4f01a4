//! go.mod: the `require` directives (single-line and blocks), with
//! `replace` applied.
//!
//! Since Go 1.17 go.mod lists every module the build needs, indirect ones
//! included (`// indirect`). A `replace` to a local folder makes that
//! module a path package (skipped by audit); a `replace` to another module
//! version audits the replacement instead.

use std::path::Path;

use super::{Lockfile, Package, PackageSource, StackError};

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let err = |line: usize, message: String| StackError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    let mut requires: Vec<(usize, String, String, bool)> = Vec::new();
    let mut replaces: Vec<(usize, Vec<String>)> = Vec::new();
    let mut block: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (verb, args) = match &block {
            Some(_) if line == ")" => {
                block = None;
                continue;
            }
            Some(verb) => (verb.clone(), line.to_string()),
            None => {
                let (verb, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(verb.to_string());
                    continue;
                }
                (verb.to_string(), rest.to_string())
            }
        };
        let fields: Vec<String> = args
            .split_whitespace()
            .map(|f| f.trim_matches(['"', '`']).to_string())
            .collect();
        match verb.as_str() {
            "require" => match fields.as_slice() {
                [module, version] => {
                    requires.push((line_no, module.clone(), version.clone(), is_indirect(raw)))
                }
                _ => {
                    return Err(err(
                        line_no,
                        format!("require {args:?}: expected \"module/path v1.2.3\""),
                    ));
                }
            },
            "replace" => {
                if !fields.iter().any(|f| f == "=>") {
                    return Err(err(
                        line_no,
                        format!("replace {args:?}: expected \"old [version] => new [version]\""),
                    ));
                }
                replaces.push((line_no, fields));
            }
            "module" | "go" | "toolchain" | "exclude" | "retract" | "godebug" | "tool"
            | "ignore" => {}
            other => {
                return Err(err(line_no, format!("unknown go.mod directive {other:?}")));
            }
        }
    }
    if let Some(verb) = block {
        return Err(err(
            text.lines().count(),
            format!("{verb} ( block is never closed with )"),
        ));
    }
    let mut packages: Vec<Package> = requires
        .into_iter()
        .map(|(_, module, version, indirect)| Package {
            ecosystem: "Go".into(),
            name: module,
            version,
            source: PackageSource::Registry,
            registry: None,
            direct: Some(!indirect),
            dev: None,
            depends: Vec::new(),
            lockfile: path.to_path_buf(),
            detail: None,
        })
        .collect();
    for (line_no, fields) in replaces {
        let arrow = fields.iter().position(|f| f == "=>").unwrap_or(0);
        let (old, new) = fields.split_at(arrow);
        let new = &new[1..];
        let (old_module, old_version) = match old {
            [m] => (m, None),
            [m, v] => (m, Some(v)),
            _ => {
                return Err(err(
                    line_no,
                    "replace: expected \"old [version] =>\"".into(),
                ));
            }
        };
        for p in packages
            .iter_mut()
            .filter(|p| &p.name == old_module && old_version.is_none_or(|v| *v == p.version))
        {
            match new {
                [dir] => {
                    p.source = PackageSource::Path;
                    p.detail = Some(format!("replaced by {dir}"));
                }
                [module, version] => {
                    p.detail = Some(format!("replaces {}@{}", p.name, p.version));
                    p.name = module.clone();
                    p.version = version.clone();
                }
                _ => {
                    return Err(err(
                        line_no,
                        "replace: expected \"=> new [version]\"".into(),
                    ));
                }
            }
        }
    }
    Ok(Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages,
        skipped: Vec::new(),
    })
}

/// `// indirect` (possibly among other comment words, as `go mod tidy`
/// writes `// indirect; reason`) marks a module the project does not import
/// itself. Go has no dev dependencies, so `dev` stays unknown.
fn is_indirect(raw: &str) -> bool {
    raw.split_once("//").is_some_and(|(_, c)| {
        c.split(|ch: char| ch.is_whitespace() || ch == ';')
            .any(|w| w == "indirect")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOMOD: &str = "\
module example.com/svc

go 1.22

require github.com/gin-gonic/gin v1.9.0

require (
	golang.org/x/net v0.0.0-20190308221718-c2843e01d9a2 // indirect
	github.com/docker/distribution v2.6.2+incompatible
	example.com/local v1.0.0
	example.com/forked v1.1.0
)

replace example.com/local => ../local

replace example.com/forked v1.1.0 => example.com/fork v1.1.1
";

    #[test]
    fn requires_and_replaces() {
        let l = parse(Path::new("go.mod"), GOMOD).unwrap();
        let got: Vec<(&str, &str, PackageSource)> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "github.com/gin-gonic/gin",
                    "v1.9.0",
                    PackageSource::Registry
                ),
                (
                    "golang.org/x/net",
                    "v0.0.0-20190308221718-c2843e01d9a2",
                    PackageSource::Registry
                ),
                (
                    "github.com/docker/distribution",
                    "v2.6.2+incompatible",
                    PackageSource::Registry
                ),
                ("example.com/local", "v1.0.0", PackageSource::Path),
                ("example.com/fork", "v1.1.1", PackageSource::Registry),
            ]
        );
        let direct: Vec<(&str, Option<bool>, Option<bool>)> = l
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.direct, p.dev))
            .collect();
        assert_eq!(
            direct,
            vec![
                ("github.com/gin-gonic/gin", Some(true), None),
                ("golang.org/x/net", Some(false), None),
                ("github.com/docker/distribution", Some(true), None),
                ("example.com/local", Some(true), None),
                ("example.com/fork", Some(true), None),
            ]
        );
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = parse(
            Path::new("go.mod"),
            "module x\n\nrequire (\n\tgithub.com/a/b\n)\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("go.mod:4:"), "{e}");
        let e = parse(Path::new("go.mod"), "module x\nrequires a v1\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("go.mod:2: unknown go.mod directive"), "{e}");
    }
}
