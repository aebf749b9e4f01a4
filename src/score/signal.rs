//! One piece of evidence behind a ring proposal: what scoring produces and
//! entry files store under `[[signal]]`.

use serde::{Deserialize, Serialize};

/// One piece of evidence behind a proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    pub kind: SignalKind,
    /// Contribution to the score: negative pushes outward (towards hold).
    pub weight: f64,
    /// One line a lead can read without opening anything.
    pub because: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// More links backing the same signal (e.g. the items behind a trend).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
}

impl Signal {
    /// What identifies this evidence across runs: the kind and its link,
    /// not the wording (a staleness count or trend figure changes weekly,
    /// and that alone is not new evidence). A falling trend is other
    /// evidence than a rising one: rejecting "rising" must not hide a later
    /// fall. Rising keeps the plain `trend:` key entries already store.
    pub fn key(&self) -> String {
        let kind = match self.kind {
            SignalKind::Trend if self.weight < 0.0 => "trend-falling",
            k => k.as_str(),
        };
        format!("{kind}:{}", self.url.as_deref().unwrap_or(""))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignalKind {
    /// A vulnerability (or unsound/notice warning) affecting the version in use.
    Advisory,
    /// The package is declared unmaintained.
    Unmaintained,
    /// A recent release: the project is alive.
    Release,
    /// A new major version beyond the one in use: a prompt to trial the upgrade.
    Major,
    /// No release for 18 months.
    Staleness,
    /// Mentions rising across the sources.
    Trend,
    /// How many lockfiles in the stack use it.
    Usage,
    /// The release cycle in use is past (or near) its end of life.
    Eol,
    /// The registry marks the version in use deprecated (npm).
    Deprecated,
    /// The registry withdrew the version in use (crates.io, PyPI).
    Yanked,
}

impl SignalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Advisory => "advisory",
            SignalKind::Unmaintained => "unmaintained",
            SignalKind::Release => "release",
            SignalKind::Major => "major",
            SignalKind::Staleness => "staleness",
            SignalKind::Trend => "trend",
            SignalKind::Usage => "usage",
            SignalKind::Eol => "eol",
            SignalKind::Deprecated => "deprecated",
            SignalKind::Yanked => "yanked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trend(weight: f64, because: &str) -> Signal {
        Signal {
            kind: SignalKind::Trend,
            weight,
            because: because.into(),
            url: None,
            evidence: Vec::new(),
        }
    }

    #[test]
    fn keys_ignore_wording_but_tell_rising_from_falling() {
        let rising = trend(0.2, "mentions rising: 9");
        assert_eq!(rising.key(), "trend:", "the key entries already store");
        assert_eq!(rising.key(), trend(0.2, "mentions rising: 14").key());
        let falling = trend(-0.1, "mentions falling: 3");
        assert_eq!(falling.key(), "trend-falling:");
        assert_ne!(rising.key(), falling.key());
    }
}
