//! Politeness limits: requests in flight overall and per host.
//!
//! One semaphore for the whole crawl and one per host name. A fetch takes
//! its host's permit first and only then a global one, so sources queued
//! behind a slow host hold no global slot and never delay other hosts.
//! Permits are released on drop; a retry waiting out its backoff holds none.
//! Closing the limiter (on shutdown) makes every waiting fetch give up.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub struct HostLimiter {
    global: Arc<Semaphore>,
    per_host: usize,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

/// Both permits of one request in flight.
pub struct Permit {
    _global: OwnedSemaphorePermit,
    _host: OwnedSemaphorePermit,
}

/// The limiter was closed: the crawl is shutting down.
#[derive(Debug)]
pub struct Closed;

impl HostLimiter {
    pub fn new(global: usize, per_host: usize) -> HostLimiter {
        HostLimiter {
            global: Arc::new(Semaphore::new(global.max(1))),
            per_host: per_host.max(1),
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a slot on `host` and then a global slot.
    pub async fn acquire(&self, host: &str) -> Result<Permit, Closed> {
        let host_sem = self.host(host);
        let host_permit = host_sem.acquire_owned().await.map_err(|_| Closed)?;
        let global = self
            .global
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Closed)?;
        Ok(Permit {
            _global: global,
            _host: host_permit,
        })
    }

    /// No new request starts after this; waiting ones get `Closed`.
    pub fn close(&self) {
        self.global.close();
        if let Ok(hosts) = self.hosts.lock() {
            for s in hosts.values() {
                s.close();
            }
        }
    }

    fn host(&self, host: &str) -> Arc<Semaphore> {
        // A poisoned map only means another task panicked while inserting;
        // the map itself is still usable.
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let sem = hosts
            .entry(host.to_ascii_lowercase())
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)));
        if self.global.is_closed() {
            sem.close();
        }
        sem.clone()
    }
}

/// The host a URL's requests count against (lower-cased, no port).
pub fn host_key(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[tokio::test]
    async fn per_host_limit_holds_and_other_hosts_pass() {
        let l = HostLimiter::new(2, 1);
        let a1 = l.acquire("a.example").await.unwrap();
        // A second request to the same host waits...
        assert!(l.acquire("a.example").now_or_never().is_none());
        // ...and holds no global slot meanwhile, so another host gets one.
        let b1 = l.acquire("b.example").now_or_never();
        assert!(b1.is_some(), "another host must not wait behind a.example");
        drop(a1);
        assert!(l.acquire("A.EXAMPLE").now_or_never().is_some());
        drop(b1);
    }

    #[tokio::test]
    async fn global_limit_holds_across_hosts() {
        let l = HostLimiter::new(2, 4);
        let _a = l.acquire("a").await.unwrap();
        let _b = l.acquire("b").await.unwrap();
        assert!(l.acquire("c").now_or_never().is_none());
    }

    #[tokio::test]
    async fn close_wakes_waiters_with_closed() {
        let l = Arc::new(HostLimiter::new(1, 1));
        let held = l.acquire("a").await.unwrap();
        let waiter = {
            let l = l.clone();
            tokio::spawn(async move { l.acquire("a").await.is_err() })
        };
        tokio::task::yield_now().await;
        l.close();
        assert!(
            waiter.await.unwrap(),
            "waiting acquire must fail after close"
        );
        drop(held);
        assert!(l.acquire("new-host").await.is_err());
    }

    #[test]
    fn host_key_ignores_port_and_case() {
        assert_eq!(host_key("http://127.0.0.1:8080/a"), "127.0.0.1");
        assert_eq!(host_key("https://GitHub.com/x"), "github.com");
        assert_eq!(host_key("not a url"), "");
    }
}
