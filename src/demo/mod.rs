//! The demo's material: bundled sample data, the loopback server that
//! serves it, and the team radar (radar.toml, stack.toml, entries/,
//! lockfiles/) pointed at that server.
//!
//! `radar demo` (in `cmd`) starts the server, writes the radar and runs the
//! same stages a team runs. Nothing here sends traffic anywhere but
//! 127.0.0.1 or runs a stage.

pub mod data;
pub mod server;

use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use server::DemoServer;
use server::Served;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot {op} {}", path.display())]
    Io {
        path: PathBuf,
        op: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot build the demo advisories zip")]
    Zip(#[source] std::io::Error),
    #[error("cannot start the demo HTTP server on 127.0.0.1")]
    Server(#[source] std::io::Error),
}

/// Starts the loopback server with every sample feed, dated relative to `now`.
pub async fn start_server(now: DateTime<Utc>, port: Option<u16>) -> Result<DemoServer, DemoError> {
    let mut files = BTreeMap::new();
    for f in data::FEEDS {
        files.insert(
            f.file.to_string(),
            Served {
                content_type: f.content_type,
                body: data::render(f.template, now).into_bytes(),
            },
        );
    }
    for (file, _, body) in data::EOL_PRODUCTS {
        files.insert(
            file.to_string(),
            Served {
                content_type: "application/json",
                body: body.as_bytes().to_vec(),
            },
        );
    }
    files.insert(
        "advisories.zip".to_string(),
        Served {
            content_type: "application/zip",
            body: advisories_zip(now)?,
        },
    );
    files.insert(
        data::RUSTSEC_NOTE.0.to_string(),
        Served {
            content_type: "text/markdown",
            body: data::render(data::RUSTSEC_NOTE.1, now).into_bytes(),
        },
    );
    server::serve(files, port.unwrap_or(0))
        .await
        .map_err(DemoError::Server)
}

/// The OSV records as one zip, the way OSV publishes per-ecosystem dumps.
fn advisories_zip(now: DateTime<Utc>) -> Result<Vec<u8>, DemoError> {
    let zip_err = |e: zip::result::ZipError| DemoError::Zip(std::io::Error::other(e));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, template) in data::ADVISORIES {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .map_err(zip_err)?;
        zip.write_all(data::render(template, now).as_bytes())
            .map_err(DemoError::Zip)?;
    }
    Ok(zip.finish().map_err(zip_err)?.into_inner())
}

/// Writes radar.toml (pointing at the server), stack.toml, entries/ and the
/// sample feeds. An existing index in `dir` is kept, so a second demo run
/// shows that re-crawling adds nothing.
pub fn write_radar(
    dir: &Path,
    server: &DemoServer,
    now: DateTime<Utc>,
) -> Result<PathBuf, DemoError> {
    let feeds = dir.join("feeds");
    create_dir(&feeds)?;
    for (rel, text) in data::ENTRIES {
        let path = dir.join("entries").join(rel);
        // A kept demo radar may carry the lead's own edits: never overwrite.
        if path.exists() {
            continue;
        }
        if let Some(parent) = path.parent() {
            create_dir(parent)?;
        }
        write(&path, text)?;
    }
    let mut toml = format!(
        "# Written by `radar demo`. The sources point at the demo's loopback server:\n\
         # run `radar demo --keep {dir} --serve --port {port}` to serve them again.\n\n\
         [index]\npath = \"index\"\n\n[crawl]\nconcurrency = 8\nper_host = 8\n\
         # Only the sample feeds: no release sources derived from the stack,\n\
         # which would reach the public registries.\ntrack = \"none\"\n",
        dir = dir.display(),
        port = server.addr.port()
    );
    for f in data::FEEDS {
        write(&feeds.join(f.file), &data::render(f.template, now))?;
        toml.push_str(&format!(
            "\n[[source]]\nname = {:?}\nurl = {:?}\n",
            f.source,
            server.url(f.file)
        ));
        if let Some(p) = f.package {
            toml.push_str(&format!("package = {p:?}\n"));
        }
    }
    toml.push_str(&format!(
        "\n[[source]]\nname = \"Demo advisories (OSV)\"\nkind = \"osv\"\nurl = {:?}\n\n[[source]]\nname = \"Demo advisories (RustSec)\"\nkind = \"rustsec\"\nurl = {:?}\n",
        server.url("advisories.zip"),
        server.url(data::RUSTSEC_NOTE.0)
    ));
    for (file, name, _) in data::EOL_PRODUCTS {
        toml.push_str(&format!(
            "\n[[source]]\nname = {name:?}\nkind = \"eol\"\nurl = {:?}\n",
            server.url(file)
        ));
    }
    let config = dir.join("radar.toml");
    write(&config, &toml)?;
    let locks = dir.join("lockfiles");
    create_dir(&locks)?;
    // The lockfiles say which versions run, so the demo drops the hand-kept
    // `version =` lines of the embedded stack (they would be audited too).
    let mut stack: String = data::STACK_TOML
        .lines()
        .filter(|l| !l.trim_start().starts_with("version ="))
        .map(|l| format!("{l}\n"))
        .collect();
    stack.push_str(data::STACK_EXTRA);
    stack.push_str(
        "\n# The demo services' lockfiles: `radar audit` checks every package in them.\n",
    );
    for (name, text) in data::LOCKFILES {
        write(&locks.join(name), text)?;
        stack.push_str(&format!("\n[[lockfile]]\npath = \"lockfiles/{name}\"\n"));
    }
    write(&dir.join("stack.toml"), &stack)?;
    Ok(config)
}

fn write(path: &Path, text: &str) -> Result<(), DemoError> {
    crate::atomic::write(path, text.as_bytes(), crate::atomic::Durability::NoSync).map_err(|e| {
        DemoError::Io {
            path: path.to_path_buf(),
            op: "write",
            source: e.source,
        }
    })
}

fn create_dir(path: &Path) -> Result<(), DemoError> {
    std::fs::create_dir_all(path).map_err(|source| DemoError::Io {
        path: path.to_path_buf(),
        op: "create",
        source,
    })
}
