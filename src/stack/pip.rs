//! requirements.txt: pinned requirements (`name==version`).
//!
//! - Names are PEP 503 normalised when keyed (`PyYAML` meets `pyyaml`).
//! - Environment markers (`; python_version < '3'`) are kept in `detail`
//!   but do not exclude the package: audit cannot know the interpreter, and
//!   a vulnerable pin is worth seeing even if only one platform installs it.
//! - The same pin twice is one package; different pins of one name (under
//!   different markers) are two.
//! - Unpinned requirements (`>=`, `~=`, no version), editable installs and
//!   direct URLs cannot be audited and are listed as skipped.
//! - `-r other.txt` includes are followed (relative to the including file).
//! - Every requirement is `direct`: the file is what the team asked for
//!   (pip-compile output lists transitive pins too, but cannot be told
//!   from a hand-written file reliably). `dev` is true when the file's
//!   name says so (`requirements-dev.txt`, `test-requirements.txt`,
//!   `requirements/lint.txt`: a `dev`, `test`, `lint`, `docs` or `ci`
//!   word), else unknown: `requirements.txt` may hold either.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::{Lockfile, Package, PackageSource, Skipped, StackError};

/// `-r` nesting deeper than this is a loop.
const MAX_INCLUDE_DEPTH: usize = 8;

pub(super) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages: Vec::new(),
        skipped: Vec::new(),
    };
    parse_into(path, text, &mut lock, 0)?;
    Ok(lock)
}

fn parse_into(
    path: &Path,
    text: &str,
    lock: &mut Lockfile,
    depth: usize,
) -> Result<(), StackError> {
    let err = |line: usize, message: String| StackError::Parse {
        path: path.to_path_buf(),
        line,
        message,
    };
    for (line_no, line) in logical_lines(text) {
        let line = strip_comment(&line);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(opt) = line.strip_prefix('-') {
            option(path, line_no, opt, lock, depth)?;
            continue;
        }
        // Per-requirement options (`--hash=…`) follow the requirement.
        let spec = line.split(" --").next().unwrap_or(line).trim();
        let (req, marker) = match spec.split_once(';') {
            Some((r, m)) => (r.trim(), Some(m.trim().to_string())),
            None => (spec, None),
        };
        let name_end = req
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(req.len());
        let name = &req[..name_end];
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(err(
                line_no,
                format!("{req:?} is not a requirement (expected name==version)"),
            ));
        }
        let mut rest = req[name_end..].trim_start();
        if rest.starts_with('[') {
            let close = rest
                .find(']')
                .ok_or_else(|| err(line_no, format!("{req:?}: extras are missing a closing ]")))?;
            rest = rest[close + 1..].trim_start();
        }
        let skip = |reason: String| Skipped {
            package: format!("PyPI/{name}"),
            version: None,
            reason: format!("line {line_no}: {reason}"),
            lockfile: path.to_path_buf(),
        };
        if let Some(url) = rest.strip_prefix('@') {
            lock.skipped.push(skip(format!(
                "installed from {}, not the registry",
                url.trim()
            )));
            continue;
        }
        let pinned = if let Some(v) = rest.strip_prefix("===") {
            Some(v.trim().to_string())
        } else if let Some(v) = rest.strip_prefix("==") {
            let v = v.trim();
            if v.contains(',') || v.ends_with(".*") {
                None
            } else {
                if v.is_empty() {
                    return Err(err(line_no, format!("{req:?}: \"==\" with no version")));
                }
                pep440_rs::Version::from_str(v).map_err(|e| {
                    err(
                        line_no,
                        format!("{req:?}: {v:?} is not a PEP 440 version: {e}"),
                    )
                })?;
                Some(v.to_string())
            }
        } else {
            None
        };
        let Some(version) = pinned else {
            lock.skipped.push(skip(format!(
                "{req:?} is not pinned to one version; audit needs exact versions (pip-compile or pip freeze give them)"
            )));
            continue;
        };
        let duplicate = lock.packages.iter_mut().find(|p| {
            crate::model::canonical_name("PyPI", &p.name)
                == crate::model::canonical_name("PyPI", name)
                && p.version == version
        });
        if let Some(existing) = duplicate {
            // Same pin under another marker: one package, both markers noted.
            if let (Some(old), Some(new)) = (&existing.detail, &marker)
                && old != new
            {
                existing.detail = Some(format!("{old} | {new}"));
            }
            continue;
        }
        lock.packages.push(Package {
            ecosystem: "PyPI".into(),
            name: name.to_string(),
            version,
            source: PackageSource::Registry,
            registry: None,
            direct: Some(true),
            dev: dev_by_name(path),
            depends: Vec::new(),
            lockfile: path.to_path_buf(),
            detail: marker,
        });
    }
    Ok(())
}

/// `Some(true)` for a requirements file named for development only.
fn dev_by_name(path: &Path) -> Option<bool> {
    const DEV_WORDS: [&str; 10] = [
        "dev",
        "develop",
        "development",
        "test",
        "tests",
        "testing",
        "lint",
        "docs",
        "doc",
        "ci",
    ];
    let stem = path.file_stem()?.to_string_lossy().to_ascii_lowercase();
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .map(|f| f.to_string_lossy().to_ascii_lowercase());
    // `requirements/dev.txt`: the folder says requirements, the name says dev.
    let words: Vec<&str> = stem.split(['-', '_', '.']).collect();
    let named = words.iter().any(|w| DEV_WORDS.contains(w));
    let in_requirements_folder = folder.is_some_and(|f| f.starts_with("requirements"));
    (named && (stem.contains("requirements") || in_requirements_folder)).then_some(true)
}

fn option(
    path: &Path,
    line_no: usize,
    opt: &str,
    lock: &mut Lockfile,
    depth: usize,
) -> Result<(), StackError> {
    let (flag, value) = match opt.split_once(['=', ' ']) {
        Some((f, v)) => (f.trim(), v.trim()),
        None => (opt.trim(), ""),
    };
    match flag {
        "r" | "-requirement" | "c" | "-constraint" => {
            if depth >= MAX_INCLUDE_DEPTH {
                return Err(StackError::Parse {
                    path: path.to_path_buf(),
                    line: line_no,
                    message: format!(
                        "-r {value}: includes nest deeper than {MAX_INCLUDE_DEPTH}; is there a loop?"
                    ),
                });
            }
            let included: PathBuf = path.parent().unwrap_or(Path::new(".")).join(value);
            let text = std::fs::read_to_string(&included).map_err(|e| StackError::Parse {
                path: path.to_path_buf(),
                line: line_no,
                message: format!("-r {value}: cannot read {}: {e}", included.display()),
            })?;
            parse_into(&included, &text, lock, depth + 1)
        }
        "e" | "-editable" => {
            lock.skipped.push(Skipped {
                package: value.to_string(),
                version: None,
                reason: format!("line {line_no}: editable install, not from the registry"),
                lockfile: path.to_path_buf(),
            });
            Ok(())
        }
        // Index URLs, hashes, --pre and friends do not name packages.
        _ => Ok(()),
    }
}

/// Joins `\`-continued lines; yields (first line number, text).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (i, raw) in text.lines().enumerate() {
        if current.is_empty() {
            start = i + 1;
        }
        match raw.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(raw);
                out.push((start, std::mem::take(&mut current)));
            }
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// `#` starts a comment at the line start or after whitespace (a URL
/// fragment `#egg=` is not one).
fn strip_comment(line: &str) -> String {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()) {
            return line[..i].to_string();
        }
    }
    line.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQS: &str = "\
# tools
Django==4.2.1  # web
PyYAML==4.2b1
urllib3==1.24.2; python_version == '3.3'
pypiwin32==219; sys_platform == 'win32' and python_version < '3.6'
pypiwin32==223; sys_platform == 'win32' and python_version >= '3.6'
requests[security]==2.22.0 \\
    --hash=sha256:abc
six==1.12.0; python_version < '3'
six==1.12.0; python_version >= '3'
flask>=2.0
-e git+https://github.com/x/y.git#egg=y
mylib @ git+https://github.com/x/mylib.git
--index-url https://pypi.org/simple
";

    #[test]
    fn requirements_are_direct_and_dev_files_say_dev() {
        let l = parse(Path::new("requirements.txt"), "Django==4.2.1\n").unwrap();
        assert_eq!(
            (l.packages[0].direct, l.packages[0].dev),
            (Some(true), None)
        );
        for dev_name in [
            "requirements-dev.txt",
            "requirements_test.txt",
            "dev-requirements.txt",
            "requirements/lint.txt",
            "requirements.docs.txt",
        ] {
            let l = parse(Path::new(dev_name), "pytest==8.0.0\n").unwrap();
            assert_eq!(l.packages[0].dev, Some(true), "{dev_name}");
        }
        // A word that merely contains "dev" is not one.
        for name in [
            "requirements-devices.txt",
            "requirements-prod.txt",
            "dev.txt",
        ] {
            let l = parse(Path::new(name), "pytest==8.0.0\n").unwrap();
            assert_eq!(l.packages[0].dev, None, "{name}");
        }
    }

    #[test]
    fn pins_markers_duplicates_and_skips() {
        let l = parse(Path::new("requirements.txt"), REQS).unwrap();
        let got: Vec<(String, &str)> = l
            .packages
            .iter()
            .map(|p| {
                (
                    crate::model::canonical_name("PyPI", &p.name),
                    p.version.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("django".to_string(), "4.2.1"),
                ("pyyaml".to_string(), "4.2b1"),
                ("urllib3".to_string(), "1.24.2"),
                ("pypiwin32".to_string(), "219"),
                ("pypiwin32".to_string(), "223"),
                ("requests".to_string(), "2.22.0"),
                ("six".to_string(), "1.12.0"),
            ]
        );
        let urllib3 = &l.packages[2];
        assert_eq!(urllib3.detail.as_deref(), Some("python_version == '3.3'"));
        assert_eq!(l.packages[1].key(), "PyPI/pyyaml");
        assert!(l.packages[6].detail.as_deref().unwrap().contains(" | "));
        assert_eq!(l.skipped.len(), 3, "{:?}", l.skipped);
        assert!(l.skipped[0].reason.contains("not pinned"));
    }

    #[test]
    fn malformed_lines_name_the_line() {
        let e = parse(Path::new("requirements.txt"), "six==1.0\n==2.0\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("requirements.txt:2:"), "{e}");
        let e = parse(Path::new("requirements.txt"), "six==1.0\n\nfoo==banana\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("requirements.txt:3:") && e.contains("PEP 440"),
            "{e}"
        );
    }

    #[test]
    fn includes_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("base.txt"), "six==1.16.0\n").unwrap();
        let main = dir.path().join("requirements.txt");
        std::fs::write(&main, "-r base.txt\nidna==3.7\n").unwrap();
        let l = super::super::read_lockfile(&main).unwrap();
        assert_eq!(l.packages.len(), 2);
        assert!(l.packages.iter().any(|p| p.lockfile.ends_with("base.txt")));
    }
}
