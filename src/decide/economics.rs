//! What a decision is worth: the value of a conversion, the cost of a
//! contact, the bound on both that keeps every profit exact to the cent, and
//! money written for people. The profits themselves are read off the
//! sorted users ([`super::ranking`]).

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

/// What one conversion is worth and what contacting one user costs, under
/// the case study's assumption: a user converts only through the contact,
/// so contacting a user with probability p is worth p × value − cost.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Economics {
    /// What one paid conversion brings (the page's default 100).
    pub value_per_conversion: f64,
    /// What contacting one user costs: an offer, a message, a discount (the
    /// page's default 20).
    pub cost_per_contact: f64,
}

impl Default for Economics {
    /// The page's starting point: a conversion worth 100, a contact costing
    /// 20, so a contact pays when the user's probability is above 20%. (The
    /// CLI has no default: it prices the bands only when asked.)
    fn default() -> Self {
        Economics {
            value_per_conversion: 100.0,
            cost_per_contact: 20.0,
        }
    }
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

/// What contacting everyone at or above a threshold is worth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfitPoint {
    pub threshold: f64,
    pub contacted: usize,
    /// Value of the conversions expected among them, judged by the truth
    /// or the labels (never by the predictions that chose them), less the
    /// cost of every contact.
    pub expected_profit: f64,
    /// What they actually brought: the value of the conversions among them
    /// (their labels) less the cost of every contact. On a finite sample it
    /// wanders around the expected profit; judged by the labels, it is it.
    pub realised_profit: f64,
}

/// An amount of money for people: cents and thousands separators, a minus
/// for a loss (`-1234.5` → `-1,234.50`), never `-0.00`. Every profit stays
/// below 10^13 ([`MAX_AMOUNT`]), so its cents are exact here. A half cent
/// rounds away from zero, as money does (and as the page's `Intl` money
/// format does: the page shows the same text).
pub fn money(x: f64) -> String {
    let abs = x.abs();
    // A double lies exactly halfway between two cents only when its
    // fraction is an odd number of eighths (.125, .375, .625, .875): then
    // 100·abs is exact and its ceiling is the cent away from zero.
    let eighths = abs * 8.0;
    let half_cent = eighths < 1e15 && eighths.fract() == 0.0 && eighths % 2.0 == 1.0;
    let text = if half_cent {
        let cents = (abs * 100.0).ceil() as u64;
        format!("{}.{:02}", cents / 100, cents % 100)
    } else {
        format!("{abs:.2}")
    };
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    let sign = if x < 0.0 && text != "0.00" { "-" } else { "" };
    format!("{sign}{grouped}.{cents}")
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
    fn money_reads_like_money() {
        assert_eq!(money(-1234.5), "-1,234.50");
        assert_eq!(money(-0.001), "0.00");
        assert_eq!(money(0.0), "0.00");
        assert_eq!(money(999.999), "1,000.00");
        // Half a cent rounds away from zero (Rust's own format would round
        // 0.125 to even, 0.12).
        assert_eq!(money(0.125), "0.13");
        assert_eq!(money(-1234.625), "-1,234.63");
        assert_eq!(money(0.375), "0.38");
        assert_eq!(money(2.5), "2.50");
        assert_eq!(money(1e13), "10,000,000,000,000.00");
        assert_eq!(money(184_467_440_737.25), "184,467,440,737.25");
    }
}
