//! `radar stack`: the inventory the audit and the scores see, as a table
//! for a person, JSON for scripts, or a CycloneDX 1.6 SBOM.

use anyhow::{Result, bail};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;

use super::print_json;
use crate::cli::{StackArgs, StackFormat};
use crate::config::{self, ConfigError, StackConfig};
use crate::settings::Settings;
use crate::stack::{self, Inventory, Package};

pub fn stack(ctx: &Settings, args: &StackArgs) -> Result<u8> {
    let config = match ctx.radar_config() {
        Ok(c) => Some(c),
        Err(ConfigError::NotFound) if !args.lockfiles.is_empty() => None,
        Err(e) => return Err(e.into()),
    };
    let stack_path = config.as_ref().map(|c| c.stack_path.clone());
    let (lockfiles, techs) = if args.lockfiles.is_empty() {
        let stack = match &stack_path {
            Some(p) if p.is_file() => config::load_stack(p)?,
            Some(p) => bail!(
                "{}: not found. Create it with [[lockfile]] entries, or pass --lockfile PATH",
                p.display()
            ),
            None => StackConfig::default(),
        };
        let paths: Vec<PathBuf> = stack.lockfiles.iter().map(|l| l.path.clone()).collect();
        (paths, stack.techs)
    } else {
        let paths = args.lockfiles.iter().map(|p| ctx.cwd.join(p)).collect();
        (paths, Vec::new())
    };
    let inv = stack::inventory(&lockfiles, &techs, stack_path.as_deref())?;
    let format = if args.json {
        StackFormat::Json
    } else {
        args.format
    };
    match format {
        StackFormat::Json => print_json(&inventory_json(&inv))?,
        StackFormat::Cyclonedx => print_json(&cyclonedx(&inv, ctx.now))?,
        StackFormat::Table => out!("{}", table(&inv)),
    }
    Ok(0)
}

/// `--json`: serialised straight from the inventory, not through a
/// `serde_json::Value` tree (building and dropping that tree was a sixth of
/// the run at 3,000 packages, issue 11). Fields are in the order the Value
/// map wrote them (alphabetical): the output is unchanged.
#[derive(Serialize)]
struct InventoryJson<'a> {
    lockfiles: Vec<LockfileJson<'a>>,
    packages: Vec<PackageJson<'a>>,
}

#[derive(Serialize)]
struct LockfileJson<'a> {
    kind: &'a str,
    packages: usize,
    #[serde(serialize_with = "display")]
    path: &'a std::path::Path,
}

#[derive(Serialize)]
struct PackageJson<'a> {
    dev: Option<bool>,
    direct: Option<bool>,
    ecosystem: &'a str,
    #[serde(serialize_with = "display")]
    lockfile: &'a std::path::Path,
    name: &'a str,
    source: stack::PackageSource,
    version: &'a str,
}

fn display<S: serde::Serializer>(p: &&std::path::Path, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&p.display())
}

fn inventory_json(inv: &Inventory) -> InventoryJson<'_> {
    InventoryJson {
        lockfiles: inv
            .lockfiles
            .iter()
            .zip(&inv.kinds)
            .map(|(path, (kind, count))| LockfileJson {
                kind,
                packages: *count,
                path,
            })
            .collect(),
        packages: inv
            .packages
            .iter()
            .map(|p| PackageJson {
                dev: p.dev,
                direct: p.direct,
                ecosystem: &p.ecosystem,
                lockfile: &p.lockfile,
                name: &p.name,
                source: p.source,
                version: &p.version,
            })
            .collect(),
    }
}

fn table(inv: &Inventory) -> String {
    let mut out = String::new();
    for (path, (kind, count)) in inv.lockfiles.iter().zip(&inv.kinds) {
        out.push_str(&format!(
            "{kind:<18} {count:>6} packages  {}\n",
            path.display()
        ));
    }
    let techs = inv.packages.len() - inv.kinds.iter().map(|k| k.1).sum::<usize>();
    if techs > 0 {
        out.push_str(&format!(
            "{:<18} {techs:>6} packages  [[tech]] entries\n",
            "stack.toml"
        ));
    }
    let direct = inv
        .packages
        .iter()
        .filter(|p| p.direct == Some(true))
        .count();
    let dev = inv.packages.iter().filter(|p| p.dev == Some(true)).count();
    let local = inv
        .packages
        .iter()
        .filter(|p| p.source != stack::PackageSource::Registry)
        .count();
    out.push_str(&format!(
        "\n{} packages: {direct} direct, {dev} dev, {local} not from a registry\n\n",
        inv.packages.len()
    ));
    let flag = |b: Option<bool>, yes: &str| match b {
        Some(true) => yes.to_string(),
        Some(false) => "-".to_string(),
        None => "?".to_string(),
    };
    out.push_str(&format!(
        "{:<10} {:<40} {:<20} {:<9} {:<6} {:<3}\n",
        "ECOSYSTEM", "NAME", "VERSION", "SOURCE", "DIRECT", "DEV"
    ));
    for p in &inv.packages {
        out.push_str(&format!(
            "{:<10} {:<40} {:<20} {:<9} {:<6} {:<3}\n",
            p.ecosystem,
            crate::terminal::clean(&p.name),
            crate::terminal::clean(&p.version),
            p.source.as_str(),
            flag(p.direct, "yes"),
            flag(p.dev, "dev")
        ));
    }
    out
}

/// A CycloneDX 1.6 BOM: one component per package (bom-ref = its purl,
/// made unique per lockfile when two lockfiles pin the same one), and the
/// dependency edges the lockfiles record.
fn cyclonedx(inv: &Inventory, now: chrono::DateTime<chrono::Utc>) -> Value {
    let mut refs: Vec<String> = Vec::with_capacity(inv.packages.len());
    let mut used: HashMap<String, usize> = HashMap::new();
    for p in &inv.packages {
        let base =
            stack::purl(p).unwrap_or_else(|| format!("{}:{}@{}", p.ecosystem, p.name, p.version));
        let n = used.entry(base.clone()).or_default();
        *n += 1;
        refs.push(if *n == 1 { base } else { format!("{base}#{n}") });
    }
    // (lockfile, name) → indexes, to resolve edges that give no version.
    let mut by_name: HashMap<(&std::path::Path, String), Vec<usize>> = HashMap::new();
    for (i, p) in inv.packages.iter().enumerate() {
        by_name
            .entry((
                p.lockfile.as_path(),
                crate::model::canonical_name(&p.ecosystem, &p.name),
            ))
            .or_default()
            .push(i);
    }
    let components: Vec<Value> = inv
        .packages
        .iter()
        .zip(&refs)
        .map(|(p, r)| component(p, r))
        .collect();
    let mut dependencies = Vec::new();
    for (i, p) in inv.packages.iter().enumerate() {
        if p.depends.is_empty() {
            continue;
        }
        let mut on: Vec<&str> = Vec::new();
        for d in &p.depends {
            let key = (
                p.lockfile.as_path(),
                crate::model::canonical_name(&p.ecosystem, &d.name),
            );
            let Some(cands) = by_name.get(&key) else {
                continue;
            };
            let hit = match &d.version {
                Some(v) => cands.iter().find(|&&j| inv.packages[j].version == *v),
                None if cands.len() == 1 => cands.first(),
                None => None,
            };
            if let Some(&j) = hit
                && !on.contains(&refs[j].as_str())
            {
                on.push(&refs[j]);
            }
        }
        dependencies.push(json!({"ref": refs[i], "dependsOn": on}));
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "tools": {"components": [{"type": "application", "name": "radar", "version": env!("CARGO_PKG_VERSION")}]}
        },
        "components": components,
        "dependencies": dependencies,
    })
}

fn component(p: &Package, bom_ref: &str) -> Value {
    let mut c = json!({
        "type": "library",
        "bom-ref": bom_ref,
        "name": p.name,
        "version": p.version,
        "properties": [
            {"name": "radar:ecosystem", "value": p.ecosystem},
            {"name": "radar:source", "value": p.source.as_str()},
            {"name": "radar:lockfile", "value": p.lockfile.display().to_string()},
        ],
    });
    if let Some(purl) = stack::purl(p) {
        c["purl"] = json!(purl);
    }
    if p.dev == Some(true) {
        c["scope"] = json!("optional");
    }
    c
}
