//! The curves a probability draws against the labels: ROC and
//! precision–recall (with the point of one threshold on each), calibration
//! by probability bin, and cumulative gains with lift.

use serde::Serialize;

use super::tally::{rank, ratio, wilson, Confusion, Ranked};

/// One point of the ROC and precision–recall curves: contacting everyone
/// scoring ≥ `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CurvePoint {
    pub threshold: f64,
    pub false_positive_rate: f64,
    /// Also the recall.
    pub true_positive_rate: f64,
    /// Of the users contacted, the share who converted (1 before anyone is).
    pub precision: f64,
}

impl CurvePoint {
    /// The point of the confusion matrix at one threshold.
    pub fn at(threshold: f64, c: &Confusion) -> CurvePoint {
        CurvePoint {
            threshold,
            false_positive_rate: ratio(c.false_positives, c.false_positives + c.true_negatives),
            true_positive_rate: ratio(c.true_positives, c.true_positives + c.false_negatives),
            precision: if c.true_positives + c.false_positives == 0 {
                1.0
            } else {
                ratio(c.true_positives, c.true_positives + c.false_positives)
            },
        }
    }
}

/// The ROC and precision–recall curves, one point per distinct score
/// (highest first, starting from contacting no one), and the average
/// precision: Σ (recall_k − recall_(k−1))·precision_k, the area under the
/// precision–recall steps (scikit-learn's definition). Both curves are
/// thinned to at most `max_points` (the ends kept).
pub fn curves(y: &[bool], scores: &[f64], max_points: usize) -> (Vec<CurvePoint>, Option<f64>) {
    curves_ranked(&rank(y, scores), max_points)
}

pub(super) fn curves_ranked(r: &Ranked, max_points: usize) -> (Vec<CurvePoint>, Option<f64>) {
    let positives = r.labels.iter().filter(|&&c| c).count();
    let negatives = r.labels.len() - positives;
    // One point per distinct score and the "no one" point before them; the
    // points `thin` would keep are picked on the way, so a million users
    // never make a million points.
    let last = r.tie_groups().count();
    let mut keep = Thinned::new(last + 1, max_points);
    // JSON has no infinity: the "contact no one" point's threshold is
    // written as just above the highest score.
    let top = r.scores.last().map_or(1.0, |&s| s.max(1.0));
    let mut points = Vec::with_capacity(keep.len());
    if keep.next_is(0) {
        points.push(CurvePoint {
            threshold: top,
            false_positive_rate: 0.0,
            true_positive_rate: 0.0,
            precision: 1.0,
        });
    }
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut average_precision = 0.0;
    // Highest score first.
    for (k, range) in r.tie_groups().rev().enumerate() {
        let s = r.scores[range.start];
        let converted = r.labels[range.clone()].iter().filter(|&&c| c).count();
        tp += converted;
        fp += range.len() - converted;
        let precision = ratio(tp, tp + fp);
        average_precision += ratio(converted, positives) * precision;
        if keep.next_is(k + 1) {
            points.push(CurvePoint {
                threshold: s,
                false_positive_rate: ratio(fp, negatives),
                true_positive_rate: ratio(tp, positives),
                precision,
            });
        }
    }
    (points, (positives > 0).then_some(average_precision))
}

/// Which of `len` points are kept to leave at most `max`, evenly spread
/// (the first and last always), asked in order.
struct Thinned {
    len: usize,
    max: usize,
    /// The next kept point's rank among the kept.
    next: usize,
}

impl Thinned {
    fn new(len: usize, max: usize) -> Thinned {
        Thinned { len, max, next: 0 }
    }

    /// How many points are kept.
    fn len(&self) -> usize {
        if self.len <= self.max || self.max < 2 {
            self.len
        } else {
            self.max
        }
    }

    /// True when point `index` (each asked once, in order) is kept.
    fn next_is(&mut self, index: usize) -> bool {
        let at = if self.len <= self.max || self.max < 2 {
            self.next
        } else if self.next < self.max {
            self.next * (self.len - 1) / (self.max - 1)
        } else {
            return false;
        };
        let kept = at == index;
        self.next += usize::from(kept);
        kept
    }
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
    /// Share who converted, and its 95% interval.
    pub observed_rate: Option<f64>,
    pub observed_low: Option<f64>,
    pub observed_high: Option<f64>,
    /// Mean noise-averaged probability q(x) of the bin's users, when the
    /// world is known: what a perfectly calibrated model of the signals
    /// would predict for them.
    pub mean_best: Option<f64>,
}

/// Predicted versus observed conversion in `bins` equal-width bins of
/// predicted probability; with `best` (q per user), its mean too.
pub fn calibration(
    y: &[bool],
    p: &[f64],
    best: Option<&[f64]>,
    bins: usize,
) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut users = vec![0usize; bins];
    let mut predicted = vec![0.0; bins];
    let mut converted = vec![0usize; bins];
    let mut best_sum = vec![0.0; bins];
    for (i, (&label, &prob)) in y.iter().zip(p).enumerate() {
        let b = ((prob * bins as f64) as usize).min(bins - 1);
        users[b] += 1;
        predicted[b] += prob;
        converted[b] += usize::from(label);
        if let Some(q) = best {
            best_sum[b] += q[i];
        }
    }
    (0..bins)
        .map(|b| {
            let n = users[b] as f64;
            let mean = |total: f64| (users[b] > 0).then(|| total / n);
            let interval = (users[b] > 0).then(|| wilson(converted[b], users[b]));
            CalibrationBin {
                lower: b as f64 / bins as f64,
                upper: (b + 1) as f64 / bins as f64,
                users: users[b],
                mean_predicted: mean(predicted[b]),
                observed_rate: mean(converted[b] as f64),
                observed_low: interval.map(|e| e.low),
                observed_high: interval.map(|e| e.high),
                mean_best: best.and_then(|_| mean(best_sum[b])),
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

pub(super) fn gains_ranked(r: &Ranked, shares: &[f64]) -> Vec<Gain> {
    let y = &r.labels;
    let total = y.iter().filter(|&&c| c).count();
    let overall = ratio(total, y.len());
    shares
        .iter()
        .map(|&share| {
            let k = ((share * y.len() as f64).round() as usize)
                .clamp(usize::from(!y.is_empty()), y.len());
            // The top k are the last k (ascending order).
            let caught = y[y.len() - k..].iter().filter(|&&c| c).count();
            let rate = ratio(caught, k);
            Gain {
                share_contacted: share,
                share_of_conversions: ratio(caught, total),
                lift: if overall > 0.0 { rate / overall } else { 0.0 },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::metrics::roc_auc;

    #[test]
    fn auc_equals_the_area_under_its_curve() {
        let y: Vec<bool> = (0..500).map(|i| (i * 7919) % 13 < 6).collect();
        let s: Vec<f64> = (0..500)
            .map(|i| ((i * 104_729) % 97) as f64 / 97.0 + if y[i] { 0.2 } else { 0.0 })
            .collect();
        let (curve, ap) = curves(&y, &s, usize::MAX);
        let area: f64 = curve
            .windows(2)
            .map(|w| {
                (w[1].false_positive_rate - w[0].false_positive_rate)
                    * (w[1].true_positive_rate + w[0].true_positive_rate)
                    / 2.0
            })
            .sum();
        assert!((area - roc_auc(&y, &s).unwrap().value).abs() < 1e-12);
        assert_eq!(curves(&y, &s, 50).0.len(), 50);
        // Average precision is a weighted mean of precisions: between the
        // positive rate and 1, above the rate for an informative score.
        let rate = y.iter().filter(|&&c| c).count() as f64 / y.len() as f64;
        let ap = ap.unwrap();
        assert!(ap > rate && ap <= 1.0, "{ap} vs {rate}");
    }

    #[test]
    fn a_thinned_curve_is_every_kth_point_of_the_whole_one() {
        let y: Vec<bool> = (0..2_000).map(|i| (i * 31) % 7 < 3).collect();
        let s: Vec<f64> = (0..2_000)
            .map(|i| ((i * 7_919) % 1_009) as f64 / 1_009.0)
            .collect();
        let (whole, ap) = curves(&y, &s, usize::MAX);
        assert_eq!(
            whole.len(),
            1_010,
            "one point per distinct score, and no one"
        );
        for max in [2, 3, 50, 201, 1_009, 1_010, 5_000] {
            let (thinned, thinned_ap) = curves(&y, &s, max);
            let last = whole.len() - 1;
            let want: Vec<CurvePoint> = if whole.len() <= max {
                whole.clone()
            } else {
                (0..max).map(|k| whole[k * last / (max - 1)]).collect()
            };
            assert_eq!(thinned, want, "max {max}");
            assert_eq!(thinned_ap, ap);
        }
    }

    #[test]
    fn precision_recall_by_hand() {
        // Scores 0.9 (yes), 0.8 (no), 0.7 (yes), 0.1 (no).
        let y = [true, false, true, false];
        let s = [0.9, 0.8, 0.7, 0.1];
        let (c, ap) = curves(&y, &s, 100);
        let pr: Vec<(f64, f64)> = c
            .iter()
            .map(|p| (p.true_positive_rate, p.precision))
            .collect();
        assert_eq!(
            pr,
            [
                (0.0, 1.0),
                (0.5, 1.0),
                (0.5, 0.5),
                (1.0, 2.0 / 3.0),
                (1.0, 0.5)
            ]
        );
        assert!((ap.unwrap() - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)).abs() < 1e-15);
        assert_eq!(c[0].threshold, 1.0);
        let at = CurvePoint::at(0.75, &Confusion::new(&y, &s, 0.75));
        assert_eq!(
            (at.true_positive_rate, at.false_positive_rate, at.precision),
            (0.5, 0.5, 0.5)
        );
    }

    #[test]
    fn calibration_and_gains() {
        let y = [true, false, true, false];
        let p = [0.8, 0.6, 0.3, 0.1];
        let cal = calibration(&y, &p, Some(&[0.7, 0.5, 0.4, 0.2]), 2);
        assert_eq!((cal[0].users, cal[1].users), (2, 2));
        assert_eq!(cal[1].observed_rate, Some(0.5));
        assert!(cal[1].observed_low.unwrap() < 0.5 && cal[1].observed_high.unwrap() > 0.5);
        assert!((cal[1].mean_predicted.unwrap() - 0.7).abs() < 1e-12);
        assert!((cal[1].mean_best.unwrap() - 0.6).abs() < 1e-12);
        let g = gains(&y, &p, &[0.25, 0.5, 1.0]);
        assert_eq!(g[0].share_of_conversions, 0.5);
        assert_eq!(g[0].lift, 2.0);
        assert_eq!(g[2].share_of_conversions, 1.0);
        assert_eq!(g[2].lift, 1.0);
    }
}
