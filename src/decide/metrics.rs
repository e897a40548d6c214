//! How good a probability is: log-loss, accuracy and the confusion matrix at
//! a threshold, exact ROC AUC (ties counted half) and its curve, calibration
//! by probability bin, and cumulative gains with lift.

use serde::Serialize;

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
    pub fn accuracy(&self) -> f64 {
        let total =
            self.true_positives + self.false_positives + self.true_negatives + self.false_negatives;
        ratio(self.true_positives + self.true_negatives, total)
    }

    /// Of the users predicted to convert, the share who did.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Of the users who converted, the share predicted to.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Mean log-loss of probabilities `p` for labels `y`, with p clamped to
/// [1e-15, 1 − 1e-15] so a confident mistake costs a lot but not infinity.
pub fn log_loss(y: &[bool], p: &[f64]) -> f64 {
    let total: f64 = y
        .iter()
        .zip(p)
        .map(|(&label, &prob)| {
            let q = prob.clamp(1e-15, 1.0 - 1e-15);
            -if label {
                libm::log(q)
            } else {
                libm::log(1.0 - q)
            }
        })
        .sum();
    total / y.len().max(1) as f64
}

/// The users' scores and labels in ascending order of score, ties in user
/// order: what the AUC, the ROC curve and the gains walk through, in order.
struct Ranked {
    scores: Vec<f64>,
    labels: Vec<bool>,
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
fn rank(y: &[bool], scores: &[f64]) -> Ranked {
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

/// Exact area under the ROC curve: the probability that a random converter
/// scores above a random non-converter, ties counting one half (the
/// Mann–Whitney statistic with mid-ranks). `None` without both classes.
pub fn roc_auc(y: &[bool], scores: &[f64]) -> Option<f64> {
    auc_ranked(&rank(y, scores))
}

fn auc_ranked(r: &Ranked) -> Option<f64> {
    let n = r.labels.len();
    let positives = r.labels.iter().filter(|&&c| c).count();
    let negatives = n - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && r.scores[end] == r.scores[start] {
            end += 1;
        }
        // Ranks start+1 ..= end share their mean.
        let mid_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += mid_rank * r.labels[start..end].iter().filter(|&&c| c).count() as f64;
        start = end;
    }
    let (pos, neg) = (positives as f64, negatives as f64);
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

/// One point of the ROC curve: contacting everyone scoring ≥ `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RocPoint {
    pub threshold: f64,
    pub false_positive_rate: f64,
    pub true_positive_rate: f64,
}

/// The ROC curve at every distinct score, thinned to at most `max_points`
/// (the two ends always kept).
pub fn roc_curve(y: &[bool], scores: &[f64], max_points: usize) -> Vec<RocPoint> {
    curve_ranked(&rank(y, scores), max_points)
}

fn curve_ranked(r: &Ranked, max_points: usize) -> Vec<RocPoint> {
    let positives = r.labels.iter().filter(|&&c| c).count().max(1) as f64;
    let negatives = r.labels.iter().filter(|&&c| !c).count().max(1) as f64;
    let mut points = vec![RocPoint {
        threshold: f64::INFINITY,
        false_positive_rate: 0.0,
        true_positive_rate: 0.0,
    }];
    let (mut tp, mut fp) = (0.0, 0.0);
    // Highest score first.
    let mut i = r.scores.len();
    while i > 0 {
        let s = r.scores[i - 1];
        while i > 0 && r.scores[i - 1] == s {
            if r.labels[i - 1] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            i -= 1;
        }
        points.push(RocPoint {
            threshold: s,
            false_positive_rate: fp / negatives,
            true_positive_rate: tp / positives,
        });
    }
    thin(points, max_points)
}

/// Keeps at most `max` points, evenly spread, always the first and last.
fn thin<T: Copy>(points: Vec<T>, max: usize) -> Vec<T> {
    if points.len() <= max || max < 2 {
        return points;
    }
    let last = points.len() - 1;
    (0..max).map(|k| points[k * last / (max - 1)]).collect()
}

/// One probability bin of a calibration table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CalibrationBin {
    /// The bin holds predictions in [lower, upper) (the last bin includes 1).
    pub lower: f64,
    pub upper: f64,
    pub users: usize,
    /// Mean predicted probability in the bin (`None` when empty).
    pub mean_predicted: Option<f64>,
    /// Share who converted.
    pub observed_rate: Option<f64>,
    /// Mean true probability, when the data were generated here.
    pub mean_true_probability: Option<f64>,
}

/// Predicted versus observed conversion in `bins` equal-width bins of
/// predicted probability; with `truth`, the mean true probability too.
pub fn calibration(
    y: &[bool],
    p: &[f64],
    truth: Option<&[f64]>,
    bins: usize,
) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut users = vec![0usize; bins];
    let mut predicted = vec![0.0; bins];
    let mut converted = vec![0usize; bins];
    let mut true_p = vec![0.0; bins];
    for (i, (&label, &prob)) in y.iter().zip(p).enumerate() {
        let b = ((prob * bins as f64) as usize).min(bins - 1);
        users[b] += 1;
        predicted[b] += prob;
        converted[b] += usize::from(label);
        if let Some(t) = truth {
            true_p[b] += t[i];
        }
    }
    (0..bins)
        .map(|b| {
            let n = users[b] as f64;
            let mean = |total: f64| (users[b] > 0).then(|| total / n);
            CalibrationBin {
                lower: b as f64 / bins as f64,
                upper: (b + 1) as f64 / bins as f64,
                users: users[b],
                mean_predicted: mean(predicted[b]),
                observed_rate: mean(converted[b] as f64),
                mean_true_probability: truth.and_then(|_| mean(true_p[b])),
            }
        })
        .collect()
}

/// Cumulative gains at the top `share` of users by predicted probability.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gain {
    /// Share of users contacted, highest probability first.
    pub share_contacted: f64,
    /// Share of all conversions among them.
    pub share_of_conversions: f64,
    /// Their conversion rate over the overall rate.
    pub lift: f64,
}

/// Gains and lift at each of `shares` (e.g. 0.1 for the top 10%).
pub fn gains(y: &[bool], p: &[f64], shares: &[f64]) -> Vec<Gain> {
    gains_ranked(&rank(y, p), shares)
}

fn gains_ranked(r: &Ranked, shares: &[f64]) -> Vec<Gain> {
    let y = &r.labels;
    let total = y.iter().filter(|&&c| c).count();
    let overall = ratio(total, y.len());
    let mut prefix = Vec::with_capacity(y.len() + 1);
    prefix.push(0usize);
    for &label in y.iter().rev() {
        prefix.push(prefix.last().copied().unwrap_or(0) + usize::from(label));
    }
    shares
        .iter()
        .map(|&share| {
            let k = ((share * y.len() as f64).round() as usize)
                .clamp(usize::from(!y.is_empty()), y.len());
            let caught = prefix[k];
            let rate = ratio(caught, k);
            Gain {
                share_contacted: share,
                share_of_conversions: ratio(caught, total),
                lift: if overall > 0.0 { rate / overall } else { 0.0 },
            }
        })
        .collect()
}

/// Every metric for one set of predictions.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metrics {
    pub users: usize,
    /// True when measured on the training users (no held-out split).
    pub in_sample: bool,
    pub log_loss: f64,
    /// Threshold of the accuracy and the confusion matrix.
    pub threshold: f64,
    pub accuracy: f64,
    pub confusion: Confusion,
    pub precision: f64,
    pub recall: f64,
    /// `None` when only one class is present.
    pub auc: Option<f64>,
    /// AUC of the true probabilities: the best any model could do on these
    /// users (generated data only).
    pub ceiling_auc: Option<f64>,
    pub roc: Vec<RocPoint>,
    pub calibration: Vec<CalibrationBin>,
    /// Top 10%, 20%, … 100%.
    pub gains: Vec<Gain>,
}

/// Measures predictions `p` against labels `y`; `truth` holds the true
/// probabilities when known.
pub fn evaluate(
    y: &[bool],
    p: &[f64],
    truth: Option<&[f64]>,
    threshold: f64,
    in_sample: bool,
) -> Metrics {
    let confusion = Confusion::new(y, p, threshold);
    // One ranking of the users serves the AUC, the ROC curve and the gains.
    let ranked = rank(y, p);
    let deciles: Vec<f64> = (1..=10).map(|k| f64::from(k) / 10.0).collect();
    Metrics {
        users: y.len(),
        in_sample,
        log_loss: log_loss(y, p),
        threshold,
        accuracy: confusion.accuracy(),
        confusion,
        precision: confusion.precision(),
        recall: confusion.recall(),
        auc: auc_ranked(&ranked),
        ceiling_auc: truth.and_then(|t| roc_auc(y, t)),
        roc: curve_ranked(&ranked, 201),
        calibration: calibration(y, p, truth, 10),
        gains: gains_ranked(&ranked, &deciles),
    }
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
        assert!((roc_auc(&y, &s).unwrap() - 5.0 / 6.0).abs() < 1e-15);
        assert_eq!(roc_auc(&[true, true], &[0.1, 0.2]), None);
        assert_eq!(roc_auc(&[true, false], &[0.3, 0.3]), Some(0.5));
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
    fn auc_equals_the_area_under_its_curve() {
        let y: Vec<bool> = (0..500).map(|i| (i * 7919) % 13 < 6).collect();
        let s: Vec<f64> = (0..500)
            .map(|i| ((i * 104_729) % 97) as f64 / 97.0 + if y[i] { 0.2 } else { 0.0 })
            .collect();
        let curve = roc_curve(&y, &s, usize::MAX);
        let area: f64 = curve
            .windows(2)
            .map(|w| {
                (w[1].false_positive_rate - w[0].false_positive_rate)
                    * (w[1].true_positive_rate + w[0].true_positive_rate)
                    / 2.0
            })
            .sum();
        assert!((area - roc_auc(&y, &s).unwrap()).abs() < 1e-12);
        assert_eq!(roc_curve(&y, &s, 50).len(), 50);
    }

    #[test]
    fn confusion_log_loss_calibration_and_gains() {
        let y = [true, false, true, false];
        let p = [0.8, 0.6, 0.3, 0.1];
        let c = Confusion::new(&y, &p, 0.5);
        assert_eq!(
            (
                c.true_positives,
                c.false_positives,
                c.true_negatives,
                c.false_negatives
            ),
            (1, 1, 1, 1)
        );
        assert_eq!((c.accuracy(), c.precision(), c.recall()), (0.5, 0.5, 0.5));
        let expected = -(0.8f64.ln() + 0.4f64.ln() + 0.3f64.ln() + 0.9f64.ln()) / 4.0;
        assert!((log_loss(&y, &p) - expected).abs() < 1e-12);
        let cal = calibration(&y, &p, Some(&[0.7, 0.5, 0.4, 0.2]), 2);
        assert_eq!((cal[0].users, cal[1].users), (2, 2));
        assert_eq!(cal[1].observed_rate, Some(0.5));
        assert!((cal[1].mean_predicted.unwrap() - 0.7).abs() < 1e-12);
        assert!((cal[1].mean_true_probability.unwrap() - 0.6).abs() < 1e-12);
        let g = gains(&y, &p, &[0.25, 0.5, 1.0]);
        assert_eq!(g[0].share_of_conversions, 0.5);
        assert_eq!(g[0].lift, 2.0);
        assert_eq!(g[2].share_of_conversions, 1.0);
        assert_eq!(g[2].lift, 1.0);
    }
}
