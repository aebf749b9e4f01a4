//! Registry metadata that says which versions were yanked.
//!
//! Reads crates.io index files (one JSON object per line with `name`,
//! `vers`, `yanked`), the format of the registry index and of
//! `cargo`'s local index cache. No network: the caller points at files.

use serde::Deserialize;
use std::path::Path;

use super::StackError;

#[derive(Deserialize)]
struct IndexLine {
    name: String,
    vers: String,
    #[serde(default)]
    yanked: bool,
}

/// `(package key, version)` of every yanked version in a crates.io index file.
pub fn yanked_from_crates_index(
    path: &Path,
    text: &str,
) -> Result<Vec<(String, String)>, StackError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: IndexLine = serde_json::from_str(line).map_err(|e| StackError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            message: format!("not a crates.io index line: {e}"),
        })?;
        if entry.yanked {
            out.push((format!("crates.io/{}", entry.name), entry.vers));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yanked_lines() {
        let text = "{\"name\":\"libc\",\"vers\":\"0.1.8\",\"yanked\":false}\n{\"name\":\"libc\",\"vers\":\"0.1.9\",\"yanked\":true}\n";
        assert_eq!(
            yanked_from_crates_index(Path::new("libc"), text).unwrap(),
            vec![("crates.io/libc".to_string(), "0.1.9".to_string())]
        );
        let e = yanked_from_crates_index(Path::new("libc"), "{\"name\":1}\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("libc:1:"), "{e}");
    }
}
