//! Package URLs (purl) for packages, as SBOMs name them:
//! `pkg:npm/%40scope/name@1.0.0`, `pkg:cargo/serde@1.0.0`.

use super::Package;

/// Characters a purl segment keeps as they are (the rest is %-encoded).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The purl type for an OSV ecosystem, `None` for one purl has no type for.
pub fn purl_type(ecosystem: &str) -> Option<&'static str> {
    Some(match ecosystem {
        "crates.io" => "cargo",
        "npm" => "npm",
        "PyPI" => "pypi",
        "RubyGems" => "gem",
        "Packagist" => "composer",
        "Maven" => "maven",
        "Go" => "golang",
        "NuGet" => "nuget",
        "Pub" => "pub",
        "Hex" => "hex",
        _ => return None,
    })
}

pub fn purl(p: &Package) -> Option<String> {
    let ty = purl_type(&p.ecosystem)?;
    let name = crate::model::canonical_name(&p.ecosystem, &p.name);
    let path: Vec<String> = match ty {
        "maven" => name.splitn(2, ':').map(encode).collect(),
        "npm" | "composer" | "golang" => name.split('/').map(encode).collect(),
        _ => vec![encode(&name)],
    };
    let mut out = format!("pkg:{ty}/{}", path.join("/"));
    if !p.version.is_empty() {
        out.push('@');
        out.push_str(&encode(&p.version));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::PackageSource;
    use std::path::Path;

    #[test]
    fn purls() {
        let p = |e: &str, n: &str, v: &str| {
            purl(&crate::stack::read::package(
                e,
                n,
                v,
                PackageSource::Registry,
                Path::new("x"),
            ))
            .unwrap()
        };
        assert_eq!(
            p("npm", "@babel/core", "7.0.0"),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(p("PyPI", "Django_REST", "1.0"), "pkg:pypi/django-rest@1.0");
        assert_eq!(
            p("Maven", "org.slf4j:slf4j-api", "2.0.9"),
            "pkg:maven/org.slf4j/slf4j-api@2.0.9"
        );
        assert_eq!(
            p("crates.io", "serde", "1.0.0+x"),
            "pkg:cargo/serde@1.0.0%2Bx"
        );
    }
}
