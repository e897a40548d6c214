//! How good a probability is, measured on a sample of users, each figure
//! with its 95% interval so a difference smaller than the sample's noise
//! reads as noise: log-loss beside the know-nothing baseline (predict the
//! base rate) and, in a known world, the irreducible log-loss; accuracy at a
//! threshold beside the majority-class baseline, with the confusion matrix,
//! precision and recall; exact ROC AUC (ties counted half) beside the best
//! achievable AUC (that of q(x)) and the unreachable oracle's (that of each
//! user's own p); and the curves of [`super::curves`].

use serde::Serialize;

use super::curves::{calibration, curves_ranked, gains_ranked, CalibrationBin, CurvePoint, Gain};
use super::tally::{ascending, mean_estimate, rank, ratio, Confusion, Estimate, Ranked, Sorted};
use crate::model::Z_95 as Z;
use crate::parallel::join;
use crate::world::truth::entropy;

/// Each user's log-loss for probability `p`, clamped to
/// [1e-15, 1 − 1e-15] so a confident mistake costs a lot but not infinity.
fn losses(y: &[bool], p: &[f64]) -> Vec<f64> {
    y.iter()
        .zip(p)
        .map(|(&label, &prob)| {
            let q = prob.clamp(1e-15, 1.0 - 1e-15);
            -if label {
                libm::log(q)
            } else {
                libm::log(1.0 - q)
            }
        })
        .collect()
}

/// Exact area under the ROC curve, the probability that a random converter
/// scores above a random non-converter (ties count one half), with DeLong's
/// interval: each user's placement (the share of the other class they
/// outrank) gives the variance, var(V₁₀)/n₁ + var(V₀₁)/n₀. `None` without
/// both classes.
pub fn roc_auc(y: &[bool], scores: &[f64]) -> Option<Estimate> {
    auc_ranked(&rank(y, scores))
}

pub(super) fn auc_ranked(r: &Ranked) -> Option<Estimate> {
    let n = r.labels.len();
    let n1 = r.labels.iter().filter(|&&c| c).count();
    let n0 = n - n1;
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let (f1, f0) = (n1 as f64, n0 as f64);
    // Each group of tied scores, lowest first: its first rank, its
    // converters (a) and non-converters (b), and their placements. A
    // converter in it outranks every non-converter below it and half of
    // those tied with it; a non-converter is outranked by every converter
    // above it and half of those tied.
    let groups = || {
        let (mut below1, mut below0) = (0usize, 0usize);
        r.tie_groups().map(move |range| {
            let (start, end) = (range.start, range.end);
            let a = r.labels[range].iter().filter(|&&c| c).count();
            let b = (end - start) - a;
            let placement1 = (below0 as f64 + b as f64 / 2.0) / f0;
            let placement0 = (f1 - below1 as f64 - a as f64 / 2.0) / f1;
            below1 += a;
            below0 += b;
            (start, end, a, b, placement1, placement0)
        })
    };
    // The placements' sums, user by user in rank order (the same additions
    // as summing a list of them), then their squared deviations.
    let (mut rank_sum, mut sum10, mut sum01) = (0.0, 0.0, 0.0);
    for (start, end, a, b, placement1, placement0) in groups() {
        // Ranks start+1 ..= end share their mean.
        rank_sum += (start + 1 + end) as f64 / 2.0 * a as f64;
        (0..a).for_each(|_| sum10 += placement1);
        (0..b).for_each(|_| sum01 += placement0);
    }
    let (mean10, mean01) = (sum10 / f1, sum01 / f0);
    let (mut square10, mut square01) = (0.0, 0.0);
    for (_, _, a, b, placement1, placement0) in groups() {
        let (d10, d01) = (placement1 - mean10, placement0 - mean01);
        (0..a).for_each(|_| square10 += d10 * d10);
        (0..b).for_each(|_| square01 += d01 * d01);
    }
    // The Mann–Whitney statistic with mid-ranks (the same number as the
    // placements' mean, in the form that gives the same bits as always).
    let auc = (rank_sum - f1 * (f1 + 1.0) / 2.0) / (f1 * f0);
    let spread = |square: f64, count: usize| {
        if count < 2 {
            0.0
        } else {
            square / (count - 1) as f64
        }
    };
    let half = Z * (spread(square10, n1) / f1 + spread(square01, n0) / f0).sqrt();
    Some(Estimate {
        value: auc,
        low: (auc - half).max(0.0),
        high: (auc + half).min(1.0),
    })
}

/// What the world knows about the measured users (generated worlds only).
#[derive(Clone, Copy, Debug)]
pub struct Truth<'a> {
    /// Each user's noise-averaged probability q(x): the best any model of
    /// the signals can predict.
    pub best: &'a [f64],
    /// Each user's own probability p, with their noise draw: an oracle no
    /// model of the signals reaches.
    pub oracle: &'a [f64],
}

/// The measured users in ascending order of each probability the measures
/// walk: the model's and, in a known world, q(x)'s and each user's own p's.
/// Sorting is the costliest step of measuring a million users, so each
/// order is sorted once (side by side where there are cores) and read by
/// both the metrics and the decisions' [`super::ranking::Ranking`].
#[derive(Clone, Debug)]
pub struct Orders {
    pub(super) model: Sorted,
    /// By q(x), then by each user's own p (known worlds).
    pub(super) truth: Option<(Sorted, Sorted)>,
}

impl Orders {
    /// Sorts the users by the model's probabilities `p` and, when the
    /// `truth` is known, by it.
    pub fn new(p: &[f64], truth: Option<Truth<'_>>) -> Orders {
        let (model, truth) = match truth {
            None => (ascending(p), None),
            Some(t) => {
                let (model, truth) = join(
                    p.len(),
                    || ascending(p),
                    || (ascending(t.best), ascending(t.oracle)),
                );
                (model, Some(truth))
            }
        };
        Orders { model, truth }
    }
}

/// Every metric for one set of predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub users: usize,
    /// True when measured on the training users (no held-out split).
    pub in_sample: bool,
    /// Share of these users who converted.
    pub base_rate: f64,
    /// Mean log-loss of the predictions.
    pub log_loss: Estimate,
    /// The log-loss of knowing nothing: predicting the base rate for
    /// everyone (the entropy of the labels).
    pub baseline_log_loss: f64,
    /// The mean entropy of q(x) over these users: the log-loss no model of
    /// the signals can beat (known worlds only).
    pub irreducible_log_loss: Option<f64>,
    /// Log-loss above the irreducible, user by user: below 0 only by noise.
    pub excess_log_loss: Option<Estimate>,
    /// Threshold of the accuracy and the confusion matrix.
    pub threshold: f64,
    pub confusion: Confusion,
    pub accuracy: Estimate,
    /// Accuracy of always predicting the more common class.
    pub majority_accuracy: f64,
    pub precision: Estimate,
    pub recall: Estimate,
    /// `None` when only one class is present.
    pub auc: Option<Estimate>,
    /// AUC of q(x): the best any model of the signals can rank.
    pub best_auc: Option<Estimate>,
    /// AUC of each user's own p (with their noise): unreachable by any model
    /// of the signals.
    pub oracle_auc: Option<Estimate>,
    /// Area under the precision–recall steps (the honest summary in a rare
    /// world, where it starts from the base rate, not 0.5).
    pub average_precision: Option<f64>,
    /// ROC and precision–recall points, one per distinct probability (at most
    /// 201), from contacting no one to everyone.
    pub curve: Vec<CurvePoint>,
    /// Where the threshold sits on both curves.
    pub at_threshold: CurvePoint,
    pub calibration: Vec<CalibrationBin>,
    /// Top 10%, 20%, … 100%.
    pub gains: Vec<Gain>,
}

/// The figures read user by user, in any order: the confusion matrix at the
/// classification threshold, the log-loss (and, in a known world, the
/// irreducible log-loss and the excess over it) and the calibration. They
/// need no sorting, so they can be worked out while the users are sorted.
#[derive(Clone, Debug)]
pub struct Pointwise {
    threshold: f64,
    confusion: Confusion,
    positives: usize,
    log_loss: Estimate,
    irreducible_log_loss: Option<f64>,
    excess_log_loss: Option<Estimate>,
    calibration: Vec<CalibrationBin>,
}

impl Pointwise {
    /// Measures predictions `p` against labels `y`, at classification
    /// `threshold`; `truth` holds what the world knows when it is known.
    pub fn new(y: &[bool], p: &[f64], truth: Option<Truth<'_>>, threshold: f64) -> Pointwise {
        let per_user = losses(y, p);
        let entropies = truth.map(|t| t.best.iter().map(|&q| entropy(q)).collect::<Vec<f64>>());
        Pointwise {
            threshold,
            confusion: Confusion::new(y, p, threshold),
            positives: y.iter().filter(|&&c| c).count(),
            log_loss: mean_estimate(&per_user),
            irreducible_log_loss: entropies
                .as_ref()
                .map(|h| h.iter().sum::<f64>() / h.len().max(1) as f64),
            excess_log_loss: entropies.as_ref().map(|h| {
                let excess: Vec<f64> = per_user.iter().zip(h).map(|(l, e)| l - e).collect();
                mean_estimate(&excess)
            }),
            calibration: calibration(y, p, truth.map(|t| t.best), 10),
        }
    }
}

/// Every metric of predictions against labels `y`: the figures read user
/// by user (`pointwise`, [`Pointwise::new`]) and those read in order of the
/// predictions and, in a known world, of the truth (`orders`,
/// [`Orders::new`]).
pub fn evaluate(y: &[bool], orders: &Orders, pointwise: Pointwise, in_sample: bool) -> Metrics {
    let Pointwise {
        threshold,
        confusion,
        positives,
        log_loss,
        irreducible_log_loss,
        excess_log_loss,
        calibration,
    } = pointwise;
    let deciles: Vec<f64> = (1..=10).map(|k| f64::from(k) / 10.0).collect();
    let base_rate = ratio(positives, y.len());
    // One ranking of the users serves the AUC, the curves and the gains.
    let ranked = Ranked::in_order(y, &orders.model);
    let (curve, average_precision) = curves_ranked(&ranked, 201);
    Metrics {
        users: y.len(),
        in_sample,
        base_rate,
        log_loss,
        baseline_log_loss: entropy(base_rate),
        irreducible_log_loss,
        excess_log_loss,
        threshold,
        confusion,
        accuracy: confusion.accuracy(),
        majority_accuracy: base_rate.max(1.0 - base_rate),
        precision: confusion.precision(),
        recall: confusion.recall(),
        auc: auc_ranked(&ranked),
        best_auc: truth_auc(y, orders, |o| &o.0),
        oracle_auc: truth_auc(y, orders, |o| &o.1),
        average_precision,
        curve,
        at_threshold: CurvePoint::at(threshold, &confusion),
        calibration,
        gains: gains_ranked(&ranked, &deciles),
    }
}

/// The AUC of one of the truth's probabilities, in its `order`.
fn truth_auc(
    y: &[bool],
    orders: &Orders,
    order: impl Fn(&(Sorted, Sorted)) -> &Sorted,
) -> Option<Estimate> {
    auc_ranked(&Ranked::in_order(y, order(orders.truth.as_ref()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half_like_a_hand_count() {
        // Pairs (pos, neg): scores pos {0.9, 0.5, 0.5}, neg {0.5, 0.1}.
        // 0.9 beats both (2); each 0.5 ties 0.5 (½) and beats 0.1 (1): 2 × 1.5.
        // AUC = (2 + 3) / 6.
        let y = [true, true, true, false, false];
        let s = [0.9, 0.5, 0.5, 0.5, 0.1];
        assert!((roc_auc(&y, &s).unwrap().value - 5.0 / 6.0).abs() < 1e-15);
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(roc_auc(&[true, false], &[0.3, 0.3]).unwrap().value, 0.5);
    }

    #[test]
    fn the_ranking_is_the_stable_order_by_score() {
        let s = [
            0.5,
            -0.0,
            0.0,
            f64::NEG_INFINITY,
            0.5,
            1e-300,
            -1.0,
            0.5,
            f64::INFINITY,
        ];
        let y = [true, false, true, true, false, false, true, true, false];
        let mut stable: Vec<usize> = (0..s.len()).collect();
        stable.sort_by(|&a, &b| s[a].total_cmp(&s[b]));
        let r = rank(&y, &s);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let want: Vec<f64> = stable.iter().map(|&i| s[i]).collect();
        assert_eq!(bits(&r.scores), bits(&want));
        assert_eq!(r.labels, stable.iter().map(|&i| y[i]).collect::<Vec<_>>());
    }

    #[test]
    fn delong_variance_matches_the_textbook_example() {
        // DeLong, DeLong & Clarke-Pearson (1988) in miniature: placements by
        // hand. Positives {0.8, 0.6}, negatives {0.7, 0.2, 0.1}.
        // V10 = (1, 2/3): 0.8 outranks all three negatives, 0.6 two of them.
        // V01 = (1/2, 1, 1): 0.7 is outranked by one of two positives.
        // var(V10) = 1/18, var(V01) = 1/12 (n − 1 denominators);
        // Var(AUC) = (1/18)/2 + (1/12)/3 = 1/18.
        let y = [true, true, false, false, false];
        let s = [0.8, 0.6, 0.7, 0.2, 0.1];
        let auc = roc_auc(&y, &s).unwrap();
        assert!((auc.value - 5.0 / 6.0).abs() < 1e-15);
        let half = Z * (1.0f64 / 18.0).sqrt();
        assert!(
            (auc.high - (auc.value + half).min(1.0)).abs() < 1e-12,
            "{auc:?}"
        );
        assert!((auc.low - (auc.value - half)).abs() < 1e-12);
    }

    #[test]
    fn baselines_and_the_truth() {
        let y = [true, false, true, true];
        let p = [0.8, 0.6, 0.3, 0.9];
        let best = [0.7, 0.4, 0.6, 0.8];
        let oracle = [0.9, 0.1, 0.8, 0.95];
        let truth = Some(Truth {
            best: &best,
            oracle: &oracle,
        });
        let pointwise = Pointwise::new(&y, &p, truth, 0.5);
        let m = evaluate(&y, &Orders::new(&p, truth), pointwise, false);
        assert_eq!(m.base_rate, 0.75);
        assert_eq!(m.majority_accuracy, 0.75);
        assert!((m.baseline_log_loss - entropy(0.75)).abs() < 1e-15);
        let expected = -(0.8f64.ln() + 0.4f64.ln() + 0.3f64.ln() + 0.9f64.ln()) / 4.0;
        assert!((m.log_loss.value - expected).abs() < 1e-12);
        assert!(m.log_loss.low < expected && m.log_loss.high > expected);
        let irreducible = best.iter().map(|&q| entropy(q)).sum::<f64>() / 4.0;
        assert!((m.irreducible_log_loss.unwrap() - irreducible).abs() < 1e-15);
        assert!((m.excess_log_loss.unwrap().value - (expected - irreducible)).abs() < 1e-12);
        assert_eq!(m.oracle_auc.unwrap().value, 1.0);
        assert_eq!(m.best_auc.unwrap().value, 1.0);
        assert_eq!(m.auc.unwrap().value, 2.0 / 3.0);
        let c = m.confusion;
        assert_eq!(
            (c.true_positives, c.false_positives, c.false_negatives),
            (2, 1, 1)
        );
        assert_eq!(m.at_threshold.precision, 2.0 / 3.0);
        assert_eq!(m.at_threshold.true_positive_rate, 2.0 / 3.0);
    }
}
