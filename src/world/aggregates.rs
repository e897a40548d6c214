//! What the page draws, computed from the users on screen: a histogram per
//! numeric signal with the conversion rate per bin, the contract's predicted
//! statistics per column, and a peek at the first rows.

use serde::Serialize;

use super::contract::Tier;
use super::dataset::Dataset;
use super::params::GeneratorParams;
use super::score::ScoreWeights;
use super::summary::{ColumnStats, Summary, TierStats};
use crate::math::sigmoid;

/// Most bins a continuous signal's histogram gets.
pub const MAX_BINS: usize = 30;
/// Most bins an integer signal's histogram gets: one per value up to this
/// many values (so 1..=59 days get one bar a day).
pub const MAX_INTEGER_BINS: usize = 60;

/// z of a two-sided 95% interval: the 97.5th percentile of Normal(0, 1).
const Z_95: f64 = 1.959_963_984_540_054;

/// One numeric signal's distribution and how conversion varies along it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Histogram {
    /// Contract column name.
    pub column: &'static str,
    /// True for a signal that takes whole values: bin i then holds the
    /// whole values from `edges[i]` up to, not including, `edges[i + 1]`.
    pub integer: bool,
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
    /// Lower end of the rate's 95% Wilson interval per bin: how far the
    /// rate of a bin with few users can be from the rate of many such users.
    pub rate_low: Vec<Option<f64>>,
    /// Upper end of the same interval.
    pub rate_high: Vec<Option<f64>>,
}

/// The 95% Wilson score interval of a rate of `k` in `n` (n > 0): unlike
/// rate ± 1.96·SE it stays inside 0..1 and is honest for a handful of users.
pub fn wilson_interval(k: u32, n: u32) -> (f64, f64) {
    let (k, n) = (f64::from(k), f64::from(n));
    let p = k / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // Exactly 0 and 1 where the rate is: rounding must not put them outside.
    let low = if k == 0.0 { 0.0 } else { centre - half };
    let high = if k == n { 1.0 } else { centre + half };
    (low, high)
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
            let width = integer_width(span);
            return Bins {
                start: min,
                width: width as f64,
                bins: span.div_ceil(width),
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
        // x ≥ start, so truncation is floor (and no libm call natively).
        let k = (x - self.start) / self.width;
        if k > 0.0 {
            (k as usize).min(self.bins - 1)
        } else {
            0
        }
    }
}

/// The width, in whole values, of an integer signal's bins for `span`
/// values: 1 up to [`MAX_INTEGER_BINS`] values; else the smallest width that
/// keeps within that many bins and divides the span, so the last bin holds
/// as many values as the others (when no divisor is near, the last bin is
/// narrower, and its edges say so).
fn integer_width(span: usize) -> usize {
    let least = span.div_ceil(MAX_INTEGER_BINS);
    (least..=2 * least).find(|w| span % w == 0).unwrap_or(least)
}

/// The smallest of 1, 2, 2.5 or 5 × 10^k that is at least `raw`.
pub fn nice_width(raw: f64) -> f64 {
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
    integer: bool,
    bins: Bins,
    /// The largest value (the last bin's upper edge for integer signals).
    max: f64,
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
            integer,
            bins,
            max,
            bin_of,
            users,
        }
    }

    fn histogram(&self, conversions: &[u32]) -> Histogram {
        let b = &self.bins;
        let mut rates = Vec::with_capacity(b.bins);
        let mut rate_low = Vec::with_capacity(b.bins);
        let mut rate_high = Vec::with_capacity(b.bins);
        for (&n, &k) in self.users.iter().zip(conversions) {
            let interval = (n > 0).then(|| wilson_interval(k, n));
            rates.push((n > 0).then(|| f64::from(k) / f64::from(n)));
            rate_low.push(interval.map(|i| i.0));
            rate_high.push(interval.map(|i| i.1));
        }
        let full = b.start + b.bins as f64 * b.width;
        Histogram {
            column: self.column,
            integer: self.integer,
            edges: (0..b.bins).map(|i| b.start + i as f64 * b.width).collect(),
            // A narrower last integer bin ends after the largest value.
            upper: if self.integer && self.max + 1.0 < full {
                self.max + 1.0
            } else {
                full
            },
            users: self.users.clone(),
            conversions: conversions.to_vec(),
            rates,
            rate_low,
            rate_high,
        }
    }
}

/// What the page shows about a set of users, split so that moving a score
/// slider costs only the users it flips: everything that depends only on the
/// features (bins, column statistics, tier sizes) is computed once per
/// population, and the conversion counts follow each relabel's flips.
#[derive(Clone, Debug)]
pub struct Aggregates {
    columns: Vec<ColumnStats>,
    binned: Vec<Binned>,
    tier_users: [usize; 3],
    /// Conversions per bin of each binned column, for the labels now.
    conversions: Vec<Vec<u32>>,
    /// Conversions per tier, for the labels now.
    tier_conversions: [usize; 3],
}

impl Aggregates {
    /// Bins and statistics of `data`'s features, and its conversions.
    pub fn new(data: &Dataset) -> Aggregates {
        let as_f64 = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
        let summary = Summary::of(data);
        let mut tier_users = [0usize; 3];
        for t in &data.country_tier {
            tier_users[t.index()] += 1;
        }
        let binned = vec![
            Binned::new("days_since_signup", &as_f64(&data.days_since_signup), true),
            Binned::new("sessions_7d", &as_f64(&data.sessions_7d), true),
            Binned::new("content_hours_7d", &data.content_hours_7d, false),
            Binned::new("downloads_7d", &as_f64(&data.downloads_7d), true),
            Binned::new("paywall_views_7d", &as_f64(&data.paywall_views_7d), true),
        ];
        let mut aggregates = Aggregates {
            columns: summary.columns,
            conversions: binned.iter().map(|b| vec![0; b.users.len()]).collect(),
            binned,
            tier_users,
            tier_conversions: [0; 3],
        };
        for (i, &converted) in data.converted.iter().enumerate() {
            if converted {
                aggregates.count(data, i, true);
            }
        }
        aggregates
    }

    /// Counts user `i` as converted (`true`) or no longer converted.
    #[inline]
    fn count(&mut self, data: &Dataset, i: usize, converted: bool) {
        let tier = &mut self.tier_conversions[data.country_tier[i].index()];
        let bins = self.conversions.iter_mut().zip(&self.binned);
        if converted {
            *tier += 1;
            bins.for_each(|(counts, b)| counts[usize::from(b.bin_of[i])] += 1);
        } else {
            *tier -= 1;
            bins.for_each(|(counts, b)| counts[usize::from(b.bin_of[i])] -= 1);
        }
    }

    /// Follows a relabel of the same users: `flipped` are the users whose
    /// label changed (as [`super::generator::relabel_with`] reports them), and
    /// `data` holds the new labels.
    pub fn follow(&mut self, data: &Dataset, flipped: &[usize]) {
        for &i in flipped {
            self.count(data, i, data.converted[i]);
        }
    }

    /// The summary and a histogram per numeric signal for the labels now.
    pub fn summary_and_histograms(&self) -> (Summary, Vec<Histogram>) {
        let rows: usize = self.tier_users.iter().sum();
        let total: usize = self.tier_conversions.iter().sum();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let tiers = Tier::ALL
            .iter()
            .map(|&t| TierStats {
                tier: t.as_str(),
                users: self.tier_users[t.index()],
                conversions: self.tier_conversions[t.index()],
                share: ratio(self.tier_users[t.index()], rows),
                conversion_rate: ratio(
                    self.tier_conversions[t.index()],
                    self.tier_users[t.index()],
                ),
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
            .zip(&self.conversions)
            .map(|(b, c)| b.histogram(c))
            .collect();
        (summary, histograms)
    }

    /// The 95% Wilson interval of each tier's conversion rate, in tier
    /// order (`None` for a tier without users).
    pub fn tier_intervals(&self) -> Vec<Option<[f64; 2]>> {
        Tier::ALL
            .iter()
            .map(|&t| {
                let (n, k) = (self.tier_users[t.index()], self.tier_conversions[t.index()]);
                // Tier sizes fit u32: at most 50,000,000 users are held.
                (n > 0).then(|| {
                    let (low, high) = wilson_interval(k as u32, n as u32);
                    [low, high]
                })
            })
            .collect()
    }

    /// The share of users who convert, for the labels now.
    pub fn conversion_rate(&self) -> f64 {
        let rows: usize = self.tier_users.iter().sum();
        let total: usize = self.tier_conversions.iter().sum();
        if rows == 0 {
            0.0
        } else {
            total as f64 / rows as f64
        }
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
    /// What the user's signals explain of their score, s(x), when the data
    /// were generated here (as are the three below).
    pub systematic: Option<f64>,
    /// Their own noise, σ·z: what no signal records.
    pub noise: Option<f64>,
    /// The true conversion probability, sigmoid(s(x) + σ·z).
    pub probability: Option<f64>,
    /// Their fixed uniform draw u: they convert when u < p.
    pub draw: Option<f64>,
}

/// The first `n` users, with how their score and label came about.
pub fn first_rows(data: &Dataset, params: &GeneratorParams, n: usize) -> Vec<RowView> {
    let score = ScoreWeights::new(params);
    let latent = data.latent.as_ref();
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
            systematic: latent.map(|_| score.systematic(&x)),
            noise: latent.map(|l| score.noise_sigma() * l.noise_z[i]),
            // One user's: reading the list would compute every user's.
            probability: latent.map(|l| sigmoid(l.probability.scores()[i])),
            draw: latent.map(|l| l.label_draw[i]),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;
    use crate::world::generator::{generate, relabel_with};

    /// A histogram for each numeric signal, in CSV order.
    fn histograms(data: &Dataset) -> Vec<Histogram> {
        Aggregates::new(data).summary_and_histograms().1
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
        assert_eq!(days.edges.len(), 59, "1..=59 a bar a day");
        assert_eq!((days.edges[0], days.upper), (1.0, 60.0));
    }

    fn histogram(values: &[f64], converted: &[bool], integer: bool) -> Histogram {
        let binned = Binned::new("x", values, integer);
        let mut conversions = vec![0; binned.users.len()];
        for (&bin, &c) in binned.bin_of.iter().zip(converted) {
            conversions[usize::from(bin)] += u32::from(c);
        }
        binned.histogram(&conversions)
    }

    #[test]
    fn counts_follow_each_relabels_flips() {
        let base = GeneratorParams {
            rows: 5_000,
            ..Default::default()
        };
        let mut data = generate(&base.validate(MAX_ROWS_IN_MEMORY).unwrap());
        let mut aggregates = Aggregates::new(&data);
        let mut flipped = Vec::new();
        for (sessions, baseline) in [(-0.4, 0.0), (-0.4, -3.0), (0.9, 1.0), (0.3, 0.0)] {
            let mut moved = base.clone();
            moved.weights.sessions_7d = sessions;
            moved.baseline = baseline;
            let before = data.converted.clone();
            let moved = moved.validate(MAX_ROWS_IN_MEMORY).unwrap();
            assert!(relabel_with(&mut data, &moved, &mut flipped, |_| {}));
            let changed: Vec<usize> = (0..data.len())
                .filter(|&i| before[i] != data.converted[i])
                .collect();
            assert_eq!(flipped, changed);
            aggregates.follow(&data, &flipped);
            let (summary, hists) = aggregates.summary_and_histograms();
            assert_eq!(summary, Summary::of(&data));
            assert_eq!(hists, Aggregates::new(&data).summary_and_histograms().1);
        }
    }

    #[test]
    fn sparse_bins_carry_a_wilson_interval() {
        // Published values (Wilson 1927; Newcombe 1998, table I): 0 of 10
        // gives 0 to 0.2775, 1 of 10 gives 0.0179 to 0.4042.
        let (low, high) = wilson_interval(0, 10);
        assert_eq!(low, 0.0);
        assert!((high - 0.2775).abs() < 1e-4, "{high}");
        let (low, high) = wilson_interval(1, 10);
        assert!((low - 0.0179).abs() < 1e-4 && (high - 0.4042).abs() < 1e-4);
        assert_eq!(wilson_interval(7, 7).1, 1.0);
        let h = histogram(&[1.0, 1.0, 2.0], &[true, false, true], true);
        assert_eq!(h.rate_low.len(), 2);
        assert!(h.rate_low[1].unwrap() > 0.0 && h.rate_high[1] == Some(1.0));
    }

    #[test]
    fn wide_integer_ranges_get_whole_bins_that_divide_them() {
        // 1..=100: 100 values in 50 bins of 2, the last as full as the rest.
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        let h = histogram(&values, &[false; 100], true);
        assert_eq!(h.users.len(), 50);
        assert!(h.users.iter().all(|&n| n == 2));
        assert_eq!(h.upper, 101.0);
        // 1..=61 (a prime span): the last bin is narrower, and says so.
        let values: Vec<f64> = (1..=61).map(f64::from).collect();
        let h = histogram(&values, &[false; 61], true);
        assert_eq!(h.upper, 62.0);
        assert_eq!(h.edges.last(), Some(&61.0));
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
