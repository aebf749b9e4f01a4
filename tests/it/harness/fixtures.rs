//! Where fixtures are: ours under `tests/fixtures`, and the real-world
//! ones in the sibling checkout `../shared/fixtures`, which a clone of this
//! repository alone does not have. Tests that need those skip, and say so.

use std::path::{Path, PathBuf};

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// `../shared/fixtures/<rel>` (`rel` may be empty), or `None`, with a
/// notice on stderr, when it is absent.
pub fn shared_fixture(rel: &str) -> Option<PathBuf> {
    let shown = format!("../shared/fixtures/{rel}");
    let shown = shown.trim_end_matches('/');
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(shown);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {shown} absent");
        None
    }
}

/// The shared fixtures folder (or a folder in it); returns from the test,
/// after the notice, when it is absent.
macro_rules! fixtures_or_skip {
    () => {
        fixtures_or_skip!("")
    };
    ($rel:expr) => {
        match $crate::harness::shared_fixture($rel) {
            Some(f) => f,
            None => return,
        }
    };
}
