//! Which addresses the crawler may connect to.
//!
//! A feed host, a redirect or a DNS answer can point the crawler at the
//! machine it runs on or its network: 169.254.169.254 (a cloud's metadata
//! endpoint), 10.x, localhost. The crawler runs unattended, so those are
//! refused by default, before any connection: IP-literal hosts here, on
//! every hop (`fetch` calls [`AddressGuard::check_hop`]), and names in
//! [`GuardedResolver`], which drops private answers after resolution.
//!
//! Exceptions: the configured URL itself names such an address (a
//! loopback test server, an intranet URL written as an IP), or the host or
//! its address is in `[crawl] allow_private`.
//!
//! Owns the classification and the resolver; does not fetch.

use ipnet::IpNet;
use std::collections::HashSet;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

/// What a refused hop or answer was, for the crawl summary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what} refused: private address; allow it with [crawl] allow_private")]
pub struct Refused {
    /// "redirect to 169.254.169.254", "intranet.example (10.0.0.1)".
    pub what: String,
}

/// A bad `[crawl] allow_private` entry.
#[derive(Debug, thiserror::Error)]
#[error(
    "radar.toml [crawl] allow_private: {entry:?} is not a host name, an address or a CIDR block (e.g. \"intranet.example\", \"10.0.0.0/8\")"
)]
pub struct BadAllowEntry {
    pub entry: String,
}

/// Looks a host name up; the system resolver unless a test injects one.
pub type Lookup = Arc<
    dyn Fn(String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>
        + Send
        + Sync,
>;

/// Whether an address is one the crawler must not reach uninvited:
/// loopback, private (RFC 1918, RFC 4193), link-local (169.254/16,
/// fe80::/10) or unspecified. IPv4 inside IPv6 (`::ffff:10.0.0.1`) is
/// judged as the IPv4 address it carries.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private(IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
                    || v6.is_unspecified()
            }
        },
    }
}

/// `[crawl] allow_private`, parsed, and how names are looked up.
#[derive(Clone, Default)]
pub struct AddressGuard {
    hosts: HashSet<String>,
    nets: Vec<IpNet>,
    lookup: Option<Lookup>,
}

impl std::fmt::Debug for AddressGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddressGuard")
            .field("hosts", &self.hosts)
            .field("nets", &self.nets)
            .field("lookup", &self.lookup.as_ref().map(|_| "injected"))
            .finish()
    }
}

impl AddressGuard {
    /// From `[crawl] allow_private`: host names, addresses, CIDR blocks.
    pub fn new(allow: &[String]) -> Result<AddressGuard, BadAllowEntry> {
        let mut guard = AddressGuard::default();
        for entry in allow {
            let e = entry.trim().trim_end_matches('.').to_ascii_lowercase();
            if let Ok(net) = e.parse::<IpNet>() {
                guard.nets.push(net);
            } else if let Ok(ip) = e.trim_matches(['[', ']']).parse::<IpAddr>() {
                guard.nets.push(IpNet::from(ip));
            } else if !e.is_empty()
                && e.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            {
                guard.hosts.insert(e);
            } else {
                return Err(BadAllowEntry {
                    entry: entry.clone(),
                });
            }
        }
        Ok(guard)
    }

    /// The same rules with names looked up by `lookup` (tests: no DNS).
    pub fn with_lookup(mut self, lookup: Lookup) -> AddressGuard {
        self.lookup = Some(lookup);
        self
    }

    fn ip_allowed(&self, ip: IpAddr) -> bool {
        !is_private(ip) || self.nets.iter().any(|n| n.contains(&ip))
    }

    fn host_listed(&self, host: &str) -> bool {
        self.hosts
            .contains(host.trim_end_matches('.').to_ascii_lowercase().as_str())
    }

    /// Before connecting to `url` (the configured `start`, or a redirect
    /// target): an IP-literal host must be public, allowed, or the one the
    /// configured URL names; so must `localhost`, which resolves without
    /// DNS. Other names are judged by [`GuardedResolver`] once resolved.
    pub fn check_hop(
        &self,
        url: &url::Url,
        start: &url::Url,
        redirect: bool,
    ) -> Result<(), Refused> {
        let configured = url.host() == start.host();
        let what = |host: String| Refused {
            what: if redirect {
                format!("redirect to {host}")
            } else {
                format!("connection to {host}")
            },
        };
        match url.host() {
            Some(url::Host::Ipv4(v4)) if !configured && !self.ip_allowed(v4.into()) => {
                Err(what(v4.to_string()))
            }
            Some(url::Host::Ipv6(v6)) if !configured && !self.ip_allowed(v6.into()) => {
                Err(what(v6.to_string()))
            }
            Some(url::Host::Domain(d))
                if is_localhost(d) && !configured && !self.host_listed(d) =>
            {
                Err(what(d.to_string()))
            }
            _ => Ok(()),
        }
    }

    /// Resolves `name` and keeps the addresses the crawler may reach; none
    /// left is a [`Refused`] naming the first private answer.
    pub async fn resolve(
        &self,
        name: &str,
    ) -> Result<Vec<IpAddr>, Box<dyn std::error::Error + Send + Sync>> {
        let addrs = match &self.lookup {
            Some(lookup) => lookup(name.to_string()).await?,
            None => tokio::net::lookup_host((name, 0))
                .await?
                .map(|a| a.ip())
                .collect(),
        };
        // `localhost` reaches here only after `check_hop` let it through.
        if self.host_listed(name) || is_localhost(name) {
            return Ok(addrs);
        }
        let kept: Vec<IpAddr> = addrs
            .iter()
            .copied()
            .filter(|ip| self.ip_allowed(*ip))
            .collect();
        match (kept.is_empty(), addrs.first()) {
            (true, Some(first)) => Err(Box::new(Refused {
                what: format!("{name} ({first})"),
            })),
            _ => Ok(kept),
        }
    }
}

fn is_localhost(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    h == "localhost" || h.ends_with(".localhost")
}

/// The HTTP client's resolver: [`AddressGuard::resolve`] for every name.
pub struct GuardedResolver(pub Arc<AddressGuard>);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.0.clone();
        let name = name.as_str().to_string();
        Box::pin(async move {
            let ips = guard.resolve(&name).await?;
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_loopback_link_local_and_unspecified_are_private() {
        for s in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(is_private(ip(s)), "{s}");
        }
        for s in ["93.184.216.34", "172.32.0.1", "2606:4700::1111", "8.8.8.8"] {
            assert!(!is_private(ip(s)), "{s}");
        }
    }

    #[test]
    fn allow_list_takes_names_addresses_and_blocks_and_rejects_junk() {
        let g = AddressGuard::new(&[
            "Intranet.Example".into(),
            "10.0.0.0/8".into(),
            "fd00::7".into(),
        ])
        .unwrap();
        assert!(g.host_listed("intranet.example"));
        assert!(g.ip_allowed(ip("10.9.9.9")));
        assert!(g.ip_allowed(ip("fd00::7")));
        assert!(!g.ip_allowed(ip("192.168.0.1")));
        let err = AddressGuard::new(&["10.0.0.0/99".into()]).err().unwrap();
        assert!(err.to_string().contains("10.0.0.0/99"), "{err}");
        assert!(AddressGuard::new(&["http://x/".into()]).is_err());
    }

    #[test]
    fn hops_to_private_literals_are_refused_unless_configured_or_allowed() {
        let g = AddressGuard::new(&["192.168.0.0/16".into()]).unwrap();
        let start = url::Url::parse("http://127.0.0.1:8080/feed").unwrap();
        let hop = |u: &str| g.check_hop(&url::Url::parse(u).unwrap(), &start, true);
        assert!(
            hop("http://127.0.0.1:9/other").is_ok(),
            "the configured host"
        );
        assert!(hop("http://192.168.4.4/").is_ok(), "allowed block");
        assert!(hop("http://93.184.216.34/").is_ok(), "public");
        let refused = hop("http://169.254.169.254/latest/meta-data/").unwrap_err();
        assert_eq!(
            refused.to_string(),
            "redirect to 169.254.169.254 refused: private address; allow it with [crawl] allow_private"
        );
        assert!(hop("http://10.0.0.1/").is_err());
        assert!(hop("http://[::1]/").is_err());
        assert!(hop("http://localhost/").is_err());
    }

    fn stub(map: &'static [(&'static str, &'static str)]) -> Lookup {
        Arc::new(move |name: String| {
            let ips: Vec<IpAddr> = map
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, a)| a.parse().unwrap())
                .collect();
            Box::pin(async move { Ok(ips) })
        })
    }

    #[tokio::test]
    async fn names_resolving_privately_are_refused_and_mixed_answers_filtered() {
        let map: &'static [(&str, &str)] = &[
            ("intranet.example", "10.1.2.3"),
            ("mixed.example", "10.1.2.3"),
            ("mixed.example", "93.184.216.34"),
        ];
        let g = AddressGuard::new(&[]).unwrap().with_lookup(stub(map));
        let err = g.resolve("intranet.example").await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "intranet.example (10.1.2.3) refused: private address; allow it with [crawl] allow_private"
        );
        assert_eq!(
            g.resolve("mixed.example").await.unwrap(),
            vec![ip("93.184.216.34")]
        );
        let allowed = AddressGuard::new(&["intranet.example".into()])
            .unwrap()
            .with_lookup(stub(map));
        assert_eq!(
            allowed.resolve("intranet.example").await.unwrap(),
            vec![ip("10.1.2.3")]
        );
    }
}
