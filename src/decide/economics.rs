//! What a decision is worth: the value of a conversion, the cost of a
//! contact, and the expected profit of contacting everyone above a threshold.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::DecideError;
use crate::errors::{got_number, thousands};
use crate::input::Object;

/// The most one conversion may be worth, and one contact may cost:
/// 10,000,000. Money is computed in floating point; with at most
/// [`MAX_ROWS_IN_MEMORY`](crate::world::contract::MAX_ROWS_IN_MEMORY) users every profit then stays below 10^13 in size,
/// where a double still tells cents apart, so every amount shown is exact to
/// the cent. Larger amounts are refused, on the page and in the CLI alike.
pub const MAX_AMOUNT: f64 = 10_000_000.0;

/// What one conversion is worth and what contacting one user costs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Economics {
    pub value_per_conversion: f64,
    pub cost_per_contact: f64,
}

impl Economics {
    /// Reads economics from a JSON object at `path`: both fields required.
    pub fn from_value(value: &Value, path: &str) -> Result<Economics, DecideError> {
        let mut o = Object::new(value, path, path)?;
        let value_per_conversion = o.number("valuePerConversion")?;
        let cost_per_contact = o.number("costPerContact")?;
        o.finish()?;
        let missing = |key: &str| DecideError::new(format!("{path}.{key}"), "is missing");
        Economics {
            value_per_conversion: value_per_conversion
                .ok_or_else(|| missing("valuePerConversion"))?,
            cost_per_contact: cost_per_contact.ok_or_else(|| missing("costPerContact"))?,
        }
        .validate()
    }

    /// Checks both amounts are from 0 to [`MAX_AMOUNT`], naming the one at
    /// fault (`valuePerConversion` or `costPerContact`).
    pub fn validate(self) -> Result<Economics, DecideError> {
        for (name, x) in [
            ("valuePerConversion", self.value_per_conversion),
            ("costPerContact", self.cost_per_contact),
        ] {
            if !(0.0..=MAX_AMOUNT).contains(&x) {
                return Err(DecideError::new(
                    name,
                    format!(
                        "must be an amount from 0 to {} {}",
                        thousands(MAX_AMOUNT as u64),
                        got_number(x)
                    ),
                ));
            }
        }
        Ok(self)
    }
}

/// Expected profit of contacting everyone with p ≥ threshold.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfitPoint {
    pub threshold: f64,
    pub contacted: usize,
    pub expected_profit: f64,
}

/// The profit-versus-threshold curve at thresholds 0, 0.01, … 1, and its
/// best point (the highest profit; the lowest threshold on a tie).
pub fn profit_curve(p: &[f64], economics: Economics) -> (Vec<ProfitPoint>, ProfitPoint) {
    let mut sorted: Vec<f64> = p.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    // prefix[k] = sum of the k highest probabilities.
    let mut prefix = Vec::with_capacity(sorted.len() + 1);
    prefix.push(0.0);
    for &q in &sorted {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + q);
    }
    let curve: Vec<ProfitPoint> = (0..=100)
        .map(|k| {
            let threshold = f64::from(k) / 100.0;
            let contacted = sorted.partition_point(|&q| q >= threshold);
            ProfitPoint {
                threshold,
                contacted,
                expected_profit: prefix[contacted] * economics.value_per_conversion
                    - contacted as f64 * economics.cost_per_contact,
            }
        })
        .collect();
    let best = curve.iter().copied().fold(curve[0], |best, point| {
        if point.expected_profit > best.expected_profit {
            point
        } else {
            best
        }
    });
    (curve, best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::contract::MAX_ROWS_IN_MEMORY;

    #[test]
    fn amounts_beyond_the_bound_are_refused_and_within_it_cents_are_exact() {
        let e = Economics {
            value_per_conversion: 1e308,
            cost_per_contact: 0.0,
        };
        assert_eq!(
            e.validate().unwrap_err().to_string(),
            "valuePerConversion must be an amount from 0 to 10,000,000 (got \"1e308\")"
        );
        let nan = Economics {
            value_per_conversion: 1.0,
            cost_per_contact: f64::NAN,
        };
        assert_eq!(nan.validate().unwrap_err().field, "costPerContact");
        // The largest profit: every user converts at the largest value.
        let largest = MAX_ROWS_IN_MEMORY as f64 * MAX_AMOUNT;
        assert!(largest <= 1e13);
        let half_ulp = (largest.next_up() - largest) / 2.0;
        assert!(half_ulp < 0.005, "cents are exact below {largest}");
    }

    #[test]
    fn the_best_threshold_contacts_exactly_the_profitable_users() {
        // Contacting costs 1 and a conversion is worth 4: worth it when p ≥ 0.25.
        let p: Vec<f64> = (0..100).map(|i| f64::from(i) / 100.0).collect();
        let (curve, best) = profit_curve(
            &p,
            Economics {
                value_per_conversion: 4.0,
                cost_per_contact: 1.0,
            },
        );
        assert_eq!(curve.len(), 101);
        assert_eq!(best.threshold, 0.25);
        assert_eq!(best.contacted, 75);
        let by_hand: f64 = p
            .iter()
            .filter(|&&q| q >= 0.25)
            .map(|q| 4.0 * q - 1.0)
            .sum();
        assert!((best.expected_profit - by_hand).abs() < 1e-9);
    }
}
