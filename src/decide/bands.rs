//! From probability to decision: intent bands and what each band holds. The
//! thresholds are policy, kept apart from the model, and a person can move
//! them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::DecideError;
use crate::errors::got_number;
use crate::input::Object;

/// Where a probability lands in the policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// p ≥ the high threshold (default 0.7).
    HighIntent,
    /// p ≥ the medium threshold (default 0.4).
    MediumIntent,
    LowIntent,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::HighIntent => "high_intent",
            Segment::MediumIntent => "medium_intent",
            Segment::LowIntent => "low_intent",
        }
    }
}

/// The two band thresholds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// `high_intent` when p ≥ high (default 0.7).
    pub high: f64,
    /// `medium_intent` when p ≥ medium (default 0.4).
    pub medium: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            high: 0.7,
            medium: 0.4,
        }
    }
}

impl Thresholds {
    /// Reads thresholds from a JSON object at `path` (e.g. `thresholds`):
    /// `high` and `medium`, each optional (the default), nothing else.
    pub fn from_value(value: &Value, path: &str) -> Result<Thresholds, DecideError> {
        let mut t = Thresholds::default();
        if value.is_null() {
            return Ok(t);
        }
        let mut o = Object::new(value, path, path)?;
        if let Some(x) = o.number("high")? {
            t.high = x;
        }
        if let Some(x) = o.number("medium")? {
            t.medium = x;
        }
        o.finish()?;
        t.validate()
    }

    /// Checks 0 ≤ medium ≤ high ≤ 1, naming the threshold at fault
    /// (`thresholds.high` or `thresholds.medium`).
    pub fn validate(self) -> Result<Thresholds, DecideError> {
        for (name, t) in [
            ("thresholds.high", self.high),
            ("thresholds.medium", self.medium),
        ] {
            if !(0.0..=1.0).contains(&t) {
                return Err(DecideError::new(
                    name,
                    format!("must be a probability from 0 to 1 {}", got_number(t)),
                ));
            }
        }
        if self.medium > self.high {
            return Err(DecideError::new(
                "thresholds.medium",
                format!(
                    "must not be above the high threshold, {} {}",
                    crate::errors::number(self.high),
                    got_number(self.medium)
                ),
            ));
        }
        Ok(self)
    }

    /// The segment of a probability.
    pub fn segment(&self, p: f64) -> Segment {
        if p >= self.high {
            Segment::HighIntent
        } else if p >= self.medium {
            Segment::MediumIntent
        } else {
            Segment::LowIntent
        }
    }
}

/// One band's users and what they do.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Band {
    pub segment: Segment,
    /// Probabilities in [lower, upper) (the high band includes 1).
    pub lower: f64,
    pub upper: f64,
    pub users: usize,
    /// Share of all users.
    pub share: f64,
    pub conversions: usize,
    /// Observed conversion rate (`None` for an empty band).
    pub conversion_rate: Option<f64>,
    pub mean_predicted: Option<f64>,
    /// Band rate over the overall rate.
    pub lift: Option<f64>,
    /// Share of all conversions that are in this band.
    pub share_of_conversions: f64,
    /// What contacting the band is worth: the conversions expected of its
    /// users (by q(x) when the world is known, else by their labels) times
    /// the value, less users × cost. Never by the model's own predictions.
    pub expected_profit: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::economics::Economics;
    use crate::decide::ranking::Ranking;

    #[test]
    fn bands_partition_users_and_conversions() {
        let y = [true, true, false, true, false, false];
        let p = [0.9, 0.75, 0.7, 0.5, 0.41, 0.1];
        let b = Ranking::new(&y, &p, None).bands(
            Thresholds::default(),
            Some(Economics {
                value_per_conversion: 10.0,
                cost_per_contact: 1.0,
            }),
        );
        assert_eq!(b.iter().map(|x| x.users).collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(b.iter().map(|x| x.conversions).sum::<usize>(), 3);
        assert!((b.iter().map(|x| x.share_of_conversions).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(b[0].conversion_rate, Some(2.0 / 3.0));
        assert!((b[0].lift.unwrap() - (2.0 / 3.0) / 0.5).abs() < 1e-12);
        // Judged by the labels: two conversions worth 10, three contacts at 1.
        assert_eq!(b[0].expected_profit, Some(2.0 * 10.0 - 3.0));
        assert!((b[0].mean_predicted.unwrap() - (0.9 + 0.75 + 0.7) / 3.0).abs() < 1e-12);
        assert_eq!(
            Thresholds {
                high: 0.3,
                medium: 0.5
            }
            .validate()
            .unwrap_err()
            .to_string(),
            "thresholds.medium must not be above the high threshold, 0.3 (got \"0.5\")"
        );
    }
}
