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
    serde_yaml_ng::from_str(text).map_err(|e| {
        let message = format!("not a valid {what}: {e}");
        match e.location() {
            Some(l) => StackError::Parse {
                path: path.to_path_buf(),
                line: l.line(),
                message,
            },
            None => invalid(path, message),
        }
    })
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
