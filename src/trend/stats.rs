//! The test that decides a trend's direction: an exact conditional binomial
//! test of two Poisson rates. Pure arithmetic; knows nothing of items.
//!
//! If a term's mentions arrive at one steady weekly rate, then given `n`
//! mentions in the whole window, the number falling in the recent `r` of
//! `r + b` weeks is Binomial(n, r / (r + b)). A recent count in the far
//! upper tail of that distribution means the rate went up; in the far lower
//! tail, that it went down. The test needs no guess of the rate itself,
//! and it is exact for the small counts a radar sees.

/// P(X ≥ k) for X ~ Binomial(n, p).
pub(crate) fn upper_tail(n: usize, k: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    pmfs(n, p)[k..].iter().sum::<f64>().clamp(0.0, 1.0)
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub(crate) fn lower_tail(n: usize, k: usize, p: f64) -> f64 {
    if k >= n {
        return 1.0;
    }
    pmfs(n, p)[..=k].iter().sum::<f64>().clamp(0.0, 1.0)
}

/// Every P(X = i), i = 0..=n, computed in logs so that large windows do not
/// underflow the terms that matter.
fn pmfs(n: usize, p: f64) -> Vec<f64> {
    if p <= 0.0 {
        let mut v = vec![0.0; n + 1];
        v[0] = 1.0;
        return v;
    }
    if p >= 1.0 {
        let mut v = vec![0.0; n + 1];
        v[n] = 1.0;
        return v;
    }
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let mut log_choose = 0.0f64;
    (0..=n)
        .map(|i| {
            if i > 0 {
                log_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
            }
            (log_choose + i as f64 * lp + (n - i) as f64 * lq).exp()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn tails_match_hand_computed_values() {
        // 4 of 5 in the recent quarter: 5·0.25⁴·0.75 + 0.25⁵.
        assert!(close(upper_tail(5, 4, 0.25), 0.015625));
        assert!(close(upper_tail(4, 4, 0.25), 0.25f64.powi(4)));
        assert!(close(lower_tail(9, 0, 0.25), 0.75f64.powi(9)));
        assert!(close(upper_tail(7, 0, 0.3), 1.0));
        assert!(close(lower_tail(7, 7, 0.3), 1.0));
        assert!(close(upper_tail(3, 4, 0.3), 0.0));
        // Both tails overlap at k: they sum to 1 + P(X = k).
        let (n, k, p) = (40, 12, 0.25);
        let both = upper_tail(n, k, p) + lower_tail(n, k, p);
        assert!(both > 1.0 && both < 1.2);
    }

    #[test]
    fn large_windows_do_not_underflow() {
        let p = upper_tail(5000, 1400, 0.25);
        assert!(p > 0.0 && p < 0.01, "{p}");
        assert!(lower_tail(5000, 1400, 0.25) > 0.99);
    }
}
