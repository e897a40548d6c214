//! Counting users: a share with its Wilson interval, a mean with its
//! normal interval, the confusion matrix at one threshold, and the users
//! ranked by score — what [`super::metrics`] and [`super::curves`] both
//! stand on.

use serde::Serialize;

/// A figure measured on a sample of users, with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The normal quantile of a two-sided 95% interval.
const Z: f64 = crate::model::Z_95;

/// The mean of `values` with a normal-approximation interval (the central
/// limit theorem: mean ± 1.96·sd/√n).
pub fn mean_estimate(values: &[f64]) -> Estimate {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = if values.len() > 1 {
        values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    let half = Z * (variance / n).sqrt();
    Estimate {
        value: mean,
        low: mean - half,
        high: mean + half,
    }
}

/// A share `successes / trials` with the Wilson score interval (sound near
/// 0 and 1, unlike the normal approximation).
pub fn wilson(successes: usize, trials: usize) -> Estimate {
    if trials == 0 {
        return Estimate {
            value: 0.0,
            low: 0.0,
            high: 1.0,
        };
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Estimate {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

pub(super) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Counts of a confusion matrix at one threshold ("predicted convert" means
/// probability ≥ threshold).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Confusion {
    pub true_positives: usize,
    pub false_positives: usize,
    pub true_negatives: usize,
    pub false_negatives: usize,
}

impl Confusion {
    /// The matrix for labels `y` and probabilities `p` at `threshold`.
    pub fn new(y: &[bool], p: &[f64], threshold: f64) -> Confusion {
        let mut c = Confusion::default();
        for (&label, &prob) in y.iter().zip(p) {
            match (prob >= threshold, label) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                (false, false) => c.true_negatives += 1,
                (false, true) => c.false_negatives += 1,
            }
        }
        c
    }

    /// Share of users classified correctly.
    pub fn accuracy(&self) -> Estimate {
        let total =
            self.true_positives + self.false_positives + self.true_negatives + self.false_negatives;
        wilson(self.true_positives + self.true_negatives, total)
    }

    /// Of the users predicted to convert, the share who did.
    pub fn precision(&self) -> Estimate {
        wilson(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Of the users who converted, the share predicted to.
    pub fn recall(&self) -> Estimate {
        wilson(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

/// The users' scores and labels in ascending order of score, ties in user
/// order: what the AUC, the curves and the gains walk through, in order.
pub(super) struct Ranked {
    pub(super) scores: Vec<f64>,
    pub(super) labels: Vec<bool>,
}

/// `f64::total_cmp`'s order as an integer (its own inverse).
fn total_order_key(bits: i64) -> i64 {
    bits ^ ((((bits >> 63) as u64) >> 1) as i64)
}

/// Ranks the users by score, lowest first, ties in user order.
///
/// Sorts (key, user × 2 + label) pairs: the key orders like `f64::total_cmp`
/// and the user breaks ties, so this is exactly the stable order by score,
/// and the label rides along, so nothing is looked up at random afterwards.
/// (A stable sort by indirect comparison, done three times, was a third of
/// `conversion fit` on a million rows.)
pub(super) fn rank(y: &[bool], scores: &[f64]) -> Ranked {
    let mut keyed: Vec<(i64, u64)> = scores
        .iter()
        .zip(y)
        .enumerate()
        .map(|(i, (&s, &label))| {
            (
                total_order_key(s.to_bits() as i64),
                (i as u64) << 1 | u64::from(label),
            )
        })
        .collect();
    keyed.sort_unstable();
    Ranked {
        scores: keyed
            .iter()
            .map(|&(k, _)| f64::from_bits(total_order_key(k) as u64))
            .collect(),
        labels: keyed.iter().map(|&(_, user)| user & 1 == 1).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_by_hand() {
        // 8 of 10: centre (0.8 + 1.92/20)/(1.384) …: the published values
        // for z = 1.96 are 0.490 and 0.943.
        let e = wilson(8, 10);
        assert_eq!(e.value, 0.8);
        assert!(
            (e.low - 0.4902).abs() < 1e-3 && (e.high - 0.9433).abs() < 1e-3,
            "{e:?}"
        );
        let zero = wilson(0, 50);
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.05 && zero.high < 0.1);
    }
}
