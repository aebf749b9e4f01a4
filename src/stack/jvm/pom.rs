//! pom.xml: the dependencies a Maven project declares, with the versions
//! the pom itself gives them. No network and no parent pom: a version
//! comes from the dependency, else from this pom's `dependencyManagement`;
//! `${property}` is resolved from this pom's `<properties>` and its own
//! coordinates (`project.version`, `project.parent.version`, …). A
//! dependency whose version stays unknown is listed as skipped, with why.
//!
//! Every declared dependency is direct; `test` scope is dev. Build plugin
//! dependencies are not the project's. Profiles count when
//! `activeByDefault` is true. A version range (`[1.2,2.0)`) is read as its
//! lower bound, as osv-scanner does, and says so in `detail`.

use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::super::read::{empty, invalid, package};
use super::super::{Lockfile, PackageSource, Skipped, StackError};

#[derive(Default, Clone)]
struct Dep {
    group: String,
    artifact: String,
    version: String,
    scope: String,
    line: usize,
}

#[derive(Default)]
struct Pom {
    properties: HashMap<String, String>,
    deps: Vec<Dep>,
    managed: Vec<Dep>,
    /// Dependencies of each profile, with whether it is active by default.
    profiles: Vec<(bool, Vec<Dep>)>,
}

fn line_at(text: &str, pos: u64) -> usize {
    let pos = usize::try_from(pos).unwrap_or(usize::MAX).min(text.len());
    text.as_bytes()[..pos]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn read(path: &Path, text: &str) -> Result<Pom, StackError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut at: Vec<String> = Vec::new();
    let mut pom = Pom::default();
    let mut dep = Dep::default();
    let mut saw_project = false;
    loop {
        let event = reader.read_event().map_err(|e| StackError::Parse {
            path: path.to_path_buf(),
            line: line_at(text, reader.error_position()),
            message: format!("not a valid pom.xml: {e}"),
        })?;
        match event {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_string();
                // quick-xml does not check names; Maven's parser does.
                if !is_xml_name(&name) {
                    return Err(StackError::Parse {
                        path: path.to_path_buf(),
                        line: line_at(text, reader.buffer_position()),
                        message: format!("<{name}> is not a valid XML element name"),
                    });
                }
                if at.is_empty() {
                    if name != "project" {
                        return Err(invalid(
                            path,
                            format!("the root element is <{name}>, not <project>"),
                        ));
                    }
                    saw_project = true;
                }
                at.push(name);
                if at.last().is_some_and(|n| n == "dependency") {
                    dep = Dep {
                        line: line_at(text, reader.buffer_position()),
                        ..Dep::default()
                    };
                }
                if at.len() == 3 && at[1] == "profiles" && at[2] == "profile" {
                    pom.profiles.push((false, Vec::new()));
                }
            }
            Event::End(_) => {
                let here: Vec<&str> = at.iter().map(String::as_str).collect();
                let d = std::mem::take(&mut dep);
                match here.as_slice() {
                    ["project", "dependencies", "dependency"] => pom.deps.push(d),
                    [
                        "project",
                        "dependencyManagement",
                        "dependencies",
                        "dependency",
                    ] => pom.managed.push(d),
                    [
                        "project",
                        "profiles",
                        "profile",
                        "dependencies",
                        "dependency",
                    ] => {
                        if let Some(p) = pom.profiles.last_mut() {
                            p.1.push(d)
                        }
                    }
                    _ => dep = d,
                }
                at.pop();
            }
            Event::Text(t) => {
                let value = t.xml10_content().trim().to_string();
                let here: Vec<&str> = at.iter().map(String::as_str).collect();
                match here.as_slice() {
                    ["project", "properties", key] => {
                        pom.properties.insert(key.to_string(), value);
                    }
                    ["project", field @ ("groupId" | "artifactId" | "version")] => {
                        pom.properties.insert(format!("project.{field}"), value);
                    }
                    [
                        "project",
                        "parent",
                        field @ ("groupId" | "artifactId" | "version"),
                    ] => {
                        pom.properties
                            .insert(format!("project.parent.{field}"), value);
                    }
                    [
                        "project",
                        "profiles",
                        "profile",
                        "activation",
                        "activeByDefault",
                    ] => {
                        if let Some(p) = pom.profiles.last_mut() {
                            p.0 = value == "true";
                        }
                    }
                    [.., "dependency", field] => match *field {
                        "groupId" => dep.group = value,
                        "artifactId" => dep.artifact = value,
                        "version" => dep.version = value,
                        "scope" => dep.scope = value,
                        _ => {}
                    },
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_project {
        return Err(invalid(path, "no <project> element: not a pom.xml"));
    }
    // Maven's own defaults when the project inherits them from its parent.
    for field in ["groupId", "version"] {
        if let Some(v) = pom.properties.get(&format!("project.parent.{field}")) {
            let v = v.clone();
            pom.properties
                .entry(format!("project.{field}"))
                .or_insert(v);
        }
    }
    Ok(pom)
}

/// Replaces every `${name}` from `props` (properties may refer to others);
/// `None` if one is not defined here.
fn interpolate(s: &str, props: &HashMap<String, String>) -> Option<String> {
    let mut out = s.to_string();
    for _ in 0..10 {
        let Some(start) = out.find("${") else {
            return Some(out);
        };
        let end = start + out[start..].find('}')?;
        let key = &out[start + 2..end];
        let key = key
            .strip_prefix("pom.")
            .map_or(key.to_string(), |k| format!("project.{k}"));
        let value = props.get(&key)?;
        out.replace_range(start..=end, value);
    }
    None
}

/// `[1.2,2.0)` → `1.2`; a plain version is itself.
fn lower_bound(v: &str) -> Option<&str> {
    if !v.starts_with(['[', '(']) {
        return Some(v);
    }
    let first = v[1..]
        .split(',')
        .next()?
        .trim_end_matches([']', ')'])
        .trim();
    (!first.is_empty()).then_some(first)
}

pub(in crate::stack) fn parse(path: &Path, text: &str) -> Result<Lockfile, StackError> {
    let pom = read(path, text)?;
    let mut lock = empty(path);
    let resolve = |s: &str| interpolate(s, &pom.properties);
    let managed: HashMap<(String, String), String> = pom
        .managed
        .iter()
        .filter_map(|d| {
            Some((
                (resolve(&d.group)?, resolve(&d.artifact)?),
                d.version.clone(),
            ))
        })
        .collect();
    let active = pom
        .profiles
        .iter()
        .filter(|(on, _)| *on)
        .flat_map(|(_, deps)| deps);
    let mut seen = HashSet::new();
    for d in pom.deps.iter().chain(active) {
        let skip = |name: String, version: Option<String>, reason: String| Skipped {
            package: format!("Maven/{name}"),
            version,
            reason: format!("line {}: {reason}", d.line),
            lockfile: path.to_path_buf(),
        };
        let (Some(group), Some(artifact)) = (resolve(&d.group), resolve(&d.artifact)) else {
            lock.skipped.push(skip(
                format!("{}:{}", d.group, d.artifact),
                None,
                "a ${property} in its coordinates is not defined in this pom".into(),
            ));
            continue;
        };
        if group.is_empty() || artifact.is_empty() {
            lock.skipped.push(skip(
                format!("{group}:{artifact}"),
                None,
                "no groupId or artifactId".into(),
            ));
            continue;
        }
        let name = format!("{group}:{artifact}");
        if !seen.insert(name.clone()) {
            continue;
        }
        let declared = if d.version.is_empty() {
            managed
                .get(&(group.clone(), artifact.clone()))
                .cloned()
                .unwrap_or_default()
        } else {
            d.version.clone()
        };
        if declared.is_empty() {
            lock.skipped.push(skip(
                name,
                None,
                "no version in this pom (a parent pom or BOM manages it; radar reads no other pom)"
                    .into(),
            ));
            continue;
        }
        let Some(resolved) = resolve(&declared) else {
            lock.skipped.push(skip(
                name,
                Some(declared.clone()),
                format!("{declared} uses a property this pom does not define"),
            ));
            continue;
        };
        let Some(version) = lower_bound(&resolved) else {
            lock.skipped.push(skip(
                name,
                Some(resolved.clone()),
                "an open version range".into(),
            ));
            continue;
        };
        let source = if d.scope == "system" {
            PackageSource::Path
        } else {
            PackageSource::Registry
        };
        let mut p = package("Maven", name, version, source, path);
        p.direct = Some(true);
        p.dev = Some(d.scope == "test");
        p.detail = Some(if version == resolved {
            format!("line {}", d.line)
        } else {
            format!("line {}, range {resolved}", d.line)
        });
        lock.packages.push(p);
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POM: &str = r#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent><groupId>org.acme</groupId><artifactId>base</artifactId><version>7</version></parent>
  <artifactId>app</artifactId>
  <properties>
    <jackson.version>2.15.0</jackson.version>
    <jackson.alias>${jackson.version}</jackson.alias>
  </properties>
  <dependencies>
    <dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-databind</artifactId><version>${jackson.alias}</version></dependency>
    <dependency><groupId>org.acme</groupId><artifactId>lib</artifactId><version>${project.version}</version></dependency>
    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>[4.12,5)</version><scope>test</scope></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
    <dependency><groupId>org.x</groupId><artifactId>y</artifactId><version>${nowhere}</version></dependency>
    <dependency><groupId>org.x</groupId><artifactId>managed-elsewhere</artifactId></dependency>
  </dependencies>
  <dependencyManagement><dependencies>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>2.0.9</version></dependency>
  </dependencies></dependencyManagement>
  <build><plugins><plugin><dependencies>
    <dependency><groupId>org.plugin</groupId><artifactId>only-for-build</artifactId><version>1</version></dependency>
  </dependencies></plugin></plugins></build>
</project>"#;

    #[test]
    fn properties_management_scopes_and_skips() {
        let lock = parse(Path::new("pom.xml"), POM).unwrap();
        let got: Vec<_> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.dev))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "com.fasterxml.jackson.core:jackson-databind",
                    "2.15.0",
                    Some(false)
                ),
                ("org.acme:lib", "7", Some(false)),
                ("junit:junit", "4.12", Some(true)),
                ("org.slf4j:slf4j-api", "2.0.9", Some(false)),
            ]
        );
        assert_eq!(
            lock.packages[2].detail.as_deref(),
            Some("line 12, range [4.12,5)")
        );
        let skipped: Vec<_> = lock.skipped.iter().map(|s| s.package.as_str()).collect();
        assert_eq!(
            skipped,
            vec!["Maven/org.x:y", "Maven/org.x:managed-elsewhere"]
        );
        assert!(
            lock.skipped[0].reason.contains("line 14"),
            "{:?}",
            lock.skipped
        );
    }

    #[test]
    fn broken_xml_names_the_line() {
        let e = parse(
            Path::new("a/pom.xml"),
            "<project>\n<dependencies>\n</project>",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("a/pom.xml:3:"), "{e}");
        let e = parse(Path::new("a/pom.xml"), "<settings/>")
            .unwrap_err()
            .to_string();
        assert!(e.contains("a/pom.xml") && e.contains("<project>"), "{e}");
    }
}
