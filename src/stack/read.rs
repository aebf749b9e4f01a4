//! Shared pieces of the readers: building a [`Package`] and turning a
//! parser's error into a [`StackError`] that names the file and line.
//! Knows no lockfile format.

use std::path::Path;

use super::{Lockfile, Package, PackageSource, StackError};

pub(super) fn package(
    ecosystem: &str,
    name: impl Into<String>,
    version: impl Into<String>,
    source: PackageSource,
    lockfile: &Path,
) -> Package {
    Package {
        ecosystem: ecosystem.to_string(),
        name: name.into(),
        version: version.into(),
        source,
        registry: None,
        direct: None,
        dev: None,
        depends: Vec::new(),
        lockfile: lockfile.to_path_buf(),
        detail: None,
    }
}

pub(super) fn empty(path: &Path) -> Lockfile {
    Lockfile {
        path: path.to_path_buf(),
        kind: "",
        packages: Vec::new(),
        skipped: Vec::new(),
    }
}

pub(super) fn invalid(path: &Path, message: impl Into<String>) -> StackError {
    StackError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

pub(super) fn yaml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, StackError> {
    serde_yaml_ng::from_str(text).map_err(|e| yaml_error(path, what, &e))
}

/// A YAML error as file:line: what is wrong (column C).
pub(super) fn yaml_error(path: &Path, what: &str, e: &serde_yaml_ng::Error) -> StackError {
    match e.location() {
        Some(l) => {
            // serde_yaml_ng ends with " at line L column C": the line is
            // already in front (file:line:), so keep only the column.
            let full = e.to_string();
            let tail = format!(" at line {} column {}", l.line(), l.column());
            let message = match full.strip_suffix(&tail) {
                Some(m) => format!("not a valid {what}: {m} (column {})", l.column()),
                None => format!("not a valid {what}: {full}"),
            };
            StackError::Parse {
                path: path.to_path_buf(),
                line: l.line(),
                message,
            }
        }
        None => invalid(path, format!("not a valid {what}: {e}")),
    }
}

pub(super) fn toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, StackError> {
    toml::from_str(text).map_err(|e| {
        let message = format!(
            "not a valid {what}: {}",
            e.message().trim().replace('`', "\"")
        );
        match e.span() {
            Some(span) => StackError::Parse {
                path: path.to_path_buf(),
                line: text[..span.start.min(text.len())].matches('\n').count() + 1,
                message,
            },
            None => invalid(path, message),
        }
    })
}

/// The `[[package]]` array of a TOML lockfile (poetry, uv, pdm), each
/// entry read as `P`; a file without one has no packages.
pub(super) fn toml_packages<P: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<Vec<P>, StackError> {
    #[derive(serde::Deserialize)]
    #[serde(bound = "P: serde::de::DeserializeOwned")]
    struct Table<P> {
        #[serde(default = "Vec::new")]
        package: Vec<P>,
    }
    Ok(toml::<Table<P>>(path, text, what)?.package)
}

pub(super) fn json<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, StackError> {
    serde_json::from_str(text).map_err(|e| StackError::Parse {
        path: path.to_path_buf(),
        line: e.line().max(1),
        message: format!("not a valid {what}: {e}"),
    })
}

/// JSON with trailing commas and comments (bun.lock).
pub(super) fn jsonc<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
    what: &str,
) -> Result<T, StackError> {
    let strict = jsonc_parser::ParseOptions {
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        ..Default::default()
    };
    jsonc_parser::parse_to_serde_value(text, &strict).map_err(|e| StackError::Parse {
        path: path.to_path_buf(),
        line: e.line_display(),
        message: format!("not a valid {what}: {}", e.kind()),
    })
}
