//! The training rows' features standardized column by column: each
//! column's mean and standard deviation, and the values the descent reads.

use super::features::P;
use super::kernels::{sum_lanes, sum_squared_deviations};
use crate::parallel::join;
use crate::world::contract::Tier;
use crate::world::dataset::Dataset;

/// Feature `j` (in [`FEATURES`] order) of users `rows`, in raw units, into
/// `out` (one loop per column type rather than a branch per value).
fn gather(data: &Dataset, j: usize, rows: &[usize], out: &mut Vec<f64>) {
    out.clear();
    let tier = |t: Tier| {
        rows.iter()
            .map(move |&i| f64::from(u8::from(data.country_tier[i] == t)))
    };
    match j {
        0 => out.extend(rows.iter().map(|&i| f64::from(data.days_since_signup[i]))),
        1 => out.extend(rows.iter().map(|&i| f64::from(data.sessions_7d[i]))),
        2 => out.extend(rows.iter().map(|&i| data.content_hours_7d[i])),
        3 => out.extend(rows.iter().map(|&i| f64::from(data.downloads_7d[i]))),
        4 => out.extend(rows.iter().map(|&i| f64::from(data.paywall_views_7d[i]))),
        5 => out.extend(tier(Tier::Tier2)),
        _ => out.extend(tier(Tier::Tier3)),
    }
}

/// How one column is standardized.
#[derive(Clone, Copy, Debug)]
pub(super) struct ColumnScale {
    pub(super) mean: f64,
    pub(super) std_dev: f64,
    /// False for a constant column, stored as 0s.
    pub(super) varies: bool,
}

/// One standardized column of a design and its scale.
pub(super) type Column = (Vec<f32>, ColumnScale);

/// The features of users `rows`, standardized column by column (as
/// [`super::design::Design`] holds them): with `given`'s scale, or each
/// column's own mean and standard deviation, which come back beside them.
/// The columns are independent, so natively two threads share them; the
/// bits are the same either way.
pub(super) fn standardized(data: &Dataset, rows: &[usize], given: Option<&Scaler>) -> [Column; P] {
    let n = rows.len();
    let work = |columns: std::ops::Range<usize>| -> Vec<Column> {
        let mut raw = Vec::with_capacity(n);
        columns
            .map(|j| {
                gather(data, j, rows, &mut raw);
                let scale = match given {
                    Some(s) => ColumnScale {
                        mean: s.mean[j],
                        std_dev: s.std_dev[j],
                        varies: s.varies[j],
                    },
                    None => {
                        let count = n.max(1) as f64;
                        let m = sum_lanes(&raw) / count;
                        let sd = (sum_squared_deviations(&raw, m) / count).sqrt();
                        let varies = sd > 1e-12 * m.abs().max(1.0);
                        ColumnScale {
                            mean: m,
                            std_dev: if varies { sd } else { 1.0 },
                            varies,
                        }
                    }
                };
                let (m, sd) = (scale.mean, scale.std_dev);
                let column = match scale.varies {
                    true => raw.iter().map(|&v| ((v - m) / sd) as f32).collect(),
                    false => vec![0.0; n],
                };
                (column, scale)
            })
            .collect()
    };
    let half = P.div_ceil(2);
    let (first, second) = join(n, || work(0..half), || work(half..P));
    let mut columns = first.into_iter().chain(second);
    std::array::from_fn(|_| columns.next().expect("P columns"))
}

/// The mean and standard deviation each column is standardized with, and
/// which columns take part (a constant or left-out column does not).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Scaler {
    pub(super) mean: [f64; P],
    pub(super) std_dev: [f64; P],
    pub(super) active: [bool; P],
    pub(super) varies: [bool; P],
}
