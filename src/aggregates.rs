//! What the page draws, computed from the users on screen: a histogram per
//! numeric signal with the conversion rate per bin, the contract's predicted
//! statistics per column, and a peek at the first rows.

use serde::Serialize;

use crate::dataset::Dataset;
use crate::params::GeneratorParams;

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

fn histogram(column: &'static str, values: &[f64], converted: &[bool], integer: bool) -> Histogram {
    let (min, max) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    let (min, max) = if values.is_empty() {
        (0.0, 0.0)
    } else {
        (min, max)
    };
    let bins = Bins::for_range(min, max, integer);
    let mut users = vec![0u32; bins.bins];
    let mut conversions = vec![0u32; bins.bins];
    for (&x, &c) in values.iter().zip(converted) {
        let i = bins.index(x);
        users[i] += 1;
        conversions[i] += u32::from(c);
    }
    let rates = users
        .iter()
        .zip(&conversions)
        .map(|(&n, &c)| (n > 0).then(|| f64::from(c) / f64::from(n)))
        .collect();
    Histogram {
        column,
        edges: (0..bins.bins)
            .map(|i| bins.start + i as f64 * bins.width)
            .collect(),
        upper: bins.start + bins.bins as f64 * bins.width,
        users,
        conversions,
        rates,
    }
}

/// A histogram for each numeric signal, in CSV order.
pub fn histograms(data: &Dataset) -> Vec<Histogram> {
    let as_f64 = |v: &[u32]| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    let c = &data.converted;
    vec![
        histogram(
            "days_since_signup",
            &as_f64(&data.days_since_signup),
            c,
            true,
        ),
        histogram("sessions_7d", &as_f64(&data.sessions_7d), c, true),
        histogram("content_hours_7d", &data.content_hours_7d, c, false),
        histogram("downloads_7d", &as_f64(&data.downloads_7d), c, true),
        histogram("paywall_views_7d", &as_f64(&data.paywall_views_7d), c, true),
    ]
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
    data.features_from(0)
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
    use crate::contract::MAX_ROWS_IN_MEMORY;

    #[test]
    fn histograms_count_every_user_and_every_conversion() {
        let params = GeneratorParams {
            rows: 20_000,
            ..Default::default()
        };
        let data = Dataset::generate(&params.validate(MAX_ROWS_IN_MEMORY).unwrap());
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

    #[test]
    fn integer_columns_get_one_bin_per_value_when_they_fit() {
        let h = histogram("x", &[0.0, 1.0, 1.0, 3.0], &[true, false, true, true], true);
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(h.users, vec![1, 2, 0, 1]);
        assert_eq!(h.rates, vec![Some(1.0), Some(0.5), None, Some(1.0)]);
    }

    #[test]
    fn continuous_bins_have_nice_widths() {
        assert_eq!(nice_width(0.8), 1.0);
        assert_eq!(nice_width(0.3), 0.5);
        assert_eq!(nice_width(2.2), 2.5);
        let h = histogram("hours", &[0.0, 0.49, 0.5, 29.99], &[false; 4], false);
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
