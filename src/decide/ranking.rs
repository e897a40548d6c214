//! The evaluation users sorted once, with running totals from the top, so a
//! policy at any threshold (a band, what contacting everyone above it is
//! worth, a point of the gains curve) is a binary search and a subtraction:
//! a threshold dragged over a million users costs microseconds, not a pass
//! over them.
//!
//! A policy is never judged by its own predictions. What a contacted user is
//! expected to bring is, on generated data, their noise-averaged probability
//! q(x), the truth about users with their signals; on imported data, where
//! no truth is known, their label. The oracles rank by the truth itself: q(x)
//! (the best any model of the signals can do) and each user's own p, noise
//! included (unreachable), judged by p, which is what it knows.

use std::sync::Arc;

use serde::Serialize;

use super::bands::{Band, Segment, Thresholds};
use super::curves::Gain;
use super::economics::{Economics, ProfitPoint};
use super::metrics::{Orders, Truth};
use super::tally::Sorted;

/// What a policy's contacted users are worth is measured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JudgedBy {
    /// q(x), each user's chance of converting given their signals (a
    /// generated world, whose truth is known).
    Truth,
    /// The labels: who converted (imported data, or a file whose truth is
    /// unknown).
    Labels,
}

/// Users ordered by one probability, highest last, with running totals
/// from the top.
#[derive(Clone, Debug)]
struct Ordered {
    /// The probability each user is ranked by, ascending; ties in user order
    /// (so the top of a tie is the last user, as in the gains of
    /// [`super::metrics`]). Shared with the order it came from.
    keys: Arc<[f64]>,
    /// `conversions[k]`: converters among the k highest-ranked users.
    conversions: Vec<usize>,
    /// `key_sum[k]`: their probabilities summed.
    key_sum: Vec<f64>,
    /// `judged[k]`: what they are expected to convert, by the judge; `None`
    /// when the labels judge (then it is `conversions[k]`).
    judged: Option<Vec<f64>>,
}

impl Ordered {
    /// Users `sorted` by their keys (from [`Orders`]); `judge(i)` is what
    /// user i is expected to convert (`None`: their label).
    fn in_order(sorted: &Sorted, labels: &[bool], judge: Option<impl Fn(usize) -> f64>) -> Ordered {
        let n = sorted.users.len();
        let mut conversions = Vec::with_capacity(n + 1);
        let mut key_sum = Vec::with_capacity(n + 1);
        let (mut c, mut s) = (0usize, 0.0);
        conversions.push(c);
        key_sum.push(s);
        for (&i, &key) in sorted.users.iter().zip(sorted.keys.iter()).rev() {
            c += usize::from(labels[i as usize]);
            s += key;
            conversions.push(c);
            key_sum.push(s);
        }
        let judged = judge.map(|judge| {
            let mut judged = Vec::with_capacity(n + 1);
            let mut j = 0.0;
            judged.push(j);
            for &i in sorted.users.iter().rev() {
                j += judge(i as usize);
                judged.push(j);
            }
            judged
        });
        Ordered {
            keys: Arc::clone(&sorted.keys),
            conversions,
            key_sum,
            judged,
        }
    }

    /// What the `k` highest-ranked users are expected to convert, by the
    /// judge.
    fn judged(&self, k: usize) -> f64 {
        match &self.judged {
            Some(judged) => judged[k],
            // Counts of 0s and 1s summed in floating point are exact: the
            // same number as the running sum of the labels.
            None => self.conversions[k] as f64,
        }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// How many users have a probability ≥ `t`.
    fn at_least(&self, t: f64) -> usize {
        self.len() - self.keys.partition_point(|&k| k < t)
    }

    /// What contacting the `k` highest-ranked users is worth.
    fn profit(&self, k: usize, e: &Economics) -> f64 {
        self.judged(k) * e.value_per_conversion - k as f64 * e.cost_per_contact
    }

    /// Contacting everyone ranked at or above `threshold`, for thresholds
    /// 0, 0.01, … 1, and the best of them (the lowest on a tie).
    fn profit_curve(&self, e: &Economics) -> ProfitCurve {
        let points: Vec<ProfitPoint> = (0..=100)
            .map(|k| {
                let threshold = f64::from(k) / 100.0;
                let contacted = self.at_least(threshold);
                ProfitPoint {
                    threshold,
                    contacted,
                    expected_profit: self.profit(contacted, e),
                    realised_profit: self.conversions[contacted] as f64 * e.value_per_conversion
                        - contacted as f64 * e.cost_per_contact,
                }
            })
            .collect();
        let best = points.iter().copied().fold(points[0], |best, point| {
            if point.expected_profit > best.expected_profit {
                point
            } else {
                best
            }
        });
        ProfitCurve { points, best }
    }

    /// The top `share` of users: how many, with `gains`' rounding.
    fn top(&self, share: f64) -> usize {
        let n = self.len();
        ((share * n as f64).round() as usize).clamp(usize::from(n > 0), n)
    }

    /// Gains and lift at the top `share`, exactly as [`super::curves::gains`]
    /// computes them.
    fn gain(&self, share: f64) -> Gain {
        let n = self.len();
        let total = self.conversions[n];
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let overall = ratio(total, n);
        let k = self.top(share);
        let caught = self.conversions[k];
        Gain {
            share_contacted: share,
            share_of_conversions: ratio(caught, total),
            lift: if overall > 0.0 {
                ratio(caught, k) / overall
            } else {
                0.0
            },
        }
    }

    /// The cumulative gains curve at every whole percent of users
    /// contacted (0% contacts no one).
    fn gains_curve(&self) -> Vec<GainPoint> {
        let n = self.len();
        let total = self.conversions[n];
        (0..=100)
            .map(|k| {
                let contacted = (f64::from(k) / 100.0 * n as f64).round() as usize;
                GainPoint {
                    share_contacted: f64::from(k) / 100.0,
                    share_of_conversions: if total == 0 {
                        0.0
                    } else {
                        self.conversions[contacted.min(n)] as f64 / total as f64
                    },
                }
            })
            .collect()
    }
}

/// One point of a cumulative gains curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GainPoint {
    /// Share of users contacted, highest probability first.
    pub share_contacted: f64,
    /// Share of all converters among them.
    pub share_of_conversions: f64,
}

/// What contacting everyone at or above a threshold is worth, at thresholds
/// 0, 0.01, … 1, and the most profitable of them (the lowest on a tie).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfitCurve {
    pub points: Vec<ProfitPoint>,
    pub best: ProfitPoint,
}

/// Every policy's worth at one value per conversion and cost per contact.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policies {
    pub economics: Economics,
    /// Contacting everyone the model puts at or above each threshold.
    pub model: ProfitCurve,
    /// Contacting everyone.
    pub everyone: f64,
    /// Contacting no one: nothing spent, nothing gained.
    pub nobody: f64,
    /// Ranking by q(x): the best any model of the signals can do (known
    /// worlds only).
    pub best_possible: Option<ProfitCurve>,
    /// Ranking by each user's own p, judged by p: unreachable (known worlds
    /// only).
    pub oracle: Option<ProfitCurve>,
}

/// One bin of the predicted probabilities, split by what the users did.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbabilityBin {
    /// Predictions in [lower, upper) (the last bin includes 1).
    pub lower: f64,
    pub upper: f64,
    pub converted: usize,
    pub not_converted: usize,
}

/// Bins of the predicted probability's histogram.
pub const HISTOGRAM_BINS: usize = 50;

/// The shares of users at which lift is reported: the top 10%, 20% and 30%.
pub const LIFT_SHARES: [f64; 3] = [0.1, 0.2, 0.3];

/// The evaluation users ranked by the model, and by the truth when it is
/// known: built once per model (a sort), then read at any threshold.
#[derive(Clone, Debug)]
pub struct Ranking {
    model: Ordered,
    judged_by: JudgedBy,
    /// Ranked by q(x), judged by q(x) (known worlds).
    best_possible: Option<Ordered>,
    /// Ranked by each user's own p, judged by p (known worlds).
    oracle: Option<Ordered>,
}

impl Ranking {
    /// Ranks users with labels `y` and the model's probabilities `p`.
    /// `truth` (q(x) and p per user, generated worlds) judges the policies;
    /// without it the labels do.
    pub fn new(y: &[bool], p: &[f64], truth: Option<Truth<'_>>) -> Ranking {
        Ranking::in_orders(y, truth, &Orders::new(p, truth))
    }

    /// As [`Ranking::new`], with the users already sorted (`orders`, by
    /// the model's probabilities and `truth`), as the metrics read them too.
    pub fn in_orders(y: &[bool], truth: Option<Truth<'_>>, orders: &Orders) -> Ranking {
        match truth.zip(orders.truth.as_ref()) {
            Some((t, (best, oracle))) => Ranking {
                model: Ordered::in_order(&orders.model, y, Some(|i| t.best[i])),
                judged_by: JudgedBy::Truth,
                best_possible: Some(Ordered::in_order(best, y, Some(|i| t.best[i]))),
                oracle: Some(Ordered::in_order(oracle, y, Some(|i| t.oracle[i]))),
            },
            None => Ranking {
                model: Ordered::in_order(&orders.model, y, None::<fn(usize) -> f64>),
                judged_by: JudgedBy::Labels,
                best_possible: None,
                oracle: None,
            },
        }
    }

    /// Number of users ranked.
    pub fn users(&self) -> usize {
        self.model.len()
    }

    /// Number of them who converted.
    pub fn conversions(&self) -> usize {
        self.model.conversions[self.users()]
    }

    /// What the policies are judged by.
    pub fn judged_by(&self) -> JudgedBy {
        self.judged_by
    }

    /// The three intent bands at `thresholds`; with `economics`, what
    /// contacting each band is worth (judged, never by the predictions).
    pub fn bands(&self, thresholds: Thresholds, economics: Option<Economics>) -> Vec<Band> {
        let m = &self.model;
        let n = m.len();
        let total = self.conversions();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let overall = ratio(total, n);
        let (high, medium) = (m.at_least(thresholds.high), m.at_least(thresholds.medium));
        [
            (Segment::HighIntent, thresholds.high, 1.0, 0, high),
            (
                Segment::MediumIntent,
                thresholds.medium,
                thresholds.high,
                high,
                medium.max(high),
            ),
            (
                Segment::LowIntent,
                0.0,
                thresholds.medium,
                medium.max(high),
                n,
            ),
        ]
        .into_iter()
        .map(|(segment, lower, upper, from, to)| {
            let users = to - from;
            let conversions = m.conversions[to] - m.conversions[from];
            let rate = (users > 0).then(|| conversions as f64 / users as f64);
            Band {
                segment,
                lower,
                upper,
                users,
                share: ratio(users, n),
                conversions,
                conversion_rate: rate,
                mean_predicted: (users > 0)
                    .then(|| (m.key_sum[to] - m.key_sum[from]) / users as f64),
                lift: rate.filter(|_| overall > 0.0).map(|r| r / overall),
                share_of_conversions: ratio(conversions, total),
                expected_profit: economics.map(|e| {
                    (m.judged(to) - m.judged(from)) * e.value_per_conversion
                        - users as f64 * e.cost_per_contact
                }),
            }
        })
        .collect()
    }

    /// Every policy at `economics`: the model's curve, everyone, no one, and
    /// the two oracles when the world is known.
    pub fn policies(&self, economics: Economics) -> Policies {
        Policies {
            economics,
            model: self.model.profit_curve(&economics),
            everyone: self.model.profit(self.users(), &economics),
            nobody: 0.0,
            best_possible: self
                .best_possible
                .as_ref()
                .map(|o| o.profit_curve(&economics)),
            oracle: self.oracle.as_ref().map(|o| o.profit_curve(&economics)),
        }
    }

    /// Gains and lift at the top `shares` of users, the same numbers as the
    /// metrics' gains.
    pub fn gains(&self, shares: &[f64]) -> Vec<Gain> {
        shares.iter().map(|&s| self.model.gain(s)).collect()
    }

    /// The model's cumulative gains curve, and the true-p oracle's when the
    /// world is known.
    pub fn gains_curves(&self) -> (Vec<GainPoint>, Option<Vec<GainPoint>>) {
        (
            self.model.gains_curve(),
            self.oracle.as_ref().map(Ordered::gains_curve),
        )
    }

    /// The predicted probabilities in [`HISTOGRAM_BINS`] equal bins, split
    /// by converted and not.
    pub fn histogram(&self) -> Vec<ProbabilityBin> {
        let m = &self.model;
        let edge = |b: usize| b as f64 / HISTOGRAM_BINS as f64;
        (0..HISTOGRAM_BINS)
            .map(|b| {
                let from = if b + 1 == HISTOGRAM_BINS {
                    0
                } else {
                    m.at_least(edge(b + 1))
                };
                let to = m.at_least(edge(b));
                let users = to - from;
                let converted = m.conversions[to] - m.conversions[from];
                ProbabilityBin {
                    lower: edge(b),
                    upper: edge(b + 1),
                    converted,
                    not_converted: users - converted,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::curves::gains;

    /// Users whose labels and probabilities follow no pattern, with ties.
    fn users(n: usize) -> (Vec<bool>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let p: Vec<f64> = (0..n).map(|i| ((i * 7_919) % 101) as f64 / 100.0).collect();
        let q: Vec<f64> = (0..n).map(|i| ((i * 104_729) % 97) as f64 / 96.0).collect();
        let truth: Vec<f64> = (0..n).map(|i| ((i * 31) % 89) as f64 / 88.0).collect();
        let y: Vec<bool> = (0..n).map(|i| (i * 13) % 7 < 3).collect();
        (y, p, q, truth)
    }

    #[test]
    fn bands_equal_a_count_user_by_user() {
        let (y, p, q, truth) = users(997);
        let ranking = Ranking::new(
            &y,
            &p,
            Some(Truth {
                best: &q,
                oracle: &truth,
            }),
        );
        let e = Economics {
            value_per_conversion: 40.0,
            cost_per_contact: 7.0,
        };
        for (high, medium) in [(0.7, 0.4), (0.5, 0.5), (1.0, 0.0), (0.31, 0.3), (0.0, 0.0)] {
            let thresholds = Thresholds { high, medium };
            let bands = ranking.bands(thresholds, Some(e));
            for band in &bands {
                let members: Vec<usize> = (0..y.len())
                    .filter(|&i| thresholds.segment(p[i]) == band.segment)
                    .collect();
                assert_eq!(band.users, members.len(), "{high} {medium}");
                assert_eq!(band.conversions, members.iter().filter(|&&i| y[i]).count());
                let worth: f64 = members.iter().map(|&i| 40.0 * q[i] - 7.0).sum();
                assert!((band.expected_profit.unwrap() - worth).abs() < 1e-9);
                if let Some(mean) = band.mean_predicted {
                    let by_hand = members.iter().map(|&i| p[i]).sum::<f64>() / members.len() as f64;
                    assert!((mean - by_hand).abs() < 1e-12);
                }
            }
            assert_eq!(bands.iter().map(|b| b.users).sum::<usize>(), y.len());
        }
    }

    #[test]
    fn profits_are_judged_by_the_truth_or_the_labels_never_the_predictions() {
        let (y, p, q, truth) = users(500);
        let e = Economics {
            value_per_conversion: 10.0,
            cost_per_contact: 3.0,
        };
        let known = Ranking::new(
            &y,
            &p,
            Some(Truth {
                best: &q,
                oracle: &truth,
            }),
        );
        let unknown = Ranking::new(&y, &p, None);
        assert_eq!(unknown.judged_by(), JudgedBy::Labels);
        for t in [0.0, 0.25, 0.5, 0.99] {
            let contacted: Vec<usize> = (0..y.len()).filter(|&i| p[i] >= t).collect();
            let by_q: f64 = contacted.iter().map(|&i| 10.0 * q[i] - 3.0).sum();
            let by_labels: f64 = contacted
                .iter()
                .map(|&i| 10.0 * f64::from(u8::from(y[i])) - 3.0)
                .sum();
            let k = (t * 100.0).round() as usize;
            let a = known.policies(e).model.points[k];
            let b = unknown.policies(e).model.points[k];
            assert_eq!(
                (a.contacted, b.contacted),
                (contacted.len(), contacted.len())
            );
            assert!((a.expected_profit - by_q).abs() < 1e-9);
            assert!((b.expected_profit - by_labels).abs() < 1e-9);
            // What the contacted users actually brought is their labels'
            // worth, whichever judge prices the policy.
            assert!((a.realised_profit - by_labels).abs() < 1e-9);
            assert_eq!(b.realised_profit, b.expected_profit);
        }
        let policies = known.policies(e);
        assert_eq!(policies.everyone, policies.model.points[0].expected_profit);
        // Ranking by q itself is the best any ranking of the signals does
        // when judged by q: at every threshold's head count, no worse.
        let best = policies.best_possible.unwrap();
        assert!(best.best.expected_profit >= policies.model.best.expected_profit);
        // Contacting when q ≥ cost / value is the best q policy.
        assert_eq!(best.best.threshold, 0.3);
        assert!(unknown.policies(e).best_possible.is_none());
    }

    #[test]
    fn gains_equal_the_metrics_gains_bit_for_bit() {
        let (y, p, q, truth) = users(1_234);
        let ranking = Ranking::new(
            &y,
            &p,
            Some(Truth {
                best: &q,
                oracle: &truth,
            }),
        );
        let shares: Vec<f64> = (1..=10).map(|k| f64::from(k) / 10.0).collect();
        assert_eq!(ranking.gains(&shares), gains(&y, &p, &shares));
        let (model, oracle) = ranking.gains_curves();
        assert_eq!(model.len(), 101);
        assert_eq!(model[0].share_of_conversions, 0.0);
        assert_eq!(model[100].share_of_conversions, 1.0);
        assert!(model
            .windows(2)
            .all(|w| w[0].share_of_conversions <= w[1].share_of_conversions));
        assert_eq!(oracle.unwrap().len(), 101);
    }

    #[test]
    fn the_histogram_counts_every_user_once() {
        let (y, p, ..) = users(2_000);
        let ranking = Ranking::new(&y, &p, None);
        let h = ranking.histogram();
        assert_eq!(h.len(), HISTOGRAM_BINS);
        let total: usize = h.iter().map(|b| b.converted + b.not_converted).sum();
        assert_eq!(total, 2_000);
        assert_eq!(
            h.iter().map(|b| b.converted).sum::<usize>(),
            ranking.conversions()
        );
        for b in &h {
            let by_hand = (0..p.len())
                .filter(|&i| p[i] >= b.lower && (p[i] < b.upper || b.upper == 1.0))
                .count();
            assert_eq!(b.converted + b.not_converted, by_hand, "{b:?}");
        }
    }
}
