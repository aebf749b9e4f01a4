//! Whether, and after how long, a failed attempt is tried again in this run.
//!
//! Transient failures are retried up to `retries` times with exponential
//! backoff and jitter; a server's `Retry-After` is honoured exactly. When the
//! server asks for longer than `max_retry_wait_secs`, the crawl does not sit
//! and wait: it gives up for this run and the crawl state keeps the source
//! away until that time. Pure decisions; the pool does the sleeping.

use std::time::Duration;

use super::outcome::FetchError;
use crate::config::CrawlSettings;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub retries: u32,
    pub base: Duration,
    pub max_wait: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Try again after this delay.
    Retry(Duration),
    /// Stop for this run. `not_before` is a wait the server asked for, to
    /// be kept in crawl state.
    GiveUp { not_before: Option<Duration> },
}

impl RetryPolicy {
    pub fn from_settings(s: &CrawlSettings) -> RetryPolicy {
        RetryPolicy {
            retries: s.retries,
            base: Duration::from_millis(s.retry_base_ms),
            max_wait: Duration::from_secs(s.max_retry_wait_secs),
        }
    }

    /// Decides after `attempts` attempts (1 after the first) ended in `err`.
    pub fn decide(&self, attempts: u32, err: &FetchError) -> Decision {
        let asked = err.retry_after();
        if !err.is_transient() {
            return Decision::GiveUp { not_before: None };
        }
        if let Some(wait) = asked
            && wait > self.max_wait
        {
            return Decision::GiveUp {
                not_before: Some(wait),
            };
        }
        if attempts > self.retries {
            return Decision::GiveUp { not_before: asked };
        }
        Decision::Retry(asked.unwrap_or_else(|| self.backoff(attempts)))
    }

    /// `base * 2^(attempts-1)` plus up to half again of jitter, so sources
    /// that failed together do not all come back in the same instant.
    fn backoff(&self, attempts: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << attempts.saturating_sub(1).min(20));
        let ms = u64::try_from(exp.as_millis()).unwrap_or(u64::MAX);
        let jitter = if ms == 0 {
            0
        } else {
            fastrand::u64(0..=ms / 2)
        };
        Duration::from_millis(ms.saturating_add(jitter)).min(self.max_wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(retries: u32, base_ms: u64) -> RetryPolicy {
        RetryPolicy {
            retries,
            base: Duration::from_millis(base_ms),
            max_wait: Duration::from_secs(60),
        }
    }

    fn status(code: u16, retry_after: Option<u64>) -> FetchError {
        FetchError::Status {
            url: "u".into(),
            status: code,
            reason: String::new(),
            retry_after: retry_after.map(Duration::from_secs),
        }
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        let p = policy(3, 100);
        for e in [status(404, None), status(410, None)] {
            assert_eq!(p.decide(1, &e), Decision::GiveUp { not_before: None });
        }
    }

    #[test]
    fn transient_failures_back_off_exponentially_with_bounded_jitter() {
        let p = policy(3, 100);
        for (attempt, lo) in [(1u32, 100u64), (2, 200), (3, 400)] {
            let Decision::Retry(d) = p.decide(attempt, &status(503, None)) else {
                panic!("attempt {attempt} must retry");
            };
            let ms = d.as_millis() as u64;
            assert!(ms >= lo && ms <= lo + lo / 2, "attempt {attempt}: {ms} ms");
        }
        assert_eq!(
            p.decide(4, &status(503, None)),
            Decision::GiveUp { not_before: None }
        );
    }

    #[test]
    fn retry_after_is_honoured_or_deferred_to_crawl_state() {
        let p = policy(3, 100);
        assert_eq!(
            p.decide(1, &status(429, Some(7))),
            Decision::Retry(Duration::from_secs(7))
        );
        assert_eq!(
            p.decide(1, &status(429, Some(3600))),
            Decision::GiveUp {
                not_before: Some(Duration::from_secs(3600))
            }
        );
        assert_eq!(
            p.decide(4, &status(503, Some(5))),
            Decision::GiveUp {
                not_before: Some(Duration::from_secs(5))
            }
        );
    }

    #[test]
    fn zero_base_means_no_waiting_in_tests() {
        assert_eq!(
            policy(2, 0).decide(2, &status(500, None)),
            Decision::Retry(Duration::ZERO)
        );
    }
}
