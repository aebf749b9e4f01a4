//! The progress bar: sources done / in flight / failed, on stderr.
//!
//! Only drawn when the caller asks for it (a terminal, not `-q`, not
//! `--json`); otherwise a hidden bar that costs nothing. Cleared before the
//! summary is printed so the two never interleave.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const TEMPLATE: &str = "{bar:30} {pos}/{len} sources · {msg} · {elapsed}";

pub struct Progress {
    bar: ProgressBar,
    in_flight: AtomicUsize,
    failed: AtomicUsize,
}

impl Progress {
    pub fn new(total: usize, visible: bool) -> Progress {
        let bar = if visible {
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            // The template is a literal; a bad one would be a bug caught by
            // the unit test below, and falls back to the default style.
            if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        let p = Progress {
            bar,
            in_flight: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        };
        p.redraw();
        p
    }

    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.redraw();
    }

    pub fn request_finished(&self) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.redraw();
    }

    /// One source is finished (fetched, unchanged, failed or skipped).
    pub fn source_done(&self, failed: bool) {
        if failed {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.bar.inc(1);
        self.redraw();
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    fn redraw(&self) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_message(format!(
            "{} in flight · {} failed",
            self.in_flight.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        ));
    }
}

impl Drop for Progress {
    /// A crawl that ends in an error still leaves a clean terminal line.
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_is_valid() {
        assert!(indicatif::ProgressStyle::with_template(super::TEMPLATE).is_ok());
    }
}
