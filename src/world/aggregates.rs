//! What the page draws, computed from the users on screen: a histogram per
//! numeric signal with the conversion rate per bin, the contract's predicted
//! statistics per column, and a peek at the first rows.

use serde::Serialize;

use super::contract::Tier;
use super::dataset::Dataset;
use super::params::GeneratorParams;
use super::summary::{ColumnStats, Summary, TierStats};

/// Most bins a histogram gets; integer columns with a smaller range get one
/// bin per value.
pub const MAX_BINS: usize = 30;

/// One numeric signal's distribution and how conversion varies along it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    /// Contract column name.
    pub column: &'static str,
    /// Lower edge of each bin (bin i holds values in `[edges[i], edges[i+1])`,
    /// the last bin is closed).
    pub edges: Vec<f64>,
    /// Upper edge of the last bin.
    pub upper: f64,
    /// Users per bin.
    pub users: Vec<u32>,
    /// Conversions per bin.
    pub conversions: Vec<u32>,
    /// Conversion rate per bin (`None` for an empty bin).
    pub rates: Vec<Option<f64>>,
}

/// Bin layout for a column: `start + i·width`, `bins` of them.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Bins {
    start: f64,
    width: f64,
    bins: usize,
}

impl Bins {
    fn for_range(min: f64, max: f64, integer: bool) -> Bins {
        if integer {
            let span = (max - min) as usize + 1;
            if span <= MAX_BINS {
                return Bins {
                    start: min,
                    width: 1.0,
                    bins: span,
                };
            }
            let width = (span as f64 / MAX_BINS as f64).ceil();
            let bins = (span as f64 / width).ceil() as usize;
            return Bins {
                start: min,
                width,
                bins,
            };
        }
        let start = min.floor();
        let span = (max - start).max(1.0);
        let width = nice_width(span / MAX_BINS as f64);
        let bins = ((max - start) / width).floor() as usize + 1;
        Bins {
            start,
            width,
            bins: bins.min(4 * MAX_BINS),
        }
    }

    fn index(&self, x: f64) -> usize {
        (((x - self.start) / self.width).floor().max(0.0) as usize).min(self.bins - 1)
    }
}

/// The smallest of 1, 2, 2.5 or 5 × 10^k that is at least `raw`.
fn nice_width(raw: f64) -> f64 {
    let scale = 10f64.powf(raw.log10().floor());
    for step in [1.0, 2.0, 2.5, 5.0, 10.0] {
        if step * scale >= raw {
            return step * scale;
        }
    }
    10.0 * scale
}

/// One column's bins and which bin each user falls in.
#[derive(Clone, Debug)]
struct Binned {
    column: &'static str,
    bins: Bins,
    /// Bin of each user.
    bin_of: Vec<u16>,
    /// Users per bin.
    users: Vec<u32>,
}

impl Binned {
    fn new(column: &'static str, values: &[f64], integer: bool) -> Binned {
        let (min, max) = values
            .iter()
            // Comparisons, not f64::min/max: in wasm those are calls.
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
                (if x < lo { x } else { lo }, if x > hi { x } else { hi })
            });
        let (min, max) = if values.is_empty() {
            (0.0, 0.0)
        } else {
            (min, max)
        };
        let bins = Bins::for_range(min, max, integer);
        let mut users = vec![0u32; bins.bins];
        let bin_of = values
            .iter()
            .map(|&x| {
                let i = bins.index(x);
                users[i] += 1;
                i as u16
            })
            .collect();
        Binned {
            column,
            bins,
            bin_of,
            users,
        }
    }

    fn histogram(&self, conversions: Vec<u32>) -> Histogram {
        let b = &self.bins;
        let rates = self
            .users
            .iter()
            .zip(&conversions)
            .map(|(&n, &c)| (n > 0).then(|| f64::from(c) / f64::from(n)))
            .collect();
        Histogram {
            column: self.column,
            edges: (0..b.bins).map(|i| b.start + i as f64 * b.width).collect(),
            upper: b.start + b.bins as f64 * b.width,
            users: self.users.clone(),
            conversions,
            rates,
        }
    }
}

/// What the page shows about a set of users, split so that a label-only
/// change (a weight slider moving) costs one counting pass: everything that
/// depends only on the features (bins, column statistics, tier sizes) is
/// computed once per population, and the conversions are recounted.
#[derive(Clone, Debug)]
pub struct Aggregates {
    columns: Vec<ColumnStats>,
    binned: Vec<Binned>,
    tier_users: [usize; 3],
}

impl Aggregates {
    /// Bins and statistics of `data`'s features.
    pub fn new(data: &Dataset) -> Aggregates {
        let as_f64 = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
        let summary = Summary::of(data);
        let mut tier_users = [0usize; 3];
        for t in &data.country_tier {
            tier_users[t.index()] += 1;
        }
        Aggregates {
            columns: summary.columns,
            binned: vec![
                Binned::new("days_since_signup", &as_f64(&data.days_since_signup), true),
                Binned::new("sessions_7d", &as_f64(&data.sessions_7d), true),
                Binned::new("content_hours_7d", &data.content_hours_7d, false),
                Binned::new("downloads_7d", &as_f64(&data.downloads_7d), true),
                Binned::new("paywall_views_7d", &as_f64(&data.paywall_views_7d), true),
            ],
            tier_users,
        }
    }

    /// The summary and a histogram per numeric signal for `data`'s current
    /// labels. `data` must hold the users these aggregates were built from.
    pub fn with_labels(&self, data: &Dataset) -> (Summary, Vec<Histogram>) {
        let mut conversions: Vec<Vec<u32>> =
            self.binned.iter().map(|b| vec![0; b.users.len()]).collect();
        let mut tier_conversions = [0usize; 3];
        for (i, (&converted, tier)) in data.converted.iter().zip(&data.country_tier).enumerate() {
            if converted {
                tier_conversions[tier.index()] += 1;
                for (counts, binned) in conversions.iter_mut().zip(&self.binned) {
                    counts[usize::from(binned.bin_of[i])] += 1;
                }
            }
        }
        let rows = data.len();
        let total: usize = tier_conversions.iter().sum();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let tiers = Tier::ALL
            .iter()
            .map(|&t| TierStats {
                tier: t.as_str(),
                users: self.tier_users[t.index()],
                conversions: tier_conversions[t.index()],
                share: ratio(self.tier_users[t.index()], rows),
                conversion_rate: ratio(tier_conversions[t.index()], self.tier_users[t.index()]),
            })
            .collect();
        let summary = Summary {
            rows,
            conversions: total,
            conversion_rate: ratio(total, rows),
            columns: self.columns.clone(),
            tiers,
        };
        let histograms = self
            .binned
            .iter()
            .zip(conversions)
            .map(|(b, c)| b.histogram(c))
            .collect();
        (summary, histograms)
    }
}

/// What the contract's distributions predict for one column.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Expected {
    pub column: &'static str,
    /// In words, e.g. "Poisson(λ = 3)".
    pub distribution: String,
    pub min: f64,
    pub mean: f64,
    pub std_dev: f64,
    /// `None` when the distribution has no upper bound.
    pub max: Option<f64>,
}

/// The contract's predicted min, mean, standard deviation and max per
/// numeric signal, for the parameters in force.
pub fn expected(params: &GeneratorParams) -> Vec<Expected> {
    let d = &params.distributions;
    let poisson = |column, lambda: f64| Expected {
        column,
        distribution: format!("Poisson(λ = {lambda})"),
        min: 0.0,
        mean: lambda,
        std_dev: lambda.sqrt(),
        max: None,
    };
    let days = &d.days_since_signup;
    let (a, b) = (f64::from(days.min), f64::from(days.max));
    let span = b - a + 1.0;
    let gamma = &d.content_hours_7d;
    vec![
        Expected {
            column: "days_since_signup",
            distribution: format!("uniform on {}..={}", days.min, days.max),
            min: a,
            mean: (a + b) / 2.0,
            std_dev: ((span * span - 1.0) / 12.0).sqrt(),
            max: Some(b),
        },
        poisson("sessions_7d", d.sessions_7d.lambda),
        Expected {
            column: "content_hours_7d",
            distribution: format!("Gamma(shape {}, scale {})", gamma.shape, gamma.scale),
            min: 0.0,
            mean: gamma.shape * gamma.scale,
            std_dev: gamma.shape.sqrt() * gamma.scale,
            max: None,
        },
        poisson("downloads_7d", d.downloads_7d.lambda),
        poisson("paywall_views_7d", d.paywall_views_7d.lambda),
    ]
}

/// One user as the page's table shows it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowView {
    pub days_since_signup: u32,
    pub sessions_7d: u32,
    pub content_hours_7d: f64,
    pub downloads_7d: u32,
    pub paywall_views_7d: u32,
    pub country_tier: &'static str,
    pub converted: u8,
    /// The true conversion probability, when the data were generated here.
    pub probability: Option<f64>,
}

/// The first `n` users.
pub fn first_rows(data: &Dataset, n: usize) -> Vec<RowView> {
    let probability = data.latent.as_ref().map(|l| &l.probability);
    data.all_features()
        .zip(&data.converted)
        .take(n)
        .enumerate()
        .map(|(i, (x, &c))| RowView {
            days_since_signup: x.days_since_signup,
            sessions_7d: x.sessions_7d,
            content_hours_7d: x.content_hours_7d,
            downloads_7d: x.downloads_7d,
            paywall_views_7d: x.paywall_views_7d,
            country_tier: x.country_tier.as_str(),
            converted: u8::from(c),
            probability: probability.map(|p| p[i]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::{generate, relabel};

    /// A histogram for each numeric signal, in CSV order.
    fn histograms(data: &Dataset) -> Vec<Histogram> {
        Aggregates::new(data).with_labels(data).1
    }

    #[test]
    fn histograms_count_every_user_and_every_conversion() {
        let params = GeneratorParams {
            rows: 20_000,
            ..Default::default()
        };
        let data = generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
        for h in histograms(&data) {
            assert_eq!(
                h.users.iter().sum::<u32>() as usize,
                data.len(),
                "{}",
                h.column
            );
            assert_eq!(
                h.conversions.iter().sum::<u32>() as usize,
                data.conversions(),
                "{}",
                h.column
            );
            assert_eq!(h.edges.len(), h.users.len());
            assert!(h.users.len() <= 4 * MAX_BINS);
        }
        let days = &histograms(&data)[0];
        assert_eq!(days.edges.len(), 30, "1..=59 in bins of 2");
        assert_eq!((days.edges[0], days.upper), (1.0, 61.0));
    }

    fn histogram(values: &[f64], converted: &[bool], integer: bool) -> Histogram {
        let binned = Binned::new("x", values, integer);
        let mut conversions = vec![0; binned.users.len()];
        for (&bin, &c) in binned.bin_of.iter().zip(converted) {
            conversions[usize::from(bin)] += u32::from(c);
        }
        binned.histogram(conversions)
    }

    #[test]
    fn labels_only_aggregates_match_a_fresh_summary() {
        let base = GeneratorParams {
            rows: 5_000,
            ..Default::default()
        };
        let mut data = generate(&base.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let aggregates = Aggregates::new(&data);
        let mut moved = base.clone();
        moved.weights.sessions_7d = -0.4;
        relabel(&mut data, &moved.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let (summary, hists) = aggregates.with_labels(&data);
        assert_eq!(summary, Summary::of(&data));
        assert_eq!(hists, Aggregates::new(&data).with_labels(&data).1);
    }

    #[test]
    fn integer_columns_get_one_bin_per_value_when_they_fit() {
        let h = histogram(&[0.0, 1.0, 1.0, 3.0], &[true, false, true, true], true);
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(h.users, vec![1, 2, 0, 1]);
        assert_eq!(h.rates, vec![Some(1.0), Some(0.5), None, Some(1.0)]);
    }

    #[test]
    fn continuous_bins_have_nice_widths() {
        assert_eq!(nice_width(0.8), 1.0);
        assert_eq!(nice_width(0.3), 0.5);
        assert_eq!(nice_width(2.2), 2.5);
        let h = histogram(&[0.0, 0.49, 0.5, 29.99], &[false; 4], false);
        assert_eq!(h.edges[1] - h.edges[0], 1.0);
        assert_eq!(h.users[0], 3);
        assert_eq!(*h.users.last().unwrap(), 1);
    }

    #[test]
    fn expected_statistics_follow_the_textbook_formulas() {
        let e = expected(&GeneratorParams::default());
        assert_eq!((e[0].mean, e[0].min, e[0].max), (30.0, 1.0, Some(59.0)));
        assert!((e[0].std_dev - (290.0f64).sqrt()).abs() < 1e-12);
        assert_eq!((e[1].mean, e[1].std_dev), (3.0, 3.0f64.sqrt()));
        assert_eq!(e[2].mean, 3.0);
        assert!((e[2].std_dev - 2.0f64.sqrt() * 1.5).abs() < 1e-12);
        assert_eq!(e[4].mean, 1.2);
    }
}
