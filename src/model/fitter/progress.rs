//! What a stepwise fit reports while it runs: its histories and how the
//! descent is going (the pace), which is what the page says about the
//! learning rate.

use serde::Serialize;

use super::*;

/// Iterations the pace is judged over.
const PACE_WINDOW: usize = 10;

/// Progress of a stepwise fit.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FitProgress {
    /// Iterations run so far.
    pub iterations: usize,
    /// The iteration the histories below start after (0: from the start).
    pub history_from: usize,
    /// What the descent minimised after each iteration (mean training
    /// log-loss, plus the L2 term when there is one).
    pub loss_history: Vec<f64>,
    /// Mean log-loss of the held-out users at the same weights (empty
    /// without held-out tracking or held-out users).
    pub held_out_history: Vec<f64>,
    /// Gradient norm on the standardized scale at the current point.
    pub gradient_norm: f64,
    pub stop: StopReason,
    /// How the descent is going (`None` before enough iterations).
    pub pace: Option<Pace>,
    /// True once the fit has stopped (converged, capped, diverged or one
    /// class).
    pub done: bool,
}

impl Fitter {
    /// How the descent is going, judged on its last iterations.
    pub(super) fn pace(&self) -> Option<Pace> {
        let n = self.history.len();
        if matches!(self.stop, StopReason::Converged | StopReason::OneClass) {
            return None;
        }
        if self.stop == StopReason::Diverged {
            return Some(Pace::Overshooting);
        }
        if n <= PACE_WINDOW {
            return None;
        }
        let recent = &self.history[n - PACE_WINDOW - 1..];
        let rises = recent.windows(2).filter(|w| w[1] > w[0]).count();
        if rises >= 3 {
            return Some(Pace::Overshooting);
        }
        let now = self.gradient_history[n - 1];
        let then = self.gradient_history[n - 1 - PACE_WINDOW];
        let rate = libm::pow(now / then, 1.0 / PACE_WINDOW as f64);
        let left = self.params.max_iterations.saturating_sub(self.iterations) as f64;
        let needed = if rate < 1.0 {
            libm::log(self.params.tolerance / now) / libm::log(rate)
        } else {
            f64::INFINITY
        };
        if needed > left {
            Some(Pace::Crawling {
                iterations_needed: needed.min(1e12),
            })
        } else {
            Some(Pace::Steady)
        }
    }

    /// Progress so far, with the full histories.
    pub fn progress(&self) -> FitProgress {
        self.progress_since(0)
    }

    /// Progress so far, with the histories after iteration `from` only (what
    /// a page animating the fit needs each frame).
    pub fn progress_since(&self, from: usize) -> FitProgress {
        let tail = |h: &[f64]| h.get(from.min(h.len())..).unwrap_or_default().to_vec();
        FitProgress {
            iterations: self.iterations,
            history_from: from,
            loss_history: tail(&self.history),
            held_out_history: tail(&self.held_out_history),
            gradient_norm: self.gradient_norm,
            stop: self.stop,
            pace: self.pace(),
            done: self.stop != StopReason::Running,
        }
    }
}
