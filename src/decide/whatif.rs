//! One user, what if: the model's probability and segment for the signals a
//! person types, each signal's push on the log-odds (the numbers `conversion
//! score` gives), q(x) for such a user when the world is known, and the
//! smallest change of one signal that would move them into the next band up,
//! in the signal's units and in standard deviations of the training users.
//! A value outside the range the model learned from is named: there the
//! model extrapolates.
//!
//! The signals are the five behavioural ones; the country tier is where a
//! user lives, not something a nudge changes, so it is not among the moves.

use serde::Serialize;

use super::bands::{Segment, Thresholds};
use crate::model::FEATURES;
use crate::scoring::{score, Scored};
use crate::world::contract::MAX_CONTENT_HOURS;
use crate::world::dataset::{Dataset, Features};

/// The behavioural signals, the first five of [`FEATURES`].
pub const SIGNALS: usize = 5;

/// A model as the what-if reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatIfModel {
    /// Raw-unit weights in [`FEATURES`] order.
    pub coefficients: [f64; FEATURES.len()],
    pub intercept: f64,
    /// Each input's standard deviation over the training users: one
    /// standard deviation is how far apart typical users are.
    pub std_dev: [f64; FEATURES.len()],
    /// False for an input left out of the model.
    pub used: [bool; FEATURES.len()],
    /// The smallest and largest value of each signal among the users the
    /// model learned from.
    pub range: [(f64, f64); SIGNALS],
}

/// The smallest and largest value of each signal among users `rows`.
pub fn signal_ranges(data: &Dataset, rows: &[usize]) -> [(f64, f64); SIGNALS] {
    let mut range = [(f64::INFINITY, f64::NEG_INFINITY); SIGNALS];
    for &i in rows {
        let x = data.features(i);
        for (j, r) in range.iter_mut().enumerate() {
            let v = value(&x, j);
            r.0 = r.0.min(v);
            r.1 = r.1.max(v);
        }
    }
    range
}

/// Why no change of a signal moves the user up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoChange {
    /// The signal is left out of the model.
    LeftOut,
    /// The model gives it no weight.
    NoWeight,
    /// The value it would take is outside the contract's ranges.
    OutsideContract,
}

/// The smallest change of one signal that crosses the next threshold.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SignalChange {
    pub signal: &'static str,
    /// The user's value now.
    pub from: f64,
    /// The nearest value (whole, or to the hundredth for hours) that
    /// crosses, when the contract allows one.
    pub to: Option<f64>,
    /// `to − from`, in the signal's units.
    pub change: Option<f64>,
    /// The change in standard deviations of the training users.
    pub change_sd: Option<f64>,
    /// The model's probability after the change.
    pub probability: Option<f64>,
    /// True when `to` is outside the range the model learned from.
    pub beyond_training: bool,
    /// Why there is none.
    pub none: Option<NoChange>,
}

/// What it takes to reach the next band up.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NextBand {
    pub segment: Segment,
    /// The threshold to reach: p ≥ it.
    pub threshold: f64,
    /// One entry per signal, in column order.
    pub changes: Vec<SignalChange>,
    /// The signal whose change is smallest in standard deviations, if any
    /// signal can move the user there.
    pub smallest: Option<&'static str>,
}

/// A signal outside the range the model learned from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Extrapolation {
    pub signal: &'static str,
    pub value: f64,
    pub min: f64,
    pub max: f64,
}

/// One what-if user.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIf {
    /// Probability, segment, score and each signal's push, as `conversion
    /// score` gives them.
    pub scored: Scored,
    /// q(x): the chance such a user converts, their own noise averaged out
    /// (known worlds only).
    pub true_probability: Option<f64>,
    /// `None` for a user already in the top band.
    pub next_band: Option<NextBand>,
    /// The signals outside the range the model learned from.
    pub beyond_training: Vec<Extrapolation>,
}

/// Signal `j`'s value for user `x`.
fn value(x: &Features, j: usize) -> f64 {
    match j {
        0 => f64::from(x.days_since_signup),
        1 => f64::from(x.sessions_7d),
        2 => x.content_hours_7d,
        3 => f64::from(x.downloads_7d),
        _ => f64::from(x.paywall_views_7d),
    }
}

/// User `x` with signal `j` set to `v` (a value the contract allows).
fn with_value(x: &Features, j: usize, v: f64) -> Features {
    let mut y = *x;
    let count = v as u32;
    match j {
        0 => y.days_since_signup = count,
        1 => y.sessions_7d = count,
        2 => y.content_hours_7d = v,
        3 => y.downloads_7d = count,
        _ => y.paywall_views_7d = count,
    }
    y
}

/// The step between two values of signal `j` the contract allows.
fn unit(j: usize) -> f64 {
    if j == 2 {
        0.01
    } else {
        1.0
    }
}

/// True when the contract allows `v` for signal `j`.
fn allowed(j: usize, v: f64) -> bool {
    match j {
        0 => (1.0..=f64::from(u32::MAX)).contains(&v),
        2 => (0.0..MAX_CONTENT_HOURS).contains(&v),
        _ => (0.0..=f64::from(u32::MAX)).contains(&v),
    }
}

/// `v` on signal `j`'s grid, rounded up or down.
fn snap(j: usize, v: f64, up: bool) -> f64 {
    let cells = v / unit(j);
    let cells = if up { cells.ceil() } else { cells.floor() };
    if j == 2 {
        cells / 100.0
    } else {
        cells
    }
}

fn rank(s: Segment) -> u8 {
    match s {
        Segment::LowIntent => 0,
        Segment::MediumIntent => 1,
        Segment::HighIntent => 2,
    }
}

impl WhatIfModel {
    fn score(&self, thresholds: &Thresholds, x: &Features) -> Scored {
        score(&self.coefficients, self.intercept, thresholds, x)
    }

    /// Scores `user` at `thresholds`; `truth` is q(x) for such a user when
    /// the world is known.
    pub fn what_if(&self, thresholds: &Thresholds, user: &Features, truth: Option<f64>) -> WhatIf {
        let scored = self.score(thresholds, user);
        let next = match scored.segment {
            Segment::LowIntent => Some((Segment::MediumIntent, thresholds.medium)),
            Segment::MediumIntent => Some((Segment::HighIntent, thresholds.high)),
            Segment::HighIntent => None,
        };
        let next_band = next.map(|(segment, threshold)| {
            let changes: Vec<SignalChange> = (0..SIGNALS)
                .map(|j| self.change(thresholds, user, j, scored.score, segment, threshold))
                .collect();
            let smallest = changes
                .iter()
                .filter_map(|c| c.change_sd.map(|sd| (sd.abs(), c.signal)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
                .map(|(_, signal)| signal);
            NextBand {
                segment,
                threshold,
                changes,
                smallest,
            }
        });
        let beyond_training = (0..SIGNALS)
            .filter_map(|j| {
                let v = value(user, j);
                let (min, max) = self.range[j];
                (v < min || v > max).then_some(Extrapolation {
                    signal: FEATURES[j],
                    value: v,
                    min,
                    max,
                })
            })
            .collect();
        WhatIf {
            scored,
            true_probability: truth,
            next_band,
            beyond_training,
        }
    }

    /// The nearest value of signal `j` that puts `user` (now at log-odds
    /// `current`) in `segment` or above, at p ≥ `threshold`.
    fn change(
        &self,
        thresholds: &Thresholds,
        user: &Features,
        j: usize,
        current: f64,
        segment: Segment,
        threshold: f64,
    ) -> SignalChange {
        let from = value(user, j);
        let mut answer = SignalChange {
            signal: FEATURES[j],
            from,
            to: None,
            change: None,
            change_sd: None,
            probability: None,
            beyond_training: false,
            none: None,
        };
        let w = self.coefficients[j];
        if !self.used[j] {
            answer.none = Some(NoChange::LeftOut);
            return answer;
        }
        if w == 0.0 {
            answer.none = Some(NoChange::NoWeight);
            return answer;
        }
        // The log-odds of the threshold; p = 1 needs an infinite score.
        let goal = libm::log(threshold / (1.0 - threshold));
        let up = w > 0.0;
        let step = if up { unit(j) } else { -unit(j) };
        let crosses = |v: f64| {
            let s = self.score(thresholds, &with_value(user, j, v));
            (rank(s.segment) >= rank(segment)).then_some(s.probability)
        };
        let mut to = snap(j, from + (goal - current) / w, up);
        if !goal.is_finite() || !allowed(j, to) {
            answer.none = Some(NoChange::OutsideContract);
            return answer;
        }
        // The arithmetic above is within a rounding of the answer: step to
        // the first value that crosses, then back while the one before it
        // still does.
        let mut probability = crosses(to);
        for _ in 0..4 {
            if probability.is_some() {
                break;
            }
            to += step;
            if !allowed(j, to) {
                answer.none = Some(NoChange::OutsideContract);
                return answer;
            }
            probability = crosses(to);
        }
        let Some(mut p) = probability else {
            answer.none = Some(NoChange::OutsideContract);
            return answer;
        };
        for _ in 0..4 {
            let before = snap(j, to - step, !up);
            let closer = if up { before > from } else { before < from };
            match crosses(before).filter(|_| closer && allowed(j, before)) {
                Some(q) => {
                    to = before;
                    p = q;
                }
                None => break,
            }
        }
        let change = to - from;
        let (min, max) = self.range[j];
        answer.to = Some(to);
        answer.change = Some(change);
        answer.change_sd = (self.std_dev[j] > 0.0).then(|| change / self.std_dev[j]);
        answer.probability = Some(p);
        answer.beyond_training = to < min || to > max;
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::Tier;

    fn model() -> WhatIfModel {
        WhatIfModel {
            coefficients: [-0.02, 0.3, 0.25, 0.5, 0.4, -0.5, -1.0],
            intercept: -2.0,
            std_dev: [17.0, 1.7, 2.1, 1.0, 1.1, 0.49, 0.43],
            used: [true; 7],
            range: [
                (1.0, 59.0),
                (0.0, 14.0),
                (0.0, 25.0),
                (0.0, 8.0),
                (0.0, 9.0),
            ],
        }
    }

    fn user() -> Features {
        Features {
            days_since_signup: 30,
            sessions_7d: 2,
            content_hours_7d: 1.5,
            downloads_7d: 0,
            paywall_views_7d: 1,
            country_tier: Tier::Tier2,
        }
    }

    #[test]
    fn the_smallest_change_is_the_first_value_that_crosses() {
        let m = model();
        let t = Thresholds::default();
        let w = m.what_if(&t, &user(), Some(0.2));
        // −2 − 0.6 + 0.6 + 0.375 + 0 + 0.4 − 0.5 = −1.725: low intent.
        assert!((w.scored.score - -1.725).abs() < 1e-12);
        assert_eq!(w.scored.segment, Segment::LowIntent);
        assert_eq!(w.true_probability, Some(0.2));
        let next = w.next_band.unwrap();
        assert_eq!(next.segment, Segment::MediumIntent);
        // To 0.4 the score must reach ln(0.4/0.6) = −0.405: +1.320.
        let goal = (0.4f64 / 0.6).ln();
        for c in next.changes.iter().filter(|c| c.to.is_some()) {
            let j = FEATURES.iter().position(|f| *f == c.signal).unwrap();
            let to = c.to.unwrap();
            let reached = |v: f64| m.score(&t, &with_value(&user(), j, v)).probability >= 0.4;
            assert!(reached(to), "{c:?}");
            let before = to
                - if m.coefficients[j] > 0.0 {
                    unit(j)
                } else {
                    -unit(j)
                };
            assert!(
                !allowed(j, before) || !reached(before) || (before - c.from).abs() < 1e-9,
                "{c:?}"
            );
            assert!((c.change_sd.unwrap() - c.change.unwrap() / m.std_dev[j]).abs() < 1e-12);
        }
        let sessions = &next.changes[1];
        assert_eq!(
            sessions.to,
            Some(7.0),
            "(goal − score) / 0.3 = 4.4 sessions more"
        );
        let hours = &next.changes[2];
        let need = (goal - -1.725) / 0.25;
        assert!(
            (hours.change.unwrap() - need).abs() < 0.01 + 1e-9,
            "{hours:?}"
        );
        // Days since signup fall: 30 − 66 days is below 1, outside the contract.
        assert_eq!(next.changes[0].none, Some(NoChange::OutsideContract));
        // In standard deviations hours move least: 5.28 hours = 2.5 sd,
        // 5 sessions = 2.9 sd, 3 downloads = 3 sd, 4 paywall views = 3.6 sd.
        assert_eq!(next.smallest, Some("content_hours_7d"));
        assert!(w.beyond_training.is_empty());
    }

    #[test]
    fn none_within_the_contract_and_extrapolation_are_named() {
        let mut m = model();
        m.range[4] = (0.0, 3.0);
        m.used[1] = false;
        m.coefficients[1] = 0.0;
        m.coefficients[3] = 0.0;
        let t = Thresholds::default();
        let mut far = user();
        far.paywall_views_7d = 40;
        let w = m.what_if(&t, &far, None);
        assert_eq!(w.beyond_training.len(), 1);
        assert_eq!(w.beyond_training[0].signal, "paywall_views_7d");
        assert_eq!(w.scored.segment, Segment::HighIntent);
        assert!(w.next_band.is_none(), "the top band has no band above");
        let w = m.what_if(&t, &user(), None);
        let next = w.next_band.unwrap();
        assert_eq!(next.changes[1].none, Some(NoChange::LeftOut));
        assert_eq!(next.changes[3].none, Some(NoChange::NoWeight));
        assert!(next.changes[4].beyond_training, "{:?}", next.changes[4]);
        // A threshold of 1 needs an infinite score: no value reaches it.
        let top = Thresholds {
            high: 1.0,
            medium: 1.0,
        };
        let next = m.what_if(&top, &user(), None).next_band.unwrap();
        assert!(next.changes.iter().all(|c| c.to.is_none()));
        assert_eq!(next.smallest, None);
    }
}
