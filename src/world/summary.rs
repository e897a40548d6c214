//! Descriptive statistics of a dataset: what `validate` prints and what the
//! page's summary table shows.

use serde::Serialize;

use super::contract::{Tier, COLUMNS};
use super::csv_read::RowSink;
use super::dataset::{Dataset, Features};

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
        let mut running = Running::default();
        for x in values {
            running.push(x);
        }
        running.stats(name)
    }
}

/// One column's statistics, updated one value at a time (Welford's update):
/// the same operations in the same order whether a column is summarised at
/// once or row by row, so both give the same bits.
#[derive(Clone, Copy, Debug)]
struct Running {
    n: f64,
    mean: f64,
    m2: f64,
    min: f64,
    max: f64,
}

impl Default for Running {
    fn default() -> Self {
        Running {
            n: 0.0,
            mean: 0.0,
            m2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }
}

impl Running {
    #[inline(always)]
    fn push(&mut self, x: f64) {
        self.n += 1.0;
        let delta = x - self.mean;
        self.mean += delta / self.n;
        self.m2 += delta * (x - self.mean);
        // Comparisons, not f64::min/max: in wasm those are calls.
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
    }

    fn stats(&self, name: &'static str) -> ColumnStats {
        if self.n == 0.0 {
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
            min: self.min,
            mean: self.mean,
            std_dev: (self.m2 / self.n).sqrt(),
            max: self.max,
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
        Summary::from_counts(columns, users, conversions)
    }

    /// The summary of columns already summarised and users and conversions
    /// counted per tier.
    fn from_counts(
        columns: Vec<ColumnStats>,
        users: [usize; 3],
        conversions: [usize; 3],
    ) -> Summary {
        let rows: usize = users.iter().sum();
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

/// A summary built one user at a time, as `conversion validate` reads a
/// file of any size in constant memory. Gives the same bits as
/// [`Summary::of`] on the same users.
#[derive(Clone, Debug, Default)]
pub struct SummaryBuilder {
    columns: [Running; 5],
    users: [usize; 3],
    conversions: [usize; 3],
}

impl SummaryBuilder {
    /// The summary of every user pushed so far.
    pub fn finish(&self) -> Summary {
        // The five numeric signals are the contract's first five columns.
        let columns = COLUMNS
            .iter()
            .zip(&self.columns)
            .map(|(&name, running)| running.stats(name))
            .collect();
        Summary::from_counts(columns, self.users, self.conversions)
    }
}

impl RowSink for SummaryBuilder {
    fn push_row(&mut self, x: &Features, converted: bool) {
        let c = &mut self.columns;
        c[0].push(f64::from(x.days_since_signup));
        c[1].push(f64::from(x.sessions_7d));
        c[2].push(x.content_hours_7d);
        c[3].push(f64::from(x.downloads_7d));
        c[4].push(f64::from(x.paywall_views_7d));
        self.users[x.country_tier.index()] += 1;
        self.conversions[x.country_tier.index()] += usize::from(converted);
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

    #[test]
    fn row_by_row_gives_the_same_bits_as_at_once() {
        use crate::world::generator::generate;
        use crate::world::params::GeneratorParams;
        let params = GeneratorParams {
            rows: 5_000,
            ..Default::default()
        };
        let data = generate(&params.validate(10_000).unwrap());
        let mut builder = SummaryBuilder::default();
        for (x, &converted) in data.all_features().zip(&data.converted) {
            builder.push_row(&x, converted);
        }
        assert_eq!(builder.finish(), Summary::of(&data));
    }
}
