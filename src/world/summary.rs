//! Descriptive statistics of a dataset: what `validate` prints and what the
//! page's summary table shows.

use serde::Serialize;

use super::contract::Tier;
use super::dataset::Dataset;

/// Minimum, mean, standard deviation and maximum of one numeric column.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnStats {
    /// Contract column name.
    pub name: &'static str,
    pub min: f64,
    pub mean: f64,
    /// Population standard deviation.
    pub std_dev: f64,
    pub max: f64,
}

impl ColumnStats {
    /// Statistics of `values` (Welford's update, stable for large counts).
    pub fn of(name: &'static str, values: impl Iterator<Item = f64>) -> ColumnStats {
        let (mut n, mut mean, mut m2) = (0.0f64, 0.0f64, 0.0f64);
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for x in values {
            n += 1.0;
            let delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
            // Comparisons, not f64::min/max: in wasm those are calls.
            if x < min {
                min = x;
            }
            if x > max {
                max = x;
            }
        }
        if n == 0.0 {
            return ColumnStats {
                name,
                min: 0.0,
                mean: 0.0,
                std_dev: 0.0,
                max: 0.0,
            };
        }
        ColumnStats {
            name,
            min,
            mean,
            std_dev: (m2 / n).sqrt(),
            max,
        }
    }
}

/// Users and conversions in one tier.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TierStats {
    pub tier: &'static str,
    pub users: usize,
    pub conversions: usize,
    /// Share of all users in this tier.
    pub share: f64,
    /// Conversion rate within the tier (0 when it has no users).
    pub conversion_rate: f64,
}

/// A dataset at a glance.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub rows: usize,
    pub conversions: usize,
    pub conversion_rate: f64,
    /// The five numeric signals, in CSV order.
    pub columns: Vec<ColumnStats>,
    /// The three tiers, in contract order.
    pub tiers: Vec<TierStats>,
}

fn counts(values: &[u32]) -> impl Iterator<Item = f64> + '_ {
    values.iter().map(|&x| f64::from(x))
}

impl Summary {
    /// Summarises a dataset.
    pub fn of(data: &Dataset) -> Summary {
        let columns = vec![
            ColumnStats::of("days_since_signup", counts(&data.days_since_signup)),
            ColumnStats::of("sessions_7d", counts(&data.sessions_7d)),
            ColumnStats::of("content_hours_7d", data.content_hours_7d.iter().copied()),
            ColumnStats::of("downloads_7d", counts(&data.downloads_7d)),
            ColumnStats::of("paywall_views_7d", counts(&data.paywall_views_7d)),
        ];
        let mut users = [0usize; 3];
        let mut conversions = [0usize; 3];
        for (tier, &converted) in data.country_tier.iter().zip(&data.converted) {
            users[tier.index()] += 1;
            conversions[tier.index()] += usize::from(converted);
        }
        let rows = data.len();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let tiers = Tier::ALL
            .iter()
            .map(|&t| TierStats {
                tier: t.as_str(),
                users: users[t.index()],
                conversions: conversions[t.index()],
                share: ratio(users[t.index()], rows),
                conversion_rate: ratio(conversions[t.index()], users[t.index()]),
            })
            .collect();
        let total: usize = conversions.iter().sum();
        Summary {
            rows,
            conversions: total,
            conversion_rate: ratio(total, rows),
            columns,
            tiers,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_match_a_hand_computation() {
        let s = ColumnStats::of("x", [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0].into_iter());
        assert_eq!((s.min, s.mean, s.std_dev, s.max), (2.0, 5.0, 2.0, 9.0));
    }
}
