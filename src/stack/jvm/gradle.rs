//! gradle.lockfile (and `buildscript-gradle.lockfile`): one
//! `group:artifact:version=configuration,…` line per resolved module;
//! `#` comments and the `empty=` line (configurations without
//! dependencies) carry no package. Gradle does not say which modules are
//! direct; a module only in test configurations (`testCompileClasspath`,
//! `testRuntimeClasspath`, …) is dev.

use std::path::Path;

use super::super::read::{empty, package};
use super::super::{Lockfile, PackageSource, StackError};

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let mut lock = empty(path);
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let (coords, configs) = line.split_once('=').unwrap_or((line, ""));
        let parts: Vec<&str> = coords.split(':').collect();
        let [group, artifact, version] = parts.as_slice() else {
            return Err(StackError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!(
                    "{line:?} is not `group:artifact:version=configurations`; regenerate it with `gradle dependencies --write-locks`"
                ),
            });
        };
        if [group, artifact, version].iter().any(|s| s.is_empty()) {
            return Err(StackError::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("{line:?} has an empty group, artifact or version"),
            });
        }
        let mut p = package(
            "Maven",
            format!("{group}:{artifact}"),
            *version,
            PackageSource::Registry,
            path,
        );
        let configs: Vec<&str> = configs.split(',').filter(|c| !c.is_empty()).collect();
        p.dev = (!configs.is_empty()).then(|| configs.iter().all(|c| c.starts_with("test")));
        lock.packages.push(p);
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_configurations_and_bad_lines() {
        let text = "# header\norg.a:core:1.0=compileClasspath,testRuntimeClasspath\njunit:junit:4.13=testCompileClasspath\nempty=annotationProcessor\n";
        let lock = parse(Path::new("gradle.lockfile"), text).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                ("org.a:core", "1.0", Some(false)),
                ("junit:junit", "4.13", Some(true))
            ]
        );
        let e = parse(Path::new("g/gradle.lockfile"), "# ok\n>>>\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g/gradle.lockfile:2:"), "{e}");
    }
}
